/**
 * Published performance through HTTP, both databases: the report journey is counted (a start,
 * a completion) without a cookie of its own and without keeping an address; "You said, we
 * did" shows public updates and never internal notes or the reporter's words; the costs page
 * (system administrators, CSRF, audited) feeds the published cost per transaction; bad input
 * gets a clear 4xx.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performCaseAction } from '../src/cases/actions.js';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { submitCase } from '../src/cases/submit.js';
import { publishedFigures } from '../src/performance/figures.js';
import { nowIso, todayInZone } from '../src/platform/time.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const WHERE = { lat: '51.5034', long: '-0.1276' };

for (const database of databasesUnderTest()) {
  describe(`published performance (${database.name})`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, fixture);
    });
    after(async () => t?.close());

    const counts = async () => t.db.selectFrom('journey_counts').selectAll().execute();

    test('a report journey counts one start and one completion, with no cookie of its own and no address kept', async () => {
      const c = new WebClient(t.baseUrl);
      const setCookies: string[] = [];
      const step = async (response: Promise<{ headers: Headers; status: number; location: string | null; html: string }>) => {
        const r = await response;
        setCookies.push(...r.headers.getSetCookie().map((line) => line.split('=')[0]!));
        return r;
      };
      await step(c.get('/report/new'));
      await step(c.get('/report/service'));
      assert.deepEqual(await counts(), [], 'nothing is counted before a step is posted');
      assert.equal((await step(c.post('/report/service', { service: GRAFFITI }))).location, '/report/location');
      // Going back and choosing again is still one journey.
      await step(c.get('/report/service'));
      await step(c.post('/report/service', { service: GRAFFITI }));
      await step(c.get('/report/location'));
      await step(c.post('/report/location', { ...WHERE, note: '' }));
      await step(c.get('/report/details'));
      await step(c.post('/report/details', { description: 'Paint on the library wall' }));
      await step(c.get('/report/photos'));
      await step(c.post('/report/photos/done'));
      await step(c.get('/report/contact'));
      await step(c.post('/report/contact', { name: '', email: '', phone: '' }));
      await step(c.get('/report/check'));
      const sent = await step(c.post('/report/check'));
      assert.match(sent.location ?? '', /^\/report\/done\/\d+/, sent.html.slice(0, 2000));

      const day = todayInZone(t.jurisdiction.timeZone);
      const rows = await counts();
      assert.equal(rows.length, 1);
      assert.deepEqual({ ...rows[0], started: Number(rows[0]!.started), sent: Number(rows[0]!.sent) },
        { jurisdiction_id: t.jurisdiction.id, day, service_code: GRAFFITI, started: 1, sent: 1 });
      // The row is a count and nothing else: no column for a person, an address or a device.
      assert.deepEqual(Object.keys(rows[0]!).sort(), ['day', 'jurisdiction_id', 'sent', 'service_code', 'started']);
      assert.doesNotMatch(JSON.stringify(rows), /127\.0\.0\.1|::1|Mozilla/);
      // Only the journey's own cookies (its draft, the forms' CSRF token) were set; counting added none.
      assert.deepEqual([...new Set(setCookies)].sort(), ['townhall_csrf', 'townhall_report']);

      // A second journey, abandoned after its first step: a start without a completion.
      const other = new WebClient(t.baseUrl);
      await other.get('/report/new');
      await other.get('/report/service');
      await other.post('/report/service', { service: GRAFFITI });
      const [after] = await counts();
      assert.equal(Number(after!.started), 2);
      assert.equal(Number(after!.sent), 1);
    });

    test('"You said, we did" shows the public updates of closed reports, never internal notes or the reporter’s words', async () => {
      const actor = { id: 'user:1', userId: 1, role: 'system_admin' as const, departmentId: null };
      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } };
      const created = await submitCase(t.db, { jurisdiction: t.jurisdiction, keyring: t.keyring }, 'phone', {
        serviceCode: GRAFFITI, description: 'Rude words by the school gate', lat: 51.5, long: -0.1, attributes: {}, mediaUrls: [],
        contact: { email: 'reporter.private@example.org', firstName: 'Priya', lastName: 'Reporterson' },
      }, { actor: { id: 'test' } });
      const id = Number(created.id);
      await performCaseAction(t.db, ctx, id, { kind: 'note', text: 'INTERNAL: the contractor was late again' }, actor, 'k1');
      await performCaseAction(t.db, ctx, id, { kind: 'public_update', text: 'We have booked a cleaning crew.' }, actor, 'k2');
      // Closed by the council's back office (Open311 update), with its public note.
      await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: 'close-1', requestId: String(id), status: 'closed', state: 'fixed', updatedAt: nowIso(), description: 'The wall is clean again.', mediaUrl: null },
        { id: 'test' }, ctx.notify);

      for (const path of ['/performance', `/performance/${GRAFFITI}`]) {
        const page = await new WebClient(t.baseUrl).get(path);
        assert.equal(page.status, 200, page.html.slice(0, 1000));
        assert.match(page.html, /You said, we did/);
        assert.match(page.html, /We have booked a cleaning crew\./);
        assert.match(page.html, /The wall is clean again\./);
        assert.match(page.html, new RegExp(`href="/requests/${id}"`));
        assert.doesNotMatch(page.html, /INTERNAL|contractor/);
        assert.doesNotMatch(page.html, /Rude words|reporter\.private|Priya|Reporterson/);
      }
      const other = await new WebClient(t.baseUrl).get('/performance/bulky-waste');
      assert.doesNotMatch(other.html, /The wall is clean again/, 'another service shows only its own reports');
    });

    test('the pages say in words when there is not enough data, work in Arabic right to left, and refuse bad input clearly', async () => {
      publishedFigures.clear();
      const c = new WebClient(t.baseUrl);
      const page = await c.get('/performance');
      assert.equal(page.status, 200);
      assert.match(page.html, /How satisfied people were/);
      assert.match(page.html, /Not enough feedback yet\./);
      assert.match(page.html, /The council has not published its costs yet\./);
      assert.match(page.html, /How many people who started a report sent it/);
      assert.doesNotMatch(page.html, /<svg class="chart"/, 'no chart is drawn for a measure without data');
      assert.doesNotMatch(page.html, /NaN|Infinity|undefined/);
      assert.match(page.html, /<a href="\/performance">How we are doing<\/a>/, 'the footer links to the page');
      const service = await c.get(`/services/${GRAFFITI}`);
      assert.match(service.html, new RegExp(`href="/performance/${GRAFFITI}"`), 'the service page links to its performance');

      const arabic = await c.get('/performance?lang=ar');
      assert.match(arabic.html, /<html lang="ar" dir="rtl"/);
      assert.match(arabic.html, /كيف نؤدي عملنا/);

      const unknown = await new WebClient(t.baseUrl).get('/performance/no-such-service');
      assert.equal(unknown.status, 404);
      assert.match(unknown.html, /We do not have a service with that name/);
      for (const bad of ['0', '-1', 'abc', '51', '1e3']) {
        const response = await new WebClient(t.baseUrl).get(`/performance?page=${bad}`);
        assert.equal(response.status, 400, `page=${bad}`);
        assert.match(response.html, /The page number must be a whole number from 1 to 50/);
      }
    });

    test('a system administrator sets the costs per channel (CSRF, checked, audited), and the page publishes the cost per transaction', async () => {
      const admin = await signedInAs(t, 'costs-admin@example.org', 'system_admin', null);
      const headers = { cookie: admin.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' };
      const post = (fields: Record<string, string>) => fetch(`${t.baseUrl}/admin/settings/performance`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(fields) });
      const form = await fetch(`${t.baseUrl}/admin/settings/performance`, { headers });
      assert.equal(form.status, 200);
      assert.match(await form.text(), /Costs per transaction/);

      assert.equal((await post({ currency: 'GBP', web: '1.00' })).status, 403, 'no CSRF token: refused');
      const bad = await post({ _csrf: admin.csrf, currency: 'POUNDS', web: 'cheap', phone: '-2', counter: '12.345' });
      assert.equal(bad.status, 400);
      const badHtml = await bad.text();
      for (const field of ['currency', 'web', 'phone', 'counter']) assert.match(badHtml, new RegExp(`id="${field}-error"`), field);

      const saved = await post({ _csrf: admin.csrf, currency: 'eur', web: '0.80', api: '0.20', phone: '6.40', email: '4.10', counter: '11.5' });
      assert.equal(saved.status, 303);
      const entry = await t.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'performance_costs.changed').executeTakeFirstOrThrow();
      assert.match(entry.actor, /^user:\d+$/);
      assert.deepEqual(JSON.parse(entry.after!), { currency: 'EUR', costs: { web: 80, api: 20, phone: 640, email: 410, counter: 1150 } });

      // Every case so far came by web or phone: the cost is their average, in euros.
      const channels = await t.db.selectFrom('cases').select(['channel']).where('jurisdiction_id', '=', t.jurisdiction.id).execute();
      const costs: Record<string, number> = { web: 80, api: 20, phone: 640, email: 410, counter: 1150 };
      const expected = channels.reduce((s, c) => s + costs[c.channel]!, 0) / channels.length / 100;
      const page = await new WebClient(t.baseUrl).get('/performance');
      const shown = new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(expected);
      assert.match(page.html, new RegExp(`Over the last 12 months: ${shown.replace(/[.$]/g, '\\$&')}`));
      assert.match(page.html, /<svg class="chart" viewBox="[^"]+" role="img" aria-label="What each report costs, month by month, from [^"]+"/);
    });
  });
}
