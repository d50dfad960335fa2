/** The resident portal's front door: home page, catalogue, search, service pages, branding, information pages. */
import { forgetUsage } from '../src/catalogue/usage.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { BULKY, fixture, GRAFFITI, POTHOLE, potholeAttributes } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const DAY = 86_400_000;
/** A 1×1 PNG. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const listed = (html: string, sectionId: string) => {
  const section = html.split(`id="${sectionId}"`)[1]?.split('</section>')[0] ?? '';
  return [...section.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => m[2]);
};

for (const database of databasesUnderTest()) {
  describe(`home, catalogue and information pages on ${database.name}`, () => {
    let t: RunningTownhall;
    let dir: string;
    let web: WebClient;

    async function report(service: string, extra: Record<string, string> = {}): Promise<string> {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: service, address_string: '1 High Street', ...extra }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      const [row] = (await response.json()) as Array<{ service_request_id?: string; token?: string }>;
      if (row?.service_request_id) return row.service_request_id;
      const found = await t.db.selectFrom('cases').select('id').where('token', '=', row!.token!).executeTakeFirstOrThrow();
      return String(found.id);
    }
    const potholeAnswer = { [`attribute[${potholeAttributes.road}]`]: 'High Street' };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'townhall-logo-'));
      writeFileSync(join(dir, 'logo.png'), png);
      t = await startTownhall(database, {
        ...fixture,
        env: {
          TOWNHALL_LOGO_FILE: join(dir, 'logo.png'), TOWNHALL_BRAND_COLOUR: '#1d4ed8',
          TOWNHALL_CONTACT_PHONE: '0300 123 4567', TOWNHALL_CONTACT_EMAIL: 'help@council.example', TOWNHALL_CONTACT_HOURS: 'Monday to Friday, 9am to 5pm',
        },
      });
      web = new WebClient(t.baseUrl);
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('home: most used services of the last 90 days first, then catalogue order; contact details as configured', async () => {
      const before = await web.get('/');
      assert.equal(before.status, 200);
      assert.deepEqual(listed(before.html, 'popular'), ['Graffiti', 'Pothole', 'Bulky waste collection'], 'catalogue order with no requests');
      await report(BULKY);
      await report(BULKY);
      await report(POTHOLE, potholeAnswer);
      const old = [await report(GRAFFITI), await report(GRAFFITI), await report(GRAFFITI)];
      await t.db.updateTable('cases').set({ requested_at: new Date(Date.now() - 100 * DAY).toISOString() }).where('id', 'in', old.map(Number)).execute();
      // The counts are kept a few minutes per process: every view of the home page asks.
      assert.deepEqual(listed((await web.get('/')).html, 'popular'), ['Graffiti', 'Pothole', 'Bulky waste collection'], 'counted once per few minutes');
      forgetUsage();
      const home = await web.get('/');
      assert.deepEqual(listed(home.html, 'popular'), ['Bulky waste collection', 'Pothole', 'Graffiti']);
      assert.match(home.html, /<a href="\/services\/007-pothole">Pothole<\/a>/);
      assert.match(home.html, /<form method="get" action="\/search"/);
      assert.match(home.html, /href="\/services">Browse all services/);
      assert.match(home.html, /href="\/apply">Apply for a permit or licence/, "the home page leads to permit and licence applications");
      assert.match(home.html, /href="\/report\/new"/);
      assert.match(home.html, /href="\/reports">Recent reports, on a map/, 'named honestly: the list is not sorted by distance from the reader');
      assert.match(home.html, /href="tel:03001234567"[^>]*>0300 123 4567</);
      assert.match(home.html, /href="mailto:help@council.example"/);
      assert.match(home.html, /Monday to Friday, 9am to 5pm/);
      assert.doesNotMatch(home.html, /Address<\/dt>/, 'no address configured, none shown');
      assert.match(home.html, /href="\/register"/);
      assert.match(home.html, /href="\/open311\/discovery.json"/);
      assert.doesNotMatch(home.html, /class="alerts"/, 'no alerts, no alert box');

      const contact = t.config.branding.contact;
      const saved = { ...contact };
      Object.assign(contact, { phone: null, email: null, hours: null, address: null });
      try {
        assert.doesNotMatch((await web.get('/')).html, /Contact the council/);
      } finally {
        Object.assign(contact, saved);
      }
    });

    test('/services lists active services under their groups; inactive ones are left out', async () => {
      await t.db.updateTable('services').set({ active: 0 }).where('code', '=', BULKY).execute();
      try {
        const page = await web.get('/services');
        assert.equal(page.status, 200);
        assert.match(page.html, /<h2 id="group-streets">Streets and pavements<\/h2>/);
        assert.match(page.html, /<a href="\/services\/graffiti">Graffiti<\/a><p>Paint or marks on a public wall, bench or sign.<\/p>/);
        assert.doesNotMatch(page.html, /Bulky waste/);
        const gone = await web.get(`/services/${BULKY}`);
        assert.equal(gone.status, 200);
        assert.match(gone.html, /This service no longer takes reports/);
        assert.doesNotMatch(gone.html, /report\/new\?service=/);
      } finally {
        await t.db.updateTable('services').set({ active: 1 }).where('code', '=', BULKY).execute();
      }
      assert.equal((await web.get('/services?q=paint')).location, '/search?q=paint');
    });

    test('/search forgives typing mistakes and finds information pages too', async () => {
      const typo = await web.get('/search?q=grafiti');
      assert.match(typo.html, /1 result for “grafiti”/);
      assert.match(typo.html, /<a href="\/services\/graffiti">Graffiti<\/a>/);
      const prefix = await web.get('/search?q=pothol');
      assert.match(prefix.html, /<a href="\/services\/007-pothole">Pothole<\/a>/);
      const keyword = await web.get('/search?q=sofa');
      assert.match(keyword.html, /Bulky waste collection/);
      const info = await web.get('/search?q=cookies');
      assert.match(info.html, /<a href="\/privacy">Privacy notice<\/a>/);
      const spanish = await new WebClient(t.baseUrl).get('/search?q=accesibilidad&lang=es');
      assert.match(spanish.html, /<a href="\/accessibility">Declaración de accesibilidad<\/a>/);
      const none = await web.get('/search?q=zzzz');
      assert.equal(none.status, 200);
      assert.match(none.html, /No results for “zzzz”/);
      assert.match(none.html, /check the spelling/);
      const empty = await web.get('/search');
      assert.match(empty.html, /Type what you want/);
    });

    test('a service page: what it asks, how long it takes (median of closed requests, else expected days), and a start button', async () => {
      const pothole = await web.get(`/services/${POTHOLE}`);
      assert.equal(pothole.status, 200);
      assert.match(pothole.html, /A hole or a sunken patch in a road or a pavement./);
      assert.match(pothole.html, /Which road is it on\?/);
      assert.match(pothole.html, /Who is put at risk\? \(optional\)/);
      assert.match(pothole.html, /You choose any of: Motor traffic, Cyclists, Pedestrians, It blocks a drain/);
      assert.match(pothole.html, /If the hole is dangerous right now, call 0300 123 4567 instead./);
      assert.match(pothole.html, /We inspect reported potholes within 5 working days./);
      assert.match(pothole.html, /within 5 working days\./, 'fewer than 5 closed: the expected days');
      assert.match(pothole.html, /href="\/report\/new\?service=007-pothole"/);

      const now = Date.now();
      const closed = [1, 2, 3, 4, 10];
      for (const days of closed) {
        const id = await report(POTHOLE, potholeAnswer);
        await t.db.updateTable('cases').set({
          requested_at: new Date(now - 20 * DAY).toISOString(), closed_at: new Date(now - 20 * DAY + days * DAY).toISOString(), status: 'closed',
        }).where('id', '=', Number(id)).execute();
      }
      assert.match((await web.get(`/services/${POTHOLE}`)).html, /within 5 working days\./, 'the typical time is kept a few minutes');
      forgetUsage();
      const median = await web.get(`/services/${POTHOLE}`);
      assert.match(median.html, /usually closed in about 3 days/);
      assert.match(median.html, /5 reports closed in the last year/);

      assert.match((await web.get(`/services/${BULKY}`)).html, /We cannot say yet how long this usually takes/);
      const unknown = await web.get('/services/no-such-service');
      assert.equal(unknown.status, 404);
      assert.match(unknown.html, /There is no service at this address/);
    });

    test('branding: the logo and the brand colour', async () => {
      const page = await web.get('/');
      assert.match(page.html, /<img class="logo" src="\/branding\/logo" alt="Test Borough Council"\/?>/);
      assert.match(page.html, /<link rel="stylesheet" href="\/branding\/theme.css"\/?>/);
      const logo = await fetch(`${t.baseUrl}/branding/logo`);
      assert.equal(logo.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await logo.arrayBuffer()), png);
      const theme = await fetch(`${t.baseUrl}/branding/theme.css`);
      assert.match(theme.headers.get('content-type') ?? '', /^text\/css/);
      assert.match(await theme.text(), /\.site-header \{ background: #1d4ed8; \}/);

      const { branding } = t.config;
      const saved = { ...branding };
      Object.assign(branding, { colour: null, logoFile: null });
      try {
        const plain = await web.get('/');
        assert.doesNotMatch(plain.html, /theme\.css|branding\/logo/);
        assert.match(plain.html, /<a class="council" href="\/">Test Borough Council<\/a>/);
      } finally {
        Object.assign(branding, saved);
      }
    });

    test('accessibility statement and privacy notice, linked from every page’s footer, in every language', async () => {
      const home = await web.get('/');
      assert.match(home.html, /<footer>.*href="\/accessibility".*href="\/privacy"/s);
      const a11y = await web.get('/accessibility');
      assert.equal(a11y.status, 200);
      assert.match(a11y.html, /WCAG\) version 2.2 at level AA/);
      assert.match(a11y.html, /320 pixels/);
      assert.match(a11y.html, /typing its address/);
      assert.match(a11y.html, /href="tel:03001234567"/);
      const privacy = await web.get('/privacy');
      assert.match(privacy.html, /encrypted/);
      assert.match(privacy.html, /Pothole: 365 days after the case is closed/);
      assert.match(privacy.html, /map service/);
      const arabic = await new WebClient(t.baseUrl).get('/privacy?lang=ar');
      assert.match(arabic.html, /إشعار الخصوصية/);
      const spanish = await new WebClient(t.baseUrl).get('/accessibility?lang=es');
      assert.match(spanish.html, /Declaración de accesibilidad/);
    });
  });
}
