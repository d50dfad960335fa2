/**
 * Client mode (issue 13), done when: a Townhall forwards a chosen service's new cases to a second
 * Townhall acting as its Open311 back office, and brings the back office's changes back.
 *
 * Two real server processes, each on its own database. The council's Townhall sends graffiti
 * reports to the back office; a pothole report stays at home. The back office is down at first:
 * the council's outbox tries again (the staff case page says "Waiting to send"), and once the back
 * office is up each case arrives there exactly once. A case worker at the back office schedules
 * the work with a public note and then fixes it, through its workspace's forms; the council's
 * fetch job brings both changes into the council's case (closing it), once each however often it
 * fetches, with audit entries, and the council's case page says where the case went.
 *
 * On SQLite, and on PostgreSQL too when TOWNHALL_TEST_POSTGRES_URL is set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { saveForwarding } from '../src/catalogue/forwarding.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { loadKeys } from '../src/platform/keys.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { testJurisdiction } from './harness.js';
import { fixture, GRAFFITI, inside, POTHOLE } from './open311/fixture-catalogue.js';
import { freePort, startServer, stopServer, type Server } from './server-process.js';
import { WebClient } from './web-client.js';

const BACK_OFFICE_JURISDICTION = 'backoffice.townhall.example';
const BACK_OFFICE_NAME = 'Graffiti contractor';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, explain: () => string | Promise<string> = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`${what} (waited ${Math.round(timeoutMs / 1000)} s)${(await explain()) ? `: ${await explain()}` : ''}`);
    await wait(200);
  }
}

async function staffClient(t: TestDatabase, baseUrl: string, email: string): Promise<WebClient> {
  const { keyring } = loadKeys(t.url, t.env);
  const user = await createUser(t.db, keyring, { email, role: 'case_worker', departmentCode: 'streets' }, { publicUrl: baseUrl, issuer: 'Test' }, 'test');
  const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('case_worker'), secondFactor: true });
  const client = new WebClient(baseUrl);
  client.cookies.set('townhall_session', token);
  return client;
}

function environment(t: TestDatabase, jurisdictionId: string, name: string, port: number): Record<string, string> {
  const b = testJurisdiction.bounds;
  return {
    ...t.env,
    TOWNHALL_JURISDICTION_ID: jurisdictionId, TOWNHALL_JURISDICTION_NAME: name, TOWNHALL_TIME_ZONE: testJurisdiction.timeZone,
    TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`,
    PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'info',
    TOWNHALL_API_RATE_LIMIT: '0',
    // Retries come quickly, and the back office's updates are fetched every second.
    OUTBOX_BACKOFF_BASE_MS: '300', OUTBOX_BACKOFF_CAP_MS: '1000', OUTBOX_MAX_ATTEMPTS: '50',
    TOWNHALL_FORWARDING_FETCH_SECONDS: '1',
    // Both Townhalls are plain http on 127.0.0.1: the allowance for tests and closed networks.
    TOWNHALL_ALLOW_PRIVATE_WEBHOOKS: '1',
  };
}

for (const database of databasesUnderTest()) {
  describe(`client mode, done when (${database.name})`, () => {
    let council: TestDatabase;
    let office: TestDatabase;
    let councilServer: Server | undefined;
    let officeServer: Server | undefined;
    let councilUrl = '';
    let officeUrl = '';
    let officePort = 0;
    let councilKey = '';
    let councilStaff: WebClient;
    let officeStaff: WebClient;
    const logs = () => `\ncouncil:\n${councilServer?.output().slice(-2500) ?? ''}\nback office:\n${officeServer?.output().slice(-2500) ?? ''}`;

    before(async () => {
      council = await createTestDatabase(database);
      office = await createTestDatabase(database);
      for (const [t, jurisdiction] of [[council, testJurisdiction.id], [office, BACK_OFFICE_JURISDICTION]] as const) {
        for (const [index, group] of fixture.groups.entries()) await saveServiceGroup(t.db, jurisdiction, group, index, 'test');
        for (const service of fixture.services) await createService(t.db, jurisdiction, service, 'test');
        await t.db.updateTable('services').set({ department_code: 'streets' }).where('jurisdiction_id', '=', jurisdiction).execute();
      }
      const councilPort = await freePort();
      officePort = await freePort();
      councilUrl = `http://127.0.0.1:${councilPort}`;
      officeUrl = `http://127.0.0.1:${officePort}`;
      councilKey = (await createApiKey(council.db, { name: 'resident app' }, 'test')).key;
      const officeKey = (await createApiKey(office.db, { name: 'the council', scopes: ['open311:submit'] }, 'test')).key;
      const { keyring } = loadKeys(council.url, council.env);
      await saveForwarding(council.db, keyring, testJurisdiction.id, GRAFFITI, {
        backOffice: BACK_OFFICE_NAME, endpointUrl: `${officeUrl}/open311/v2`, remoteJurisdictionId: BACK_OFFICE_JURISDICTION, remoteServiceCode: GRAFFITI, apiKey: officeKey,
      }, 'test', { allowPrivateAddresses: true });
      // The key is kept sealed, never in clear.
      const stored = await council.db.selectFrom('service_forwarding').select('api_key_sealed').executeTakeFirstOrThrow();
      assert.ok(stored.api_key_sealed && !stored.api_key_sealed.includes(officeKey), 'the back office\'s API key is stored in clear');
      councilStaff = await staffClient(council, councilUrl, `worker.${database.name}@council.example`);
      officeStaff = await staffClient(office, officeUrl, `worker.${database.name}@backoffice.example`);
      councilServer = await startServer(environment(council, testJurisdiction.id, testJurisdiction.name, councilPort), []);
    });

    after(async () => {
      await stopServer(councilServer);
      await stopServer(officeServer);
      await council?.cleanup();
      await office?.cleanup();
    });

    test('cases wait while the back office is down, arrive once when it is up, and its staff\'s changes come back', { timeout: 240_000 }, async () => {
      const report = async (service: string, description: string) => {
        const response = await fetch(`${councilUrl}/open311/v2/requests.json`, {
          method: 'POST',
          body: new URLSearchParams({ api_key: councilKey, service_code: service, lat: inside.lat, long: inside.long, description, ...(service === POTHOLE ? { 'attribute[road_name]': 'High Street' } : {}) }),
        });
        const text = await response.text();
        assert.equal(response.status, 201, `report: ${text}`);
        return Number((JSON.parse(text) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      };
      const first = await report(GRAFFITI, 'Tags sprayed on the library wall.');
      const second = await report(GRAFFITI, 'Graffiti on the bridge over the canal.');
      const pothole = await report(POTHOLE, 'A deep pothole outside number 12.');

      // ---- The back office is down: the council's outbox tries again, and says so ----
      const message = (caseId: number) => council.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('idempotency_key', '=', `forward:${caseId}`).executeTakeFirst();
      await eventually('the forwarding was not tried again while the back office was down', async () => ((await message(first))?.attempts ?? 0) >= 2 && ((await message(second))?.attempts ?? 0) >= 2, 30_000, logs);
      const failing = (await message(first))!;
      assert.equal(failing.status, 'failed', `a failed send is waiting to be tried again, not ${failing.status}`);
      assert.match(failing.last_error ?? '', /could not be reached/, 'the reason is kept');
      assert.equal(await message(pothole), undefined, 'a service that is not forwarded queued a forwarding');
      const waitingPage = await councilStaff.get(`/staff/requests/${first}`);
      assert.equal(waitingPage.status, 200, waitingPage.html.slice(0, 500));
      assert.match(waitingPage.html, new RegExp(`Waiting to send to ${BACK_OFFICE_NAME} \\(attempt \\d+ of 50, (next at|now)`), 'the case page does not say the case is waiting to be sent');

      // ---- The back office comes up: each case arrives, once ----
      officeServer = await startServer(environment(office, BACK_OFFICE_JURISDICTION, 'Back Office', officePort), []);
      const forwardOf = (caseId: number) => council.db.selectFrom('case_forwards').selectAll().where('case_id', '=', caseId).executeTakeFirst();
      const firstForward = await eventually('the first case was not sent once the back office was up', async () => (await forwardOf(first))?.external_id ? forwardOf(first) : undefined, 60_000, logs);
      const secondForward = await eventually('the second case was not sent once the back office was up', async () => (await forwardOf(second))?.external_id ? forwardOf(second) : undefined, 60_000, logs);
      const officeCases = await office.db.selectFrom('cases').select(['id', 'description', 'service_code']).orderBy('id').execute();
      assert.deepEqual(officeCases.map((c) => c.description).sort(), ['Graffiti on the bridge over the canal.', 'Tags sprayed on the library wall.'], 'the back office did not receive exactly the two graffiti cases, once each');
      const remoteFirst = officeCases.find((c) => c.description === 'Tags sprayed on the library wall.')!;
      assert.equal(firstForward!.external_id, String(remoteFirst.id), 'the council keeps the back office\'s id for the case');
      assert.notEqual(secondForward!.external_id, firstForward!.external_id);
      assert.equal((await message(first))?.status, 'sent');
      const sentPage = await councilStaff.get(`/staff/requests/${first}`);
      assert.match(sentPage.html, new RegExp(`Sent to ${BACK_OFFICE_NAME} as ${remoteFirst.id} at `), 'the case page does not say where the case was sent');
      assert.match(sentPage.html, new RegExp(`Sent to ${BACK_OFFICE_NAME} as ${remoteFirst.id}</strong>`), 'the history does not show the sending');

      // ---- Staff at the back office schedule the work with a public note, then fix it ----
      const act = async (caseId: number, form: string, fields: Record<string, string>) => {
        const page = await officeStaff.get(`/staff/requests/${caseId}`);
        assert.equal(page.status, 200, `back office: case page ${page.status}: ${page.html.slice(0, 500)}`);
        const key = new RegExp(`name="idempotency_key" value="([A-Za-z0-9_-]{22}-${form})"`).exec(page.html)?.[1];
        assert.ok(key, `back office: no "${form}" form on the case page`);
        const response = await officeStaff.post(`/staff/requests/${caseId}/actions`, { idempotency_key: key, ...fields });
        assert.equal(response.status, 303, `back office: "${form}" refused (${response.status}): ${response.html.slice(0, 1000)}`);
      };
      await act(remoteFirst.id, 'transition-schedule', { action: 'transition', transition: 'schedule', public_note: 'A crew will clean the wall on Tuesday.' });
      const publicActions = () => council.db.selectFrom('case_actions').select(['action', 'status', 'state', 'description', 'actor']).where('case_id', '=', first).where('action', '=', 'status_update').orderBy('id').execute();
      await eventually('the back office\'s public note did not come back into the council\'s case', async () => (await publicActions()).some((a) => a.description === 'A crew will clean the wall on Tuesday.'), 30_000, logs);
      await act(remoteFirst.id, 'transition-fix', { action: 'transition', transition: 'fix', confirmed: '1' });
      const closed = await eventually('the back office\'s fix did not close the council\'s case', async () => {
        const row = await council.db.selectFrom('cases').select(['status', 'closed_at']).where('id', '=', first).executeTakeFirstOrThrow();
        return row.status === 'closed' ? row : undefined;
      }, 30_000, logs);
      assert.ok(closed.closed_at, 'the closed case has no closing time');

      // Fetched again and again: each change applied once.
      const applied = await publicActions();
      await wait(3_500);
      assert.deepEqual(await publicActions(), applied, 'fetching again applied a change twice');
      assert.equal(applied.length, 2, `expected the note and the fix, once each: ${JSON.stringify(applied)}`);
      assert.deepEqual(applied.map((a) => a.status), ['open', 'closed']);
      assert.ok(applied.every((a) => a.actor === `back_office:${BACK_OFFICE_NAME}`), 'the changes are not named as the back office\'s');
      const audit = await council.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_id', '=', String(first)).orderBy('seq').execute();
      assert.ok(audit.some((a) => a.action === 'service_request.forwarded'), 'the sending is not audited');
      assert.equal(audit.filter((a) => a.action === 'service_request.status_updated').length, 2, 'each change brought back is audited once');
      // The other case is untouched and still open, and still fetched.
      assert.equal((await council.db.selectFrom('cases').select('status').where('id', '=', second).executeTakeFirstOrThrow()).status, 'open');
      const fetched = await forwardOf(second);
      assert.ok(fetched?.last_fetched_at, 'the open case\'s updates were never fetched');
      const closedPage = await councilStaff.get(`/staff/requests/${first}`);
      assert.match(closedPage.html, /A crew will clean the wall on Tuesday\./);
    });
  });
}
