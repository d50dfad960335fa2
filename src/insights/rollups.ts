/**
 * The rollups behind staff analytics, and later the public performance page and open data: per
 * council-local day x service x department x area x channel, how many cases opened and closed,
 * kept their promise, had been reopened, got feedback; and a histogram of time to close.
 *
 * Nothing here runs when a case is submitted or changed. A scheduled job (`insightsJob`, every
 * minute, one process at a time by its lease) reads the case actions and feedback written since
 * its last run, works out those cases' facts again, and counts again only the days their old and
 * new facts fall on. `rebuildRollups` (`townhall insights rebuild`) counts everything again.
 * Both take one lock (PostgreSQL advisory lock) and write in one transaction, so two processes
 * never interleave and a run can be repeated: figures are at most a minute old, plus the two
 * minutes a change is read again to be sure it is in.
 *
 * Definitions (docs/insights.md): a case counts on the day it opened, and as closed on the day
 * it last closed (a reopened case that is open again is open); backlog at the end of a day is
 * every case opened by then less every case closed by then; time to close is from opening to
 * that last closing; a case kept its promise when it closed by its expected date; the reopen
 * rate is the share of closed cases that had been reopened. Training cases are in their own
 * jurisdiction (`<id>.training`) and are never read.
 */
import type { DB } from '../db/connection.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { formatInZone, nowIso } from '../platform/time.js';
import { bucketOf } from './buckets.js';
import * as store from './store.js';
import type { AreaBox, CaseFact, CaseForInsight, CloseTimeRow, DailyRow, FeedbackTotals } from './store.js';

export interface InsightsContext { jurisdictionId: string; timeZone: string }

/** How long after it is written a change is read again, in case an earlier id commits later. */
export const SETTLE_MS = 2 * 60_000;
/** How often the job runs. */
export const REFRESH_EVERY_MS = 60_000;

const localDay = (iso: string, timeZone: string) => formatInZone(iso, timeZone).slice(0, 10);

/** The smallest area whose bounds hold the point, or '' (no named area). */
export function areaOf(areas: readonly AreaBox[], lat: number | null, long: number | null): string {
  if (lat === null || long === null) return '';
  let best: AreaBox | null = null;
  let bestSize = Infinity;
  for (const a of areas) {
    if (lat < a.minLat || lat > a.maxLat || long < a.minLong || long > a.maxLong) continue;
    const size = (a.maxLat - a.minLat) * (a.maxLong - a.minLong);
    if (size < bestSize) { best = a; bestSize = size; }
  }
  return best?.name ?? '';
}

const noFeedback: FeedbackTotals = { feedback: 0, fixed: 0, satisfactionSum: 0, satisfactionCount: 0 };

export function factOf(c: CaseForInsight, ctx: InsightsContext, areas: readonly AreaBox[], reopened: number, feedback: FeedbackTotals = noFeedback): CaseFact {
  const closed = c.status === 'closed' && c.closed_at !== null;
  const promised = closed && c.expected_at !== null;
  return {
    case_id: c.id,
    opened_day: localDay(c.requested_at, ctx.timeZone),
    closed_day: closed ? localDay(c.closed_at!, ctx.timeZone) : null,
    service_code: c.service_code,
    department_id: c.department_id ?? 0,
    area: areaOf(areas, c.lat, c.long),
    channel: c.channel,
    close_minutes: closed ? Math.max(0, Math.floor((Date.parse(c.closed_at!) - Date.parse(c.requested_at)) / 60_000)) : null,
    promised: promised ? 1 : 0,
    kept_promise: promised && Date.parse(c.closed_at!) <= Date.parse(c.expected_at!) ? 1 : 0,
    reopened: reopened,
    feedback: feedback.feedback, fixed: feedback.fixed, satisfaction_sum: feedback.satisfactionSum, satisfaction_count: feedback.satisfactionCount,
  };
}

/** Adds facts up into daily rows and close-time buckets; `days` limits which days are counted. */
export class Tally {
  readonly daily = new Map<string, DailyRow>();
  readonly closeTimes = new Map<string, CloseTimeRow>();
  constructor(private readonly days?: ReadonlySet<string>) {}

  private row(day: string, f: CaseFact): DailyRow {
    const key = `${day}\u0000${f.service_code}\u0000${f.department_id}\u0000${f.area}\u0000${f.channel}`;
    let row = this.daily.get(key);
    if (!row) {
      row = { day, service_code: f.service_code, department_id: f.department_id, area: f.area, channel: f.channel, opened: 0, closed: 0,
        promised: 0, kept_promise: 0, reopened: 0, feedback: 0, fixed: 0, satisfaction_sum: 0, satisfaction_count: 0 };
      this.daily.set(key, row);
    }
    return row;
  }

