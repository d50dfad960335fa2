/** SQL for consultations and inspections on applications: nothing else touches these tables. */
import type { Insertable, Selectable } from 'kysely';
import type { DB } from '../db/connection.js';
import type { ApplicationConsultationTable, ApplicationInspectionTable } from '../db/schema.js';

export type ConsultationRow = Selectable<ApplicationConsultationTable>;
export type InspectionRow = Selectable<ApplicationInspectionTable>;

// ==== consultations ====
export async function insertConsultation(trx: DB, row: Insertable<ApplicationConsultationTable>): Promise<number> {
  return (await trx.insertInto('application_consultations').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function findConsultation(db: DB, jurisdictionId: string, id: number) {
  return db.selectFrom('application_consultations as q')
    .innerJoin('departments as d', 'd.id', 'q.department_id')
    .innerJoin('cases as c', 'c.id', 'q.case_id')
    .select(['q.id', 'q.case_id', 'q.department_id', 'q.question', 'q.due_on', 'q.asked_by', 'q.asked_at', 'q.reply', 'q.replied_by', 'q.replied_at',
      'd.name as department_name', 'c.department_id as case_department_id'])
    .where('q.jurisdiction_id', '=', jurisdictionId).where('q.id', '=', id).executeTakeFirst();
}

export async function consultationsOfCase(db: DB, caseId: number) {
  return db.selectFrom('application_consultations as q').innerJoin('departments as d', 'd.id', 'q.department_id')
    .select(['q.id', 'q.department_id', 'q.question', 'q.due_on', 'q.asked_by', 'q.asked_at', 'q.reply', 'q.replied_by', 'q.replied_at', 'd.name as department_name'])
    .where('q.case_id', '=', caseId).orderBy('q.id').execute();
}

/** The unanswered consultations addressed to a department (all departments: null), soonest due first. */
export async function openConsultations(db: DB, jurisdictionId: string, departmentId: number | null, limit = 200) {
  let query = db.selectFrom('application_consultations as q')
    .innerJoin('departments as d', 'd.id', 'q.department_id')
    .innerJoin('cases as c', 'c.id', 'q.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['q.id', 'q.case_id', 'q.question', 'q.due_on', 'q.asked_at', 'd.name as department_name', 's.name as service_name'])
    .where('q.jurisdiction_id', '=', jurisdictionId).where('q.replied_at', 'is', null);
  if (departmentId !== null) query = query.where('q.department_id', '=', departmentId);
  return query.orderBy('q.due_on').orderBy('q.id').limit(limit).execute();
}

/** Records the reply once: false when the consultation was answered already. */
export async function recordReply(trx: DB, id: number, reply: { reply: string; replied_by: string; replied_at: string }): Promise<boolean> {
  const result = await trx.updateTable('application_consultations').set(reply).where('id', '=', id).where('replied_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function openConsultationCount(db: DB, caseId: number): Promise<number> {
  const row = await db.selectFrom('application_consultations').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('replied_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ==== inspections ====
export async function insertInspection(trx: DB, row: Insertable<ApplicationInspectionTable>): Promise<void> {
  await trx.insertInto('application_inspections').values(row).execute();
}

export async function findInspection(db: DB, jurisdictionId: string, id: string): Promise<InspectionRow | undefined> {
  return db.selectFrom('application_inspections').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
}

export async function inspectionsOfCase(db: DB, caseId: number): Promise<InspectionRow[]> {
  return db.selectFrom('application_inspections').selectAll().where('case_id', '=', caseId).orderBy('starts_at').execute();
}

/** Changes a booked inspection's slot; the invitation's sequence grows by one. False when it is no longer booked. */
export async function rebook(trx: DB, id: string, slot: { starts_at: string; duration_minutes: number; place: string; inspector_user_id: number; updated_at: string }): Promise<boolean> {
  const result = await trx.updateTable('application_inspections').set((eb) => ({ ...slot, sequence: eb('sequence', '+', 1) }))
    .where('id', '=', id).where('status', '=', 'booked').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function cancel(trx: DB, id: string, at: string): Promise<boolean> {
  const result = await trx.updateTable('application_inspections').set((eb) => ({ status: 'cancelled' as const, updated_at: at, sequence: eb('sequence', '+', 1) }))
    .where('id', '=', id).where('status', '=', 'booked').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function addPhoto(trx: DB, id: string, photos: string[], at: string): Promise<boolean> {
  const result = await trx.updateTable('application_inspections').set({ photos: JSON.stringify(photos), updated_at: at })
    .where('id', '=', id).where('status', '=', 'booked').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordResult(trx: DB, id: string, result: { outcome: 'pass' | 'fail'; results: string; notes: string; recorded_by: string; recorded_at: string }): Promise<boolean> {
  const done = await trx.updateTable('application_inspections').set({ ...result, status: 'done', updated_at: result.recorded_at })
    .where('id', '=', id).where('status', '=', 'booked').executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** An inspection photo: kept with the case's internal files (media, internal), served only to staff who may see the case. */
export async function insertPhoto(trx: DB, photo: { id: string; jurisdiction_id: string; case_id: number; content_type: string; bytes: Buffer; file_name: string; created_at: string }): Promise<void> {
  await trx.insertInto('media').values({ ...photo, draft_id: null, internal: 1, width: 0, height: 0 }).execute();
}
