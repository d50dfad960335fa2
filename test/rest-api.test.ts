/**
 * The REST API for staff systems (/api/v1) and the webhook console, over HTTP on each database:
 * the happy path (read cases and services, take actions through the workflow, audited; manage
 * webhook subscriptions by API, the secret shown once) and the 4xx paths (no key, wrong scope,
 * unknown filters, bad bodies, another key's subscription, another department's case).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { createUser } from '../src/identity/users.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`REST API and webhook console on ${database.name}`, () => {
    let t: RunningTownhall;
    let full = '';
    let reader = '';
    let other = '';
    let caseId = '';
    let worker = '';
    let stranger = '';
    before(async () => {
      t = await startTownhall(database, fixture);
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      full = (await createApiKey(t.db, { name: 'staff system', scopes: ['cases:read', 'cases:write', 'webhooks:manage'] }, 'test')).key;
      reader = (await createApiKey(t.db, { name: 'reader', scopes: ['cases:read'] }, 'test')).key;
      other = (await createApiKey(t.db, { name: 'another system', scopes: ['webhooks:manage'] }, 'test')).key;
      worker = (await createUser(t.db, t.keyring, { email: 'worker@example.org', role: 'case_worker', departmentCode: 'public-works' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test')).id;
      stranger = (await createUser(t.db, t.keyring, { email: 'parks@example.org', role: 'case_worker', departmentCode: 'parks' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test')).id;
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', description: 'Tag on the wall', email: 'reporter@example.org' }),
      });
      caseId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    });
    after(() => t.close());

    const call = async (method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${t.baseUrl}/api/v1${path}`, {
        method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
    };

    test('cases and services are read with a cases:read key; filters Townhall does not know are refused', async () => {
      const services = await call('GET', '/services', reader);
      assert.equal(services.status, 200);
      assert.ok(services.json.some((s) => s.code === GRAFFITI));
      const list = await call('GET', `/cases?service_code=${GRAFFITI}&status=open&limit=10`, reader);
      assert.equal(list.status, 200);
      const cases = list.json.cases as Array<Record<string, unknown>>;
      assert.deepEqual(cases.map((c) => c.id), [caseId]);
      assert.equal(list.json.total, 1);
      assert.equal(cases[0]!.department, 'public-works');
      assert.doesNotMatch(JSON.stringify(list.json), /reporter@example\.org/, 'no contact details');
      const one = await call('GET', `/cases/${caseId}`, reader);
      assert.equal(one.status, 200);
      assert.equal(one.json.description, 'Tag on the wall');
      assert.equal((await call('GET', '/cases?colour=red', reader)).status, 400);
      assert.match(String((await call('GET', '/cases?colour=red', reader)).json.message), /Unknown parameter colour/);
      assert.equal((await call('GET', '/cases?status=pending', reader)).status, 400);
      assert.equal((await call('GET', '/cases?limit=0', reader)).status, 400);
      assert.equal((await call('GET', '/cases?requested_after=yesterday', reader)).status, 400);
      assert.equal((await call('GET', '/cases/99999', reader)).status, 404);
      assert.equal((await call('GET', '/cases/abc', reader)).status, 404);
      assert.equal((await call('GET', '/cases', null)).status, 401);
      assert.equal((await call('GET', '/cases', 'th_not-a-key')).status, 401);
      assert.equal((await call('GET', '/cases', other)).status, 403);
      assert.equal((await call('GET', '/nothing-here', reader)).status, 404);
    });

    test('actions go through the workflow as the named member of staff, idempotent and audited', async () => {
      const note = { operatorId: worker, kind: 'note', text: 'Crew booked for Tuesday' };
      assert.equal((await call('POST', `/cases/${caseId}/actions`, reader, { ...note, idempotencyKey: 'n1' })).status, 403, 'a read key may not write');
      assert.equal((await call('POST', `/cases/${caseId}/actions`, null, { ...note, idempotencyKey: 'n1' })).status, 401);
      const done = await call('POST', `/cases/${caseId}/actions`, full, note, { 'idempotency-key': 'n1' });
      assert.equal(done.status, 201, JSON.stringify(done.json));
      assert.equal(done.json.repeated, false);
      const again = await call('POST', `/cases/${caseId}/actions`, full, { ...note, idempotencyKey: 'n1' });
      assert.equal(again.status, 200);
      assert.equal(again.json.repeated, true);
      assert.equal(again.json.actionId, done.json.actionId);
      const history = await call('GET', `/cases/${caseId}/actions`, reader);
      assert.deepEqual(history.json.filter((a) => a.action === 'note').map((a) => [a.actor, a.description]), [[`user:${worker}`, 'Crew booked for Tuesday']]);
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_id', '=', caseId).where('action', 'in', ['case.note', 'api.case_action']).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => [a.action, a.actor]), [['case.note', `user:${worker}`], ['api.case_action', 'api_key:' + (await t.db.selectFrom('api_keys').select('id').where('name', '=', 'staff system').executeTakeFirstOrThrow()).id]]);
      const priority = await call('POST', `/cases/${caseId}/actions`, full, { operatorId: worker, kind: 'set_priority', priority: 'high', idempotencyKey: 'p1' });
      assert.equal(priority.status, 201);
      assert.equal((await call('GET', `/cases/${caseId}`, reader)).json.priority, 'high');

      assert.equal((await call('POST', `/cases/${caseId}/actions`, full, note)).status, 400, 'no idempotency key');
      assert.equal((await call('POST', `/cases/${caseId}/actions`, full, { ...note, operatorId: '99999', idempotencyKey: 'n2' })).status, 400, 'no such operator');
      assert.equal((await call('POST', `/cases/${caseId}/actions`, full, { ...note, kind: 'explode', idempotencyKey: 'n3' })).status, 400);
      assert.equal((await call('POST', `/cases/${caseId}/actions`, full, { operatorId: worker, kind: 'note', idempotencyKey: 'n4' })).status, 400, 'a note needs text');
      const unknownStep = await call('POST', `/cases/${caseId}/actions`, full, { operatorId: worker, kind: 'transition', transition: 'no_such_step', idempotencyKey: 'n5' });
      assert.ok(unknownStep.status >= 400 && unknownStep.status < 500, `an unknown step is a 4xx: ${unknownStep.status}`);
      assert.equal((await call('POST', `/cases/${caseId}/actions`, full, { ...note, operatorId: stranger, idempotencyKey: 'n6' })).status, 403, 'another department\'s case');
      assert.equal((await call('POST', '/cases/99999/actions', full, { ...note, idempotencyKey: 'n7' })).status, 404);
      const form = await fetch(`${t.baseUrl}/api/v1/cases/${caseId}/actions`, { method: 'POST', headers: { authorization: `Bearer ${full}` }, body: new URLSearchParams({ kind: 'note' }) });
      assert.equal(form.status, 400, 'a form body is refused in words, not a 500');
    });

    test('webhook subscriptions by API: the secret once, each key its own, bad input refused', async () => {
      const created = await call('POST', '/webhooks', full, { name: 'Contractor', url: 'https://contractor.example/hooks', eventTypes: ['created', 'transition'], serviceCodes: [GRAFFITI], contactEmail: 'ops@contractor.example' });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.match(String(created.json.secret), /^whsec_/);
      const id = (created.json.subscription as { id: number }).id;
      const listed = await call('GET', '/webhooks', full);
      assert.deepEqual(listed.json.map((s) => s.id), [id]);
      assert.doesNotMatch(JSON.stringify(listed.json), /whsec_/, 'the secret is not shown again');
      const one = await call('GET', `/webhooks/${id}`, full);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json.deliveries, []);
      assert.equal((await call('GET', `/webhooks/${id}`, other)).status, 404, 'another key does not see it');
      assert.deepEqual((await call('GET', '/webhooks', other)).json, []);
      assert.equal((await call('GET', '/webhooks', reader)).status, 403);
      const off = await call('POST', `/webhooks/${id}/status`, full, { active: false });
      assert.equal(off.status, 200);
      assert.equal(off.json.status, 'disabled');
      assert.equal((await call('POST', `/webhooks/${id}/replay`, full, { since: '2026-01-01T00:00:00Z' })).status, 409, 'turned off');
      await call('POST', `/webhooks/${id}/status`, full, { active: true });
      assert.equal((await call('POST', `/webhooks/${id}/replay`, full, {})).status, 400);
      assert.equal((await call('POST', `/webhooks/${id}/replay`, full, { deliveryId: '12345' })).status, 404);
      assert.deepEqual((await call('POST', `/webhooks/${id}/replay`, full, { since: '2026-01-01T00:00:00Z' })).json, { replayed: 0 });
      const bad = await call('POST', '/webhooks', full, { name: '', url: 'ftp://x', serviceCodes: ['no-such'], departmentCodes: ['nowhere'], contactEmail: 'nobody' });
      assert.equal(bad.status, 400);
      assert.equal((bad.json.problems as string[]).length, 5, JSON.stringify(bad.json.problems));
      assert.equal((await call('POST', '/webhooks', full, { name: 'x', url: 'https://x.example', eventTypes: ['exploded'], contactEmail: 'a@b.example' })).status, 400);
      assert.equal((await call('POST', '/webhooks', full, { name: 'x', url: 'https://x.example' })).status, 400, 'an API subscription names its contact');
      // Server-side request forgery: plain http and private hosts are refused with the reason (this server runs without the allowance).
      for (const [url, words] of [
        ['http://hooks.contractor.example/in', /must start with https:\/\//], ['https://127.0.0.1:8443/in', /127\.0\.0\.1 is a private, local or reserved address/],
        ['https://2130706433/in', /127\.0\.0\.1 is a private/], ['https://[::ffff:169.254.169.254]/latest', /::ffff:a9fe:a9fe is a private/], ['https://localhost/in', /names this machine/],
      ] as const) {
        const refused = await call('POST', '/webhooks', full, { name: 'x', url, contactEmail: 'a@b.example' });
        assert.equal(refused.status, 400, url);
        assert.match((refused.json.problems as string[]).join(' '), words, url);
      }
      assert.equal(t.config.outbound.allowPrivateAddresses, false);
    });

    test('the console: a system administrator adds a webhook (secret shown once), sees it, replays, with CSRF and plain errors', async () => {
      const user = await createUser(t.db, t.keyring, { email: 'admin@example.org', role: 'system_admin', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('system_admin'), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      const list = await browser.get('/admin/webhooks');
      assert.equal(list.status, 200);
      assert.match(list.html, /Add a webhook/);
      const bad = await browser.post('/admin/webhooks', { name: 'Highways', url: 'not an address' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /href="#url"/);
      const forged = await browser.post('/admin/webhooks', { name: 'Highways', url: 'https://highways.example/hooks', _csrf: 'forged' });
      assert.equal(forged.status, 403);
      await browser.get('/admin/webhooks');
      const made = await browser.post('/admin/webhooks', { name: 'Highways', url: 'https://highways.example/hooks', eventTypes: 'created', departmentCodes: 'public-works' });
      assert.equal(made.status, 201, made.html);
      const secret = /whsec_[A-Za-z0-9+/=]+/.exec(made.html)?.[0];
      assert.ok(secret, 'the secret is shown');
      const row = await t.db.selectFrom('webhook_subscriptions').selectAll().where('name', '=', 'Highways').executeTakeFirstOrThrow();
      assert.equal(row.owner, `user:${user.id}`);
      const page = await browser.get(`/admin/webhooks/${row.id}`);
      assert.equal(page.status, 200);
      assert.ok(!page.html.includes(secret), 'and never again');
      assert.match(page.html, /public-works/);
      const replay = await browser.post(`/admin/webhooks/${row.id}/replay`, { since: 'last week' });
      assert.equal(replay.status, 400);
      assert.match(replay.html, /Give the time/);
      await browser.get(`/admin/webhooks/${row.id}`);
      const off = await browser.post(`/admin/webhooks/${row.id}/status`, { active: 'no' });
      assert.equal(off.status, 200);
      assert.match(off.html, /The webhook is off/);
      assert.equal((await browser.get('/admin/webhooks/99999')).status, 404);
      const audit = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'webhook_subscription').where('entity_id', '=', String(row.id)).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['webhook_subscription.created', 'webhook_subscription.disabled'], 'a refused replay changes nothing');
    });
  });
}
