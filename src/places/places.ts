/**
 * The gazetteer: addresses, streets and areas with their coordinates. CONTRACT ONLY until
 * engineer A builds it.
 */
import type { Bounds } from '../config.js';
import type { DB } from '../db/connection.js';

export type PlaceKind = 'address' | 'street' | 'area';

export interface Place {
  id: number;
  kind: PlaceKind;
  name: string;
  lat: number;
  long: number;
  bounds: Bounds | null;
}

/** Places whose name matches the query, forgiving small typing mistakes; best first. */
export async function searchPlaces(_db: DB, _jurisdictionId: string, _query: string, _options: { kinds?: PlaceKind[]; limit?: number } = {}): Promise<Place[]> {
  throw new Error('not built yet');
}

export async function listAreas(_db: DB, _jurisdictionId: string): Promise<Place[]> {
  throw new Error('not built yet');
}

export async function getPlace(_db: DB, _jurisdictionId: string, _id: number): Promise<Place | undefined> {
  throw new Error('not built yet');
}
