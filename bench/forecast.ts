/**
 * The forecast's backtest error against its baseline (src/insights/forecast.ts), each trained on
 * all but the latest 8 weeks and tested on those 8, the same weeks for both:
 *   1. the demo history as the demo seeds it (3,000 cases over the last year): one year is too
 *      short for seasons, so this is Holt's damped trend against naive, per service and in total;
 *   2. the demo's source, the San Francisco 311 sample, on its own time line (2008-2016): whole
 *      weeks from 2009 to 2015, long enough for Holt-Winters with 52-week seasons against
 *      seasonal-naive, in total and per demo service;
 *   3. synthetic weekly series with a known yearly shape (three years): pure, with noise, with a trend.
 * Prints MAE and MASE of both and the ratio model/baseline (below 1: the model is better).
 *
 * Run: npm run bench:forecast
 */
import { pathToFileURL } from 'node:url';
import { loadDemoHistory, localTimeToUtc, readSampleCases, sampleServiceCode } from '../src/demo/history.js';
import { demoHistoryFile } from '../src/demo/seed.js';
import type { DB } from '../src/db/connection.js';
import { forecastSeries, SEASON_WEEKS, type ServiceForecast } from '../src/insights/forecast.js';
import { weeklyCounts } from '../src/insights/foresight-store.js';

const WEEK = 7 * 86_400_000;

/** Cases per week from the first whole week (Monday, UTC) to the last whole one, by a key. */
function weekly(times: Array<{ at: number; key: string }>): Map<string, number[]> {
  const first = Math.min(...times.map((t) => t.at));
  const last = Math.max(...times.map((t) => t.at));
  // 1970-01-05 was a Monday.
  const monday = Date.UTC(1970, 0, 5);
  const start = monday + Math.ceil((first - monday) / WEEK) * WEEK;
  const end = monday + Math.floor((last - monday) / WEEK) * WEEK;
  const weeks = Math.round((end - start) / WEEK);
  const series = new Map<string, number[]>();
  for (const { at, key } of times) {
    if (at < start || at >= end) continue;
    for (const k of [key, 'all']) {
      const s = series.get(k) ?? new Array<number>(weeks).fill(0);
      s[Math.floor((at - start) / WEEK)]! += 1;
      series.set(k, s);
    }
  }
  return series;
}

const fixed = (n: number | null, digits = 2) => (n === null ? '   -' : n.toFixed(digits));

function line(print: (text: string) => void, name: string, result: ServiceForecast) {
  if (result.kind === 'too_short') {
    print(`  ${name.padEnd(34)} too short: ${result.weeks} weeks of ${result.needed}`);
    return;
  }
  const { model, baseline } = result.backtest;
  const ratio = baseline.mae > 0 ? (model.mae / baseline.mae).toFixed(2) : '   -';
  print(`  ${name.padEnd(34)} ${String(result.weeks).padStart(4)} wk  ${model.name.padEnd(12)} MAE ${fixed(model.mae).padStart(6)} MASE ${fixed(model.mase).padStart(5)}`
    + `  | ${baseline.name.padEnd(14)} MAE ${fixed(baseline.mae).padStart(6)} MASE ${fixed(baseline.mase).padStart(5)}  | ratio ${ratio}  -> ${result.chosen}`);
}

function summary(print: (text: string) => void, results: ServiceForecast[]) {
  const done = results.flatMap((r) => (r.kind === 'forecast' ? [r] : []));
  if (done.length === 0) return;
  const modelMae = done.reduce((s, r) => s + r.backtest.model.mae, 0) / done.length;
  const baselineMae = done.reduce((s, r) => s + r.backtest.baseline.mae, 0) / done.length;
  const wins = done.filter((r) => r.backtest.better === 'model').length;
  print(`  over ${done.length} services: mean MAE model ${modelMae.toFixed(2)}, baseline ${baselineMae.toFixed(2)}, ratio ${(modelMae / baselineMae).toFixed(2)}; the model better on ${wins} of ${done.length}`);
}

