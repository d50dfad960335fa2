/**
 * Drawing on the map in a real browser (Chromium), 320 CSS pixels wide: an application's area
 * field shows a button, the map library loads only when it is pressed, clicks mark the corners,
 * and the field gets a valid GeoJSON Polygon (closed ring, inside the council's bounds) that the
 * server accepts as the answer. The page stays accessible (axe) with the map open. SQLite only:
 * the pages are the same on either database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { publishForm } from '../src/applications/applications.js';
import { parseGeometry } from '../src/applications/answers.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { withinBounds } from '../src/config.js';
import { open } from '../src/platform/crypto.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';

const PARTY = 'street-party';
const partyService: ServiceInput = {
  code: PARTY, name: 'Street party', description: 'Close a street for a party', groupCode: 'streets', keywords: ['party'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 28, attributes: [],
};

describe('drawing an area on the map in a browser, 320 px wide', () => {
  let t: RunningTownhall;
  let browser: Browser;
  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, { ...fixture, services: [...fixture.services, partyService] });
    await publishForm(t.db, t.jurisdiction.id, PARTY, {
      title: 'Apply to close a street for a party', summary: 'Close your street for a day.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [], fees: [],
      pages: [{ id: 'where', title: 'Where is the party?', fields: [{ id: 'area', type: 'map_area', label: 'The streets to close' }] }],
    }, 'test');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the map loads when asked, clicks draw the area, and the form sends it as GeoJSON', async () => {
    const ctx = await browser.newContext({ viewport: { width: 320, height: 700 }, bypassCSP: true });
    ctx.setDefaultTimeout(10_000);
    const tab = await ctx.newPage();
    const leaflet: string[] = [];
    tab.on('request', (request) => { if (request.url().includes('/assets/leaflet/')) leaflet.push(request.url()); });
    await tab.goto(`${t.baseUrl}/apply/${PARTY}/eligibility`);
    await tab.click('main button:has-text("Start now")');
    assert.match(await tab.title(), /^Where is the party\?/);
    await tab.waitForLoadState('load');
    assert.deepEqual(leaflet, [], 'the map library waits to be asked for');

    await tab.getByRole('button', { name: 'Draw the area on a map' }).click();
    await tab.waitForSelector('.map.leaflet-container');
    assert.ok(leaflet.length > 0, 'the map library loads once asked for');
    const map = tab.locator('.map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    // The council's area sits in the middle of the map (the view around it is wider): a click outside it is refused.
    await map.click({ position: { x: 4, y: 4 } });
    assert.match(await tab.locator('.map-status').textContent() ?? '', /outside the area this council covers/);
    assert.equal(await tab.inputValue('#area'), '');
    for (const [x, y] of [[0.42, 0.42], [0.58, 0.44], [0.57, 0.58], [0.43, 0.57]] as const) {
      await map.click({ position: { x: box.width * x, y: box.height * y } });
      await tab.waitForTimeout(350);
    }
    await tab.waitForFunction(() => (document.querySelector('#area') as HTMLTextAreaElement).value.includes('Polygon'));
    assert.match(await tab.locator('.map-status').textContent() ?? '', /Corners marked: 4/);
    const drawn = await tab.inputValue('#area');
    const geometry = parseGeometry(drawn);
    assert.ok(geometry && geometry.type === 'Polygon', `the field holds a polygon: ${drawn}`);
    const ring = geometry.coordinates[0]!;
    assert.equal(ring.length, 5, 'four corners and the first again: a closed ring');
    assert.deepEqual(ring[0], ring[4]);
    assert.ok(ring.every(([long, lat]) => withinBounds(t.jurisdiction.bounds, lat, long)), 'every corner inside the council');
    let twice = 0;
    for (let i = 0; i < ring.length - 1; i++) twice += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
    assert.ok(twice > 0, 'the ring runs anticlockwise (RFC 7946)');

    // Undo takes the last corner away; three corners are still an area.
    await tab.getByRole('button', { name: 'Remove the last corner' }).click();
    const undone = parseGeometry(await tab.inputValue('#area'));
    assert.ok(undone?.type === 'Polygon' && undone.coordinates[0]!.length === 4, 'three corners and the first again');
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 320px wide`);
    assert.deepEqual(await axeViolations(tab), [], 'the page with the map open');

    const sent = await tab.inputValue('#area');
    await tab.click('main button:has-text("Continue")');
    await tab.waitForURL(/\/details$/);
    const draft = new URL(tab.url()).pathname.split('/')[3]!;
    const row = await t.db.selectFrom('application_drafts').select('answers').where('id', '=', draft).executeTakeFirstOrThrow();
    const answers = JSON.parse(open(t.keyring, 'application_draft', row.answers)) as { area: string };
    assert.deepEqual(JSON.parse(answers.area), JSON.parse(sent), 'the server kept the drawn area as the answer');
    await ctx.close();
  });
});
