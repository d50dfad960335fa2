/**
 * The rollups behind staff analytics, and later the public performance page and open data: per
 * council-local day x service x department x area x channel, how many cases opened and closed,
 * kept their promise, had been reopened, got feedback; and a histogram of time to close.
 *
 * Nothing here runs when a case is submitted or changed. A scheduled job (`insightsJob`, every
 * minute, one process at a time by its lease) reads the case actions and feedback written since
 * its last run, works out those cases' facts again, and counts again only the days their old and
 * new facts fall on, in SQL. `rebuildRollups` (`townhall insights rebuild`) counts everything
 * again, in chunks. Every transaction takes one lock (PostgreSQL advisory lock), so two processes
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
import { periodEnd, periodStart } from './figures.js';
import * as store from './store.js';
import type { AreaBox, CaseFact, CaseForInsight, FeedbackTotals } from './store.js';

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

async function factsFor(db: DB, ctx: InsightsContext, cases: CaseForInsight[], areas: readonly AreaBox[], set: store.CaseSet): Promise<CaseFact[]> {
  if (cases.length === 0) return [];
  const reopens = await store.reopenings(db, set);
  const feedback = await store.feedbackTotals(db, set);
  return cases.map((c) => factOf(c, ctx, areas, reopens.get(c.id) ?? 0, feedback.get(c.id)));
}

export interface RefreshResult { cases: number; days: number }

/** A rebuild's mark older than this is taken to be from a process that died: the next refresh or rebuild starts afresh. */
export const REBUILD_STALE_MS = 10 * 60_000;

export class RebuildRunningError extends Error {
  constructor(readonly heartbeat: string) {
    super(`The rollups are being rebuilt already (last progress at ${heartbeat.split(' ')[0]}). Wait for that rebuild to finish.`);
  }
}

const isFresh = (heartbeat: string | null): heartbeat is string =>
  heartbeat !== null && Date.now() - Date.parse(heartbeat.split(' ')[0]!) < REBUILD_STALE_MS;

/** Which days' rollups the facts before and after a change fall on. */
function daysOf(facts: CaseFact[]): Set<string> {
  const days = new Set<string>();
  for (const f of facts) {
    days.add(f.opened_day);
    if (f.closed_day) days.add(f.closed_day);
  }
  return days;
}

/**
 * Counts again the days touched by cases changed since the last run. The first run on a database
 * without rollups rebuilds them; while a rebuild runs (its mark is fresh), a run does nothing, and
 * the rebuild's end leaves the cursor where the refresh takes over.
 */
export async function refreshRollups(db: DB, ctx: InsightsContext, now = nowIso()): Promise<RefreshResult> {
  const outcome = await db.transaction().execute(async (trx): Promise<RefreshResult | 'rebuild'> => {
    await store.lockRollups(trx);
    const state = await store.readState(trx);
    if (!state || (state.rebuildHeartbeat !== null && !isFresh(state.rebuildHeartbeat))) return 'rebuild';
    if (state.rebuildHeartbeat !== null) return { cases: 0, days: 0 };
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
    const days = daysOf([...before, ...after]);
    await store.deleteFacts(trx, ids);
    await store.insertFacts(trx, after);
    await recount(trx, { days: [...days] });
    await store.writeState(trx, { actionId: changed.actionId, feedbackId: changed.feedbackId, refreshedAt: now });
    return { cases: ids.length, days: days.size };
  });
  if (outcome !== 'rebuild') return outcome;
  return await rebuild(db, ctx, now, { ifIdle: true }) ?? { cases: 0, days: 0 };
}

/** Counts the days again, then the weeks and months that hold them. */
async function recount(trx: DB, set: { days: string[] }): Promise<void> {
  if (set.days.length === 0) return;
  await store.recountDays(trx, set);
  for (const span of ['week', 'month'] as const) {
    for (const start of spanStarts(set.days, span)) await store.recountSpan(trx, span, start, periodEnd(start, span));
  }
}

const spanStarts = (days: string[], span: 'week' | 'month') => [...new Set(days.map((d) => periodStart(d, span)))].sort();

const DAY_MS = 86_400_000;
const dayAfter = (day: string, n = 1) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = dayAfter(d)) out.push(d);
  return out;
}

/** Cases per transaction while a rebuild works out facts; days per transaction while it counts them. */
const REBUILD_PAGE = 5000;
const REBUILD_DAYS = 4;

export interface RebuildOptions {
  /** Return null, rather than throw, when another rebuild runs (the job's first run). */
  ifIdle?: boolean;
  onProgress?: (done: { cases: number; days: number }) => void;
  /** Cases per transaction while facts are worked out, and days per transaction while they are counted (smaller in tests). */
  pageSize?: number;
  daysPerChunk?: number;
}

/**
 * Counts every case again: `townhall insights rebuild`, and the first run of the job. In chunks,
 * each its own short transaction under the rollups' lock, so SQLite's one writer is never held for
 * long and cases can be submitted meanwhile: first the facts, a page of cases at a time, then the
 * rollups, a few days at a time, then each week's and month's histogram, in SQL. A mark in insight_state (renewed by every chunk)
 * keeps the refresh job away until the end, when the cursor is set to the action and feedback ids
 * settled before the rebuild began: whatever changed during it is counted by the next refresh.
 * While it runs, the dashboard shows each month's figures as they were or as rebuilt.
 */
