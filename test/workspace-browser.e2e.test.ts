/**
 * The workspace's acceptance in Chromium, as a new member of staff meets it: a case worker
 * chooses a password from their link, signs in with an authenticator code, opens the queues,
 * takes a case and works it through the standard workflow (investigating, action scheduled with
 * a public note, a public update from a response template, fixed) watching the SLA clock, and the
 * case ends closed. A supervisor opens the overdue queue and hands an overdue case to another
 * case worker. axe finds nothing on the queue and case pages at 320 px. Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, inside, POTHOLE, potholeAttributes } from './open311/fixture-catalogue.js';

for (const database of databasesUnderTest()) {
  describe(`staff workspace in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', '=', POTHOLE).execute();
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    async function report(description: string): Promise<number> {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: POTHOLE, description, ...inside, address_string: '3 Station Road', [`attribute[${potholeAttributes.road}]`]: 'Station Road' }),
      });
      const [row] = (await response.json()) as Array<{ service_request_id: string }>;
      assert.ok(row?.service_request_id, `reported: ${JSON.stringify(row)}`);
      return Number(row.service_request_id);
    }

    async function noViolations(page: Page, what: string) {
      await page.setViewportSize({ width: 320, height: 800 });
      assert.deepEqual(await axeViolations(page), [], `${what} at 320 px`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 320, `${what} fits 320 px without scrolling sideways (${wide})`);
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    test('a new case worker signs in with a code, takes a case and works it to closed; a supervisor reassigns an overdue case', async () => {
      const worker = await createUser(t.db, t.keyring, { email: 'new.worker@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const colleague = await createUser(t.db, t.keyring, { email: 'other.worker@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const roads = (await t.db.selectFrom('departments').select('id').where('code', '=', 'roads').executeTakeFirstOrThrow()).id;
      await t.db.insertInto('response_templates').values({
        jurisdiction_id: t.jurisdiction.id, department_id: roads, name: 'Repair booked', body: 'Thank you for reporting {reference} at {address}. {council} has booked the repair.', active: 1,
        created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
      }).execute();
      const caseId = await report('Deep pothole outside the station');

      const context = await freshContext(browser);
      // Map tiles would come from the internet: a blank answer keeps the test on this machine.
      await context.route((url) => !url.href.startsWith(t.baseUrl), (route) => route.fulfill({ status: 204 }));
      const page = await context.newPage();
      // The link from their welcome email: choose a password.
      await page.goto(worker.setPasswordLink);
      await page.getByLabel(/password/i).first().fill('a long and memorable passphrase 42');
      await page.getByRole('button').filter({ hasText: /save|set|continue/i }).first().click();
      await page.goto(`${t.baseUrl}/sign-in`);
      await page.getByLabel(/email/i).fill('new.worker@council.example');
      await page.getByLabel(/password/i).fill('a long and memorable passphrase 42');
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(/second-factor/);
      const secret = new URL(worker.totpUri!).searchParams.get('secret')!;
      await page.getByRole('textbox', { name: /code/i }).fill(await generate({ secret }));
      await page.getByRole('button', { name: /continue/i }).click();
      await page.getByText(/recovery codes/i).first().waitFor();

      await page.goto(`${t.baseUrl}/staff`);
      assert.equal(await page.locator('h1').textContent(), 'Assigned to me');
      await page.getByRole('link', { name: 'Not assigned' }).click();
      await noViolations(page, 'the queue page');
      await page.getByRole('link', { name: `#${caseId}` }).click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`Case #${caseId}`) }).waitFor();
      await page.locator('.leaflet-marker-icon').first().waitFor();
      await noViolations(page, 'the case page');
      assert.match(await page.locator('main').textContent() ?? '', /Resolution: running\. Due /, 'the SLA clock is shown');

      await page.getByRole('button', { name: 'Take this case' }).click();
      await page.getByText('You took the case.').waitFor();
      await page.getByRole('button', { name: 'Start investigating' }).click();
      await page.getByText('The case moved on.').waitFor();
      await page.getByLabel(/Update for residents \(for “Schedule the work”\)/).fill('A crew will fill it on Tuesday.');
      await page.getByRole('button', { name: 'Schedule the work' }).click();
      await page.getByText('The case moved on.').waitFor();
      assert.match(await page.locator('dl.summary').textContent() ?? '', /Action scheduled/);

      await page.getByLabel('Start from a response template').selectOption({ label: 'Repair booked' });
      await page.getByRole('button', { name: 'Use template' }).click();
      assert.equal(await page.getByLabel('Update residents will see').inputValue(),
        `Thank you for reporting ${caseId} at 3 Station Road. Test Borough Council has booked the repair.`);
      await page.getByRole('button', { name: 'Send the update' }).click();
      await page.getByText('The public update was sent.').waitFor();
      await page.getByRole('button', { name: 'Mark as fixed' }).click();
      await page.getByText('The case moved on.').waitFor();
      assert.match(await page.locator('dl.summary').textContent() ?? '', /Fixed/);
      const closed = await t.db.selectFrom('cases').select(['status', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow();
      assert.deepEqual(closed, { status: 'closed', state: 'fixed' });
      await context.close();

      // The supervisor: an overdue case goes to another case worker.
      const late = await report('Pothole reported long ago');
      await t.db.updateTable('cases').set({ due_at: new Date(Date.now() - 3_600_000).toISOString(), assigned_user_id: Number(worker.id) }).where('id', '=', late).execute();
      const supervisor = await createUser(t.db, t.keyring, { email: 'lead@council.example', role: 'supervisor', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(supervisor.id), { limits: limitsFor('supervisor'), secondFactor: true });
      const lead = await freshContext(browser);
      await lead.route((url) => !url.href.startsWith(t.baseUrl), (route) => route.fulfill({ status: 204 }));
      await lead.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const tab = await lead.newPage();
      await tab.goto(`${t.baseUrl}/staff?queue=overdue`);
      const row = tab.locator('tr', { has: tab.getByRole('link', { name: `#${late}` }) });
      assert.match(await row.textContent() ?? '', /Overdue:/, 'overdue in words');
      await row.getByRole('link', { name: `#${late}` }).click();
      await tab.getByLabel('Assign to').selectOption({ label: 'other.worker@council.example' });
      await tab.getByRole('button', { name: 'Assign', exact: true }).click();
      await tab.getByText('The case was assigned.').waitFor();
      const reassigned = await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', late).executeTakeFirstOrThrow();
      assert.equal(reassigned.assigned_user_id, Number(colleague.id));
      await lead.close();
    });
  });
}
