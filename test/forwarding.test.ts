/**
 * Client mode (issue 13) in one process, on both databases: the back office setting of a service
 * in /admin/settings (checked, the API key sealed and never shown, audited), the outbox message a
 * forwarded service's new case queues in its submission's transaction, and the fetch of a back
 * office's servicerequestupdates feed, each update applied once. The back office here is this
 * same Townhall's Open311 API, over real HTTP: its pothole cases are forwarded to its own
 * graffiti service, which it works itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardingOf } from '../src/catalogue/forwarding.js';
import { findForward } from '../src/cases/forwarded.js';
import { fetchBackOfficeUpdates, readRemoteStatus } from '../src/forwarding/fetch-updates.js';
import { forwardingChannel } from '../src/forwarding/send.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { deliverDue } from '../src/notifications/delivery.js';
import { enqueue } from '../src/platform/outbox.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const service = (code: string, name: string) => ({ code, name, description: `${name}.`, groupCode: 'streets', keywords: [], type: 'realtime' as const, agencyResponsible: null, serviceNotice: null, expectedDays: 5, attributes: [] });
const inside = { lat: '51.5014', long: '-0.1419' };

test('a back office\'s status words become an open or closed case', () => {
  assert.deepEqual(readRemoteStatus('FIXED'), { status: 'closed', state: 'fixed' });
  assert.deepEqual(readRemoteStatus('Action scheduled'), { status: 'open', state: 'action_scheduled' });
  assert.deepEqual(readRemoteStatus('CANCELLED'), { status: 'closed', state: 'cancelled' });
  assert.deepEqual(readRemoteStatus('open'), { status: 'open', state: 'open' });
});

for (const database of databasesUnderTest()) {
  describe(`client mode on ${database.name}`, () => {
    let t: RunningTownhall;
    let admin: WebClient;
    let backOfficeKey = '';
    before(async () => {
      t = await startTownhall(database, { env: { TOWNHALL_ALLOW_PRIVATE_WEBHOOKS: '1' }, groups: [{ code: 'streets', name: 'Streets' }], services: [service('pothole', 'Pothole'), service('graffiti', 'Graffiti')] });
      const user = await createUser(t.db, t.keyring, { email: 'forwarding.admin@council.example', role: 'system_admin' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('system_admin'), secondFactor: true });
      admin = new WebClient(t.baseUrl);
      admin.cookies.set('townhall_session', token);
      await admin.get('/admin/settings');
      backOfficeKey = (await t.createApiKey('the council, as a client')).key;
    });
    after(() => t.close());

    const fields = () => ({ backOffice: 'Streets contractor', endpointUrl: `${t.baseUrl}/open311/v2`, remoteJurisdictionId: t.jurisdiction.id, remoteServiceCode: 'graffiti', apiKey: backOfficeKey, _action: 'save' });

    test('the back office is set on the service page: checked, its key sealed and never shown, audited', async () => {
      const page = await admin.get('/admin/settings/services/pothole');
      assert.equal(page.status, 200);
      assert.match(page.html, /<h2 id="forwarding">Back office<\/h2>/);
      const bad = await admin.post('/admin/settings/services/pothole/forwarding', { ...fields(), backOffice: '', endpointUrl: 'ftp://example.org/x?y=1', remoteServiceCode: '' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /Give the back office a name/);
      assert.match(bad.html, /The endpoint must be an https address/);
      assert.match(bad.html, /Give the back office&#39;s service_code|Give the back office's service_code/);
      assert.equal(await forwardingOf(t.db, t.jurisdiction.id, 'pothole'), null, 'a refused form saved something');

      const saved = await admin.post('/admin/settings/services/pothole/forwarding', fields());
      assert.equal(saved.status, 303, saved.html.slice(0, 1000));
      const row = await t.db.selectFrom('service_forwarding').selectAll().executeTakeFirstOrThrow();
      assert.ok(row.api_key_sealed?.startsWith('e1.') && !row.api_key_sealed.includes(backOfficeKey), 'the API key is not sealed');
      const shown = await admin.get('/admin/settings/services/pothole');
      assert.ok(!shown.html.includes(backOfficeKey), 'the page shows the API key');
      assert.match(shown.html, /A key is saved/);
      // Saved again without a key: the saved one is kept.
      assert.equal((await admin.post('/admin/settings/services/pothole/forwarding', { ...fields(), apiKey: '' })).status, 303);
      assert.equal((await t.db.selectFrom('service_forwarding').select('api_key_sealed').executeTakeFirstOrThrow()).api_key_sealed, row.api_key_sealed);
      const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'service.forwarding_set').execute();
      assert.equal(audit.length, 2);
      assert.ok(audit.every((a) => !String(a.after).includes(backOfficeKey)), 'the audit trail holds the API key');
    });

    test('a forwarded case is sent through the outbox once, and the back office\'s feed is applied once', async () => {
      const post = async (code: string, description: string) => {
        const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: code, description, ...inside }) });
        assert.equal(response.status, 201, await response.clone().text());
        return Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      };
      const caseId = await post('pothole', 'A pothole by the school gates.');
      const queued = await t.db.selectFrom('outbox').select(['kind', 'status']).where('idempotency_key', '=', `forward:${caseId}`).execute();
      assert.deepEqual(queued, [{ kind: 'open311_forward', status: 'queued' }], 'the submission did not queue its forwarding');

      const channel = forwardingChannel(t.db, t.keyring, t.config.outbound);
      assert.equal((await deliverDue({ db: t.db, keyring: t.keyring }, [channel])).sent, 1);
      assert.equal((await deliverDue({ db: t.db, keyring: t.keyring }, [channel])).sent, 0, 'a sent case was claimed again');
      const forward = await findForward(t.db, caseId);
      assert.ok(forward?.externalId, 'the back office\'s id is not kept');
      const remote = await t.db.selectFrom('cases').select(['service_code', 'description']).where('id', '=', Number(forward.externalId)).executeTakeFirstOrThrow();
      assert.deepEqual(remote, { service_code: 'graffiti', description: 'A pothole by the school gates.' });

      // The back office posts an update of its case: the council's case gets it from the feed.
      const update = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: backOfficeKey, update_id: 'crew-1', service_request_id: forward.externalId, status: 'IN_PROGRESS', updated_datetime: new Date(Date.now() - 1000).toISOString(), description: 'A crew is on the way.' }),
      });
      assert.equal(update.status, 201, await update.text());
      const deps = { db: t.db, keyring: t.keyring, jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name }, outbound: t.config.outbound };
      const first = await fetchBackOfficeUpdates(deps);
      const again = await fetchBackOfficeUpdates(deps);
      assert.equal(first.failed, 0);
      assert.ok(first.applied >= 1, `nothing was applied: ${JSON.stringify(first)}`);
      assert.equal(again.applied, 0, 'fetching the same updates again applied them again');
      const actions = await t.db.selectFrom('case_actions').select(['action', 'state', 'description', 'public']).where('case_id', '=', caseId).orderBy('id').execute();
      const fromBackOffice = actions.filter((a) => a.description === 'A crew is on the way.');
      assert.equal(fromBackOffice.length, 1, `the update was not applied exactly once: ${JSON.stringify(actions)}`);
      assert.equal(fromBackOffice[0]!.state, 'in_progress');
      assert.ok(actions.some((a) => a.action === 'forwarded' && a.public === 0), 'the sending is not in the case\'s history as an internal step');
      const cursor = await t.db.selectFrom('forwarding_cursors').selectAll().executeTakeFirstOrThrow();
      assert.equal(cursor.updates_supported, 1);
      assert.ok((await findForward(t.db, caseId))?.lastFetchedAt, 'the fetch time is not kept');
    });

    test('the messages page names forwarded cases and webhook deliveries in plain words, never as "unknown"', async () => {
      await t.db.transaction().execute((trx) => enqueue(trx, 'webhook', { subscriptionId: 7, eventId: 42 }, { idempotencyKey: 'webhook:7:42' }));
      const page = await admin.get('/admin/messages');
      assert.equal(page.status, 200);
      assert.match(page.html, /<td>Case forwarded to a back office<\/td><td>Case \d+ forwarded to the back office \(client mode\)<\/td>/);
      assert.match(page.html, /<td>Webhook delivery<\/td><td>A case change \(event 42\) sent to a webhook<\/td><td>Webhook subscription 7<\/td>/);
      assert.doesNotMatch(page.html, /unknown|open311_forward/);
    });
  });
}
