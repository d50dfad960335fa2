/**
 * The form editor's changes to a draft definition, as pure functions the pages and tests share.
 * Each `check*` reads what an officer typed and returns the problems to show at each form field
 * (by its name); each edit applies input that passed its check. The whole definition is checked
 * again by its schema when the draft is published.
 */
import { invalid } from '../platform/errors.js';
import { fieldTypes, type Condition, type EligibilityOutcome, type FeeRule, type FieldDefinition, type FieldType, type FormDefinition, type Option, type PageDefinition } from './definition.js';

export type Problems = Record<string, string>;
export type Direction = 'up' | 'down';

const ID = /^[a-z][a-z0-9_]{0,39}$/;
const ID_RULE = 'starts with a small letter, then small letters, digits or _ (at most 40), such as tree_species.';
const MONEY = /^\d{1,7}(\.\d{1,2})?$/;
const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
const values = (text: string) => text.split(',').map((v) => v.trim()).filter((v) => v !== '');
const tooLong = (text: string, max = 2000) => text.length > max;

/** Every id the form uses: pages, groups, fields and eligibility questions share one name space. */
export function idsOf(definition: FormDefinition): Set<string> {
  const ids = new Set<string>(definition.eligibility.map((q) => q.id));
  for (const page of definition.pages) {
    ids.add(page.id);
    if (page.group) ids.add(page.group.id);
    for (const field of fieldsOf(page)) ids.add(field.id);
  }
  return ids;
}

export const fieldsOf = (page: PageDefinition): FieldDefinition[] => page.group?.fields ?? page.fields ?? [];

function checkNewId(definition: FormDefinition, id: string, what: string): string | undefined {
  if (!ID.test(id)) return `The ${what}'s id ${ID_RULE}`;
  // The editor's own addresses end in these words (…/pages/move), so a page or question cannot be called them.
  if (id === 'move' || id === 'remove') return `"${id}" is a word the editor uses for itself; give the ${what} another id.`;
  if (idsOf(definition).has(id)) return `The id "${id}" is already used in this form; give the ${what} its own.`;
  return undefined;
}

function move<T>(list: T[], index: number, direction: Direction): T[] {
  const other = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || other < 0 || other >= list.length) return list;
  [list[index], list[other]] = [list[other]!, list[index]!];
  return list;
}

export function findPage(definition: FormDefinition, pageId: string): PageDefinition {
  const page = definition.pages.find((p) => p.id === pageId);
  if (!page) throw invalid(`There is no page "${pageId}" in this form any more: reload the form.`);
  return page;
}

export function findField(definition: FormDefinition, pageId: string, fieldId: string): FieldDefinition {
  const field = fieldsOf(findPage(definition, pageId)).find((f) => f.id === fieldId);
  if (!field) throw invalid(`There is no field "${fieldId}" on page "${pageId}" any more: reload the page.`);
  return field;
}

/** The fields answered before a page: the ones its conditions (and its fields' conditions) may look at. */
export function fieldsBefore(definition: FormDefinition, pageId: string): FieldDefinition[] {
  const index = definition.pages.findIndex((p) => p.id === pageId);
  return definition.pages.slice(0, index < 0 ? definition.pages.length : index).filter((p) => !p.group).flatMap(fieldsOf);
}

// ==== the service's details ====
export interface DetailsInput { title: string; summary: string; whatYouNeed: string; howLong: string; licenceName: string; licencePermits: string }

export function checkDetails(input: DetailsInput): Problems {
  const problems: Problems = {};
  if (input.title === '' || tooLong(input.title, 200)) problems.title = 'Enter the form\'s title, at most 200 characters.';
  if (input.summary === '' || tooLong(input.summary)) problems.summary = 'Enter a summary of what the service is for, at most 2,000 characters.';
  if (lines(input.whatYouNeed).some((l) => tooLong(l))) problems.whatYouNeed = 'Each thing the applicant needs is at most 2,000 characters.';
  if (input.howLong === '' || tooLong(input.howLong)) problems.howLong = 'Say how long the council usually takes, at most 2,000 characters.';
  if (tooLong(input.licenceName, 200)) problems.licenceName = 'The licence\'s name is at most 200 characters.';
  if (tooLong(input.licencePermits)) problems.licencePermits = 'What the licence permits is at most 2,000 characters.';
  return problems;
}

