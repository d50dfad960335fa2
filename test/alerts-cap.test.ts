/**
 * Emergency alerts through the server: drafted and approved through the staff pages by two
 * officers, then the outputs: the CAP message valid against the official schema (xmllint), its
 * times with the council's offset (never 'Z'), Update and Cancel references, the Atom feed, the
 * GeoJSON, the public pages and banner; alerts that are not Actual and Public never shown.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { sharedFile } from './shared-files.js';
import { checkAgainstSchema } from './xml-schema.js';

const capSchema = pathToFileURL(sharedFile('specs/cap/CAP-v1.2.xsd'));
/** Around Westminster, inside the test council's bounds. */
const AREA = '51.49,-0.16 51.49,-0.12 51.51,-0.12 51.51,-0.16 51.49,-0.16';
const INSIDE = { lat: '51.5014', long: '-0.1419' };
const OUTSIDE = { lat: '51.6', long: '0.1' };
const OFFSET_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

const localIn = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);

for (const database of databasesUnderTest()) {
  describe(`alerts' CAP, feeds and pages on ${database.name}`, () => {
    let t: RunningTownhall;
    let first: SignedIn; let second: SignedIn; let worker: SignedIn;

    before(async () => {
      t = await startTownhall(database, fixture);
      first = await signedInAs(t, 'officer1@example.org', 'emergency_officer', null);
      second = await signedInAs(t, 'officer2@example.org', 'emergency_officer', null);
      worker = await signedInAs(t, 'worker@example.org', 'case_worker', 'public-works');
    });
    after(() => t.close());

    const page = (path: string, who?: SignedIn, lang?: string) => fetch(`${t.baseUrl}${path}`, {
      headers: { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}), ...(lang ? { 'accept-language': lang } : {}) }, redirect: 'manual',
    });
    const post = (path: string, who: SignedIn, fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams({ _csrf: who.csrf });
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      return fetch(`${t.baseUrl}${path}`, { method: 'POST', body, headers: { accept: 'text/html', cookie: who.cookie }, redirect: 'manual' });
    };
    const form = (extra: Record<string, string | string[]> = {}) => ({
      msgType: 'Alert', referencesId: '', status: 'Actual', scope: 'Public', areaPlace: '', areaDescription: 'Westminster', polygons: AREA, circles: '',
      onset: '', expires: localIn(24), categories: ['Health', 'Infra'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed',
      'en-event': 'Boil water notice', 'en-headline': 'Boil tap water before drinking', 'en-description': 'A water main burst.', 'en-instruction': 'Boil water for one minute.', 'en-web': '', 'en-contact': '',
      'es-event': 'Aviso de hervir el agua', 'es-headline': 'Hierva el agua del grifo', 'es-description': 'Se rompió una tubería.', 'es-instruction': '', 'es-web': '', 'es-contact': '',
      'ar-event': '', 'ar-headline': '', 'ar-description': '', 'ar-instruction': '', 'ar-web': '', 'ar-contact': '',
      ...extra,
    });
    /** Drafts through the form as the first officer and approves as the second; returns the alert's id. */
    async function issue(extra: Record<string, string | string[]> = {}): Promise<number> {
      const drafted = await post('/staff/alerts', first, form(extra));
      assert.equal(drafted.status, 303, await drafted.text());
      const id = Number(/\/staff\/alerts\/(\d+)$/.exec(drafted.headers.get('location') ?? '')![1]);
      const approved = await post(`/staff/alerts/${id}/approve`, second, {});
      assert.equal(approved.status, 303, await approved.text());
      return id;
    }
    const report = async (where: { lat: string; long: string }) => {
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, ...where }) });
      return ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    };

    test('a form with problems comes back with all of them; the author cannot approve their own draft', async () => {
      const refused = await post('/staff/alerts', first, form({ polygons: '51.49,-0.16 51.51,-0.12 51.49,-0.12 51.51,-0.16 51.49,-0.16', 'en-headline': '', expires: localIn(-2) }));
      assert.equal(refused.status, 400);
      const html = await refused.text();
      assert.match(html, /crosses itself/);
      assert.match(html, /In en: write a headline/);
      assert.match(html, /expiry time has passed/);
      const drafted = await post('/staff/alerts', first, form());
      const id = Number(/(\d+)$/.exec(drafted.headers.get('location')!)![1]);
      const own = await post(`/staff/alerts/${id}/approve`, first, {});
      assert.equal(own.status, 403);
      assert.match(await own.text(), /another emergency officer must approve it/);
      assert.equal((await page(`/alerts/${id}`)).status, 404, 'a draft is not public');
      assert.equal((await page(`/alerts/${id}.cap.xml`)).status, 404);
      const staffCap = await page(`/staff/alerts/${id}.cap.xml`, worker);
      assert.equal(staffCap.status, 200, 'staff see drafts');
      const draftXml = await staffCap.text();
      assert.ok((await checkAgainstSchema(draftXml, capSchema)).valid, 'a draft\'s CAP message is valid too');
      assert.doesNotMatch(draftXml, /<web>/, 'a draft points to no public page');
      const list = await (await page('/staff/alerts', worker)).text();
      assert.match(list, new RegExp(`<a href="/staff/alerts/${id}">${id}</a>`));
      assert.equal((await post(`/staff/alerts/${id}/reject`, second, { reason: 'Duplicate' })).status, 303);
    });

    test('the CAP message is valid, its times carry the council\'s offset, and Update and Cancel reference what they follow', async () => {
      const id = await issue();
      const response = await page(`/alerts/${id}.cap.xml`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/cap\+xml/);
      const xml = await response.text();
      const check = await checkAgainstSchema(xml, capSchema);
      assert.ok(check.valid, check.errors.join('\n'));
      const times = [...xml.matchAll(/<(sent|expires|onset)>([^<]+)</g)].map((m) => m[2]!);
      assert.ok(times.length >= 3);
      for (const time of times) assert.match(time, OFFSET_TIME, `${time} has an offset`);
      assert.doesNotMatch(xml, /Z<\//);
      assert.equal([...xml.matchAll(/<info>/g)].length, 2, 'one info per language written');
      assert.match(xml, /<language>es<\/language>/);
      assert.match(xml, /<polygon>51\.49,-0\.16 51\.49,-0\.12 51\.51,-0\.12 51\.51,-0\.16 51\.49,-0\.16<\/polygon>/);
      const identifier = /<identifier>([^<]+)</.exec(xml)![1]!;
      const sent = /<sent>([^<]+)</.exec(xml)![1]!;
      const sender = /<sender>([^<]+)</.exec(xml)![1]!;

      const update = await issue({ msgType: 'Update', referencesId: String(id), circles: '51.5,-0.14 0.5' });
      const updateXml = await (await page(`/alerts/${update}.cap.xml`)).text();
      assert.ok((await checkAgainstSchema(updateXml, capSchema)).valid);
      assert.match(updateXml, new RegExp(`<references>${sender},${identifier},${sent.replace('+', '\\+')}</references>`));
      assert.match(updateXml, /<circle>51\.5,-0\.14 0\.5<\/circle>/);
      const cancel = await issue({ msgType: 'Cancel', referencesId: String(update) });
      const cancelXml = await (await page(`/alerts/${cancel}.cap.xml`)).text();
      assert.ok((await checkAgainstSchema(cancelXml, capSchema)).valid);
      assert.match(cancelXml, /<msgType>Cancel<\/msgType>/);
      assert.match(cancelXml, new RegExp(`<references>${sender},[^<]+,[^<]+[+-]\\d\\d:\\d\\d</references>`));
      assert.match(await (await page(`/alerts/${id}`)).text(), /A newer alert has replaced this one/);
      assert.match(await (await page(`/alerts/${update}`)).text(), /This alert was cancelled/);
      const again = await post('/staff/alerts', first, form({ msgType: 'Cancel', referencesId: '99999' }));
      assert.equal(again.status, 400);
      assert.match(await again.text(), /There is no alert 99999 to cancel/);
    });

    test('the Atom feed and GeoJSON list public alerts in force; Exercise, Test and Restricted alerts never appear publicly', async () => {
      const id = await issue({ 'en-headline': 'Gas leak: keep away' });
      const exercise = await issue({ status: 'Exercise', 'en-headline': 'EXERCISE flood' });
      const test = await issue({ status: 'Test', 'en-headline': 'TEST siren' });
      const restricted = await issue({ scope: 'Restricted', 'en-headline': 'Staff only' });
      const atom = await (await fetch(`${t.baseUrl}/alerts.atom`)).text();
      assert.match(await (await fetch(`${t.baseUrl}/alerts.atom?lang=%22%3E%3Cx`)).text(), /xml:lang="en"/, 'an unknown language is English');
      assert.match(atom, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
      assert.match(atom, new RegExp(`<link rel="alternate" type="application/cap\\+xml" href="${t.baseUrl}/alerts/${id}.cap.xml"/>`));
      assert.match(atom, /<title>Gas leak: keep away<\/title>/);
      for (const m of atom.matchAll(/<updated>([^<]+)</g)) assert.match(m[1]!, OFFSET_TIME);
      const geo = (await (await fetch(`${t.baseUrl}/alerts.geojson`)).json()) as { type: string; features: Array<{ id: number; geometry: { type: string; coordinates: number[][][][] } }> };
      assert.equal(geo.type, 'FeatureCollection');
      const feature = geo.features.find((f) => f.id === id)!;
      assert.equal(feature.geometry.type, 'MultiPolygon');
      assert.deepEqual(feature.geometry.coordinates[0]![0]![0], [-0.16, 51.49], 'GeoJSON is [long, lat]');
      const list = await (await page('/alerts')).text();
      assert.match(list, /Gas leak: keep away/);
      for (const hidden of [exercise, test, restricted]) {
        assert.ok(!geo.features.some((f) => f.id === hidden));
        assert.doesNotMatch(atom, new RegExp(`/alerts/${hidden}\\.cap\\.xml`));
        assert.equal((await page(`/alerts/${hidden}`)).status, 404);
        assert.equal((await page(`/alerts/${hidden}.cap.xml`)).status, 404);
        assert.equal((await page(`/staff/alerts/${hidden}`, worker)).status, 200);
      }
      for (const words of ['EXERCISE flood', 'TEST siren', 'Staff only']) {
        assert.doesNotMatch(list, new RegExp(words));
        assert.doesNotMatch(atom, new RegExp(words));
        assert.doesNotMatch(await (await page('/alerts/archive')).text(), new RegExp(words));
      }
    });

    test('the banner is on every page; on a report\'s page only when the alert covers its place; in the reader\'s language', async () => {
      const id = await issue({ 'en-headline': 'Banner test: boil water', 'es-headline': 'Prueba del aviso: hierva el agua' });
      const home = await (await page('/')).text();
      assert.match(home, new RegExp(`<section class="alert-banner" aria-label="Emergency alert">.*Banner test: boil water.*href="/alerts/${id}"`, 's'));
      assert.match(await (await page('/', undefined, 'es')).text(), /Prueba del aviso: hierva el agua/);
      assert.match(await (await page(`/requests/${await report(INSIDE)}`)).text(), /Banner test: boil water/);
      assert.doesNotMatch(await (await page(`/requests/${await report(OUTSIDE)}`)).text(), /Banner test: boil water/);
      const alertPage = await (await page(`/alerts/${id}`, undefined, 'ar')).text();
      assert.match(alertPage, /هذا التنبيه غير متاح بلغتك/);
    });
  });
}
