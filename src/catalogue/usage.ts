/**
 * What the request history says about services: which are used most (for the home page) and
 * how long each usually takes (for its service page).
 */
import type { DB } from '../db/connection.js';
import { memoFor } from '../platform/memo.js';
import type { Service } from './types.js';

const DAY = 86_400_000;

/**
 * The `count` services with the most requests over the last `days` days, most first; services
 * with none fill the rest in catalogue order. Only active services.
 */
export async function mostUsedServices(db: DB, jurisdictionId: string, services: readonly Service[], options: { count?: number; days?: number; now?: Date } = {}): Promise<Service[]> {
  const count = options.count ?? 6;
  const days = options.days ?? 90;
  const uses = options.now ? await usesSince(db, jurisdictionId, days, options.now) : await recentUses(db, jurisdictionId, days);
  const active = services.filter((s) => s.active);
  // A stable sort keeps catalogue order among services used equally often (including never).
  return [...active].sort((a, b) => (uses.get(b.code) ?? 0) - (uses.get(a.code) ?? 0)).slice(0, count);
}

/** How long the home page's counts and the service pages' typical times are kept (per process). */
export const USAGE_CACHE_MS = 5 * 60_000;

/** Requests per service since `days` before `now`, as [service code, count] pairs. */
async function usesSince(db: DB, jurisdictionId: string, days: number, now: Date): Promise<Map<string, number>> {
  const since = new Date(now.getTime() - days * DAY).toISOString();
  const rows = await db.selectFrom('cases')
    .select(['service_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('jurisdiction_id', '=', jurisdictionId).where('requested_at', '>=', since)
    .groupBy('service_code').execute();
  return new Map(rows.map((r) => [r.service_code, Number(r.n)]));
}

/** The same for now, worked out at most once every few minutes: every home page view asks. */
const recentUses = memoFor(USAGE_CACHE_MS, (db: DB, jurisdictionId: string, days: number) => usesSince(db, jurisdictionId, days, new Date()));

/** Forgets the remembered counts and typical times (tests; a change made in bulk). */
export function forgetUsage(): void {
  recentUses.clear();
  recentDurations.clear();
}

/** Fewer closed requests than this say too little about a service to give a typical time. */
export const MIN_CLOSED_FOR_MEDIAN = 5;

export type TypicalTime =
  | { source: 'history'; days: number; closed: number }
  | { source: 'expected'; days: number }
  | { source: 'none' };

/**
 * How long a service usually takes: the median time from request to closing over the requests
 * closed in the last 365 days, when there are at least 5; else the days the service expects;
 * else no estimate.
 */
export async function typicalTime(db: DB, jurisdictionId: string, service: Service, now?: Date): Promise<TypicalTime> {
  const { median, closed } = now ? await closedDurations(db, jurisdictionId, service.code, now) : await recentDurations(db, jurisdictionId, service.code);
  if (median !== null && closed >= MIN_CLOSED_FOR_MEDIAN) return { source: 'history', days: median, closed };
  if (service.expectedDays !== null) return { source: 'expected', days: service.expectedDays };
  return { source: 'none' };
}

/** The median days from request to closing over the requests closed in the 365 days before `now`. */
async function closedDurations(db: DB, jurisdictionId: string, serviceCode: string, now: Date): Promise<{ median: number | null; closed: number }> {
  const since = new Date(now.getTime() - 365 * DAY).toISOString();
  const rows = await db.selectFrom('cases').select(['requested_at', 'closed_at'])
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode)
    .where('closed_at', 'is not', null).where('closed_at', '>=', since).execute();
  const durations = rows.map((r) => (Date.parse(r.closed_at!) - Date.parse(r.requested_at)) / DAY)
    .filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  if (durations.length === 0) return { median: null, closed: 0 };
  const middle = Math.floor(durations.length / 2);
  const median = durations.length % 2 === 1 ? durations[middle]! : (durations[middle - 1]! + durations[middle]!) / 2;
  return { median, closed: durations.length };
}

/** The same for now, worked out at most once every few minutes per service. */
const recentDurations = memoFor(USAGE_CACHE_MS, (db: DB, jurisdictionId: string, serviceCode: string) => closedDurations(db, jurisdictionId, serviceCode, new Date()));