export function setDetails(definition: FormDefinition, input: DetailsInput): FormDefinition {
  const changed: FormDefinition = { ...definition, title: input.title, summary: input.summary, whatYouNeed: lines(input.whatYouNeed), howLong: input.howLong };
  // Optional: left empty, the licence takes the service's name, and the register says no more than that name.
  if (input.licenceName) changed.licenceName = input.licenceName;
  else delete changed.licenceName;
  if (input.licencePermits) changed.licencePermits = input.licencePermits;
  else delete changed.licencePermits;
  return changed;
}

// ==== pages ====
export interface NewPageInput { id: string; title: string; kind: string; groupId: string; itemName: string }

export function checkNewPage(definition: FormDefinition, input: NewPageInput): Problems {
  const problems: Problems = {};
  const idProblem = checkNewId(definition, input.id, 'page');
  if (idProblem) problems.pageId = idProblem;
  if (input.title === '' || tooLong(input.title, 200)) problems.pageTitle = 'Enter the page\'s title (its question or heading), at most 200 characters.';
  if (input.kind !== 'fields' && input.kind !== 'group') problems.kind = 'Choose whether the page has questions or a repeatable group.';
  if (input.kind === 'group') {
    const groupProblem = checkNewId(definition, input.groupId, 'group') ?? (input.groupId === input.id ? 'The group needs an id of its own, different from the page\'s.' : undefined);
    if (groupProblem) problems.groupId = groupProblem;
    if (input.itemName === '' || tooLong(input.itemName, 100)) problems.itemName = 'Enter what one item is called, such as tree (at most 100 characters).';
  }
  if (definition.pages.length >= 50) problems.pageId = 'A form has at most 50 pages.';
  return problems;
}

export function addPage(definition: FormDefinition, input: NewPageInput): FormDefinition {
  const problems = checkNewPage(definition, input);
  if (Object.keys(problems).length > 0) throw invalid(Object.values(problems)[0]!, Object.values(problems));
  const page: PageDefinition = input.kind === 'group'
    ? { id: input.id, title: input.title, group: { id: input.groupId, itemName: input.itemName, min: 1, max: 10, fields: [] } }
    : { id: input.id, title: input.title, fields: [] };
  definition.pages.push(page);
  return definition;
}

export function movePage(definition: FormDefinition, pageId: string, direction: Direction): FormDefinition {
  findPage(definition, pageId);
  move(definition.pages, definition.pages.findIndex((p) => p.id === pageId), direction);
  return definition;
}

export function removePage(definition: FormDefinition, pageId: string): FormDefinition {
  findPage(definition, pageId);
  definition.pages = definition.pages.filter((p) => p.id !== pageId);
  return definition;
}

export interface ConditionInput { field: string; values: string }

function checkCondition(earlier: FieldDefinition[], input: ConditionInput, name: string, problems: Problems): void {
  if (input.field === '') return;
  const field = earlier.find((f) => f.id === input.field);
  if (!field) { problems[`${name}Field`] = 'Choose a question from an earlier page.'; return; }
  const wanted = values(input.values);
  if (wanted.length === 0) { problems[`${name}Values`] = 'Enter the answers that make the condition true, separated by commas.'; return; }
  const allowed = field.type === 'yes_no' ? ['yes', 'no'] : field.options?.map((o) => o.value);
  const unknown = allowed ? wanted.filter((v) => !allowed.includes(v)) : [];
  if (unknown.length > 0) problems[`${name}Values`] = `"${field.label}" has no answer ${unknown.map((u) => `"${u}"`).join(', ')}; its answers are ${allowed!.join(', ')}.`;
}

const conditionOf = (input: ConditionInput): Condition | undefined => (input.field === '' ? undefined : { field: input.field, in: values(input.values) });

export interface PageInput { title: string; section: string; hint: string; show: ConditionInput; itemName: string; min: string; max: string }

