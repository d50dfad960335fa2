import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitModel, forecastFrom, forecastSeries, HORIZON_WEEKS, meanAbsoluteError, median, naive, seasonalNaive, SEASON_WEEKS, staffHours,
} from './forecast.js';

/** A repeatable pseudo-random stream (mulberry32), so the noisy series are the same every run. */
function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A yearly shape: busy summers, a winter peak in week 2, quiet weeks between. */
const shape = (week: number) => 40 + 25 * Math.sin((2 * Math.PI * week) / SEASON_WEEKS) + (week % SEASON_WEEKS === 2 ? 30 : 0);

test('a purely seasonal series is forecast almost exactly by Holt-Winters', () => {
  const weeks = 3 * SEASON_WEEKS;
  const series = Array.from({ length: weeks }, (_, t) => shape(t));
  const next = Array.from({ length: HORIZON_WEEKS }, (_, h) => shape(weeks + h));
  const forecast = forecastFrom(fitModel(series, SEASON_WEEKS), HORIZON_WEEKS);
  assert.ok(meanAbsoluteError(next, forecast) < 0.01 * 40, `error ${meanAbsoluteError(next, forecast)} on a mean of 40`);
  // The whole pipeline: seasons learnt, the baseline is seasonal-naive, both near exact here.
  const result = forecastSeries(series);
  assert.equal(result.kind, 'forecast');
  if (result.kind !== 'forecast') return;
  assert.equal(result.seasonal, true);
  assert.equal(result.model, 'holt_winters');
  assert.equal(result.baseline, 'seasonal_naive');
  assert.ok(meanAbsoluteError(next, result.forecast) < 0.4);
});

test('a season with a rising trend: Holt-Winters beats seasonal-naive, which lags a year behind', () => {
  const weeks = 3 * SEASON_WEEKS;
  const series = Array.from({ length: weeks }, (_, t) => shape(t) + 0.5 * t);
  const result = forecastSeries(series);
  assert.equal(result.kind, 'forecast');
  if (result.kind !== 'forecast') return;
  // Seasonal-naive is a year (52 weeks x 0.5) behind, so off by 26 on every test week.
  assert.ok(Math.abs(result.backtest.baseline.mae - 26) < 1e-9, `baseline MAE ${result.backtest.baseline.mae}`);
  assert.ok(result.backtest.model.mae < 1, `model MAE ${result.backtest.model.mae}`);
  assert.equal(result.chosen, 'model');
  const next = Array.from({ length: HORIZON_WEEKS }, (_, h) => shape(weeks + h) + 0.5 * (weeks + h));
  assert.ok(meanAbsoluteError(next, result.forecast) < 1);
});

test('the backtest reports both errors on the same weeks, and picks the smaller honestly', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const random = randomStream(seed);
    // Seeds 1-3: seasonal with noise; 4-6: a random walk, where repeating the last week is hard to beat.
    let walk = 50;
    const series = Array.from({ length: 2 * SEASON_WEEKS + 30 }, (_, t) => seed <= 3
      ? Math.round(shape(t) + (random() - 0.5) * 20)
      : Math.max(0, (walk += (random() - 0.5) * 30)));
    const result = forecastSeries(series);
    assert.equal(result.kind, 'forecast');
    if (result.kind !== 'forecast') continue;
    const { backtest } = result;
    const actual = series.slice(series.length - HORIZON_WEEKS);
    assert.deepEqual(backtest.actual, actual);
    assert.deepEqual(backtest.testWeeks, actual.map((_, i) => series.length - HORIZON_WEEKS + i));
    // Recomputed here from the forecasts the backtest made, not taken from it.
    const training = series.slice(0, series.length - HORIZON_WEEKS);
    assert.deepEqual(backtest.baseline.forecast, seasonalNaive(training, HORIZON_WEEKS));
    const modelMae = actual.reduce((sum, v, i) => sum + Math.abs(v - backtest.model.forecast[i]!), 0) / HORIZON_WEEKS;
    const baselineMae = actual.reduce((sum, v, i) => sum + Math.abs(v - backtest.baseline.forecast[i]!), 0) / HORIZON_WEEKS;
    assert.ok(Math.abs(modelMae - backtest.model.mae) < 1e-9);
    assert.ok(Math.abs(baselineMae - backtest.baseline.mae) < 1e-9);
    assert.equal(result.chosen, modelMae < baselineMae ? 'model' : 'baseline', `seed ${seed}`);
    // The forecast shown is made by the chosen one, on the whole history.
    if (result.chosen === 'baseline') assert.deepEqual(result.forecast, seasonalNaive(series, HORIZON_WEEKS).map((v) => Math.max(0, v)));
    assert.ok(result.forecast.every((v) => v >= 0));
  }
});

test('seasonal-naive wins where the model cannot: a season that repeats exactly is copied without error', () => {
  const series = Array.from({ length: 3 * SEASON_WEEKS }, (_, t) => Math.round(shape(t)));
  const result = forecastSeries(series);
  assert.equal(result.kind, 'forecast');
  if (result.kind !== 'forecast') return;
  assert.equal(result.backtest.baseline.mae, 0);
  assert.equal(result.chosen, 'baseline');
});

test('with less than two years to train on, it says so: a damped trend against naive', () => {
  const series = Array.from({ length: 60 }, (_, t) => 20 + (t % 3));
  const result = forecastSeries(series);
  assert.equal(result.kind, 'forecast');
  if (result.kind !== 'forecast') return;
  assert.equal(result.seasonal, false);
  assert.equal(result.model, 'holt_damped');
  assert.equal(result.baseline, 'naive');
  const training = series.slice(0, series.length - HORIZON_WEEKS);
  assert.deepEqual(result.backtest.baseline.forecast, naive(training, HORIZON_WEEKS));
  // Two years and eight weeks is where the seasons start.
  const long = forecastSeries(Array.from({ length: 2 * SEASON_WEEKS + HORIZON_WEEKS }, (_, t) => shape(t)));
  assert.equal(long.kind === 'forecast' && long.seasonal, true);
  const almost = forecastSeries(Array.from({ length: 2 * SEASON_WEEKS + HORIZON_WEEKS - 1 }, (_, t) => shape(t)));
  assert.equal(almost.kind === 'forecast' && almost.seasonal, false);
});

test('too short a history gives no forecast, and says how many weeks it needs', () => {
  assert.deepEqual(forecastSeries([1, 2, 3]), { kind: 'too_short', weeks: 3, needed: 20 });
});

test('MASE is the error over the baseline\'s own one-step error in training', () => {
  const series = Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 10 : 14));
  const result = forecastSeries(series);
  assert.equal(result.kind, 'forecast');
  if (result.kind !== 'forecast') return;
  // Naive's one-step error in training is 4 every week.
  assert.ok(Math.abs(result.backtest.baseline.mase! - result.backtest.baseline.mae / 4) < 1e-9);
  assert.ok(Math.abs(result.backtest.model.mase! - result.backtest.model.mae / 4) < 1e-9);
  // A flat training series has no scale: MASE is not given rather than infinite.
  const flat = forecastSeries(Array.from({ length: 30 }, () => 5));
  assert.equal(flat.kind === 'forecast' && flat.backtest.model.mase, null);
});

test('the staffing hint: cases x median steps x minutes a step, in hours', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(median([]), null);
  assert.equal(staffHours(30, 4, 15), 30);
  assert.equal(staffHours(30, null, 15), null);
});
