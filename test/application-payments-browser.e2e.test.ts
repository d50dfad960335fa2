/**
 * The money pages in a real browser at 320 px, checked by axe against WCAG 2.2 AA: an
 * application's payments and refunds (with the refund form, and with its errors), the daily
 * reconciliation (and its error), and the applicant's page listing their refunds, in English and
 * Arabic (right to left). The refund form is filled and sent in the browser.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { publishForm } from '../src/applications/applications.js';
import { createService } from '../src/catalogue/catalogue.js';
import { axeViolations, launchBrowser } from './browser.js';
import { signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { applyAsGuest, feeForm, feeService } from './payments-support.js';
import { WebClient } from './web-client.js';

const PARTY = 'street-party';

describe('money pages in a browser: accessible, at 320 px', { timeout: 180_000 }, () => {
  let t: RunningTownhall;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let reference = 0;
  let applicant: WebClient;
  let supervisor: SignedIn;
  let admin: SignedIn;

  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, fixture);
    supervisor = await signedInAs(t, 'sue.pervisor@example.org', 'supervisor', 'licensing');
    admin = await signedInAs(t, 'sys.admin@example.org', 'system_admin', null);
    await createService(t.db, t.jurisdiction.id, feeService(PARTY, 'Street party', 'licensing'), 'test');
    await publishForm(t.db, t.jurisdiction.id, PARTY, feeForm('Close a street for a party', 4000), 'test');
    applicant = new WebClient(t.baseUrl);
    reference = await applyAsGuest(applicant, PARTY);
    await applicant.get(`/apply/applications/${reference}`);
    const card = (await applicant.post(`/apply/applications/${reference}/pay`)).location!.replace(t.baseUrl, '');
    await applicant.get(card);
    await applicant.post(card, { card: '4444333322221111' });
    browser = await launchBrowser();
    context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: 320, height: 640 } });
    context.setDefaultTimeout(10_000);
    tab = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const as = async (who: SignedIn | null, cookies: Array<[string, string]> = []) => {
    await context.clearCookies();
    const all = [...(who ? [['townhall_session', who.cookie.split('=')[1]!] as [string, string]] : []), ...cookies];
    if (all.length > 0) await context.addCookies(all.map(([name, value]) => ({ name, value, url: t.baseUrl })));
  };
  const checkPage = async (what: string, status: number) => {
    const seen = await tab.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      scripts: [...document.querySelectorAll('script')].map((n) => n.getAttribute('src') ?? 'inline'),
    }));
    assert.ok(seen.overflow <= 0, `${what} scrolls sideways by ${seen.overflow}px at 320 px`);
    assert.ok(seen.scripts.every((src) => src.startsWith('/assets/')), `${what}: scripts ${seen.scripts.join(', ')}`);
    assert.deepEqual(await axeViolations(tab), [], what);
    assert.ok(status < 500, what);
  };

  test('the refund form, its errors, and a refund made', async () => {
    await as(supervisor);
    const page = `${t.baseUrl}/staff/applications/${reference}/payments`;
    const first = await tab.goto(page);
    assert.equal(first?.status(), 200);
    await checkPage('payments page', 200);
    await tab.getByRole('button', { name: 'Refund' }).click();
    await tab.waitForLoadState();
    assert.match(await tab.locator('.error-summary').innerText(), /Enter the amount to refund/);
    await checkPage('payments page with errors', 400);
    await tab.getByLabel('Amount to refund, in pounds').fill('12.50');
    await tab.getByLabel('Reason').fill('The party was shortened');
    await tab.getByRole('button', { name: 'Refund' }).click();
    await tab.waitForLoadState();
    assert.match(await tab.locator('[role="status"]').innerText(), /The refund was made/);
    assert.match(await tab.locator('main').innerText(), /£27\.50/);
    await checkPage('payments page after a refund', 200);
  });

  test('the daily reconciliation and its error', async () => {
    await as(admin);
    assert.equal((await tab.goto(`${t.baseUrl}/admin/payments`))?.status(), 200);
    assert.match(await tab.locator('tfoot').innerText(), /£40\.00/);
    await checkPage('reconciliation', 200);
    assert.equal((await tab.goto(`${t.baseUrl}/admin/payments?date=31/12/2026`))?.status(), 400);
    await checkPage('reconciliation with an error', 400);
  });

  test('the applicant sees the refund on their page, in English and in Arabic', async () => {
    for (const language of ['en', 'ar']) {
      await as(null, [...applicant.cookies].filter(([name]) => name !== 'townhall_lang').concat([['townhall_lang', language]]) as Array<[string, string]>);
      assert.equal((await tab.goto(`${t.baseUrl}/apply/applications/${reference}`))?.status(), 200);
      assert.match(await tab.locator('main').innerText(), language === 'en' ? /£12\.50 refunded on/ : /أُعيد/);
      await checkPage(`applicant page (${language})`, 200);
    }
  });
});
