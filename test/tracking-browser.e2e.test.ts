/**
 * Live updates in a real browser: a report's page, open in Chromium, changes by itself when
 * the back office updates the case, and says so to screen readers (live.js over server-sent
 * events). Pages render the same on either database, so this runs on SQLite only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { nowIso } from '../src/platform/time.js';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { freshContext, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

let t: RunningTownhall;
let browser: Browser;

before(async () => {
  t = await startTownhall({ name: 'sqlite' }, fixture);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t.close();
});

test('the track page updates itself and announces it when the case changes', async () => {
  const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '3 Market Square' }) });
  const id = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
  const context = await freshContext(browser);
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    const liveScript = tab.waitForResponse((response) => response.url().endsWith('/assets/live.js'));
    const stream = tab.waitForRequest((request) => request.url().includes(`/requests/${id}/events?since=`));
    await tab.goto(`${t.baseUrl}/requests/${id}`);
    assert.equal((await liveScript).status(), 200, 'live.js is served');
    await stream;
    assert.equal(await tab.locator('[data-live] dl.summary strong').textContent(), 'Open');
    // Keyboard focus on the sign-in link of "get updates" survives an update (the section is redrawn around it).
    await tab.focus('[data-live] a[href^="/sign-in"]');
    const focused = await tab.evaluate(() => document.activeElement?.textContent);
    assert.ok(focused);
    await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: 'browser-1', requestId: id, status: 'open', state: 'action_scheduled', updatedAt: nowIso(), description: 'A crew comes on Monday.', mediaUrl: null },
      { id: 'test' }, { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });
    await tab.locator('[data-live] dl.summary strong', { hasText: 'Open: Action scheduled' }).waitFor({ timeout: 10_000 });
    await tab.locator('[data-live-status]', { hasText: 'This report was updated' }).waitFor({ timeout: 5_000 });
    assert.equal(await tab.getAttribute('[data-live-status]', 'aria-live'), 'polite');
    assert.equal(await tab.evaluate(() => document.activeElement?.textContent), focused, 'focus stays on the link');
    assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('href')?.startsWith('/sign-in')), true, 'focus stays on the link');
    // Closing it redraws the page again: a closed report can no longer be followed.
    await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: 'browser-2', requestId: id, status: 'closed', state: 'fixed', updatedAt: nowIso(), description: 'Cleaned off today.', mediaUrl: null },
      { id: 'test' }, { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });
    await tab.locator('[data-live] dl.summary strong', { hasText: 'Closed: Fixed' }).waitFor({ timeout: 10_000 });
    assert.match(await tab.locator('ol.timeline').textContent() ?? '', /Cleaned off today\./);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
