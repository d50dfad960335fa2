/**
 * The service catalogue: what residents can ask the council for, and the questions each
 * service asks. Changes are validated here and audited in the same transaction.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { invalid, notFound } from '../platform/errors.js';
import { settingsCache } from '../platform/settings-cache.js';
import { nowIso } from '../platform/time.js';
import { localizeService } from './localize.js';
import * as store from './store.js';
import { english, languageByCode, languages } from '../i18n/languages.js';
import {
  attributeDatatypes, serviceTypes, type AttributeTranslation, type Service, type ServiceAttribute, type ServiceGroup, type ServiceInput, type ServiceTranslation,
} from './types.js';

export const codePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The service as reports are checked against it. Definitions are read on every report but change
 * rarely, so each process keeps them until the settings change (in any process).
 */
export const getServiceForReport: (db: DB, jurisdictionId: string, code: string) => Promise<Service> =
  settingsCache((db: DB, jurisdictionId: string, code: string) => getService(db, jurisdictionId, code));

export async function saveServiceGroup(db: DB, jurisdictionId: string, group: ServiceGroup, sortOrder: number, actor: string): Promise<void> {
  if (!codePattern.test(group.code)) throw invalid(`Group code "${group.code}" may only contain letters, digits, dots, dashes and underscores.`);
  if (group.name.trim() === '') throw invalid(`Group "${group.code}" needs a name.`);
  await db.transaction().execute(async (trx) => {
    const before = await store.findGroup(trx, jurisdictionId, group.code);
    await store.upsertGroupRow(trx, jurisdictionId, group, sortOrder);
    await appendAudit(trx, { actor, action: before ? 'service_group.updated' : 'service_group.created', entityType: 'service_group', entityId: group.code, before, after: group });
  });
}

export async function createService(db: DB, jurisdictionId: string, input: ServiceInput, actor: string): Promise<Service> {
  const problems = checkServiceInput(input);
  if (problems.length > 0) throw invalid(`Service "${input.code}" cannot be saved: ${problems.join(' ')}`, problems);
  await db.transaction().execute(async (trx) => {
    if (!(await store.findGroup(trx, jurisdictionId, input.groupCode))) throw invalid(`Service group "${input.groupCode}" does not exist; create it first.`);
    if ((await store.selectServices(trx, jurisdictionId, { code: input.code })).length > 0) throw invalid(`A service with code "${input.code}" already exists.`);
    await store.insertServiceRows(trx, jurisdictionId, input, nowIso());
    await appendAudit(trx, { actor, action: 'service.created', entityType: 'service', entityId: input.code, after: input });
  });
  return getService(db, jurisdictionId, input.code);
}

export async function listServices(db: DB, jurisdictionId: string, options: { includeInactive?: boolean } = {}): Promise<Service[]> {
  return store.selectServices(db, jurisdictionId, { activeOnly: !options.includeInactive });
}

/** Finds a service by code, active or not; throws not_found when there is none. */
export async function getService(db: DB, jurisdictionId: string, code: string): Promise<Service> {
  const [service] = await store.selectServices(db, jurisdictionId, { code });
  if (!service) throw notFound(`There is no service with code "${code}".`);
  return service;
}

export const countServices = store.countServices;

/**
 * Every service (active or not) as read in `language`, by code: for the pages and emails that
 * name a case's service, which read its name from the case's own query in the default language.
 */
export const servicesInLanguage: (db: DB, jurisdictionId: string, language: string) => Promise<Map<string, Service>> =
  settingsCache(async (db: DB, jurisdictionId: string, language: string) =>
    new Map((await store.selectServices(db, jurisdictionId)).map((s) => [s.code, localizeService(s, language)])));

/**
 * Records that name a service, with its name (and notice, where they carry one) in `language`;
 * a service not found keeps the name the record has.
 */
export async function withServiceText<T extends { serviceCode: string; serviceName: string; serviceNotice?: string | null }>(
  db: DB, jurisdictionId: string, language: string, records: T[],
): Promise<T[]> {
  if (records.length === 0) return records;
  const services = await servicesInLanguage(db, jurisdictionId, language);
  return records.map((record) => {
    const service = services.get(record.serviceCode);
    if (!service) return record;
    return { ...record, serviceName: service.name, ...(record.serviceNotice === undefined ? {} : { serviceNotice: service.serviceNotice }) };
  });
}

