/**
 * The applicant's answers: reading one page's posted form into answers (every problem at once,
 * as message keys the page says in the reader's language), which pages and fields show under
 * the conditions, and whether the whole application is complete.
 */
import type { MessageKey } from '../i18n/i18n.js';
import { placesStillChosen } from './addresses.js';
import type { Condition, FieldDefinition, FormDefinition, PageDefinition } from './definition.js';

/** One answer: text, several choices or document ids, or a repeatable group's items. */
export type GroupItem = Record<string, string | string[]>;
export type Answer = string | string[] | GroupItem[];
export type Answers = Record<string, Answer>;

export interface AnswerProblem { field: string; key: MessageKey; values?: Record<string, string | number> }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[+0-9 ().-]{6,30}$/;
const DEFAULT_MAX_LENGTH = { long_text: 4_000, other: 500 } as const;
/** A GeoJSON text kept as an answer is at most this long (an area with a few hundred corners). */
export const MAX_GEOJSON = 20_000;

const asList = (answer: Answer | undefined): string[] =>
  answer === undefined ? [] : typeof answer === 'string' ? [answer] : answer.every((a) => typeof a === 'string') ? (answer as string[]) : [];

export function conditionHolds(condition: Condition | undefined, answers: Answers): boolean {
  if (!condition) return true;
  return asList(answers[condition.field]).some((value) => condition.in.includes(value));
}

export const pageShown = (page: PageDefinition, answers: Answers) => conditionHolds(page.showWhen, answers);
export const fieldShown = (field: FieldDefinition, answers: Answers) => conditionHolds(field.showWhen, answers);
export const fieldNeeded = (field: FieldDefinition, answers: Answers) =>
  field.type === 'declaration' || (field.requireWhen ? conditionHolds(field.requireWhen, answers) : field.required !== false);

/** The pages the applicant goes through, given what they have answered so far. */
export const shownPages = (definition: FormDefinition, answers: Answers) => definition.pages.filter((page) => pageShown(page, answers));

/** Reads what a form post gives for a field: a string, or a list when the name repeats. */
function posted(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * One field's answer from the posted form (`prefix` names a group item's fields), or a problem.
 * Empty answers give undefined, and are a problem only when the field is needed.
 */
export function readField(field: FieldDefinition, body: Record<string, unknown>, prefix: string, answers: Answers): { value?: Answer; problem?: AnswerProblem } {
  const name = `${prefix}${field.id}`;
  const problem = (key: MessageKey, values?: Record<string, string | number>) => ({ problem: { field: name, key, values: { label: field.label, ...values } } });
  const needed = fieldNeeded(field, answers);
  const text = (posted(body, name)[0] ?? '').trim();

  if (field.type === 'date') {
    const [day, month, year] = ['day', 'month', 'year'].map((part) => (posted(body, `${name}-${part}`)[0] ?? '').trim());
    if (!day && !month && !year) return needed ? problem('applications.error.dateRequired') : {};
    const d = Number(day), m = Number(month), y = Number(year);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (![day, month, year].every((p) => /^\d+$/.test(p ?? '')) || y < 1900 || y > 2999 || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) return problem('applications.error.dateReal');
    return { value: date.toISOString().slice(0, 10) };
  }
  if (field.type === 'multiple_choice') {
    const chosen = posted(body, name);
    if (chosen.length === 0) return needed ? problem('applications.error.chooseAtLeastOne') : {};
    const known = new Set((field.options ?? []).map((o) => o.value));
    if (!chosen.every((c) => known.has(c))) return problem('applications.error.chooseFromList');
    return { value: [...new Set(chosen)] };
  }
  if (field.type === 'file') return {};
  if (field.type === 'declaration') return text === 'yes' ? { value: 'yes' } : problem('applications.error.declaration');
  if (!text) return needed ? problem(field.type === 'choice' || field.type === 'yes_no' ? 'applications.error.choose' : 'applications.error.required') : {};

  switch (field.type) {
    case 'choice':
      return (field.options ?? []).some((o) => o.value === text) ? { value: text } : problem('applications.error.chooseFromList');
    case 'yes_no':
      return text === 'yes' || text === 'no' ? { value: text } : problem('applications.error.choose');
    case 'number': {
      if (!/^-?\d+$/.test(text.replace(/,/g, ''))) return problem('applications.error.wholeNumber');
      const n = Number(text.replace(/,/g, ''));
      if (field.min !== undefined && n < field.min) return problem('applications.error.numberMin', { min: field.min });
      if (field.max !== undefined && n > field.max) return problem('applications.error.numberMax', { max: field.max });
      return { value: String(n) };
    }
    case 'money': {
      const cleaned = text.replace(/^[£$€]/, '').replace(/,/g, '');
      if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return problem('applications.error.money');
      const pence = Math.round(Number(cleaned) * 100);
      if (field.max !== undefined && pence > field.max) return problem('applications.error.moneyMax', { max: (field.max / 100).toFixed(2) });
      return { value: String(pence) };
    }
    case 'email':
      return text.length <= 254 && EMAIL.test(text) ? { value: text } : problem('applications.error.email');
    case 'phone':
      return PHONE.test(text) ? { value: text } : problem('applications.error.phone');
    case 'map_point':
    case 'map_area':
      return readPlace(field, text, problem);
    default: {
      const max = field.maxLength ?? (field.type === 'long_text' ? DEFAULT_MAX_LENGTH.long_text : DEFAULT_MAX_LENGTH.other);
      return [...text].length <= max ? { value: text } : problem('applications.error.tooLong', { max });
    }
  }
}

