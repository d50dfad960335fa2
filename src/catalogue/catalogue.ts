/**
 * The service catalogue: what residents can ask the council for, and the questions each
 * service asks. Changes are validated here and audited in the same transaction.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import * as store from './store.js';
import { attributeDatatypes, serviceTypes, type Service, type ServiceGroup, type ServiceInput } from './types.js';

export const codePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Service definitions are read on every report but change rarely, so each process keeps them
 * for a few seconds. A change made in this process is seen at once; one made by another process
 * (PostgreSQL deployments) within CACHE_SECONDS.
 */
const CACHE_SECONDS = 5;
const definitionCache = new Map<string, { service: Service; until: number }>();
const forgetDefinitions = () => definitionCache.clear();

/** The service as reports are checked against it, from the short-lived cache when fresh. */
export async function getServiceForReport(db: DB, jurisdictionId: string, code: string): Promise<Service> {
  const key = `${jurisdictionId}\u0000${code}`;
  const cached = definitionCache.get(key);
  if (cached && cached.until > Date.now()) return cached.service;
  const service = await getService(db, jurisdictionId, code);
  if (definitionCache.size > 10_000) definitionCache.clear();
  definitionCache.set(key, { service, until: Date.now() + CACHE_SECONDS * 1000 });
  return service;
}

export async function saveServiceGroup(db: DB, jurisdictionId: string, group: ServiceGroup, sortOrder: number, actor: string): Promise<void> {
  if (!codePattern.test(group.code)) throw invalid(`Group code "${group.code}" may only contain letters, digits, dots, dashes and underscores.`);
  if (group.name.trim() === '') throw invalid(`Group "${group.code}" needs a name.`);
  await db.transaction().execute(async (trx) => {
    const before = await store.findGroup(trx, jurisdictionId, group.code);
    await store.upsertGroupRow(trx, jurisdictionId, group, sortOrder);
    await appendAudit(trx, { actor, action: before ? 'service_group.updated' : 'service_group.created', entityType: 'service_group', entityId: group.code, before, after: group });
  });
  forgetDefinitions();
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
  forgetDefinitions();
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
  }
  return problems;
}
