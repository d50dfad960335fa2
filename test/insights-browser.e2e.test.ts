/**
 * Staff analytics in Chromium: an analyst's dashboard over the demo history, in English and in
 * Arabic (right to left), with no axe violations at 390 px and 1366 px and nothing wider than a
 * phone's screen; the filters form changes the address and the figures without JavaScript.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { demoCity } from '../src/demo/city.js';
import { seedDemo } from '../src/demo/seed.js';
import { rebuildRollups } from '../src/insights/rollups.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';

for (const database of databasesUnderTest()) {
  describe(`staff analytics in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      const b = demoCity.bounds;
      t = await startTownhall(database, {
        services: [], groups: [],
        env: { TOWNHALL_TIME_ZONE: demoCity.timeZone, TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}` },
      });
      await seedDemo(t.db, t.config, t.keyring);
      await rebuildRollups(t.db, { jurisdictionId: t.config.jurisdiction.id, timeZone: demoCity.timeZone });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    async function checkAt(page: Page, what: string) {
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: 900 });
        assert.deepEqual(await axeViolations(page), [], `${what} at ${width} px`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `${what} fits ${width} px without scrolling sideways (${wide})`);
      }
    }

    test('an analyst reads the figures, filters them by service and month, in English and Arabic', async () => {
      const analyst = await signedInAs(t, 'analyst@council.example', 'analyst', null);
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: analyst.cookie.split('=')[1]!, url: t.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${t.baseUrl}/staff/insights`);
      await page.getByRole('heading', { level: 1, name: 'Service figures' }).waitFor();
      assert.equal(await page.locator('svg.chart').count(), 7);
      await checkAt(page, 'the dashboard');

      await page.getByLabel('Group by').selectOption('month');
      await page.getByLabel('Service').selectOption({ label: 'Pothole or damaged road' });
      await page.getByRole('button', { name: 'Show figures' }).click();
      await page.waitForURL(/group=month/);
      assert.match(page.url(), /service=pothole/);
      const rows = await page.locator('#volume tbody tr').count();
      assert.ok(rows >= 3, `${rows} months and the total`);
      await checkAt(page, 'the filtered dashboard');

      await page.goto(`${t.baseUrl}/staff/insights?lang=ar`);
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      await page.getByRole('heading', { level: 1, name: 'أرقام الخدمات' }).waitFor();
      await checkAt(page, 'the dashboard in Arabic');
      await context.close();
    });
  });
}
