/**
 * What importing a catalogue file would change: each item added, changed or removed, and for a
 * change, each field with its value before and after. Items are matched by their codes (response
 * templates by department and name, message templates by event, channel and language, routing
 * rules by their place in the list); lists of things with codes inside an item (a service's
 * questions, a workflow's states) are matched by code too, so a change names the question it is in.
 */
import type { Catalogue } from './catalogue-format.js';

export const sections = ['groups', 'calendars', 'departments', 'workflows', 'services', 'routingRules', 'responseTemplates', 'messageTemplates'] as const;
export type Section = (typeof sections)[number];

export interface FieldChange {
  field: string;
  /** undefined: the field was not there. */
  before?: unknown;
  after?: unknown;
}

export interface ItemChange {
  section: Section;
  key: string;
  kind: 'added' | 'changed' | 'removed';
  fields: FieldChange[];
}

type Item = Record<string, unknown>;

export function itemKey(section: Section, item: Item, index: number): string {
  if (section === 'routingRules') return `#${index + 1}`;
  if (section === 'responseTemplates') return `${(item.department as string | null) ?? '(every department)'}: ${String(item.name)}`;
  if (section === 'messageTemplates') return `${String(item.event)}/${String(item.channel)}/${String(item.language)}`;
  return String(item.code);
}

const isObject = (value: unknown): value is Item => value !== null && typeof value === 'object' && !Array.isArray(value);
const coded = (value: unknown[]): value is Array<Item & { code: string }> =>
  value.length > 0 && value.every((v) => isObject(v) && typeof v.code === 'string') && new Set(value.map((v) => (v as Item).code)).size === value.length;

/** The item as field path -> value, lists of coded things keyed by code (with their order as a field of its own); `members` gets each coded thing whole. */
function flatten(value: unknown, path: string, into: Map<string, unknown>, members: Map<string, unknown>): Map<string, unknown> {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && path !== '') into.set(path, value);
    for (const key of keys) flatten(value[key], path === '' ? key : `${path}.${key}`, into, members);
  } else if (Array.isArray(value) && coded(value)) {
    into.set(`${path} (order)`, value.map((v) => v.code));
    for (const v of value) {
      members.set(`${path}[${v.code}]`, v);
      flatten(v, `${path}[${v.code}]`, into, members);
    }
  } else {
    into.set(path, value);
  }
  return into;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(before: Item, after: Item): FieldChange[] {
  const membersBefore = new Map<string, unknown>();
  const membersAfter = new Map<string, unknown>();
  const a = flatten(before, '', new Map(), membersBefore);
  const b = flatten(after, '', new Map(), membersAfter);
  // A question (or state...) added or removed whole is one change, not one per field.
  const whole: FieldChange[] = [];
  for (const [path, member] of membersBefore) if (!membersAfter.has(path)) whole.push({ field: path, before: member });
  for (const [path, member] of membersAfter) if (!membersBefore.has(path)) whole.push({ field: path, after: member });
  const insideWhole = (field: string) => whole.some((w) => field.startsWith(`${w.field}.`) || field.startsWith(`${w.field}[`));
  const changes: FieldChange[] = [];
  for (const [field, value] of a) {
    if (insideWhole(field)) continue;
    if (!b.has(field)) changes.push({ field, before: value });
    else if (!same(value, b.get(field))) {
      // A list that only gained or lost members says so through those members' own fields.
      if (field.endsWith(' (order)') && sameOrder(value as string[], b.get(field) as string[])) continue;
      changes.push({ field, before: value, after: b.get(field) });
    }
  }
  for (const [field, value] of b) if (!a.has(field) && !insideWhole(field)) changes.push({ field, after: value });
  return [...changes, ...whole.filter((w) => !whole.some((outer) => outer !== w && w.field.startsWith(`${outer.field}.`)))];
}

/** Whether the members both lists share come in the same order. */
function sameOrder(before: string[], after: string[]): boolean {
  const kept = new Set(after);
  const a = before.filter((c) => kept.has(c));
  const had = new Set(before);
  return same(a, after.filter((c) => had.has(c)));
}

export function diffCatalogues(current: Catalogue, wanted: Catalogue): ItemChange[] {
  const changes: ItemChange[] = [];
  for (const section of sections) {
    const before = new Map((current[section] as Item[]).map((item, i) => [itemKey(section, item, i), { item, i }]));
    const after = new Map((wanted[section] as Item[]).map((item, i) => [itemKey(section, item, i), { item, i }]));
    for (const [key, { item, i }] of after) {
      const old = before.get(key);
      // A group's place in the list is the order residents see the groups in.
      const withPlace = (x: Item, n: number) => (section === 'groups' ? { ...x, position: n + 1 } : x);
      if (!old) changes.push({ section, key, kind: 'added', fields: [] });
      else {
        const fields = fieldChanges(withPlace(old.item, old.i), withPlace(item, i));
        if (fields.length > 0) changes.push({ section, key, kind: 'changed', fields });
      }
    }
    for (const key of before.keys()) if (!after.has(key)) changes.push({ section, key, kind: 'removed', fields: [] });
  }
  return changes;
}

const shown = (value: unknown): string => {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const scalars = (value: unknown): value is Array<string | number | boolean | null> => Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');

/** A change in words: before -> after; for a list of plain values that kept its order, what it gained and lost. */
function fieldText(f: FieldChange): string {
  if (f.before === undefined && f.after !== undefined && isObject(f.after) && typeof f.after.code === 'string') return `added ${shown(f.after)}`;
  if (f.after === undefined && f.before !== undefined && isObject(f.before) && typeof f.before.code === 'string') return `removed ${shown(f.before)}`;
  if (scalars(f.before) && scalars(f.after)) {
    const before = f.before.map((v) => JSON.stringify(v));
    const after = f.after.map((v) => JSON.stringify(v));
    const gained = after.filter((v) => !before.includes(v));
    const lost = before.filter((v) => !after.includes(v));
    if (same(before.filter((v) => after.includes(v)), after.filter((v) => before.includes(v))) && gained.length + lost.length > 0) {
      return [gained.length > 0 && `added ${gained.join(', ')}`, lost.length > 0 && `removed ${lost.join(', ')}`].filter(Boolean).join('; ');
    }
  }
  return `${shown(f.before)} -> ${shown(f.after)}`;
}

/** The changes as a person reads them, a line each; "No changes." when there are none. */
export function diffText(changes: ItemChange[]): string[] {
  if (changes.length === 0) return ['No changes.'];
  const lines: string[] = [];
  for (const section of sections) {
    const mine = changes.filter((c) => c.section === section);
    if (mine.length === 0) continue;
    lines.push(`${section}:`);
    for (const change of mine) {
      const mark = change.kind === 'added' ? '+' : change.kind === 'removed' ? '-' : '~';
      lines.push(`  ${mark} ${change.key} (${change.kind})`);
      for (const f of change.fields) lines.push(`      ${f.field}: ${fieldText(f)}`);
    }
  }
  const count = (kind: ItemChange['kind']) => changes.filter((c) => c.kind === kind).length;
  lines.push(`${count('added')} added, ${count('changed')} changed, ${count('removed')} removed.`);
  return lines;
}