/**
 * A place drawn on the map arrives as GeoJSON (the map's script writes it); without the script,
 * the applicant types coordinates ("51.5, -0.12"), which become a point, or, for an area, an
 * address or a description of the streets, kept as text for the officer.
 */
function readPlace(field: FieldDefinition, text: string, problem: (key: MessageKey) => { problem: AnswerProblem }): { value?: Answer; problem?: AnswerProblem } {
  const coordinates = /^(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$/.exec(text);
  if (coordinates) {
    const lat = Number(coordinates[1]), long = Number(coordinates[2]);
    if (Math.abs(lat) > 90 || Math.abs(long) > 180) return problem('applications.error.place');
    return { value: JSON.stringify({ type: 'Point', coordinates: [long, lat] }) };
  }
  if (text.startsWith('{')) {
    if (text.length > MAX_GEOJSON) return problem('applications.error.place');
    const geometry = parseGeometry(text);
    if (!geometry || (field.type === 'map_point' && geometry.type !== 'Point')) return problem('applications.error.place');
    return { value: JSON.stringify(geometry) };
  }
  if (field.type === 'map_area' && [...text].length <= 500) return { value: text };
  return problem('applications.error.place');
}

type Geometry = { type: 'Point'; coordinates: [number, number] } | { type: 'Polygon'; coordinates: Array<Array<[number, number]>> };
const isPosition = (p: unknown): p is [number, number] =>
  Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;

/** A GeoJSON Point or Polygon (or a Feature holding one), checked; anything else is null. */
export function parseGeometry(text: string): Geometry | null {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return null; }
  const g = (parsed as { type?: unknown; geometry?: unknown })?.type === 'Feature' ? (parsed as { geometry: unknown }).geometry : parsed;
  const { type, coordinates } = (g ?? {}) as { type?: unknown; coordinates?: unknown };
  if (type === 'Point' && isPosition(coordinates)) return { type, coordinates };
  if (type === 'Polygon' && Array.isArray(coordinates) && coordinates.length >= 1 && coordinates.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.length <= 1000 && ring.every(isPosition))) {
    const outer = coordinates[0] as Array<[number, number]>;
    const [first, last] = [outer[0]!, outer[outer.length - 1]!];
    if (first[0] !== last[0] || first[1] !== last[1]) return null;
    return { type, coordinates: coordinates as Array<Array<[number, number]>> };
  }
  return null;
}

/** Reads a page of fields from a form post: the answers it gives and every problem with them. */
export function readPage(page: PageDefinition, body: Record<string, unknown>, answers: Answers): { answers: Answers; problems: AnswerProblem[] } {
  const given: Answers = {};
  const problems: AnswerProblem[] = [];
  for (const field of page.fields ?? []) {
    if (!fieldShown(field, answers)) continue;
    const { value, problem } = readField(field, body, '', answers);
    if (problem) problems.push(problem);
    else if (value !== undefined) given[field.id] = value;
  }
  return { answers: given, problems };
}

/** Reads one item of a repeatable group (its fields posted under their own names). */
export function readGroupItem(page: PageDefinition, body: Record<string, unknown>, answers: Answers): { item: GroupItem; problems: AnswerProblem[] } {
  const item: GroupItem = {};
  const problems: AnswerProblem[] = [];
  for (const field of page.group?.fields ?? []) {
    if (!fieldShown(field, answers)) continue;
    const { value, problem } = readField(field, body, '', answers);
    if (problem) problems.push(problem);
    else if (value !== undefined) item[field.id] = value as string | string[];
  }
  return { item, problems };
}

export const groupItems = (answers: Answers, groupId: string): GroupItem[] => {
  const value = answers[groupId];
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null) ? (value as GroupItem[]) : [];
};

/**
 * The first page still to answer (a needed field unanswered, a group with too few items), or
 * null when the application is complete. Answers on pages now hidden are left out when it is sent.
 */
export function firstIncompletePage(definition: FormDefinition, answers: Answers, documents: Record<string, number>): PageDefinition | null {
  for (const page of shownPages(definition, answers)) {
    if (page.group) {
      if (groupItems(answers, page.group.id).length < Math.max(page.group.min, 1) && page.group.min > 0) return page;
      continue;
    }
    for (const field of page.fields ?? []) {
      if (!fieldShown(field, answers) || !fieldNeeded(field, answers)) continue;
      if (field.type === 'file' ? (documents[field.id] ?? 0) === 0 : answers[field.id] === undefined) return page;
    }
  }
  return null;
}

/** The answers as they are sent: only those on pages and fields that show. */
export function answersToKeep(definition: FormDefinition, answers: Answers): Answers {
  const kept: Answers = {};
  for (const page of shownPages(definition, answers)) {
    if (page.group) {
      if (answers[page.group.id] !== undefined) kept[page.group.id] = answers[page.group.id]!;
      continue;
    }
    for (const field of page.fields ?? []) if (fieldShown(field, answers) && answers[field.id] !== undefined) kept[field.id] = answers[field.id]!;
    // An address chosen from the gazetteer keeps its place (id and coordinates) beside the words.
    Object.assign(kept, placesStillChosen((page.fields ?? []).filter((f) => fieldShown(f, answers)), answers));
  }
  return kept;
}
