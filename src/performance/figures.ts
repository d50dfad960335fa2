/**
 * The published performance figures: the one module the performance pages read them through.
 * Each read is a bounded range over an index (a month of requests by `cases_requested_at`, a
 * month of closures by `cases_closed_at`, feedback by `feedback_created_at`, journey counts by
 * their key), never a scan of every case; the figures are then kept in memory for a few minutes
 * (the page says so), since they are published figures, not a live queue. Training cases live
 * in a jurisdiction of their own, so reading the real jurisdiction leaves them out.
 */
import type { DB } from '../db/connection.js';
import { memoFor } from '../platform/memo.js';
import { dayInZone, nowIso, todayInZone } from '../platform/time.js';
import { channelCosts, type ChannelCosts } from './costs.js';

/** How long computed figures are kept before they are worked out again. */
export const FIGURES_FRESH_MS = 5 * 60_000;
/** How many months the trends cover, the current one (so far) included. */
export const MONTHS = 12;
/** Below this many answers, journeys, requests or closures a share is not published. */
export const ENOUGH = 5;

/** Requests made online: the web journey, the offline form (sent through the web) and the API. */
export const onlineChannels: readonly string[] = ['web', 'api'];

/** One month of one service (or of the council, all services together). */
export interface MonthCounts {
  /** YYYY-MM in the jurisdiction's time zone. */
  month: string;
  requests: number;
  byChannel: Record<string, number>;
  journeysStarted: number;
  journeysSent: number;
  /** Feedback answers that gave a satisfaction score, and those scoring 4 or 5 of 5. */
  rated: number;
  satisfied: number;
  closed: number;
  /** Closed cases that had a promised time, and those closed within it. */
  promised: number;
  inTime: number;
  /** Days from request to closure of each case closed this month (for the median). */
  daysToClose: number[];
}

export interface PerformanceFigures {
  months: string[];
  /** The council: every service together. */
  council: MonthCounts[];
  byService: Map<string, MonthCounts[]>;
  costs: ChannelCosts;
  computedAt: string;
}

/** The measures of one month (or of the whole period), each null when there is not enough data. */
export interface Measures {
  requests: number;
  /** Minor units per transaction; null without requests or without a cost for a channel used. */
  costPerTransaction: number | null;
  costMissing: boolean;
  satisfaction: number | null;
  rated: number;
  completion: number | null;
  journeysStarted: number;
  digitalTakeUp: number | null;
  closed: number;
  inTime: number | null;
  medianDays: number | null;
}

const DAY_MS = 86_400_000;

/** The first instant of each of the last `MONTHS` local months, and of the month after the current one. */
export function monthBounds(timeZone: string, now = nowIso()): Array<{ month: string; from: string; to: string }> {
  const today = todayInZone(timeZone, now);
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7)) - (MONTHS - 1);
  while (month < 1) { month += 12; year -= 1; }
  const months: Array<{ month: string; from: string; to: string }> = [];
  for (let i = 0; i < MONTHS; i++) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    const nextYear = month === 12 ? year + 1 : year;
    const nextMonth = month === 12 ? 1 : month + 1;
    const next = `${nextYear}-${String(nextMonth).padStart(2, '0')}`;
    months.push({ month: key, from: dayInZone(`${key}-01`, timeZone).from, to: dayInZone(`${next}-01`, timeZone).from });
    year = nextYear;
    month = nextMonth;
  }
  return months;
}

/** The reads, as queries, so their plans can be checked (EXPLAIN) on both databases. */
export const figureQueries = {
  requests: (db: DB, jurisdictionId: string, from: string, to: string) => db.selectFrom('cases')
    .select((eb) => ['service_code', 'channel', eb.fn.countAll<number | string>().as('n')])
    .where('jurisdiction_id', '=', jurisdictionId).where('requested_at', '>=', from).where('requested_at', '<', to)
    .where('kind', '=', 'service_request')
    .groupBy(['service_code', 'channel']),
  closures: (db: DB, jurisdictionId: string, from: string, to: string) => db.selectFrom('cases')
    .select(['service_code', 'requested_at', 'closed_at', 'expected_at'])
    .where('jurisdiction_id', '=', jurisdictionId).where('closed_at', '>=', from).where('closed_at', '<', to)
    .where('kind', '=', 'service_request').where('status', '=', 'closed').where('merged_into', 'is', null),
  feedback: (db: DB, jurisdictionId: string, from: string, to: string) => db.selectFrom('feedback')
    .innerJoin('cases', 'cases.id', 'feedback.case_id')
    .select(['feedback.service_code', 'feedback.created_at', 'feedback.satisfaction'])
    .where('feedback.created_at', '>=', from).where('feedback.created_at', '<', to)
    .where('feedback.satisfaction', 'is not', null)
    .where('cases.jurisdiction_id', '=', jurisdictionId),
  journeys: (db: DB, jurisdictionId: string, fromDay: string, toDay: string) => db.selectFrom('journey_counts')
    .select(['service_code', 'day', 'started', 'sent'])
    .where('jurisdiction_id', '=', jurisdictionId).where('day', '>=', fromDay).where('day', '<', toDay),
};

const emptyMonth = (month: string): MonthCounts => ({
  month, requests: 0, byChannel: {}, journeysStarted: 0, journeysSent: 0, rated: 0, satisfied: 0, closed: 0, promised: 0, inTime: 0, daysToClose: [],
});

