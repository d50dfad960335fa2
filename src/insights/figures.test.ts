import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketDays, bucketOf, percentileBucket } from './buckets.js';
import { periodsBetween } from './figures.js';
import { parseFilters } from './filters.js';
import { areaOf } from './rollups.js';

test('percentiles from the histogram equal nearest-rank percentiles of the sorted durations, to a tenth of a day', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let round = 0; round < 50; round++) {
    const durations = Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 40 * 86_400_000));
    const histogram = new Map<number, number>();
    for (const d of durations) histogram.set(bucketOf(d), (histogram.get(bucketOf(d)) ?? 0) + 1);
    const sorted = [...durations].sort((a, b) => a - b);
    for (const p of [0.5, 0.9]) {
      const exact = Math.floor(sorted[Math.ceil(p * sorted.length) - 1]! / 8_640_000) / 10;
      assert.equal(bucketDays(percentileBucket(histogram, p)!), exact);
    }
  }
  assert.equal(percentileBucket(new Map(), 0.5), null);
});

test('weeks start on Monday and months on the first, cut to the chosen dates', () => {
  assert.deepEqual(periodsBetween('2026-03-04', '2026-03-18', 'week'), [
    { from: '2026-03-04', to: '2026-03-08' }, { from: '2026-03-09', to: '2026-03-15' }, { from: '2026-03-16', to: '2026-03-18' },
  ]);
  assert.deepEqual(periodsBetween('2026-01-15', '2026-03-02', 'month'), [
    { from: '2026-01-15', to: '2026-01-31' }, { from: '2026-02-01', to: '2026-02-28' }, { from: '2026-03-01', to: '2026-03-02' },
  ]);
});

test('filters: defaults, and every problem named', () => {
  const words = { from: 'From', to: 'To' };
  assert.deepEqual(parseFilters({}, '2026-12-07', words), { filters: { from: '2026-09-15', to: '2026-12-07', group: 'week', service: null, department: null, area: null, channel: null } });
  const bad = parseFilters({ to: 'nope', sort: 'x', group: 'day' }, '2026-12-07', words);
  assert.ok('problems' in bad);
  assert.deepEqual(bad.problems.map((p) => p.key).sort(), ['insights.error.date', 'insights.error.group', 'insights.error.unknown']);
});

test('a point belongs to the smallest area holding it', () => {
  const areas = [
    { name: 'District', minLat: 0, minLong: 0, maxLat: 10, maxLong: 10 },
    { name: 'Quarter', minLat: 2, minLong: 2, maxLat: 4, maxLong: 4 },
  ];
  assert.equal(areaOf(areas, 3, 3), 'Quarter');
  assert.equal(areaOf(areas, 8, 8), 'District');
  assert.equal(areaOf(areas, 20, 20), '');
  assert.equal(areaOf(areas, null, null), '');
});