export function checkPage(definition: FormDefinition, pageId: string, input: PageInput): Problems {
  const page = findPage(definition, pageId);
  const problems: Problems = {};
  if (input.title === '' || tooLong(input.title, 200)) problems.title = 'Enter the page\'s title, at most 200 characters.';
  if (tooLong(input.section, 200)) problems.section = 'The section is at most 200 characters.';
  if (tooLong(input.hint)) problems.hint = 'The hint is at most 2,000 characters.';
  checkCondition(fieldsBefore(definition, pageId), input.show, 'show', problems);
  if (page.group) {
    if (input.itemName === '' || tooLong(input.itemName, 100)) problems.itemName = 'Enter what one item is called, such as tree (at most 100 characters).';
    const min = /^\d{1,3}$/.test(input.min) ? Number(input.min) : NaN;
    const max = /^\d{1,3}$/.test(input.max) ? Number(input.max) : NaN;
    if (Number.isNaN(min)) problems.min = 'Enter the fewest items an applicant may give, as a whole number (0 or more).';
    if (Number.isNaN(max) || max < 1) problems.max = 'Enter the most items an applicant may give, as a whole number (1 or more).';
    else if (min > max) problems.min = 'The fewest items cannot be more than the most.';
  }
  return problems;
}

export function setPage(definition: FormDefinition, pageId: string, input: PageInput): FormDefinition {
  const page = findPage(definition, pageId);
  page.title = input.title;
  setOptional(page, 'section', input.section);
  setOptional(page, 'hint', input.hint);
  setOptional(page, 'showWhen', conditionOf(input.show));
  if (page.group) Object.assign(page.group, { itemName: input.itemName, min: Number(input.min), max: Number(input.max) });
  return definition;
}

function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | '' | undefined): void {
  if (value === '' || value === undefined) delete target[key];
  else target[key] = value;
}

// ==== fields ====
export interface NewFieldInput { id: string; type: string; label: string }

export const fieldTypeNames: Record<FieldType, string> = {
  text: 'Short text', long_text: 'Long text', number: 'Number', money: 'Money', date: 'Date', email: 'Email address', phone: 'Phone number',
  choice: 'One choice from a list', multiple_choice: 'Several choices from a list', yes_no: 'Yes or no', address: 'Address',
  map_point: 'A point on the map', map_area: 'An area drawn on the map', file: 'File upload', declaration: 'Declaration (a box to tick)',
};

export function checkNewField(definition: FormDefinition, pageId: string, input: NewFieldInput): Problems {
  const page = findPage(definition, pageId);
  const problems: Problems = {};
  const idProblem = checkNewId(definition, input.id, 'field');
  if (idProblem) problems.fieldId = idProblem;
  if (!(fieldTypes as readonly string[]).includes(input.type)) problems.fieldType = 'Choose the kind of answer.';
  else if (page.group && ['file', 'declaration', 'map_area'].includes(input.type)) problems.fieldType = `A ${fieldTypeNames[input.type as FieldType].toLowerCase()} cannot be inside a repeatable group.`;
  if (input.label === '' || tooLong(input.label)) problems.fieldLabel = 'Enter the question, at most 2,000 characters.';
  return problems;
}

