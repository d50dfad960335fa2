/**
 * Open reports near a place. CONTRACT ONLY until engineer D builds it.
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

/** Open reports of one service within `radiusMetres` (default 250) of a point, nearest first. */
export async function nearbyOpenReports(_db: DB, _jurisdictionId: string, _where: { serviceCode: string; lat: number; long: number; radiusMetres?: number; limit?: number }): Promise<NearbyReport[]> {
  throw new Error('not built yet');
}
