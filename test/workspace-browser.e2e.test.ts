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
import { createUser, setDisplayName } from '../src/identity/users.js';
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
      await setDisplayName(t.db, Number(worker.id), 'Wren Worker', 'test');
      await setDisplayName(t.db, Number(colleague.id), 'Olive Other', 'test');
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
      assert.match(await page.locator('main').textContent() ?? '', /Resolution: running, target 40 working hours\. Due /, 'the SLA clock is shown');

      await page.getByRole('button', { name: 'Take this case' }).click();
      await page.getByText('You took the case.').waitFor();
      await page.getByRole('button', { name: 'Start investigating' }).click();
      await page.getByText('The case moved on.').waitFor();
      // Scheduling needs words for residents: its own page asks for them.
      await page.getByRole('button', { name: 'Schedule the work' }).click();
      await page.getByLabel('Update for residents').fill('A crew will fill it on Tuesday.');
      await page.getByRole('button', { name: 'Schedule the work' }).click();
      await page.getByText('The case moved on.').waitFor();
      assert.match(await page.locator('dl.case-summary').textContent() ?? '', /Action scheduled/);
      assert.match(await page.locator('ol.timeline').textContent() ?? '', /Moved from Investigating to Action scheduled/);

      await page.getByLabel('Start from a response template').selectOption({ label: 'Repair booked' });
      await page.getByRole('button', { name: 'Use template' }).click();
      assert.equal(await page.getByLabel('Update residents will see').inputValue(),
        `Thank you for reporting ${caseId} at 3 Station Road. Test Borough Council has booked the repair.`);
      await page.getByRole('button', { name: 'Send the update' }).click();
      await page.getByText('The public update was sent.').waitFor();
      // Closing is confirmed on a page of its own.
      await page.getByRole('button', { name: 'Mark as fixed' }).click();
      await page.getByText(/will move from Action scheduled to Fixed and close/).waitFor();
      await noViolations(page, 'the confirmation step');
      assert.equal((await t.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow()).status, 'open', 'not closed before confirming');
      await page.getByRole('button', { name: 'Mark as fixed' }).click();
      await page.getByText('The case moved on.').waitFor();
      assert.match(await page.locator('dl.case-summary').textContent() ?? '', /Fixed/);
      const closed = await t.db.selectFrom('cases').select(['status', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow();
      assert.deepEqual(closed, { status: 'closed', state: 'fixed' });
      // Marked fixed by mistake: the case page offers to undo it, for its maker only, for a short time.
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: 900 });
        if (process.env.SHOT_DIR) await page.screenshot({ path: `${process.env.SHOT_DIR}/case-undo-${width}.png` });
      }
      await noViolations(page, 'the case page offering an undo');
      await page.getByRole('button', { name: 'Undo this change' }).click();
      await page.getByText('Your change was undone.').waitFor();
      assert.match(await page.locator('ol.timeline li').first().textContent() ?? '', /Undone: moved back from Fixed to Action scheduled/);
      assert.deepEqual(await t.db.selectFrom('cases').select(['status', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow(), { status: 'open', state: 'action_scheduled' });
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
      assert.match(await row.textContent() ?? '', /\d+ (minutes?|hours?) overdue/, 'overdue in words');
      assert.match(await row.textContent() ?? '', /Wren Worker/, 'the assignee by name, not email');
      await row.getByRole('link', { name: `#${late}` }).click();
      assert.equal(await tab.getByLabel('Assign to').inputValue(), String(worker.id), 'the box shows who has the case');
      await tab.getByText('Assign or change the priority').click();
      await tab.getByLabel('Assign to').selectOption({ label: 'Olive Other' });
      await tab.getByRole('button', { name: 'Assign', exact: true }).click();
      await tab.getByText('The case was assigned.').waitFor();
      const reassigned = await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', late).executeTakeFirstOrThrow();
      assert.equal(reassigned.assigned_user_id, Number(colleague.id));
      await lead.close();
    });

    test('at 1366×900: 20+ cases above the fold, the case page shows its timeline and primary actions, keys work, bulk reassignment assigns to the person chosen', async () => {
      const lead = await createUser(t.db, t.keyring, { email: 'desk.lead@council.example', role: 'supervisor', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const helper = await createUser(t.db, t.keyring, { email: 'helper@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      await setDisplayName(t.db, Number(helper.id), 'Hana Helper', 'test');
      const ids: number[] = [];
      for (let i = 0; i < 30; i++) ids.push(await report(`Pothole number ${i}`));
      const { token } = await startSession(t.db, Number(lead.id), { limits: limitsFor('supervisor'), secondFactor: true });
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      context.setDefaultTimeout(10_000);
      await context.route((url) => !url.href.startsWith(t.baseUrl), (route) => route.fulfill({ status: 204 }));
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${t.baseUrl}/staff?queue=department`);
      if (process.env.SHOT_DIR) await page.screenshot({ path: `${process.env.SHOT_DIR}/test-queue.png` });
      const aboveFold = await page.locator('table.queue tbody tr').evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().bottom <= 900).length);
      assert.ok(aboveFold >= 20, `${aboveFold} cases above the fold at 1366×900`);
      assert.match(await page.getByRole('navigation', { name: 'Queues' }).textContent() ?? '', /My department \d+/, 'counts per queue');

      // Keys: j chooses the first case, c takes it (not while typing in the search box).
      await page.getByLabel('Search every queue').press('j');
      assert.equal(await page.locator('tr.current').count(), 0, 'typing in a field is not a shortcut');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('j');
      const first = await page.locator('tr.current').getAttribute('data-case');
      assert.ok(first);
      assert.equal(await page.locator('tr.current a.case-link').getAttribute('aria-keyshortcuts'), 'j k c r');
      await page.keyboard.press('c');
      await page.getByText('You took the case.').waitFor();
      assert.equal((await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', Number(first)).executeTakeFirstOrThrow()).assigned_user_id, Number(lead.id));

      // The case page: summary, primary actions and the timeline on the first screen.
      await page.setViewportSize({ width: 1366, height: 900 });
      const inView = async (selector: string) => page.locator(selector).first().evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= 900 && r.height > 0; });
      assert.ok(await inView('dl.case-summary'), 'summary and due date above the fold');
      assert.ok(await inView('.primary-actions button'), 'primary actions above the fold');
      assert.ok(await inView('ol.timeline li'), 'the timeline above the fold');
      assert.match(await page.locator('ol.timeline li').first().textContent() ?? '', /Taken by desk\.lead@council\.example/);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 2600, `the case page is ${height} px tall`);

      // Bulk: choose three cases and a person, press Assign: they are assigned to that person.
      await page.goto(`${t.baseUrl}/staff?queue=unassigned&sort=newest`);
      const chosen = ids.slice(-3);
      for (const id of chosen) await page.getByLabel(`Select case ${id}`).check();
      await page.getByLabel('Assign to').selectOption({ label: 'Hana Helper' });
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      await page.getByRole('heading', { name: 'Assign to Hana Helper: 3 cases?' }).waitFor();
      await noViolations(page, 'the bulk confirmation');
      for (const id of chosen) assert.equal((await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', id).executeTakeFirstOrThrow()).assigned_user_id, null, 'nothing before confirming');
      await page.getByRole('button', { name: 'Assign to Hana Helper: 3 cases' }).click();
      await page.getByText('3 cases changed.').waitFor();
      await noViolations(page, 'the bulk result');
      for (const id of chosen) {
        assert.equal((await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', id).executeTakeFirstOrThrow()).assigned_user_id, Number(helper.id));
        assert.match(await page.locator('tr', { has: page.getByRole('link', { name: `#${id}` }) }).textContent() ?? '', /Assigned to Hana Helper \(was nobody\)/);
      }
      // Made by mistake: undone from the result page, case by case.
      if (process.env.SHOT_DIR) await page.screenshot({ path: `${process.env.SHOT_DIR}/bulk-result-1366.png`, fullPage: true });
      await page.getByRole('button', { name: 'Undo all 3 changes' }).click();
      await page.getByText('3 cases undone.').waitFor();
      await noViolations(page, 'the bulk undo result');
      for (const id of chosen) assert.equal((await t.db.selectFrom('cases').select('assigned_user_id').where('id', '=', id).executeTakeFirstOrThrow()).assigned_user_id, null, 'back with nobody');
      await context.close();
    });

    test('at 390 px the queue is a list of compact cards: no sideways scrolling, still a table to assistive technology', async () => {
      const worker = await createUser(t.db, t.keyring, { email: 'phone.worker@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      for (let i = 0; i < 5; i++) await report(`Pothole seen from a phone ${i}`);
      const { token } = await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true });
      for (const width of [390, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        await context.route((url) => !url.href.startsWith(t.baseUrl), (route) => route.fulfill({ status: 204 }));
        await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
        const page = await context.newPage();
        await page.goto(`${t.baseUrl}/staff?queue=department`);
        if (process.env.SHOT_DIR) {
          await page.screenshot({ path: `${process.env.SHOT_DIR}/queue-${width}.png` });
          if (width === 390) await page.screenshot({ path: `${process.env.SHOT_DIR}/queue-390-bulk.png`, clip: { x: 0, y: (await page.locator(".bulk-bar").boundingBox())!.y - 20, width: 390, height: 700 }, fullPage: true });
        }
        const table = page.getByRole('table', { name: /My department/ });
        assert.ok(await table.getByRole('row').count() > 5, 'rows are rows');
        assert.equal(await table.getByRole('columnheader').count(), 8, 'and the column headers stay');
        const wrap = await page.locator('.table-wrap').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
        if (width === 390) {
          assert.ok(wrap.scroll <= wrap.client, `no sideways scrolling at 390 px (${wrap.scroll} > ${wrap.client})`);
          const row = await page.locator('table.queue tbody tr').first().boundingBox();
          assert.ok(row && row.height < 120, `a case is a compact card (${row?.height} px)`);
          assert.deepEqual(await axeViolations(page), [], 'the queue at 390 px');
        }
        await context.close();
      }
    });
  });
}