function checkServiceInput(input: ServiceInput): string[] {
  const problems: string[] = [];
  if (!codePattern.test(input.code)) problems.push('The code may only contain letters, digits, dots, dashes and underscores (at most 64).');
  if (input.name.trim() === '') problems.push('It needs a name.');
  if (!serviceTypes.includes(input.type)) problems.push(`Its type must be one of ${serviceTypes.join(', ')}.`);
  if (input.expectedDays !== null && (!Number.isInteger(input.expectedDays) || input.expectedDays < 0)) problems.push('Expected days must be a whole number of days, 0 or more.');
  if (input.retentionDays !== undefined && input.retentionDays !== null && (!Number.isInteger(input.retentionDays) || input.retentionDays < 0)) problems.push('Retention must be a whole number of days, 0 or more, or none to keep details until erased.');
  const seen = new Set<string>();
  for (const attribute of input.attributes) {
    const label = `Attribute "${attribute.code}"`;
    if (!codePattern.test(attribute.code)) problems.push(`${label} has a code with characters other than letters, digits, dots, dashes and underscores.`);
    if (seen.has(attribute.code)) problems.push(`${label} appears twice.`);
    seen.add(attribute.code);
    if (!attributeDatatypes.includes(attribute.datatype)) problems.push(`${label} has datatype "${attribute.datatype}"; use one of ${attributeDatatypes.join(', ')}.`);
    const isList = attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist';
    const values = attribute.values ?? [];
    if (isList && values.length === 0) problems.push(`${label} is a list and needs at least one value.`);
    if (!isList && values.length > 0) problems.push(`${label} is not a list, so it cannot have values.`);
    if (new Set(values.map((v) => v.key)).size !== values.length) problems.push(`${label} has two values with the same key.`);
    if (attribute.variable === false && attribute.required) problems.push(`${label} is informational (not variable), so it cannot be required.`);
    if (attribute.variable === false && attribute.staffOnly) problems.push(`${label} is informational (not variable), so it cannot be for staff only: a staff-only question takes an answer.`);
    if (attribute.staffOnly && attribute.required) problems.push(`${label} is for staff only, so it cannot be required: reporters do not answer it, and closing a case does not wait for it.`);
  }
  return problems;
}

/** What the settings pages change on an existing service (its code never changes: reports and links use it). */
export interface ServiceChanges {
  name: string;
  description: string;
  groupCode: string;
  keywords: string[];
  department: string | null;
  /** null: the "standard" workflow. */
  workflowCode: string | null;
  expectedDays: number | null;
  active: boolean;
  serviceNotice: string | null;
}

export function checkServiceChanges(changes: ServiceChanges): string[] {
  const problems: string[] = [];
  if (changes.name.trim() === '') problems.push('The service needs a name.');
  if (changes.name.length > 200) problems.push('The name must be 200 characters or fewer.');
  if (changes.expectedDays !== null && (!Number.isInteger(changes.expectedDays) || changes.expectedDays < 0 || changes.expectedDays > 3650)) problems.push('Expected days must be a whole number of days from 0 to 3650.');
  return problems;
}

export async function updateService(db: DB, jurisdictionId: string, code: string, changes: ServiceChanges, actor: string): Promise<Service> {
  const problems = checkServiceChanges(changes);
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  await db.transaction().execute(async (trx) => {
    const [before] = await store.selectServices(trx, jurisdictionId, { code });
    if (!before) throw notFound(`There is no service with code "${code}".`);
    if (!(await store.findGroup(trx, jurisdictionId, changes.groupCode))) throw invalid(`Service group "${changes.groupCode}" does not exist; create it first.`);
    const workflowBefore = await store.selectWorkflowCode(trx, jurisdictionId, code);
    await store.updateServiceRow(trx, jurisdictionId, code, {
      name: changes.name.trim(), description: changes.description, group_code: changes.groupCode, keywords: JSON.stringify(changes.keywords),
      department_code: changes.department, workflow_code: changes.workflowCode, expected_days: changes.expectedDays,
      active: changes.active ? 1 : 0, service_notice: changes.serviceNotice, updated_at: nowIso(),
    });
    const { attributes: _a, groupName: _g, ...publicBefore } = before;
    await appendAudit(trx, { actor, action: 'service.updated', entityType: 'service', entityId: code, before: { ...publicBefore, workflowCode: workflowBefore }, after: changes });
  });
  return getService(db, jurisdictionId, code);
}

/** The workflow code a service names (null: the standard workflow). */
export const serviceWorkflowCode = store.selectWorkflowCode;

export const listServiceGroups = store.selectGroups;

