/**
 * CRASH: every acknowledged submission survives kill -9, also when many arrive at once (on
 * SQLite they then share commits). The server is killed while POSTs are still coming in; every
 * request id it answered 201 for must be in the database afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { openDatabase } from '../src/db/connection.js';
import { demoCity } from '../src/demo/city.js';
import { seedDemoCatalogue } from '../src/demo/seed.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startServer, type Server } from './server-process.js';

describe('acknowledged submissions survive kill -9 (sqlite)', () => {
  let t: TestDatabase;
  let server: Server;
  let key: string;
  before(async () => {
    t = await createTestDatabase({ name: 'sqlite' });
    await seedDemoCatalogue(t.db, demoCity.id);
    key = (await createApiKey(t.db, { name: 'crash test' }, 'test')).key;
    await t.db.destroy();
    server = await startServer({ ...t.env, TOWNHALL_API_RATE_LIMIT: '1000000' }, []);
  });
  after(async () => {
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
    await t.cleanup();
  });

  test('CRASH: killed amid 40 concurrent POSTs, every 201 is in the database', { timeout: 120_000 }, async () => {
    const body = new URLSearchParams([['api_key', key], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
      ['description', 'A pothole'], ['email', 'resident@example.org'], ['attribute[size]', 'large']]).toString();
    const acknowledged: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const response = await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
          if (response.status === 201) acknowledged.push(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 40 }, client);
    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = new Promise((resolve) => server.process.once('exit', (_code, signal) => resolve(signal)));
    server.process.kill('SIGKILL');
    stop = true;
    assert.equal(await exited, 'SIGKILL');
    await Promise.all(clients);

    const db = openDatabase(t.url);
    try {
      const ids = acknowledged.map(Number);
      const found = new Set((await db.selectFrom('cases').select('id').where('id', 'in', ids).execute()).map((row) => row.id));
      assert.deepEqual(ids.filter((id) => !found.has(id)), [], 'every acknowledged request is saved');
    } finally {
      await db.destroy();
    }
  });
});
