/**
 * Staff questions in Chromium, on each database: a case worker answers a case's staff-only
 * questions on the case page (a choice, a number, a date and time, a multiple choice) and sees
 * each change in words on the timeline. The case page is checked with axe and for sideways
 * scrolling at 390 px and 1366 px, with a screenshot of each kept for a person to look at (in
 * TOWNHALL_SCREENSHOT_DIR, or the system's temporary folder); the public service page, which
 * leaves the staff questions out, is checked with axe at 320 px.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { saveServiceAttribute } from '../src/catalogue/catalogue.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';

const screenshots = process.env.TOWNHALL_SCREENSHOT_DIR ?? join(tmpdir(), 'townhall-screenshots');

for (const database of databasesUnderTest()) {
  describe(`staff questions in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', '=', GRAFFITI).execute();
      const id = t.jurisdiction.id;
      const question = { variable: true, required: false, staffOnly: true, helpText: null, values: [] };
      await saveServiceAttribute(t.db, id, GRAFFITI, { ...question, code: 'grade', datatype: 'singlevaluelist', description: 'Inspection grade', helpText: '1 is minor, 3 is severe.', values: [{ key: '1', name: 'Minor' }, { key: '2', name: 'Moderate' }, { key: '3', name: 'Severe' }] }, 'test');
      await saveServiceAttribute(t.db, id, GRAFFITI, { ...question, code: 'crew', datatype: 'number', description: 'Crew size' }, 'test');
      await saveServiceAttribute(t.db, id, GRAFFITI, { ...question, code: 'inspected', datatype: 'datetime', description: 'Inspected at' }, 'test');
      await saveServiceAttribute(t.db, id, GRAFFITI, { ...question, code: 'surface', datatype: 'multivaluelist', description: 'Surfaces cleaned', values: [{ key: 'brick', name: 'Brick' }, { key: 'metal', name: 'Metal' }] }, 'test');
      await saveServiceAttribute(t.db, id, GRAFFITI, { ...question, code: 'contractor_note', datatype: 'text', description: 'Contractor\'s note' }, 'test');
      browser = await launchBrowser();
      mkdirSync(screenshots, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    async function check(page: Page, width: number, what: string) {
      await page.setViewportSize({ width, height: 900 });
      assert.deepEqual(await axeViolations(page), [], `${what} at ${width} px`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `${what} fits ${width} px without scrolling sideways (${wide})`);
    }

    test('a case worker answers the staff questions beside the case details; the page passes axe at 390 and 1366 px', async () => {
      const worker = await createUser(t.db, t.keyring, { email: 'grader@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true });
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, description: 'Tag on the bridge parapet', ...inside, address_string: '4 Mill Lane' }),
      });
      const caseId = Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);

      const context = await freshContext(browser);
      await context.route((url) => !url.href.startsWith(t.baseUrl), (route) => route.fulfill({ status: 204 }));
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const page = await context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.goto(`${t.baseUrl}/staff/requests/${caseId}`);
      const form = page.locator('#staff-questions');
      await form.getByLabel('Inspection grade').selectOption('3');
      await form.getByLabel('Crew size').fill('2');
      await form.getByLabel('Date').fill('2026-03-01');
      await form.getByLabel('Time').fill('09:30');
      await form.getByLabel('Brick').check();
      await form.getByLabel('Contractor\'s note').fill('Needs a second coat');
      await form.getByRole('button', { name: 'Save the staff answers' }).click();
      await page.waitForURL(/done=staff_answers/);
      const history = await page.locator('ol.timeline').innerText();
      for (const words of ['Inspection grade set to Severe', 'Crew size set to 2', 'Inspected at set to', 'Surfaces cleaned set to Brick', 'Contractor\'s note set to Needs a second coat']) {
        assert.ok(history.includes(words), `the timeline says "${words}"`);
      }
      await form.getByLabel('Inspection grade').selectOption('2');
      await form.getByRole('button', { name: 'Save the staff answers' }).click();
      await page.waitForURL(/done=staff_answers/);
      assert.match(await page.locator('ol.timeline').innerText(), /Inspection grade changed from Severe to Moderate/);

      for (const width of [390, 1366]) {
        await check(page, width, 'the case page with staff questions');
        await page.screenshot({ path: join(screenshots, `staff-questions-${database.name}-${width}.png`), fullPage: true });
      }
      // A wrong number: the error summary and the field say so, and what was typed stays.
      await page.setViewportSize({ width: 390, height: 900 });
      await form.getByLabel('Crew size').fill('lots');
      await form.getByRole('button', { name: 'Save the staff answers' }).click();
      await page.locator('.error-summary').waitFor();
      assert.equal(await page.locator('#sq-crew').inputValue(), 'lots');
      await check(page, 390, 'the case page with an error in the staff questions');
      await page.screenshot({ path: join(screenshots, `staff-questions-${database.name}-390-error.png`), fullPage: true });

      const service = await context.newPage();
      await service.goto(`${t.baseUrl}/services/${GRAFFITI}`);
      assert.doesNotMatch(await service.content(), /Inspection grade|Crew size/);
      await check(service, 320, 'the public service page');
      await context.close();
    });
  });
}
