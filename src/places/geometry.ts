/**
 * Areas on the map: the polygons and circles of a CAP 1.2 `<area>` (an alert's area, an
 * incident's area), read and written in CAP's text form, checked, and matched against points.
 *
 * CAP writes a polygon as "lat,lon lat,lon ..." (at least four pairs, the first equal to the
 * last) and a circle as "lat,lon radius" (radius in kilometres). GeoJSON writes [lon, lat]:
 * `areaToGeoJson` does the swap, so nothing else has to.
 */
import type { Bounds } from '../config.js';
import { metresBetween } from './places.js';

export interface LatLong { lat: number; long: number }
/** A closed ring: the first point equals the last. */
export type Ring = LatLong[];
export interface Circle { center: LatLong; radiusKm: number }
/** An area is the union of its polygons and circles (CAP has no holes). */
export interface Area { polygons: Ring[]; circles: Circle[] }
export type Box = Bounds;

/** The most points one polygon may have: a drawn or uploaded shape, not a coastline. */
export const MAX_RING_POINTS = 2_000;
/** The largest circle: 1,000 km covers any council. */
export const MAX_RADIUS_KM = 1_000;

const number = (text: string): number => (/^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN);
const pointProblem = (p: LatLong): string | null =>
  (!Number.isFinite(p.lat) || !Number.isFinite(p.long) ? 'a point is not a pair of numbers "latitude,longitude"'
    : p.lat < -90 || p.lat > 90 ? `latitude ${p.lat} is outside -90 to 90`
      : p.long < -180 || p.long > 180 ? `longitude ${p.long} is outside -180 to 180` : null);

function readPoint(text: string): LatLong {
  const [lat = '', long = '', extra] = text.split(',');
  return extra === undefined ? { lat: number(lat.trim()), long: number(long.trim()) } : { lat: Number.NaN, long: Number.NaN };
}

/** A CAP polygon's text, or the reason it is not one (in words a person can act on). */
export function parseCapPolygon(text: string): { ring: Ring } | { problem: string } {
  const pairs = text.trim().split(/\s+/).filter(Boolean);
  const ring = pairs.map(readPoint);
  for (const p of ring) { const problem = pointProblem(p); if (problem) return { problem: `The polygon is not valid: ${problem}.` }; }
  const problem = ringProblem(ring);
  return problem ? { problem } : { ring };
}

/** A CAP circle's text ("lat,lon radius_km"), or the reason it is not one. */
export function parseCapCircle(text: string): { circle: Circle } | { problem: string } {
  const [centre = '', radius = '', extra] = text.trim().split(/\s+/);
  const center = readPoint(centre);
  const radiusKm = number(radius);
  const problem = extra !== undefined ? 'write it as "latitude,longitude radius" with the radius in kilometres' : pointProblem(center)
    ?? (!Number.isFinite(radiusKm) || radiusKm <= 0 ? 'the radius must be a number of kilometres above 0'
      : radiusKm > MAX_RADIUS_KM ? `the radius must be at most ${MAX_RADIUS_KM} km` : null);
  return problem ? { problem: `The circle is not valid: ${problem}.` } : { circle: { center, radiusKm } };
}

const coordinate = (n: number): string => String(Number(n.toFixed(6)));
export const formatCapPolygon = (ring: Ring): string => ring.map((p) => `${coordinate(p.lat)},${coordinate(p.long)}`).join(' ');
export const formatCapCircle = (c: Circle): string => `${coordinate(c.center.lat)},${coordinate(c.center.long)} ${Number(c.radiusKm.toFixed(3))}`;

/** Twice the signed area in degrees² (shoelace), for telling a flat ring from a real one. */
function doubleArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]!.long * ring[i + 1]!.lat - ring[i + 1]!.long * ring[i]!.lat;
  return sum;
}

const orientation = (a: LatLong, b: LatLong, c: LatLong): number => {
  const v = (b.long - a.long) * (c.lat - a.lat) - (b.lat - a.lat) * (c.long - a.long);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
};
const onSegment = (a: LatLong, b: LatLong, p: LatLong): boolean =>
  Math.min(a.long, b.long) <= p.long && p.long <= Math.max(a.long, b.long) && Math.min(a.lat, b.lat) <= p.lat && p.lat <= Math.max(a.lat, b.lat);

