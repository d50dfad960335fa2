/**
 * Reading a council's gazetteer from CSV: kind,name,lat,long[,min_lat,min_long,max_lat,max_long].
 * Every line is checked before anything is saved, and each problem names its line, so a council
 * can fix the file and load it again.
 */
import { withinBounds, type Bounds } from '../config.js';
import { parseCsv } from '../platform/csv.js';
import { placeKinds, type PlaceInput, type PlaceKind } from './places.js';

export const placesCsvColumns = ['kind', 'name', 'lat', 'long', 'min_lat', 'min_long', 'max_lat', 'max_long'] as const;

/** More problems than this are not listed one by one: the file is likely in another format. */
const MAX_PROBLEMS = 20;

export function parsePlacesCsv(text: string, area: Bounds): { places: PlaceInput[]; problems: string[] } {
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    return { places: [], problems: [(error as Error).message] };
  }
  const places: PlaceInput[] = [];
  const problems: string[] = [];
  const inside = (lat: number, long: number) => withinBounds(area, lat, long);
  records.forEach((record, index) => {
    const line = index + 1;
    const fields = record.map((f) => f.trim());
    if (fields.every((f) => f === '')) return;
    if (index === 0 && fields[0]?.toLowerCase() === 'kind') return; // a header line
    const problem = (text: string) => problems.push(`Line ${line}: ${text}`);
    if (fields.length !== 4 && fields.length !== 8) return problem(`expected 4 or 8 columns (${placesCsvColumns.join(',')}), found ${fields.length}.`);
    const [kind = '', name = ''] = fields;
    if (!placeKinds.includes(kind as PlaceKind)) return problem(`kind must be address, street or area, not "${kind}".`);
    if (name === '') return problem('the name is empty.');
    if (name.length > 200) return problem('the name is longer than 200 characters.');
    const numbers = fields.slice(2).map((f) => (/^-?\d+(\.\d+)?$/.test(f) ? Number(f) : NaN));
    const names = placesCsvColumns.slice(2);
    const bad = numbers.findIndex((n) => Number.isNaN(n));
    if (bad !== -1) return problem(`${names[bad]} must be a decimal number like 37.7749, not "${fields[bad + 2]}".`);
    const [lat, long, minLat, minLong, maxLat, maxLong] = numbers as [number, number, number?, number?, number?, number?];
    if (!inside(lat, long)) return problem(`the point ${lat},${long} is outside the council’s area (TOWNHALL_BOUNDS).`);
    let bounds: Bounds | null = null;
    if (minLat !== undefined && minLong !== undefined && maxLat !== undefined && maxLong !== undefined) {
      if (minLat > maxLat || minLong > maxLong) return problem('min_lat and min_long must not be greater than max_lat and max_long.');
      if (lat < minLat || lat > maxLat || long < minLong || long > maxLong) return problem('the point is outside its own bounding box.');
      bounds = { minLat, minLong, maxLat, maxLong };
    }
    places.push({ kind: kind as PlaceKind, name: name.replace(/\s+/g, ' '), lat, long, bounds });
  });
  if (problems.length === 0 && places.length === 0) problems.push('The file has no places in it.');
  if (problems.length > MAX_PROBLEMS) return { places: [], problems: [...problems.slice(0, MAX_PROBLEMS), `…and ${problems.length - MAX_PROBLEMS} more problems.`] };
  return { places: problems.length > 0 ? [] : places, problems };
}
