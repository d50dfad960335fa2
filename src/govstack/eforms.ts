/**
 * An application form as a GovStack eForm: its JSON Schema (each field's answer in the shape
 * Townhall keeps it), and the other way, an eForm's `formData.data` read into answers through the
 * same field readers as the web journey (applications/answers.ts), every problem at once.
 */
import { fieldShown, readField, readGroupItem, shownPages, type Answer, type Answers, type AnswerProblem, type GroupItem } from '../applications/answers.js';
import type { FieldDefinition, FormDefinition, PageDefinition } from '../applications/definition.js';
import { languages, translator } from '../i18n/i18n.js';
import type { ApplicantContact } from '../applications/applications.js';

type JsonSchema = Record<string, unknown>;

/** The key in `formData.data` for the applicant's own details (the journey's "Your details" page). */
export const APPLICANT_KEY = 'applicant';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[+0-9 ().-]{6,30}$/;

function fieldSchema(field: FieldDefinition): JsonSchema {
  const base = { title: field.label, ...(field.hint ? { description: field.hint } : {}) };
  const values = (field.options ?? []).map((o) => o.value);
  switch (field.type) {
    case 'number': return { ...base, type: 'integer', ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}) };
    case 'money': return { ...base, type: 'integer', minimum: 0, ...(field.max !== undefined ? { maximum: field.max } : {}), 'x-unit': 'pence' };
    case 'date': return { ...base, type: 'string', format: 'date' };
    case 'email': return { ...base, type: 'string', format: 'email', maxLength: 254 };
    case 'phone': return { ...base, type: 'string', pattern: PHONE.source };
    case 'choice': return { ...base, type: 'string', enum: values };
    case 'multiple_choice': return { ...base, type: 'array', items: { type: 'string', enum: values }, uniqueItems: true };
    case 'yes_no': return { ...base, type: 'string', enum: ['yes', 'no'] };
    case 'declaration': return { ...base, type: 'string', const: 'yes' };
    case 'map_point': return { ...base, type: 'string', description: 'A GeoJSON Point as text, or "latitude, longitude"' };
    case 'map_area': return { ...base, type: 'string', description: 'A GeoJSON Polygon as text, or words describing the area' };
    case 'file': return { ...base, type: 'array', items: { type: 'string', description: 'A document URL from POST /documents' }, minItems: field.required === false ? 0 : 1, maxItems: field.maxFiles ?? 1, 'x-document': true };
    default: return { ...base, type: 'string', maxLength: field.maxLength ?? (field.type === 'long_text' ? 4_000 : 500) };
  }
}

/** Each answer is wrapped as `{ "value": ... }`: the API's formData.data holds objects. */
const wrapped = (schema: JsonSchema): JsonSchema => ({ type: 'object', required: ['value'], properties: { value: schema }, additionalProperties: false });

/**
 * The form's JSON Schema. Conditions (a page or field shown or needed only after some answer)
 * cannot all be said in JSON Schema: a conditional field is listed without being required, and
 * its condition is given as `x-show-when` / `x-require-when`; the server checks them on sending.
 */
export function eFormSchema(definition: FormDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const add = (field: FieldDefinition, page: PageDefinition, into: Record<string, JsonSchema>, needed: string[], wrap: boolean) => {
    const schema = { ...fieldSchema(field), ...(field.showWhen ? { 'x-show-when': field.showWhen } : {}), ...(field.requireWhen ? { 'x-require-when': field.requireWhen } : {}), ...(page.showWhen ? { 'x-page-shown-when': page.showWhen } : {}) };
    into[field.id] = wrap ? wrapped(schema) : schema;
    const always = !page.showWhen && !field.showWhen && !field.requireWhen && (field.type === 'declaration' || field.required !== false);
    if (always) needed.push(field.id);
  };
  for (const page of definition.pages) {
    if (page.group) {
      const itemProperties: Record<string, JsonSchema> = {};
      const itemRequired: string[] = [];
      for (const field of page.group.fields) add(field, { id: page.id, title: page.title }, itemProperties, itemRequired, false);
      properties[page.group.id] = wrapped({
        title: page.title, type: 'array', minItems: page.group.min, maxItems: page.group.max,
        items: { type: 'object', title: page.group.itemName, properties: itemProperties, required: itemRequired, additionalProperties: false },
        ...(page.showWhen ? { 'x-page-shown-when': page.showWhen } : {}),
      });
      if (!page.showWhen && page.group.min > 0) required.push(page.group.id);
      continue;
    }
    for (const field of page.fields ?? []) add(field, page, properties, required, true);
  }
  properties[APPLICANT_KEY] = wrapped({
    title: 'Your details', type: 'object', required: ['name', 'email'], additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 254 }, phone: { type: 'string', pattern: PHONE.source } },
  });
  required.push(APPLICANT_KEY);
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: definition.title, type: 'object', properties, required, additionalProperties: false };
}

/** One answer as the API gives it: `{ value }` (a bare value is taken too). */
const unwrap = (given: unknown): unknown => (given !== null && typeof given === 'object' && !Array.isArray(given) && 'value' in given ? (given as { value: unknown }).value : given);

/** An answer as a web form would post it, so the journey's readers check it. */
function postedFor(field: FieldDefinition, value: unknown, name: string): Record<string, unknown> | string {
  if (value === undefined || value === null) return {};
  if (field.type === 'date') {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'must be a date written 2026-04-01';
    const [year, month, day] = value.split('-');
    return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year };
  }
  if (field.type === 'money') {
    if (!Number.isSafeInteger(value) || (value as number) < 0) return 'must be a whole number of pence';
    return { [name]: ((value as number) / 100).toFixed(2) };
  }
  if (field.type === 'number') {
    if (!Number.isSafeInteger(value)) return 'must be a whole number';
    return { [name]: String(value) };
  }
  if (field.type === 'multiple_choice') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return 'must be a list of choices';
    return { [name]: value };
  }
  if ((field.type === 'map_point' || field.type === 'map_area') && typeof value === 'object') return { [name]: JSON.stringify(value) };
  if (typeof value !== 'string') return 'must be text';
  return { [name]: value };
}

