/**
 * Emergency alerts in a real browser (Chromium), on both databases: issue 15's done-when walk.
 * Residents subscribe to places through the public form (by email, confirmed by the emailed link;
 * by text message, confirmed by the texted code), inside the area and outside it. A resident's
 * report page is open; one emergency officer drafts a boil-water alert in English and Spanish for
 * a named area and an area drawn on the map, a second officer approves it; its CAP message is valid
 * against the CAP 1.2 schema and the Atom feed lists it; the subscribers inside receive it over a
 * real SMTP conversation and from the SMS test provider, those outside nothing; the report's page
 * shows the banner without a reload. An Update and then a Cancel follow, each referencing the one
 * before in its CAP message; after the Cancel the banner goes. An incident then links the reports in
 * the area and gives two departments a task. The public pages pass axe.
 *
 * Written as small steps (signIn, draftAlert, approve, capOf...) so that later journeys
 * (subscribers, incidents) can reuse them.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { alertEmailChannel, alertSmsChannel } from '../src/alerts/fan-out-delivery.js';
import { alertDeliveryFigures, runAlertFanOuts } from '../src/alerts/fan-out.js';
import { startSession, limitsFor } from '../src/identity/sessions.js';
import { deliverDue } from '../src/notifications/delivery.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { httpSmsProvider, openQueuedSms } from '../src/notifications/sms.js';
import { smtpSender } from '../src/notifications/smtp.js';
import type { RetryPolicy } from '../src/platform/outbox.js';
import { createUser } from '../src/identity/users.js';
import type { Role } from '../src/identity/roles.js';
import { importPlaces } from '../src/places/places.js';
import { axeViolations, launchBrowser } from './browser.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { runIncident } from './incident-steps.js';
import { startSmsProvider } from './sms-provider.js';
import { sink } from './smtp-sink.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { sharedFile } from './shared-files.js';
import { checkAgainstSchema } from './xml-schema.js';

const capSchema = pathToFileURL(sharedFile('specs/cap/CAP-v1.2.xsd'));
/** A neighbourhood of the test council (London), as the gazetteer has it. */
const WESTMINSTER = { kind: 'area' as const, name: 'Westminster', lat: 51.5, long: -0.14, bounds: { minLat: 51.49, minLong: -0.16, maxLat: 51.51, maxLong: -0.12 } };
const INSIDE = { lat: '51.5014', long: '-0.1419' };
/** Addresses residents subscribe to: one in Westminster, one far to the east. */
const DOWNING = { kind: 'address' as const, name: '10 Downing Street', lat: 51.5034, long: -0.1276, bounds: null };
const GREENWICH = { kind: 'address' as const, name: '1 Greenwich Park Road', lat: 51.41, long: 0.2, bounds: null };
const fast: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 5, backoffCapMs: 20, leaseMs: 5_000 };

interface AlertWords { event: string; headline: string; description: string; instruction?: string }

