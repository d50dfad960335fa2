/**
 * The inspection page on a phone, in a real browser without JavaScript: 320 CSS pixels wide with
 * no sideways scrolling, touch targets of at least 44 px, no WCAG 2.2 A/AA violations (with and
 * without an error shown), and the result recorded by tapping through the checklist. The
 * consultation pages are checked for violations and fit too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { publishForm } from '../src/applications/applications.js';
import type { FormDefinition } from '../src/applications/definition.js';
import { performCaseAction } from '../src/cases/actions.js';
import { formatInZone } from '../src/platform/time.js';
import { axeViolations, launchBrowser } from './browser.js';
import { signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const form: FormDefinition = {
  title: 'Register a food business', summary: 'Register before you start.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [], fees: [],
  pages: [{ id: 'business', title: 'The business', fields: [{ id: 'business_name', type: 'text', label: 'Business name' }] }],
  inspection: { checklist: [
    { id: 'handwashing', label: 'A basin for washing hands, with hot and cold water, soap and a way to dry hands' },
    { id: 'fridge', label: 'Fridges keep food at 8 °C or below', hint: 'Check with a probe thermometer, not the fridge’s own display.' },
  ] },
};

describe('the inspection page on a phone', () => {
  let t: RunningTownhall;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let inspectionId = '';
  let consultationId = 0;
  let officerCookie = '';
  let highwaysCookie = '';

  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, fixture);
    await publishForm(t.db, t.jurisdiction.id, GRAFFITI, form, 'test');
    const c = new WebClient(t.baseUrl);
    await c.get(`/apply/${GRAFFITI}/eligibility`);
    const draft = (await c.post(`/apply/${GRAFFITI}/start`)).location!.split('/')[3]!;
    await c.get(`/apply/d/${draft}/page/business`);
    await c.post(`/apply/d/${draft}/page/business`, { business_name: 'The Corner Café' });
    await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Rosa Baker', applicant_email: 'rosa@example.org' });
    await c.get(`/apply/d/${draft}/check`);
    await c.post(`/apply/d/${draft}/check`);
    const reference = Number(/<strong>(\d+)<\/strong>/.exec((await c.get(`/apply/d/${draft}/sent`)).html)![1]);

    const officer = await signedInAs(t, 'olu.officer@example.org', 'case_worker', 'licensing');
    officerCookie = officer.cookie.split('=')[1]!;
    highwaysCookie = (await signedInAs(t, 'hana@example.org', 'case_worker', 'highways')).cookie.split('=')[1]!;
    const licensing = (await t.db.selectFrom('departments').select('id').where('code', '=', 'licensing').executeTakeFirstOrThrow()).id;
    const highways = (await t.db.selectFrom('departments').select('id').where('code', '=', 'highways').executeTakeFirstOrThrow()).id;
    const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name } };
    const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
    const row = await t.db.selectFrom('cases').select('department_id').where('id', '=', reference).executeTakeFirstOrThrow();
    if (row.department_id !== licensing) await performCaseAction(t.db, ctx, reference, { kind: 'move_department', departmentId: licensing, reason: 'Licensing' }, admin, 'move');

    const staff = new WebClient(t.baseUrl);
    staff.cookies.set('townhall_session', officerCookie);
    staff.csrf = officer.csrf;
    const casePage = await staff.get(`/staff/requests/${reference}`);
    const key = (form: string) => new RegExp(`id="${form}"[\\s\\S]*?name="idempotency_key" value="([^"]+)"`).exec(casePage.html)![1]!;
    const day = formatInZone(new Date(Date.now() + 7 * 86_400_000).toISOString(), t.jurisdiction.timeZone).slice(0, 10);
    await staff.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key('ask-consultation'), department: String(highways), question: 'Can vans unload on Mill Lane?', due_on: day });
    const officerId = (await t.db.selectFrom('users').select('id').where('role', '=', 'case_worker').orderBy('id').executeTakeFirstOrThrow()).id;
    assert.equal((await staff.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key('book-inspection'), date: day, time: '10:00', duration: '60', place: 'The Corner Café, 12 Market Street', inspector: String(officerId) })).status, 303);
    inspectionId = (await t.db.selectFrom('application_inspections').select('id').executeTakeFirstOrThrow()).id;
    consultationId = (await t.db.selectFrom('application_consultations').select('id').executeTakeFirstOrThrow()).id;

    browser = await launchBrowser();
    context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: 320, height: 640 } });
    tab = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const fits = async () => tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  test('fits 320 px, large touch targets, no violations; the result is recorded by tapping, without JavaScript', async () => {
    await context.addCookies([{ name: 'townhall_session', value: officerCookie, url: t.baseUrl }]);
    await tab.goto(`${t.baseUrl}/staff/inspections/${inspectionId}`);
    assert.ok(await fits() <= 0, 'no sideways scrolling at 320 px');
    assert.deepEqual(await axeViolations(tab), []);
    const small = await tab.evaluate(() => [...document.querySelectorAll('.inspection-record .choice, .inspection-record button')]
      .map((n) => ({ what: n.textContent?.trim() ?? '', height: n.getBoundingClientRect().height })).filter((n) => n.height < 44));
    assert.deepEqual(small, [], 'every choice and button is at least 44 px tall');

    // Sent with nothing chosen: the errors, still fitting and accessible.
    await tab.getByRole('button', { name: 'Record the result' }).click();
    await tab.waitForLoadState();
    assert.match(await tab.content(), /There is a problem/);
    assert.ok(await fits() <= 0);
    assert.deepEqual(await axeViolations(tab), []);

    // The inspector taps through the checklist with JavaScript off.
    const noScript = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block', viewport: { width: 320, height: 640 } });
    try {
      await noScript.addCookies([{ name: 'townhall_session', value: officerCookie, url: t.baseUrl }]);
      const phone = await noScript.newPage();
      await phone.goto(`${t.baseUrl}/staff/inspections/${inspectionId}`);
      await phone.getByRole('group', { name: /basin for washing hands/ }).getByLabel('Pass').check();
      await phone.getByRole('group', { name: /Fridges keep food/ }).getByLabel('Not applicable').check();
      await phone.getByLabel('Notes').fill('No fridge on site yet.');
      await phone.getByLabel('Passed').check();
      await phone.getByRole('button', { name: 'Record the result' }).click();
      await phone.waitForLoadState();
      assert.match(await phone.content(), /The result is recorded/);
    } finally {
      await noScript.close();
    }
    const row = await t.db.selectFrom('application_inspections').select(['status', 'outcome']).where('id', '=', inspectionId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'done', outcome: 'pass' });
  });

  test('the consultation pages fit 320 px with no violations', async () => {
    await context.clearCookies();
    await context.addCookies([{ name: 'townhall_session', value: highwaysCookie, url: t.baseUrl }]);
    for (const path of ['/staff/consultations', `/staff/consultations/${consultationId}`]) {
      await tab.goto(`${t.baseUrl}${path}`);
      assert.ok(await fits() <= 0, `${path} fits 320 px`);
      assert.deepEqual(await axeViolations(tab), [], path);
    }
  });
});
