/**
 * Department areas: the part of the council's map a department covers, as a GeoJSON Polygon or
 * MultiPolygon in WGS 84 (longitude, latitude). Uploads may also be a Feature or a
 * FeatureCollection of them (what most mapping tools export); they are stored as one geometry.
 */

export type Position = [number, number];
export type Ring = Position[];
export type AreaGeometry =
  | { type: 'Polygon'; coordinates: Ring[] }
  | { type: 'MultiPolygon'; coordinates: Ring[][] };

/** Larger files are almost certainly not a council's boundary drawn by hand or exported with care. */
export const MAX_AREA_BYTES = 1_000_000;
const MAX_PROBLEMS = 10;

/** Checks uploaded GeoJSON; returns the geometry to store, or the problems in plain words. */
export function parseDepartmentArea(text: string): { geometry: AreaGeometry } | { problems: string[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_AREA_BYTES) return { problems: [`The file is larger than ${MAX_AREA_BYTES / 1_000_000} MB. Simplify the shape (fewer points) and try again.`] };
  if (text.trim() === '') return { problems: ['The file is empty. Choose a GeoJSON file with the department\'s area.'] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problems: ['The file is not GeoJSON (it is not valid JSON). Export the area from your mapping tool as GeoJSON.'] };
  }
  const problems: string[] = [];
  const polygons: Ring[][] = [];
  collectPolygons(value, 'The file', polygons, problems, 0);
  if (problems.length === 0 && polygons.length === 0) problems.push('The file holds no polygon. A department\'s area must be a Polygon or MultiPolygon.');
  if (problems.length > 0) return { problems: problems.slice(0, MAX_PROBLEMS) };
  return { geometry: polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons } };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function collectPolygons(value: unknown, where: string, polygons: Ring[][], problems: string[], depth: number): void {
  if (!isObject(value) || typeof value.type !== 'string') {
    problems.push(`${where} is not a GeoJSON object (it has no "type").`);
    return;
  }
  switch (value.type) {
    case 'FeatureCollection':
      if (depth > 0) { problems.push(`${where} is a FeatureCollection inside another; use one collection.`); return; }
      if (!Array.isArray(value.features)) { problems.push(`${where} is a FeatureCollection without a "features" list.`); return; }
      value.features.forEach((feature, index) => collectPolygons(feature, `Feature ${index + 1}`, polygons, problems, depth + 1));
      return;
    case 'Feature':
      if (depth > 1) { problems.push(`${where} is a Feature inside a Feature.`); return; }
      if (!isObject(value.geometry)) { problems.push(`${where} has no geometry.`); return; }
      collectPolygons(value.geometry, where, polygons, problems, depth + 1);
      return;
    case 'Polygon': {
      const polygon = checkPolygon(value.coordinates, where, problems);
      if (polygon) polygons.push(polygon);
      return;
    }
    case 'MultiPolygon':
      if (!Array.isArray(value.coordinates) || value.coordinates.length === 0) { problems.push(`${where} is a MultiPolygon with no polygons.`); return; }
      value.coordinates.forEach((coordinates, index) => {
        const polygon = checkPolygon(coordinates, `${where}, polygon ${index + 1},`, problems);
        if (polygon) polygons.push(polygon);
      });
      return;
    default:
      problems.push(`${where} is a ${value.type.slice(0, 40)}; a department's area must be a Polygon or MultiPolygon (a line or points cannot hold a location).`);
  }
}

function checkPolygon(coordinates: unknown, where: string, problems: string[]): Ring[] | null {
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    problems.push(`${where} has no rings of coordinates.`);
    return null;
  }
  const rings: Ring[] = [];
  for (const [index, ring] of coordinates.entries()) {
    const name = index === 0 ? `${where} outer boundary` : `${where} hole ${index}`;
    if (!Array.isArray(ring)) { problems.push(`${name} is not a list of positions.`); return null; }
    if (ring.length < 4) { problems.push(`${name} has ${ring.length} positions; a ring needs at least 4 (the first repeated at the end).`); return null; }
    const positions: Ring = [];
    for (const position of ring) {
      if (!Array.isArray(position) || position.length < 2 || typeof position[0] !== 'number' || typeof position[1] !== 'number' || !Number.isFinite(position[0]) || !Number.isFinite(position[1])) {
        problems.push(`${name} has a position that is not [longitude, latitude] numbers.`);
        return null;
      }
      const [long, lat] = position as [number, number];
      if (long < -180 || long > 180 || lat < -90 || lat > 90) {
        problems.push(`${name} has a position [${long}, ${lat}] outside longitude -180 to 180 and latitude -90 to 90. Is the file in WGS 84 (EPSG:4326), longitude first?`);
        return null;
      }
      positions.push([long, lat]);
    }
    const first = positions[0]!;
    const last = positions[positions.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) { problems.push(`${name} is not closed: its last position must be the same as its first.`); return null; }
    rings.push(positions);
  }
  return rings;
}

/** Parses a stored area (trusted: it was checked on upload); null when there is none or it is unreadable. */
export function storedArea(text: string | null): AreaGeometry | null {
  if (!text) return null;
  const parsed = parseDepartmentArea(text);
  return 'geometry' in parsed ? parsed.geometry : null;
}

/** Ray casting: is the point inside the ring? (Points exactly on an edge may fall either way.) */
function inRing(ring: Ring, long: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if ((yi > lat) !== (yj > lat) && long < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer boundary and not in any hole. */
function inPolygon(rings: Ring[], long: number, lat: number): boolean {
  if (!inRing(rings[0]!, long, lat)) return false;
  return !rings.slice(1).some((hole) => inRing(hole, long, lat));
}

export function areaContains(area: AreaGeometry, lat: number, long: number): boolean {
  return area.type === 'Polygon'
    ? inPolygon(area.coordinates, long, lat)
    : area.coordinates.some((polygon) => inPolygon(polygon, long, lat));
}
