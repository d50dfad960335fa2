/**
 * The figures the Hotspots and Forecast pages show (and their CSV files), put together from the
 * store's reads and the pure functions: periods and weeks in the council's time zone.
 */
import type { DB } from '../db/connection.js';
import { addDays, dayInZone } from '../platform/time.js';
import { daysBetween, type ForecastFilters, type HotspotFilters } from './foresight-filters.js';
import { casesForHotspots, stepsOfClosedCases, weeklyCounts, type DepartmentCases } from './foresight-store.js';
import { forecastSeries, HORIZON_WEEKS, median, SEASON_WEEKS, staffHours, type ServiceForecast } from './forecast.js';
import { hotspotCells, repeatLocations, type HotspotCell, type RepeatLocation } from './hotspots.js';

export interface Where {
  jurisdictionId: string;
  timeZone: string;
  /** The department asked for, with the services it owns; null: every department. */
  department: DepartmentCases | null;
}

export interface HotspotReport {
  /** Local dates, both included. */
  period: { from: string; to: string };
  previousPeriod: { from: string; to: string };
  count: number;
  previousCount: number;
  cells: HotspotCell[];
  repeats: RepeatLocation[];
}

export async function hotspotReport(db: DB, where: Where, filters: HotspotFilters): Promise<HotspotReport> {
  const days = daysBetween(filters.from, filters.to) + 1;
  const previousFrom = shiftDate(filters.from, -days);
  const previousTo = shiftDate(filters.from, -1);
  const start = dayInZone(filters.from, where.timeZone).from;
  // Both periods in one read of the index range, split here.
  const cases = await casesForHotspots(db, {
    jurisdictionId: where.jurisdictionId, from: dayInZone(previousFrom, where.timeZone).from, to: dayInZone(filters.to, where.timeZone).to,
    ...(filters.service ? { serviceCode: filters.service } : {}), ...(where.department ? { department: where.department } : {}),
  });
  const current = cases.filter((c) => c.requestedAt >= start);
  const previous = cases.filter((c) => c.requestedAt < start);
  return {
    period: { from: filters.from, to: filters.to },
    previousPeriod: { from: previousFrom, to: previousTo },
    count: current.length,
    previousCount: previous.length,
    cells: hotspotCells(current, previous, filters.grid),
    repeats: repeatLocations(current),
  };
}

/** How many weeks of history the forecast reads: three years, so two seasons train the backtest with room. */
export const HISTORY_WEEKS = 3 * SEASON_WEEKS;
/** The weeks whose closed cases give the staffing hint its steps a case. */
export const STEP_WEEKS = 12;

export interface SeriesForecast {
  /** Local date each week of the series starts (a Monday), oldest first. */
  weekStarts: string[];
  counts: number[];
  result: ServiceForecast;
  /** Local date each forecast week starts. */
  forecastWeeks: string[];
}

export interface ServiceLine extends SeriesForecast {
  serviceCode: string;
  /** Median recorded steps a case of those closed in the last 12 weeks; null: none closed. */
  medianSteps: number | null;
  /** Staff hours for each forecast week (the hint); null without steps or forecast. */
  hours: number[] | null;
}

export interface ForecastReport {
  total: SeriesForecast | null;
  /** The hint summed over services, per forecast week; null when no service gives one. */
  totalHours: number[] | null;
  services: ServiceLine[];
  minutesPerStep: number;
}

/** The Monday of the week a local date falls in. */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return shiftDate(date, -((weekday + 6) % 7));
}

const shiftDate = (date: string, days: number) => addDays(`${date}T12:00:00Z`, days).slice(0, 10);

export async function forecastReport(db: DB, where: Where, filters: ForecastFilters, today: string): Promise<ForecastReport> {
  // Whole weeks only: the one under way is left out.
  const endMonday = mondayOf(today);
  const startMonday = shiftDate(endMonday, -7 * HISTORY_WEEKS);
  const from = dayInZone(startMonday, where.timeZone).from;
  const to = dayInZone(endMonday, where.timeZone).from;
  const filter = {
    jurisdictionId: where.jurisdictionId, from, to,
    ...(filters.service ? { serviceCode: filters.service } : {}), ...(where.department ? { department: where.department } : {}),
  };
  const [counts, steps] = await Promise.all([
    weeklyCounts(db, filter),
    stepsOfClosedCases(db, { ...filter, from: dayInZone(shiftDate(endMonday, -7 * STEP_WEEKS), where.timeZone).from }),
  ]);
  const weekStart = (week: number) => shiftDate(startMonday, 7 * week);
  const forecastWeeks = Array.from({ length: HORIZON_WEEKS }, (_, h) => weekStart(HISTORY_WEEKS + h));
  const byService = new Map<string, number[]>();
  const total = new Array<number>(HISTORY_WEEKS).fill(0);
  for (const row of counts) {
    if (row.week < 0 || row.week >= HISTORY_WEEKS) continue;
    const series = byService.get(row.serviceCode) ?? new Array<number>(HISTORY_WEEKS).fill(0);
    series[row.week]! += row.count;
    total[row.week]! += row.count;
    byService.set(row.serviceCode, series);
  }
  // Each series starts at its first week with a case: the weeks before are not history, just nothing yet.
  const seriesFrom = (weekly: number[]): SeriesForecast | null => {
    const first = weekly.findIndex((n) => n > 0);
    if (first < 0) return null;
    const series = weekly.slice(first);
    return { weekStarts: series.map((_, i) => weekStart(first + i)), counts: series, result: forecastSeries(series), forecastWeeks };
  };
  const services: ServiceLine[] = [];
  for (const [serviceCode, weekly] of byService) {
    const line = seriesFrom(weekly);
    if (!line) continue;
    const medianSteps = median(steps.get(serviceCode) ?? []);
    const hours = line.result.kind === 'forecast' && medianSteps !== null
      ? line.result.forecast.map((cases) => staffHours(cases, medianSteps, filters.minutes)!)
      : null;
    services.push({ ...line, serviceCode, medianSteps, hours });
  }
  services.sort((a, b) => sum(b.counts) - sum(a.counts) || a.serviceCode.localeCompare(b.serviceCode));
  const withHours = services.filter((s) => s.hours !== null);
  const totalHours = withHours.length === 0 ? null
    : forecastWeeks.map((_, h) => withHours.reduce((acc, s) => acc + s.hours![h]!, 0));
  return { total: seriesFrom(total), totalHours, services, minutesPerStep: filters.minutes };
}

const sum = (values: readonly number[]) => values.reduce((acc, v) => acc + v, 0);
