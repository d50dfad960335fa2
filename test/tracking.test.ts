/**
 * Following reports, on both databases: nearby open reports, the public track page (and that it
 * never shows personal data or internal notes), following as a guest and as a resident, a
 * resident's own reports and email choices, the public list of reports with its filters,
 * pages and map data, and live updates over server-sent events.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createApiKey } from '../src/apikeys/apikeys.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { importPlaces } from '../src/places/places.js';
import { nowIso } from '../src/platform/time.js';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { insertAction } from '../src/cases/store.js';
import { follow } from '../src/cases/followers.js';
import { nearbyOpenReports } from '../src/tracking/nearby.js';
import { emailPreferences } from '../src/notifications/preferences.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const HERE = { lat: 51.5, long: -0.1 };
/** A point `metres` north of HERE. */
const north = (metres: number) => ({ lat: HERE.lat + metres / 111_320, long: HERE.long });

for (const database of databasesUnderTest()) {
  describe(`tracking reports on ${database.name}`, () => {
    let t: RunningTownhall;
    let seq = 0;

    async function submit(fields: Record<string, string>): Promise<string> {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, ...fields }) });
      const body = await response.json() as Array<{ service_request_id: string }>;
      assert.equal(response.status, 201, JSON.stringify(body));
      return body[0]!.service_request_id;
    }
    const graffiti = (where: { lat: number; long: number }, extra: Record<string, string> = {}) =>
      submit({ service_code: GRAFFITI, lat: String(where.lat), long: String(where.long), description: 'Paint on the wall', ...extra });
    const close = (id: string, state = 'fixed', note: string | null = 'We removed the paint.') => applyStatusUpdate(t.db, t.jurisdiction.id,
      { updateId: `u${++seq}`, requestId: id, status: 'closed', state, updatedAt: nowIso(), description: note, mediaUrl: null }, { id: 'test' }, notify());

    /** What a status update needs to email reporters and followers. */
    const notify = () => ({ keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });

    async function signedIn(role: Role, department: string | null = null): Promise<{ client: WebClient; userId: number }> {
      const user = await createUser(t.db, t.keyring, { email: `${role}.${++seq}@example.org`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const client = new WebClient(t.baseUrl);
      client.cookies.set('townhall_session', token);
      return { client, userId: Number(user.id) };
    }

    before(async () => {
      t = await startTownhall(database, fixture);
    });
    after(() => t.close());

    test('nearby open reports: same service, open, within the radius, nearest first', async () => {
      const at100 = await graffiti(north(100));
      const at40 = await graffiti(north(40));
      await graffiti(north(400));
      const closed = await graffiti(north(50));
      await close(closed);
      await submit({ service_code: POTHOLE, lat: String(north(20).lat), long: String(north(20).long), 'attribute[road_name]': 'High Street' });
      const found = await nearbyOpenReports(t.db, t.jurisdiction.id, { serviceCode: GRAFFITI, ...HERE });
      assert.deepEqual(found.map((r) => r.id), [at40, at100]);
      assert.deepEqual(found.map((r) => r.distance), [40, 100]);
      assert.equal(found[0]!.serviceName, 'Graffiti');
      assert.equal(found[0]!.description, 'Paint on the wall');
      const wider = await nearbyOpenReports(t.db, t.jurisdiction.id, { serviceCode: GRAFFITI, ...HERE, radiusMetres: 500, limit: 2 });
      assert.deepEqual(wider.map((r) => r.id), [at40, at100], 'the limit keeps the nearest');
      const all = await nearbyOpenReports(t.db, t.jurisdiction.id, { serviceCode: GRAFFITI, ...HERE, radiusMetres: 500 });
      assert.equal(all.length, 3, 'the one 400 m away is found within 500 m; the closed one never');
      assert.deepEqual(await nearbyOpenReports(t.db, t.jurisdiction.id, { serviceCode: 'no-such-service', ...HERE }), []);
    });

    test('the track page shows the public record and never personal data or internal notes', async () => {
      const id = await graffiti(north(1000), {
        address_string: '12 Mill Lane', email: 'priya.secret@example.org', first_name: 'Priyanka', last_name: 'Zebedee', phone: '07700 900123',
        media_url: `${t.baseUrl}/media/abcDEF123`,
      });
      await insertAction(t.db, {
        caseId: Number(id), action: 'note', actor: 'user:1', idempotencyKey: null, status: null, state: null,
        description: 'INTERNAL: reporter is a neighbour', mediaUrl: null, details: {}, isPublic: false, at: nowIso(),
      });
      await applyStatusUpdate(t.db, t.jurisdiction.id, { updateId: `u${++seq}`, requestId: id, status: 'open', state: 'action_scheduled', updatedAt: nowIso(), description: 'A crew comes on Monday.', mediaUrl: null }, { id: 'test' }, notify());
      const guest = new WebClient(t.baseUrl);
      const page = await guest.get(`/requests/${id}`);
      assert.equal(page.status, 200);
      for (const secret of ['priya.secret', 'Priyanka', 'Zebedee', '07700', 'INTERNAL']) assert.ok(!page.html.includes(secret), `no ${secret}`);
      assert.match(page.html, /<h1 id="report-title">Graffiti<\/h1>/);
      assert.match(page.html, new RegExp(`Reference ${id}`));
      assert.match(page.html, /Open: Action scheduled/);
      assert.match(page.html, /12 Mill Lane/);
      assert.match(page.html, /Paint on the wall/);
      assert.match(page.html, /<img src="\/media\/abcDEF123" alt="Photo 1 of the problem"/);
      const expected = await t.db.selectFrom('cases').select('expected_at').where('id', '=', Number(id)).executeTakeFirstOrThrow();
      // English dates as the council spells (British by default: "7 December 2026"): changed deliberately with the account page's times.
      const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: t.jurisdiction.timeZone }).format(new Date(expected.expected_at!));
      assert.ok(page.html.includes(`We aim to deal with it by ${date}`), 'expected date in words');
      const timeline = /<ol class="timeline">(.*?)<\/ol>/s.exec(page.html)?.[1] ?? '';
      const items = [...timeline.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!);
      assert.equal(items.length, 2, 'only public actions');
      assert.match(items[0]!, /Reported/);
      assert.match(items[1]!, /Status changed to: Action scheduled.*A crew comes on Monday\./s);
      assert.match(page.html, new RegExp(`data-live="/requests/${id}/events\\?since=[^"]+"`));
      assert.match(page.html, /<script src="\/assets\/live.js" defer>/);
      assert.match(page.headers.get('cache-control') ?? '', /private, max-age=300/);

      // In Spanish the date is in Spanish.
      const es = await guest.get(`/requests/${id}?lang=es`);
      const dateEs = new Intl.DateTimeFormat('es', { dateStyle: 'long', timeZone: t.jurisdiction.timeZone }).format(new Date(expected.expected_at!));
      assert.ok(es.html.includes(dateEs), `Spanish date ${dateEs}`);

      const external = await graffiti(north(1000), { media_url: 'https://photos.example.net/p/1.jpg' });
      const other = await new WebClient(t.baseUrl).get(`/requests/${external}`);
      assert.match(other.html, /<a href="https:\/\/photos.example.net\/p\/1.jpg"[^>]*>Photo 1 of the problem \(on another website\)<\/a>/);
      assert.doesNotMatch(other.html, /<img src="https:/);

      for (const bad of ['abc', '999999', '1.5', '-1']) assert.equal((await guest.get(`/requests/${bad}`)).status, 404, bad);
      assert.match((await guest.get('/requests/999999?lang=es')).html, /<html lang="es"/);
    });

    test('following: a guest may follow by email or sign in; a resident follows and unfollows; staff are refused', async () => {
      const id = await graffiti(north(2000));
      const guest = new WebClient(t.baseUrl);
      const guestPage = await guest.get(`/requests/${id}`);
      // A guest follows by email (test/guest-followers.test.ts), or signs in to follow with an account.
      // The form carries this browser's CSRF token (its cookie), so the page is cached only privately.
      assert.match(guestPage.html, new RegExp(`<a href="/sign-in\\?next=${encodeURIComponent(`/requests/${id}`)}">sign in</a>`));
      assert.match(guestPage.html, new RegExp(`<form method="post" action="/requests/${id}/follow-by-email" novalidate><input type="hidden" name="_csrf"`));
      assert.doesNotMatch(guestPage.html, /<form[^>]*\/follow"/, 'no account follow form for a guest');
      assert.match(guestPage.headers.get('set-cookie') ?? '', /^townhall_csrf=/, 'the form\'s token cookie');
      assert.match(guestPage.headers.get('cache-control') ?? '', /private, max-age=300/);
      // The account follow needs an account: a guest's POST with the page's token is sent to sign in.
      const guestFollow = await guest.post(`/requests/${id}/follow`);
      assert.equal(guestFollow.status, 303);
      assert.equal(guestFollow.location, `/sign-in?next=${encodeURIComponent(`/requests/${id}`)}`);

      const { client, userId } = await signedIn('resident');
      const before = await client.get(`/requests/${id}`);
      assert.equal(before.headers.get('cache-control'), 'no-store');
      assert.match(before.html, /Follow this report/);
      const followed = await client.post(`/requests/${id}/follow`);
      assert.equal(followed.status, 303);
      assert.equal(followed.location, `/requests/${id}?followed=1`);
      const after = await client.follow(followed);
      assert.match(after.html, /role="status"><p>You are following this report<\/p>/);
      assert.match(after.html, /Stop following this report/);
      const row = await t.db.selectFrom('case_followers').select('reason').where('case_id', '=', Number(id)).where('user_id', '=', userId).executeTakeFirst();
      assert.equal(row?.reason, 'follower');
      assert.equal((await client.post(`/requests/${id}/follow`)).status, 303, 'following twice changes nothing');

      const mine = await client.get('/account/requests');
      assert.equal(mine.status, 200);
      const followingPart = mine.html.split('<h2>Reports you follow</h2>')[1] ?? '';
      assert.match(followingPart, new RegExp(`href="/requests/${id}"`));
      const unfollowed = await client.post(`/requests/${id}/unfollow`, { return: 'account' });
      assert.equal(unfollowed.location, `/account/requests?unfollowed=${id}`);
      const list = await client.follow(unfollowed);
      assert.match(list.html, new RegExp(`You are no longer following report ${id}\\.`));
      assert.doesNotMatch(list.html, new RegExp(`href="/requests/${id}"`));
      assert.equal(await t.db.selectFrom('case_followers').select('reason').where('case_id', '=', Number(id)).executeTakeFirst(), undefined);

      const staff = await signedIn('analyst');
      const page = await staff.client.get(`/requests/${id}`);
      assert.doesNotMatch(page.html, /Follow this report/);
      const refused = await staff.client.post(`/requests/${id}/follow`);
      assert.equal(refused.status, 403);
      assert.match(refused.html, /Staff accounts cannot follow reports/);

      assert.equal((await client.post('/requests/999999/follow')).status, 404);
    });

    test('a reporter of a closed report is offered the feedback link, and sees it in "Reports you made"', async () => {
      const id = await graffiti(north(3000));
      const { client, userId } = await signedIn('resident');
      await follow(t.db, Number(id), userId, 'reporter');
      assert.doesNotMatch((await client.get(`/requests/${id}`)).html, /\/feedback"/, 'not while open');
      await close(id);
      const page = await client.get(`/requests/${id}`);
      assert.match(page.html, new RegExp(`href="/requests/${id}/feedback"`));
      assert.match(page.html, /You reported this problem/);
      assert.match(page.html, /Closed: Fixed/);
      assert.doesNotMatch(page.html, /We aim to deal with it/, 'no target date once closed');
      assert.doesNotMatch((await new WebClient(t.baseUrl).get(`/requests/${id}`)).html, /\/feedback"/, 'not for anyone else');
      const mine = await client.get('/account/requests');
      const made = (mine.html.split('<h2>Reports you made</h2>')[1] ?? '').split('<h2>Reports you follow</h2>')[0] ?? '';
      assert.match(made, new RegExp(`href="/requests/${id}"`));
      assert.match(made, /Closed: Fixed/);

      // A reporter is not offered "unfollow" (it would lose them reporter status), only their email choices.
      assert.doesNotMatch(page.html, /Stop following/);
      assert.match(page.html, /href="\/account\/notifications"/);
      assert.doesNotMatch(made, /Stop following/);
      const posted = await client.post(`/requests/${id}/unfollow`);
      assert.equal(posted.location, `/requests/${id}`);
      const row = await t.db.selectFrom('case_followers').select('reason').where('case_id', '=', Number(id)).where('user_id', '=', userId).executeTakeFirst();
      assert.equal(row?.reason, 'reporter', 'still the reporter');
      await client.post(`/requests/${id}/follow`);
      const again = await t.db.selectFrom('case_followers').select('reason').where('case_id', '=', Number(id)).where('user_id', '=', userId).executeTakeFirst();
      assert.equal(again?.reason, 'reporter');
      assert.match((await client.get(`/requests/${id}`)).html, new RegExp(`href="/requests/${id}/feedback"`));
    });

    test('a pin-only report\'s page shows a map of its point and the nearest address; none beyond 250 m', async () => {
      const spot = { lat: 51.45, long: -0.3 };
      await importPlaces(t.db, t.jurisdiction.id, [
        { kind: 'address', name: '14 Larch Avenue', lat: spot.lat + 0.0002, long: spot.long, bounds: null },
        { kind: 'address', name: '90 Larch Avenue', lat: spot.lat + 0.003, long: spot.long, bounds: null },
      ]);
      const id = await graffiti(spot);
      const page = await new WebClient(t.baseUrl).get(`/requests/${id}`);
      assert.match(page.html, /<dt>Where<\/dt><dd>Near <bdi>14 Larch Avenue<\/bdi> <span class="hint">\(about 22 m from the problem\)<\/span><\/dd>/);
      const described = await new WebClient(t.baseUrl).get(`/requests/${await graffiti(spot, { address_string: 'By the bus stop' })}`);
      assert.match(described.html, /<dt>Where<\/dt><dd><bdi>By the bus stop<\/bdi><\/dd><dt>Nearest address<\/dt><dd><bdi>14 Larch Avenue<\/bdi> <span class="hint">\(about 22 m from the problem\)/);
      assert.match(page.html, /<svg[^>]+role="img" aria-label="Map showing where the problem is, near 14 Larch Avenue"/);
      assert.equal((page.html.match(/<image href="https:\/\/tile\.openstreetmap\.org\/17\/\d+\/\d+\.png"/g) ?? []).length >= 4, true, 'the tiles around the point');
      assert.match(page.html, /OpenStreetMap contributors/, 'the tiles are credited');
      const far = await new WebClient(t.baseUrl).get(`/requests/${await graffiti({ lat: 51.35, long: 0.25 })}`);
      assert.match(far.html, /<dt>Where<\/dt><dd>Marked on a map<\/dd>/);
      assert.doesNotMatch(far.html, /Nearest address/);
      assert.match(far.html, /<svg[^>]+role="img" aria-label="Map showing where the problem is"/);
    });

    test('the account page and "Your reports" list the same reports, by service name, including those made with the address before the account', async () => {
      const { client, userId } = await signedIn('resident');
      const email = `resident.${seq}@example.org`;
      const asGuest = await graffiti(north(5000), { email, address_string: 'The old pier' });
      // Reported signed in: the case layer makes them its reporter-follower.
      const signedInReport = await graffiti(north(5100), { address_string: 'The new pier' });
      await follow(t.db, Number(signedInReport), userId, 'reporter');
      const reportsBefore = await client.get('/account/requests');
      assert.doesNotMatch(reportsBefore.html, new RegExp(`>${asGuest}</a>`), 'an unconfirmed address finds no reports');
      await t.db.updateTable('users').set({ email_verified_at: nowIso() }).where('id', '=', userId).execute();
      const mine = await client.get('/account/requests');
      const account = await client.get('/account');
      for (const id of [asGuest, signedInReport]) {
        assert.match(mine.html, new RegExp(`<a href="/requests/${id}">${id}</a>`), `"Your reports" lists ${id}`);
        assert.match(account.html, new RegExp(`<a href="/requests/${id}">${id}</a></td><td>Graffiti</td>`), `the account page lists ${id} by service name`);
      }
      assert.doesNotMatch(account.html, new RegExp(`<td>${GRAFFITI}</td>`), 'no service codes');
    });

    test('email choices: on by default, saved, and read by emailPreferences', async () => {
      const { client, userId } = await signedIn('resident');
      assert.deepEqual(await emailPreferences(t.db, userId), { onUpdate: true, onClose: true });
      const form = await client.get('/account/notifications');
      assert.equal(form.status, 200);
      assert.equal((form.html.match(/ checked[ />]/g) ?? []).length, 2);
      const saved = await client.post('/account/notifications', { onUpdate: 'yes' });
      assert.equal(saved.location, '/account/notifications?saved=1');
      const shown = await client.follow(saved);
      assert.match(shown.html, /Your choices have been saved\./);
      assert.deepEqual(await emailPreferences(t.db, userId), { onUpdate: true, onClose: false });
      await client.post('/account/notifications', { onClose: 'yes' });
      assert.deepEqual(await emailPreferences(t.db, userId), { onUpdate: false, onClose: true });
      const account = await client.get('/account');
      assert.match(account.html, /href="\/account\/requests"/);
      assert.match(account.html, /href="\/account\/notifications"/);
      const staff = await signedIn('analyst');
      assert.equal((await staff.client.get('/account/requests')).status, 403);
      assert.equal((await new WebClient(t.baseUrl).get('/account/notifications')).location, '/sign-in?next=%2Faccount%2Fnotifications');
    });

    test('public reports: newest first, 25 a page, filters, the map data, and bad filters ignored with a notice', async () => {
      // A box of its own, far from the other tests' reports.
      const base = { lat: 51.62, long: 0.2 };
      await importPlaces(t.db, t.jurisdiction.id, [
        { kind: 'area', name: 'Test Heath', lat: base.lat, long: base.long, bounds: { minLat: base.lat - 0.001, minLong: base.long - 0.001, maxLat: base.lat + 0.001, maxLong: base.long + 0.001 } },
      ]);
      const inArea: string[] = [];
      for (let i = 0; i < 30; i++) inArea.push(await graffiti({ lat: base.lat + i * 0.00001, long: base.long }, { address_string: `${i} Heath Road`, email: 'hidden.person@example.org' }));
      await close(inArea[29]!);
      const guest = new WebClient(t.baseUrl);
      const first = await guest.get('/reports');
      assert.equal(first.status, 200);
      const total = Number(/Showing 1 to 25 of (\d+)/.exec(first.html)?.[1]);
      assert.ok(total >= 30, `total ${total}`);
      assert.ok(first.html.indexOf(`>${inArea[29]}</a>`) < first.html.indexOf(`>${inArea[28]}</a>`), 'newest first');
      assert.match(first.html, /href="\/reports\?page=2" rel="next"/);
      assert.doesNotMatch(first.html, /rel="prev"/);
      assert.doesNotMatch(first.html, /hidden\.person/);
      assert.match(first.html, /data-map="show" data-points-url="\/reports.geojson"/);
      assert.match(first.html, /<script src="\/assets\/map.js" defer>/);
      // The map drawn on the server, with the same reports as the map's data.
      assert.match(first.html, /data-map-button="interactive-map"/);
      assert.match(first.html, /<button type="button" class="secondary" id="interactive-map" hidden>Use the interactive map<\/button>/);
      const second = await guest.get('/reports?page=2');
      assert.match(second.html, new RegExp(`Showing 26 to ${Math.min(50, total)} of ${total}`));
      assert.match(second.html, /href="\/reports" rel="prev"/);

      const areaId = String((await t.db.selectFrom('places').select('id').where('name', '=', 'Test Heath').executeTakeFirstOrThrow()).id);
      const inHeath = await guest.get(`/reports?area=${areaId}&status=open&service=${GRAFFITI}`);
      assert.match(inHeath.html, /Showing 1 to 25 of 29/);
      assert.match(inHeath.html, new RegExp(`<option value="${areaId}" selected>Test Heath</option>`));
      assert.match(inHeath.html, new RegExp(`href="/reports\\?service=${GRAFFITI}&amp;status=open&amp;area=${areaId}&amp;page=2" rel="next"`));
      const closedInHeath = await guest.get(`/reports?area=${areaId}&status=closed`);
      assert.match(closedInHeath.html, /Showing 1 to 1 of 1/);
      assert.match(closedInHeath.html, /Closed: Fixed/);
      // The drawn map shows what the filters match: 29 open ones, close together, as one numbered marker; the closed one alone.
      assert.match(inHeath.html, /aria-label="Map of the reports that match: 29 open, 0 closed\."/);
      assert.match(inHeath.html, /<g class="svg-marker marker-cluster"[^>]*>(<circle[^>]*><\/circle>){2}<text dy="0.35em">29<\/text><\/g>/);
      assert.match(closedInHeath.html, /aria-label="Map of the reports that match: 0 open, 1 closed\."/);
      assert.match(closedInHeath.html, /<g class="svg-marker marker-closed"[^>]*>(<circle[^>]*><\/circle>){2}<text dy="0.35em">✓<\/text><\/g>/);

      const geo = await fetch(`${t.baseUrl}/reports.geojson?area=${areaId}&status=open`);
      assert.equal(geo.status, 200);
      assert.match(geo.headers.get('content-type') ?? '', /application\/geo\+json/);
      const text = await geo.text();
      assert.doesNotMatch(text, /hidden\.person/);
      const collection = JSON.parse(text) as { type: string; features: Array<{ geometry: { coordinates: number[] }; properties: Record<string, unknown> }> };
      assert.equal(collection.type, 'FeatureCollection');
      assert.equal(collection.features.length, 29);
      const feature = collection.features.find((f) => f.properties.id === inArea[0])!;
      assert.deepEqual(feature.properties, { id: inArea[0], title: 'Graffiti: 0 Heath Road', status: 'Open', url: `/requests/${inArea[0]}`, open: true });
      assert.deepEqual(feature.geometry.coordinates, [base.long, base.lat]);
      const all = JSON.parse(await (await fetch(`${t.baseUrl}/reports.geojson`)).text()) as { features: unknown[] };
      assert.ok(all.features.length <= 500 && all.features.length >= 30);

      for (const bad of ['status=bogus', 'service=nope', 'area=99999', 'area=abc', 'page=0', 'page=abc', 'page=-3']) {
        const page = await guest.get(`/reports?${bad}`);
        assert.equal(page.status, 200, bad);
        assert.match(page.html, /We did not recognise some of the filters, so we ignored them/, bad);
      }
      const far = await guest.get('/reports?page=9999');
      assert.equal(far.status, 200);
      assert.match(far.html, /There are not that many pages, so we are showing the last one/);
      assert.equal((await fetch(`${t.baseUrl}/reports.geojson?status=bogus&page=x`)).status, 200);
    });

    test('live updates: an event reaches an open stream when the case changes; other requests are turned away', async () => {
      const id = await graffiti(north(5000));
      const updater = await createApiKey(t.db, { name: 'back office', scopes: ['open311:update'] }, 'test');
      const stream = await openStream(`${t.baseUrl}/requests/${id}/events`);
      try {
        assert.equal(stream.status, 200);
        assert.match(stream.contentType, /^text\/event-stream/);
        await stream.waitFor(/retry: \d+/);
        const posted = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json`, {
          method: 'POST',
          body: new URLSearchParams({ api_key: updater.key, update_id: `sse-${id}`, service_request_id: id, status: 'ACTION_SCHEDULED', updated_datetime: new Date(Date.now() - 1000).toISOString(), description: 'Booked' }),
        });
        assert.ok(posted.status < 300, await posted.text());
        const text = await stream.waitFor(/id: (\d+)\nevent: update\ndata: (.*)\n\n/);
        const [, eventId, json] = /id: (\d+)\nevent: update\ndata: (.*)\n\n/.exec(text)!;
        const data = JSON.parse(json!) as Record<string, string>;
        assert.equal(data.status, 'open');
        assert.equal(data.state, 'action_scheduled');
        // The event's id is its place in the event log, which a browser sends back as Last-Event-ID.
        const stored = await t.db.selectFrom('events').select('topic').where('id', '=', Number(eventId)).executeTakeFirstOrThrow();
        assert.equal(stored.topic, `case:${id}`);
        // A browser that reconnects with an older last event id hears of the change at once.
        const missed = await openStream(`${t.baseUrl}/requests/${id}/events`, { 'last-event-id': '2020-01-01T00:00:00.000Z' });
        await missed.waitFor(/event: update\ndata: .*action_scheduled/, 1_000);
        missed.close();
        const stale = await openStream(`${t.baseUrl}/requests/${id}/events?since=2020-01-01T00%3A00%3A00.000Z`);
        await stale.waitFor(/event: update\ndata: .*action_scheduled/, 1_000);
        stale.close();
        const upToDate = await openStream(`${t.baseUrl}/requests/${id}/events`, { 'last-event-id': eventId! });
        await upToDate.waitFor(/retry:/);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.doesNotMatch(upToDate.text, /event: update/, 'nothing missed, nothing sent');
        upToDate.close();
      } finally {
        stream.close();
      }
      assert.equal((await fetch(`${t.baseUrl}/requests/${id}/events`, { headers: { accept: 'text/html' } })).status, 406);
      assert.equal((await fetch(`${t.baseUrl}/requests/999999/events`, { headers: { accept: 'text/event-stream' } })).status, 404);
    });

    test('/reports reads the services and areas for its filters at most once every few minutes', async () => {
      const guest = new WebClient(t.baseUrl);
      assert.equal((await guest.get('/reports')).status, 200);
      const name = await t.db.selectFrom('services').select('name').where('code', '=', GRAFFITI).where('jurisdiction_id', '=', t.jurisdiction.id).executeTakeFirstOrThrow();
      await t.db.updateTable('services').set({ name: 'Renamed for the cache test' }).where('code', '=', GRAFFITI).execute();
      try {
        const again = await guest.get('/reports');
        assert.doesNotMatch(again.html, new RegExp(`<option value="${GRAFFITI}"[^>]*>Renamed for the cache test`), 'the filters come from this process\'s copy');
      } finally {
        await t.db.updateTable('services').set({ name: name.name }).where('code', '=', GRAFFITI).execute();
      }
    });

  });
}

test('the server closes with live streams open', async () => {
  const t = await startTownhall({ name: 'sqlite' }, fixture);
  const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 Test Road' }) });
  const id = ((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
  const stream = await openStream(`${t.baseUrl}/requests/${id}/events`);
  await stream.waitFor(/retry:/);
  const closing = t.close();
  await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('the server did not close within 5 s')), 5_000))]);
  await stream.ended;
});

/** A raw HTTP client for server-sent events: what arrived so far, and a wait for a pattern. */
function openStream(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string; ended: Promise<void>; waitFor(pattern: RegExp, ms?: number): Promise<string>; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      let text = '';
      const waiters: Array<() => void> = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        waiters.splice(0).forEach((w) => w());
      });
      const ended = new Promise<void>((done) => response.on('close', () => done()));
      resolve({
        status: response.statusCode ?? 0,
        contentType: String(response.headers['content-type'] ?? ''),
        get text() { return text; },
        ended,
        waitFor(pattern, ms = 8_000) {
          return new Promise((found, fail) => {
            const timer = setTimeout(() => fail(new Error(`no ${pattern} in ${JSON.stringify(text)}`)), ms);
            const check = () => {
              if (pattern.test(text)) {
                clearTimeout(timer);
                found(text);
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
  });
}
