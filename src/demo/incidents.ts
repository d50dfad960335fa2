/**
 * The demo's emergency: in the last hour a dozen residents of one neighbourhood report water
 * coming up through the street, far above what that place usually sees at this hour of the week.
 * The surge job's first look flags it, so an emergency officer signing in finds a possible
 * incident waiting on /staff/incidents, ready to be opened with those reports linked.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { detectSurges } from '../incidents/surge.js';
import type { Keyring } from '../platform/crypto.js';
import { importDemoHistory } from './history-import.js';
import type { HistoricRequest } from './history.js';
import { demoPlaces } from './places.js';

const AREA = 'Mission';
const REPORTS = 12;
const words = [
  'Water bubbling up through the sidewalk', 'Street flooding from under the road', 'Water gushing from a crack in the road',
  'No water pressure and water running down the street', 'Large puddle growing fast at the corner', 'Water coming out of a manhole',
];

/** The burst's reports: the routing that follows (routeDemoOpenCases) puts them in the water department's queue. */
export async function seedDemoBurst(db: DB, config: Config, keyring: Keyring, historyFile: string, now: Date): Promise<number> {
  const area = demoPlaces(historyFile).find((p) => p.kind === 'area' && p.name === AREA);
  if (!area?.bounds) return 0;
  const { minLat, maxLat, minLong, maxLong } = area.bounds;
  // Near the middle of the neighbourhood, a street or two apart: where one main runs.
  const centre = { lat: (minLat + maxLat) / 2, long: (minLong + maxLong) / 2 };
  const burst: HistoricRequest[] = Array.from({ length: REPORTS }, (_, i) => ({
    serviceCode: 'water-leak', description: words[i % words.length]!, lat: centre.lat + ((i % 4) - 1.5) * 0.0007, long: centre.long + ((i % 3) - 1) * 0.0009,
    addressString: null, channel: i % 3 === 0 ? 'phone' : 'web', attributes: { source: i % 2 === 0 ? 'main_break' : 'ground' },
    requestedAt: new Date(now.getTime() - (52 - i * 4) * 60_000).toISOString(), closedAt: null, statusNotes: null, agencyResponsible: null,
  }));
  return importDemoHistory(db, { jurisdiction: config.jurisdiction, keyring }, burst, { id: 'seed' });
}

/** The surge job's first look, once the neighbourhoods are in the gazetteer. */
export const flagDemoSurges = (db: DB, config: Config, now: Date) => detectSurges(db, config.jurisdiction.id, now.toISOString());