function segmentsCross(a: LatLong, b: LatLong, c: LatLong, d: LatLong): boolean {
  const o1 = orientation(a, b, c); const o2 = orientation(a, b, d); const o3 = orientation(c, d, a); const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/**
 * Why a ring cannot be an area, or null: too few points, not closed, too many points, no area,
 * or edges that cross (a figure of eight has no clear inside). Edges meeting at their shared
 * corner are not a crossing. O(n²) in the worst case, fine for drawn shapes of MAX_RING_POINTS.
 */
export function ringProblem(ring: Ring): string | null {
  if (ring.length < 4) return 'A polygon needs at least four points, the last the same as the first.';
  if (ring.length > MAX_RING_POINTS) return `A polygon may have at most ${MAX_RING_POINTS} points.`;
  const first = ring[0]!; const last = ring[ring.length - 1]!;
  if (first.lat !== last.lat || first.long !== last.long) return 'A polygon must end where it starts: repeat the first point at the end.';
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a corner
      if (segmentsCross(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return 'The polygon crosses itself: draw its edge so no two sides cross.';
    }
  }
  if (Math.abs(doubleArea(ring)) < 1e-12) return 'The polygon has no area: its points lie on one line.';
  return null;
}

/** Even-odd ray casting: is the point inside the ring (on the edge counts as inside or not, either way)? */
export function pointInRing(p: LatLong, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!; const b = ring[j]!;
    if ((a.lat > p.lat) !== (b.lat > p.lat) && p.long < ((b.long - a.long) * (p.lat - a.lat)) / (b.lat - a.lat) + a.long) inside = !inside;
  }
  return inside;
}

export const pointInCircle = (p: LatLong, c: Circle): boolean => metresBetween(p, c.center) <= c.radiusKm * 1000;

const degreesOfLatitudePerKm = 1 / 111.32;

export function boxOfCircle(c: Circle): Box {
  const dLat = c.radiusKm * degreesOfLatitudePerKm;
  const dLong = dLat / Math.max(Math.cos((c.center.lat * Math.PI) / 180), 0.01);
  return { minLat: c.center.lat - dLat, maxLat: c.center.lat + dLat, minLong: c.center.long - dLong, maxLong: c.center.long + dLong };
}

export function boxOfRing(ring: Ring): Box {
  const box = { minLat: Infinity, minLong: Infinity, maxLat: -Infinity, maxLong: -Infinity };
  for (const p of ring) {
    box.minLat = Math.min(box.minLat, p.lat); box.maxLat = Math.max(box.maxLat, p.lat);
    box.minLong = Math.min(box.minLong, p.long); box.maxLong = Math.max(box.maxLong, p.long);
  }
  return box;
}

const join = (a: Box, b: Box): Box => ({ minLat: Math.min(a.minLat, b.minLat), minLong: Math.min(a.minLong, b.minLong), maxLat: Math.max(a.maxLat, b.maxLat), maxLong: Math.max(a.maxLong, b.maxLong) });
const inBox = (p: LatLong, b: Box): boolean => p.lat >= b.minLat && p.lat <= b.maxLat && p.long >= b.minLong && p.long <= b.maxLong;

/** The box around a whole area (for a database prefilter), or null for an empty area. */
export function boxOfArea(area: Area): Box | null {
  const boxes = [...area.polygons.map(boxOfRing), ...area.circles.map(boxOfCircle)];
  return boxes.length ? boxes.reduce(join) : null;
}

/**
 * A matcher for one area, for testing many points: each shape's box is worked out once and
 * checked before the exact test, so most points outside cost four comparisons.
 */
export function areaMatcher(area: Area): (p: LatLong) => boolean {
  const shapes = [
    ...area.polygons.map((ring) => ({ box: boxOfRing(ring), test: (p: LatLong) => pointInRing(p, ring) })),
    ...area.circles.map((circle) => ({ box: boxOfCircle(circle), test: (p: LatLong) => pointInCircle(p, circle) })),
  ];
  return (p) => shapes.some((s) => inBox(p, s.box) && s.test(p));
}

export const areaContains = (area: Area, p: LatLong): boolean => areaMatcher(area)(p);

/** A circle as a ring of `points` corners, for maps and GeoJSON (which has no circles). */
export function circleToRing(c: Circle, points = 48): Ring {
  const dLat = c.radiusKm * degreesOfLatitudePerKm;
  const dLong = dLat / Math.max(Math.cos((c.center.lat * Math.PI) / 180), 0.01);
  const ring: Ring = [];
  for (let i = 0; i < points; i++) {
    const angle = (2 * Math.PI * i) / points;
    ring.push({ lat: c.center.lat + dLat * Math.sin(angle), long: c.center.long + dLong * Math.cos(angle) });
  }
  ring.push({ ...ring[0]! });
  return ring;
}

/** A box (a gazetteer area's bounds) as a ring, so a named area becomes a polygon. */
export const boxToRing = (b: Box): Ring => [
  { lat: b.minLat, long: b.minLong }, { lat: b.minLat, long: b.maxLong }, { lat: b.maxLat, long: b.maxLong },
  { lat: b.maxLat, long: b.minLong }, { lat: b.minLat, long: b.minLong },
];

/** The area as a GeoJSON geometry ([long, lat] order; circles as 48-sided polygons). */
export function areaToGeoJson(area: Area): { type: 'MultiPolygon'; coordinates: number[][][][] } {
  const rings = [...area.polygons, ...area.circles.map((c) => circleToRing(c))];
  return { type: 'MultiPolygon', coordinates: rings.map((ring) => [ring.map((p) => [p.long, p.lat])]) };
}