  add(f: CaseFact): void {
    if (!this.days || this.days.has(f.opened_day)) this.row(f.opened_day, f).opened++;
    if (f.closed_day === null || (this.days && !this.days.has(f.closed_day))) return;
    const row = this.row(f.closed_day, f);
    row.closed++;
    row.promised += f.promised;
    row.kept_promise += f.kept_promise;
    row.reopened += f.reopened > 0 ? 1 : 0;
    row.feedback += f.feedback;
    row.fixed += f.fixed;
    row.satisfaction_sum += f.satisfaction_sum;
    row.satisfaction_count += f.satisfaction_count;
    const bucket = bucketOf((f.close_minutes ?? 0) * 60_000);
    const key = `${f.closed_day}\u0000${f.service_code}\u0000${f.department_id}\u0000${f.area}\u0000${f.channel}\u0000${bucket}`;
    const times = this.closeTimes.get(key);
    if (times) times.cases++;
    else this.closeTimes.set(key, { day: f.closed_day, service_code: f.service_code, department_id: f.department_id, area: f.area, channel: f.channel, bucket, cases: 1 });
  }
}

async function factsFor(db: DB, ctx: InsightsContext, cases: CaseForInsight[], areas: readonly AreaBox[], set: store.CaseSet): Promise<CaseFact[]> {
  if (cases.length === 0) return [];
  const reopens = await store.reopenings(db, set);
  const feedback = await store.feedbackTotals(db, set);
  return cases.map((c) => factOf(c, ctx, areas, reopens.get(c.id) ?? 0, feedback.get(c.id)));
}

export interface RefreshResult { cases: number; days: number }

/**
 * Counts again the days touched by cases changed since the last run. The first run on a database
 * without rollups rebuilds them.
 */
export async function refreshRollups(db: DB, ctx: InsightsContext, now = nowIso()): Promise<RefreshResult> {
  return db.transaction().execute(async (trx) => {
    await store.lockRollups(trx);
    const state = await store.readState(trx);
    if (!state) return rebuildIn(trx, ctx, now);
    const settledBefore = new Date(Date.parse(now) - SETTLE_MS).toISOString();
    const changed = await store.changedSince(trx, ctx.jurisdictionId, state, settledBefore);
    const ids = changed.caseIds.sort((a, b) => a - b);
    const before = await store.factsOf(trx, ids);
    const areas = await store.areaBoxes(trx, ctx.jurisdictionId);
    const cases = await store.casesByIds(trx, ctx.jurisdictionId, ids);
    const after: CaseFact[] = [];
    for (let i = 0; i < cases.length; i += 500) {
      const some = cases.slice(i, i + 500);
      after.push(...await factsFor(trx, ctx, some, areas, { ids: some.map((c) => c.id) }));
    }
    const days = new Set<string>();
    for (const f of [...before, ...after]) {
      days.add(f.opened_day);
      if (f.closed_day) days.add(f.closed_day);
    }
    await store.deleteFacts(trx, ids);
    await store.insertFacts(trx, after);
    if (days.size > 0) {
      const tally = new Tally(days);
      for (const f of await store.factsOnDays(trx, [...days])) tally.add(f);
      await store.replaceDays(trx, [...days], [...tally.daily.values()], [...tally.closeTimes.values()]);
    }
    await store.writeState(trx, { actionId: changed.actionId, feedbackId: changed.feedbackId, refreshedAt: now });
    return { cases: ids.length, days: days.size };
  });
}

/** Counts every case again: `townhall insights rebuild`, and the first run of the job. */
export async function rebuildRollups(db: DB, ctx: InsightsContext, now = nowIso()): Promise<RefreshResult> {
  return db.transaction().execute(async (trx) => {
    await store.lockRollups(trx);
    return rebuildIn(trx, ctx, now);
  });
}

const REBUILD_PAGE = 5000;

async function rebuildIn(trx: DB, ctx: InsightsContext, now: string): Promise<RefreshResult> {
  // Ids read before the cases: anything written after, or still being written, is read again by the next refresh.
  const settled = await store.settledIds(trx, new Date(Date.parse(now) - SETTLE_MS).toISOString());
  await store.clearRollups(trx);
  const areas = await store.areaBoxes(trx, ctx.jurisdictionId);
  const tally = new Tally();
  let after = 0;
  let count = 0;
  for (;;) {
    const cases = await store.casesAfter(trx, ctx.jurisdictionId, after, REBUILD_PAGE);
    if (cases.length === 0) break;
    const facts = await factsFor(trx, ctx, cases, areas, { from: cases[0]!.id, to: cases[cases.length - 1]!.id });
    await store.insertFacts(trx, facts);
    for (const f of facts) tally.add(f);
    after = cases[cases.length - 1]!.id;
    count += cases.length;
  }
  const days = new Set([...tally.daily.values()].map((r) => r.day));
  await store.replaceDays(trx, [], [...tally.daily.values()], [...tally.closeTimes.values()]);
  await store.writeState(trx, { ...settled, refreshedAt: now });
  return { cases: count, days: days.size };
}

/** The scheduled job that keeps the rollups fresh (see main.ts). */
export function insightsJob(db: DB, ctx: InsightsContext): ScheduledJob {
  return { name: 'insights-rollups', everyMs: REFRESH_EVERY_MS, run: () => refreshRollups(db, ctx) };
}

/** When the rollups were last brought up to date, or null if never. */
export async function rollupsRefreshedAt(db: DB): Promise<string | null> {
  return (await store.readState(db))?.refreshedAt ?? null;
}
