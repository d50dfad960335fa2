/**
 * Incidents in a real browser, on both databases: an emergency officer opens one over an area,
 * links the reports there, gives two departments a task each and logs; the department's staff
 * mark their task done; the pages have no WCAG 2.2 A/AA violations at a desk and on a phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { axeViolations, launchBrowser } from './browser.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { runIncident } from './incident-steps.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';

const square = (lat: number, long: number, d: number) => `${lat - d},${long - d} ${lat - d},${long + d} ${lat + d},${long + d} ${lat + d},${long - d} ${lat - d},${long - d}`;

for (const database of databasesUnderTest()) {
  describe(`incidents in a browser on ${database.name}`, () => {
    let t: RunningTownhall;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const as = async (email: string, role: 'emergency_officer' | 'case_worker', department: string | null, width = 1366) => {
      const signed = await signedInAs(t, email, role, department);
      const context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width, height: 900 } });
      context.setDefaultTimeout(10_000);
      await context.addCookies([{ name: 'townhall_session', value: signed.cookie.split('=')[1]!, url: t.baseUrl }]);
      contexts.push(context);
      return context.newPage();
    };
    const report = async (description: string, where: { lat: string; long: string }) => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, description, ...where, email: 'rita@example.org' }) });
      return Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    };

    before(async () => {
      t = await startTownhall(database, fixture);
      browser = await launchBrowser();
    });
    after(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
      await t?.close();
    });

    test('an officer links the reports in the area and gives two tasks; the department marks its task done', async () => {
      const reports = [await report('Water in the road', inside), await report('No water at home', { lat: String(Number(inside.lat) + 0.002), long: inside.long })];
      const outside = await report('Somewhere else', { lat: '51.65', long: '0.2' });
      const officer = await as('robin@example.org', 'emergency_officer', null);
      const parks = await as('pat@example.org', 'case_worker', 'parks', 320);
      await signedInAs(t, 'rory@example.org', 'case_worker', 'roads');
      const departments = await t.db.selectFrom('departments').select(['code', 'name']).where('code', 'in', ['roads', 'parks']).execute();
      const name = (code: string) => departments.find((d) => d.code === code)!.name;
      const id = await runIncident(officer, t.baseUrl, {
        title: 'Burst water main', areaText: square(Number(inside.lat), Number(inside.long), 0.01), reports,
        tasks: [{ title: 'Close the high street', department: name('roads') }, { title: 'Open the park toilets as a water point', department: name('parks') }],
      });
      assert.equal(await officer.locator(`input[name="reports"][value="${outside}"]`).count(), 0, 'a report outside the area is not suggested');
      assert.deepEqual(await axeViolations(officer), []);
      const links = await t.db.selectFrom('incident_links').select('report_id').where('case_id', '=', id).execute();
      assert.deepEqual(links.map((l) => Number(l.report_id)).sort(), [...reports].sort());

      await parks.goto(`${t.baseUrl}/staff/incidents/${id}`);
      await parks.getByRole('button', { name: 'Mark done: Open the park toilets as a water point' }).click();
      await parks.getByRole('region', { name: 'Tasks' }).getByRole('cell', { name: 'Done', exact: true }).waitFor();
      assert.equal(await parks.getByRole('button', { name: 'Mark done: Close the high street' }).count(), 0, 'another department\'s task is not theirs to change');
      assert.equal(await parks.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling at 320 px');
      assert.deepEqual(await axeViolations(parks), []);
      await officer.goto(`${t.baseUrl}/staff/incidents`);
      assert.deepEqual(await axeViolations(officer), []);
      await officer.goto(`${t.baseUrl}/staff/incidents/new`);
      assert.deepEqual(await axeViolations(officer), []);
    });
  });
}
