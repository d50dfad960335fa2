/**
 * Emergency alerts in a real browser (Chromium), on both databases: a resident's report page is
 * open; one emergency officer drafts a boil-water alert in English and Spanish for a named area
 * (and a typed polygon), a second officer approves it, and the report's page shows the banner
 * without a reload. An Update and then a Cancel follow, each referencing the one before in its
 * CAP message; after the Cancel the banner goes. The public pages pass axe.
 *
 * Written as small steps (signIn, draftAlert, approve, capOf...) so that later journeys
 * (subscribers, incidents) can reuse them.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSession, limitsFor } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import type { Role } from '../src/identity/roles.js';
import { importPlaces } from '../src/places/places.js';
import { axeViolations, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { sharedFile } from './shared-files.js';
import { checkAgainstSchema } from './xml-schema.js';

const capSchema = pathToFileURL(sharedFile('specs/cap/CAP-v1.2.xsd'));
/** A neighbourhood of the test council (London), as the gazetteer has it. */
const WESTMINSTER = { kind: 'area' as const, name: 'Westminster', lat: 51.5, long: -0.14, bounds: { minLat: 51.49, minLong: -0.16, maxLat: 51.51, maxLong: -0.12 } };
const INSIDE = { lat: '51.5014', long: '-0.1419' };
/** Typed beside the named area: a small triangle within it. */
const TYPED_POLYGON = '51.495,-0.15 51.495,-0.13 51.505,-0.14 51.495,-0.15';

interface AlertWords { event: string; headline: string; description: string; instruction?: string }

for (const database of databasesUnderTest()) {
  describe(`emergency alerts in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    before(async () => {
      t = await startTownhall(database, fixture);
      await importPlaces(t.db, t.jurisdiction.id, [WESTMINSTER]);
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

    test('one officer drafts, another approves, the open report page shows the banner live; Update then Cancel reference correctly', async () => {
      const reportId = await reportAt(INSIDE);
      const track = await openTrackPage(reportId);
      assert.equal(await track.locator('.alert-banner').count(), 0, 'no alert yet');

      const first = await signIn('officer1@example.org', 'emergency_officer');
      const second = await signIn('officer2@example.org', 'emergency_officer');
      const id = await draftAlert(first, {
        area: 'Westminster', polygon: TYPED_POLYGON, categories: ['Health', 'Infra'],
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
