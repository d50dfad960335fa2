/**
 * The demo city's gazetteer, from the same San Francisco 311 sample as its history: every
 * distinct address with a point, each street (the addresses without their house numbers, and
 * both streets of an intersection) and each neighbourhood, with a centre and an extent.
 */
import type { Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import { importPlaces, type PlaceInput } from '../places/places.js';
import { readCsvFile } from '../platform/csv.js';
import { demoCity } from './city.js';

/** "1671 25TH AVE, SAN FRANCISCO, CA, 94122" → "1671 25th Ave"; "O'FARRELL ST" → "O'Farrell St". */
export function demoPlaceName(text: string): string {
  return text.replace(/,\s*SAN FRANCISCO\b.*$/i, '').replace(/^Intersection of\s+/i, '').replace(/\s+/g, ' ').trim().toLowerCase()
    .replace(/(^|[\s/(-])([a-z])/g, (_m, before: string, letter: string) => before + letter.toUpperCase())
    .replace(/\bAnd\b/g, 'and').replace(/\bO'([a-z])/g, (_m, l: string) => `O'${l.toUpperCase()}`)
    .replace(/\bMc([a-z])/g, (_m, l: string) => `Mc${l.toUpperCase()}`);
}

/** The centre and extent of a set of points. */
class Extent {
  private latSum = 0;
  private longSum = 0;
  private n = 0;
  private box: Bounds | null = null;
  add(lat: number, long: number): void {
    this.latSum += lat;
    this.longSum += long;
    this.n++;
    const b = this.box;
    this.box = b ? { minLat: Math.min(b.minLat, lat), minLong: Math.min(b.minLong, long), maxLat: Math.max(b.maxLat, lat), maxLong: Math.max(b.maxLong, long) }
      : { minLat: lat, minLong: long, maxLat: lat, maxLong: long };
  }
  place(kind: 'street' | 'area', name: string): PlaceInput {
    return { kind, name, lat: this.latSum / this.n, long: this.longSum / this.n, bounds: this.box };
  }
}

/** The places in the sample (plain or gzipped CSV), within the demo city's bounds. */
export function demoPlaces(csvPath: string): PlaceInput[] {
  const [header, ...rows] = readCsvFile(csvPath);
  const column = (name: string) => {
    const index = header?.indexOf(name) ?? -1;
    if (index === -1) throw new Error(`${csvPath} has no "${name}" column.`);
    return index;
  };
  const [addressColumn, pointColumn, areaColumn] = [column('Address'), column('Point'), column('Neighborhood')];
  const { bounds } = demoCity;
  const addresses = new Map<string, PlaceInput>();
  const streets = new Map<string, Extent>();
  const areas = new Map<string, Extent>();
  const extend = (map: Map<string, Extent>, name: string, lat: number, long: number) => {
    let extent = map.get(name);
    if (!extent) map.set(name, extent = new Extent());
    extent.add(lat, long);
  };

  for (const row of rows) {
    const point = /^\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/.exec((row[pointColumn] ?? '').trim());
    if (!point) continue;
    const lat = Number(point[1]), long = Number(point[2]);
    if (lat < bounds.minLat || lat > bounds.maxLat || long < bounds.minLong || long > bounds.maxLong) continue;
    const name = demoPlaceName(row[addressColumn] ?? '');
    if (name !== '' && /[a-z]/i.test(name)) {
      if (!addresses.has(name)) addresses.set(name, { kind: 'address', name, lat, long, bounds: null });
      const numbered = /^\d+[A-Za-z]?(-\d+)?\s+(.+)$/.exec(name);
      const streetNames = numbered ? [numbered[2]!] : name.split(' and ');
      for (const street of streetNames) if (/[a-z]/i.test(street)) extend(streets, street.trim(), lat, long);
    }
    const area = (row[areaColumn] ?? '').trim();
    if (area !== '' && area !== 'NA') extend(areas, area, lat, long);
  }
  return [
    ...[...areas].map(([name, extent]) => extent.place('area', name)),
    ...[...streets].map(([name, extent]) => extent.place('street', name)),
    ...addresses.values(),
  ];
}

/** Loads the demo gazetteer in one transaction. */
export async function seedDemoPlaces(db: DB, jurisdictionId: string, csvPath: string): Promise<number> {
  return importPlaces(db, jurisdictionId, demoPlaces(csvPath));
}
