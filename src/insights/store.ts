/**
 * SQL for the rollups (migration 067): the only code that writes insight_* tables. It reads
 * cases, their reopenings and their feedback, and writes nothing else.
 */
import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import { BUCKET_MS } from './buckets.js';
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
  // `|| ''` keeps SQLite off the jurisdiction's indexes: through one it would sort every case of the jurisdiction for each page.
  return db.selectFrom('cases').select(caseColumns).where(sql`jurisdiction_id || ''`, '=', jurisdictionId).where('id', '>', afterId).where('kind', '<>', 'incident')
    .orderBy('id').limit(limit).execute();
}

export async function casesByIds(db: DB, jurisdictionId: string, ids: number[]): Promise<CaseForInsight[]> {
  const rows: CaseForInsight[] = [];
  for (const chunk of chunks(ids, 500)) {
    // Incidents are the emergency officers' log, not work residents asked for: never counted.
    rows.push(...await db.selectFrom('cases').select(caseColumns).where('jurisdiction_id', '=', jurisdictionId).where('id', 'in', chunk).where('kind', '<>', 'incident').execute());
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

export interface RollupState { actionId: number; feedbackId: number; refreshedAt: string | null; rebuildHeartbeat: string | null }

export async function readState(db: DB): Promise<RollupState | null> {
  const row = await db.selectFrom('insight_state').selectAll().where('name', '=', 'rollups').executeTakeFirst();
  return row ? { actionId: row.last_action_id, feedbackId: row.last_feedback_id, refreshedAt: row.refreshed_at, rebuildHeartbeat: row.rebuild_heartbeat } : null;
}

/** The cursor after a refresh or a finished rebuild (which clears the rebuild's heartbeat). */
export async function writeState(db: DB, state: { actionId: number; feedbackId: number; refreshedAt: string }): Promise<void> {
  const values = { last_action_id: state.actionId, last_feedback_id: state.feedbackId, refreshed_at: state.refreshedAt, rebuild_heartbeat: null };
  await db.insertInto('insight_state').values({ name: 'rollups', ...values })
    .onConflict((oc) => oc.column('name').doUpdateSet(values)).execute();
}

/** Marks a rebuild running (or renews its mark); a state row is made if there was none. */
export async function writeHeartbeat(db: DB, heartbeat: string): Promise<void> {
  await db.insertInto('insight_state').values({ name: 'rollups', last_action_id: 0, last_feedback_id: 0, refreshed_at: null, rebuild_heartbeat: heartbeat })
    .onConflict((oc) => oc.column('name').doUpdateSet({ rebuild_heartbeat: heartbeat })).execute();
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

/** Removes the facts of cases with ids above `after` and up to `upTo` (null: no end): a rebuild's page. */
export async function deleteFactsBetween(db: DB, after: number, upTo: number | null): Promise<void> {
  let query = db.deleteFrom('insight_case_facts').where('case_id', '>', after);
  if (upTo !== null) query = query.where('case_id', '<=', upTo);
  await query.execute();
}

export async function insertFacts(db: DB, facts: CaseFact[]): Promise<void> {
  for (const chunk of chunks(facts, 1000)) await db.insertInto('insight_case_facts').values(chunk).execute();
}

/** Which days to count again: a range (a rebuild's month) or a list (a refresh's scattered few). */
export type DaySet = { from: string; to: string } | { days: string[] };

const dayIn = (column: string, set: DaySet) =>
  'days' in set ? sql`${sql.ref(column)} in (${sql.join(set.days)})` : sql`${sql.ref(column)} between ${set.from} and ${set.to}`;

const measures = ['opened', 'closed', 'promised', 'kept_promise', 'reopened', 'feedback', 'fixed', 'satisfaction_sum', 'satisfaction_count'];
const sums = sql.join(measures.map((m) => sql`sum(${sql.ref(m)})`));
const measureList = sql.join(measures.map((m) => sql.ref(m)));

/**
 * Counts the days again from the facts, in SQL (set-based: no row goes through JavaScript): the
 * fine tables per area and channel, then the coarse ones from them. The week and month spans of
 * the histogram are counted again by `recountSpans`.
 */
export async function recountDays(db: DB, set: DaySet): Promise<void> {
  if ('days' in set && set.days.length === 0) return;
  if ('days' in set && set.days.length > 200) {
    for (const some of chunks(set.days, 200)) await recountDays(db, { days: some });
    return;
  }
  const key = sql`service_code, department_id, area, channel`;
  await sql`delete from insight_daily where ${dayIn('day', set)}`.execute(db);
  await sql`delete from insight_close_times where ${dayIn('day', set)}`.execute(db);
  await sql`delete from insight_day_totals where ${dayIn('day', set)}`.execute(db);
  await sql`delete from insight_close_spans where span = 'day' and ${dayIn('start', set)}`.execute(db);
  await sql`insert into insight_daily (day, ${key}, ${measureList})
    select day, ${key}, ${sums} from (
      select opened_day as day, ${key}, 1 as opened, 0 as closed, 0 as promised, 0 as kept_promise, 0 as reopened, 0 as feedback, 0 as fixed,
        0 as satisfaction_sum, 0 as satisfaction_count
      from insight_case_facts where ${dayIn('opened_day', set)}
      union all
      select closed_day, ${key}, 0, 1, promised, kept_promise, case when reopened > 0 then 1 else 0 end, feedback, fixed, satisfaction_sum, satisfaction_count
      from insight_case_facts where ${dayIn('closed_day', set)}
    ) counted group by day, ${key}`.execute(db);
  // The bucket is bucketOf (src/insights/buckets.ts) of the minutes: 144 minutes a bucket.
  await sql`insert into insight_close_times (day, ${key}, bucket, cases)
    select closed_day, ${key}, coalesce(close_minutes, 0) / ${CLOSE_BUCKET_MINUTES}, count(*) from insight_case_facts
    where ${dayIn('closed_day', set)} group by closed_day, ${key}, coalesce(close_minutes, 0) / ${CLOSE_BUCKET_MINUTES}`.execute(db);
  await sql`insert into insight_day_totals (day, service_code, department_id, channel, ${measureList})
    select day, service_code, department_id, channel, ${sums} from insight_daily where ${dayIn('day', set)}
    group by day, service_code, department_id, channel`.execute(db);
  await insertSpans(db, 'day', sql`day`, dayIn('day', set));
}

/**
 * Adds the histogram of the fine table's rows on the days given, as spans starting on `start`,
 * three times over: per service and department, per department (every service), and for
 * everything, so a view reads one row per bucket whatever it narrows to. (Constants are not
 * grouped by: SQLite reads a number there as a column's position.)
 */
async function insertSpans(db: DB, span: 'day' | 'week' | 'month', start: RawBuilder<unknown>, days: RawBuilder<unknown>): Promise<void> {
  const byDay = span === 'day' ? sql`day,` : sql``;
  for (const [service, department, groups] of [
    [sql`service_code`, sql`department_id`, sql`service_code, department_id,`],
    [ALL_SERVICES, sql`department_id`, sql`department_id,`],
    [ALL_SERVICES, ALL_DEPARTMENTS, sql``],
  ]) {
    await sql`insert into insight_close_spans (span, start, service_code, department_id, bucket, cases)
      select ${sql.lit(span)}, ${start}, ${service}, ${department}, bucket, sum(cases) from insight_close_times where ${days}
      group by ${byDay} ${groups} bucket`.execute(db);
  }
}

/** In insight_close_spans: the rows of every service, and of every department. */
const ALL_SERVICES = sql.lit('*');
const ALL_DEPARTMENTS = sql.lit(-1);

/** Minutes per histogram bucket (src/insights/buckets.ts), written into the SQL: grouping by a parameter fails on PostgreSQL. */
const CLOSE_BUCKET_MINUTES = sql.lit(BUCKET_MS / 60_000);

/** Counts a week's (from its Monday) or a month's (from its first day) histogram again, from the fine table's rows of its days. */
export async function recountSpan(db: DB, span: 'week' | 'month', start: string, end: string): Promise<void> {
  await sql`delete from insight_close_spans where span = ${span} and start = ${start}`.execute(db);
  await insertSpans(db, span, sql.lit(start), sql`day between ${start} and ${end}`);
}

/** The first and last day any fact or rollup row falls on, or null when there are none. */
export async function dayRange(db: DB): Promise<{ from: string; to: string } | null> {
  const row = await sql<{ a: string | null; b: string | null; c: string | null; d: string | null; e: string | null; f: string | null }>`select
    (select min(opened_day) from insight_case_facts) as a, (select max(opened_day) from insight_case_facts) as b,
    (select max(closed_day) from insight_case_facts) as c, (select min(day) from insight_daily) as d, (select max(day) from insight_daily) as e,
    (select min(start) from insight_close_spans) as f`.execute(db);
  const r = row.rows[0];
  const all = r ? [r.a, r.b, r.c, r.d, r.e, r.f].filter((d): d is string => d !== null) : [];
  if (all.length === 0) return null;
  all.sort();
  return { from: all[0]!, to: all[all.length - 1]! };
}

/** How many days have figures. */
export async function countedDays(db: DB): Promise<number> {
  const row = await sql<{ n: unknown }>`select count(distinct day) as n from insight_day_totals`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/** Drops rollup rows outside the days a rebuild counted (cases deleted since the last one); a week or month span from its first day. */
export async function deleteOutside(db: DB, range: { from: string; to: string; firstWeek: string; firstMonth: string }): Promise<void> {
  for (const table of ['insight_daily', 'insight_close_times', 'insight_day_totals']) {
    await sql`delete from ${sql.table(table)} where day < ${range.from} or day > ${range.to}`.execute(db);
  }
  await sql`delete from insight_close_spans where start > ${range.to} or (span = 'day' and start < ${range.from})
    or (span = 'week' and start < ${range.firstWeek}) or (span = 'month' and start < ${range.firstMonth})`.execute(db);
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

/**
 * Which table a slice reads. Without an area, the coarse ones (migration 070: a few dozen rows a
 * day); with one, the fine ones per area and channel, through their (area, day) index.
 */
const totalsOf = (slice: Omit<Slice, 'from' | 'to'>) => (slice.area === null ? 'insight_day_totals' : 'insight_daily');

function sliced(db: DB, table: 'insight_daily' | 'insight_day_totals' | 'insight_close_times', slice: Omit<Slice, 'from' | 'to'>) {
  // The three tables share these columns; the fine ones have an area besides.
  let query = db.selectFrom(table as 'insight_daily');
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
  const rows = await sliced(db, totalsOf(slice), slice).where('day', '>=', slice.from).where('day', '<=', slice.to)
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
  const row = await sliced(db, totalsOf(slice), slice).where('day', '<', day)
    .select((eb) => [eb.fn.sum<number>('opened').as('opened'), eb.fn.sum<number>('closed').as('closed')] as never)
    .executeTakeFirst() as unknown as { opened: unknown; closed: unknown } | undefined;
  return Number(row?.opened ?? 0) - Number(row?.closed ?? 0);
}

/** Which histogram rows a figure needs: whole weeks or months (by their first days) as spans, the rest day by day. */
export interface CloseTimeRead { span: 'week' | 'month'; whole: { first: string; last: string } | null; days: Array<{ from: string; to: string }> }

/**
 * The slice's time-to-close histogram, as rows dated by a day of the period they count (a span's
 * first day, or the day). Without area or channel, whole periods read one span each; with either,
 * the fine table day by day.
 */
export async function closeTimeTotals(db: DB, slice: Slice, read: CloseTimeRead): Promise<Array<{ day: string; bucket: number; cases: number }>> {
  type Row = { day: string; bucket: number; cases: unknown };
  let rows: Row[];
  if (slice.area !== null || slice.channel !== null) {
    rows = await sliced(db, 'insight_close_times', slice).where('day', '>=', slice.from).where('day', '<=', slice.to)
      .select((eb) => ['day', 'bucket' as never, eb.fn.sum<number>('cases' as never).as('cases')] as never)
      .groupBy(['day', 'bucket' as never]).execute() as unknown as Row[];
  } else {
    const spans = (span: 'day' | 'week' | 'month', first: string, last: string) => {
      let query = db.selectFrom('insight_close_spans').where('span', '=', span).where('start', '>=', first).where('start', '<=', last)
        .where('service_code', '=', slice.serviceCode ?? '*');
      if (slice.departmentId !== null) query = query.where('department_id', '=', slice.departmentId);
      // One service in every department: its own rows (departments from 0), not the "every department" ones (-1).
      else query = query.where('department_id', slice.serviceCode === null ? '=' : '>=', slice.serviceCode === null ? -1 : 0);
      return query
        .select((eb) => [eb.ref('start').as('day'), 'bucket', eb.fn.sum<number>('cases').as('cases')]).groupBy(['start', 'bucket']).execute();
    };
    const parts = await Promise.all([
      ...(read.whole ? [spans(read.span, read.whole.first, read.whole.last)] : []),
      ...read.days.map((d) => spans('day', d.from, d.to)),
    ]);
    rows = parts.flat() as Row[];
  }
  return rows.map((r) => ({ day: String(r.day), bucket: Number(r.bucket), cases: Number(r.cases) }));
}

export async function departments(db: DB): Promise<Array<{ id: number; code: string; name: string }>> {
  return db.selectFrom('departments').select(['id', 'code', 'name']).orderBy('name').orderBy('id').execute();
}
