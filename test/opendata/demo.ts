/**
 * The demo city on a fresh test database, served over HTTP, for the open-data tests: seeded at a
 * fixed moment, so its history is the same on every run and on both databases.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { demoCity } from '../../src/demo/city.js';
import { seedDemo } from '../../src/demo/seed.js';
import { makeKeyring, newKey, type Keyring } from '../../src/platform/crypto.js';
import { createTestDatabase, type TestDatabase } from '../database.js';

export interface Running { baseUrl: string; db: TestDatabase['db']; config: Config; keyring: Keyring; close(): Promise<void> }

export async function startDemo(database: { name: 'sqlite' | 'postgres' }): Promise<Running> {
  const testDb = await createTestDatabase(database);
  const b = demoCity.bounds;
  const config = loadConfig({
    DATABASE_URL: testDb.url, LOG_LEVEL: 'silent', PORT: '0', TOWNHALL_JURISDICTION_ID: demoCity.id, TOWNHALL_JURISDICTION_NAME: demoCity.name,
    TOWNHALL_TIME_ZONE: demoCity.timeZone, TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`,
  });
  const keyring = makeKeyring(newKey());
  await seedDemo(testDb.db, config, keyring, new Date('2026-12-07T06:00:00Z'));
  const app = await buildApp({ config, db: testDb.db, keyring, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { baseUrl: config.publicUrl, db: testDb.db, config, keyring, close: async () => { await app.close(); await testDb.cleanup(); } };
}