for (const database of databasesUnderTest()) {
  describe(`emergency alerts in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    before(async () => {
      t = await startTownhall(database, fixture);
      await importPlaces(t.db, t.jurisdiction.id, [WESTMINSTER, DOWNING, GREENWICH]);
      browser = await launchBrowser();
    });
    after(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await t?.close();
    });

    /** A browser profile of its own (axe needs the page's CSP bypassed to inject itself). */
    async function newTab(): Promise<Page> {
      const context = await browser.newContext({ bypassCSP: true });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      const tab = await context.newPage();
      tab.on('pageerror', (error) => assert.fail(`a script failed on ${tab.url()}: ${error.message}`));
      return tab;
    }

    /** A member of staff signed in (second factor done) in a browser of their own. */
    async function signIn(email: string, role: Role): Promise<Page> {
      const created = await createUser(t.db, t.keyring, { email, role, departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(created.id), { limits: limitsFor(role), secondFactor: true });
      const tab = await newTab();
      await tab.context().addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      return tab;
    }

    /** A resident's report at a place; its id. */
    async function reportAt(where: { lat: string; long: string }): Promise<string> {
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, ...where }) });
      return ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    }

    const lastPayload = async (kind: string) => JSON.parse((await t.db.selectFrom('outbox').select('payload').where('kind', '=', kind).orderBy('id', 'desc').executeTakeFirstOrThrow()).payload) as unknown;

    /**
     * A resident subscribes through the public form, as a phone without an account does: finds the
     * address, chooses it, the channel and the language; confirms by the emailed link's button or
     * by typing the texted code. (The confirmation itself is read from the outbox, where the
     * council's mail and text services would collect it.)
     */
    async function subscribeAt(address: string, channel: 'email' | 'sms', contact: string, language: 'en' | 'es'): Promise<void> {
      const tab = await newTab();
      await tab.goto(`${t.baseUrl}/alerts/subscribe?q=${encodeURIComponent(address)}`);
      await tab.getByLabel(address).check();
      await tab.locator(`input[name="channel"][value="${channel}"]`).check();
      await tab.locator('input[name="contact"]').fill(contact);
      await tab.locator(`input[name="language"][value="${language}"]`).check();
      await Promise.all([tab.waitForNavigation(), tab.locator('form[action="/alerts/subscribe"] button[type="submit"]').last().click()]);
      if (channel === 'email') {
        const email = openQueuedEmail(t.keyring, await lastPayload('email'));
        assert.equal(email.to, contact);
        // The link as emailed, opened on this test's server.
        await tab.goto(`${t.baseUrl}${/(\/alerts\/subscribe\/confirm\?token=[A-Za-z0-9_-]+)/.exec(email.text)![1]!}`);
        await Promise.all([tab.waitForNavigation(), tab.locator('form[action="/alerts/subscribe/confirm"] button[type="submit"]').click()]);
      } else {
        const code = /(\d{6})/.exec(openQueuedSms(t.keyring, await lastPayload('sms')).body)![1]!;
        await tab.locator('input[name="code"]').fill(code);
        await Promise.all([tab.waitForNavigation(), tab.locator('form[action="/alerts/subscribe/code"] button[type="submit"]').click()]);
      }
      const row = await t.db.selectFrom('alert_subscriptions').select(['confirmed_at', 'place_name']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.ok(row.confirmed_at, `${contact} is confirmed`);
      assert.equal(row.place_name, address);
      await tab.context().close();
    }

    /** Opens a report's page and waits until it listens for live updates. */
    async function openTrackPage(id: string): Promise<Page> {
      const tab = await newTab();
      const stream = tab.waitForRequest((request) => request.url().includes(`/requests/${id}/events`));
      await tab.goto(`${t.baseUrl}/requests/${id}`);
      await stream;
      return tab;
    }

    /** Fills one language's fieldset of the alert form. */
    async function writeIn(tab: Page, language: 'en' | 'es' | 'ar', words: AlertWords): Promise<void> {
      await tab.fill(`#${language}-event`, words.event);
      await tab.fill(`#${language}-headline`, words.headline);
      await tab.fill(`#${language}-description`, words.description);
      if (words.instruction !== undefined) await tab.fill(`#${language}-instruction`, words.instruction);
    }

    /** Saves the form on the page as a draft; the new alert's id. */
    async function saveDraft(tab: Page): Promise<number> {
      await Promise.all([tab.waitForNavigation({ waitUntil: 'load' }), tab.getByRole('button', { name: 'Save the draft' }).click()]);
      const problems = await tab.locator('.error-summary').count() ? await tab.locator('.error-summary').textContent() : null;
      assert.equal(problems, null, 'the draft is saved');
      await tab.waitForURL(/\/staff\/alerts\/\d+$/);
      return Number(/(\d+)$/.exec(new URL(tab.url()).pathname)![1]);
    }

    /**
     * Draws the area on the form's map (loaded when its button is pressed): clicks at the given
     * fractions of the map's box mark the corners; the polygons field gets the CAP polygon.
     */
    async function drawArea(tab: Page, corners: ReadonlyArray<readonly [number, number]>): Promise<string> {
      await tab.getByRole('button', { name: 'Draw the area on a map' }).click();
      await tab.waitForSelector('.map.leaflet-container');
      const map = tab.locator('.map');
      await map.scrollIntoViewIfNeeded();
      const box = (await map.boundingBox())!;
      for (const [x, y] of corners) {
        await map.click({ position: { x: box.width * x, y: box.height * y } });
        await tab.waitForTimeout(350);
      }
      const drawn = await tab.inputValue('#polygons');
      const pairs = drawn.split(' ');
      assert.equal(pairs.length, corners.length + 1, `a closed CAP polygon: ${drawn}`);
      assert.equal(pairs[0], pairs[pairs.length - 1]);
      assert.ok(pairs.every((pair) => /^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/.test(pair)), drawn);
      return drawn;
    }

    /** Drafts a new alert through the form: a named area and/or a typed polygon, words per language. */
    async function draftAlert(tab: Page, alert: { area?: string; areaDescription?: string; polygon?: string; draw?: ReadonlyArray<readonly [number, number]>; categories: string[]; words: Partial<Record<'en' | 'es' | 'ar', AlertWords>> }): Promise<number> {
      await tab.goto(`${t.baseUrl}/staff/alerts/new`);
      if (alert.area) await tab.selectOption('#areaPlace', { label: alert.area });
      if (alert.areaDescription) await tab.fill('#areaDescription', alert.areaDescription);
      if (alert.polygon) await tab.fill('#polygons', alert.polygon);
      if (alert.draw) await drawArea(tab, alert.draw);
      await tab.selectOption('#categories', alert.categories);
      for (const [language, words] of Object.entries(alert.words)) await writeIn(tab, language as 'en', words);
      return saveDraft(tab);
    }

    /** Approves an alert as the officer in this tab. */
    async function approve(tab: Page, id: number): Promise<void> {
      await tab.goto(`${t.baseUrl}/staff/alerts/${id}`);
      await tab.getByRole('button', { name: 'Approve and send' }).click();
      await tab.waitForURL(new RegExp(`/staff/alerts/${id}$`));
      assert.match(await tab.locator('dd.alert-stage-approved').textContent() ?? '', /approved/);
    }

    /** Starts an Update or Cancel of an approved alert from its page (the form comes prefilled). */
    async function follow(tab: Page, id: number, kind: 'Update' | 'Cancel'): Promise<void> {
      await tab.goto(`${t.baseUrl}/staff/alerts/${id}`);
      await tab.getByRole('link', { name: kind === 'Update' ? 'Draft an Update' : 'Draft a Cancel' }).click();
      await tab.waitForURL(/\/staff\/alerts\/new\?follows=/);
      assert.equal(await tab.inputValue('#referencesId'), String(id));
      assert.equal(await tab.inputValue('#msgType'), kind);
    }

    /** The public CAP message of an alert, checked against the schema. */
    async function capOf(id: number): Promise<string> {
      const response = await fetch(`${t.baseUrl}/alerts/${id}.cap.xml`);
      assert.equal(response.status, 200);
      const xml = await response.text();
      const check = await checkAgainstSchema(xml, capSchema);
      assert.ok(check.valid, check.errors.join('\n'));
      return xml;
    }
    const reference = (xml: string) => {
      const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)![1]!;
      return `${field('sender')},${field('identifier')},${field('sent')}`;
    };

    test('done when: subscribers inside get it by email and text, the open report page shows the banner live, Update then Cancel reference correctly, an incident links the reports and gives two tasks', async () => {
      await subscribeAt(DOWNING.name, 'email', 'inside@example.org', 'es');
      await subscribeAt(DOWNING.name, 'sms', '+44 7700 900111', 'en');
      await subscribeAt(GREENWICH.name, 'email', 'outside@example.org', 'en');
      await subscribeAt(GREENWICH.name, 'sms', '+44 7700 900999', 'en');
      const mail = sink();
      const smtpUrl = await mail.listen();
      const provider = await startSmsProvider();
      const texts = provider.texts;
      after(async () => { await provider.close(); await mail.close(); });

      const reportId = await reportAt(INSIDE);
      const track = await openTrackPage(reportId);
      assert.equal(await track.locator('.alert-banner').count(), 0, 'no alert yet');

      const first = await signIn('officer1@example.org', 'emergency_officer');
      const second = await signIn('officer2@example.org', 'emergency_officer');
      const id = await draftAlert(first, {
        area: 'Westminster', draw: [[0.44, 0.44], [0.56, 0.45], [0.55, 0.56], [0.45, 0.55]], categories: ['Health', 'Infra'],
        words: {
          en: { event: 'Boil water notice', headline: 'Boil tap water before drinking', description: 'A water main burst in Westminster.', instruction: 'Boil water for one minute.' },
          es: { event: 'Aviso de hervir el agua', headline: 'Hierva el agua del grifo antes de beberla', description: 'Se rompió una tubería en Westminster.' },
        },
      });
      // The author is told a second officer must approve; they are offered no Approve button.
      assert.match(await first.locator('main').textContent() ?? '', /Another emergency officer must approve this alert/);
      assert.equal(await first.getByRole('button', { name: 'Approve and send' }).count(), 0);
      await approve(second, id);

      await track.locator('.alert-banner', { hasText: 'Boil tap water before drinking' }).waitFor({ timeout: 10_000 });
      assert.equal(await track.getAttribute('.alert-banner a', 'href'), `/alerts/${id}`);

      const original = await capOf(id);
      assert.match(original, /<areaDesc>Westminster<\/areaDesc>/);
      assert.equal([...original.matchAll(/<polygon>/g)].length / 2, 2, 'the named area and the typed polygon, in each of the two infos');
      assert.match(original, /<language>es<\/language>/);
      const atom = await (await fetch(`${t.baseUrl}/alerts.atom`)).text();
      assert.match(atom, new RegExp(`href="${t.baseUrl}/alerts/${id}\\.cap\\.xml"`));

      // Every subscriber inside the area gets one message on their channel, in their language; those outside nothing.
      const progress = await runAlertFanOuts(t.db, t.jurisdiction.id);
      void progress;
      const council = { publicUrl: t.baseUrl, council: t.jurisdiction.name };
      const email = smtpSender({ smtpUrl, from: 'alerts@council.example' }, t.jurisdiction.name)!;
      const workers = [alertEmailChannel(t.db, t.keyring, council, email, 1000), alertSmsChannel(t.db, t.keyring, council, httpSmsProvider(provider.url, 'Council'), 1000)];
      for (let i = 0; i < 20 && (await alertDeliveryFigures(t.db, id)).queued > 0; i++) await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, workers);
      email.close();
      assert.deepEqual(mail.accepted.map((m) => m.to), ['inside@example.org']);
      assert.match(mail.accepted[0]!.subject, /Hierva el agua/, 'in the subscriber\'s language');
      assert.ok(mail.accepted[0]!.text.includes(`${t.baseUrl}/alerts/${id}`));
      assert.deepEqual(texts.map((m) => m.to), ['+447700900111']);
      assert.ok([...texts[0]!.body].length <= 160, texts[0]!.body);
      assert.match(texts[0]!.body, /Boil tap water/);
      const figures = await alertDeliveryFigures(t.db, id);
      assert.deepEqual([figures.subscribers, figures.sent, figures.failed, figures.queued], [2, 2, 0, 0]);
      await first.goto(`${t.baseUrl}/staff/alerts/${id}`);
      assert.match(await first.locator('main').textContent() ?? '', /0 queued · 2 sent · 0 failed/);
      const current = await first.evaluate(async (path) => (await fetch(path)).json(), `/staff/alerts/${id}/deliveries.json`) as { sent: number; queued: number };
      assert.deepEqual([current.sent, current.queued], [2, 0], 'the figures the page keeps current');
      // The short forms for other channels, in each language: the text message as subscribers got it.
      const shortTexts = first.getByRole('region', { name: 'Short texts' });
      assert.ok((await shortTexts.textContent() ?? '').includes(texts[0]!.body), 'the page shows the text message sent');

      await follow(first, id, 'Update');
      await first.fill('#en-headline', 'Still boil tap water before drinking');
      const update = await saveDraft(first);
      await approve(second, update);
      const updateXml = await capOf(update);
      assert.match(updateXml, /<msgType>Update<\/msgType>/);
      assert.ok(updateXml.includes(`<references>${reference(original)}</references>`), 'the Update references the alert');
      await track.locator('.alert-banner', { hasText: 'Still boil tap water before drinking' }).waitFor({ timeout: 10_000 });

      await follow(first, update, 'Cancel');
      const cancel = await saveDraft(first);
      await approve(second, cancel);
      const cancelXml = await capOf(cancel);
      assert.match(cancelXml, /<msgType>Cancel<\/msgType>/);
      assert.ok(cancelXml.includes(`<references>${reference(updateXml)}</references>`), 'the Cancel references the Update');
      await track.locator('.alert-banner').waitFor({ state: 'detached', timeout: 10_000 });

      // The incident: the reports in the area linked, two departments given a task.
      await signedInAs(t, 'rory@example.org', 'case_worker', 'roads');
      await signedInAs(t, 'pat@example.org', 'case_worker', 'parks');
      const nearby = await reportAt({ lat: '51.5005', long: '-0.1405' });
      const departments = await t.db.selectFrom('departments').select(['code', 'name']).execute();
      const named = (code: string) => departments.find((d) => d.code === code)!.name;
      const incident = await runIncident(first, t.baseUrl, {
        title: 'Burst water main, Westminster', areaText: '51.495,-0.15 51.495,-0.13 51.507,-0.13 51.507,-0.15 51.495,-0.15', reports: [Number(reportId), Number(nearby)],
        tasks: [{ title: 'Close Whitehall to traffic', department: named('roads') }, { title: 'Water station in St James\'s Park', department: named('parks') }],
      });
      const tasks = await t.db.selectFrom('incident_tasks').select('status').where('case_id', '=', incident).execute();
      assert.deepEqual(tasks.map((x) => x.status), ['open', 'open']);
    });

    test('an area drawn on the map; the staff pages pass axe, and the public ones in every language', async () => {
      const first = await signIn('officer3@example.org', 'emergency_officer');
      const second = await signIn('officer4@example.org', 'system_admin');
      const id = await draftAlert(first, {
        areaDescription: 'By the river', draw: [[0.42, 0.42], [0.58, 0.44], [0.57, 0.58], [0.43, 0.57]], categories: ['Met'],
        words: {
          en: { event: 'Flood warning', headline: 'Flooding expected by the river', description: 'The river may burst its banks tonight.' },
          ar: { event: 'تحذير من الفيضان', headline: 'فيضانات متوقعة قرب النهر', description: 'قد يفيض النهر الليلة.' },
        },
      });
      await second.goto(`${t.baseUrl}/staff/alerts/${id}`);
      assert.deepEqual(await axeViolations(second), [], 'the staff page of a draft, with Approve and Reject');
      await approve(second, id);
      for (const path of ['/staff/alerts', '/staff/alerts/new', `/staff/alerts/${id}`]) {
        await first.goto(`${t.baseUrl}${path}`);
        assert.deepEqual(await axeViolations(first), [], path);
      }
      const guest = await newTab();
      for (const lang of ['en', 'es', 'ar']) {
        for (const path of ['/alerts', `/alerts/${id}`, '/alerts/archive']) {
          await guest.goto(`${t.baseUrl}${path}?lang=${lang}`);
          assert.match(await guest.locator('.alert-banner').textContent() ?? '', lang === 'ar' ? /فيضانات متوقعة/ : /Flooding expected/);
          assert.deepEqual(await axeViolations(guest), [], `${path} in ${lang}`);
        }
      }
    });
  });
}
