/** The SQL of incidents' own tables (migration 073): details, tasks, linked reports, surge flags. */
import type { Insertable, Selectable } from 'kysely';
import type { DB } from '../db/connection.js';
import type { IncidentTable, IncidentTaskTable, SurgeFlagTable } from '../db/schema.js';

export type IncidentRow = Selectable<IncidentTable>;
export type TaskRow = Selectable<IncidentTaskTable>;
export type SurgeFlagRow = Selectable<SurgeFlagTable>;

export const insertIncident = (trx: DB, row: Insertable<IncidentTable>) => trx.insertInto('incidents').values(row).execute();

export const findIncident = (db: DB, caseId: number) => db.selectFrom('incidents').selectAll().where('case_id', '=', caseId).executeTakeFirst();

export const setSummary = (trx: DB, caseId: number, summary: string) => trx.updateTable('incidents').set({ summary }).where('case_id', '=', caseId).execute();

/** The newest incidents' own rows, with their open tasks and linked reports counted (their case's state is read from the case module). */
export function listIncidents(db: DB, jurisdictionId: string, limit = 100) {
  return db.selectFrom('incidents')
    .select(['incidents.case_id', 'incidents.title', 'incidents.area_description'])
    .select((eb) => [
      eb.selectFrom('incident_tasks').select((e) => e.fn.countAll<number>().as('n')).whereRef('incident_tasks.case_id', '=', 'incidents.case_id').where('incident_tasks.status', '=', 'open').as('open_tasks'),
      eb.selectFrom('incident_links').select((e) => e.fn.countAll<number>().as('n')).whereRef('incident_links.case_id', '=', 'incidents.case_id').as('reports'),
    ])
    .where('incidents.jurisdiction_id', '=', jurisdictionId).orderBy('incidents.case_id', 'desc').limit(limit).execute();
}

export const insertTask = async (trx: DB, row: Insertable<IncidentTaskTable>): Promise<number> =>
  Number((await trx.insertInto('incident_tasks').values(row).returning('id').executeTakeFirstOrThrow()).id);

export const findTask = (db: DB, caseId: number, taskId: number) => db.selectFrom('incident_tasks').selectAll().where('case_id', '=', caseId).where('id', '=', taskId).executeTakeFirst();

export const setTaskStatus = (trx: DB, taskId: number, status: TaskRow['status'], at: string) => trx.updateTable('incident_tasks').set({ status, updated_at: at }).where('id', '=', taskId).execute();

/** An incident's tasks with the names staff read (department, owner). */
export function tasksOf(db: DB, caseId: number) {
  return db.selectFrom('incident_tasks')
    .innerJoin('departments', 'departments.id', 'incident_tasks.department_id')
    .leftJoin('users', 'users.id', 'incident_tasks.owner_user_id')
    .select(['incident_tasks.id', 'incident_tasks.title', 'incident_tasks.department_id', 'departments.name as department_name', 'incident_tasks.owner_user_id',
      'users.display_name as owner_name', 'users.email as owner_email', 'incident_tasks.due_at', 'incident_tasks.status', 'incident_tasks.created_at'])
    .where('incident_tasks.case_id', '=', caseId).orderBy('incident_tasks.id').execute();
}

/** Links reports (those already linked are left as they are); how many were new. */
export async function insertLinks(trx: DB, caseId: number, reportIds: readonly number[], userId: number, at: string): Promise<number[]> {
  if (reportIds.length === 0) return [];
  const existing = new Set((await trx.selectFrom('incident_links').select('report_id').where('case_id', '=', caseId).where('report_id', 'in', [...reportIds]).execute()).map((r) => Number(r.report_id)));
  const fresh = [...new Set(reportIds)].filter((id) => !existing.has(id));
  if (fresh.length > 0) await trx.insertInto('incident_links').values(fresh.map((report_id) => ({ case_id: caseId, report_id, linked_by: userId, linked_at: at }))).execute();
  return fresh;
}

export const deleteLink = async (trx: DB, caseId: number, reportId: number): Promise<boolean> =>
  Number((await trx.deleteFrom('incident_links').where('case_id', '=', caseId).where('report_id', '=', reportId).executeTakeFirst()).numDeletedRows) > 0;

/** The ids of the reports linked to an incident. */
export const linkedReportIds = async (db: DB, caseId: number): Promise<number[]> =>
  (await db.selectFrom('incident_links').select('report_id').where('case_id', '=', caseId).execute()).map((r) => Number(r.report_id));

// ==== surge flags ====

/** The latest flag for a service and area still in play (new or opened) that ended after a time. */
export const recentFlag = (db: DB, jurisdictionId: string, serviceCode: string, areaName: string, endedAfter: string) => db.selectFrom('surge_flags').selectAll()
  .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('area_name', '=', areaName).where('window_end', '>', endedAfter)
  .orderBy('window_end', 'desc').limit(1).executeTakeFirst();

export const insertFlag = async (trx: DB, row: Insertable<SurgeFlagTable>): Promise<number> =>
  Number((await trx.insertInto('surge_flags').values(row).returning('id').executeTakeFirstOrThrow()).id);

export const updateFlag = (trx: DB, id: number, values: Partial<Pick<SurgeFlagRow, 'window_end' | 'reports' | 'expected' | 'report_ids' | 'status' | 'incident_case_id' | 'decided_by' | 'updated_at'>>) =>
  trx.updateTable('surge_flags').set(values).where('id', '=', id).execute();

export const findFlag = (db: DB, jurisdictionId: string, id: number) => db.selectFrom('surge_flags').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();

export const newFlags = (db: DB, jurisdictionId: string) => db.selectFrom('surge_flags')
  .innerJoin('services', (join) => join.onRef('services.jurisdiction_id', '=', 'surge_flags.jurisdiction_id').onRef('services.code', '=', 'surge_flags.service_code'))
  .selectAll('surge_flags').select('services.name as service_name')
  .where('surge_flags.jurisdiction_id', '=', jurisdictionId).where('surge_flags.status', '=', 'new').orderBy('surge_flags.id', 'desc').limit(50).execute();
