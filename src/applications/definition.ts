/**
 * An application service's form as a council defines it, as data: the start page, the
 * eligibility check, the pages and their fields (with repeatable groups and conditions), the fee
 * schedules and the translations of the form's own words. `checkDefinition` is its schema: it
 * reads untrusted JSON and either returns a typed definition or lists every problem in words a
 * council officer can act on.
 */

export const fieldTypes = [
  'text', 'long_text', 'number', 'money', 'date', 'email', 'phone', 'choice', 'multiple_choice', 'yes_no',
  'address', 'map_point', 'map_area', 'file', 'declaration',
] as const;
export type FieldType = (typeof fieldTypes)[number];

/** Words a translation may replace, per language code: { "es": { "label": "..." } }. */
export type TextTranslations = Record<string, Record<string, string>>;

export interface Option { value: string; label: string }

/** "Show (or require) when an earlier answer is one of these values." */
export interface Condition { field: string; in: string[] }

export interface FieldDefinition {
  id: string;
  type: FieldType;
  label: string;
  hint?: string;
  /** Needed unless false; a declaration is always needed. */
  required?: boolean;
  options?: Option[];
  /** Numbers: the smallest and largest allowed (money in pence). */
  min?: number;
  max?: number;
  maxLength?: number;
  /** Files: how many at most (default 1). */
  maxFiles?: number;
  showWhen?: Condition;
  requireWhen?: Condition;
  /** label, hint, and "option.<value>" per language. */
  translations?: TextTranslations;
}

export interface GroupDefinition {
  id: string;
  /** What one item is called ("tree"): "Add another tree". */
  itemName: string;
  min: number;
  max: number;
  fields: FieldDefinition[];
  translations?: TextTranslations;
}

export interface PageDefinition {
  id: string;
  title: string;
  /** The section the page belongs to on "Check your answers". */
  section?: string;
  hint?: string;
  showWhen?: Condition;
  /** A page has fields, or one repeatable group. */
  fields?: FieldDefinition[];
  group?: GroupDefinition;
  translations?: TextTranslations;
}

export type EligibilityOutcome =
  | { kind: 'continue' }
  | { kind: 'not_needed'; reason: string }
  | { kind: 'other_service'; serviceCode: string; reason: string };

export interface EligibilityQuestion {
  id: string;
  question: string;
  hint?: string;
  options: Array<Option & { outcome: EligibilityOutcome }>;
  translations?: TextTranslations;
}

export type FeeRule =
  | { kind: 'fixed'; label: string; amount: number }
  | { kind: 'per_item'; label: string; group: string; amount: number; free?: number }
  | { kind: 'by_choice'; label: string; field: string; amounts: Record<string, number> }
  | { kind: 'concession'; label: string; field: string; in: string[]; percentOff: number };

export interface FeeSchedule {
  /** A calendar date (YYYY-MM-DD): from that day on, this schedule applies. */
  effectiveFrom: string;
  rules: FeeRule[];
}

/** One thing an inspector checks on site ("Hand-washing basin with hot water"). */
export interface ChecklistItem {
  id: string;
  label: string;
  hint?: string;
  /** label and hint per language. */
  translations?: TextTranslations;
}

/** What an inspection of this service checks: each item is recorded as pass, fail or not applicable. */
export interface InspectionDefinition { checklist: ChecklistItem[] }

export const MAX_CHECKLIST = 100;

export interface FormDefinition {
  title: string;
  summary: string;
  whatYouNeed: string[];
  howLong: string;
  eligibility: EligibilityQuestion[];
  pages: PageDefinition[];
  fees: FeeSchedule[];
  /** How many days an approval lasts: the decision form's "valid until" starts there (default a year). */
  validityDays?: number;
  /** Days after the decision in which the applicant may appeal or object; none when absent. */
  appealDays?: number;
  /** Services that inspect before deciding: the inspector's checklist. */
  inspection?: InspectionDefinition;
  /** What an approval's licence is called ("Taxi driver licence"); the catalogue's service name when absent. */
  licenceName?: string;
  /** What the licence permits, in words ("Drive a licensed taxi in the borough"), on the licence and in the register. */
  licencePermits?: string;
  /** title, summary, howLong, "need.<n>", licenceName, licencePermits per language. */
  translations?: TextTranslations;
}

const ID = /^[a-z][a-z0-9_]{0,39}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 2_000;
export const MAX_PAGES = 50;
export const MAX_FIELDS = 200;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100_000_000;