/** A repeatable pseudo-random stream (mulberry32): the benches' one seeded random. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function forecastBench(print: (text: string) => void = console.log): void {
  let fits = 0;
  let fitting = 0;
  const run = (series: number[]) => {
    fits++;
    const started = performance.now();
    const result = forecastSeries(series);
    fitting += performance.now() - started;
    return result;
  };

  print('1. The demo history as seeded (3,000 cases, the last year): damped trend against naive');
  const now = new Date();
  const history = loadDemoHistory(demoHistoryFile, now, { limit: 3000 });
  const demo = weekly(history.map((h) => ({ at: Date.parse(h.requestedAt), key: h.serviceCode })));
  line(print, 'all services', run(demo.get('all')!));
  const demoResults = [...demo].filter(([k]) => k !== 'all').sort((a, b) => sum(b[1]) - sum(a[1])).map(([k, s]) => {
    const result = run(s);
    line(print, k, result);
    return result;
  });
  summary(print, demoResults);

  print('');
  print('2. The demo\'s source sample on its own time line (2008-2016): Holt-Winters (52-week seasons) against seasonal-naive');
  // The sample's cases with a demo service, at their original times: the demo's mapping decides which.
  const mapped = sampleOnItsTimeLine();
  const sample = weekly(mapped);
  line(print, 'all services', run(sample.get('all')!));
  const sampleResults = [...sample].filter(([k]) => k !== 'all').sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, 12).map(([k, s]) => {
    const result = run(s);
    line(print, k, result);
    return result;
  });
  summary(print, sampleResults);

  print('');
  print('3. Synthetic weekly series, three years with a known yearly shape');
  const shape = (t: number) => 40 + 25 * Math.sin((2 * Math.PI * t) / SEASON_WEEKS) + (t % SEASON_WEEKS === 2 ? 30 : 0);
  const weeks = 3 * SEASON_WEEKS;
  const random = randomStream(42);
  line(print, 'pure yearly shape', run(Array.from({ length: weeks }, (_, t) => shape(t))));
  line(print, 'shape + noise (+-10)', run(Array.from({ length: weeks }, (_, t) => Math.round(shape(t) + (random() - 0.5) * 20))));
  line(print, 'shape + trend (0.5 a week)', run(Array.from({ length: weeks }, (_, t) => shape(t) + 0.5 * t)));
  line(print, 'shape + trend + noise', run(Array.from({ length: weeks }, (_, t) => Math.round(shape(t) + 0.3 * t + (random() - 0.5) * 20))));
  print('');
  print(`${fits} series backtested and forecast in ${fitting.toFixed(0)} ms of fitting (${(fitting / fits).toFixed(1)} ms a series: two grid-search fits each)`);
}

/**
 * The backtest on a database's own cases (bench/analytics.ts, at a million): whole weeks from the
 * first Monday after the first case to the last Monday before `now`, counted by the database as
 * the forecast page counts them; in total and per service. With under two years of weeks the
 * model is Holt's damped trend against naive, as the forecast page does; the lines say which.
 */
export async function backtestOnDatabase(db: DB, jurisdictionId: string, print: (text: string) => void = console.log, now = new Date()): Promise<ServiceForecast> {
  const first = await db.selectFrom('cases').select((eb) => eb.fn.min('requested_at').as('at')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  const monday = Date.UTC(1970, 0, 5);
  const start = monday + Math.ceil((Date.parse(String(first?.at ?? now.toISOString())) - monday) / WEEK) * WEEK;
  const end = monday + Math.floor((now.getTime() - monday) / WEEK) * WEEK;
  const weeks = Math.max(0, Math.round((end - start) / WEEK));
  const counts = await weeklyCounts(db, { jurisdictionId, from: new Date(start).toISOString(), to: new Date(end).toISOString() });
  const series = new Map<string, number[]>();
  for (const c of counts) {
    for (const key of [c.serviceCode, 'all']) {
      const s = series.get(key) ?? new Array<number>(weeks).fill(0);
      if (c.week >= 0 && c.week < weeks) s[c.week]! += c.count;
      series.set(key, s);
    }
  }
  const total = forecastSeries(series.get('all') ?? []);
  line(print, 'all services', total);
  summary(print, [...series].filter(([k]) => k !== 'all').map(([, s]) => forecastSeries(s)));
  return total;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The sample's cases that the demo keeps, at their original times, keyed by demo service. */
function sampleOnItsTimeLine(): Array<{ at: number; key: string }> {
  return readSampleCases(demoHistoryFile).flatMap((row) => {
    const key = sampleServiceCode(row);
    const at = localTimeToUtc(row.Opened)?.getTime();
    return key && at !== undefined ? [{ at, key }] : [];
  });
}


if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) forecastBench();
