/** SQL for the service catalogue. Nothing else touches these tables. */
import type { DB } from '../db/connection.js';
import type { ServiceAttributeRow } from '../db/schema.js';
import type { GroupTranslation, Service, ServiceAttribute, ServiceGroup, ServiceInput, Translations } from './types.js';

/** A translations column, read leniently: anything but an object of objects is no translations. */
export function parseTranslations<T>(text: string | null | undefined): Translations<T> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v))) as Translations<T>;
  } catch {
    return {};
  }
}

/** A year after closure: time to deal with complaints and appeals, then the details go. */
export const DEFAULT_RETENTION_DAYS = 365;

export async function upsertGroupRow(trx: DB, jurisdictionId: string, group: ServiceGroup, sortOrder: number): Promise<void> {
  // Translations are kept when a group is saved without them (the settings page names it only).
  const translations = group.translations === undefined ? undefined : JSON.stringify(group.translations);
  await trx.insertInto('service_groups')
    .values({ jurisdiction_id: jurisdictionId, code: group.code, name: group.name, sort_order: sortOrder, ...(translations === undefined ? {} : { translations }) })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doUpdateSet({ name: group.name, sort_order: sortOrder, ...(translations === undefined ? {} : { translations }) }))
    .execute();
}

export async function findGroup(db: DB, jurisdictionId: string, code: string): Promise<ServiceGroup | undefined> {
  const row = await db.selectFrom('service_groups').select(['code', 'name', 'translations'])
    .where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  return row && { code: row.code, name: row.name, translations: parseTranslations<GroupTranslation>(row.translations) };
}

export async function insertServiceRows(trx: DB, jurisdictionId: string, input: ServiceInput, at: string): Promise<void> {
  await trx.insertInto('services').values({
    jurisdiction_id: jurisdictionId,
    code: input.code,
    name: input.name,
    description: input.description,
    group_code: input.groupCode,
    keywords: JSON.stringify(input.keywords),
    type: input.type,
    active: input.active === false ? 0 : 1,
    agency_responsible: input.agencyResponsible,
    service_notice: input.serviceNotice,
    expected_days: input.expectedDays,
    retention_days: input.retentionDays === undefined ? DEFAULT_RETENTION_DAYS : input.retentionDays,
    erasure_exemption: input.erasureExemption ?? null,
    department_code: input.department ?? null,
    created_at: at,
    updated_at: at,
    translations: JSON.stringify(input.translations ?? {}),
  }).execute();
  if (input.attributes.length === 0) return;
  await trx.insertInto('service_attributes').values(input.attributes.map((a) => ({
    jurisdiction_id: jurisdictionId,
    service_code: input.code,
    code: a.code,
    datatype: a.datatype,
    variable: a.variable === false ? 0 : 1,
    staff_only: a.staffOnly ? 1 : 0,
    required: a.required ? 1 : 0,
    sort_order: a.order,
    description: a.description,
    help_text: a.helpText ?? null,
    allowed_values: JSON.stringify(a.values ?? []),
    translations: JSON.stringify(a.translations ?? {}),
  }))).execute();
}

export async function selectServices(db: DB, jurisdictionId: string, filter: { code?: string; activeOnly?: boolean } = {}): Promise<Service[]> {
  let query = db.selectFrom('services')
    .innerJoin('service_groups', (join) => join
      .onRef('service_groups.jurisdiction_id', '=', 'services.jurisdiction_id')
      .onRef('service_groups.code', '=', 'services.group_code'))
    .selectAll('services')
    .select(['service_groups.name as group_name', 'service_groups.translations as group_translations'])
    .where('services.jurisdiction_id', '=', jurisdictionId)
    .orderBy('service_groups.sort_order').orderBy('services.name');
  if (filter.code !== undefined) query = query.where('services.code', '=', filter.code);
  if (filter.activeOnly) query = query.where('services.active', '=', 1);
  const rows = await query.execute();
  if (rows.length === 0) return [];

  let attributeQuery = db.selectFrom('service_attributes').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).orderBy('service_code').orderBy('sort_order');
  if (filter.code !== undefined) attributeQuery = attributeQuery.where('service_code', '=', filter.code);
  const attributesByService = new Map<string, ServiceAttribute[]>();
  for (const row of await attributeQuery.execute()) {
    const list = attributesByService.get(row.service_code) ?? [];
    list.push(toAttribute(row));
    attributesByService.set(row.service_code, list);
  }

  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    description: row.description,
    groupCode: row.group_code,
    groupName: row.group_name,
    keywords: JSON.parse(row.keywords) as string[],
    type: row.type as Service['type'],
    active: row.active === 1,
    agencyResponsible: row.agency_responsible,
    serviceNotice: row.service_notice,
    expectedDays: row.expected_days,
    retentionDays: row.retention_days,
    erasureExemption: row.erasure_exemption,
    department: row.department_code,
    attributes: attributesByService.get(row.code) ?? [],
    translations: parseTranslations(row.translations),
    groupTranslations: parseTranslations<GroupTranslation>(row.group_translations),
  }));
}

