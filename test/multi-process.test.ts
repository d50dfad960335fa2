/**
 * Scale-out: two Townhall processes on one PostgreSQL database, taking reports at the same
 * time, must leave every report stored once and one unbroken audit chain.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createTestDatabase, postgresUrl, type TestDatabase } from './database.js';
import { startServer, type Server } from './server-process.js';
import { townhallBin as bin } from './built-release.js';

describe('two app processes on one PostgreSQL', { skip: postgresUrl ? false : 'needs TOWNHALL_TEST_POSTGRES_URL' }, () => {
  let t: TestDatabase;
  let servers: Server[] = [];
  let apiKey = '';
  before(async () => {
    t = await createTestDatabase({ name: 'postgres' }, { migrate: false });
    const env = { ...process.env, ...t.env };
    execFileSync(process.execPath, [bin, 'seed', '--demo'], { env, stdio: 'ignore' });
    apiKey = execFileSync(process.execPath, [bin, 'api-key', 'create', '--name', 'load test'], { env }).toString().trim();
    servers = await Promise.all([startServer(t.env, []), startServer(t.env, [])]);
  });
  after(async () => {
    for (const server of servers) server.process.kill('SIGTERM');
    await t.cleanup();
  });

  test('concurrent reports through both processes are all stored, with one valid audit chain', async () => {
    const before = Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const perServer = 60;
    const post = (base: string, n: number) => fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({ api_key: apiKey, service_code: 'pothole', lat: '37.77', long: '-122.42', 'attribute[size]': 'small', description: `report ${n}` }),
    }).then((r) => r.status);
    const statuses = await Promise.all(servers.flatMap((server, s) => Array.from({ length: perServer }, (_, n) => post(server.url, s * perServer + n))));
    assert.deepEqual(new Set(statuses), new Set([201]));
    const after = Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(after - before, 2 * perServer);
    const verify = execFileSync(process.execPath, [bin, 'audit', 'verify'], { env: { ...process.env, ...t.env } }).toString();
    assert.match(verify, /Audit trail intact/);
  });
});
