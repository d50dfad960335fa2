/**
 * SQL of the GovStack Registration API: its own two tables (govstack_applications,
 * govstack_uploads), and read-only queries over applications for its lists, as the staff
 * queues keep theirs (docs/architecture.md): every write to an application or a case goes through
 * src/applications and src/cases.
 */
import type { DB } from '../db/connection.js';

export interface ApplicationFilter {
  /** Only what this key sent; null: every application of the jurisdiction (an operator's key). */
  apiKeyId: number | null;
  serviceCode?: string;
  applicantId?: string;
  caseId?: number;
  openOnly?: boolean;
  assigneeUserId?: number;
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
}

const timestamp = (value: unknown): string => new Date(value as string).toISOString();

export async function findApplications(db: DB, jurisdictionId: string, filter: ApplicationFilter) {
  let query = db.selectFrom('applications as a')
    .innerJoin('cases as c', 'c.id', 'a.case_id')
    .innerJoin('application_forms as f', 'f.id', 'a.form_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .leftJoin('govstack_applications as g', 'g.case_id', 'a.case_id')
    .select(['a.case_id', 'a.form_id', 'a.draft_id', 'a.answers', 'a.created_at', 'a.payment_state', 'f.version', 'f.definition', 'c.state', 'c.status',
      'c.service_code', 'c.requested_at', 'c.updated_at', 'c.assigned_user_id', 'c.api_key_id', 'c.channel', 'c.workflow_version_id', 'c.jurisdiction_id', 's.name as service_name', 'g.applicant_id'])
    .where('c.jurisdiction_id', '=', jurisdictionId);
  if (filter.apiKeyId !== null) query = query.where('c.api_key_id', '=', filter.apiKeyId);
  if (filter.serviceCode !== undefined) query = query.where('c.service_code', '=', filter.serviceCode);
  if (filter.applicantId !== undefined) query = query.where('g.applicant_id', '=', filter.applicantId);
  if (filter.caseId !== undefined) query = query.where('a.case_id', '=', filter.caseId);
  if (filter.openOnly) query = query.where('c.status', '=', 'open');
  if (filter.assigneeUserId !== undefined) query = query.where('c.assigned_user_id', '=', filter.assigneeUserId);
  const rows = await query.orderBy('a.case_id', filter.order).offset(filter.offset).limit(filter.limit).execute();
  return rows.map((row) => ({ ...row, created_at: timestamp(row.created_at), requested_at: timestamp(row.requested_at), updated_at: timestamp(row.updated_at) }));
}

export type ApplicationRow = Awaited<ReturnType<typeof findApplications>>[number];

export async function insertApplicant(trx: DB, row: { case_id: number; api_key_id: number; applicant_id: string; created_at: string }): Promise<void> {
  await trx.insertInto('govstack_applications').values(row).execute();
}

export async function insertUpload(trx: DB, row: { draft_id: string; api_key_id: number; created_at: string }): Promise<void> {
  await trx.insertInto('govstack_uploads').values(row).execute();
}

/** The key that uploaded into this draft through the API (undefined: not an API upload draft). */
export async function uploadOwner(db: DB, draftId: string): Promise<number | undefined> {
  const row = await db.selectFrom('govstack_uploads').select('api_key_id').where('draft_id', '=', draftId).executeTakeFirst();
  return row?.api_key_id;
}

/**
 * Decisions and send-backs on applications in a period, one row per action: the state entered,
 * who took it, the service. Read-only, for the statistics.
 */
export async function decisionActions(db: DB, jurisdictionId: string, from: string, until: string) {
  const rows = await db.selectFrom('case_actions as x')
    .innerJoin('cases as c', 'c.id', 'x.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['x.created_at', 'x.actor', 'x.state', 's.name as service_name'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('c.kind', '=', 'application')
    .where('x.action', '=', 'transition').where('x.state', 'in', ['issued', 'refused', 'more_information'])
    .where('x.created_at', '>=', from).where('x.created_at', '<', until)
    .execute();
  return rows.map((row) => ({ ...row, created_at: timestamp(row.created_at) }));
}
