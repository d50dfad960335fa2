/**
 * The notifications issue's acceptance scenario, as one story against Townhall run as a real
 * server process (`townhall serve`) that delivers through real SMTP to a local sink:
 *
 * 1. A resident reports graffiti through the portal without JavaScript, giving an email address,
 *    and receives the acknowledgement email (with the link to the report's page).
 * 2. The report's track page is open in Chromium, JavaScript on.
 * 3. A case worker of the service's department schedules the work with a public note through the
 *    workspace's forms (CSRF, form keys), then marks it fixed.
 * 4. The resident receives both status emails over SMTP, and the open track page shows each new
 *    status by itself, without being reloaded.
 * 5. Crash: with a deliberately slow mail server, the case worker's updates to a dozen cases
 *    queue 48 emails; the server process is killed with SIGKILL mid-delivery (some emails sent,
 *    others not, one waiting for the mail server's answer), started again on the same database,
 *    and every email of the whole story arrives exactly once (counted by Message-ID).
 *
 * On SQLite, and on PostgreSQL too when TOWNHALL_TEST_POSTGRES_URL is set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { messageIdFor } from '../src/notifications/smtp.js';
import { countPending } from '../src/platform/outbox.js';
import { loadKeys } from '../src/platform/keys.js';
import { freshContext, launchBrowser } from './browser.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { testJurisdiction } from './harness.js';
import { partOf } from './notifications-mime.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';
import { sink } from './smtp-sink.js';
import { freePort, startServer, stopServer, type Server } from './server-process.js';
import { WebClient, type PageResponse } from './web-client.js';

const FROM = 'noreply@council.example';
const RESIDENT = 'new.resident@example.org';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A wait that does not keep the test process alive once everything else is done. */
const giveUpAfter = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Polls `check` until it gives a value (not undefined/false) or the deadline passes, then fails with `explain()`. */
async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, explain: () => string | Promise<string> = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`${what} (waited ${Math.round(timeoutMs / 1000)} s)${(await explain()) ? `: ${await explain()}` : ''}`);
    await wait(200);
  }
}

function expectRedirect(response: PageResponse, to: string | RegExp, step: string) {
  assert.equal(response.status, 303, `${step}: expected a redirect, got ${response.status}: ${response.html.slice(0, 1500)}`);
  if (typeof to === 'string') assert.equal(response.location, to, `${step}: redirected to the wrong page`);
  else assert.match(response.location ?? '', to, `${step}: redirected to the wrong page`);
}