export type AttributeInput = Omit<ServiceAttribute, 'order'>;

/** Problems with one question a service asks, in words an administrator can act on. */
export function checkAttribute(attribute: AttributeInput): string[] {
  const problems: string[] = [];
  if (!codePattern.test(attribute.code)) problems.push('The question\'s code may only contain letters, digits, dots, dashes and underscores (at most 64).');
  if (!attributeDatatypes.includes(attribute.datatype)) problems.push(`Choose an answer type: one of ${attributeDatatypes.join(', ')}.`);
  if (attribute.description.trim() === '') problems.push('The question needs its text (what the reporter is asked).');
  const isList = attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist';
  if (isList && attribute.values.length === 0) problems.push('A list question needs at least one allowed value.');
  if (!isList && attribute.values.length > 0) problems.push('Only list questions have allowed values: leave them empty, or choose a list type.');
  if (new Set(attribute.values.map((v) => v.key)).size !== attribute.values.length) problems.push('Two allowed values have the same key.');
  if (!attribute.variable && attribute.required) problems.push('An information-only note cannot be required.');
  if (!attribute.variable && attribute.staffOnly) problems.push('An information-only note cannot be for staff only: staff-only questions take an answer.');
  if (attribute.staffOnly && attribute.required) problems.push('A staff-only question cannot be required: reporters do not answer it, and closing a case does not wait for it.');
  return problems;
}

/** Adds a question to a service, or changes the one with the same code (keeping its place). */
export async function saveServiceAttribute(db: DB, jurisdictionId: string, serviceCode: string, attribute: AttributeInput, actor: string): Promise<void> {
  const problems = checkAttribute(attribute);
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  await db.transaction().execute(async (trx) => {
    const [service] = await store.selectServices(trx, jurisdictionId, { code: serviceCode });
    if (!service) throw notFound(`There is no service with code "${serviceCode}".`);
    const before = service.attributes.find((a) => a.code === attribute.code);
    const order = before?.order ?? Math.max(0, ...service.attributes.map((a) => a.order)) + 1;
    await store.upsertAttributeRow(trx, jurisdictionId, serviceCode, { ...attribute, order });
    await appendAudit(trx, { actor, action: before ? 'service.attribute_updated' : 'service.attribute_added', entityType: 'service', entityId: serviceCode, before, after: { ...attribute, order } });
  });
}

export async function removeServiceAttribute(db: DB, jurisdictionId: string, serviceCode: string, attributeCode: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const [service] = await store.selectServices(trx, jurisdictionId, { code: serviceCode });
    const before = service?.attributes.find((a) => a.code === attributeCode);
    if (!before) throw notFound(`Service "${serviceCode}" has no question "${attributeCode}".`);
    await store.deleteAttributeRow(trx, jurisdictionId, serviceCode, attributeCode);
    await appendAudit(trx, { actor, action: 'service.attribute_removed', entityType: 'service', entityId: serviceCode, before });
  });
}

/** Moves a question one place up or down in the order reporters are asked. */
export async function moveServiceAttribute(db: DB, jurisdictionId: string, serviceCode: string, attributeCode: string, direction: 'up' | 'down', actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const [service] = await store.selectServices(trx, jurisdictionId, { code: serviceCode });
    if (!service) throw notFound(`There is no service with code "${serviceCode}".`);
    const list = [...service.attributes];
    const index = list.findIndex((a) => a.code === attributeCode);
    if (index < 0) throw notFound(`Service "${serviceCode}" has no question "${attributeCode}".`);
    const other = direction === 'up' ? index - 1 : index + 1;
    if (other < 0 || other >= list.length) return;
    [list[index], list[other]] = [list[other]!, list[index]!];
    // Renumber 1..n so equal or gapped orders from older data cannot make a move do nothing.
    for (const [position, a] of list.entries()) await store.setAttributeOrder(trx, jurisdictionId, serviceCode, a.code, position + 1);
    await appendAudit(trx, { actor, action: 'service.attributes_reordered', entityType: 'service', entityId: serviceCode, before: service.attributes.map((a) => a.code), after: list.map((a) => a.code) });
  });
}

/** One language's text for a service and its questions, as an administrator enters it. */
export interface ServiceTranslationInput {
  service: ServiceTranslation;
  /** By question code. */
  attributes: Record<string, AttributeTranslation>;
}

const MAX_NAME = 200;
const MAX_TEXT = 2000;

