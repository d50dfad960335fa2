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
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardingOf, saveForwarding } from '../src/catalogue/forwarding.js';
import { findForward } from '../src/cases/forwarded.js';
import { applyStatusUpdate, reopenCase } from '../src/cases/outside-updates.js';
import { postRequest } from '../src/forwarding/client.js';
import { fetchBackOfficeUpdates, readRemoteStatus } from '../src/forwarding/fetch-updates.js';
import { forwardIdempotencyKey, forwardingChannel } from '../src/forwarding/send.js';
import { claimDue, ClaimLost, markSent } from '../src/platform/outbox.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { deliverDue } from '../src/notifications/delivery.js';
import { enqueue } from '../src/platform/outbox.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const service = (code: string, name: string) => ({ code, name, description: `${name}.`, groupCode: 'streets', keywords: [], type: 'realtime' as const, agencyResponsible: null, serviceNotice: null, expectedDays: 5, attributes: [] });
const inside = { lat: '51.5014', long: '-0.1419' };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A plain HTTP relay in front of the back office that writes down every call it passes on, and
 * can act as a back office without FixMyStreet's updates feed (404) or without lists of ids (400).
 */
async function relay(target: string) {
  const calls: string[] = [];
  const options = { noFeed: false, noLists: false };
  const server: Server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    calls.push(`${incoming.method} ${path}`);
    const url = new URL(path, 'http://relay');
    if ((options.noFeed && url.pathname.includes('servicerequestupdates')) || (options.noLists && url.pathname.endsWith('/requests.json') && incoming.method === 'GET')) {
      outgoing.writeHead(options.noFeed && url.pathname.includes('servicerequestupdates') ? 404 : 400, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify([{ code: 400, description: 'Not here.' }]));
      return;
    }
    const onward = httpRequest(`${target}${path}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, options, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

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
      t = await startTownhall(database, { env: { TOWNHALL_ALLOW_PRIVATE_WEBHOOKS: '1' }, groups: [{ code: 'streets', name: 'Streets' }], services: [service('pothole', 'Pothole'), service('graffiti', 'Graffiti'), service('streetlight', 'Street light')] });
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

    const deps = () => ({ db: t.db, keyring: t.keyring, jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name }, outbound: t.config.outbound });
    const postCase = async (code: string, description: string) => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: code, description, ...inside }) });
      assert.equal(response.status, 201, await response.clone().text());
      return Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    };
    const remoteCases = (description: string) => t.db.selectFrom('cases').select('id').where('service_code', '=', 'graffiti').where('description', '=', description).execute();
    const statusOf = async (caseId: number) => (await t.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow()).status;

    test('polling asks for the forwarded cases in one list, brings closing and reopening back, leaves a change made here, and falls back to one GET a case', async () => {
      const office = await relay(t.baseUrl);
      try {
        await saveForwarding(t.db, t.keyring, t.jurisdiction.id, 'streetlight', { backOffice: 'Lights contractor', endpointUrl: `${office.url}/open311/v2`, remoteJurisdictionId: t.jurisdiction.id, remoteServiceCode: 'graffiti', apiKey: backOfficeKey }, 'test', t.config.outbound);
        // A back office without the updates feed: what comes back comes from the cases' records.
        office.options.noFeed = true;
        const ids = [await postCase('streetlight', 'Light out at number 1.'), await postCase('streetlight', 'Light out at number 2.'), await postCase('streetlight', 'Light out at number 3.')];
        assert.equal((await deliverDue({ db: t.db, keyring: t.keyring }, [forwardingChannel(t.db, t.keyring, t.config.outbound)])).sent, 3);
        const remote = await Promise.all(ids.map(async (id) => (await findForward(t.db, id))!.externalId!));

        office.calls.length = 0;
        assert.equal((await fetchBackOfficeUpdates(deps())).failed, 0);
        const gets = office.calls.filter((c) => c.startsWith('GET') && !c.includes('servicerequestupdates'));
        assert.equal(gets.length, 1, `one list call was expected: ${gets.join(' | ')}`);
        assert.equal(new URL(gets[0]!.slice(4), 'http://x').searchParams.get('service_request_id'), remote.join(','));

        // The back office closes the first case: closed here too, by the back office.
        const closed = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json`, { method: 'POST', body: new URLSearchParams({ api_key: backOfficeKey, update_id: 'lights-1', service_request_id: remote[0]!, status: 'FIXED', updated_datetime: new Date(Date.now() - 2000).toISOString(), description: 'Lamp replaced.' }) });
        assert.equal(closed.status, 201, await closed.text());
        // Council staff close the second case here; the back office still has it open.
        await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: 'council-close-2', requestId: String(ids[1]), status: 'closed', state: 'closed', updatedAt: new Date().toISOString(), description: 'Closed by the council.', mediaUrl: null }, { id: 'user:council' }, deps().notify, t.jurisdiction.timeZone);
        await fetchBackOfficeUpdates(deps());
        assert.equal(await statusOf(ids[0]!), 'closed', 'the back office closed it, and it stayed open here');
        assert.equal(await statusOf(ids[1]!), 'closed', 'a case closed here was reopened though the back office changed nothing');

        // The back office reopens the first case (its staff, not through the feed): open here again.
        await wait(1100);
        await reopenCase(t.db, t.jurisdiction.id, Number(remote[0]), { description: 'The lamp is out again.', details: {} }, { id: 'user:back-office' });
        const round = await fetchBackOfficeUpdates(deps());
        assert.equal(round.failed, 0);
        assert.equal(await statusOf(ids[0]!), 'open', 'the back office reopened the case, and it stayed closed here');
        assert.equal(await statusOf(ids[1]!), 'closed');
        const reopening = await t.db.selectFrom('case_actions').select(['actor', 'status', 'public']).where('case_id', '=', ids[0]!).where('action', '=', 'status_update').orderBy('id').execute();
        assert.deepEqual(reopening.map((a) => [a.actor, a.status, a.public]), [['back_office:Lights contractor', 'closed', 1], ['back_office:Lights contractor', 'open', 1]]);
        const audited = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(ids[0])).where('action', '=', 'service_request.status_updated').execute();
        assert.equal(audited.length, 2, 'each change from the back office is audited');
        assert.equal((await fetchBackOfficeUpdates(deps())).applied, 0, 'the same records applied again');

        // A back office that refuses lists of ids: each case is asked for on its own, and still brought back.
        office.options.noLists = true;
        await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: 'lights-3-done', requestId: remote[2]!, status: 'closed', state: 'fixed', updatedAt: new Date().toISOString(), description: 'Fixed.', mediaUrl: null }, { id: 'back-office-staff' }, deps().notify, t.jurisdiction.timeZone);
        office.calls.length = 0;
        assert.equal((await fetchBackOfficeUpdates(deps())).failed, 0);
        assert.equal(await statusOf(ids[2]!), 'closed');
        const single = office.calls.filter((c) => /^GET \/open311\/v2\/requests\/[^/]+\.json/.test(c));
        assert.ok(single.length >= 2, `no GET for each case: ${office.calls.join(' | ')}`);
        office.calls.length = 0;
        await fetchBackOfficeUpdates(deps());
        assert.ok(!office.calls.some((c) => c.startsWith('GET /open311/v2/requests.json')), 'a list was asked for again from a back office that refuses them');
      } finally {
        await saveForwarding(t.db, t.keyring, t.jurisdiction.id, 'streetlight', null, 'test', t.config.outbound);
        await office.close();
      }
    });

    test('a forward is sent once: a resend after a crash gets the first case back, and a worker whose claim was taken over does not send', async () => {
      const forwarding = (await forwardingOf(t.db, t.jurisdiction.id, 'pothole'))!;
      const address = { endpointUrl: forwarding.endpointUrl, jurisdictionId: t.jurisdiction.id, apiKey: backOfficeKey, outbound: t.config.outbound };
      const channel = forwardingChannel(t.db, t.keyring, t.config.outbound);

      // The back office took the case, and the sender died before keeping its id.
      const crashed = await postCase('pothole', 'A pothole outside the library.');
      const [claimed] = await claimDue(t.db, 10, { kinds: ['open311_forward'], leaseMs: 1 });
      assert.equal((claimed!.payload as { caseId: number }).caseId, crashed);
      const first = await postRequest(address, { serviceCode: 'graffiti', description: 'A pothole outside the library.', lat: Number(inside.lat), long: Number(inside.long), addressString: null, zipcode: null, mediaUrl: null }, forwardIdempotencyKey(t.jurisdiction.id, crashed));
      await wait(10);
      assert.equal((await deliverDue({ db: t.db, keyring: t.keyring }, [channel])).sent, 1);
      assert.equal((await findForward(t.db, crashed))?.externalId, first.id, 'the resend was not answered with the first case');
      assert.equal((await remoteCases('A pothole outside the library.')).length, 1, 'the back office has the case twice');

      // Two workers: the first outlived its claim, and the second took the message over.
      const contested = await postCase('pothole', 'A pothole by the bus stop.');
      const [late] = await claimDue(t.db, 10, { kinds: ['open311_forward'], leaseMs: 1 });
      await wait(10);
      const [current] = await claimDue(t.db, 10, { kinds: ['open311_forward'] });
      assert.equal(late!.id, current!.id);
      await assert.rejects(channel.deliver(late!), ClaimLost);
      assert.equal((await remoteCases('A pothole by the bus stop.')).length, 0, 'the worker that lost its claim sent the case');
      await channel.deliver(current!);
      assert.ok(await markSent(t.db, current!.id, 'open311', current!.lease), 'the renewed claim was not the one kept');
      assert.equal((await remoteCases('A pothole by the bus stop.')).length, 1);
      assert.ok((await findForward(t.db, contested))?.externalId);
    });
  });
}
