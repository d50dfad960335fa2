/**
 * Where a report is, in a real browser: a pin-only report's public page shows a map of its
 * point (drawn on the server, so with or without JavaScript) and the nearest address; /reports
 * on a 320 px phone cuts off no column and no filter, and its maps (drawn on the server, and the
 * interactive one when asked for) group close markers, each coloured and marked by status with
 * a legend. Axe finds nothing on either page. Map tiles
 * come from a stand-in tile server (a plain image), as the machine may have no network.
 * Set TOWNHALL_SHOTS=<folder> to keep screenshots at 390 and 1366 px. SQLite only: the pages
 * render the same on either database (tracking.test.ts covers both).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext } from 'playwright-core';
import { importPlaces } from '../src/places/places.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

let t: RunningTownhall;
let browser: Browser;
let tile: Buffer;
const SPOT = { lat: 51.5007, long: -0.1246 };
let pinOnly = '';
const shots = process.env.TOWNHALL_SHOTS;

async function submit(fields: Record<string, string>): Promise<string> {
  const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, ...fields }) });
  if (response.status !== 201) assert.fail(await response.text());
  return ((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
}

before(async () => {
  t = await startTownhall({ name: 'sqlite' }, fixture);
  browser = await launchBrowser();
  // A light tile with a grid, so a screenshot shows where the tiles are.
  const grid = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#f2efe9"/><path d="M0 128H256M128 0V256" stroke="#fff" stroke-width="14"/></svg>`;
  tile = await sharp(Buffer.from(grid)).png().toBuffer();
  await importPlaces(t.db, t.jurisdiction.id, [
    { kind: 'address', name: '1 Parliament Street', lat: SPOT.lat + 0.0001, long: SPOT.long, bounds: null },
    { kind: 'address', name: '40 Parliament Street', lat: SPOT.lat + 0.004, long: SPOT.long, bounds: null },
  ]);
  pinOnly = await submit({ lat: String(SPOT.lat), long: String(SPOT.long), description: 'Tags on the wall by the crossing' });
  // Many reports close together (a cluster), a few apart, some closed.
  for (let i = 0; i < 24; i++) {
    const id = await submit({ lat: (SPOT.lat + (i % 6) * 0.0002).toFixed(6), long: (SPOT.long + Math.floor(i / 6) * 0.0002).toFixed(6), address_string: `${i + 2} Parliament Street, beside the long wall of the old building` });
    if (i % 5 === 0) {
      const { applyStatusUpdate } = await import('../src/cases/outside-updates.js');
      await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: `m${i}`, requestId: id, status: 'closed', state: 'fixed', updatedAt: new Date().toISOString(), description: null, mediaUrl: null },
        { id: 'test' }, { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });
    }
  }
  for (let i = 0; i < 4; i++) await submit({ lat: (51.45 + i * 0.03).toFixed(4), long: (-0.3 + i * 0.1).toFixed(4), description: 'Paint on a bench' });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function context(width: number, javaScript = true): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true, javaScriptEnabled: javaScript });
  c.setDefaultTimeout(10_000);
  await c.route(/tile\.openstreetmap\.org/, (route) => route.fulfill({ contentType: 'image/png', body: tile }));
  return c;
}

test('a pin-only report\'s public page shows a map of its point and the nearest address, with and without JavaScript', async () => {
  for (const javaScript of [true, false]) {
    const c = await context(320, javaScript);
    try {
      const page = await c.newPage();
      await page.goto(`${t.baseUrl}/requests/${pinOnly}`);
      const map = page.locator('figure.static-map svg[role="img"]');
      await map.waitFor();
      assert.equal(await map.getAttribute('aria-label'), 'Map showing where the problem is, near 1 Parliament Street');
      const box = (await map.boundingBox())!;
      assert.ok(box.width > 200 && box.width <= 320 && box.height > 100, `map ${box.width}×${box.height}`);
      // The pin is in the middle of the map, and tiles are drawn around it.
      assert.ok(await page.locator('figure.static-map image').count() >= 4);
      await page.waitForFunction(() => [...document.querySelectorAll('figure.static-map image')].length > 0);
      assert.match(await page.locator('dl.summary').innerText(), /Where\s+Near 1 Parliament Street\s+\(about 11 m from the problem\)/);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320, 'nothing wider than the phone');
      if (javaScript) assert.deepEqual(await axeViolations(page), []);
      if (shots && javaScript) {
        await page.screenshot({ path: join(shots, 'resident-report-320.png'), fullPage: true });
      }
    } finally {
      await c.close();
    }
  }
});

test('/reports without JavaScript: a map drawn on the server, markers grouped and marked by status, no button that would do nothing', async () => {
  const c = await context(320, false);
  try {
    const page = await c.newPage();
    await page.goto(`${t.baseUrl}/reports`);
    const map = page.locator('figure.points-map svg[role="img"]');
    assert.match(await map.getAttribute('aria-label') ?? '', /^Map of the reports that match: 24 open, 5 closed\.$/);
    const box = (await map.boundingBox())!;
    assert.ok(box.width > 250 && box.width <= 320 && Math.abs(box.height / box.width - 0.75) < 0.05, `the whole map, scaled to the phone: ${box.width}×${box.height}`);
    // The 24 close together are grouped; reports apart are markers of their own, open ones marked "!".
    const clusters = await page.locator('.svg-marker.marker-cluster text').allTextContents();
    assert.ok(clusters.length >= 1 && clusters.every((n) => Number(n) > 1) && clusters.some((n) => Number(n) >= 24), `clusters: ${clusters.join(', ')}`);
    const singles = await page.locator('.svg-marker.marker-open text').allTextContents();
    assert.ok(singles.length >= 2 && singles.every((text) => text === '!'), `open markers: ${singles.join(', ')}`);
    const shown = clusters.reduce((sum, n) => sum + Number(n), 0) + singles.length + await page.locator('.svg-marker.marker-closed').count();
    assert.equal(shown, 29, 'every report with a point is on the map once');
    assert.ok(await page.locator('figure.points-map image').count() >= 1, 'tiles under the markers');
    assert.equal(await page.locator('#interactive-map').isVisible(), false);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320);
  } finally {
    await c.close();
  }
});

test('/reports at 320 px: no column or filter cut off; the interactive map on request, markers grouped and marked by status, with a legend', async () => {
  const c = await context(320);
  try {
    const page = await c.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${t.baseUrl}/reports`);
    await page.waitForLoadState('networkidle');
    // The map library and the points wait to be asked for (they cost a phone seconds otherwise).
    assert.deepEqual(asked.filter((path) => /leaflet|geojson/.test(path)), []);
    assert.deepEqual(await axeViolations(page), [], 'the page with the map drawn on the server');
    await page.getByRole('button', { name: 'Use the interactive map' }).click();
    await page.locator('.leaflet-marker-icon').first().waitFor();
    assert.equal(await page.locator('#interactive-map').count(), 0, 'the button is gone once the map is there');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('leaflet-container')), true, 'the keyboard is on the map');
    assert.equal(await page.locator('figure.points-map').isVisible(), false, 'the interactive map replaces the drawn one');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320, 'the page is no wider than the phone');
    // Every cell of the list is inside the screen: the table reads as cards, each value labelled.
    const outside = await page.evaluate(() => [...document.querySelectorAll('table.stack-on-phone td, .report-filters select, .report-filters button')]
      .filter((el) => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 0.5; }).length);
    assert.equal(outside, 0);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('table.stack-on-phone td')!, '::before').content), '"Reference: "', 'each value says what it is');
    const older = await (await fetch(`${t.baseUrl}/reports?page=2`)).text();
    assert.match(older, new RegExp(`<a href="/requests/${pinOnly}">${pinOnly}</a></td><td data-label="Service">Graffiti</td><td data-label="Where">Near <bdi>1 Parliament Street</bdi>`), 'a pin-only report is listed by its nearest address');
    // Close points are one numbered marker; a click zooms in to show them apart.
    const cluster = page.locator('.marker-cluster.leaflet-marker-icon').first();
    await cluster.waitFor();
    assert.match(await cluster.getAttribute('title') ?? '', /^\d+ reports here\. Zoom in to see them\.$/);
    assert.ok(await page.locator('.marker-open.leaflet-marker-icon, .marker-closed.leaflet-marker-icon').count() >= 1, 'points apart are single markers');
    // Zooming in on groups until they come apart (at most a few clicks).
    for (let i = 0; i < 6 && await page.locator('.marker-closed.leaflet-marker-icon').count() === 0; i++) {
      const zoom = await page.evaluate(() => document.querySelector('.leaflet-tile-container img, .leaflet-tile')?.getAttribute('src') ?? '');
      await page.locator('.marker-cluster.leaflet-marker-icon').first().click();
      await page.waitForFunction((before) => (document.querySelector('.leaflet-tile-container img, .leaflet-tile')?.getAttribute('src') ?? '') !== before, zoom).catch(() => undefined);
      await page.waitForTimeout(400);
    }
    assert.ok(await page.locator('.marker-closed.leaflet-marker-icon').count() >= 1, 'closed reports have their own marker');
    assert.equal(await page.locator('.marker-closed.leaflet-marker-icon').first().textContent(), '✓', 'not colour alone');
    assert.deepEqual((await page.locator('.map-legend li').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ')), ['! Open report', '✓ Closed report', '5 Several reports close together: the number says how many; zoom in to see them']);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
    if (shots) await page.screenshot({ path: join(shots, 'resident-reports-320.png'), fullPage: true });
  } finally {
    await c.close();
  }
});

test('screenshots at 390 and 1366 px; on a wide screen the filters sit beside the map', { skip: !shots && 'set TOWNHALL_SHOTS to keep screenshots' }, async () => {
  for (const width of [390, 1366]) {
    const c = await context(width);
    try {
      const page = await c.newPage();
      await page.goto(`${t.baseUrl}/reports`);
      if (width === 390) await page.screenshot({ path: join(shots!, `resident-reports-drawn-${width}.png`), fullPage: true });
      await page.getByRole('button', { name: 'Use the interactive map' }).click();
      await page.locator('.leaflet-marker-icon').first().waitFor();
      await page.waitForTimeout(500);
      if (width === 1366) {
        const filters = (await page.locator('.report-filters').boundingBox())!;
        const map = (await page.locator('.reports-map').boundingBox())!;
        assert.ok(map.x > filters.x + filters.width - 1 && Math.abs(map.y - filters.y) < 40, 'the filters are beside the map');
      }
      await page.screenshot({ path: join(shots!, `resident-reports-${width}.png`), fullPage: width !== 1366 });
      await page.goto(`${t.baseUrl}/requests/${pinOnly}`);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(shots!, `resident-report-${width}.png`), fullPage: true });
    } finally {
      await c.close();
    }
  }
});
