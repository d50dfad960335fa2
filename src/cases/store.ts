/**
 * SQL for cases, their reporters and their actions: the only code that writes `cases` and
 * `case_actions`. Other modules read cases through the case module's functions.
 */
import { dialectOf, type DB } from '../db/connection.js';
import { compiledInsertMany, compiledOnce, compiledPerShape } from '../db/compiled.js';
import type { Insertable, SelectQueryBuilder } from 'kysely';
import type { Bounds } from '../config.js';
import type { CaseActionTable, CaseReporterTable, CaseRow, CaseUpdate, Database, NewCase } from '../db/schema.js';
import { earliestRunningDue } from '../sla/clocks.js';
import type { CaseInHand } from '../workflow/types.js';
import type { PublicStatus } from './types.js';

/** A case row with its service's name and notice, as most readers want it. */
export type CaseWithService = CaseInHand;

/** A reporter's details as stored (sealed), without the case they belong to. */
export type StoredReporter = Omit<Insertable<CaseReporterTable>, 'case_id'>;

export interface CaseFilter {
  ids?: number[];
  serviceCodes?: string[];
  statuses?: PublicStatus[];
  requestedFrom?: string;
  requestedTo?: string;
  /** Last updated in this range: the latest update first (the index on jurisdiction and updated_at serves it). */
  updatedFrom?: string;
  updatedTo?: string;
  /** Only cases located inside this box (the public reports' area filter). */
  within?: Bounds;
  /** Only cases with a map position. */
  located?: boolean;
  limit: number;
  offset: number;
}

function selectCases(db: DB, jurisdictionId: string) {
  return db.selectFrom('cases')
    .innerJoin('services', (join) => join
      .onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id')
      .onRef('services.code', '=', 'cases.service_code'))
    .selectAll('cases')
    .select(['services.name as service_name', 'services.service_notice'])
    .where('cases.jurisdiction_id', '=', jurisdictionId);
}

/**
 * What the audit trail keeps of a case: its public fields and who works it, never the reporter's
 * details.
 */
export function auditViewOfCase(row: CaseRow) {
  const { status, state, status_notes, service_code, description, lat, long, address_string, attributes, expected_at, closed_at } = row;
  return {
    status, state, status_notes, service_code, description, lat, long, address_string, attributes: JSON.parse(attributes) as unknown, expected_at, closed_at,
    department_id: row.department_id, assigned_user_id: row.assigned_user_id, priority: row.priority, merged_into: row.merged_into,
  };
}

/** Every submission inserts its case and, most often, its reporter: compiled once per set of columns. */
const insertCaseQuery = compiledPerShape((db: DB, row: NewCase) => db.insertInto('cases').values(row).returningAll());
const insertReporterQuery = compiledPerShape((db: DB, row: Insertable<CaseReporterTable>) => db.insertInto('case_reporters').values(row));

export async function insertCase(trx: DB, row: NewCase, reporter: StoredReporter | null): Promise<CaseRow> {
  const [inserted] = await insertCaseQuery(trx, row);
  if (!inserted) throw new Error('The new case was not inserted.');
  if (reporter) await insertReporterQuery(trx, { case_id: inserted.id, ...reporter });
  return inserted;
}

export async function updateCase(trx: DB, id: number, changes: CaseUpdate): Promise<CaseRow> {
  return trx.updateTable('cases').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Sets only the columns whose value differs from the row as it stands (SQLite rewrites the index
 * entries of every column an update names, changed or not), and gives the row as it is then.
 */
export async function updateChangedColumns(trx: DB, row: CaseRow, changes: CaseUpdate): Promise<CaseRow> {
  const changed = Object.fromEntries(Object.entries(changes).filter(([column, value]) => value !== undefined && row[column as keyof CaseRow] !== value)) as CaseUpdate;
  return Object.keys(changed).length === 0 ? row : updateCase(trx, row.id, changed);
}

/** Changes a case's columns without reading the row back (assignee, photo addresses, priority, due time). */
export async function setCaseColumns(trx: DB, id: number, changes: CaseUpdate): Promise<void> {
  await trx.updateTable('cases').set(changes).where('id', '=', id).execute();
}

/** Keeps cases.due_at, which the queues sort and filter on, equal to the earliest running clock's. */
export async function refreshCaseDueAt(trx: DB, caseId: number): Promise<void> {
  const due = await earliestRunningDue(trx, caseId);
  await setCaseColumns(trx, caseId, { due_at: due });
}

/** The case row alone (no service), in the jurisdiction. */
/** Every submission and action reads its case: compiled once. */
const findCaseRowQuery = compiledOnce((db: DB, jurisdictionId: string, id: number) =>
  db.selectFrom('cases').selectAll().where('id', '=', id).where('jurisdiction_id', '=', jurisdictionId));

export async function findCaseRow(db: DB, jurisdictionId: string, id: number): Promise<CaseRow | undefined> {
  return (await findCaseRowQuery(db, jurisdictionId, id))[0];
}

/** Locks cases' rows until the transaction ends (PostgreSQL; SQLite has one writer at a time). */
export async function lockCases(trx: DB, ids: number[]): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  // In id order, so two merges of the same pair cannot deadlock.
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    await trx.selectFrom('cases').select('id').where('id', '=', id).forUpdate().execute();
  }
}

