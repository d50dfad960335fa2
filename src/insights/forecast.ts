/**
 * Weekly demand forecasts: pure functions over a series of weekly counts, no database.
 *
 * The model is Holt-Winters with additive seasons of 52 weeks, fitted by a grid search over its
 * smoothing weights (the one-step errors' squares, summed over the history). It needs two whole
 * seasons to learn a season from, so with less than two years of weeks (104) to train on it falls
 * back to Holt's damped trend (level and trend, no seasons), and the baseline falls back with it:
 * from seasonal-naive (the same week a year before) to naive (the last week, repeated).
 *
 * Every forecast is shown with its backtest: the model and the baseline are each trained on all
 * but the latest 8 weeks and tested on those 8, the same weeks for both. The one with the smaller
 * mean absolute error (MAE) makes the forecast shown; on a tie the baseline, being the simpler.
 * MASE divides each MAE by the baseline's own one-step MAE over the training weeks, so 1.0 means
 * "as good as repeating last season's (or last week's) figure in the past".
 */

/** Weeks in a season: a year of weeks. */
export const SEASON_WEEKS = 52;
/** How far ahead the forecast looks, and how many of the latest weeks the backtest tests on. */
export const HORIZON_WEEKS = 8;
/** The fewest weeks a backtest trains on: below this no forecast is offered. */
export const MIN_TRAINING_WEEKS = 12;

export type ModelName = 'holt_winters' | 'holt_damped';
export type BaselineName = 'seasonal_naive' | 'naive';

export interface SmoothingWeights {
  alpha: number;
  beta: number;
  /** Seasonal weight; 0 when the model has no seasons. */
  gamma: number;
  /** Trend damping: 1 keeps the trend going, less fades it out. */
  phi: number;
}

export interface FittedModel {
  model: ModelName;
  weights: SmoothingWeights;
  /** Sum of squared one-step errors over the fitted weeks. */
  sse: number;
  level: number;
  trend: number;
  /** Seasonal terms for the weeks after the series, in order (empty without seasons). */
  seasonal: number[];
}

export interface Backtest {
  /** Indexes into the series of the weeks tested on (the latest 8). */
  testWeeks: number[];
  actual: number[];
  model: { name: ModelName; forecast: number[]; mae: number; mase: number | null };
  baseline: { name: BaselineName; forecast: number[]; mae: number; mase: number | null };
  /** Which made the smaller error on these weeks (the baseline on a tie). */
  better: 'model' | 'baseline';
}

export type ServiceForecast =
  | { kind: 'too_short'; weeks: number; needed: number }
  | {
    kind: 'forecast';
    weeks: number;
    /** Whether the model learnt seasons (two years of weeks to train on), or fell back to a trend alone. */
    seasonal: boolean;
    model: ModelName;
    baseline: BaselineName;
    backtest: Backtest;
    /** Who makes the forecast shown: the better of the two on the backtest. */
    chosen: 'model' | 'baseline';
    /** The next 8 weeks, never below zero. */
    forecast: number[];
  };

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / (values.length || 1);

export const meanAbsoluteError = (actual: readonly number[], forecast: readonly number[]): number =>
  mean(actual.map((value, i) => Math.abs(value - forecast[i]!)));

/** The same week a season before, carried forward: needs at least one whole season. */
export function seasonalNaive(series: readonly number[], horizon: number, season = SEASON_WEEKS): number[] {
  if (series.length < season) throw new Error(`Seasonal-naive needs ${season} weeks, the series has ${series.length}.`);
  return Array.from({ length: horizon }, (_, h) => series[series.length - season + (h % season)]!);
}

/** The last week's figure, repeated. */
export function naive(series: readonly number[], horizon: number): number[] {
  if (series.length === 0) throw new Error('Naive needs at least one week.');
  return Array.from({ length: horizon }, () => series[series.length - 1]!);
}

/** Mean absolute one-step error of the baseline over a series (the MASE scale); null when it is zero. */
export function baselineScale(series: readonly number[], lag: number): number | null {
  const errors: number[] = [];
  for (let t = lag; t < series.length; t++) errors.push(Math.abs(series[t]! - series[t - lag]!));
  const scale = mean(errors);
  // A series that repeats exactly has no scale; rounding leaves a trace of one, which is not one.
  const size = mean(series.map(Math.abs));
  return errors.length > 0 && scale > 1e-9 * (size + 1) ? scale : null;
}

/** Runs the smoothing equations once with given weights; `season` 0 for no seasons. */
function smooth(series: readonly number[], season: number, weights: SmoothingWeights): FittedModel {
  const { alpha, beta, gamma, phi } = weights;
  let level: number;
  let trend: number;
  const seasonal: number[] = [];
  let start: number;
  if (season > 0) {
    // Classical start: the first season's mean, the change between the first two seasons' means.
    const first = mean(series.slice(0, season));
    const second = mean(series.slice(season, 2 * season));
    trend = (second - first) / season;
    // The first season's mean stands for its middle week; the level is taken at its last week.
    level = first + ((season - 1) / 2) * trend;
    for (let i = 0; i < season; i++) seasonal.push(series[i]! - (first + (i - (season - 1) / 2) * trend));
    start = season;
  } else {
    level = series[0]!;
    trend = series.length > 1 ? series[1]! - series[0]! : 0;
    start = 1;
  }
  let sse = 0;
  for (let t = start; t < series.length; t++) {
    const s = season > 0 ? seasonal[t - season]! : 0;
    const predicted = level + phi * trend + s;
    const error = series[t]! - predicted;
    sse += error * error;
    const previousLevel = level;
    level = alpha * (series[t]! - s) + (1 - alpha) * (previousLevel + phi * trend);
    trend = beta * (level - previousLevel) + (1 - beta) * phi * trend;
    if (season > 0) seasonal.push(gamma * (series[t]! - level) + (1 - gamma) * s);
  }
  return {
    model: season > 0 ? 'holt_winters' : 'holt_damped', weights, sse, level, trend,
    seasonal: season > 0 ? seasonal.slice(seasonal.length - season) : [],
  };
}

