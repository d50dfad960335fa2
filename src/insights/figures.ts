/**
 * The dashboard's figures, from the rollups only (never a scan of cases): each figure is a list
 * of periods (weeks from Monday, or calendar months, cut to the chosen dates) with its numbers.
 */
import type { DB } from '../db/connection.js';
import { bucketDays, percentileBucket } from './buckets.js';
import * as store from './store.js';
import type { Slice } from './store.js';

export type Grouping = 'week' | 'month';

export interface PeriodFigures {
  /** First and last local day of the period, within the chosen dates. */
  from: string;
  to: string;
  opened: number;
  closed: number;
  /** Open at the end of the period's last day. */
  backlog: number;
  /** Nearest-rank median and 90th percentile of time to close, in days to one decimal (rounded down); null: nothing closed. */
  medianDays: number | null;
  p90Days: number | null;
  promised: number;
  keptPromise: number;
  reopened: number;
  feedback: number;
  fixed: number;
  satisfactionSum: number;
  satisfactionCount: number;
  /** Cases opened per channel. */
  byChannel: Record<string, number>;
}

export interface Figures {
  periods: PeriodFigures[];
  /** Every channel that appears, in a fixed order. */
  channels: string[];
  totals: PeriodFigures;
}

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The start of the period a day falls in: its week's Monday, or its month's first day. */
export function periodStart(day: string, grouping: Grouping): string {
  if (grouping === 'month') return `${day.slice(0, 7)}-01`;
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return dayOf(ms - weekday * DAY_MS);
}

/** The periods between two days (inclusive), each cut to them. */
export function periodsBetween(from: string, to: string, grouping: Grouping): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  let start = from;
  while (start <= to) {
    let next: string;
    if (grouping === 'month') {
      const d = new Date(dayMs(start));
      next = dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    } else {
      next = dayOf(dayMs(periodStart(start, 'week')) + 7 * DAY_MS);
    }
    const end = dayOf(dayMs(next) - DAY_MS);
    out.push({ from: start, to: end < to ? end : to });
    start = next;
  }
  return out;
}

const empty = (from: string, to: string): PeriodFigures => ({
  from, to, opened: 0, closed: 0, backlog: 0, medianDays: null, p90Days: null, promised: 0, keptPromise: 0, reopened: 0,
  feedback: 0, fixed: 0, satisfactionSum: 0, satisfactionCount: 0, byChannel: {},
});

/** The last day of the whole period that starts on `start`. */
export function periodEnd(start: string, grouping: Grouping): string {
  if (grouping === 'week') return dayOf(dayMs(start) + 6 * DAY_MS);
  const d = new Date(dayMs(start));
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
}

/** Whole periods read the histogram's week or month spans; the cut ones at the edges, their days. */
export function closeTimeRead(ranges: Array<{ from: string; to: string }>, grouping: Grouping): store.CloseTimeRead {
  const whole = ranges.filter((r) => r.from === periodStart(r.from, grouping) && r.to === periodEnd(r.from, grouping));
  return {
    span: grouping,
    whole: whole.length === 0 ? null : { first: whole[0]!.from, last: whole[whole.length - 1]!.from },
    days: ranges.filter((r) => !whole.includes(r)),
  };
}

export async function loadFigures(db: DB, slice: Slice, grouping: Grouping, channelOrder: readonly string[]): Promise<Figures> {
  const ranges = periodsBetween(slice.from, slice.to, grouping);
  const [days, startBacklog, times] = await Promise.all([
    store.dayTotals(db, slice), store.backlogBefore(db, slice, slice.from), store.closeTimeTotals(db, slice, closeTimeRead(ranges, grouping)),
  ]);
  const periods = ranges.map((r) => empty(r.from, r.to));
  const totals = empty(slice.from, slice.to);
  const index = new Map(ranges.map((r, i) => [r.from, i]));
  // Asked once per row (thousands): worked out once per day.
  const periodIndex = new Map<string, number>();
  const indexOf = (day: string) => {
    let i = periodIndex.get(day);
    if (i === undefined) {
      const start = periodStart(day, grouping);
      i = index.get(day < slice.from || start < slice.from ? slice.from : start)!;
      periodIndex.set(day, i);
    }
    return i;
  };
  const periodOf = (day: string) => periods[indexOf(day)]!;
  const seen = new Set<string>();
  for (const d of days) {
    seen.add(d.channel);
    for (const p of [periodOf(d.day), totals]) {
      p.opened += d.opened;
      p.closed += d.closed;
      p.promised += d.promised;
      p.keptPromise += d.kept_promise;
      p.reopened += d.reopened;
      p.feedback += d.feedback;
      p.fixed += d.fixed;
      p.satisfactionSum += d.satisfaction_sum;
      p.satisfactionCount += d.satisfaction_count;
      p.byChannel[d.channel] = (p.byChannel[d.channel] ?? 0) + d.opened;
    }
  }
  let backlog = startBacklog;
  for (const p of periods) {
    backlog += p.opened - p.closed;
    p.backlog = backlog;
  }
  totals.backlog = backlog;
  const histograms = periods.map(() => new Map<number, number>());
  const all = new Map<number, number>();
  for (const t of times) {
    const h = histograms[indexOf(t.day)]!;
    h.set(t.bucket, (h.get(t.bucket) ?? 0) + t.cases);
    all.set(t.bucket, (all.get(t.bucket) ?? 0) + t.cases);
  }
  const percentiles = (p: PeriodFigures, h: Map<number, number>) => {
    const median = percentileBucket(h, 0.5);
    const p90 = percentileBucket(h, 0.9);
    p.medianDays = median === null ? null : bucketDays(median);
    p.p90Days = p90 === null ? null : bucketDays(p90);
  };
  periods.forEach((p, i) => percentiles(p, histograms[i]!));
  percentiles(totals, all);
  const channels = [...channelOrder.filter((c) => seen.has(c)), ...[...seen].filter((c) => !channelOrder.includes(c)).sort()];
  return { periods, channels, totals };
}

/** A share as a percentage to one decimal, or null when there is nothing to divide by. */
export const percent = (part: number, whole: number): number | null => whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
export const average = (sum: number, count: number): number | null => count === 0 ? null : Math.round((sum / count) * 100) / 100;
