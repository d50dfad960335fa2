/**
 * Hotspots: where cases come from, on a grid of hexagons (H3, through h3-js), with the change
 * against the period before; and repeat locations, the same spot reported again and again.
 * Pure functions over the cases `casesForHotspots` reads (foresight-store.ts).
 */
import { cellToBoundary, cellToLatLng, greatCircleDistance, latLngToCell } from 'h3-js';

/** One case as the hotspots see it: where, what, when. No reporter, no description. */
export interface HotspotCase {
  id: number;
  serviceCode: string;
  lat: number;
  long: number;
  /** ISO 8601 UTC. */
  requestedAt: string;
  /** The public address given with the report, if any. */
  addressString: string | null;
}

/** The H3 resolutions offered: 7 (about 5 km² a cell) to 10 (about 15,000 m²). */
export const RESOLUTIONS = [7, 8, 9, 10] as const;
export const DEFAULT_RESOLUTION = 8;

export interface HotspotCell {
  /** The H3 index. */
  cell: string;
  /** The cell's centre. */
  lat: number;
  long: number;
  count: number;
  previous: number;
  /** count − previous. */
  change: number;
}

/** Cases counted per cell for a period and the one before, busiest first (then the biggest rise, then the index). */
export function hotspotCells(current: readonly HotspotCase[], previous: readonly HotspotCase[], resolution: number): HotspotCell[] {
  const counts = new Map<string, { count: number; previous: number }>();
  const add = (item: HotspotCase, key: 'count' | 'previous') => {
    const cell = latLngToCell(item.lat, item.long, resolution);
    const entry = counts.get(cell) ?? { count: 0, previous: 0 };
    entry[key] += 1;
    counts.set(cell, entry);
  };
  for (const item of current) add(item, 'count');
  for (const item of previous) add(item, 'previous');
  return [...counts].map(([cell, { count, previous: before }]) => {
    const [lat, long] = cellToLatLng(cell);
    return { cell, lat, long, count, previous: before, change: count - before };
  }).sort((a, b) => b.count - a.count || b.change - a.change || a.cell.localeCompare(b.cell));
}

/** How far apart two reports may be and still be "the same spot". */
export const SAME_SPOT_METRES = 25;
/** How many reports of one service at one spot make it a repeat location. */
export const REPEAT_REPORTS = 3;

export interface RepeatLocation {
  serviceCode: string;
  /** The report the spot is centred on (the one with most reports within reach). */
  lat: number;
  long: number;
  addressString: string | null;
  /** Every case at the spot, newest first. */
  caseIds: number[];
  count: number;
}

const metresBetween = (a: HotspotCase, b: HotspotCase) => greatCircleDistance([a.lat, a.long], [b.lat, b.long], 'm');

/**
 * Spots reported again and again: for each service, the report with the most others of the same
 * service within `radius` metres becomes a spot's centre and takes them all; then the next,
 * among the reports left. A spot of at least `minimum` reports is a repeat location. Every
 * report belongs to one spot at most, and lies within `radius` of its centre. Neighbours are
 * found on a square grid of `radius` cells, so the work grows with the reports, not their square.
 */
export function repeatLocations(cases: readonly HotspotCase[], radius = SAME_SPOT_METRES, minimum = REPEAT_REPORTS): RepeatLocation[] {
  const byService = new Map<string, HotspotCase[]>();
  for (const item of cases) byService.set(item.serviceCode, [...(byService.get(item.serviceCode) ?? []), item]);
  const found: RepeatLocation[] = [];
  for (const [serviceCode, reports] of byService) {
    if (reports.length < minimum) continue;
    const latStep = radius / 111_320;
    const meanLat = reports.reduce((sum, r) => sum + r.lat, 0) / reports.length;
    const longStep = latStep / Math.max(0.01, Math.cos((meanLat * Math.PI) / 180));
    const keyOf = (x: number, y: number) => `${x}:${y}`;
    const grid = new Map<string, number[]>();
    const cellOf = (r: HotspotCase) => [Math.floor(r.lat / latStep), Math.floor(r.long / longStep)] as const;
    reports.forEach((r, i) => {
      const [x, y] = cellOf(r);
      grid.set(keyOf(x, y), [...(grid.get(keyOf(x, y)) ?? []), i]);
    });
    const neighbours = reports.map((r) => {
      const [x, y] = cellOf(r);
      const near: number[] = [];
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const j of grid.get(keyOf(x + dx, y + dy)) ?? []) if (metresBetween(r, reports[j]!) <= radius) near.push(j);
        }
      }
      return near;
    });
    const taken = new Set<number>();
    // Densest first; ties by the case id, so the answer does not depend on the order rows came in.
    const order = reports.map((_, i) => i).sort((a, b) => neighbours[b]!.length - neighbours[a]!.length || reports[a]!.id - reports[b]!.id);
    for (const centre of order) {
      if (taken.has(centre)) continue;
      const members = neighbours[centre]!.filter((j) => !taken.has(j));
      if (members.length < minimum) continue;
      for (const j of members) taken.add(j);
      const spot = members.map((j) => reports[j]!).sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || b.id - a.id);
      const middle = reports[centre]!;
      found.push({
        serviceCode, lat: middle.lat, long: middle.long,
        addressString: middle.addressString ?? spot.find((r) => r.addressString)?.addressString ?? null,
        caseIds: spot.map((r) => r.id), count: spot.length,
      });
    }
  }
  return found.sort((a, b) => b.count - a.count || a.serviceCode.localeCompare(b.serviceCode) || a.caseIds[0]! - b.caseIds[0]!);
}

export interface HexagonShape {
  cell: string;
  /** SVG polygon points, "x,y x,y ...". */
  points: string;
}

/**
 * The cells drawn as SVG polygons in a `width` wide box, north up: longitudes are scaled by the
 * cosine of the middle latitude so hexagons keep their shape. Returns the shapes and the height
 * the box needs.
 */
export function hexagonShapes(cells: readonly string[], width: number): { shapes: HexagonShape[]; height: number } {
  const rings = cells.map((cell) => ({ cell, ring: cellToBoundary(cell) }));
  const all = rings.flatMap((r) => r.ring);
  if (all.length === 0) return { shapes: [], height: 0 };
  const lats = all.map(([lat]) => lat);
  const longs = all.map(([, long]) => long);
  const [minLat, maxLat, minLong, maxLong] = [Math.min(...lats), Math.max(...lats), Math.min(...longs), Math.max(...longs)];
  const xScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLong - minLong) * xScale, 1e-9);
  const spanY = Math.max(maxLat - minLat, 1e-9);
  const margin = 4;
  const scale = (width - 2 * margin) / spanX;
  const height = Math.ceil(spanY * scale + 2 * margin);
  const shapes = rings.map(({ cell, ring }) => ({
    cell,
    points: ring.map(([lat, long]) => `${(margin + (long - minLong) * xScale * scale).toFixed(1)},${(margin + (maxLat - lat) * scale).toFixed(1)}`).join(' '),
  }));
  return { shapes, height };
}
