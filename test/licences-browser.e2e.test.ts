/**
 * The licence pages in a real browser, in every language: /verify (the form, its error, a
 * genuine licence, a forged one), the public register, and the staff licence pages: no WCAG 2.2
 * A/AA violations, no sideways scrolling at 320 CSS pixels, no script of their own. Then the
 * verify form used as a person would, without JavaScript.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { languages } from '../src/i18n/languages.js';
import { issueLicence, type IssuedLicence } from '../src/licences/licences.js';
import { setLicenceRegister } from '../src/licences/register.js';
import { axeViolations, launchBrowser } from './browser.js';
import { signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

describe('licence pages are accessible and work on a small screen', () => {
  let t: RunningTownhall;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let licence: IssuedLicence;
  let staffCookie = '';

  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, fixture);
    await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
    staffCookie = (await signedInAs(t, 'worker@example.org', 'case_worker', 'public-works')).cookie.split('=')[1]!;
    const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
      method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'rita@example.org' }),
    });
    const caseId = Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.config.jurisdiction.name } };
    licence = await issueLicence(t.db, {
      caseId, serviceCode: GRAFFITI, serviceName: 'Food business registration', holderName: 'The Corner Café Ltd',
      permits: 'Preparing and selling hot food at 12 Market Street, including a long description that must wrap on a narrow phone screen without scrolling sideways',
      conditions: ['Keep a food hygiene log', 'Inspection within 28 days'], validFrom: '2026-01-01', validUntil: '2031-12-31', language: 'en',
    }, { id: 'system:test', userId: null, role: 'system', departmentId: null }, ctx);
    await setLicenceRegister(t.db, t.jurisdiction.id, GRAFFITI, { publicRegister: true, publishHolderName: true }, 'test');
    browser = await launchBrowser();
    context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', javaScriptEnabled: true, viewport: { width: 320, height: 640 } });
    tab = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const forged = () => {
    const [header, payload, signature] = licence.token.split('.') as [string, string, string];
    return `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  };
  const pages = [
    { name: 'verify: the form', path: () => '/verify' },
    { name: 'verify: not a licence code', path: () => '/verify?token=not-a-code' },
    { name: 'verify: genuine and valid', path: () => `/verify/${licence.token}` },
    { name: 'verify: not genuine', path: () => `/verify/${forged()}` },
    { name: 'the register of licences', path: () => '/licences' },
    { name: 'the register, searched with no match', path: () => '/licences?q=zzzz' },
    { name: 'staff: licences', path: () => `/staff/licences?number=${licence.number}`, staff: true },
    { name: 'staff: a licence', path: () => `/staff/licences/${licence.licenceId}`, staff: true },
  ];
  for (const page of pages) {
    for (const language of page.staff ? languages.filter((l) => l.code === 'en') : languages) {
      test(`${page.name} (${language.code}): no WCAG 2.2 AA violations, fits 320 px`, async () => {
        await context.clearCookies();
        await context.addCookies([{ name: 'townhall_lang', value: language.code, url: t.baseUrl }]);
        if (page.staff) await context.addCookies([{ name: 'townhall_session', value: staffCookie, url: t.baseUrl }]);
        await tab.goto(`${t.baseUrl}${page.path()}`);
        const seen = await tab.evaluate(() => ({
          scripts: [...document.querySelectorAll('script')].map((n) => n.getAttribute('src') ?? 'inline'),
          lang: document.documentElement.getAttribute('lang'),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        }));
        assert.ok(seen.scripts.every((src) => src.startsWith('/assets/')), seen.scripts.join(', '));
        assert.equal(seen.lang, language.code);
        assert.ok(seen.overflow <= 0, `scrolls sideways by ${seen.overflow}px at 320px wide`);
        assert.deepEqual(await axeViolations(tab), []);
      });
    }
  }

  test('a person pastes a licence code without JavaScript and reads the answer', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    try {
      const page = await noScript.newPage();
      await page.goto(`${t.baseUrl}/verify?lang=es`);
      await page.getByLabel('Código de la licencia').fill(licence.token);
      await page.getByRole('button', { name: 'Comprobar' }).click();
      await page.waitForLoadState();
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Auténtica y válida');
      assert.ok((await page.textContent('main'))?.includes('Keep a food hygiene log'));
    } finally {
      await noScript.close();
    }
  });
});
