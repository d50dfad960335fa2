/**
 * SQL for the catalogue file: what export reads beyond the modules' own readers, and what an
 * import writes. An import changes services, departments, workflows, calendars and templates
 * together in one transaction, which the modules' own save functions (each its own transaction,
 * one record at a time) cannot join; so its writes live here, one function per table and
 * change, and every one takes the import's transaction.
 */
import type { DB } from '../db/connection.js';

// ==== reads ====

export async function serviceWorkflowCodes(db: DB, jurisdictionId: string): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('services').select(['code', 'workflow_code']).where('jurisdiction_id', '=', jurisdictionId).execute();
  return new Map(rows.map((r) => [r.code, r.workflow_code]));
}

/** Every workflow of the jurisdiction with its newest published definition (null: none published). */
export async function workflowsWithPublished(db: DB, jurisdictionId: string): Promise<Array<{ id: number; code: string; name: string; definition: string | null; version: number | null }>> {
  const workflows = await db.selectFrom('workflows').select(['id', 'code', 'name']).where('jurisdiction_id', '=', jurisdictionId).orderBy('code').execute();
  if (workflows.length === 0) return [];
  const versions = await db.selectFrom('workflow_versions').select(['workflow_id', 'version', 'definition'])
    .where('workflow_id', 'in', workflows.map((w) => w.id)).where('status', '=', 'published').orderBy('version', 'desc').execute();
  return workflows.map((w) => {
    const published = versions.find((v) => v.workflow_id === w.id);
    return { ...w, definition: published?.definition ?? null, version: published?.version ?? null };
  });
}

export async function licenceRegisterRows(db: DB, jurisdictionId: string) {
  return db.selectFrom('licence_register_settings').selectAll().where('jurisdiction_id', '=', jurisdictionId).execute();
}

export async function messageTemplateRows(db: DB) {
  return db.selectFrom('message_templates').select(['event', 'channel', 'language', 'subject', 'body']).execute();
}

// ==== what removal would break ====

export async function casesOfService(db: DB, jurisdictionId: string, code: string): Promise<number> {
  const row = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', code).executeTakeFirstOrThrow();
  const drafts = await db.selectFrom('application_drafts as d').innerJoin('application_forms as f', 'f.id', 'd.form_id')
    .select((eb) => eb.fn.countAll<number>().as('n')).where('f.jurisdiction_id', '=', jurisdictionId).where('f.service_code', '=', code).executeTakeFirstOrThrow();
  return Number(row.n) + Number(drafts.n);
}

export async function usesOfDepartment(db: DB, code: string): Promise<{ cases: number; staff: number; consultations: number }> {
  const department = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
  if (!department) return { cases: 0, staff: 0, consultations: 0 };
  const count = async (table: 'cases' | 'users' | 'application_consultations') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('department_id', '=', department.id).executeTakeFirstOrThrow()).n);
  return { cases: await count('cases'), staff: await count('users'), consultations: await count('application_consultations') };
}

