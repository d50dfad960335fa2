/**
 * SQL for the rollups (migration 067): the only code that writes insight_* tables. It reads
 * cases, their reopenings and their feedback, and writes nothing else.
 */
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import type { InsightCaseFactTable, InsightCloseTimeTable, InsightDailyTable } from '../db/schema.js';

export type CaseFact = InsightCaseFactTable;
export type DailyRow = InsightDailyTable;
export type CloseTimeRow = InsightCloseTimeTable;

/** What the rollups need of a case. */
export interface CaseForInsight {
  id: number;
  service_code: string;
  department_id: number | null;
  lat: number | null;
  long: number | null;
  channel: string;
  status: string;
  requested_at: string;
  closed_at: string | null;
  expected_at: string | null;
}

export interface AreaBox { name: string; minLat: number; minLong: number; maxLat: number; maxLong: number }

const caseColumns = ['id', 'service_code', 'department_id', 'lat', 'long', 'channel', 'status', 'requested_at', 'closed_at', 'expected_at'] as const;

/** A page of a jurisdiction's cases by id, for a full rebuild. */
export function casesAfter(db: DB, jurisdictionId: string, afterId: number, limit: number): Promise<CaseForInsight[]> {
  return db.selectFrom('cases').select(caseColumns).where('jurisdiction_id', '=', jurisdictionId).where('id', '>', afterId)
    .orderBy('id').limit(limit).execute();
}

export async function casesByIds(db: DB, jurisdictionId: string, ids: number[]): Promise<CaseForInsight[]> {
  const rows: CaseForInsight[] = [];
  for (const chunk of chunks(ids, 500)) {
    rows.push(...await db.selectFrom('cases').select(caseColumns).where('jurisdiction_id', '=', jurisdictionId).where('id', 'in', chunk).execute());
  }
  return rows;
}

/** Which cases: an id range (a rebuild's dense pages) or a list (a refresh's scattered few). */
export type CaseSet = { from: number; to: number } | { ids: number[] };

/** How often each case of the set was reopened. */
export async function reopenings(db: DB, set: CaseSet): Promise<Map<number, number>> {
  const rows = await db.selectFrom('case_actions').select(['case_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('action', '=', 'reopened')
    .where((eb) => 'ids' in set ? eb('case_id', 'in', set.ids) : eb.and([eb('case_id', '>=', set.from), eb('case_id', '<=', set.to)]))
    .groupBy('case_id').execute();
  return new Map(rows.map((r) => [r.case_id, Number(r.n)]));
}

export interface FeedbackTotals { feedback: number; fixed: number; satisfactionSum: number; satisfactionCount: number }

/** Feedback per case of the set. */
export async function feedbackTotals(db: DB, set: CaseSet): Promise<Map<number, FeedbackTotals>> {
  const rows = await db.selectFrom('feedback').select([
    'case_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('fixed').as('fixed'),
    (eb) => eb.fn.sum<number>('satisfaction').as('satisfaction_sum'), (eb) => eb.fn.count<number>('satisfaction').as('satisfaction_count'),
  ]).where((eb) => 'ids' in set ? eb('case_id', 'in', set.ids) : eb.and([eb('case_id', '>=', set.from), eb('case_id', '<=', set.to)]))
    .groupBy('case_id').execute();
  return new Map(rows.map((r) => [r.case_id, {
    feedback: Number(r.n), fixed: Number(r.fixed ?? 0), satisfactionSum: Number(r.satisfaction_sum ?? 0), satisfactionCount: Number(r.satisfaction_count ?? 0),
  }]));
}

/** The gazetteer's areas with their bounds. */
export async function areaBoxes(db: DB, jurisdictionId: string): Promise<AreaBox[]> {
  const rows = await db.selectFrom('places').select(['name', 'min_lat', 'min_long', 'max_lat', 'max_long'])
    .where('jurisdiction_id', '=', jurisdictionId).where('kind', '=', 'area')
    .where('min_lat', 'is not', null).where('min_long', 'is not', null).where('max_lat', 'is not', null).where('max_long', 'is not', null)
    .orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, minLat: r.min_lat!, minLong: r.min_long!, maxLat: r.max_lat!, maxLong: r.max_long! }));
}

export const areaNames = async (db: DB, jurisdictionId: string): Promise<string[]> => (await areaBoxes(db, jurisdictionId)).map((a) => a.name);

