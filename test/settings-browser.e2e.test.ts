/**
 * No-code administration in Chromium, as a system administrator meets it: sign in with a
 * password and an authenticator code, add a service with a question, add a state and a
 * transition to it in a workflow draft, preview and publish, all through the pages. Then a new
 * report of that service carries the question (Open311 shows it) and a new case can take the new
 * transition. axe finds nothing on the main settings pages at 320 px. Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../src/identity/users.js';
import { availableTransitions, workflowVersion } from '../src/workflow/workflow.js';
import { axeViolations, freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';

for (const database of databasesUnderTest()) {
  describe(`settings in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    before(async () => {
      t = await startTownhall(database, { groups: [{ code: 'streets', name: 'Streets' }], services: [], env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
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

    test('an administrator adds a service with a question and a workflow state, previews and publishes, without code', async () => {
      const admin = await createUser(t.db, t.keyring, { email: 'it.admin@council.example', role: 'system_admin' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const context = await freshContext(browser);
      const page = await context.newPage();
      await page.goto(admin.setPasswordLink);
      await page.getByLabel(/password/i).first().fill('settings are no code at all 7');
      await page.getByRole('button').filter({ hasText: /save|set|continue/i }).first().click();
      await page.goto(`${t.baseUrl}/sign-in`);
      await page.getByLabel(/email/i).fill('it.admin@council.example');
      await page.getByLabel(/password/i).fill('settings are no code at all 7');
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(/second-factor/);
      await page.getByRole('textbox', { name: /code/i }).fill(await generate({ secret: new URL(admin.totpUri!).searchParams.get('secret')! }));
      await page.getByRole('button', { name: /continue/i }).click();
      await page.getByText(/recovery codes/i).first().waitFor();

      // A service with a question.
      await page.goto(`${t.baseUrl}/admin/settings`);
      await noViolations(page, 'the settings index');
      await page.getByRole('link', { name: 'Services', exact: true }).click();
      await page.getByRole('button', { name: 'Add a service' }).click();
      await noViolations(page, 'the new service form');
      await page.getByLabel('Code', { exact: true }).fill('abandoned-bike');
      await page.getByLabel('Name', { exact: true }).fill('Abandoned bicycle');
      await page.getByLabel('Description', { exact: true }).fill('A bicycle left locked to a rail for weeks.');
      await page.getByLabel('Expected working days to resolve').fill('10');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { name: /Preview: the service's page/ }).waitFor();
      assert.ok(await page.getByText('A bicycle left locked to a rail for weeks.').first().isVisible());
      await noViolations(page, 'the service preview');
      await page.getByRole('button', { name: 'Create service' }).click();
      await page.getByText('Saved: residents see the change now.').waitFor();
      await page.getByLabel('Question code').fill('locked');
      await page.getByLabel('Question', { exact: true }).fill('Is it locked to something?');
      await page.getByLabel('Answer type').selectOption('singlevaluelist');
      await page.getByLabel('Allowed values (list questions only)').fill('yes: Yes, locked\nno: No, just left');
      await page.getByLabel('An answer is required').check();
      await page.getByRole('button', { name: 'Add question' }).click();
      await page.getByRole('cell', { name: 'Is it locked to something?' }).waitFor();
      await noViolations(page, 'a service with its questions');

      // A new state, and a transition to it, in a draft of the standard workflow.
      await page.goto(`${t.baseUrl}/admin/settings/workflows`);
      await noViolations(page, 'the workflows list');
      await page.getByRole('link', { name: 'Standard' }).click();
      await page.getByRole('button', { name: 'New draft' }).click();
      await page.getByLabel('State code').fill('awaiting_owner');
      await page.getByLabel('Label for staff').fill('Waiting for the owner');
      await page.getByLabel('Label residents see').fill('Owner given 14 days to remove it');
      await page.getByLabel('Tell the reporter and followers').first().check();
      await page.getByRole('button', { name: 'Add state' }).click();
      await page.getByRole('cell', { name: 'Waiting for the owner' }).first().waitFor();
      await page.getByLabel('Transition code').fill('tag_for_removal');
      await page.getByLabel('Button label').fill('Tag for removal');
      await page.locator('#from').getByLabel('New (submitted)').check();
      await page.getByLabel('Leads to').selectOption('awaiting_owner');
      await page.locator('#roles').getByLabel('case worker').check();
      await page.getByRole('button', { name: 'Add transition' }).click();
      await page.getByRole('cell', { name: 'Tag for removal' }).waitFor();
      await noViolations(page, 'the workflow draft');
      await page.getByRole('link', { name: 'Preview the draft and check it' }).click();
      await page.getByText('No problems found: this draft can be published.').waitFor();
      assert.ok(await page.getByText('“Tag for removal” → Waiting for the owner').isVisible());
      await noViolations(page, 'the workflow preview');
      await page.getByRole('button', { name: 'Publish version 2' }).click();
      await page.getByText(/Published as version 2/).waitFor();

      // The catalogue has the question; a new report's case can take the new transition.
      const definition = (await (await fetch(`${t.baseUrl}/open311/v2/services/abandoned-bike.json`)).json()) as { attributes: Array<{ code: string; required: boolean }> };
      assert.deepEqual(definition.attributes.map((a) => [a.code, a.required]), [['locked', true]]);
      const posted = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: 'abandoned-bike', lat: '51.5', long: '-0.1', 'attribute[locked]': 'yes', description: 'Rusty bike' }),
      });
      const [created] = (await posted.json()) as Array<{ service_request_id: string }>;
      assert.ok(created?.service_request_id, 'the report was accepted with its answer');
      const row = await t.db.selectFrom('cases').select(['state', 'workflow_version_id']).where('id', '=', Number(created.service_request_id)).executeTakeFirstOrThrow();
      const version = await workflowVersion(t.db, row.workflow_version_id!);
      assert.equal(version.version, 2, 'the new case starts on the published version');
      const choices = availableTransitions(version.definition, row.state, { id: 'user:1', userId: 1, role: 'case_worker', departmentId: null }).map((x) => x.to);
      assert.ok(choices.includes('awaiting_owner'), `the new state is reachable from ${row.state}: ${choices.join(', ')}`);
      await context.close();
    });

    test('the other settings pages pass axe at 320 px', async () => {
      const admin = await createUser(t.db, t.keyring, { email: 'axe.admin@council.example', role: 'system_admin' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { startSession, limitsFor } = await import('../src/identity/sessions.js');
      const { token } = await startSession(t.db, Number(admin.id), { limits: limitsFor('system_admin'), secondFactor: true });
      await t.db.insertInto('departments').values({
        code: 'parks', name: 'Parks', created_at: new Date().toISOString(),
        area: JSON.stringify({ type: 'Polygon', coordinates: [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]] }),
      }).execute();
      const context = await freshContext(browser);
      await context.addCookies([{ name: 'townhall_session', value: token, url: t.baseUrl }]);
      const page = await context.newPage();
      for (const [path, what] of [
        ['/admin/settings/services', 'the services list'], ['/admin/settings/groups', 'service groups'], ['/admin/settings/departments', 'the departments list'],
        ['/admin/settings/departments/parks', 'a department with its area'], ['/admin/settings/routing', 'routing rules'], ['/admin/settings/calendars', 'calendars'],
        ['/admin/settings/new-calendar', 'a new calendar'], ['/admin/settings/templates', 'response templates'], ['/admin/settings/new-template', 'a new template'],
      ] as const) {
        const response = await page.goto(`${t.baseUrl}${path}`);
        assert.equal(response?.status(), 200, path);
        // With JavaScript the area is drawn on the map (tiles may not load here; the shape does).
        if (path.endsWith('/parks')) await page.locator('[data-area-map] path.leaflet-interactive').waitFor();
        await noViolations(page, what);
      }
      await page.goto(`${t.baseUrl}/admin/settings/new-calendar`);
      await page.getByLabel('Code', { exact: true }).fill('bad code');
      await page.getByRole('button', { name: 'Create calendar' }).click();
      await page.locator('.error-summary').waitFor();
      await noViolations(page, 'a calendar form with errors');
      await context.close();
    });
  });
}
