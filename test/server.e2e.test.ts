/**
 * The server as an operator runs it: `townhall serve` in its own process, health checks, the
 * demo on an empty database, and a graceful stop on SIGTERM that finishes requests in flight.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { startServer, type Server } from './server-process.js';
import { readFileSync } from 'node:fs';
import { generate } from 'otplib';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/demo/people.js';
import { WebClient } from './web-client.js';


for (const database of databasesUnderTest()) {
  describe(`townhall serve on ${database.name}`, () => {
    let t: TestDatabase;
    let server: Server;
    before(async () => {
      t = await createTestDatabase(database, { migrate: false });
      server = await startServer({ ...t.env, LOG_LEVEL: 'info' }, ['--demo']);
    });
    after(async () => {
      if (server.process.exitCode === null) server.process.kill('SIGKILL');
      await t.cleanup();
    });

    test('health checks answer, with security headers on the response', async () => {
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
      assert.match(health.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.doesNotMatch(health.headers.get('content-security-policy') ?? '', /unsafe-inline/);
      assert.equal(health.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
    });

    test('--demo loads the demo city into the empty database', async () => {
      const services = (await (await fetch(`${server.url}/open311/v2/services.json`)).json()) as Array<{ group: string }>;
      assert.ok(services.length >= 12, `${services.length} services`);
      assert.ok(new Set(services.map((s) => s.group)).size >= 5);
      const recent = (await (await fetch(`${server.url}/open311/v2/requests.json`)).json()) as unknown[];
      assert.ok(recent.length > 0, 'requests in the last 90 days');
      const account = await t.db.selectFrom('users').select('password_hash').where('password_hash', 'is not', null).executeTakeFirstOrThrow();
      assert.match(account.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'a real server hashes passwords at OWASP\'s cost');
    });

    test('the demo case worker signs in with the password and authenticator key in the README, and sees their department\'s cases', async () => {
      const browser = new WebClient(server.url);
      await browser.get('/sign-in');
      const password = await browser.post('/sign-in', { email: 'caseworker@demo.townhall.example', password: DEMO_PASSWORD });
      assert.equal(password.location, '/sign-in/second-factor');
      await browser.get('/sign-in/second-factor');
      const code = await browser.post('/sign-in/second-factor', { code: await generate({ secret: DEMO_TOTP_SECRET }) });
      assert.equal(code.status, 200, 'first sign-in: the recovery codes page');
      const workspace = await browser.get('/staff');
      assert.equal(workspace.status, 200);
      assert.match(workspace.html, /Cases of Public Works Department/);
      assert.match(workspace.html, /\/staff\/requests\/\d+/, 'the demo history gives the department cases');
      const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
      assert.ok(readme.includes(DEMO_PASSWORD) && readme.includes(DEMO_TOTP_SECRET) && readme.includes('caseworker@demo.townhall.example'), 'the README documents the demo accounts');
    });

    test('an unknown path gets a JSON 404, not a crash', async () => {
      const response = await fetch(`${server.url}/no/such/page`);
      assert.equal(response.status, 404);
      assert.match(((await response.json()) as { message: string }).message, /There is no GET \/no\/such\/page/);
    });

    test('SIGTERM stops accepting, finishes the request in flight, and exits cleanly', async () => {
      const { hostname, port } = new URL(server.url);
      // Send half a request, stop the server, then send the rest: it must still be answered.
      const pending = request({ host: hostname, port, method: 'POST', path: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 24 } });
      const answered = once(pending, 'response');
      pending.write('service_code=pothole');
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.process.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      pending.end('&x=1');
      const [response] = (await answered) as [IncomingMessage];
      let body = '';
      for await (const chunk of response) body += String(chunk);
      assert.equal(response.statusCode, 403, body);
      assert.match(body, /api_key is required/);
      const [code] = (await once(server.process, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(server.output(), /stopped cleanly/);
    });
  });
}
