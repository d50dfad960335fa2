/**
 * Open reports near a place, so a resident about to report a problem can see it is already
 * known (and follow it instead). A box around the point narrows the search in SQL, using the
 * cases_location_idx index; the exact distance is then worked out here.
 */
import type { DB } from '../db/connection.js';

export interface NearbyReport {
  id: string;
  serviceName: string;
  description: string | null;
  addressString: string | null;
  requestedAt: string;
  /** Metres from the given point, rounded. */
  distance: number;
}

const EARTH_RADIUS_METRES = 6_371_008.8;
const METRES_PER_DEGREE_LAT = 111_320;
/** The box may hold many cases in a busy street; this many are measured at most. */
const MAX_CANDIDATES = 500;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in metres (haversine), good to well under a metre at these distances. */
export function distanceMetres(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const dLat = radians(b.lat - a.lat);
  const dLong = radians(b.long - a.long);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLong / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Open reports of one service within `radiusMetres` (default 250) of a point, nearest first. */
export async function nearbyOpenReports(db: DB, jurisdictionId: string, where: { serviceCode: string; lat: number; long: number; radiusMetres?: number; limit?: number }): Promise<NearbyReport[]> {
  const radius = Math.min(Math.max(where.radiusMetres ?? 250, 1), 5_000);
  const limit = Math.min(Math.max(Math.floor(where.limit ?? 5), 1), 50);
  if (!Number.isFinite(where.lat) || !Number.isFinite(where.long) || Math.abs(where.lat) > 90 || Math.abs(where.long) > 180) return [];
  const dLat = radius / METRES_PER_DEGREE_LAT;
  // A degree of longitude shrinks towards the poles; never divide by (nearly) zero.
  const dLong = radius / (METRES_PER_DEGREE_LAT * Math.max(Math.cos(radians(where.lat)), 0.01));
  const rows = await db.selectFrom('cases')
    .innerJoin('services', (join) => join
      .onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id')
      .onRef('services.code', '=', 'cases.service_code'))
    .select(['cases.id', 'cases.description', 'cases.address_string', 'cases.requested_at', 'cases.lat', 'cases.long', 'services.name as service_name'])
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .where('cases.lat', '>=', where.lat - dLat).where('cases.lat', '<=', where.lat + dLat)
    .where('cases.long', '>=', where.long - dLong).where('cases.long', '<=', where.long + dLong)
    .where('cases.service_code', '=', where.serviceCode)
    .where('cases.status', '=', 'open')
    .orderBy('cases.requested_at', 'desc')
    .limit(MAX_CANDIDATES)
    .execute();
  return rows
    .map((row) => ({ row, distance: distanceMetres(where, { lat: row.lat as number, long: row.long as number }) }))
    .filter(({ distance }) => distance <= radius)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map(({ row, distance }) => ({
      id: String(row.id),
      serviceName: row.service_name,
      description: row.description,
      addressString: row.address_string,
      requestedAt: row.requested_at,
      distance: Math.round(distance),
    }));
}