export function addField(definition: FormDefinition, pageId: string, input: NewFieldInput): FormDefinition {
  const problems = checkNewField(definition, pageId, input);
  if (Object.keys(problems).length > 0) throw invalid(Object.values(problems)[0]!, Object.values(problems));
  const page = findPage(definition, pageId);
  const field: FieldDefinition = { id: input.id, type: input.type as FieldType, label: input.label };
  if (field.type === 'choice' || field.type === 'multiple_choice') field.options = [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
  if (page.group) page.group.fields.push(field);
  else (page.fields ??= []).push(field);
  return definition;
}

export function moveField(definition: FormDefinition, pageId: string, fieldId: string, direction: Direction): FormDefinition {
  const list = fieldsOf(findPage(definition, pageId));
  findField(definition, pageId, fieldId);
  move(list, list.findIndex((f) => f.id === fieldId), direction);
  return definition;
}

export function removeField(definition: FormDefinition, pageId: string, fieldId: string): FormDefinition {
  const page = findPage(definition, pageId);
  findField(definition, pageId, fieldId);
  if (page.group) page.group.fields = page.group.fields.filter((f) => f.id !== fieldId);
  else page.fields = (page.fields ?? []).filter((f) => f.id !== fieldId);
  return definition;
}

export interface FieldInput {
  label: string; hint: string; required: boolean; options: string; min: string; max: string; maxLength: string; maxFiles: string;
  show: ConditionInput; require: ConditionInput;
}

/** Options typed one a line as "value: Label" (or just the value, which is then its label too). */
export function parseOptions(text: string): Option[] {
  return lines(text).map((line) => {
    const colon = line.indexOf(':');
    return colon > 0 ? { value: line.slice(0, colon).trim(), label: line.slice(colon + 1).trim() || line.slice(0, colon).trim() } : { value: line, label: line };
  });
}
export const optionsText = (options: Option[] | undefined) => (options ?? []).map((o) => `${o.value}: ${o.label}`).join('\n');

const wholeOrEmpty = (text: string) => text === '' || /^\d{1,9}$/.test(text);

export function checkField(definition: FormDefinition, pageId: string, fieldId: string, input: FieldInput): Problems {
  const field = findField(definition, pageId, fieldId);
  const problems: Problems = {};
  if (input.label === '' || tooLong(input.label)) problems.label = 'Enter the question, at most 2,000 characters.';
  if (tooLong(input.hint)) problems.hint = 'The hint is at most 2,000 characters.';
  if (field.type === 'choice' || field.type === 'multiple_choice') {
    const options = parseOptions(input.options);
    if (options.length === 0 || options.length > 100) problems.options = 'Enter 1 to 100 answers to choose from, one a line, as value: Label.';
    else if (options.some((o) => !ID.test(o.value))) problems.options = `Each answer's value (before the colon) ${ID_RULE}`;
    else if (new Set(options.map((o) => o.value)).size !== options.length) problems.options = 'Two answers have the same value; give each its own.';
    else if (options.some((o) => tooLong(o.label))) problems.options = 'Each answer\'s label is at most 2,000 characters.';
  }
  for (const key of ['min', 'max', 'maxLength', 'maxFiles'] as const) if (!wholeOrEmpty(input[key])) problems[key] = 'Enter a whole number (0 or more), or leave it empty.';
  if (!problems.min && !problems.max && input.min !== '' && input.max !== '' && Number(input.min) > Number(input.max)) problems.min = 'The smallest cannot be more than the largest.';
  const earlier = fieldsBefore(definition, pageId);
  checkCondition(earlier, input.show, 'show', problems);
  checkCondition(earlier, input.require, 'require', problems);
  return problems;
}

export function setField(definition: FormDefinition, pageId: string, fieldId: string, input: FieldInput): FormDefinition {
  const field = findField(definition, pageId, fieldId);
  field.label = input.label;
  setOptional(field, 'hint', input.hint);
  if (input.required || field.type === 'declaration') delete field.required;
  else field.required = false;
  if (field.type === 'choice' || field.type === 'multiple_choice') field.options = parseOptions(input.options);
  for (const key of ['min', 'max', 'maxLength', 'maxFiles'] as const) setOptional(field, key, input[key] === '' ? undefined : Number(input[key]));
  setOptional(field, 'showWhen', conditionOf(input.show));
  setOptional(field, 'requireWhen', conditionOf(input.require));
  return definition;
}

// ==== eligibility ====
export function checkNewQuestion(definition: FormDefinition, input: { id: string; question: string }): Problems {
  const problems: Problems = {};
  const idProblem = checkNewId(definition, input.id, 'question');
  if (idProblem) problems.questionId = idProblem;
  if (input.question === '' || tooLong(input.question)) problems.question = 'Enter the question, at most 2,000 characters.';
  return problems;
}

export function addQuestion(definition: FormDefinition, input: { id: string; question: string }): FormDefinition {
  const problems = checkNewQuestion(definition, input);
  if (Object.keys(problems).length > 0) throw invalid(Object.values(problems)[0]!, Object.values(problems));
  definition.eligibility.push({ id: input.id, question: input.question, options: [
    { value: 'yes', label: 'Yes', outcome: { kind: 'continue' } },
    { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'You do not need to apply.' } },
  ] });
  return definition;
}

