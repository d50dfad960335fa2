/**
 * Who may call what: every registered route must appear in this table with the rule it
 * enforces, and every caller is tried against every route. A new route without a rule cannot
 * be registered at all (platform/access.ts); one whose rule is not listed here fails this test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey, revokeApiKey } from '../src/apikeys/apikeys.js';
import type { Access } from '../src/platform/access.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, POTHOLE } from './open311/fixture-catalogue.js';

const expectedRules: Record<string, Access> = {
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /openapi.json': { kind: 'public' },
  'GET /open311/discovery.:format': { kind: 'public' },
  'GET /open311/v2/services.:format': { kind: 'public' },
  'GET /open311/v2/services/:service_code.:format': { kind: 'public' },
  'GET /open311/v2/requests.:format': { kind: 'public' },
  'GET /open311/v2/requests/:service_request_id.:format': { kind: 'public' },
  'GET /open311/v2/tokens/:token.:format': { kind: 'public' },
  'GET /open311/v2/servicerequestupdates.:format': { kind: 'public' },
  'POST /open311/v2/requests.:format': { kind: 'api_key', scope: 'open311:submit' },
  'POST /open311/v2/servicerequestupdates.:format': { kind: 'api_key', scope: 'open311:update' },
};

interface Caller { name: string; key: string | null; scopes: string[] }

for (const database of databasesUnderTest()) {
  describe(`access matrix on ${database.name}`, () => {
    let t: RunningTownhall;
    let callers: Caller[] = [];
    let sample = { requestId: '', token: '' };
    before(async () => {
      t = await startTownhall(database, fixture);
      const submitOnly = await createApiKey(t.db, { name: 'submit only', scopes: ['open311:submit'] }, 'test');
      const updateOnly = await createApiKey(t.db, { name: 'update only', scopes: ['open311:update'] }, 'test');
      const revoked = await createApiKey(t.db, { name: 'revoked' }, 'test');
      await revokeApiKey(t.db, revoked.id, 'test');
      callers = [
        { name: 'anonymous', key: null, scopes: [] },
        { name: 'unknown key', key: 'th_not-a-real-key', scopes: [] },
        { name: 'revoked key', key: revoked.key, scopes: [] },
        { name: 'submit-only key', key: submitOnly.key, scopes: ['open311:submit'] },
        { name: 'update-only key', key: updateOnly.key, scopes: ['open311:update'] },
        { name: 'full key', key: t.apiKey, scopes: ['open311:submit', 'open311:update'] },
      ];
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: 'graffiti', address_string: '1 High Street' }),
      });
      const [row] = (await created.json()) as Array<{ service_request_id: string; token: string }>;
      sample = { requestId: row?.service_request_id ?? '', token: row?.token ?? '' };
    });
    after(() => t.close());

    test('every registered route has exactly the rule this table expects', () => {
      const registered = Object.fromEntries(t.routes.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]));
      assert.deepEqual(registered, expectedRules);
      for (const head of t.routes.filter((r) => r.method === 'HEAD')) {
        assert.deepEqual(head.access, expectedRules[`GET ${head.url}`], `HEAD ${head.url} follows its GET`);
      }
    });

    test('every caller gets exactly the access its key allows, on every route', async () => {
      for (const [route, rule] of Object.entries(expectedRules)) {
        const [method, pattern] = route.split(' ') as [string, string];
        const path = pattern.replace(':format', 'json').replace(':service_code', POTHOLE)
          .replace(':service_request_id', sample.requestId).replace(':token', sample.token);
        for (const caller of callers) {
          const params = new URLSearchParams(caller.key ? { api_key: caller.key } : {});
          const response = method === 'GET'
            ? await fetch(`${t.baseUrl}${path}?${params}`)
            : await fetch(`${t.baseUrl}${path}`, { method, body: params });
          const allowed = rule.kind === 'public' || caller.scopes.includes(rule.scope);
          if (allowed) assert.notEqual(response.status, 403, `${caller.name} may call ${route}`);
          else assert.equal(response.status, 403, `${caller.name} may not call ${route}`);
          assert.ok(response.status < 500, `${caller.name} on ${route}: ${response.status}`);
        }
      }
    });
  });
}

test('a route without an access rule cannot be registered', async () => {
  const { default: Fastify } = await import('fastify');
  const { enforceAccess } = await import('../src/platform/access.js');
  const app = Fastify();
  enforceAccess(app, null as never);
  assert.throws(() => app.get('/forgotten', async () => 'oops'), /Route GET \/forgotten has no access rule/);
  await app.close();
});
