/**
 * Hotspots and Forecast in Chromium, as an analyst uses them: the filter form (sent without any
 * script), the hexagon map and the forecast chart, a filter that does not fit. axe finds nothing
 * at 390 and 1366 px, in English and in Arabic, and the pages fit 320 px without scrolling
 * sideways (wide tables scroll inside their own region). Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { demoServiceGroups, demoServices } from '../src/demo/catalogue-data.js';
import { demoCity } from '../src/demo/city.js';
import { loadDemoHistory } from '../src/demo/history.js';
import { importDemoHistory } from '../src/demo/history-import.js';
import { demoHistoryFile } from '../src/demo/seed.js';
import { seedDemoDepartments } from '../src/demo/workspace.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';

for (const database of databasesUnderTest()) {
  describe(`hotspots and forecast in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    let token = '';
    before(async () => {
      const b = demoCity.bounds;
      t = await startTownhall(database, {
        services: demoServices, groups: demoServiceGroups,
        env: { TOWNHALL_TIME_ZONE: demoCity.timeZone, TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}` },
      });
      const now = new Date();
      await seedDemoDepartments(t.db, t.config, now);
      await importDemoHistory(t.db, { jurisdiction: t.config.jurisdiction, keyring: t.keyring }, loadDemoHistory(demoHistoryFile, now, { limit: 600 }), { id: 'seed' });
      const analyst = await createUser(t.db, t.keyring, { email: 'analyst@council.example', role: 'analyst', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      ({ token } = await startSession(t.db, Number(analyst.id), { limits: limitsFor('analyst'), secondFactor: true }));
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    async function checkPage(page: Page, what: string) {
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: 900 });
        assert.deepEqual(await axeViolations(page), [], `${what} at ${width} px`);
      }
      await page.setViewportSize({ width: 320, height: 800 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 320, `${what} fits 320 px without scrolling sideways (${wide})`);
      await page.setViewportSize({ width: 1366, height: 900 });
    }

    test('an analyst filters the hotspots with the form, reads the map and the tables, in English and Arabic', async () => {
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      // No script is needed: the page must work as the server sends it.
      await context.route('**/*.js', (route) => route.abort());
      const page = await context.newPage();
      await page.goto(`${t.baseUrl}/staff/insights/hotspots`);
      assert.equal(await page.locator('h1').textContent(), 'Hotspots');
      assert.ok(await page.locator('svg[role="img"] polygon').count() > 0, 'hexagons drawn');
      assert.ok(await page.locator('#top-cells + p + div table tbody tr, #top-cells ~ div table tbody tr').count() > 0, 'the busiest cells listed');
      await checkPage(page, 'the hotspots page');

      await page.getByLabel('Service').selectOption({ label: 'Graffiti on public property' });
      await page.getByLabel('Hexagon size').selectOption('9');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/service=graffiti-public/);
      assert.match(page.url(), /grid=9/);
      assert.equal(await page.getByLabel('Service').inputValue(), 'graffiti-public', 'the form keeps the filter');
      const csv = await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href');
      assert.match(csv ?? '', /^\/staff\/insights\/hotspots\.csv\?.*service=graffiti-public/);

      await page.goto(`${t.baseUrl}/staff/insights/hotspots?from=2026-13-01`);
      assert.match(await page.locator('.error-summary').textContent() ?? '', /Enter “from” as a real date/);
      await checkPage(page, 'the hotspots page with a bad date');

      await page.goto(`${t.baseUrl}/staff/insights/hotspots?lang=ar`);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal(await page.locator('h1').textContent(), 'النقاط الساخنة');
      await checkPage(page, 'the hotspots page in Arabic');
      await page.goto(`${t.baseUrl}/staff/insights/hotspots?lang=en`);
      await context.close();
    });

    test('an analyst reads the forecast, its chart and its backtest, and changes the minutes a step takes', async () => {
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      await context.route('**/*.js', (route) => route.abort());
      const page = await context.newPage();
      await page.goto(`${t.baseUrl}/staff/insights/forecast`);
      assert.equal(await page.locator('h1').textContent(), 'Forecast');
      await page.getByText('fewer than two years of weeks').waitFor();
      assert.equal(await page.locator('figure.chart svg polyline').count(), 2, 'history and forecast lines');
      assert.ok(await page.locator('#services ~ div table tbody tr').count() > 3, 'a row per service');
      await checkPage(page, 'the forecast page');

      await page.getByLabel('Minutes a step takes').fill('45');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/minutes=45/);
      await page.getByText('times 45 minutes a step').waitFor();

      await page.goto(`${t.baseUrl}/staff/insights/forecast?lang=es`);
      assert.equal(await page.locator('h1').textContent(), 'Previsión');
      await checkPage(page, 'the forecast page in Spanish');
      await page.goto(`${t.baseUrl}/staff/insights/forecast?lang=ar`);
      await checkPage(page, 'the forecast page in Arabic');
      await context.close();
    });
  });
}