export type DefinitionCheck = { ok: true; definition: FormDefinition } | { ok: false; problems: string[] };

/** Reads a definition (parsed JSON); lists every problem it finds, each saying where and what to do. */
export function checkDefinition(input: unknown): DefinitionCheck {
  const problems: string[] = [];
  const say = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(input)) return { ok: false, problems: ['The form definition must be a JSON object.'] };
  for (const key of ['title', 'summary', 'howLong'] as const) if (!isText(input[key])) say(key, 'give some text, at most 2,000 characters.');
  if (!Array.isArray(input.whatYouNeed) || !input.whatYouNeed.every((t) => isText(t))) say('whatYouNeed', 'give a list of texts (it may be empty).');
  checkTranslations(input.translations, 'translations', say);
  if (input.validityDays !== undefined && !(isAmount(input.validityDays) && input.validityDays >= 1 && input.validityDays <= 36_500)) say('validityDays', 'give a whole number of days from 1 to 36,500.');
  if (input.licenceName !== undefined && !isText(input.licenceName, 200)) say('licenceName', 'give the licence\'s name, at most 200 characters, or leave it out.');
  if (input.licencePermits !== undefined && !isText(input.licencePermits)) say('licencePermits', 'say what the licence permits, at most 2,000 characters, or leave it out.');
  if (input.appealDays !== undefined && !(isAmount(input.appealDays) && input.appealDays >= 1 && input.appealDays <= 3_650)) say('appealDays', 'give a whole number of days from 1 to 3,650, or leave it out when there is no appeal period.');

  // Every field answered so far, with its options, so a condition can only look back.
  const earlier = new Map<string, FieldDefinition>();
  const ids = new Set<string>();
  const claim = (id: unknown, where: string): boolean => {
    if (typeof id !== 'string' || !ID.test(id)) {
      say(where, 'the id must start with a small letter and use only small letters, digits and _ (at most 40).');
      return false;
    }
    if (ids.has(id)) say(where, `the id "${id}" is used twice; each page, group and field needs its own.`);
    ids.add(id);
    return true;
  };
  const checkCondition = (condition: unknown, where: string) => {
    if (condition === undefined) return;
    if (!isObject(condition) || typeof condition.field !== 'string' || !Array.isArray(condition.in) || !condition.in.every((v) => typeof v === 'string')) {
      say(where, 'a condition is {"field": "<an earlier field id>", "in": ["<value>", ...]}.');
      return;
    }
    if (!earlier.has(condition.field)) say(where, `the condition looks at "${condition.field}", which is not a field on an earlier page.`);
  };
  const checkField = (field: unknown, where: string, inGroup: boolean): field is FieldDefinition => {
    if (!isObject(field)) {
      say(where, 'each field must be an object.');
      return false;
    }
    const named = claim(field.id, where);
    const at = named ? `${where} (${String(field.id)})` : where;
    if (!fieldTypes.includes(field.type as FieldType)) say(at, `the type must be one of ${fieldTypes.join(', ')}.`);
    if (!isText(field.label)) say(at, 'give a label.');
    if (field.hint !== undefined && !isText(field.hint)) say(at, 'the hint must be text, at most 2,000 characters.');
    if (field.required !== undefined && typeof field.required !== 'boolean') say(at, 'required must be true or false.');
    const needsOptions = field.type === 'choice' || field.type === 'multiple_choice';
    if (needsOptions) checkOptions(field.options, at, say);
    else if (field.options !== undefined) say(at, `a ${String(field.type)} field has no options; only choice and multiple_choice do.`);
    for (const key of ['min', 'max', 'maxLength', 'maxFiles'] as const) if (field[key] !== undefined && !isAmount(field[key])) say(at, `${key} must be a whole number, 0 or more.`);
    if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) say(at, 'min is larger than max.');
    if (inGroup && (field.type === 'file' || field.type === 'declaration' || field.type === 'map_area')) say(at, `a ${field.type} field cannot be inside a repeatable group.`);
    checkCondition(field.showWhen, `${at} showWhen`);
    checkCondition(field.requireWhen, `${at} requireWhen`);
    checkTranslations(field.translations, `${at} translations`, say);
    return true;
  };

  if (!Array.isArray(input.eligibility)) say('eligibility', 'give a list of questions (it may be empty).');
  else input.eligibility.forEach((q: unknown, n) => {
    const where = `eligibility question ${n + 1}`;
    if (!isObject(q)) return say(where, 'each question must be an object.');
    claim(q.id, where);
    if (!isText(q.question)) say(where, 'give the question.');
    checkTranslations(q.translations, `${where} translations`, say);
    if (!checkOptions(q.options, where, say)) return;
    for (const option of q.options as Json[]) {
      const outcome = option.outcome;
      const fine = isObject(outcome) && (outcome.kind === 'continue'
        || (outcome.kind === 'not_needed' && isText(outcome.reason))
        || (outcome.kind === 'other_service' && isText(outcome.reason) && isText(outcome.serviceCode, 100)));
      if (!fine) say(`${where} option "${String(option.value)}"`, 'the outcome must be {"kind": "continue"}, {"kind": "not_needed", "reason"} or {"kind": "other_service", "serviceCode", "reason"}.');
    }
  });

  const groups = new Set<string>();
  if (!Array.isArray(input.pages) || input.pages.length === 0 || input.pages.length > MAX_PAGES) say('pages', `give 1 to ${MAX_PAGES} pages.`);
  else {
    let fieldCount = 0;
    input.pages.forEach((page: unknown, n) => {
      const where = `page ${n + 1}`;
      if (!isObject(page)) return say(where, 'each page must be an object.');
      claim(page.id, where);
      if (!isText(page.title)) say(where, 'give the page a title.');
      if (page.section !== undefined && !isText(page.section, 200)) say(where, 'the section must be text, at most 200 characters.');
      checkCondition(page.showWhen, `${where} showWhen`);
      checkTranslations(page.translations, `${where} translations`, say);
      const pageFields: FieldDefinition[] = [];
      if ((page.fields === undefined) === (page.group === undefined)) return say(where, 'a page has either "fields" or one repeatable "group", not both and not neither.');
      if (page.fields !== undefined) {
        if (!Array.isArray(page.fields) || page.fields.length === 0) return say(where, 'give at least one field.');
        page.fields.forEach((field: unknown, m) => { if (checkField(field, `${where} field ${m + 1}`, false)) pageFields.push(field as FieldDefinition); });
      } else {
        const group = page.group;
        const at = `${where} group`;
        if (!isObject(group)) return say(at, 'the group must be an object.');
        if (claim(group.id, at)) groups.add(group.id as string);
        if (!isText(group.itemName, 100)) say(at, 'give the name of one item, such as "tree".');
        if (!isAmount(group.min) || !isAmount(group.max) || (group.max as number) < 1 || (group.min as number) > (group.max as number)) say(at, 'min and max are whole numbers, max at least 1 and not less than min.');
        checkTranslations(group.translations, `${at} translations`, say);
        if (!Array.isArray(group.fields) || group.fields.length === 0) return say(at, 'give at least one field.');
        group.fields.forEach((field: unknown, m) => { if (checkField(field, `${at} field ${m + 1}`, true)) pageFields.push(field as FieldDefinition); });
      }
      fieldCount += pageFields.length;
      // Fields become "earlier" once their page is done: a condition looks at an earlier page.
      for (const field of pageFields) earlier.set(field.id, field);
    });
    if (fieldCount > MAX_FIELDS) say('pages', `at most ${MAX_FIELDS} fields in all; there are ${fieldCount}.`);
  }

  if (!Array.isArray(input.fees)) say('fees', 'give a list of fee schedules (empty when the service is free).');
  else input.fees.forEach((schedule: unknown, n) => {
    const where = `fee schedule ${n + 1}`;
    if (!isObject(schedule)) return say(where, 'each schedule must be an object.');
    if (typeof schedule.effectiveFrom !== 'string' || !DATE.test(schedule.effectiveFrom) || Number.isNaN(Date.parse(schedule.effectiveFrom))) say(where, 'effectiveFrom must be a date written 2026-04-01.');
    if (!Array.isArray(schedule.rules)) return say(where, 'give a list of rules.');
    schedule.rules.forEach((rule: unknown, m) => {
      const at = `${where} rule ${m + 1}`;
      if (!isObject(rule) || !isText(rule.label, 200)) return say(at, 'each rule is an object with a label.');
      if (rule.kind === 'fixed') { if (!isAmount(rule.amount)) say(at, 'amount is a whole number of pence.'); }
      else if (rule.kind === 'per_item') {
        if (!isAmount(rule.amount)) say(at, 'amount is a whole number of pence.');
        if (typeof rule.group !== 'string' || !groups.has(rule.group)) say(at, `group must name a repeatable group; "${String(rule.group)}" is not one.`);
        if (rule.free !== undefined && !isAmount(rule.free)) say(at, 'free is a whole number of items.');
      } else if (rule.kind === 'by_choice') {
        const field = typeof rule.field === 'string' ? earlier.get(rule.field) : undefined;
        if (!field || (field.type !== 'choice' && field.type !== 'yes_no')) say(at, 'field must name a choice or yes/no field.');
        if (!isObject(rule.amounts) || !Object.values(rule.amounts).every(isAmount)) say(at, 'amounts maps each choice to a whole number of pence.');
      } else if (rule.kind === 'concession') {
        if (typeof rule.field !== 'string' || !earlier.has(rule.field)) say(at, 'field must name a field of the form.');
        if (!Array.isArray(rule.in) || !rule.in.every((v) => typeof v === 'string')) say(at, 'in lists the answers that give the concession.');
        if (typeof rule.percentOff !== 'number' || !Number.isInteger(rule.percentOff) || rule.percentOff < 1 || rule.percentOff > 100) say(at, 'percentOff is a whole number from 1 to 100.');
      } else say(at, 'kind must be fixed, per_item, by_choice or concession.');
    });
  });
  if (input.inspection !== undefined) checkInspection(input.inspection, say);
  if (Array.isArray(input.fees)) {
    const dates = input.fees.map((s: unknown) => (isObject(s) ? s.effectiveFrom : undefined));
    if (new Set(dates).size !== dates.length) say('fees', 'two schedules start on the same day; give each its own date.');
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition: input as unknown as FormDefinition };
}

