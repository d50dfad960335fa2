/**
 * The application form editor in Chromium, as a council officer meets it at 1366 px: create a
 * service, add a repeatable group page with a question, fail and then pass a field's check,
 * preview the draft with the applicant's pages, translate, publish. axe (WCAG 2.2 AA) finds
 * nothing on each of the editor's pages, its error pages and the preview. Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';

for (const database of databasesUnderTest()) {
  describe(`the form editor in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      t = await startTownhall(database, { groups: [{ code: 'licensing', name: 'Licensing' }], services: [] });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    const clean = async (page: Page, what: string) => assert.deepEqual(await axeViolations(page), [], `${what} at 1366 px`);

    test('an officer builds, previews, translates and publishes a form; every page is axe-clean', async () => {
      const user = await createUser(t.db, t.keyring, { email: 'forms.officer@council.example', role: 'system_admin' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('system_admin'), secondFactor: true });
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const page = await context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });

      await page.goto(`${t.baseUrl}/admin/settings`);
      await page.getByRole('link', { name: 'Application forms' }).click();
      await clean(page, 'the list of application forms');
      await page.getByRole('button', { name: 'Create service and its draft form' }).click();
      await page.locator('.error-summary').waitFor();
      await clean(page, 'the list with errors');
      await page.getByLabel('Code', { exact: true }).fill('street-party');
      await page.getByLabel('Name', { exact: true }).fill('Street party road closure');
      await page.getByLabel('What it is for').fill('Close your street for a party.');
      await page.getByLabel('Group').selectOption('licensing');
      await page.getByRole('button', { name: 'Create service and its draft form' }).click();
      await page.getByRole('heading', { name: 'Application form: Street party road closure' }).waitFor();
      await clean(page, 'the draft overview');

      await page.getByLabel('Page id').fill('helpers');
      await page.getByLabel('Page title').fill('Who will help?');
      await page.getByLabel('The page has').selectOption('group');
      await page.getByLabel('Group id (a repeatable group only)').fill('helper');
      await page.getByLabel('What one item is called (a repeatable group only)').fill('helper');
      await page.getByRole('button', { name: 'Add the page' }).click();
      await page.getByRole('heading', { name: 'Page: Who will help?' }).waitFor();
      await clean(page, 'the page editor');
      await page.getByLabel('Question id').fill('helper_name');
      await page.getByLabel('Kind of answer').selectOption('text');
      await page.getByLabel('Question', { exact: true }).fill('Their name');
      await page.getByRole('button', { name: 'Add the question' }).click();
      await page.getByRole('heading', { name: 'Question: Their name' }).waitFor();
      await clean(page, 'the question editor');
      await page.getByLabel('Most characters (optional)').fill('many');
      await page.getByRole('button', { name: 'Save the question' }).click();
      await page.locator('.error-summary').waitFor();
      await clean(page, 'the question editor with an error');
      await page.locator('.error-summary a').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'maxLength', 'the summary link goes to the field');
      await page.getByLabel('Most characters (optional)').fill('100');
      await page.getByRole('button', { name: 'Save the question' }).click();
      await page.getByRole('heading', { name: 'Page: Who will help?' }).waitFor();

      // The preview: the applicant's own pages under the preview banner.
      await page.goto(`${t.baseUrl}/admin/settings/forms/street-party/preview`);
      await clean(page, 'the preview start');
      await page.getByRole('button', { name: 'Start the preview' }).click();
      await page.getByText('Preview of the draft form.').waitFor();
      await clean(page, 'a previewed question page');
      await page.getByLabel('Tell us what you are applying for').fill('A party on Elm Street on 1 June.');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Their name').fill('Sam Patel');
      await page.getByRole('button', { name: 'Add this helper' }).click();
      await clean(page, 'a previewed repeatable group');
      await page.getByRole('button', { name: 'Continue' }).last().click();
      await page.getByRole('heading', { name: /Check your answers/ }).waitFor();
      assert.ok(await page.getByText('Sam Patel').isVisible());
      await clean(page, 'the previewed check page');

      await page.goto(`${t.baseUrl}/admin/settings/forms/street-party/translations/es`);
      await clean(page, 'the translations page');
      await page.getByLabel('Form: title').fill('Solicitar el cierre de una calle para una fiesta');
      await page.getByRole('button', { name: /Save the .* words/ }).click();
      await page.goto(`${t.baseUrl}/admin/settings/forms/street-party/json`);
      await clean(page, 'the JSON view');
      await page.goto(`${t.baseUrl}/admin/settings/forms/street-party`);
      await page.getByRole('button', { name: 'Publish as a new version' }).click();
      await page.getByText('Published as version 1.').waitFor();
      await clean(page, 'the form after publishing');
      const forms = await t.db.selectFrom('application_forms').select('version').where('service_code', '=', 'street-party').execute();
      assert.deepEqual(forms.map((f) => f.version), [1]);
      await context.close();
    });
  });
}