/** Months with nothing in them (a service without a request in the period). */
export const emptyMonths = (months: string[]): MonthCounts[] => months.map(emptyMonth);

/** Works the figures out from the database (uncached: see publishedFigures). */
export async function computeFigures(db: DB, jurisdiction: { id: string; timeZone: string }, now = nowIso()): Promise<PerformanceFigures> {
  const bounds = monthBounds(jurisdiction.timeZone, now);
  const months = bounds.map((b) => b.month);
  const council = months.map(emptyMonth);
  const byService = new Map<string, MonthCounts[]>();
  const index = new Map(months.map((m, i) => [m, i]));
  const cells = (service: string, month: string): MonthCounts[] => {
    const i = index.get(month);
    if (i === undefined) return [];
    let rows = byService.get(service);
    if (!rows) byService.set(service, (rows = months.map(emptyMonth)));
    return [council[i]!, rows[i]!];
  };
  for (const { month, from, to } of bounds) {
    for (const row of await figureQueries.requests(db, jurisdiction.id, from, to).execute()) {
      const n = Number(row.n);
      for (const cell of cells(row.service_code, month)) {
        cell.requests += n;
        cell.byChannel[row.channel] = (cell.byChannel[row.channel] ?? 0) + n;
      }
    }
    for (const row of await figureQueries.closures(db, jurisdiction.id, from, to).execute()) {
      const closedAt = Date.parse(row.closed_at!);
      const days = Math.max(0, (closedAt - Date.parse(row.requested_at)) / DAY_MS);
      for (const cell of cells(row.service_code, month)) {
        cell.closed += 1;
        cell.daysToClose.push(days);
        if (row.expected_at !== null) {
          cell.promised += 1;
          if (closedAt <= Date.parse(row.expected_at)) cell.inTime += 1;
        }
      }
    }
  }
  const first = bounds[0]!;
  const last = bounds[bounds.length - 1]!;
  // Feedback is read over the whole period at once (far fewer rows than cases), each answer placed in its local month.
  const monthOf = (instant: string) => todayInZone(jurisdiction.timeZone, instant).slice(0, 7);
  for (const row of await figureQueries.feedback(db, jurisdiction.id, first.from, last.to).execute()) {
    for (const cell of cells(row.service_code, monthOf(row.created_at))) {
      cell.rated += 1;
      if (Number(row.satisfaction) >= 4) cell.satisfied += 1;
    }
  }
  const dayAfter = (month: string) => `${month}-32`;
  for (const row of await figureQueries.journeys(db, jurisdiction.id, `${first.month}-01`, dayAfter(last.month)).execute()) {
    for (const cell of cells(row.service_code, row.day.slice(0, 7))) {
      cell.journeysStarted += Number(row.started);
      cell.journeysSent += Number(row.sent);
    }
  }
  for (const rows of [council, ...byService.values()]) for (const cell of rows) cell.daysToClose.sort((a, b) => a - b);
  return { months, council, byService, costs: await channelCosts(db, jurisdiction.id), computedAt: now };
}

/** The figures as published: worked out at most once every few minutes per process. */
export const publishedFigures = memoFor(FIGURES_FRESH_MS, (db: DB, jurisdiction: { id: string; timeZone: string }) => computeFigures(db, jurisdiction), { max: 4 });

/** Every month of a period added together (for the headline figure over the whole year). */
export function sumMonths(rows: MonthCounts[]): MonthCounts {
  const total = emptyMonth(rows.length > 0 ? `${rows[0]!.month}/${rows[rows.length - 1]!.month}` : '');
  for (const row of rows) {
    total.requests += row.requests;
    for (const [channel, n] of Object.entries(row.byChannel)) total.byChannel[channel] = (total.byChannel[channel] ?? 0) + n;
    total.journeysStarted += row.journeysStarted;
    total.journeysSent += row.journeysSent;
    total.rated += row.rated;
    total.satisfied += row.satisfied;
    total.closed += row.closed;
    total.promised += row.promised;
    total.inTime += row.inTime;
    total.daysToClose.push(...row.daysToClose);
  }
  total.daysToClose.sort((a, b) => a - b);
  return total;
}

export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The measures of a month's (or a period's) counts, with the costs per channel. */
export function measuresOf(counts: MonthCounts, costs: ChannelCosts): Measures {
  const share = (part: number, whole: number) => (whole >= ENOUGH ? part / whole : null);
  let total = 0;
  let costMissing = false;
  for (const [channel, n] of Object.entries(counts.byChannel)) {
    const cost = costs.costs[channel as keyof ChannelCosts['costs']];
    if (cost === undefined) costMissing = true;
    else total += cost * n;
  }
  const started = counts.journeysStarted;
  return {
    requests: counts.requests,
    costPerTransaction: counts.requests > 0 && !costMissing ? total / counts.requests : null,
    costMissing: counts.requests > 0 && costMissing,
    satisfaction: share(counts.satisfied, counts.rated),
    rated: counts.rated,
    // A journey started late on the last day and sent after midnight still counts on its first day.
    completion: started >= ENOUGH ? Math.min(1, counts.journeysSent / started) : null,
    journeysStarted: started,
    digitalTakeUp: share(onlineChannels.reduce((sum, channel) => sum + (counts.byChannel[channel] ?? 0), 0), counts.requests),
    closed: counts.closed,
    inTime: share(counts.inTime, counts.promised),
    medianDays: counts.closed >= ENOUGH ? median(counts.daysToClose) : null,
  };
}
