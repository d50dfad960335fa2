/**
 * The resident portal's acceptance scenario, as one story told in a real browser (Chromium):
 *
 * 1. A new resident on a small phone (320×640) with JavaScript off starts at the home page,
 *    follows the links to report a pothole, finds the place by the address search, answers the
 *    questions, attaches a photo, gives an email address, checks the answers, sends the report
 *    and notes its reference.
 * 2. The report is on the public reports page and in the map's data (/reports.geojson).
 * 3. With JavaScript on, the report's page is open when the back office closes the case through
 *    Open311 (POST servicerequestupdates, with a key that may only update); the page shows it
 *    closed by itself, without a reload (server-sent events).
 * 4. The reporter opens the feedback link from the case_closed email, answers "Yes, it was
 *    fixed", satisfaction 4 and a comment; the thank-you page shows and the answer is stored.
 *
 * On SQLite, and on PostgreSQL too when TOWNHALL_TEST_POSTGRES_URL is set.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { feedbackForCase } from '../src/feedback/feedback.js';
import { openQueuedEmail, type QueuedEmail } from '../src/notifications/email.js';
import { importPlaces } from '../src/places/places.js';
import { freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { asRecords, marker, Open311, w3cAt } from './open311/client.js';
import { fixture, POTHOLE } from './open311/fixture-catalogue.js';

const PLACE = { name: '10 Downing Street', lat: 51.5034, long: -0.1276 };
const EMAIL = 'new.resident@example.org';
const PHONE = { width: 320, height: 640 };

/** Clicks something that leads to a new page (a link, or a form sent and redirected) and waits for it. */
async function go(tab: Page, selector: string): Promise<void> {
  await Promise.all([tab.waitForEvent('load'), tab.click(selector)]);
}

