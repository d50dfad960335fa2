/**
 * The published performance pages in a real browser, in English and in Arabic (right to left),
 * at 320, 390 and 1366 CSS pixels: no WCAG 2.2 A/AA violations (axe), no sideways scrolling,
 * the charts drawn and the month-by-month tables readable, all without the page's own script;
 * and the costs page for system administrators.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { submitCase } from '../src/cases/submit.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { saveChannelCosts } from '../src/performance/costs.js';
import { countJourneySent, countJourneyStarted } from '../src/performance/journeys.js';
import { nowIso } from '../src/platform/time.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

const widths = [320, 390, 1366];

describe('published performance in a browser', () => {
  let t: RunningTownhall;
  let browser: Browser;
  let adminToken = '';

  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, fixture);
    const context = { jurisdiction: t.jurisdiction, keyring: t.keyring };
    for (let i = 0; i < 9; i++) {
      const created = await submitCase(t.db, context, i % 3 === 0 ? 'phone' : 'web', {
        serviceCode: GRAFFITI, description: `Paint on wall ${i}`, lat: 51.5, long: -0.1, attributes: {}, mediaUrls: [], contact: {},
      }, { actor: { id: 'test' } });
      if (i < 6) {
        await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: `close-${i}`, requestId: created.id, status: 'closed', state: 'fixed', updatedAt: nowIso(), description: `Cleaned the wall, visit ${i}.`, mediaUrl: null },
          { id: 'test' }, { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });
      }
    }
    for (let i = 0; i < 8; i++) {
      const counted = await countJourneyStarted(t.db, t.jurisdiction, GRAFFITI);
      if (i < 6) await countJourneySent(t.db, t.jurisdiction.id, counted);
    }
    await saveChannelCosts(t.db, t.jurisdiction.id, { currency: 'GBP', costs: { web: 40, api: 20, phone: 650, email: 400, counter: 1200 } }, 'test');
    const admin = await createUser(t.db, t.keyring, { email: 'admin@example.org', role: 'system_admin', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
    adminToken = (await startSession(t.db, Number(admin.id), { limits: limitsFor('system_admin'), secondFactor: true })).token;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function check(context: BrowserContext, path: string, width: number, expect: RegExp) {
    const page = await context.newPage();
    try {
      const response = await page.goto(`${t.baseUrl}${path}`);
      assert.equal(response?.status(), 200, path);
      assert.match(await page.content(), expect);
      // Open every month-by-month table, so axe checks them too.
      for (const summary of await page.locator('details > summary').all()) await summary.click();
      const seen = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        charts: document.querySelectorAll('svg.chart[role="img"][aria-label]').length,
        tables: [...document.querySelectorAll('details table')].filter((table) => (table as HTMLElement).offsetHeight > 0).length,
      }));
      assert.ok(seen.overflow <= 0, `${path} scrolls sideways by ${seen.overflow}px at ${width}px`);
      return { seen, violations: await axeViolations(page) };
    } finally {
      await page.close();
    }
  }

  for (const language of ['en', 'ar']) {
    for (const width of widths) {
      test(`/performance and a service's page (${language}, ${width} px): no axe violations, nothing scrolls sideways`, async () => {
        const context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', javaScriptEnabled: true, viewport: { width, height: 800 } });
        try {
          for (const [path, expect] of [
            [`/performance?lang=${language}`, language === 'ar' ? /<html lang="ar" dir="rtl"/ : /How we are doing/],
            [`/performance/${GRAFFITI}?lang=${language}`, language === 'ar' ? /كيف نؤدي عملنا/ : /Cleaned the wall, visit 5\./],
          ] as const) {
            const { seen, violations } = await check(context, path, width, expect);
            assert.deepEqual(violations, [], `${path} at ${width}px`);
            // Every measure but satisfaction (no feedback yet, said in words) has a chart.
            assert.equal(seen.charts, 5, 'a chart for each measure with data');
            if (language === 'en') assert.match(await (await fetch(`${t.baseUrl}${path}`)).text(), /Not enough feedback yet\./);
            assert.equal(seen.tables, 6, 'a table for each measure, readable once opened');
          }
        } finally {
          await context.close();
        }
      });
    }
  }

  for (const width of [320, 1366]) {
    test(`the costs page (${width} px): no axe violations, with and without errors`, async () => {
      const context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width, height: 800 } });
      try {
        await context.addCookies([{ name: 'townhall_session', value: adminToken, url: t.baseUrl }]);
        const { violations } = await check(context, '/admin/settings/performance', width, /Costs per transaction/);
        assert.deepEqual(violations, []);
        const page = await context.newPage();
        await page.goto(`${t.baseUrl}/admin/settings/performance`);
        await page.fill('#web', 'cheap');
        await page.click('main button[type=submit]');
        assert.match(await page.content(), /id="web-error"/);
        assert.deepEqual(await axeViolations(page), []);
        await page.close();
      } finally {
        await context.close();
      }
    });
  }
});