/**
 * Cases with an action or feedback after the cursors, and how far every row is settled: up to
 * the first id written at or after `settledBefore` (a change still being written may hold an id
 * below one already visible, so recent ids are read again on the next run until surely settled).
 */
export async function changedSince(db: DB, jurisdictionId: string, cursor: { actionId: number; feedbackId: number }, settledBefore: string) {
  const actions = await db.selectFrom('case_actions').leftJoin('cases', 'cases.id', 'case_actions.case_id')
    .select(['case_actions.case_id', 'case_actions.id', 'case_actions.created_at', 'cases.jurisdiction_id'])
    .where('case_actions.id', '>', cursor.actionId).orderBy('case_actions.id').execute();
  const feedback = await db.selectFrom('feedback').select(['case_id', 'id', 'created_at'])
    .where('id', '>', cursor.feedbackId).orderBy('id').execute();
  const ids = new Set<number>();
  for (const a of actions) if (a.jurisdiction_id === jurisdictionId) ids.add(a.case_id);
  for (const f of feedback) ids.add(f.case_id);
  const limit = Date.parse(settledBefore);
  const settled = (rows: Array<{ id: number; created_at: string }>, from: number) => {
    let upTo = from;
    for (const row of rows) {
      if (Date.parse(row.created_at) >= limit) break;
      upTo = row.id;
    }
    return upTo;
  };
  return { caseIds: [...ids], actionId: settled(actions, cursor.actionId), feedbackId: settled(feedback, cursor.feedbackId) };
}

export async function readState(db: DB): Promise<{ actionId: number; feedbackId: number; refreshedAt: string | null } | null> {
  const row = await db.selectFrom('insight_state').selectAll().where('name', '=', 'rollups').executeTakeFirst();
  return row ? { actionId: row.last_action_id, feedbackId: row.last_feedback_id, refreshedAt: row.refreshed_at } : null;
}

export async function writeState(db: DB, state: { actionId: number; feedbackId: number; refreshedAt: string }): Promise<void> {
  await db.insertInto('insight_state').values({ name: 'rollups', last_action_id: state.actionId, last_feedback_id: state.feedbackId, refreshed_at: state.refreshedAt })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_action_id: state.actionId, last_feedback_id: state.feedbackId, refreshed_at: state.refreshedAt }))
    .execute();
}

/** The ids below which every action and feedback row was written before `settledBefore`. */
export async function settledIds(db: DB, settledBefore: string): Promise<{ actionId: number; feedbackId: number }> {
  const a = await db.selectFrom('case_actions').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const f = await db.selectFrom('feedback').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const recentA = await db.selectFrom('case_actions').select((eb) => eb.fn.min('id').as('id')).where('created_at', '>=', settledBefore).executeTakeFirst();
  const recentF = await db.selectFrom('feedback').select((eb) => eb.fn.min('id').as('id')).where('created_at', '>=', settledBefore).executeTakeFirst();
  const below = (max: unknown, recent: unknown) => recent === null || recent === undefined ? Number(max ?? 0) : Number(recent) - 1;
  return { actionId: below(a?.id, recentA?.id), feedbackId: below(f?.id, recentF?.id) };
}