/** Every change to a case appends an action: compiled once. */
const insertActionQuery = compiledOnce((db: DB, caseId: number, action: string, actor: string, idempotencyKey: string | null, status: string | null,
  state: string | null, description: string | null, mediaUrl: string | null, details: string, isPublic: number, at: string) => db.insertInto('case_actions').values({
  case_id: caseId, action, actor, idempotency_key: idempotencyKey, status, state, description, media_url: mediaUrl, details, public: isPublic, created_at: at,
}).returning('id'));

export async function insertAction(trx: DB, action: {
  caseId: number; action: string; actor: string; idempotencyKey: string | null; status: string | null; state: string | null;
  description: string | null; mediaUrl: string | null; details: Record<string, unknown>; isPublic: boolean; at: string;
}): Promise<number> {
  const [row] = await insertActionQuery(trx, action.caseId, action.action, action.actor, action.idempotencyKey, action.status, action.state,
    action.description, action.mediaUrl, JSON.stringify(action.details), action.isPublic ? 1 : 0, action.at);
  return row!.id;
}

export async function actionByIdempotencyKey(db: DB, key: string) {
  return db.selectFrom('case_actions').select(['id', 'case_id', 'created_at', 'details']).where('idempotency_key', '=', key).executeTakeFirst();
}

/** The action that closed a case: its latest public action that set the status to closed. */
export async function closingAction(db: DB, caseId: number) {
  return db.selectFrom('case_actions').select('id')
    .where('case_id', '=', caseId).where('public', '=', 1).where('status', '=', 'closed')
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Every GET of one request runs this: compiled once. */
const findCaseQuery = compiledOnce((db: DB, jurisdictionId: string, id: number) => selectCases(db, jurisdictionId).where('cases.id', '=', id));

export async function findCase(db: DB, jurisdictionId: string, id: number): Promise<CaseWithService | undefined> {
  return (await findCaseQuery(db, jurisdictionId, id))[0];
}

/** The columns a service request shows the public (toServiceRequest), and its kind. */
export const publicCaseColumns = [
  'cases.id', 'cases.kind', 'cases.service_code', 'cases.description', 'cases.lat', 'cases.long', 'cases.address_string', 'cases.address_id',
  'cases.zipcode', 'cases.attributes', 'cases.media_urls', 'cases.status', 'cases.state', 'cases.status_notes', 'cases.agency_responsible',
  'cases.channel', 'cases.token', 'cases.requested_at', 'cases.updated_at', 'cases.expected_at', 'cases.closed_at',
] as const;
export type PublicCase = Pick<CaseWithService, 'id' | 'kind' | 'service_code' | 'service_name' | 'service_notice' | 'description' | 'lat' | 'long'
  | 'address_string' | 'address_id' | 'zipcode' | 'attributes' | 'media_urls' | 'status' | 'state' | 'status_notes' | 'agency_responsible'
  | 'channel' | 'token' | 'requested_at' | 'updated_at' | 'expected_at' | 'closed_at'>;

// The Open311 GET of one request and the track page read only what they show: a third fewer columns than findCase.
const findPublicCaseQuery = compiledOnce((db: DB, jurisdictionId: string, id: number) => db.selectFrom('cases')
  .innerJoin('services', (join) => join.onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id').onRef('services.code', '=', 'cases.service_code'))
  .select([...publicCaseColumns, 'services.name as service_name', 'services.service_notice'])
  .where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.id', '=', id));

export async function findPublicCase(db: DB, jurisdictionId: string, id: number): Promise<PublicCase | undefined> {
  return (await findPublicCaseQuery(db, jurisdictionId, id))[0];
}

export async function findCaseByToken(db: DB, jurisdictionId: string, token: string) {
  return db.selectFrom('cases').select(['id', 'token', 'kind']).where('jurisdiction_id', '=', jurisdictionId).where('token', '=', token).executeTakeFirst();
}

/** Service requests only: applications are personal and never listed with them (Open311, public reports). */
export async function searchCases(db: DB, jurisdictionId: string, filter: CaseFilter): Promise<CaseWithService[]> {
  let query = selectCases(db, jurisdictionId).where('cases.kind', '=', 'service_request');
  if (filter.ids) {
    query = query.where('cases.id', 'in', filter.ids.length > 0 ? filter.ids : [-1]);
  } else {
    if (filter.serviceCodes) query = query.where('cases.service_code', 'in', filter.serviceCodes);
    if (filter.statuses) query = query.where('cases.status', 'in', filter.statuses);
    if (filter.requestedFrom) query = query.where('cases.requested_at', '>=', filter.requestedFrom);
    if (filter.requestedTo) query = query.where('cases.requested_at', '<=', filter.requestedTo);
    if (filter.updatedFrom) query = query.where('cases.updated_at', '>=', filter.updatedFrom);
    if (filter.updatedTo) query = query.where('cases.updated_at', '<=', filter.updatedTo);
    query = whereLocated(query, filter);
  }
  const byUpdate = !filter.ids && (filter.updatedFrom !== undefined || filter.updatedTo !== undefined);
  return query.orderBy(byUpdate ? 'cases.updated_at' : 'cases.requested_at', 'desc').orderBy('cases.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/** Cases in a box (uses cases_location_idx), or with any position; shared by search and count. */
function whereLocated<Q extends { where: SelectQueryBuilder<Database, 'cases', object>['where'] }>(query: Q, filter: Pick<CaseFilter, 'within' | 'located'>): Q {
  let q = query as unknown as SelectQueryBuilder<Database, 'cases', object>;
  if (filter.within) {
    const b = filter.within;
    q = q.where('cases.lat', '>=', b.minLat).where('cases.lat', '<=', b.maxLat).where('cases.long', '>=', b.minLong).where('cases.long', '<=', b.maxLong);
  } else if (filter.located) {
    q = q.where('cases.lat', 'is not', null).where('cases.long', 'is not', null);
  }
  return q as unknown as Q;
}

/** How many cases a search (without ids, limit and offset) finds: for "Showing 26 to 50 of 312". */
export async function countMatchingCases(db: DB, jurisdictionId: string, filter: Omit<CaseFilter, 'ids' | 'limit' | 'offset'>): Promise<number> {
  let query = db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.kind', '=', 'service_request');
  if (filter.serviceCodes) query = query.where('cases.service_code', 'in', filter.serviceCodes);
  if (filter.statuses) query = query.where('cases.status', 'in', filter.statuses);
  if (filter.requestedFrom) query = query.where('cases.requested_at', '>=', filter.requestedFrom);
  if (filter.requestedTo) query = query.where('cases.requested_at', '<=', filter.requestedTo);
  if (filter.updatedFrom) query = query.where('cases.updated_at', '>=', filter.updatedFrom);
  if (filter.updatedTo) query = query.where('cases.updated_at', '<=', filter.updatedTo);
  query = whereLocated(query, filter);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function selectPublicUpdates(db: DB, jurisdictionId: string, range: { from: string; to: string; limit: number; offset: number }) {
  return db.selectFrom('case_actions')
    .innerJoin('cases', 'cases.id', 'case_actions.case_id')
    .select(['case_actions.id', 'case_actions.case_id', 'case_actions.status', 'case_actions.state', 'case_actions.description',
      'case_actions.media_url', 'case_actions.created_at', 'case_actions.details'])
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .where('cases.kind', '=', 'service_request')
    .where('case_actions.action', '=', 'status_update')
    .where('case_actions.public', '=', 1)
    .where('case_actions.created_at', '>=', range.from)
    .where('case_actions.created_at', '<=', range.to)
    .orderBy('case_actions.created_at').orderBy('case_actions.id')
    .limit(range.limit).offset(range.offset)
    .execute();
}

export async function countCases(db: DB, jurisdictionId: string): Promise<number> {
  const row = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function selectActions(db: DB, caseId: number) {
  return db.selectFrom('case_actions').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

/** One action of a case, as an undo reads it. */
export async function caseActionById(db: DB, caseId: number, actionId: number) {
  return db.selectFrom('case_actions').select(['id', 'case_id', 'action', 'actor', 'created_at', 'details', 'public'])
    .where('case_id', '=', caseId).where('id', '=', actionId).executeTakeFirst();
}

/** The id of a case's newest action (case_actions_case gives it in one step), or null. */
export async function latestActionIdOf(db: DB, caseId: number): Promise<number | null> {
  const row = await db.selectFrom('case_actions').select('id').where('case_id', '=', caseId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/** Imported cases by their ids in the system they came from. */
export async function casesByExternalIds(db: DB, jurisdictionId: string, externalIds: string[]): Promise<CaseRow[]> {
  if (externalIds.length === 0) return [];
  return db.selectFrom('cases').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('external_id', 'in', externalIds).execute();
}

/** Many cases in one statement (an import's batch), every row with the same columns: gives each new row's id and external id. */
export const insertCaseRows = compiledInsertMany((db: DB, rows: NewCase[]) => db.insertInto('cases').values(rows).returning(['id', 'external_id']));

/**
 * The same, skipping a row whose external id the jurisdiction has already (another import made it
 * at the same moment): only the rows made are answered. Both databases take the partial unique
 * index as the conflict target with its WHERE.
 */
export const insertCaseRowsOrSkip = compiledInsertMany((db: DB, rows: NewCase[]) => db.insertInto('cases').values(rows)
  .onConflict((oc) => oc.columns(['jurisdiction_id', 'external_id']).where('external_id', 'is not', null).doNothing())
  .returning(['id', 'external_id']));

export type ActionInsert = Insertable<CaseActionTable>;

/** Many actions in one statement (an import's batch), every row with the same columns. */
export const insertActionRows = compiledInsertMany((db: DB, rows: ActionInsert[]) => db.insertInto('case_actions').values(rows));