export async function rebuildRollups(db: DB, ctx: InsightsContext, now = nowIso(), options: Omit<RebuildOptions, 'ifIdle'> = {}): Promise<RefreshResult> {
  return (await rebuild(db, ctx, now, options))!;
}

async function rebuild(db: DB, ctx: InsightsContext, now: string, options: RebuildOptions): Promise<RefreshResult | null> {
  let mark = '';
  const renew = async (trx: DB) => {
    mark = `${nowIso()} ${Math.random().toString(36).slice(2, 10)}`;
    await store.writeHeartbeat(trx, mark);
  };
  /** One chunk: fails if another process has taken the rebuild over (its mark went stale). */
  const chunk: Chunk = (work, end) => db.transaction().execute(async (trx) => {
    await store.lockRollups(trx);
    const state = await store.readState(trx);
    if (state?.rebuildHeartbeat !== mark) throw new RebuildRunningError(state?.rebuildHeartbeat ?? 'unknown');
    const result = await work(trx);
    if (!end?.last) await renew(trx);
    return result;
  });
  // Ids read before the cases: anything written after, or still being written, is read again by the next refresh.
  const settled = await db.transaction().execute(async (trx) => {
    await store.lockRollups(trx);
    const state = await store.readState(trx);
    if (state && isFresh(state.rebuildHeartbeat)) {
      if (options.ifIdle) return null;
      throw new RebuildRunningError(state.rebuildHeartbeat);
    }
    await renew(trx);
    return store.settledIds(trx, new Date(Date.parse(now) - SETTLE_MS).toISOString());
  });
  if (!settled) return null;
  try {
    return await rebuildInChunks(db, ctx, now, options, settled, chunk);
  } catch (error) {
    // A rebuild that failed leaves a stale mark (if still its own): the next refresh starts one afresh, not from a half-built state.
    await db.transaction().execute(async (trx) => {
      await store.lockRollups(trx);
      if ((await store.readState(trx))?.rebuildHeartbeat === mark) await store.writeHeartbeat(trx, `${new Date(0).toISOString()} failed`);
    }).catch(() => {});
    throw error;
  }
}

/** Runs work in one transaction under the lock, if the rebuild's mark is still its own; renews the mark unless it is the last. */
type Chunk = <T>(work: (trx: DB) => Promise<T>, end?: { last: true }) => Promise<T>;

async function rebuildInChunks(db: DB, ctx: InsightsContext, now: string, options: RebuildOptions, settled: { actionId: number; feedbackId: number }, chunk: Chunk): Promise<RefreshResult> {
  const areas = await store.areaBoxes(db, ctx.jurisdictionId);
  const pageSize = options.pageSize ?? REBUILD_PAGE;
  const daysPerChunk = options.daysPerChunk ?? REBUILD_DAYS;
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await chunk(async (trx) => {
      const cases = await store.casesAfter(trx, ctx.jurisdictionId, after, pageSize);
      const last = cases.length < pageSize ? null : cases[cases.length - 1]!.id;
      await store.deleteFactsBetween(trx, after, last);
      if (cases.length > 0) await store.insertFacts(trx, await factsFor(trx, ctx, cases, areas, { from: cases[0]!.id, to: cases[cases.length - 1]!.id }));
      return { cases: cases.length, last };
    });
    count += page.cases;
    options.onProgress?.({ cases: count, days: 0 });
    if (page.last === null) break;
    after = page.last;
  }
  const range = await store.dayRange(db);
  let days = 0;
  if (range) {
    for (let from = range.from; from <= range.to; from = dayAfter(from, daysPerChunk)) {
      const to = dayAfter(from, daysPerChunk - 1) < range.to ? dayAfter(from, daysPerChunk - 1) : range.to;
      await chunk((trx) => store.recountDays(trx, { from, to }));
      days += daysBetween(from, to).length;
      options.onProgress?.({ cases: count, days });
    }
    // Then each week's and month's histogram from its days, one span a transaction.
    const all = daysBetween(range.from, range.to);
    for (const span of ['week', 'month'] as const) {
      for (const start of spanStarts(all, span)) {
        await chunk((trx) => store.recountSpan(trx, span, start, periodEnd(start, span)));
        options.onProgress?.({ cases: count, days });
      }
    }
  }
  const counted = await chunk(async (trx) => {
    const first = range ?? { from: '9999-12-31', to: '0000-01-01' };
    await store.deleteOutside(trx, { ...first, firstWeek: range ? periodStart(range.from, 'week') : first.from, firstMonth: range ? periodStart(range.from, 'month') : first.from });
    return store.countedDays(trx);
  });
  // The last write: the cursor, and the mark cleared.
  await chunk((trx) => store.writeState(trx, { ...settled, refreshedAt: now }), { last: true });
  return { cases: count, days: counted };
}

/** The scheduled job that keeps the rollups fresh (see main.ts). */
export function insightsJob(db: DB, ctx: InsightsContext): ScheduledJob {
  return { name: 'insights-rollups', everyMs: REFRESH_EVERY_MS, run: () => refreshRollups(db, ctx) };
}

/** When the rollups were last brought up to date, or null if never. */
export async function rollupsRefreshedAt(db: DB): Promise<string | null> {
  return (await store.readState(db))?.refreshedAt ?? null;
}
