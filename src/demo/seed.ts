/**
 * Loads the demo city: its service catalogue and a year of historic requests based on a real
 * San Francisco 311 sample (public domain), shifted to end today.
 */
import { seedDemoPerformance } from './performance.js';
import { fileURLToPath } from 'node:url';
import { createService, countServices, saveServiceGroup } from '../catalogue/catalogue.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { seedDemoApplications } from './application-examples.js';
import { seedDemoApplicationServices } from './applications.js';
import { demoServiceGroups, demoServices } from './catalogue-data.js';
import { loadDemoHistory } from './history.js';
import { flagDemoSurges, seedDemoBurst } from './incidents.js';
import { importDemoHistory } from './history-import.js';
import { seedDemoPeople } from './people.js';
import { seedDemoPlaces } from './places.js';
import { routeDemoOpenCases, seedDemoDepartments } from './workspace.js';

const SEED_ACTOR = 'seed';
export const demoHistoryFile = fileURLToPath(new URL('../../demo-data/san-francisco-311-cases-sample10k.csv.gz', import.meta.url));

export interface SeedResult {
  services: number;
  requests: number;
  people: number;
  applications: number;
}

/** Seeds only an empty database, so restarting the demo never duplicates it. */
export async function seedDemoIfEmpty(db: DB, config: Config, keyring: Keyring): Promise<SeedResult | null> {
  if ((await countServices(db, config.jurisdiction.id)) > 0) return null;
  return seedDemo(db, config, keyring);
}

export async function seedDemo(db: DB, config: Config, keyring: Keyring, now = new Date()): Promise<SeedResult> {
  await seedDemoCatalogue(db, config.jurisdiction.id);
  await seedDemoDepartments(db, config, now);
  const people = demoAccountsAllowed(config) ? await seedDemoPeople(db, keyring, config) : 0;
  // 3,000 requests a year is a realistic load for a town of about 100,000 people, and seeds in seconds.
  const history = loadDemoHistory(demoHistoryFile, now, { limit: 3000 });
  const requests = await importDemoHistory(db, { jurisdiction: config.jurisdiction, keyring }, history, { id: SEED_ACTOR });
  // A burst water main in the last hour: a dozen reports from one neighbourhood.
  await seedDemoBurst(db, config, keyring, demoHistoryFile, now);
  // The staff workspace's queues: open cases in their departments, with their clocks running.
  await routeDemoOpenCases(db, config);
  // A few applications in the queue: received, waiting for more information, approved.
  const applications = await seedDemoApplications(db, config, keyring, now);
  // Addresses, streets and neighbourhoods, so a report can be placed by typing where it is.
  await seedDemoPlaces(db, config.jurisdiction.id, demoHistoryFile);
  // The burst flagged to emergency officers as a possible incident.
  await flagDemoSurges(db, config, now);
  // Costs per channel, residents' answers and website journeys: the published performance's four measures.
  await seedDemoPerformance(db, config.jurisdiction, SEED_ACTOR, now);
  return { services: demoServices.length, requests, people, applications };
}

/**
 * Demo accounts have a published password: only where Townhall is being tried (plain http),
 * never on a site served over https, where real people could reach them.
 */
export const demoAccountsAllowed = (config: Pick<Config, 'publicUrl'>) => !config.publicUrl.startsWith('https:');

export async function seedDemoCatalogue(db: DB, jurisdictionId: string): Promise<void> {
  for (const [index, group] of demoServiceGroups.entries()) await saveServiceGroup(db, jurisdictionId, group, index, SEED_ACTOR);
  for (const service of demoServices) await createService(db, jurisdictionId, service, SEED_ACTOR);
  // Permits and licences a resident applies for, each with its published form.
  await seedDemoApplicationServices(db, jurisdictionId, demoServiceGroups.length, SEED_ACTOR);
}
