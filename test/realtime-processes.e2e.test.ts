/**
 * Two app processes on one PostgreSQL database: an event published through one (an Open311
 * status update) reaches a live stream held by the other within a couple of seconds (LISTEN/
 * NOTIFY; the fallback poll is slower than that).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './database.js';
import { testJurisdiction } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { openStream } from './realtime-client.js';
import { startServer, type Server } from './server-process.js';

describe('live updates across two app processes on one PostgreSQL', { skip: postgresUrl ? false : 'needs TOWNHALL_TEST_POSTGRES_URL' }, () => {
  let t: TestDatabase;
  let servers: Server[] = [];
  let apiKey = '';
  before(async () => {
    t = await createTestDatabase({ name: 'postgres' });
    for (const [index, group] of fixture.groups.entries()) await saveServiceGroup(t.db, testJurisdiction.id, group, index, 'test');
    for (const service of fixture.services) await createService(t.db, testJurisdiction.id, service, 'test');
    apiKey = (await createApiKey(t.db, { name: 'back office', scopes: ['open311:submit', 'open311:update'] }, 'test')).key;
    const b = testJurisdiction.bounds;
    const env = { ...t.env, TOWNHALL_JURISDICTION_ID: testJurisdiction.id, TOWNHALL_TIME_ZONE: testJurisdiction.timeZone, TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}` };
    servers = await Promise.all([startServer(env, []), startServer(env, [])]);
  });
  after(async () => {
    for (const server of servers) server.process.kill('SIGTERM');
    await t.cleanup();
  });

  test('a status update through process 1 reaches a stream on process 2 within 2 s', async () => {
    const [one, two] = servers as [Server, Server];
    const posted = await fetch(`${one.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({ api_key: apiKey, service_code: GRAFFITI, address_string: '1 Test Road', description: 'live across processes' }),
    });
    assert.equal(posted.status, 201, await posted.clone().text());
    const id = ((await posted.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    const stream = await openStream(`${two.url}/requests/${id}/events`);
    try {
      assert.equal(stream.status, 200);
      await stream.waitFor(/retry: \d+/);
      const started = Date.now();
      const update = await fetch(`${one.url}/open311/v2/servicerequestupdates.json`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: apiKey, update_id: `live-${id}`, service_request_id: id, status: 'CLOSED', updated_datetime: new Date().toISOString(), description: 'Filled' }),
      });
      assert.ok(update.status < 300, await update.text());
      await stream.waitFor(/id: \d+\nevent: update\ndata: .*"status":"closed"/, 5_000);
      const took = Date.now() - started;
      assert.ok(took < 2_000, `took ${took} ms`);
    } finally {
      stream.close();
    }
  });
});
