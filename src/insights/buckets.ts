/**
 * Time to close, kept as a histogram: a closed case falls in the bucket of its duration rounded
 * down to a tenth of a day (144 minutes). The dashboard shows a median or 90th percentile to a
 * tenth of a day, rounded down, so the bucket of the case at that rank IS the figure shown: the
 * histogram gives exactly what sorting every case's duration would (nearest-rank percentiles).
 */
export const BUCKET_MS = 144 * 60_000;

/** The bucket of a duration in milliseconds (negative durations, a clock error, count as 0). */
export const bucketOf = (durationMs: number): number => Math.max(0, Math.floor(durationMs / BUCKET_MS));

/** A bucket as days, to one decimal: bucket 23 is 2.3 days. */
export const bucketDays = (bucket: number): number => bucket / 10;

/**
 * The nearest-rank percentile (the value at rank ceil(p x n) of the sorted durations) of a
 * histogram, as its bucket; null when it holds no case.
 */
export function percentileBucket(histogram: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucket;
  }
  return null;
}
