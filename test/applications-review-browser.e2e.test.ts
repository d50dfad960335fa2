/**
 * The officer's pages of an application, in a real browser at 320 CSS pixels: the case page
 * with its application panel (before and after the decision), the decision form (and its error
 * summary), and the request for more information with its errors. axe finds no WCAG 2.2 A/AA
 * violations, nothing scrolls sideways, scripts come only from /assets/ (the forms are plain
 * HTML: test/applications-review.test.ts drives them without JavaScript). SQLite only: the
 * pages render the same on either database (test/applications-review.test.ts runs both).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { publishForm } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { performCaseAction } from '../src/cases/actions.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { applyForTreeWorks, scannerFor, TREES, treeService } from './application-client.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

describe('an application\'s staff pages in a browser: accessible, 320 px wide', () => {
  let t: RunningTownhall;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let reference = 0;

  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, { ...fixture, services: [...fixture.services, treeService], applications: { scanner: scannerFor([]) } });
    const user = await createUser(t.db, t.keyring, { email: 'boss@council.example', role: 'supervisor', departmentCode: 'parks' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
    const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('supervisor'), secondFactor: true });
    await t.db.updateTable('services').set({ department_code: 'parks' }).where('code', '=', TREES).execute();
    await publishForm(t.db, t.jurisdiction.id, TREES, { ...treeWorks(), appealDays: 21 }, 'test');
    ({ reference } = await applyForTreeWorks(t, new WebClient(t.baseUrl), 'rowan@example.org'));
    const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
    await performCaseAction(t.db, { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } },
      reference, { kind: 'transition', transition: 'review' }, admin, 'a11y-review');
    browser = await launchBrowser();
    context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: 320, height: 640 } });
    context.setDefaultTimeout(10_000);
    await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
    tab = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function check(what: string) {
    const seen = await tab.evaluate(() => ({
      scripts: [...document.querySelectorAll('script')].map((n) => n.getAttribute('src') ?? 'inline'),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    assert.ok(seen.scripts.every((src) => src.startsWith('/assets/')), `${what}: scripts ${seen.scripts.join(', ')}`);
    assert.ok(seen.overflow <= 0, `${what} scrolls sideways by ${seen.overflow}px at 320px wide`);
    assert.deepEqual(await axeViolations(tab), [], what);
  }

  test('the case page with the application panel, then the decision form and its errors, then the decided case', async () => {
    const response = await tab.goto(`${t.baseUrl}/staff/requests/${reference}`);
    assert.equal(response?.status(), 200);
    assert.match(await tab.textContent('#application-heading') ?? '', /Application/);
    await check('the case page with its application panel');

    // The decision link opens the form (plain links and forms: no script needed); sent empty, it shows the error summary.
    await tab.click('#decide-link');
    assert.match(tab.url(), new RegExp(`/staff/applications/${reference}/decision$`));
    await check('the decision form');
    await tab.click('#decide');
    await tab.waitForLoadState();
    assert.match(await tab.textContent('.error-summary') ?? '', /Choose whether to approve or refuse/);
    await check('the decision form with errors');

    await tab.goto(`${t.baseUrl}/staff/applications/${reference}/request-information`);
    await tab.click('main button[type="submit"]');
    await tab.waitForLoadState();
    assert.match(await tab.textContent('.error-summary') ?? '', /Write what the applicant needs to do/);
    await check('asking for more information, with errors');

    await tab.goto(`${t.baseUrl}/staff/applications/${reference}/decision`);
    await tab.check('#outcome');
    await tab.fill('#conditions', 'Work only on weekdays');
    await tab.click('#decide');
    await tab.waitForLoadState();
    assert.match(tab.url(), new RegExp(`/staff/requests/${reference}\\?done=decision$`));
    assert.match(await tab.textContent('.application-panel') ?? '', /Work only on weekdays/);
    await check('the decided case, with its licence');
  });
});
