/**
 * The training space in Chromium, as a member of staff meets it: the page explains it and shows
 * the checklist, "Start training" switches the workspace to practice cases (with its banner),
 * the banner leads back, and "Leave training" switches back. axe finds nothing at 320 px. Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';

for (const database of databasesUnderTest()) {
  describe(`training space in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      t = await startTownhall(database, fixture);
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', 'in', [POTHOLE, GRAFFITI]).execute();
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    async function noViolations(page: Page, what: string) {
      await page.setViewportSize({ width: 320, height: 800 });
      assert.deepEqual(await axeViolations(page), [], `${what} at 320 px`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 320, `${what} fits 320 px without scrolling sideways (${wide})`);
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    test('a case worker reads about the training space, starts it, sees practice cases, and leaves', async () => {
      const worker = await createUser(t.db, t.keyring, { email: 'trainee@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true });
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const page = await context.newPage();

      await page.goto(`${t.baseUrl}/staff/training`);
      assert.equal(await page.locator('h1').textContent(), 'Training space');
      assert.match(await page.locator('#checklist-progress').textContent() ?? '', /0 of 3 done/);
      await noViolations(page, 'the training page');

      await page.getByRole('button', { name: 'Start training' }).click();
      await page.waitForURL(/\/staff\?queue=department/);
      await page.getByText('Training space: nothing here reaches residents').waitFor();
      assert.ok(await page.locator('a[href^="/staff/requests/"]').count() > 0, 'practice cases in the queue');
      const cookie = (await context.cookies()).find((c) => c.name === 'townhall_training');
      assert.equal(cookie?.value, '1');
      assert.equal(cookie?.httpOnly, true);

      await page.getByRole('link', { name: 'Training space settings' }).click();
      await page.waitForURL(/\/staff\/training$/);
      await page.getByText('in the training space now').waitFor();
      await noViolations(page, 'the training page while training');

      await page.getByRole('button', { name: 'Leave training' }).click();
      await page.waitForURL(/notice=stopped/);
      await page.getByText('You have left the training space').waitFor();
      assert.equal((await context.cookies()).find((c) => c.name === 'townhall_training'), undefined, 'the cookie is gone');
      await page.goto(`${t.baseUrl}/staff?queue=department`);
      assert.equal(await page.getByText('Training space: nothing here reaches residents').count(), 0, 'back in the real workspace');
      await context.close();
    });
  });
}