const alphas = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1];
const betas = [0, 0.05, 0.1, 0.2];
const gammas = [0.05, 0.1, 0.2, 0.3, 0.5];
const phis = [0.9, 0.98, 1];

/**
 * Fits the model by the smallest sum of squared one-step errors over a grid of weights:
 * Holt-Winters when `season` > 0 (the series must hold two seasons), else Holt's damped trend.
 */
export function fitModel(series: readonly number[], season: number): FittedModel {
  if (season > 0 && series.length < 2 * season) throw new Error(`Holt-Winters needs two seasons (${2 * season} weeks), the series has ${series.length}.`);
  if (series.length < 2) throw new Error('A trend model needs at least two weeks.');
  let best: FittedModel | null = null;
  for (const alpha of alphas) {
    for (const beta of betas) {
      for (const gamma of season > 0 ? gammas : [0]) {
        // Without seasons, a damped trend only: an undamped one runs away over eight weeks.
        for (const phi of season > 0 ? phis : phis.filter((p) => p < 1)) {
          const fitted = smooth(series, season, { alpha, beta, gamma, phi });
          if (!best || fitted.sse < best.sse) best = fitted;
        }
      }
    }
  }
  return best!;
}

/** The fitted model's forecast for the next `horizon` weeks. */
export function forecastFrom(fitted: FittedModel, horizon: number): number[] {
  const { phi } = fitted.weights;
  const out: number[] = [];
  let damping = 0;
  for (let h = 1; h <= horizon; h++) {
    damping += phi ** h;
    const s = fitted.seasonal.length > 0 ? fitted.seasonal[(h - 1) % fitted.seasonal.length]! : 0;
    out.push(fitted.level + damping * fitted.trend + s);
  }
  return out;
}

/** Whether a series this long trains a seasonal model on its backtest (two whole seasons before the test weeks). */
export const hasSeasons = (weeks: number, season = SEASON_WEEKS) => weeks - HORIZON_WEEKS >= 2 * season;

/** Backtest, choice and forecast for one weekly series (oldest week first, whole weeks only). */
export function forecastSeries(series: readonly number[], season = SEASON_WEEKS): ServiceForecast {
  const needed = MIN_TRAINING_WEEKS + HORIZON_WEEKS;
  if (series.length < needed) return { kind: 'too_short', weeks: series.length, needed };
  const seasonal = hasSeasons(series.length, season);
  const lag = seasonal ? season : 0;
  const baselineOf = (history: readonly number[], horizon: number) => (seasonal ? seasonalNaive(history, horizon, season) : naive(history, horizon));
  const training = series.slice(0, series.length - HORIZON_WEEKS);
  const actual = series.slice(series.length - HORIZON_WEEKS);
  const modelForecast = forecastFrom(fitModel(training, lag), HORIZON_WEEKS).map(atLeastZero);
  const baselineForecast = baselineOf(training, HORIZON_WEEKS);
  const scale = baselineScale(training, seasonal ? season : 1);
  const modelMae = meanAbsoluteError(actual, modelForecast);
  const baselineMae = meanAbsoluteError(actual, baselineForecast);
  const better = modelMae < baselineMae ? 'model' : 'baseline';
  const backtest: Backtest = {
    testWeeks: actual.map((_, i) => training.length + i),
    actual,
    model: { name: seasonal ? 'holt_winters' : 'holt_damped', forecast: modelForecast, mae: modelMae, mase: scale === null ? null : modelMae / scale },
    baseline: { name: seasonal ? 'seasonal_naive' : 'naive', forecast: baselineForecast, mae: baselineMae, mase: scale === null ? null : baselineMae / scale },
    better,
  };
  const forecast = (better === 'model' ? forecastFrom(fitModel(series, lag), HORIZON_WEEKS) : baselineOf(series, HORIZON_WEEKS)).map(atLeastZero);
  return {
    kind: 'forecast', weeks: series.length, seasonal, model: backtest.model.name, baseline: backtest.baseline.name,
    backtest, chosen: better, forecast,
  };
}

const atLeastZero = (value: number) => Math.max(0, value);

/** The middle value (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The staffing hint: hours of staff time a week's forecast cases need, from the recorded steps a
 * recently closed case of the service took (its median) times the minutes a step is taken to need.
 * Null when no case of the service closed recently.
 */
export function staffHours(forecastCases: number, medianSteps: number | null, minutesPerStep: number): number | null {
  if (medianSteps === null) return null;
  return (forecastCases * medianSteps * minutesPerStep) / 60;
}