for (const database of databasesUnderTest()) {
  describe(`notifications, done when (${database.name})`, () => {
    let t: TestDatabase;
    let browser: Browser | undefined;
    let server: Server | undefined;
    let env: Record<string, string> = {};
    let apiKey = '';
    let baseUrl = '';
    const mail = sink();
    const worker = { client: undefined as unknown as WebClient };

    const outboxEmails = () => t.db.selectFrom('outbox').select(['id', 'status', 'attempts']).where('kind', '=', 'email').orderBy('id').execute();
    const received = (address: string) => mail.accepted.filter((m) => m.to.toLowerCase().includes(address.toLowerCase()));
    const describeMail = () => `the sink has ${mail.accepted.length}: ${mail.accepted.slice(-8).map((m) => `${m.to} "${m.subject}"`).join('; ')}`;
    const serverLog = () => (server ? server.output().slice(-3000) : '(no server)');

    /** The case worker sends one form of the case page, with the form key that page gave it. */
    async function act(caseId: number, form: string, fields: Record<string, string>): Promise<PageResponse> {
      const page = await worker.client.get(`/staff/requests/${caseId}`);
      assert.equal(page.status, 200, `workspace: case ${caseId} page answered ${page.status}: ${page.html.slice(0, 1000)}`);
      const key = new RegExp(`name="idempotency_key" value="([A-Za-z0-9_-]{22}-${form})"`).exec(page.html)?.[1];
      assert.ok(key, `workspace: the page of case ${caseId} has no "${form}" form`);
      const response = await worker.client.post(`/staff/requests/${caseId}/actions`, { idempotency_key: key, ...fields });
      assert.equal(response.status, 303, `workspace: "${form}" on case ${caseId} was refused (${response.status}): ${response.html.slice(0, 1500)}`);
      return response;
    }

    before(async () => {
      t = await createTestDatabase(database);
      // The server process finds the same keys (the file beside the SQLite database, or the key in t.env).
      const { keyring } = loadKeys(t.url, t.env);
      for (const [index, group] of fixture.groups.entries()) await saveServiceGroup(t.db, testJurisdiction.id, group, index, 'test');
      for (const service of fixture.services) await createService(t.db, testJurisdiction.id, service, 'test');
      apiKey = (await createApiKey(t.db, { name: 'resident app' }, 'test')).key;
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      const user = await createUser(t.db, keyring, { email: `case.worker.${database.name}@council.example`, role: 'case_worker', departmentCode: 'roads' }, { publicUrl: baseUrl, issuer: 'Test' }, 'test');
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', '=', GRAFFITI).execute();
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('case_worker'), secondFactor: true });
      worker.client = new WebClient(baseUrl);
      worker.client.cookies.set('townhall_session', token);

      const smtpUrl = await mail.listen();
      const b = testJurisdiction.bounds;
      env = {
        ...t.env,
        TOWNHALL_JURISDICTION_ID: testJurisdiction.id, TOWNHALL_JURISDICTION_NAME: testJurisdiction.name, TOWNHALL_TIME_ZONE: testJurisdiction.timeZone,
        TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`,
        // info: startServer waits for the "Server listening at" line.
        PORT: String(port), PUBLIC_URL: baseUrl, LOG_LEVEL: 'info',
        TOWNHALL_REPORT_RATE_LIMIT: '0', TOWNHALL_SIGN_IN_RATE_LIMIT: '0',
        SMTP_URL: smtpUrl, MAIL_FROM: FROM, EMAIL_RATE_PER_SECOND: '1000',
        // A killed server's messages are taken over soon after it starts again.
        OUTBOX_LEASE_MS: '3000', OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_CAP_MS: '500',
      };
      server = await startServer(env, []);
      assert.equal(server.url, baseUrl, 'the server listens where its PUBLIC_URL says');
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      await stopServer(server);
      await mail.close();
      await t?.cleanup();
    });

    let caseId = 0;

    test('a resident reports with an email, is acknowledged, and sees the case worker\'s changes live and by email', { timeout: 180_000 }, async () => {
      // ---- 1. The report, as a browser without JavaScript sends it ----
      const c = new WebClient(baseUrl);
      expectRedirect(await c.get(`/report/new?service=${GRAFFITI}`), '/report/location', 'report: start');
      await c.get('/report/location');
      expectRedirect(await c.post('/report/location', inside), /^\/report\/(nearby|details)$/, 'report: place');
      const nearby = await c.get('/report/nearby');
      if (nearby.status === 200) assert.fail(`report: a report nearby was offered on an empty database: ${nearby.html.slice(0, 500)}`);
      await c.get('/report/details');
      expectRedirect(await c.post('/report/details', { description: 'Spray paint all over the bus shelter.' }), '/report/photos', 'report: details');
      await c.get('/report/photos');
      expectRedirect(await c.post('/report/photos/done'), '/report/contact', 'report: photos');
      await c.get('/report/contact');
      expectRedirect(await c.post('/report/contact', { name: 'Nia Resident', email: RESIDENT, phone: '' }), '/report/check', 'report: contact');
      const check = await c.get('/report/check');
      assert.ok(check.html.includes(RESIDENT), 'report: the check page does not show the email address');
      const sent = await c.post('/report/check');
      expectRedirect(sent, /^\/report\/done\/\d+\?email=1$/, 'report: send');
      caseId = Number(/\/report\/done\/(\d+)/.exec(sent.location!)![1]);
      const done = await c.get(sent.location!);
      assert.match(done.html, /We have sent you an email/, 'report: the done page does not mention the email');

      const ack = await eventually('acknowledgement: no "received your report" email reached the SMTP sink',
        () => received(RESIDENT).find((m) => /received your report/.test(m.subject)), 30_000, () => `${describeMail()}\n${serverLog()}`);
      assert.match(ack.subject, new RegExp(`reference ${caseId}\\b`), `acknowledgement: the subject "${ack.subject}" lacks the reference`);
      assert.ok(ack.text.includes(`${baseUrl}/requests/${caseId}`), `acknowledgement: no link to the track page in:\n${ack.text}`);
      assert.ok(partOf(ack.raw, 'text/html')?.includes(testJurisdiction.name), 'acknowledgement: no HTML part with the council\'s name');

      // ---- 2. The track page, open with JavaScript ----
      const context = await freshContext(browser!);
      try {
        const tab = await context.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        const stream = tab.waitForRequest((request) => request.url().includes(`/requests/${caseId}/events`), { timeout: 20_000 });
        await tab.goto(ack.text.match(new RegExp(`${baseUrl}/requests/${caseId}\\b`))![0]);
        await stream.catch(() => assert.fail('track page: it never opened its live-update stream'));
        const status = tab.locator('[data-live] dl.summary strong');
        assert.equal((await status.textContent())?.trim(), 'Open', 'track page: the new report is not shown open');
        await tab.evaluate(() => { (window as unknown as { __marker: string }).__marker = 'not reloaded'; });
        let navigations = 0;
        tab.on('framenavigated', (frame) => { if (frame === tab.mainFrame()) navigations++; });

        // ---- 3 and 4. The case worker schedules the work, then fixes it ----
        await act(caseId, 'transition-schedule', { action: 'transition', transition: 'schedule', public_note: 'A crew will clean the shelter on Tuesday.' });
        const scheduled = await eventually('status email: no email about the scheduled work reached the resident',
          () => received(RESIDENT).find((m) => m.text.includes('A crew will clean the shelter on Tuesday.')), 30_000, () => `${describeMail()}\n${serverLog()}`);
        assert.ok(scheduled.text.includes(`reference ${caseId}`), `status email: no reference in:\n${scheduled.text}`);
        await status.filter({ hasText: /Action scheduled/ }).waitFor({ timeout: 20_000 })
          .catch(async () => assert.fail(`track page: it did not show "Action scheduled" by itself within 20 s; it shows "${await status.textContent()}"`));
        assert.match((await tab.locator('ol.timeline').textContent()) ?? '', /A crew will clean the shelter on Tuesday\./, 'track page: the public note is not in the timeline');

        // Closing is confirmed in the workspace: the confirmed form, as the confirmation page sends it.
        await act(caseId, 'transition-fix', { action: 'transition', transition: 'fix', confirmed: '1' });
        const closed = await eventually('closing email: no email saying the report was closed reached the resident',
          () => received(RESIDENT).find((m) => m !== ack && m !== scheduled && m.text.includes(`reference ${caseId}`)), 30_000, () => `${describeMail()}\n${serverLog()}`);
        assert.ok(closed.text.includes(`${baseUrl}/requests/${caseId}/feedback?key=`), `closing email: no feedback link in:\n${closed.text}`);
        await status.filter({ hasText: /Closed: Fixed/ }).waitFor({ timeout: 20_000 })
          .catch(async () => assert.fail(`track page: it did not show "Closed: Fixed" by itself within 20 s; it shows "${await status.textContent()}"`));

        assert.equal(await tab.evaluate(() => (window as unknown as { __marker?: string }).__marker), 'not reloaded', 'track page: it was reloaded, not updated in place');
        assert.equal(navigations, 0, 'track page: it navigated');
        assert.deepEqual(errors, [], 'track page: script errors');
      } finally {
        await context.close();
      }
      assert.equal(received(RESIDENT).length, 3, `the resident got ${received(RESIDENT).length} emails, not 3 (acknowledgement, scheduled, fixed): ${received(RESIDENT).map((m) => m.subject).join('; ')}`);
    });

    test('CRASH: the server killed with SIGKILL mid-delivery and started again: every email arrives, none twice', { timeout: 240_000 }, async (context) => {
      assert.ok(caseId > 0, 'the story above did not run');
      await eventually('before the crash: the story\'s emails are still pending', async () => (await countPending(t.db, 'email')) === 0, 30_000);
      const storyEmails = (await outboxEmails()).length;

      // A slow mail server: each email takes 400 ms to be accepted, so a backlog builds.
      mail.state.delayMs = 400;
      const acceptedBefore = mail.accepted.length;
      const cases: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await fetch(`${baseUrl}/open311/v2/requests.json`, {
          method: 'POST',
          body: new URLSearchParams({ api_key: apiKey, service_code: GRAFFITI, ...inside, address_string: `${i + 1} Crash Lane`, description: `Tags on wall ${i + 1}`, email: `reporter.${i}@example.org` }),
        });
        assert.equal(response.status, 201, `crash: report ${i} refused: ${await response.clone().text()}`);
        cases.push(Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id));
      }
      const queuedAt = Date.now();
      for (const id of cases) {
        await act(id, 'transition-schedule', { action: 'transition', transition: 'schedule', public_note: `Cleaning of case ${id} booked.` });
        await act(id, 'public_update', { action: 'public_update', public_text: `Case ${id}: the crew is on its way.` });
        await act(id, 'public_update', { action: 'public_update', public_text: `Case ${id}: half the wall is clean.` });
      }
      const all = await outboxEmails();
      const batch = all.length - storyEmails;
      assert.equal(batch, 48, `crash: the reports and updates queued ${batch} emails, not 48 (12 acknowledgements, 36 updates)`);

      // Once a dozen of the batch are accepted, kill the server while it waits for the mail server's
      // answer to the next email; never answer that one.
      const child = server!.process;
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      let killedWaitingFor = 0;
      mail.state.beforeAccept = (seen) => {
        if (killedWaitingFor || mail.accepted.length - acceptedBefore < 12) return true;
        killedWaitingFor = seen;
        child.kill('SIGKILL');
        return false;
      };
      const signal = await Promise.race([exited, giveUpAfter(60_000).then(() => 'timeout' as const)]);
      assert.equal(signal, 'SIGKILL', `crash: the server was not killed mid-delivery (${signal}); pending ${await countPending(t.db, 'email')}\n${serverLog()}`);
      const statuses = await outboxEmails();
      const sentBeforeCrash = statuses.slice(storyEmails).filter((m) => m.status === 'sent').length;
      const notSent = statuses.filter((m) => m.status !== 'sent');
      assert.ok(sentBeforeCrash > 0, 'crash: none of the batch had been sent when the server was killed (the sink is not slow enough)');
      assert.ok(notSent.length > 1, `crash: only ${notSent.length} emails were unsent when the server was killed (queuing took ${Date.now() - queuedAt} ms; the sink is not slow enough)`);
      assert.ok(notSent.some((m) => m.status === 'sending'), 'crash: the killed server left no email in "sending" (it was not killed mid-delivery)');

      context.diagnostic(`killed after ${sentBeforeCrash} of the batch were sent, ${notSent.length} unsent, waiting for the answer to DATA #${killedWaitingFor}`);

      // Started again on the same database, with a mail server that is quick again.
      mail.state.delayMs = 5;
      server = await startServer(env, []);
      await eventually('after the restart: emails are still pending', async () => (await countPending(t.db, 'email')) === 0, 120_000,
        async () => `${await countPending(t.db, 'email')} pending; ${JSON.stringify((await outboxEmails()).filter((m) => m.status !== 'sent'))}\n${serverLog()}`);
      context.diagnostic(`all delivered ${Math.round((Date.now() - queuedAt) / 1000)} s after the batch began`);
      // A moment for anything sent twice to reach the sink.
      await wait(1_000);

      const expected = new Map((await outboxEmails()).map((m) => [messageIdFor(m.id, FROM), m.id]));
      assert.equal(expected.size, storyEmails + 48);
      const counts = new Map<string, number>();
      for (const m of mail.accepted) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
      assert.deepEqual(twice, [], 'some emails were accepted twice');
      const missing = [...expected].filter(([id]) => !counts.has(id)).map(([, outboxId]) => outboxId);
      assert.deepEqual(missing, [], 'some emails (these outbox ids) never arrived');
      const stray = [...counts.keys()].filter((id) => !expected.has(id));
      assert.deepEqual(stray, [], 'emails arrived that the outbox does not hold');
      assert.equal(mail.accepted.length, expected.size);
      for (const [i, id] of cases.entries()) {
        const theirs = received(`reporter.${i}@example.org`);
        assert.equal(theirs.length, 4, `crash: reporter ${i} (case ${id}) got ${theirs.length} emails, not 4`);
        assert.ok(theirs.some((m) => m.text.includes(`Case ${id}: half the wall is clean.`)), `crash: reporter ${i} did not get the last update`);
      }
    });
  });
}
