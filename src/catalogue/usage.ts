/**
 * What the request history says about services: which are used most (for the home page) and
 * how long each usually takes (for its service page).
 */
import type { DB } from '../db/connection.js';
import type { Service } from './types.js';

const DAY = 86_400_000;

/**
 * The `count` services with the most requests over the last `days` days, most first; services
 * with none fill the rest in catalogue order. Only active services.
 */
export async function mostUsedServices(db: DB, jurisdictionId: string, services: readonly Service[], options: { count?: number; days?: number; now?: Date } = {}): Promise<Service[]> {
  const count = options.count ?? 6;
  const since = new Date((options.now ?? new Date()).getTime() - (options.days ?? 90) * DAY).toISOString();
  const rows = await db.selectFrom('cases')
    .select(['service_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('jurisdiction_id', '=', jurisdictionId).where('requested_at', '>=', since)
    .groupBy('service_code').execute();
  const uses = new Map(rows.map((r) => [r.service_code, Number(r.n)]));
  const active = services.filter((s) => s.active);
  // A stable sort keeps catalogue order among services used equally often (including never).
  return [...active].sort((a, b) => (uses.get(b.code) ?? 0) - (uses.get(a.code) ?? 0)).slice(0, count);
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
export async function typicalTime(db: DB, jurisdictionId: string, service: Service, now = new Date()): Promise<TypicalTime> {
  const since = new Date(now.getTime() - 365 * DAY).toISOString();
  const rows = await db.selectFrom('cases').select(['requested_at', 'closed_at'])
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', service.code)
    .where('closed_at', 'is not', null).where('closed_at', '>=', since).execute();
  const durations = rows.map((r) => (Date.parse(r.closed_at!) - Date.parse(r.requested_at)) / DAY)
    .filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  if (durations.length >= MIN_CLOSED_FOR_MEDIAN) {
    const middle = Math.floor(durations.length / 2);
    const median = durations.length % 2 === 1 ? durations[middle]! : (durations[middle - 1]! + durations[middle]!) / 2;
    return { source: 'history', days: median, closed: durations.length };
  }
  if (service.expectedDays !== null) return { source: 'expected', days: service.expectedDays };
  return { source: 'none' };
}