function checkInspection(inspection: unknown, say: (where: string, what: string) => void): void {
  if (!isObject(inspection) || !Array.isArray(inspection.checklist)) return say('inspection', 'the inspection is {"checklist": [{"id", "label"}, ...]}.');
  if (inspection.checklist.length === 0 || inspection.checklist.length > MAX_CHECKLIST) say('inspection checklist', `give 1 to ${MAX_CHECKLIST} items.`);
  const ids = new Set<string>();
  inspection.checklist.forEach((item: unknown, n) => {
    const where = `inspection checklist item ${n + 1}`;
    if (!isObject(item)) return say(where, 'each item must be an object with an id and a label.');
    if (typeof item.id !== 'string' || !ID.test(item.id)) say(where, 'the id must start with a small letter and use only small letters, digits and _ (at most 40).');
    else if (ids.has(item.id)) say(where, `the id "${item.id}" is used twice; each item needs its own.`);
    else ids.add(item.id);
    if (!isText(item.label, 500)) say(where, 'give a label, at most 500 characters.');
    if (item.hint !== undefined && !isText(item.hint)) say(where, 'the hint must be text, at most 2,000 characters.');
    checkTranslations(item.translations, `${where} translations`, say);
  });
}

function checkOptions(options: unknown, where: string, say: (where: string, what: string) => void): boolean {
  if (!Array.isArray(options) || options.length === 0 || options.length > 100) {
    say(where, 'give 1 to 100 options, each {"value", "label"}.');
    return false;
  }
  const values = new Set<string>();
  for (const option of options) {
    if (!isObject(option) || !isText(option.value, 100) || !isText(option.label)) {
      say(where, 'each option is {"value", "label"}, both text.');
      return false;
    }
    if (values.has(option.value as string)) say(where, `the option value "${String(option.value)}" is given twice.`);
    values.add(option.value as string);
  }
  return true;
}

function checkTranslations(translations: unknown, where: string, say: (where: string, what: string) => void): void {
  if (translations === undefined) return;
  if (!isObject(translations)) return say(where, 'translations map a language code to its words: {"es": {"label": "..."}}.');
  for (const [language, words] of Object.entries(translations)) {
    if (!LANGUAGE.test(language)) say(where, `"${language}" is not a language code such as es or ar.`);
    if (!isObject(words) || !Object.values(words).every((w) => typeof w === 'string' && w.length <= MAX_TEXT)) say(where, `the ${language} words must be texts, at most 2,000 characters each.`);
  }
}

/** Every field of the form, in order, with the page (and group) it is on. */
export function allFields(definition: FormDefinition): Array<{ page: PageDefinition; group?: GroupDefinition; field: FieldDefinition }> {
  return definition.pages.flatMap((page) => page.group
    ? page.group.fields.map((field) => ({ page, group: page.group!, field }))
    : (page.fields ?? []).map((field) => ({ page, field })));
}
