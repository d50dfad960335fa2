/**
 * Issue 12's "done when", as one story told in a real browser (Chromium) against Townhall run
 * as a real server process (`townhall serve` from dist/) that delivers its emails over SMTP to a
 * local sink, on each database:
 *
 * 1. A new resident on a small phone (320×640) starts at the home page, follows the links to
 *    "Apply to work on trees", checks whether they need to apply, fills the multi-page form (a
 *    conditional page, a repeatable group of trees, an area on the map typed as GeoJSON, a date,
 *    a photo upload), saves it, comes back through the link emailed to them (in another
 *    browser), declares, gives their details, checks the answers and the fee, sends it and pays
 *    with the sandbox provider's card page. axe finds no WCAG 2.2 A/AA violation on any page.
 * 2. An officer asks for more information from the case page: the statutory clock is suspended
 *    (the SLA data), the applicant is emailed, answers on their application's page, and the
 *    clock runs again.
 * 3. The officer books an inspection on the case page: the applicant's invitation with its
 *    calendar file (.ics) arrives over SMTP; the result is recorded on the inspector's phone page.
 * 4. A supervisor approves the application with a condition on the decision form; the licence is issued: its PDF (from the emailed link) carries the
 *    signed code, /verify says it is genuine and valid.
 * 5. With the clock moved to 30 days before the licence ends, the renewal job sends a reminder
 *    over SMTP.
 * 6. The supervisor revokes the licence on its staff page: /verify says revoked, and
 *    `townhall verify` on the PDF (a child process) says so too.
 *
 * Then the resident's part (1 and the answer of 2) again with JavaScript off.
 *
 * On SQLite, and on PostgreSQL too when TOWNHALL_TEST_POSTGRES_URL is set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { publishForm } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { SANDBOX_CARDS } from '../src/applications/payments.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { runLicenceRenewals } from '../src/licences/renewals.js';
import { loadKeys } from '../src/platform/keys.js';
import type { Keyring } from '../src/platform/crypto.js';
import { axeViolations, launchBrowser } from './browser.js';
import { runBuiltTownhall } from './built-release.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { testJurisdiction } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { freePort, startServer, stopServer, type Server } from './server-process.js';
import { partOf } from './notifications-mime.js';
import { sink, type Received } from './smtp-sink.js';

const TREES = 'tree-works';
const DEPARTMENT = 'parks';
const PHONE = { width: 320, height: 640 };
const AREA = JSON.stringify({ type: 'Polygon', coordinates: [[[-0.14, 51.50], [-0.13, 51.50], [-0.13, 51.51], [-0.14, 51.50]]] });
const treeService: ServiceInput = {
  code: TREES, name: 'Tree works', description: 'Permission to work on protected trees', groupCode: 'streets', keywords: ['tree'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 56, attributes: [],
};
const DAY = 86_400_000;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it gives a value, or fails after timeoutMs saying what was awaited and what there was. */
async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, explain: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`${what} (waited ${Math.round(timeoutMs / 1000)} s): ${explain()}`);
    await wait(100);
  }
}

/** Clicks something that leads to a new page (a link, or a form sent and redirected) and waits for that page. */
async function go(tab: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([tab.waitForEvent('load'), click()]);
}

