/**
 * Surge detection: every few minutes, the new reports of the last hour are counted per service
 * and named area, and each count is set against that place's usual level for the same hour of
 * the week (weekly seasonality: the same hour, and the hours either side, in each of the past
 * eight weeks). A count far above it (a Poisson tail below one in ten thousand, and at least a
 * handful of reports) is flagged to emergency officers on the incidents page, proposing an
 * incident that links those reports. A flag grows while the surge lasts; a dismissed one is not
 * raised again for the same service and area for two hours.
 */
import { reportsMadeBetween, serviceReportPlaces } from '../cases/queries.js';
import type { DB } from '../db/connection.js';
import { areaOf } from '../insights/rollups.js';
import { areaBoxes, type AreaBox } from '../insights/store.js';
import { nowIso } from '../platform/time.js';
import * as store from './store.js';

export interface SurgeRule {
  /** Fewer reports than this are never a surge, however quiet the place usually is. */
  minReports: number;
  /** Past weeks the usual level is read from. */
  weeks: number;
  /** How unlikely the count must be under the usual level. */
  pValue: number;
  /** The lowest usual level per hour assumed (a place with no history is not "usually zero"). */
  floor: number;
}
export const surgeRule: SurgeRule = { minReports: 5, weeks: 8, pValue: 1e-4, floor: 0.5 };

export const WINDOW_MS = 60 * 60_000;
const WEEK_MS = 7 * 86_400_000;
/** A flag still in play this long after its window is extended instead of raised again. */
const SAME_SURGE_MS = 2 * 60 * 60_000;

/** The usual reports per hour: the mean of the past weeks' per-hour levels, never below the floor. */
export function usualLevel(pastPerHour: readonly number[], rule: SurgeRule = surgeRule): number {
  const mean = pastPerHour.length === 0 ? 0 : pastPerHour.reduce((a, b) => a + b, 0) / pastPerHour.length;
  return Math.max(mean, rule.floor);
}

/** P(X >= k) for X ~ Poisson(lambda), summed in log space so large counts do not overflow. */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return Math.max(0, 1 - below);
}

/** Whether `count` reports in an hour are a surge against the usual level. */
export function isSurge(count: number, usual: number, rule: SurgeRule = surgeRule): boolean {
  return count >= rule.minReports && poissonTail(count, usual) < rule.pValue;
}

interface Candidate { serviceCode: string; area: AreaBox; ids: number[] }

/** The past weeks' per-hour level of one service in one area around the same hour of the week. */
async function pastLevels(db: DB, jurisdictionId: string, c: Candidate, areas: readonly AreaBox[], windowStart: number, rule: SurgeRule): Promise<number[]> {
  const levels: number[] = [];
  for (let week = 1; week <= rule.weeks; week++) {
    const from = windowStart - week * WEEK_MS - WINDOW_MS;
    const rows = await serviceReportPlaces(db, jurisdictionId, c.serviceCode, c.area, new Date(from).toISOString(), new Date(from + 3 * WINDOW_MS).toISOString());
    levels.push(rows.filter((r) => areaOf(areas, r.lat, r.long) === c.area.name).length / 3);
  }
  return levels;
}

export interface SurgeRun { candidates: number; flagged: number; extended: number }

/** Looks at the hour before `now` and raises or extends flags; what it did. */
export async function detectSurges(db: DB, jurisdictionId: string, now = nowIso(), rule: SurgeRule = surgeRule): Promise<SurgeRun> {
  const end = Date.parse(now);
  const start = end - WINDOW_MS;
  const areas = await areaBoxes(db, jurisdictionId);
  if (areas.length === 0) return { candidates: 0, flagged: 0, extended: 0 };
  const byName = new Map(areas.map((a) => [a.name, a]));
  const groups = new Map<string, Candidate>();
  for (const r of await reportsMadeBetween(db, jurisdictionId, new Date(start).toISOString(), now)) {
    const name = areaOf(areas, r.lat, r.long);
    if (!name) continue;
    const key = `${r.service_code}\u0000${name}`;
    const group = groups.get(key) ?? { serviceCode: r.service_code, area: byName.get(name)!, ids: [] };
    group.ids.push(Number(r.id));
    groups.set(key, group);
  }
  const run: SurgeRun = { candidates: 0, flagged: 0, extended: 0 };
  for (const c of groups.values()) {
    if (c.ids.length < rule.minReports) continue;
    run.candidates++;
    const usual = usualLevel(await pastLevels(db, jurisdictionId, c, areas, start, rule), rule);
    if (!isSurge(c.ids.length, usual, rule)) continue;
    const at = nowIso();
    await db.transaction().execute(async (trx) => {
      const earlier = await store.recentFlag(trx, jurisdictionId, c.serviceCode, c.area.name, new Date(start - SAME_SURGE_MS).toISOString());
      if (earlier?.status === 'dismissed') return;
      if (earlier) {
        const ids = [...new Set([...(JSON.parse(earlier.report_ids) as number[]), ...c.ids])].sort((a, b) => a - b);
        await store.updateFlag(trx, earlier.id, { window_end: now, reports: Math.max(earlier.reports, c.ids.length), expected: usual, report_ids: JSON.stringify(ids), updated_at: at });
        run.extended++;
        return;
      }
      await store.insertFlag(trx, {
        jurisdiction_id: jurisdictionId, service_code: c.serviceCode, area_name: c.area.name, window_start: new Date(start).toISOString(), window_end: now,
        reports: c.ids.length, expected: usual, report_ids: JSON.stringify([...c.ids].sort((a, b) => a - b)), status: 'new', incident_case_id: null, decided_by: null, created_at: at, updated_at: at,
      });
      run.flagged++;
    });
  }
  return run;
}

/** The scheduled job: every five minutes, one process at a time. */
export const surgeJob = (db: DB, jurisdictionId: string) => ({ name: 'surge-detection', everyMs: 5 * 60_000, run: () => detectSurges(db, jurisdictionId) });