export async function clocksOfCalendar(db: DB, code: string): Promise<number> {
  const row = await db.selectFrom('case_clocks').innerJoin('business_calendars as c', 'c.id', 'case_clocks.calendar_id')
    .select((eb) => eb.fn.countAll<number>().as('n')).where('c.code', '=', code).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function casesOfWorkflow(db: DB, jurisdictionId: string, code: string): Promise<number> {
  const row = await db.selectFrom('cases').innerJoin('workflow_versions as v', 'v.id', 'cases.workflow_version_id').innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select((eb) => eb.fn.countAll<number>().as('n')).where('w.jurisdiction_id', '=', jurisdictionId).where('w.code', '=', code).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ==== writes (inside the import's transaction) ====

export interface CalendarRow { code: string; name: string; time_zone: string; working_hours: string; holidays: string }

export async function upsertCalendar(trx: DB, row: CalendarRow, at: string): Promise<void> {
  const existing = await trx.selectFrom('business_calendars').select('id').where('code', '=', row.code).executeTakeFirst();
  if (existing) await trx.updateTable('business_calendars').set({ ...row, updated_at: at }).where('id', '=', existing.id).execute();
  else await trx.insertInto('business_calendars').values({ ...row, created_at: at, updated_at: at }).execute();
}

export async function calendarIds(trx: DB): Promise<Map<string, number>> {
  return new Map((await trx.selectFrom('business_calendars').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
}

export async function departmentIds(trx: DB): Promise<Map<string, number>> {
  return new Map((await trx.selectFrom('departments').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
}

export interface DepartmentRow { code: string; name: string; calendar_id: number | null; assignment: 'none' | 'round_robin' | 'least_loaded'; area: string | null }

export async function upsertDepartment(trx: DB, row: DepartmentRow, at: string): Promise<void> {
  const existing = await trx.selectFrom('departments').select('id').where('code', '=', row.code).executeTakeFirst();
  if (existing) await trx.updateTable('departments').set({ ...row, updated_at: at }).where('id', '=', existing.id).execute();
  else await trx.insertInto('departments').values({ ...row, created_at: at, updated_at: at }).execute();
}

export async function deleteDepartment(trx: DB, code: string): Promise<void> {
  await trx.deleteFrom('departments').where('code', '=', code).execute();
}

export async function deleteCalendar(trx: DB, code: string): Promise<void> {
  await trx.deleteFrom('business_calendars').where('code', '=', code).execute();
}

export async function deleteGroup(trx: DB, jurisdictionId: string, code: string): Promise<void> {
  await trx.deleteFrom('service_groups').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

/** A workflow made or renamed; with a definition that differs from its published one, that definition published as its next version (the previous retired). */
export async function putWorkflow(trx: DB, jurisdictionId: string, input: { code: string; name: string; definition: string | null }, actor: string, at: string): Promise<void> {
  let workflow = await trx.selectFrom('workflows').select('id').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', input.code).executeTakeFirst();
  if (workflow) await trx.updateTable('workflows').set({ name: input.name }).where('id', '=', workflow.id).execute();
  else workflow = await trx.insertInto('workflows').values({ jurisdiction_id: jurisdictionId, code: input.code, name: input.name, created_at: at }).returning('id').executeTakeFirstOrThrow();
  if (input.definition === null) return;
  const published = await trx.selectFrom('workflow_versions').select(['id', 'definition']).where('workflow_id', '=', workflow.id).where('status', '=', 'published')
    .orderBy('version', 'desc').executeTakeFirst();
  if (published && JSON.stringify(JSON.parse(published.definition)) === input.definition) return;
  const last = await trx.selectFrom('workflow_versions').select((eb) => eb.fn.max('version').as('n')).where('workflow_id', '=', workflow.id).executeTakeFirst();
  const version = Number(last?.n ?? 0) + 1;
  await trx.updateTable('workflow_versions').set({ status: 'retired' }).where('workflow_id', '=', workflow.id).where('status', '=', 'published').execute();
  await trx.insertInto('workflow_versions').values({ workflow_id: workflow.id, version, definition: input.definition, status: 'published', created_by: actor, created_at: at, published_at: at }).execute();
}

export async function deleteWorkflow(trx: DB, jurisdictionId: string, code: string): Promise<void> {
  const workflow = await trx.selectFrom('workflows').select('id').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  if (!workflow) return;
  await trx.deleteFrom('workflow_versions').where('workflow_id', '=', workflow.id).execute();
  await trx.deleteFrom('workflows').where('id', '=', workflow.id).execute();
}

export interface ServiceColumns {
  name: string; description: string; group_code: string; keywords: string; type: string; active: number; agency_responsible: string | null;
  service_notice: string | null; expected_days: number | null; retention_days: number | null; erasure_exemption: string | null;
  department_code: string | null; workflow_code: string | null; translations: string;
}

export async function upsertService(trx: DB, jurisdictionId: string, code: string, columns: ServiceColumns, at: string): Promise<void> {
  const existing = await trx.selectFrom('services').select('code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  if (existing) await trx.updateTable('services').set({ ...columns, updated_at: at }).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
  else await trx.insertInto('services').values({ jurisdiction_id: jurisdictionId, code, ...columns, created_at: at, updated_at: at }).execute();
}

/** The service's questions become exactly these, in this order. */
export async function replaceQuestions(trx: DB, jurisdictionId: string, serviceCode: string, rows: Array<{ code: string; datatype: string; variable: number; staff_only: number; required: number; description: string; help_text: string | null; allowed_values: string; translations: string }>): Promise<void> {
  await trx.deleteFrom('service_attributes').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).execute();
  if (rows.length === 0) return;
  await trx.insertInto('service_attributes').values(rows.map((row, i) => ({ jurisdiction_id: jurisdictionId, service_code: serviceCode, sort_order: i + 1, ...row }))).execute();
}

export async function deleteService(trx: DB, jurisdictionId: string, code: string): Promise<void> {
  await trx.deleteFrom('licence_register_settings').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', code).execute();
  await trx.deleteFrom('application_form_drafts').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', code).execute();
  await trx.deleteFrom('application_forms').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', code).execute();
  await trx.deleteFrom('service_attributes').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', code).execute();
  await trx.deleteFrom('services').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

export async function setLicenceRegisterRow(trx: DB, jurisdictionId: string, serviceCode: string, choice: { public: boolean; holderNames: boolean } | null): Promise<void> {
  if (choice === null) {
    await trx.deleteFrom('licence_register_settings').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).execute();
    return;
  }
  const values = { public_register: choice.public ? 1 : 0, publish_holder_name: choice.holderNames ? 1 : 0 };
  await trx.insertInto('licence_register_settings').values({ jurisdiction_id: jurisdictionId, service_code: serviceCode, ...values })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code']).doUpdateSet(values)).execute();
}

/** Routing becomes exactly these rules, in this order. */
export async function replaceRoutingRules(trx: DB, jurisdictionId: string, rules: Array<{ service_code: string | null; department_id: number; within_area: number }>, at: string): Promise<void> {
  await trx.deleteFrom('routing_rules').where('jurisdiction_id', '=', jurisdictionId).execute();
  if (rules.length === 0) return;
  await trx.insertInto('routing_rules').values(rules.map((rule, i) => ({ jurisdiction_id: jurisdictionId, position: i + 1, created_at: at, ...rule }))).execute();
}

export async function responseTemplateRows(trx: DB, jurisdictionId: string) {
  return trx.selectFrom('response_templates').select(['id', 'name', 'department_id']).where('jurisdiction_id', '=', jurisdictionId).execute();
}

export async function putResponseTemplate(trx: DB, jurisdictionId: string, id: number | null, values: { name: string; department_id: number | null; body: string; active: number }, at: string): Promise<void> {
  if (id === null) await trx.insertInto('response_templates').values({ jurisdiction_id: jurisdictionId, ...values, created_at: at, updated_at: at }).execute();
  else await trx.updateTable('response_templates').set({ ...values, updated_at: at }).where('id', '=', id).execute();
}

export async function deleteResponseTemplate(trx: DB, id: number): Promise<void> {
  await trx.deleteFrom('response_templates').where('id', '=', id).execute();
}

export async function putMessageTemplate(trx: DB, row: { event: string; channel: 'email' | 'sms' | 'in_app'; language: string; subject: string | null; body: string }, actor: string, at: string): Promise<void> {
  const values = { subject: row.subject, body: row.body, updated_by: actor, updated_at: at };
  await trx.insertInto('message_templates').values({ ...row, updated_by: actor, updated_at: at })
    .onConflict((oc) => oc.columns(['event', 'channel', 'language']).doUpdateSet(values)).execute();
}

export async function deleteMessageTemplate(trx: DB, key: { event: string; channel: 'email' | 'sms' | 'in_app'; language: string }): Promise<void> {
  await trx.deleteFrom('message_templates').where('event', '=', key.event).where('channel', '=', key.channel).where('language', '=', key.language).execute();
}

export async function insertFormVersion(trx: DB, jurisdictionId: string, serviceCode: string, definition: string, actor: string, at: string): Promise<void> {
  const last = await trx.selectFrom('application_forms').select((eb) => eb.fn.max('version').as('n')).where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
  await trx.insertInto('application_forms').values({ jurisdiction_id: jurisdictionId, service_code: serviceCode, version: Number(last?.n ?? 0) + 1, definition, published_at: at, published_by: actor }).execute();
}

export async function upsertGroup(trx: DB, jurisdictionId: string, row: { code: string; name: string; sort_order: number; translations: string }): Promise<void> {
  const values = { name: row.name, sort_order: row.sort_order, translations: row.translations };
  await trx.insertInto('service_groups').values({ jurisdiction_id: jurisdictionId, code: row.code, ...values })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doUpdateSet(values)).execute();
}