/** Checks a language the council offers other than the default one: translations are kept only for those. */
export function translationLanguage(code: string): string {
  const language = languageByCode(code);
  if (!language || language.code === english.code) throw notFound(`There is no language "${code.slice(0, 20)}" to translate into; the council offers ${languagesToTranslate().join(', ')}.`);
  return language.code;
}

/** The languages the council offers besides its default one (English). */
export const languagesToTranslate = (): string[] => languages.filter((l) => l.code !== english.code).map((l) => l.code);

const trimmed = (text: string | undefined) => (typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined);

/** The entry with blank fields left out (they fall back to the default language), and the problems with it. */
export function cleanTranslation(service: Service, input: ServiceTranslationInput): { service: ServiceTranslation; attributes: Record<string, AttributeTranslation>; problems: string[] } {
  const problems: string[] = [];
  const long = (label: string, text: string | undefined, max: number) => {
    if (text !== undefined && text.length > max) problems.push(`${label} must be ${max} characters or fewer; it has ${text.length}.`);
  };
  const keywords = (input.service.keywords ?? []).map((k) => k.trim()).filter((k) => k !== '');
  const clean: ServiceTranslation = {
    name: trimmed(input.service.name), description: trimmed(input.service.description), serviceNotice: trimmed(input.service.serviceNotice),
    agencyResponsible: trimmed(input.service.agencyResponsible), ...(keywords.length > 0 ? { keywords } : {}),
  };
  long('The name', clean.name, MAX_NAME);
  long('The description', clean.description, MAX_TEXT);
  long('The notice', clean.serviceNotice, MAX_TEXT);
  long('The department name', clean.agencyResponsible, MAX_NAME);
  if (keywords.join(',').length > MAX_TEXT) problems.push(`The search words must be ${MAX_TEXT} characters or fewer in all.`);
  const attributes: Record<string, AttributeTranslation> = {};
  for (const [code, given] of Object.entries(input.attributes)) {
    const attribute = service.attributes.find((a) => a.code === code);
    if (!attribute) {
      problems.push(`The service has no question "${code.slice(0, 64)}".`);
      continue;
    }
    const values: Record<string, string> = {};
    for (const [key, name] of Object.entries(given.values ?? {})) {
      if (!attribute.values.some((v) => v.key === key)) problems.push(`Question "${code}" has no answer "${key.slice(0, 64)}".`);
      const text = trimmed(name);
      if (text !== undefined) values[key] = text;
      long(`Answer "${key}" of question "${code}"`, text, MAX_NAME);
    }
    const entry: AttributeTranslation = { description: trimmed(given.description), helpText: trimmed(given.helpText), ...(Object.keys(values).length > 0 ? { values } : {}) };
    long(`Question "${code}"`, entry.description, MAX_TEXT);
    long(`The help text of question "${code}"`, entry.helpText, MAX_TEXT);
    attributes[code] = JSON.parse(JSON.stringify(entry)) as AttributeTranslation;
  }
  return { service: JSON.parse(JSON.stringify(clean)) as ServiceTranslation, attributes, problems };
}

/**
 * Saves one language's text for a service and its questions (replacing that language's text;
 * other languages are kept), audited in the same transaction.
 */
export async function saveServiceTranslation(db: DB, jurisdictionId: string, code: string, languageCode: string, input: ServiceTranslationInput, actor: string): Promise<Service> {
  const language = translationLanguage(languageCode);
  await db.transaction().execute(async (trx) => {
    const [service] = await store.selectServices(trx, jurisdictionId, { code });
    if (!service) throw notFound(`There is no service with code "${code}".`);
    const clean = cleanTranslation(service, input);
    if (clean.problems.length > 0) throw invalid(clean.problems.join(' '), clean.problems);
    const before = { service: service.translations?.[language] ?? {}, attributes: Object.fromEntries(service.attributes.map((a) => [a.code, a.translations?.[language] ?? {}])) };
    await store.setServiceTranslations(trx, jurisdictionId, code, JSON.stringify({ ...service.translations, [language]: clean.service }), nowIso());
    for (const attribute of service.attributes) {
      const entry = clean.attributes[attribute.code];
      if (entry === undefined) continue;
      await store.setAttributeTranslations(trx, jurisdictionId, code, attribute.code, JSON.stringify({ ...attribute.translations, [language]: entry }));
    }
    await appendAudit(trx, { actor, action: 'service.translation_updated', entityType: 'service', entityId: code, before: { language, ...before }, after: { language, ...clean } });
  });
  return getService(db, jurisdictionId, code);
}