for (const database of databasesUnderTest()) {
  describe(`applications, done when (${database.name})`, () => {
    let t: TestDatabase;
    let keyring: Keyring;
    let browser: Browser;
    let server: Server | undefined;
    let baseUrl = '';
    let documentsDir = '';
    let photo: Buffer;
    const mail = sink();
    const staff = { worker: '', supervisor: '' };

    const received = (to: string, subject: RegExp) => mail.accepted.filter((m) => m.to.toLowerCase().includes(to) && subject.test(m.subject));
    const describeMail = () => `the sink has ${mail.accepted.length}: ${mail.accepted.map((m) => `${m.to} "${m.subject}"`).join('; ')}; server: ${server?.output().slice(-1500) ?? ''}`;
    /** The one email to `to` whose subject matches, as soon as it arrives over SMTP. */
    const emailTo = (to: string, subject: RegExp, count = 1): Promise<Received> =>
      eventually(`an email to ${to} with the subject ${subject}`, () => received(to, subject)[count - 1], 15_000, describeMail);
    const linkIn = (email: Received, path: RegExp) => {
      const found = new RegExp(`${baseUrl.replace(/[.:/]/g, '\\$&')}${path.source}`).exec(email.text.replace(/=\r?\n/g, ''))?.[0];
      assert.ok(found, `the email "${email.subject}" has no link like ${path}: ${email.text}`);
      return found;
    };
    const clockOf = async (caseId: number) => (await t.db.selectFrom('case_clocks').select('status').where('case_id', '=', caseId).where('kind', '=', 'statutory').executeTakeFirstOrThrow()).status;

    /**
     * No WCAG 2.2 A/AA violation on the page the resident sees, and nothing wider than the phone.
     * axe cannot run where scripts are off; the pages are rendered on the server, the same HTML
     * with or without JavaScript, so the story with JavaScript checks each of them and the one
     * without does not check them again.
     */
    async function accessible(tab: Page, javaScript: boolean, step: string) {
      if (!javaScript) return;
      const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${step}: scrolls sideways by ${overflow}px at 320px wide`);
      assert.deepEqual(await axeViolations(tab), [], `${step}: axe found WCAG 2.2 AA violations`);
    }

    before(async () => {
      t = await createTestDatabase(database);
      // The server process finds the same keys (the file beside the SQLite database, or the key in t.env).
      keyring = loadKeys(t.url, t.env).keyring;
      for (const [index, group] of fixture.groups.entries()) await saveServiceGroup(t.db, testJurisdiction.id, group, index, 'test');
      await createService(t.db, testJurisdiction.id, treeService, 'test');
      await publishForm(t.db, testJurisdiction.id, TREES, treeWorks(), 'test');
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      for (const [who, role] of [['worker', 'case_worker'], ['supervisor', 'supervisor']] as const) {
        const user = await createUser(t.db, keyring, { email: `${who}.${database.name}@council.example`, role, departmentCode: DEPARTMENT }, { publicUrl: baseUrl, issuer: 'Test' }, 'test');
        staff[who] = (await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true })).token;
      }
      await t.db.updateTable('services').set({ department_code: DEPARTMENT }).where('code', '=', TREES).execute();
      photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 30, g: 110, b: 40 } } }).png().toBuffer();

      documentsDir = mkdtempSync(join(tmpdir(), 'townhall-done-when-documents-'));
      const b = testJurisdiction.bounds;
      server = await startServer({
        ...t.env,
        TOWNHALL_JURISDICTION_ID: testJurisdiction.id, TOWNHALL_JURISDICTION_NAME: testJurisdiction.name, TOWNHALL_TIME_ZONE: testJurisdiction.timeZone,
        TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`, TOWNHALL_DOCUMENTS_DIR: documentsDir,
        // info: startServer waits for the "Server listening at" line.
        PORT: String(port), PUBLIC_URL: baseUrl, LOG_LEVEL: 'info', TOWNHALL_REPORT_RATE_LIMIT: '0',
        SMTP_URL: await mail.listen(), MAIL_FROM: 'noreply@council.example', EMAIL_RATE_PER_SECOND: '1000',
        OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_CAP_MS: '500',
      }, []);
      assert.equal(server.url, baseUrl, 'the server listens where its PUBLIC_URL says');
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      await stopServer(server);
      await mail.close();
      await t?.cleanup();
      if (documentsDir) rmSync(documentsDir, { recursive: true, force: true });
    });

    /** A resident's browser: a small phone, JavaScript on or off, nobody signed in. */
    const residentBrowser = async (javaScript: boolean) => {
      const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: javaScript, bypassCSP: javaScript });
      context.setDefaultTimeout(10_000);
      return context;
    };
    /** A member of staff's browser, signed in (sign-in itself has its own tests). */
    const staffBrowser = async (token: string) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(10_000);
      await context.addCookies([{ name: 'townhall_session', value: token, url: baseUrl }]);
      return context;
    };

    /**
     * The resident's part up to paying: returns the application's reference, and the browser
     * (the second one, opened from the emailed link) that holds the application.
     */
    async function applyAndPay(javaScript: boolean, email: string): Promise<{ reference: number; context: BrowserContext; tab: Page }> {
      const first = await residentBrowser(javaScript);
      const tab = await first.newPage();
      const checked = (step: string) => accessible(tab, javaScript, step);
      const title = async (expected: RegExp, step: string) => assert.match(await tab.title(), expected, `${step}: not the page expected`);
      await tab.goto(`${baseUrl}/`);
      await go(tab, () => tab.getByRole('link', { name: 'Apply for a permit or licence' }).first().click());
      await title(/^Apply for a permit or licence/, 'the list of services');
      await checked('the list of services');
      await go(tab, () => tab.getByRole('link', { name: 'Apply to work on trees' }).click());
      assert.match(await tab.textContent('main') ?? '', /A photo of each tree/, 'the start page says what you need');
      await checked('the start page');
      // A link styled (and announced) as a button.
      await go(tab, () => tab.locator('a', { hasText: 'Start now' }).click());

      // Eligibility: "no" to a protected tree says you need not apply, and why.
      await title(/^Check whether you need to apply/, 'eligibility');
      await checked('eligibility');
      await tab.getByRole('group', { name: 'Is the tree protected?' }).getByLabel('No').check();
      await tab.getByRole('group', { name: 'Is it a street tree?' }).getByLabel('No').check();
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());
      assert.match(await tab.textContent('main') ?? '', /You do not need to apply[\s\S]*You only need permission for protected trees/);
      await checked('eligibility: not needed');
      await go(tab, () => tab.getByRole('link', { name: 'Change your answers' }).click());
      await tab.getByRole('group', { name: 'Is the tree protected?' }).getByLabel('Yes').check();
      await tab.getByRole('group', { name: 'Is it a street tree?' }).getByLabel('No').check();
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());
      await title(/^Apply to work on trees/, 'eligibility: needed');
      assert.match(await tab.textContent('main') ?? '', /You need to apply/);
      await checked('eligibility: needed');
      await go(tab, () => tab.getByRole('button', { name: 'Start now' }).click());

      // About you: an agent, so the conditional page about the agent follows.
      await title(/^About you/, 'the first page of the form');
      await checked('about you');
      await tab.getByLabel('An agent').check();
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());
      await title(/^The agent/, 'the conditional page');
      await checked('the agent');
      await tab.getByLabel('Company name').fill('Oak & Ash Ltd');
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());

      // The repeatable group: two trees.
      await title(/^The trees/, 'the repeatable group');
      await checked('the trees, none yet');
      for (const [species, work] of [['Oak', 'Fell'], ['Ash', 'Prune']] as const) {
        await tab.getByLabel('Species').fill(species);
        await tab.getByLabel(work).check();
        await go(tab, () => tab.getByRole('button', { name: 'Add this tree' }).click());
      }
      assert.match(await tab.textContent('main') ?? '', /You have added 2 items/);
      await checked('the trees, two added');
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());

      // The map area, typed as GeoJSON (as without the map), and a date.
      await title(/^Where are the trees\?/, 'the map page');
      await checked('where');
      await tab.getByLabel('The area').fill(AREA);
      await tab.getByLabel('Day').fill('1');
      await tab.getByLabel('Month').fill('3');
      await tab.getByLabel('Year').fill('2027');
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());

      // The upload.
      await title(/^Photos/, 'the upload page');
      await checked('photos, none yet');
      await tab.getByLabel('Choose a file').setInputFiles({ name: 'oak.png', mimeType: 'image/png', buffer: photo });
      await go(tab, () => tab.getByRole('button', { name: 'Upload the file' }).click());
      assert.equal(await tab.getByRole('link', { name: 'oak.png' }).count(), 1, 'the uploaded photo is listed');
      await checked('photos, one uploaded');
      await go(tab, () => tab.getByRole('button', { name: 'Continue' }).click());

      // Save and come back later, as a guest: the link arrives by email.
      await title(/^Declaration/, 'the declaration page');
      await go(tab, () => tab.getByRole('button', { name: 'Save and come back later' }).click());
      await checked('save for later');
      await tab.getByLabel('Email address').fill(email);
      await go(tab, () => tab.getByRole('button', { name: 'Email me the link' }).click());
      assert.match(await tab.textContent('main') ?? '', new RegExp(`We have sent a link to ${email.replace('.', '\\.')}`));
      await checked('the link is emailed');
      await first.close();

      const resume = await emailTo(email, /^Your saved application/);
      const context = await residentBrowser(javaScript);
      const later = await context.newPage();
      const back = (step: string) => accessible(later, javaScript, step);
      await later.goto(linkIn(resume, /\/apply\/resume\?token=[A-Za-z0-9_-]+/));
      assert.match(await later.title(), /^Declaration/, 'the emailed link leads back to where the resident stopped');
      await back('declaration');
      await later.getByLabel('I confirm the information is correct').check();
      await go(later, () => later.getByRole('button', { name: 'Continue' }).click());
      assert.match(await later.title(), /^Your details/);
      await back('your details');
      await later.getByLabel('Full name').fill('Ruth Green');
      await later.getByLabel('Email address').fill(email);
      await go(later, () => later.getByRole('button', { name: 'Continue' }).click());

      // Check your answers, with the fee: 60 + 10 for the second tree + 25 for an agent.
      assert.match(await later.title(), /^Check your answers/);
      const answers = await later.textContent('main') ?? '';
      for (const text of ['Oak & Ash Ltd', 'Oak', 'Ash', 'oak.png', 'Area drawn on the map (3 corners)', 'Ruth Green', '£95.00']) assert.ok(answers.includes(text), `the check page shows ${text}`);
      await back('check your answers');
      await go(later, () => later.getByRole('button', { name: /^Send the application/ }).click());
      const sentText = await later.textContent('main') ?? '';
      assert.match(sentText, /Application sent/);
      const reference = Number(/Your reference number\s*(\d+)/.exec(sentText)?.[1]);
      assert.ok(reference > 0, `the confirmation names a reference: ${sentText}`);
      await back('application sent');
      const receivedEmail = await emailTo(email, new RegExp(`We have received your application ${reference}`));
      assert.ok(receivedEmail.text.includes(`/apply/applications/${reference}`), 'the acknowledgement links to the application');

      // Pay with the sandbox provider's card page.
      await go(later, () => later.getByRole('button', { name: 'Pay now' }).click());
      assert.match(await later.title(), /^Enter card details/);
      assert.match(await later.textContent('main') ?? '', /£95\.00/);
      await back('the sandbox card page');
      await later.getByLabel('Card number').fill(SANDBOX_CARDS.success);
      await go(later, () => later.getByRole('button', { name: 'Pay', exact: true }).click());
      assert.match(await later.title(), /^Payment received/);
      await back('payment received');
      const row = await t.db.selectFrom('applications').select(['payment_state', 'fee_pence']).where('case_id', '=', reference).executeTakeFirstOrThrow();
      assert.deepEqual(row, { payment_state: 'paid', fee_pence: 9500 });
      return { reference, context, tab: later };
    }

    /** The officer asks for more information on the case page; the clock stops; the applicant answers on their page; it runs again. */
    async function moreInformation(reference: number, resident: { tab: Page; javaScript: boolean; email: string }) {
      const officer = await staffBrowser(staff.worker);
      try {
        const desk = await officer.newPage();
        await desk.goto(`${baseUrl}/staff`);
        await go(desk, () => desk.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'My department' }).click());
        await go(desk, () => desk.getByRole('link', { name: new RegExp(`^#?${reference}\\b`) }).first().click());
        assert.match(await desk.title(), new RegExp(`^Case ${reference}`));
        assert.equal(await clockOf(reference), 'running', 'the statutory clock runs once the application is received');
        await go(desk, () => desk.getByRole('button', { name: 'Ask for more information' }).click());
        await desk.getByLabel(/^Update for residents/).fill('Send us a photo of the ash tree too.');
        await go(desk, () => desk.getByRole('button', { name: 'Ask for more information' }).click());
        assert.match(await desk.textContent('main') ?? '', /More information needed/);
      } finally {
        await officer.close();
      }
      assert.equal(await clockOf(reference), 'suspended', 'the statutory clock stops while the council waits for the applicant');
      const question = 'Send us a photo of the ash tree too.';
      const asking = await eventually('the applicant is emailed the question', () => received(resident.email, /./).find((m) => m.text.includes(question)), 15_000, describeMail);

      const { tab } = resident;
      await tab.goto(linkIn(asking, new RegExp(`/apply/applications/${reference}`)));
      assert.match(await tab.textContent('main') ?? '', /We need more information from you[\s\S]*Send us a photo of the ash tree too\./);
      await accessible(tab, resident.javaScript, 'more information needed');
      await tab.locator('textarea#message').fill('The ash is the one by the gate; photo to follow by post.');
      await go(tab, () => tab.getByRole('button', { name: /^Send/ }).click());
      assert.match(await tab.textContent('main') ?? '', /The ash is the one by the gate/);
      await accessible(tab, resident.javaScript, 'the answer sent');
      assert.equal(await clockOf(reference), 'running', 'the statutory clock runs again once the applicant answers');
    }

    test('a resident applies, saves, comes back, pays; more information is asked and given; the licence is approved, verified, reminded and revoked', { timeout: 120_000 }, async () => {
      const email = `ruth.${database.name}@example.org`;
      const resident = await applyAndPay(true, email);
      const reference = resident.reference;
      await moreInformation(reference, { tab: resident.tab, javaScript: true, email });

      // ---- An inspection: the officer books a slot on the case page; the invitation (.ics) arrives over SMTP; the result is recorded on the phone page. ----
      const inspectionDay = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10);
      const officer = await staffBrowser(staff.worker);
      try {
        const desk = await officer.newPage();
        await desk.goto(`${baseUrl}/staff/requests/${reference}`);
        // The workflow's "Book an inspection" step leads to the booking form (opening it).
        await desk.getByRole('link', { name: 'Book an inspection' }).click();
        const booking = desk.locator('#book-inspection');
        await booking.getByLabel('Date').fill(inspectionDay);
        await booking.getByLabel('Start time (24-hour clock)').fill('10:30');
        await booking.getByLabel('Place').fill('12 Ash Grove, by the gate');
        await booking.getByLabel('Inspector').selectOption({ index: 1 });
        await go(desk, () => booking.getByRole('button', { name: 'Book the inspection' }).click());
        assert.match(await desk.textContent('main') ?? '', /Booked/);
        const invitation = await eventually('the invitation with its calendar file', () => received(email, /./).find((m) => partOf(m.raw, 'text/calendar') !== null), 15_000, describeMail);
        assert.match(invitation.raw.replace(/\r\n[ \t]+/g, ' '), /text\/calendar;[^\r\n]*method=REQUEST/i, 'an invitation to add to the calendar');
        const calendar = partOf(invitation.raw, 'text/calendar')!.replace(/\r\n[ \t]/g, '');
        assert.match(calendar, /^BEGIN:VCALENDAR\r\n/);
        assert.match(calendar, /\r\nMETHOD:REQUEST\r\n/);
        const booked = await t.db.selectFrom('application_inspections').select(['id', 'starts_at', 'status']).where('case_id', '=', reference).executeTakeFirstOrThrow();
        assert.equal(booked.status, 'booked');
        const utc = booked.starts_at.replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 15);
        assert.match(calendar, new RegExp(`\\r\\nDTSTART:${utc}Z\\r\\n`), 'the invitation is for the booked slot');
        assert.ok(calendar.includes(String(reference)), 'the invitation names the application');
        // The inspector records the result on the phone page: every checklist item passed.
        await go(desk, () => desk.locator('ul.inspections a').first().click());
        await desk.setViewportSize({ width: 390, height: 844 });
        for (const pass of await desk.locator('.checklist-item input[value="pass"]').all()) await pass.check();
        await desk.getByLabel('Passed').check();
        await go(desk, () => desk.getByRole('button', { name: 'Record the result' }).click());
        const done = await t.db.selectFrom('application_inspections').select(['status', 'outcome']).where('id', '=', booked.id).executeTakeFirstOrThrow();
        assert.deepEqual(done, { status: 'done', outcome: 'pass' });
      } finally {
        await officer.close();
      }

      // ---- The decision: approve with a condition, valid from today for a year. ----
      const validFrom = new Date().toISOString().slice(0, 10);
      const validUntil = new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10);
      const supervisor = await staffBrowser(staff.supervisor);
      let licenceNumber = '';
      try {
        const desk = await supervisor.newPage();
        await desk.goto(`${baseUrl}/staff`);
        await go(desk, () => desk.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'My department' }).click());
        await go(desk, () => desk.getByRole('link', { name: new RegExp(`^#?${reference}\\b`) }).first().click());
        await go(desk, () => desk.getByRole('link', { name: 'Decide: approve or refuse' }).click());
        assert.match(await desk.title(), new RegExp(`^Decide application ${reference}`));
        await desk.getByLabel('Approve').check();
        await desk.getByLabel('Conditions (optional)').fill('Work only between 8am and 6pm');
        await desk.getByLabel('Valid from').fill(validFrom);
        await desk.getByLabel('Valid until (the last day)').fill(validUntil);
        await go(desk, () => desk.getByRole('button', { name: 'Record the decision' }).click());
        assert.match(await desk.title(), new RegExp(`^Case ${reference}`), 'the decision leads back to the case');
        assert.match(await desk.textContent('main') ?? '', /Approved/);
      } finally {
        await supervisor.close();
      }
      assert.equal(await clockOf(reference), 'stopped', 'a decided application\'s clock stops');

      // The licence's PDF, from the link in the email about it: a PDF that carries the signed code.
      const issuedEmail = await emailTo(email, /licence/i);
      const pdfLink = linkIn(issuedEmail, /\/licences\/[A-Z0-9-]+\/pdf\?key=[A-Za-z0-9_%-]+/);
      licenceNumber = decodeURIComponent(/\/licences\/([^/]+)\/pdf/.exec(pdfLink)![1]!);
      const licence = await t.db.selectFrom('licences').select(['id', 'token', 'conditions', 'valid_until']).where('number', '=', licenceNumber).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(licence.conditions), ['Work only between 8am and 6pm']);
      const download = await resident.context.request.get(pdfLink);
      assert.equal(download.status(), 200);
      assert.equal(download.headers()['content-type'], 'application/pdf');
      const pdf = await download.body();
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the licence is a PDF');
      assert.ok(pdf.toString('latin1').includes(licence.token), 'the PDF carries the licence\'s signed code');
      const pdfFile = join(documentsDir, `${licenceNumber}.pdf`);
      writeFileSync(pdfFile, pdf);

      // /verify, as anyone checking the licence would: pasting its code.
      const checker = await residentBrowser(true);
      try {
        const page = await checker.newPage();
        const verify = async () => {
          await page.goto(`${baseUrl}/verify`);
          await page.getByLabel('Licence code').fill(licence.token);
          await go(page, () => page.getByRole('button', { name: 'Check' }).click());
          return page.getByRole('heading', { level: 1 }).textContent();
        };
        assert.equal(await verify(), 'Genuine and valid');
        assert.ok((await page.textContent('main'))?.includes('Work only between 8am and 6pm'), '/verify shows the condition');
        await accessible(page, true, '/verify: genuine and valid');
        const keySet = await page.request.get(`${baseUrl}/.well-known/licence-keys.json`);
        assert.equal(keySet.status(), 200);
        const keysFile = join(documentsDir, 'licence-keys.json');
        writeFileSync(keysFile, await keySet.body());
        const offline = await runBuiltTownhall(['verify', pdfFile, '--keys', keysFile]);
        assert.equal(offline.code, 0, `townhall verify on the issued PDF: ${offline.stdout}${offline.stderr}`);
        assert.match(offline.stdout, new RegExp(`^valid until ${validUntil}: ${licenceNumber}`));

        // ---- The renewal reminder, with the clock moved to 30 days before the licence ends. ----
        const ctx = { jurisdictionId: testJurisdiction.id, timeZone: testJurisdiction.timeZone, notify: { keyring, publicUrl: baseUrl, council: testJurisdiction.name } };
        const thirtyDaysBefore = new Date(Date.parse(licence.valid_until) - 30 * DAY).toISOString();
        assert.deepEqual(await runLicenceRenewals({ db: t.db, ctx, now: () => thirtyDaysBefore }), { reminded: 1, expired: 0 });
        const reminder = await emailTo(email, new RegExp(`${licenceNumber}.*30 days`));
        assert.ok(reminder.text.includes(`/verify/${licence.token}`), 'the reminder links to the licence');

        // ---- Revocation on the licence's staff page: /verify and `townhall verify` say so. ----
        const revoker = await staffBrowser(staff.supervisor);
        try {
          const desk = await revoker.newPage();
          await desk.goto(`${baseUrl}/staff/licences`);
          await desk.getByLabel('Licence number or case number').fill(String(reference));
          await go(desk, () => desk.getByRole('button', { name: 'Find' }).click());
          await go(desk, () => desk.getByRole('link', { name: licenceNumber }).click());
          await desk.getByLabel('Reason').fill('The tree works were found to be unsafe.');
          await go(desk, () => desk.getByRole('button', { name: 'Revoke the licence' }).click());
          assert.match(await desk.textContent('main') ?? '', /The licence was revoked/);
        } finally {
          await revoker.close();
        }
        assert.equal(await verify(), 'Genuine, but revoked');
        await accessible(page, true, '/verify: revoked');
        const revoked = await runBuiltTownhall(['verify', pdfFile, '--keys', keysFile, '--online']);
        assert.match(revoked.stdout, new RegExp(`^revoked: ${licenceNumber} .* is revoked`), `townhall verify --online on the revoked licence's PDF: ${revoked.stdout}${revoked.stderr}`);
        assert.equal(revoked.code, 6);
      } finally {
        await checker.close();
      }
      await resident.context.close();
    });

    test('the same resident\'s part without JavaScript: apply, save, come back, pay, answer a request for more information', { timeout: 90_000 }, async () => {
      const email = `omar.${database.name}@example.org`;
      const resident = await applyAndPay(false, email);
      try {
        assert.equal(await resident.tab.locator('script:not([src^="/assets/"])').count(), 0, 'no inline script');
        await moreInformation(resident.reference, { tab: resident.tab, javaScript: false, email });
      } finally {
        await resident.context.close();
      }
    });
  });
}