/**
 * An eligibility answer typed on one line: "value: Label => outcome", the outcome being
 * "continue", "not needed: why" or "other service CODE: why".
 */
export function parseEligibilityOption(line: string): (Option & { outcome: EligibilityOutcome }) | string {
  const [answer = '', outcomeText = ''] = line.split('=>').map((p) => p.trim());
  const [option] = parseOptions(answer);
  if (!option || !ID.test(option.value)) return `"${line}": the value before the colon ${ID_RULE}`;
  const notNeeded = /^not needed:\s*(.+)$/i.exec(outcomeText);
  const other = /^other service\s+([A-Za-z0-9][A-Za-z0-9._-]{0,63}):\s*(.+)$/i.exec(outcomeText);
  if (/^continue$/i.test(outcomeText)) return { ...option, outcome: { kind: 'continue' } };
  if (notNeeded) return { ...option, outcome: { kind: 'not_needed', reason: notNeeded[1]!.trim() } };
  if (other) return { ...option, outcome: { kind: 'other_service', serviceCode: other[1]!, reason: other[2]!.trim() } };
  return `"${line}": after => write continue, not needed: why, or other service CODE: why.`;
}

export const eligibilityOptionsText = (options: Array<Option & { outcome: EligibilityOutcome }>) => options.map((o) => `${o.value}: ${o.label} => ${
  o.outcome.kind === 'continue' ? 'continue' : o.outcome.kind === 'not_needed' ? `not needed: ${o.outcome.reason}` : `other service ${o.outcome.serviceCode}: ${o.outcome.reason}`}`).join('\n');

export interface QuestionInput { question: string; hint: string; options: string }

export function checkQuestion(input: QuestionInput): Problems {
  const problems: Problems = {};
  if (input.question === '' || tooLong(input.question)) problems.question = 'Enter the question, at most 2,000 characters.';
  if (tooLong(input.hint)) problems.hint = 'The hint is at most 2,000 characters.';
  const parsed = lines(input.options).map(parseEligibilityOption);
  const wrong = parsed.find((p): p is string => typeof p === 'string');
  if (parsed.length === 0) problems.options = 'Enter at least one answer, one a line.';
  else if (wrong) problems.options = wrong;
  else if (new Set(parsed.map((p) => (p as Option).value)).size !== parsed.length) problems.options = 'Two answers have the same value; give each its own.';
  return problems;
}

export function setQuestion(definition: FormDefinition, questionId: string, input: QuestionInput): FormDefinition {
  const question = definition.eligibility.find((q) => q.id === questionId);
  if (!question) throw invalid(`There is no eligibility question "${questionId}" any more: reload the page.`);
  question.question = input.question;
  setOptional(question, 'hint', input.hint);
  question.options = lines(input.options).map(parseEligibilityOption).filter((p): p is Option & { outcome: EligibilityOutcome } => typeof p !== 'string');
  return definition;
}

export function moveQuestion(definition: FormDefinition, questionId: string, direction: Direction): FormDefinition {
  const index = definition.eligibility.findIndex((q) => q.id === questionId);
  if (index < 0) throw invalid(`There is no eligibility question "${questionId}" any more: reload the page.`);
  move(definition.eligibility, index, direction);
  return definition;
}

export function removeQuestion(definition: FormDefinition, questionId: string): FormDefinition {
  definition.eligibility = definition.eligibility.filter((q) => q.id !== questionId);
  return definition;
}

// ==== fees ====
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const pence = (text: string) => Math.round(Number(text) * 100);
export const pounds = (amount: number) => (amount / 100).toFixed(2);

export function checkNewSchedule(definition: FormDefinition, from: string): Problems {
  if (!DATE.test(from) || Number.isNaN(Date.parse(from))) return { effectiveFrom: 'Enter the day the fees start, written 2026-04-01.' };
  if (definition.fees.some((s) => s.effectiveFrom === from)) return { effectiveFrom: `There is already a fee schedule from ${from}; choose another day or change that one.` };
  return {};
}