export interface ReadAnswers {
  answers: Answers;
  /** Document URLs given per file field. */
  documents: Record<string, string[]>;
  contact: ApplicantContact | null;
  problems: string[];
}

const english = translator(languages[0]!).t;
const say = (problem: AnswerProblem, path: string) => `${path}: ${english(problem.key, problem.values)}`;

/**
 * Reads `formData.data` into answers, page by page in the form's order (so a condition sees the
 * answers before it), through the journey's own field readers. Unknown keys are problems too.
 */
export function readEFormData(definition: FormDefinition, data: Record<string, unknown>): ReadAnswers {
  const answers: Answers = {};
  const documents: Record<string, string[]> = {};
  const problems: string[] = [];
  const known = new Set<string>([APPLICANT_KEY]);
  for (const page of definition.pages) {
    if (page.group) known.add(page.group.id);
    for (const field of page.fields ?? []) known.add(field.id);
  }
  for (const key of Object.keys(data)) if (!known.has(key)) problems.push(`data.${key.slice(0, 60)}: this form has no such question.`);

  for (const page of definition.pages) {
    if (!shownPages(definition, answers).includes(page)) continue;
    if (page.group) {
      const given = unwrap(data[page.group.id]);
      if (given === undefined) continue;
      if (!Array.isArray(given)) { problems.push(`data.${page.group.id}: must be a list of ${page.group.itemName} items.`); continue; }
      if (given.length > page.group.max) { problems.push(`data.${page.group.id}: at most ${page.group.max} items.`); continue; }
      const items: GroupItem[] = [];
      given.forEach((item, n) => {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) { problems.push(`data.${page.group!.id}[${n}]: must be an object.`); return; }
        const body: Record<string, unknown> = {};
        for (const field of page.group!.fields) {
          const posted = postedFor(field, (item as Record<string, unknown>)[field.id], field.id);
          if (typeof posted === 'string') problems.push(`data.${page.group!.id}[${n}].${field.id}: ${posted}.`);
          else Object.assign(body, posted);
        }
        const read = readGroupItem(page, body, answers);
        for (const p of read.problems) problems.push(say(p, `data.${page.group!.id}[${n}].${p.field}`));
        items.push(read.item);
      });
      if (items.length < page.group.min) problems.push(`data.${page.group.id}: give at least ${page.group.min} ${page.group.itemName} items.`);
      answers[page.group.id] = items;
      continue;
    }
    for (const field of page.fields ?? []) {
      if (!fieldShown(field, answers)) continue;
      const given = unwrap(data[field.id]);
      if (field.type === 'file') {
        if (given === undefined) continue;
        if (!Array.isArray(given) || !given.every((u) => typeof u === 'string')) problems.push(`data.${field.id}: must be a list of document URLs.`);
        else documents[field.id] = given as string[];
        continue;
      }
      const posted = postedFor(field, given, field.id);
      if (typeof posted === 'string') { problems.push(`data.${field.id}: ${posted}.`); continue; }
      const { value, problem } = readField(field, posted, '', answers);
      if (problem) problems.push(say(problem, `data.${field.id}`));
      else if (value !== undefined) answers[field.id] = value as Answer;
    }
  }
  const contact = readContact(unwrap(data[APPLICANT_KEY]), problems);
  return { answers, documents, contact, problems };
}

function readContact(given: unknown, problems: string[]): ApplicantContact | null {
  if (given === undefined) { problems.push(`data.${APPLICANT_KEY}: give the applicant's name and email address, as { "value": { "name": ..., "email": ... } }.`); return null; }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) { problems.push(`data.${APPLICANT_KEY}: must be an object with name and email.`); return null; }
  const { name, email, phone } = given as Record<string, unknown>;
  const before = problems.length;
  if (typeof name !== 'string' || !name.trim() || name.length > 200) problems.push(`data.${APPLICANT_KEY}.name: give the applicant's name, at most 200 characters.`);
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email.trim())) problems.push(`data.${APPLICANT_KEY}.email: give an email address like name@example.com.`);
  if (phone !== undefined && (typeof phone !== 'string' || !PHONE.test(phone))) problems.push(`data.${APPLICANT_KEY}.phone: give a phone number of 6 to 30 digits.`);
  if (problems.length > before) return null;
  return { name: (name as string).trim(), email: (email as string).trim(), ...(typeof phone === 'string' && phone ? { phone } : {}) };
}

/** Answers as the API returns them: each wrapped as `{ value }`, money and numbers as numbers. */
export function answersAsData(definition: FormDefinition, answers: Answers, documentUrls: Record<string, string[]>): Record<string, { value: unknown }> {
  const fields = new Map<string, FieldDefinition>();
  for (const page of definition.pages) for (const field of [...(page.fields ?? []), ...(page.group?.fields ?? [])]) fields.set(field.id, field);
  const typed = (field: FieldDefinition | undefined, value: unknown) =>
    (field?.type === 'money' || field?.type === 'number') && typeof value === 'string' ? Number(value) : value;
  const data: Record<string, { value: unknown }> = {};
  for (const [key, value] of Object.entries(answers)) {
    data[key] = { value: Array.isArray(value) && value.every((v) => typeof v === 'object') ? (value as GroupItem[]).map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typed(fields.get(k), v)]))) : typed(fields.get(key), value) };
  }
  for (const [field, urls] of Object.entries(documentUrls)) data[field] = { value: urls };
  return data;
}
