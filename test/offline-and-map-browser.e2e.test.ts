/**
 * The browser scripts in a real Chromium: a report written while offline waits on the device
 * and is sent when the connection returns; the service worker shows the offline page when a
 * page cannot be reached; "Use my location" stays within the council's area; the map picker and
 * the map of reports follow the contract pages rely on. SQLite only: the scripts do not care.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';



describe('offline reports and maps in a browser', () => {
  let t: RunningTownhall;
  let browser: Browser;
  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, fixture);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const newContext = async (options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> => {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    // Map tiles would come from the internet: a blank answer keeps the test self-contained.
    await context.route(/tile\.openstreetmap\.org/, (route) => route.fulfill({ status: 204 }));
    return context;
  };

  test('offline: the report is kept on the device, listed, then sent when the connection returns', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/offline`);
    // The service worker installs, keeping the offline page and its files.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.waitForFunction(async () => (await (await caches.open('townhall-1')).match('/offline')) !== undefined);

    await context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    await page.selectOption('#service', GRAFFITI);
    await page.fill('#description', 'Graffiti on the library wall, written offline');
    await page.fill('#address', 'Library, Market Square');
    await page.click('main button[type="submit"]');
    await page.getByText('1 report waiting to be sent').waitFor();
    await page.getByText('You are offline. Your report is kept on this device').waitFor();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('townhall.offlineReports') ?? '[]').length), 1);
    assert.equal(await page.inputValue('#description'), '', 'the form is ready for another report');

    // Another page, still offline: the service worker answers with the offline page.
    await page.goto(`${t.baseUrl}/services`);
    assert.match(await page.title(), /You are offline/);
    await page.getByText('1 report waiting to be sent').waitFor();
    const before = await t.db.selectFrom('cases').select('id').execute();

    await context.setOffline(false);
    // Chromium sends this page (opened offline) no "online" event: offline.js looks again by itself.
    const sent = page.getByText(/Your report was sent: reference \d+/);
    await sent.waitFor({ timeout: 20_000 });
    const reference = /reference (\d+)/.exec(await sent.innerText())![1]!;
    assert.equal(await page.getAttribute(`a[href="/requests/${reference}"]`, 'href'), `/requests/${reference}`);
    assert.equal(await page.evaluate(() => localStorage.getItem('townhall.offlineReports')), null, 'the sent draft is removed');
    const created = await t.db.selectFrom('cases').select(['id', 'description', 'address_string', 'channel']).where('id', '=', Number(reference)).executeTakeFirstOrThrow();
    assert.deepEqual(created, { id: Number(reference), description: 'Graffiti on the library wall, written offline', address_string: 'Library, Market Square', channel: 'web' });
    assert.equal((await t.db.selectFrom('cases').select('id').execute()).length, before.length + 1, 'sent once');
    const key = await t.db.selectFrom('case_actions').select('idempotency_key').where('case_id', '=', Number(reference)).where('action', '=', 'submitted').executeTakeFirstOrThrow();
    assert.match(key.idempotency_key ?? '', /^offline:.+:[A-Za-z0-9-]{8,}$/, 'the draft’s id went with it, so a second sending would not make a second case');
    await context.close();
  });

  test('reports waiting on the device are removed when the person signs out', async () => {
    const context = await newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // Until the scripts have their words (fetched when the page loads), going offline would leave them wordless.
    await page.goto(`${t.baseUrl}/offline`, { waitUntil: 'networkidle' });
    await context.setOffline(true);
    await page.selectOption('#service', GRAFFITI);
    await page.fill('#description', 'Written by the first person on a shared tablet');
    await page.fill('#address', 'Library');
    await page.click('main button[type="submit"]');
    await page.getByText('1 report waiting to be sent').waitFor();
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('townhall.offlineReports') ?? '[]') as Array<{ id: string }>);
    assert.match(saved[0]!.id, /^[A-Za-z0-9-]{8,}$/);
    // The frame's sign-out form (as a signed-in person's page has it), submitted.
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/sign-out';
      form.addEventListener('submit', (event) => event.preventDefault());
      document.body.append(form);
      form.requestSubmit();
    });
    assert.equal(await page.evaluate(() => localStorage.getItem('townhall.offlineReports')), null);
    await context.close();
  });

  test('a draft the server refuses stays, with what is wrong, until the person deletes it', async () => {
    const context = await newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // Until the scripts have their words (fetched when the page loads), going offline would leave them wordless.
    await page.goto(`${t.baseUrl}/offline`, { waitUntil: 'networkidle' });
    await context.setOffline(true);
    await page.selectOption('#service', GRAFFITI);
    await page.fill('#description', 'Somewhere far away');
    await page.fill('#lat', '10');
    await page.fill('#long', '10');
    await page.click('main button[type="submit"]');
    await page.getByText('1 report waiting to be sent').waitFor();
    await context.setOffline(false);
    await page.getByText(/could not be sent: That position is outside the area/).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the list of waiting reports is accessible');
    await page.click('text=Delete this report');
    assert.equal(await page.evaluate(() => localStorage.getItem('townhall.offlineReports')), null);
    await context.close();
  });

  test('"Use my location" fills the position, and refuses a place outside the council’s area', async () => {
    const context = await newContext({ geolocation: { latitude: 51.501234, longitude: -0.141234 }, permissions: ['geolocation'], serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/offline`);
    await page.click('button:has-text("Use my location")');
    await page.getByText('Your location was added to the form.').waitFor();
    assert.equal(await page.inputValue('#lat'), '51.501234');
    assert.equal(await page.inputValue('#long'), '-0.141234');
    await context.setGeolocation({ latitude: 48.85, longitude: 2.35 });
    await page.fill('#lat', '');
    await page.click('button:has-text("Use my location")');
    await page.getByText(/outside the area this council covers/).waitFor();
    assert.equal(await page.inputValue('#lat'), '');
    assert.equal(await page.getAttribute('.locate-status', 'aria-live'), 'polite');
    await context.close();
  });

  /** A page following the map contract, as the report journey and public reports pages will. */
  const contractPage = (map: string) => `<!doctype html><html lang="en"><head><title>Map test</title><link rel="stylesheet" href="/assets/townhall.css">
    <script src="/assets/map.js" defer></script></head><body><main><form method="post" action="/nowhere">${map}
    <label for="lat">Latitude</label><input id="lat" name="lat" type="text" value="LAT"><label for="long">Longitude</label><input id="long" name="long" type="text" value="LONG">
    </form></main></body></html>`;
  const tiles = 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png" data-attribution="© OpenStreetMap contributors &lt;b&gt;"';

  test('map picker: clicking fills the fields (6 decimals), typed values show the marker, the map has a name', async () => {
    const context = await newContext({ geolocation: { latitude: 10, longitude: 10 }, permissions: ['geolocation'], serviceWorkers: 'block' });
    const page = await context.newPage();
    const html = contractPage(`<div class="map" data-map="pick" data-bounds="51.3,-0.5,51.7,0.3" ${tiles} data-lat-field="lat" data-long-field="long"></div>`);
    await page.route(`${t.baseUrl}/map-test*`, (route) => route.fulfill({ contentType: 'text/html', body: html.replace('LAT', '').replace('LONG', '') }));
    await page.goto(`${t.baseUrl}/map-test`);
    await page.locator('.map.leaflet-container').waitFor();
    assert.match(await page.getAttribute('.map', 'aria-label') ?? '', /choose where the problem is/);
    assert.equal(await page.getAttribute('.map', 'role'), 'region');
    assert.match(await page.innerText('.leaflet-control-attribution'), /© OpenStreetMap contributors <b>/, 'the credit is text, not markup');
    const box = (await page.locator('.map').boundingBox())!;
    await page.click('.map', { position: { x: box.width / 2 + 10, y: box.height / 2 + 10 } });
    const lat = Number(await page.inputValue('#lat'));
    const long = Number(await page.inputValue('#long'));
    assert.match(await page.inputValue('#lat'), /^-?\d+\.\d{6}$/);
    assert.ok(lat > 51.3 && lat < 51.7 && long > -0.5 && long < 0.3, `${lat}, ${long} inside the bounds`);
    await page.locator('.leaflet-marker-icon').waitFor();
    await page.getByText(/Place chosen: latitude/).waitFor();
    // Outside the area, "Use my location" says so, visibly and to screen readers, and changes nothing.
    await page.click('button[type="button"]:has-text("Use my location")');
    await page.getByText(/outside the area this council covers/).waitFor();
    assert.equal(await page.getAttribute('.map-status', 'aria-live'), 'polite');
    assert.equal(Number(await page.inputValue('#lat')), lat);
    assert.deepEqual(await axeViolations(page), [], 'the map picker is accessible');

    const again = await context.newPage();
    await again.route(`${t.baseUrl}/map-test*`, (route) => route.fulfill({ contentType: 'text/html', body: html.replace('LAT', '51.5').replace('LONG', '-0.1') }));
    await again.goto(`${t.baseUrl}/map-test`);
    await again.locator('.leaflet-marker-icon').waitFor();
    await context.close();
  });

  test('map of reports: a marker per point, each linking to its report', async () => {
    const context = await newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const geojson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-0.12, 51.5] }, properties: { id: '1', title: 'Graffiti <img src=x onerror=alert(1)>', status: 'Open', url: '/requests/1' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-0.1, 51.52] }, properties: { id: '2', title: 'Pothole', status: 'Closed', url: '/requests/2' } },
      ],
    };
    await page.route(`${t.baseUrl}/map-test*`, (route) => route.fulfill({ contentType: 'text/html', body: contractPage(`<div class="map" data-map="show" data-points-url="/points-test.geojson" ${tiles}></div>`) }));
    await page.route(`${t.baseUrl}/points-test.geojson`, (route) => route.fulfill({ contentType: 'application/geo+json', body: JSON.stringify(geojson) }));
    await page.goto(`${t.baseUrl}/map-test`);
    await page.locator('.leaflet-marker-icon').nth(1).waitFor();
    assert.equal(await page.locator('.leaflet-marker-icon').count(), 2);
    await page.locator('.leaflet-marker-icon[title="Pothole"]').click();
    assert.equal(await page.getAttribute('.leaflet-popup a', 'href'), '/requests/2');
    // The first popup pans the map, so the marker may still be moving: a click event needs no steady target.
    await page.locator('.leaflet-marker-icon').first().dispatchEvent('click');
    await page.locator('.leaflet-popup-content', { hasText: 'Graffiti' }).waitFor();
    assert.equal(await page.locator('.leaflet-popup img').count(), 0, 'titles are text');
    // Leaflet fades a popup in: measure its contrast once it is fully shown.
    await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-popup')].every((p) => getComputedStyle(p).opacity === '1'));
    assert.deepEqual(await axeViolations(page), [], 'the map of reports is accessible');
    await context.close();
  });

  test('all the JavaScript a page can load stays under 50 KB compressed', async () => {
    let total = 0;
    for (const path of ['/assets/leaflet/leaflet.js', '/assets/map.js', '/assets/offline.js']) {
      total += gzipSync(Buffer.from(await (await fetch(`${t.baseUrl}${path}`)).arrayBuffer()), { level: 9 }).length;
    }
    assert.ok(total <= 50 * 1024, `${total} bytes`);
  });
});