/** A new fee schedule starts with the rules of the one before it, to change. */
export function addSchedule(definition: FormDefinition, from: string): FormDefinition {
  const earlier = definition.fees.filter((s) => s.effectiveFrom < from).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  definition.fees.push({ effectiveFrom: from, rules: structuredClone(earlier?.rules ?? []) });
  definition.fees.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return definition;
}

export function removeSchedule(definition: FormDefinition, from: string): FormDefinition {
  definition.fees = definition.fees.filter((s) => s.effectiveFrom !== from);
  return definition;
}

export interface RuleInput { kind: string; label: string; amount: string; group: string; free: string; field: string; amounts: string; values: string; percentOff: string }

export function readRule(definition: FormDefinition, input: RuleInput): { rule?: FeeRule; problems: Problems } {
  const problems: Problems = {};
  if (input.label === '' || tooLong(input.label, 200)) problems.ruleLabel = 'Enter what the fee is for, as the applicant will read it (at most 200 characters).';
  const amount = () => {
    if (!MONEY.test(input.amount)) { problems.amount = 'Enter the amount in pounds, such as 60 or 12.50.'; return 0; }
    return pence(input.amount);
  };
  const fields = definition.pages.filter((p) => !p.group).flatMap(fieldsOf);
  switch (input.kind) {
    case 'fixed': { const a = amount(); return { problems, ...(Object.keys(problems).length === 0 ? { rule: { kind: 'fixed', label: input.label, amount: a } } : {}) }; }
    case 'per_item': {
      const a = amount();
      if (!definition.pages.some((p) => p.group?.id === input.group)) problems.group = 'Choose the repeatable group whose items are charged.';
      if (!wholeOrEmpty(input.free)) problems.free = 'Enter how many items are free, as a whole number, or leave it empty.';
      return { problems, ...(Object.keys(problems).length === 0 ? { rule: { kind: 'per_item', label: input.label, group: input.group, amount: a, ...(input.free ? { free: Number(input.free) } : {}) } } : {}) };
    }
    case 'by_choice': {
      const field = fields.find((f) => f.id === input.field && (f.type === 'choice' || f.type === 'yes_no'));
      if (!field) problems.field = 'Choose a one-choice or yes/no question.';
      const amounts: Record<string, number> = {};
      for (const line of lines(input.amounts)) {
        const [value = '', money = ''] = line.split(':').map((p) => p.trim());
        if (!MONEY.test(money) || value === '') { problems.amounts = `"${line}": write each answer and its amount as value: 12.50.`; break; }
        amounts[value] = pence(money);
      }
      if (!problems.amounts && Object.keys(amounts).length === 0) problems.amounts = 'Enter at least one answer and its amount, as value: 12.50.';
      return { problems, ...(Object.keys(problems).length === 0 ? { rule: { kind: 'by_choice', label: input.label, field: input.field, amounts } } : {}) };
    }
    case 'concession': {
      if (!fields.some((f) => f.id === input.field)) problems.field = 'Choose the question whose answer gives the concession.';
      if (values(input.values).length === 0) problems.values = 'Enter the answers that give the concession, separated by commas.';
      const percent = /^\d{1,3}$/.test(input.percentOff) ? Number(input.percentOff) : NaN;
      if (!(percent >= 1 && percent <= 100)) problems.percentOff = 'Enter the percentage off, a whole number from 1 to 100.';
      return { problems, ...(Object.keys(problems).length === 0 ? { rule: { kind: 'concession', label: input.label, field: input.field, in: values(input.values), percentOff: percent } } : {}) };
    }
    default: return { problems: { ...problems, kind: 'Choose the kind of fee.' } };
  }
}

export function addRule(definition: FormDefinition, from: string, rule: FeeRule): FormDefinition {
  const schedule = definition.fees.find((s) => s.effectiveFrom === from);
  if (!schedule) throw invalid(`There is no fee schedule from ${from} any more: reload the page.`);
  schedule.rules.push(rule);
  return definition;
}

export function removeRule(definition: FormDefinition, from: string, index: number): FormDefinition {
  const schedule = definition.fees.find((s) => s.effectiveFrom === from);
  if (!schedule || !schedule.rules[index]) throw invalid('That fee is no longer there: reload the page.');
  schedule.rules.splice(index, 1);
  return definition;
}
