import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greatCircleDistance, latLngToCell } from 'h3-js';
import { checkForecastFilters, checkHotspotFilters, type FilterContext } from './foresight-filters.js';
import { hexagonShapes, hotspotCells, repeatLocations, type HotspotCase } from './hotspots.js';

const metre = 1 / 111_320;
const base = { lat: 51.5, long: -0.12 };
const east = (m: number) => (m * metre) / Math.cos((base.lat * Math.PI) / 180);
let nextId = 1;
const at = (serviceCode: string, north: number, eastward: number, day = 1): HotspotCase => ({
  id: nextId++, serviceCode, lat: base.lat + north * metre, long: base.long + east(eastward),
  requestedAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`, addressString: null,
});

test('hexagon counts: each case in the cell h3 puts it in, with the change on the period before', () => {
  const current = [at('pothole', 0, 0), at('pothole', 5, 5), at('graffiti', 2000, 0)];
  const previous = [at('pothole', 1, 1), at('litter', -3000, 0)];
  const cells = hotspotCells(current, previous, 9);
  const here = latLngToCell(base.lat, base.long, 9);
  const row = cells.find((c) => c.cell === here)!;
  assert.deepEqual({ count: row.count, previous: row.previous, change: row.change }, { count: 2, previous: 1, change: 1 });
  assert.equal(cells.reduce((sum, c) => sum + c.count, 0), 3);
  assert.equal(cells.reduce((sum, c) => sum + c.previous, 0), 2);
  assert.equal(cells[0]!.cell, here, 'busiest first');
  const gone = cells.find((c) => c.count === 0)!;
  assert.equal(gone.change, -1, 'a cell with reports only before shows its fall');
});

test('repeat locations: three or more reports of one service within 25 m; not spread ones, not other services', () => {
  const cluster = [at('pothole', 0, 0, 1), at('pothole', 10, 0, 2), at('pothole', 0, -12, 3), at('pothole', -8, 8, 4)];
  const spread = [0, 1, 2, 3].map((i) => at('pothole', 500, i * 60));
  const mixed = [at('graffiti', -500, 0), at('litter', -500, 2), at('sign', -500, 4), at('graffiti', -560, 0)];
  const found = repeatLocations([...spread, ...mixed, ...cluster]);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.serviceCode, 'pothole');
  assert.deepEqual(new Set(found[0]!.caseIds), new Set(cluster.map((c) => c.id)));
  assert.deepEqual(found[0]!.caseIds, [...cluster].reverse().map((c) => c.id), 'newest first');
  // Every member lies within 25 m of the spot's centre.
  for (const id of found[0]!.caseIds) {
    const c = cluster.find((x) => x.id === id)!;
    assert.ok(greatCircleDistance([c.lat, c.long], [found[0]!.lat, found[0]!.long], 'm') <= 25);
  }
  // Two reports are not a repeat; three are.
  assert.equal(repeatLocations(cluster.slice(0, 2)).length, 0);
  assert.equal(repeatLocations(cluster.slice(0, 3)).length, 1);
});

test('repeat locations: a report belongs to one spot at most, and the answer does not depend on the order', () => {
  // A line of reports every 15 m: neighbours overlap, yet no report is counted twice.
  const line = Array.from({ length: 12 }, (_, i) => at('bins', 0, i * 15));
  const found = repeatLocations(line);
  const all = found.flatMap((f) => f.caseIds);
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual(repeatLocations([...line].reverse()), found);
});

test('the SVG hexagons fit the box, north up', () => {
  const cells = [latLngToCell(base.lat, base.long, 8), latLngToCell(base.lat + 0.02, base.long, 8)];
  const { shapes, height } = hexagonShapes(cells, 600);
  assert.equal(shapes.length, 2);
  const points = shapes.flatMap((s) => s.points.split(' ').map((p) => p.split(',').map(Number) as [number, number]));
  assert.ok(points.every(([x, y]) => x >= 0 && x <= 600 && y >= 0 && y <= height));
  const centreY = (i: number) => shapes[i]!.points.split(' ').map((p) => Number(p.split(',')[1])).reduce((a, b) => a + b) / 6;
  assert.ok(centreY(1) < centreY(0), 'the northern cell is drawn higher');
  assert.deepEqual(hexagonShapes([], 600), { shapes: [], height: 0 });
});

const context: FilterContext = {
  serviceCodes: new Set(['pothole']), departmentCodes: new Set(['roads', 'parks']), scope: { allDepartments: true }, today: '2026-03-31',
};

test('filters: defaults, and every problem named at once', () => {
  assert.deepEqual(checkHotspotFilters({}, context), { ok: true, filters: { service: null, department: null, from: '2026-03-04', to: '2026-03-31', grid: 8 } });
  const bad = checkHotspotFilters({ service: 'x', from: '2026-02-30', grid: '8.5', colour: 'red', lang: 'es' }, context);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.problems.map((p) => p.parameter).sort(), ['colour', 'from', 'grid', 'service']);
  const scoped = { ...context, scope: { allDepartments: false as const, department: 'roads' } };
  const own = checkForecastFilters({}, scoped);
  assert.deepEqual(own, { ok: true, filters: { service: null, department: 'roads', minutes: 20 } });
  const other = checkForecastFilters({ department: 'parks' }, scoped);
  assert.equal(other.ok, false);
  assert.equal(checkForecastFilters({ minutes: '480' }, context).ok, true);
  assert.equal(checkForecastFilters({ minutes: '481' }, context).ok, false);
  assert.equal(checkHotspotFilters({ from: '2025-03-31', to: '2026-03-31' }, context).ok, true, '366 days');
  assert.equal(checkHotspotFilters({ from: '2025-03-30', to: '2026-03-31' }, context).ok, false, '367 days');
});