/**
 * Shapes typed or pasted one per line, each a CAP polygon ("lat,lon lat,lon ...") or a CAP circle
 * ("lat,lon radius_km"), or a GeoJSON area pasted whole: the area, or every problem (with the
 * line it is on).
 */
export function parseAreaText(text: string): { area: Area } | { problems: string[] } {
  if (looksLikeGeoJson(text)) {
    const read = geoJsonRings(text);
    return 'problem' in read ? { problems: [read.problem] } : { area: { polygons: read.rings, circles: [] } };
  }
  const area: Area = { polygons: [], circles: [] };
  const problems: string[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  lines.forEach((line, i) => {
    const where = lines.length > 1 ? `Line ${i + 1}: ` : '';
    const parts = line.split(/\s+/);
    const read = parts.length === 2 && !parts[1]!.includes(',') ? parseCapCircle(line) : parseCapPolygon(line);
    if ('problem' in read) problems.push(where + read.problem);
    else if ('ring' in read) area.polygons.push(read.ring);
    else area.circles.push(read.circle);
  });
  if (lines.length === 0) problems.push('Give the area: choose a named area, draw it on the map, or type a polygon or a circle.');
  return problems.length > 0 ? { problems } : { area };
}

/** The area as CAP text, one shape per line (what parseAreaText reads back). */
export const formatAreaText = (area: Area): string => [...area.polygons.map(formatCapPolygon), ...area.circles.map(formatCapCircle)].join('\n');

/** The most polygons one pasted GeoJSON area may bring. */
export const MAX_GEOJSON_POLYGONS = 50;

/**
 * An area exported from a GIS as GeoJSON (a Polygon or MultiPolygon geometry, a Feature or a
 * FeatureCollection of them, [longitude, latitude] in WGS84): its polygons as CAP rings, or the
 * reason it cannot be one. CAP areas have no holes, so a polygon with a hole is refused rather
 * than silently filled.
 */
export function geoJsonRings(text: string): { rings: Ring[] } | { problem: string } {
  let value: unknown;
  try { value = JSON.parse(text); } catch { return { problem: 'The area looks like GeoJSON but is not valid JSON: paste the whole file\'s text.' }; }
  const polygons: unknown[][] = [];
  const visit = (node: unknown): string | null => {
    const o = node as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown } | null;
    if (!o || typeof o !== 'object') return 'The GeoJSON holds something that is not a geometry.';
    if (o.type === 'FeatureCollection' && Array.isArray(o.features)) { for (const f of o.features) { const p = visit(f); if (p) return p; } return null; }
    if (o.type === 'Feature') return visit(o.geometry);
    if (o.type === 'Polygon' && Array.isArray(o.coordinates)) { polygons.push(o.coordinates); return null; }
    if (o.type === 'MultiPolygon' && Array.isArray(o.coordinates)) { for (const p of o.coordinates) polygons.push(Array.isArray(p) ? p : []); return null; }
    return `The GeoJSON holds a ${typeof o.type === 'string' ? o.type.slice(0, 30) : 'shape'}: an area must be made of Polygons.`;
  };
  const problem = visit(value);
  if (problem) return { problem };
  if (polygons.length === 0) return { problem: 'The GeoJSON holds no polygon.' };
  if (polygons.length > MAX_GEOJSON_POLYGONS) return { problem: `The GeoJSON holds ${polygons.length} polygons; an area may have at most ${MAX_GEOJSON_POLYGONS}.` };
  const rings: Ring[] = [];
  for (const [i, polygon] of polygons.entries()) {
    const where = polygons.length > 1 ? `Polygon ${i + 1} of the GeoJSON: ` : 'The GeoJSON polygon: ';
    if (polygon.length > 1) return { problem: `${where}it has a hole, which CAP areas cannot have. Remove the hole, or split the area in parts around it.` };
    const outer = polygon[0];
    if (!Array.isArray(outer)) return { problem: `${where}it has no outer ring.` };
    const ring = outer.map((pair) => (Array.isArray(pair) && pair.length >= 2 ? { lat: Number(pair[1]), long: Number(pair[0]) } : { lat: Number.NaN, long: Number.NaN }))
      .map((p) => ({ lat: Number(p.lat.toFixed(6)), long: Number(p.long.toFixed(6)) }));
    for (const p of ring) { const bad = pointProblem(p); if (bad) return { problem: `${where}${bad}.` }; }
    const shape = ringProblem(ring);
    if (shape) return { problem: where + shape };
    rings.push(ring);
  }
  return { rings };
}

/** Whether typed area text is GeoJSON rather than CAP lines. */
export const looksLikeGeoJson = (text: string): boolean => text.trimStart().startsWith('{');