for (const database of databasesUnderTest()) {
  describe(`the portal's acceptance scenario on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    let photo: Buffer;

    before(async () => {
      t = await startTownhall(database, fixture);
      await importPlaces(t.db, t.jurisdiction.id, [{ kind: 'address', name: PLACE.name, lat: PLACE.lat, long: PLACE.long, bounds: null }]);
      photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 60, g: 60, b: 60 } } }).jpeg({ quality: 70 }).toBuffer();
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    test('report a pothole without JavaScript, see it listed and mapped, watch it close live, and say it was fixed', async () => {
      // ---- 1. Report it: 320×640, no JavaScript ----
      const phone = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
      phone.setDefaultTimeout(10_000);
      let id: string;
      try {
        const tab = await phone.newPage();
        await tab.goto(`${t.baseUrl}/`);
        assert.equal(await tab.locator('a.button', { hasText: 'Report a problem' }).count(), 1, 'home page: no "Report a problem" link');
        await go(tab, 'a.button:has-text("Report a problem")');

        assert.match(await tab.title(), /^What is the problem\?/, 'service step: the home page link did not lead to "What is the problem?"');
        await tab.check(`input[value="${POTHOLE}"]`);
        await go(tab, 'main button:has-text("Continue")');

        assert.match(await tab.title(), /^Where is the problem\?/, 'location step: choosing "Pothole" did not lead to "Where is the problem?"');
        assert.equal(await tab.locator('.leaflet-container').count(), 0, 'location step: a map without JavaScript');
        await tab.fill('#q', 'downing street');
        await go(tab, 'button:has-text("Search")');
        assert.equal(await tab.locator(`label:has-text("${PLACE.name}")`).count(), 1, 'location step: the address search did not find 10 Downing Street');
        await tab.check(`label:has-text("${PLACE.name}")`);
        await go(tab, 'button:has-text("Use this place")');

        // No open pothole nearby, so no "Has someone already reported it?" page.
        assert.match(await tab.title(), /^Tell us about the problem/, 'details step: choosing the place did not lead to the questions');
        await tab.fill('#q-road_name', 'Downing Street');
        await tab.fill('#q-depth_cm', '12');
        await tab.check('#q-surface');
        await tab.check('#q-hazards-3');
        await tab.fill('#description', 'A deep pothole by the kerb, full of water.');
        await go(tab, 'main button:has-text("Continue")');

        assert.match(await tab.title(), /^Add photos/, 'photos step: the answers were refused or did not lead to "Add photos"');
        await tab.setInputFiles('#photo', { name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: photo });
        await go(tab, 'button:has-text("Add this photo")');
        assert.equal(await tab.locator('ul.photos img').count(), 1, 'photos step: the photo was not added');
        await go(tab, 'main button:has-text("Continue")');

        assert.match(await tab.title(), /^Your contact details/, 'contact step: wrong page after the photo');
        await tab.fill('#email', EMAIL);
        await go(tab, 'main button:has-text("Continue")');

        assert.match(await tab.title(), /^Check your answers/, 'check step: the email was refused or did not lead to "Check your answers"');
        const answers = (await tab.textContent('dl.check')) ?? '';
        for (const expected of ['Pothole', PLACE.name, 'Downing Street', '12', 'Tarmac', 'Pedestrians', 'A deep pothole by the kerb, full of water.', '1 photo', EMAIL]) {
          assert.ok(answers.includes(expected), `check step: "${expected}" is not among the answers: ${answers}`);
        }
        await go(tab, 'button:has-text("Send report")');

        assert.match(await tab.title(), /^Report sent/, 'sending: no "Report sent" page');
        id = ((await tab.textContent('.reference')) ?? '').trim();
        assert.match(id, /^\d+$/, `sending: the reference "${id}" is not a number`);
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `sending: "Report sent" scrolls sideways by ${overflow}px at 320px`);

        // ---- 2. On the public reports page, and on the map ----
        await tab.goto(`${t.baseUrl}/reports`);
        const row = tab.locator('table tbody tr', { has: tab.locator(`a[href="/requests/${id}"]`) });
        assert.equal(await row.count(), 1, `reports page: no row for report ${id}`);
        const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
        assert.deepEqual(cells.slice(0, 4), [id, 'Pothole', PLACE.name, 'Open'], `reports page: the row for report ${id} is wrong`);
      } finally {
        await phone.close();
      }
      const geojson = await fetch(`${t.baseUrl}/reports.geojson`);
      assert.equal(geojson.status, 200, 'map data: /reports.geojson is not served');
      const map = (await geojson.json()) as { type: string; features: Array<{ geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }> };
      assert.equal(map.type, 'FeatureCollection', 'map data: not a GeoJSON FeatureCollection');
      const point = map.features.find((f) => f.properties.id === id);
      assert.ok(point, `map data: report ${id} is not in /reports.geojson`);
      assert.deepEqual(point.geometry, { type: 'Point', coordinates: [PLACE.long, PLACE.lat] }, 'map data: the report is not at the place chosen');
      assert.equal(point.properties.url, `/requests/${id}`, 'map data: the point does not link to the report');
      assert.equal(point.properties.status, 'Open', 'map data: the point is not shown open');

      // ---- 3. Its page, with JavaScript, updates itself when the back office closes it ----
      const live = await freshContext(browser);
      try {
        const tab = await live.newPage();
        await tab.setViewportSize(PHONE);
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        const stream = tab.waitForRequest((request) => request.url().includes(`/requests/${id}/events`));
        await tab.goto(`${t.baseUrl}/requests/${id}`);
        await stream;
        const status = tab.locator('[data-live] dl.summary strong');
        assert.equal(await status.textContent(), 'Open', 'track page: the report is not shown open before it is closed');
        // A mark in this document: still there after the update means the page was not reloaded.
        await tab.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true; });
        const backOffice = await createApiKey(t.db, { name: 'back office', scopes: ['open311:update'] }, 'test');
        const closed = await new Open311(t.baseUrl, backOffice.key).postUpdate({
          update_id: marker('closed'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(new Date()), description: 'Filled and rolled today.',
        });
        assert.equal(closed.status, 201, `closing: Open311 POST servicerequestupdates refused: ${closed.status} ${closed.text}`);
        assert.ok(asRecords(JSON.parse(closed.text))[0]?.update_id, 'closing: no update_id in the answer');
        await status.filter({ hasText: /^Closed/ }).waitFor({ timeout: 10_000 })
          .catch(async () => assert.fail(`track page: it did not show the report closed by itself within 10 s; it shows "${await status.textContent()}"`));
        assert.equal(await tab.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'track page: it was reloaded, not updated in place');
        assert.match((await tab.locator('ol.timeline').textContent()) ?? '', /Filled and rolled today\./, 'track page: the closing note is not in the timeline');
        await tab.locator('[data-live-status]', { hasText: 'This report was updated' }).waitFor({ timeout: 5_000 })
          .catch(() => assert.fail('track page: the update was not announced to screen readers'));
        assert.deepEqual(errors, [], 'track page: script errors');
      } finally {
        await live.close();
      }

      // ---- 4. The case_closed email's feedback link: "Yes, it was fixed", satisfied, a comment ----
      const outbox = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute();
      const emails: QueuedEmail[] = outbox.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload)));
      assert.ok(emails.some((e) => e.template === 'report_received' && e.to === EMAIL && e.subject.includes(`(reference ${id})`)),
        'emails: no report_received email to the reporter');
      const closedEmail = emails.find((e) => e.template === 'case_closed' && e.to === EMAIL && e.text.includes(`(reference ${id})`));
      assert.ok(closedEmail, `emails: no case_closed email to ${EMAIL} about report ${id} in the outbox (${emails.map((e) => `${e.template} to ${e.to}`).join(', ')})`);
      const link = /Was it fixed\? Tell us: (\S+)/.exec(closedEmail.text)?.[1];
      assert.ok(link && link.startsWith(`${t.baseUrl}/requests/${id}/feedback?key=`), `emails: no feedback link for report ${id} in: ${closedEmail.text}`);

      const reader = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
      reader.setDefaultTimeout(10_000);
      try {
        const tab = await reader.newPage();
        const form = await tab.goto(link);
        assert.equal(form?.status(), 200, `feedback: the emailed link answered ${form?.status()}`);
        assert.match((await tab.textContent('main')) ?? '', /Was the problem fixed\?/, 'feedback: the link did not open the feedback form');
        await tab.check('label:has-text("Yes, it was fixed")');
        await tab.check('input[name="satisfaction"][value="4"]');
        assert.equal(await tab.locator(`label[for="${await tab.getAttribute('input[name="satisfaction"][value="4"]', 'id')}"]`).textContent(), 'Satisfied',
          'feedback: satisfaction 4 is not labelled "Satisfied"');
        await tab.fill('#comment', 'Fixed within the week. Thank you!');
        await go(tab, 'button:has-text("Send my answer")');
        assert.match(await tab.title(), /^Thank you for telling us/, 'feedback: no thank-you page after sending the answer');
        assert.match((await tab.textContent('main')) ?? '', /We are glad the problem was fixed\./, 'feedback: the thank-you page does not say it is glad it was fixed');
        assert.equal(await tab.locator(`main a[href="/requests/${id}"]`).count(), 1, 'feedback: the thank-you page does not link to the report');
      } finally {
        await reader.close();
      }
      const stored = await t.db.selectFrom('feedback').selectAll().where('case_id', '=', Number(id)).execute();
      assert.equal(stored.length, 1, `feedback: ${stored.length} feedback rows stored for report ${id}, not 1`);
      assert.deepEqual({ service: stored[0]!.service_code, fixed: stored[0]!.fixed, satisfaction: stored[0]!.satisfaction },
        { service: POTHOLE, fixed: 1, satisfaction: 4 }, 'feedback: the stored answer is wrong');
      // The comment is stored sealed (it may hold personal details): read it back with the key.
      assert.deepEqual((await feedbackForCase(t.db, t.keyring, Number(id))).map((f) => f.comment), ['Fixed within the week. Thank you!'],
        'feedback: the stored comment is wrong');
      const [report] = asRecords(await (await fetch(`${t.baseUrl}/open311/v2/requests/${id}.json`)).json());
      assert.equal(report?.status, 'closed', 'feedback: "fixed" should leave the case closed');
    });
  });
}