function toAttribute(row: ServiceAttributeRow): ServiceAttribute {
  return {
    code: row.code,
    datatype: row.datatype as ServiceAttribute['datatype'],
    variable: row.variable === 1,
    staffOnly: row.staff_only === 1,
    required: row.required === 1,
    order: row.sort_order,
    description: row.description,
    helpText: row.help_text,
    values: JSON.parse(row.allowed_values) as ServiceAttribute['values'],
    translations: parseTranslations(row.translations),
  };
}

export async function countServices(db: DB, jurisdictionId: string): Promise<number> {
  const row = await db.selectFrom('services').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('jurisdiction_id', '=', jurisdictionId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The columns the settings pages change on an existing service. */
export interface ServiceRowChanges {
  name: string;
  description: string;
  group_code: string;
  keywords: string;
  department_code: string | null;
  workflow_code: string | null;
  expected_days: number | null;
  active: number;
  service_notice: string | null;
  updated_at: string;
}

export async function updateServiceRow(trx: DB, jurisdictionId: string, code: string, changes: ServiceRowChanges): Promise<void> {
  await trx.updateTable('services').set(changes).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

export async function selectWorkflowCode(db: DB, jurisdictionId: string, code: string): Promise<string | null> {
  const row = await db.selectFrom('services').select('workflow_code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  return row?.workflow_code ?? null;
}

export async function selectGroups(db: DB, jurisdictionId: string): Promise<Array<ServiceGroup & { sortOrder: number }>> {
  const rows = await db.selectFrom('service_groups').select(['code', 'name', 'sort_order', 'translations']).where('jurisdiction_id', '=', jurisdictionId).orderBy('sort_order').orderBy('name').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, sortOrder: r.sort_order, translations: parseTranslations<GroupTranslation>(r.translations) }));
}

export async function upsertAttributeRow(trx: DB, jurisdictionId: string, serviceCode: string, a: ServiceAttribute): Promise<void> {
  const values = {
    datatype: a.datatype, variable: a.variable ? 1 : 0, staff_only: a.staffOnly ? 1 : 0, required: a.required ? 1 : 0, sort_order: a.order,
    description: a.description, help_text: a.helpText, allowed_values: JSON.stringify(a.values),
    ...(a.translations === undefined ? {} : { translations: JSON.stringify(a.translations) }),
  };
  await trx.insertInto('service_attributes').values({ jurisdiction_id: jurisdictionId, service_code: serviceCode, code: a.code, ...values })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code', 'code']).doUpdateSet(values))
    .execute();
}

export async function deleteAttributeRow(trx: DB, jurisdictionId: string, serviceCode: string, code: string): Promise<void> {
  await trx.deleteFrom('service_attributes').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('code', '=', code).execute();
}

export async function setAttributeOrder(trx: DB, jurisdictionId: string, serviceCode: string, code: string, order: number): Promise<void> {
  await trx.updateTable('service_attributes').set({ sort_order: order })
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('code', '=', code).execute();
}

export async function setServiceTranslations(trx: DB, jurisdictionId: string, code: string, translations: string, at: string): Promise<void> {
  await trx.updateTable('services').set({ translations, updated_at: at }).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

export async function setAttributeTranslations(trx: DB, jurisdictionId: string, serviceCode: string, code: string, translations: string): Promise<void> {
  await trx.updateTable('service_attributes').set({ translations })
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('code', '=', code).execute();
}

export async function setGroupTranslations(trx: DB, jurisdictionId: string, code: string, translations: string): Promise<void> {
  await trx.updateTable('service_groups').set({ translations }).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}