/** One writer of the rollups at a time across processes (the job, a rebuild): call first in the transaction. */
export async function lockRollups(trx: DB): Promise<void> {
  if (dialectOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(trx);
}
const ROLLUP_LOCK = 6_701_467;

export async function factsOf(db: DB, caseIds: number[]): Promise<CaseFact[]> {
  const rows: CaseFact[] = [];
  for (const chunk of chunks(caseIds, 500)) rows.push(...await db.selectFrom('insight_case_facts').selectAll().where('case_id', 'in', chunk).execute());
  return rows;
}

export async function deleteFacts(db: DB, caseIds: number[]): Promise<void> {
  for (const chunk of chunks(caseIds, 500)) await db.deleteFrom('insight_case_facts').where('case_id', 'in', chunk).execute();
}

export async function insertFacts(db: DB, facts: CaseFact[]): Promise<void> {
  for (const chunk of chunks(facts, 1000)) await db.insertInto('insight_case_facts').values(chunk).execute();
}

/** Facts that opened or closed on one of the days. */
export async function factsOnDays(db: DB, days: string[]): Promise<CaseFact[]> {
  const rows: CaseFact[] = [];
  for (const chunk of chunks(days, 200)) {
    rows.push(...await db.selectFrom('insight_case_facts').selectAll()
      .where((eb) => eb.or([eb('opened_day', 'in', chunk), eb('closed_day', 'in', chunk)])).execute());
  }
  return rows;
}

export async function replaceDays(db: DB, days: string[], daily: DailyRow[], closeTimes: CloseTimeRow[]): Promise<void> {
  for (const chunk of chunks(days, 200)) {
    await db.deleteFrom('insight_daily').where('day', 'in', chunk).execute();
    await db.deleteFrom('insight_close_times').where('day', 'in', chunk).execute();
  }
  for (const chunk of chunks(daily, 1000)) await db.insertInto('insight_daily').values(chunk).execute();
  for (const chunk of chunks(closeTimes, 2000)) await db.insertInto('insight_close_times').values(chunk).execute();
}

export async function clearRollups(db: DB): Promise<void> {
  await db.deleteFrom('insight_case_facts').execute();
  await db.deleteFrom('insight_daily').execute();
  await db.deleteFrom('insight_close_times').execute();
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What the figures are narrowed to: local days from..to (inclusive), and each dimension or all. */
export interface Slice {
  from: string;
  to: string;
  serviceCode: string | null;
  departmentId: number | null;
  area: string | null;
  channel: string | null;
}

type SliceTable = 'insight_daily' | 'insight_close_times';

function sliced<T extends SliceTable>(db: DB, table: T, slice: Omit<Slice, 'from' | 'to'>) {
  let query = db.selectFrom(table as SliceTable);
  if (slice.serviceCode !== null) query = query.where('service_code', '=', slice.serviceCode);
  if (slice.departmentId !== null) query = query.where('department_id', '=', slice.departmentId);
  if (slice.area !== null) query = query.where('area', '=', slice.area);
  if (slice.channel !== null) query = query.where('channel', '=', slice.channel);
  return query;
}

export interface DayTotals {
  day: string; channel: string; opened: number; closed: number; promised: number; kept_promise: number; reopened: number;
  feedback: number; fixed: number; satisfaction_sum: number; satisfaction_count: number;
}

/** The slice's figures per day and channel. */
export async function dayTotals(db: DB, slice: Slice): Promise<DayTotals[]> {
  const rows = await sliced(db, 'insight_daily', slice).where('day', '>=', slice.from).where('day', '<=', slice.to)
    .select((eb) => ['day', 'channel',
      ...(['opened', 'closed', 'promised', 'kept_promise', 'reopened', 'feedback', 'fixed', 'satisfaction_sum', 'satisfaction_count'] as const)
        .map((c) => eb.fn.sum<number>(c).as(c))] as never)
    .groupBy(['day', 'channel']).execute() as unknown as Array<Record<string, string | number>>;
  return rows.map((r) => ({
    day: String(r.day), channel: String(r.channel), opened: Number(r.opened), closed: Number(r.closed), promised: Number(r.promised),
    kept_promise: Number(r.kept_promise), reopened: Number(r.reopened), feedback: Number(r.feedback), fixed: Number(r.fixed),
    satisfaction_sum: Number(r.satisfaction_sum), satisfaction_count: Number(r.satisfaction_count),
  }));
}

/** Cases of the slice opened before `day` less those closed before it: the backlog as the day began. */
export async function backlogBefore(db: DB, slice: Slice, day: string): Promise<number> {
  const row = await sliced(db, 'insight_daily', slice).where('day', '<', day)
    .select((eb) => [eb.fn.sum<number>('opened').as('opened'), eb.fn.sum<number>('closed').as('closed')] as never)
    .executeTakeFirst() as unknown as { opened: unknown; closed: unknown } | undefined;
  return Number(row?.opened ?? 0) - Number(row?.closed ?? 0);
}

/** The slice's time-to-close histogram per day. */
export async function closeTimeTotals(db: DB, slice: Slice): Promise<Array<{ day: string; bucket: number; cases: number }>> {
  const rows = await sliced(db, 'insight_close_times', slice).where('day', '>=', slice.from).where('day', '<=', slice.to)
    .select((eb) => ['day', 'bucket', eb.fn.sum<number>('cases').as('cases')] as never)
    .groupBy(['day', 'bucket']).execute() as unknown as Array<{ day: string; bucket: number; cases: unknown }>;
  return rows.map((r) => ({ day: String(r.day), bucket: Number(r.bucket), cases: Number(r.cases) }));
}

export async function departments(db: DB): Promise<Array<{ id: number; code: string; name: string }>> {
  return db.selectFrom('departments').select(['id', 'code', 'name']).orderBy('name').orderBy('id').execute();
}
