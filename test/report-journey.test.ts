/**
 * "Report a problem" without JavaScript, on each database: every step, its errors, the place
 * search, reports nearby, a photo, a guest's and a signed-in resident's report, the
 * confirmation email, and the case as the Open311 API shows it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { sha256Hex } from '../src/platform/crypto.js';
import { importPlaces } from '../src/places/places.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const jpeg = (width = 64, height = 48) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
const photoFile = (bytes: Buffer, filename = 'pothole.jpg', type = 'image/jpeg') => ({ photo: { bytes, filename, type } });
const DOWNING = { lat: 51.5034, long: -0.1276 };

function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 3000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

function expectError(response: PageResponse, field: string, text: RegExp) {
  assert.equal(response.status, 400, response.html.slice(0, 2000));
  assert.match(response.html, /<title>Error: /);
  assert.match(response.html, new RegExp(`<a href="#${field}">`), `error summary links to #${field}`);
  assert.match(response.html, new RegExp(`id="${field}-error"`), `the message sits at ${field}`);
  assert.match(response.html, text);
}

/** The "Remove" forms of the photos page, as photo ids. */
const photoIds = (html: string) => [...html.matchAll(/action="\/report\/photos\/([A-Za-z0-9_-]+)\/remove"/g)].map((m) => m[1]!);

for (const database of databasesUnderTest()) {
  describe(`report a problem without JavaScript (${database.name})`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, fixture);
      await importPlaces(t.db, t.jurisdiction.id, [
        { kind: 'address', name: '10 Downing Street', lat: DOWNING.lat, long: DOWNING.long, bounds: null },
        { kind: 'street', name: 'Whitehall', lat: 51.5045, long: -0.1263, bounds: null },
      ]);
    });
    after(async () => t?.close());

    const casesCount = async () => Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    test('a guest reports a pothole with a photo, step by step, and each mistake is explained at its field', async () => {
      const c = new WebClient(t.baseUrl);
      expectRedirect(await c.get('/report/new'), '/report/service');
      const cookie = c.cookie('townhall_report');
      assert.ok(cookie && cookie.length >= 40, 'the draft cookie holds a random token');

      // Out of order: details before a service sends the person back to the first question.
      expectRedirect(await c.get('/report/details'), '/report/service');

      const servicePage = await c.get('/report/service');
      assert.match(servicePage.html, /<legend>Streets and pavements<\/legend>/);
      assert.match(servicePage.html, /<a class="back-link" href="\/">Back<\/a>/);
      expectError(await c.post('/report/service', {}), 'service', /Choose the kind of problem/);
      expectError(await c.post('/report/service', { service: 'no-such-service' }), 'service', /Choose the kind of problem/);
      expectRedirect(await c.post('/report/service', { service: POTHOLE }), '/report/location');

      const location = await c.get('/report/location');
      assert.match(location.html, /data-map="pick"/);
      assert.match(location.html, /data-lat-field="lat" data-long-field="long"/);
      assert.match(location.html, /<script src="\/assets\/map.js" defer=""><\/script>|<script src="\/assets\/map.js" defer><\/script>/);
      assert.match(location.html, /<summary>Enter coordinates<\/summary>/);
      assert.match(location.html, /inputmode="decimal"/);

      // The place search: an empty query, no match, then matches to choose from.
      expectError(await c.post('/report/location/search', { q: '' }), 'q', /Enter an address or street name/);
      const none = await c.post('/report/location/search', { q: 'Qwertyuiop Zzzz' });
      assert.equal(none.status, 200);
      assert.match(none.html, /We could not find “Qwertyuiop Zzzz”/);
      const found = await c.post('/report/location/search', { q: 'Downing' });
      assert.equal(found.status, 200);
      assert.match(found.html, /<legend>Places matching “Downing”<\/legend>/);
      const placeId = /name="place" value="(\d+)"/.exec(found.html)?.[1];
      assert.ok(placeId, 'a place to choose');
      expectError(await c.post('/report/location/place', { q: 'Downing' }), 'place', /Choose one of the places/);

      // Coordinates: both needed, numbers, inside the council's area.
      expectError(await c.post('/report/location', { lat: '55.9533', long: '-3.1883' }), 'lat', /This place is outside the area Test Borough Council looks after/);
      const wrong = await c.post('/report/location', { lat: 'north', long: '' });
      expectError(wrong, 'lat', /Enter the latitude as a number/);
      assert.match(wrong.html, /Enter the longitude as well as the latitude/);
      expectError(await c.post('/report/location', { lat: '', long: '', note: '' }), 'lat', /describe where the problem is/);

      // Choosing the place; nothing open is nearby, so the nearby page is skipped.
      expectRedirect(await c.post('/report/location/place', { place: placeId!, q: 'Downing' }), '/report/nearby');
      expectRedirect(await c.get('/report/nearby'), '/report/details');

      const details = await c.get('/report/details');
      assert.match(details.html, /<label for="q-road_name">Which road is it on\?<\/label>/);
      assert.match(details.html, /How deep is it, in centimetres\? \(optional\)/);
      assert.match(details.html, /If the hole is dangerous right now, call 0300 123 4567 instead\./, 'information text is shown');
      assert.match(details.html, /type="date"/);
      assert.match(details.html, /type="time"/);
      assert.match(details.html, /<legend>What is the surface made of\? \(optional\)<\/legend>/);
      assert.match(details.html, /type="checkbox" id="q-hazards" name="q-hazards" value="traffic"/);
      assert.match(details.html, /inputmode="decimal"/);
      expectError(await c.post('/report/details', {}), 'q-road_name', /Answer “Which road is it on\?”/);
      const bad = await c.post('/report/details', { 'q-road_name': 'Downing Street', 'q-depth_cm': 'very deep', 'q-first_noticed-date': '2026-02-31', 'q-first_noticed-time': '09:30', 'q-surface': 'lava' });
      expectError(bad, 'q-depth_cm', /“How deep is it, in centimetres\?” must be a number/);
      assert.match(bad.html, /<a href="#q-first_noticed">/);
      assert.match(bad.html, /<a href="#q-surface">Choose an answer to “What is the surface made of\?”/);
      assert.match(bad.html, /value="very deep"/, 'what was typed is kept');
      expectError(await c.post('/report/details', { 'q-road_name': 'Downing Street', 'q-first_noticed-date': '2026-03-01' }), 'q-first_noticed', /must be a real date and a time/);
      expectRedirect(await c.post('/report/details', {
        'q-road_name': 'Downing Street', 'q-depth_cm': '12', 'q-first_noticed-date': '2026-07-01', 'q-first_noticed-time': '09:30',
        'q-surface': 'tarmac', 'q-hazards': 'cyclists', description: 'A deep hole by the kerb.',
      }), '/report/photos');

      // Photos: the form's token is checked; a non-photo and an empty choice are refused; then a real photo.
      const photos = await c.get('/report/photos');
      assert.match(photos.html, /enctype="multipart\/form-data"/);
      assert.match(photos.html, /Continue without a photo/);
      const small = await jpeg();
      assert.equal((await c.postMultipart('/report/photos', { _csrf: null }, photoFile(small))).status, 403, 'a photo without the form token is refused');
      expectError(await c.postMultipart('/report/photos', {}, photoFile(Buffer.from('this is not a photo'), 'notes.jpg')), 'photo', /must be a photo/);
      expectError(await c.postMultipart('/report/photos', {}), 'photo', /Choose a photo to add/);
      expectError(await c.postMultipart('/report/photos', {}, photoFile(Buffer.concat([await jpeg(), Buffer.alloc(10 * 1024 * 1024)]))), 'photo', /smaller than 10 MB/);
      assert.equal(photoIds((await c.get('/report/photos')).html).length, 0, 'nothing half-stored after the errors');
      expectRedirect(await c.postMultipart('/report/photos', {}, photoFile(small)), '/report/photos');
      let withPhoto = await c.get('/report/photos');
      const [photoId] = photoIds(withPhoto.html);
      assert.ok(photoId);
      assert.match(withPhoto.html, new RegExp(`<img src="/media/${photoId}" alt="Photo 1"`));
      const image = await fetch(`${t.baseUrl}/media/${photoId}`, { headers: { cookie: `townhall_report=${cookie}` } });
      assert.equal(image.status, 200);
      assert.equal(image.headers.get('content-type'), 'image/jpeg');

      // At most five: the page stops offering a sixth, and a sixth sent anyway is refused.
      for (let i = 0; i < 4; i++) expectRedirect(await c.postMultipart('/report/photos', {}, photoFile(small)), '/report/photos');
      withPhoto = await c.get('/report/photos');
      assert.equal(photoIds(withPhoto.html).length, 5);
      assert.doesNotMatch(withPhoto.html, /type="file"/);
      assert.match(withPhoto.html, /You have added 5 photos/);
      expectError(await c.postMultipart('/report/photos', {}, photoFile(small)), 'photo', /You can add up to 5 photos/);
      for (const id of photoIds(withPhoto.html).slice(1)) expectRedirect(await c.post(`/report/photos/${id}/remove`), '/report/photos');
      assert.deepEqual(photoIds((await c.get('/report/photos')).html), [photoId]);
      expectRedirect(await c.post('/report/photos/done'), '/report/contact');

      // Contact details, optional, with the right autocomplete.
      const contact = await c.get('/report/contact');
      assert.match(contact.html, /autocomplete="email"/);
      assert.match(contact.html, /autocomplete="name"/);
      assert.match(contact.html, /autocomplete="tel"/);
      expectError(await c.post('/report/contact', { name: 'Rita', email: 'rita at example', phone: '' }), 'email', /correct format/);
      expectError(await c.post('/report/contact', { name: 'Rita', email: '', phone: 'call me' }), 'phone', /phone number/);
      expectRedirect(await c.post('/report/contact', { name: 'Rita Reporter', email: 'rita@example.org', phone: '01632 960001' }), '/report/check');

      // Check your answers, and a change that comes back here.
      const check = await c.get('/report/check');
      assert.match(check.html, /<h1>Check your answers before sending your report<\/h1>/);
      assert.match(check.html, /10 Downing Street/);
      assert.match(check.html, /Tarmac/);
      assert.match(check.html, /Cyclists/);
      assert.match(check.html, /2026-07-01 09:30/, 'the time reads back in the council’s time zone');
      assert.match(check.html, /1 photo/);
      // Each part isolated (<bdi>), so an address or a number reads right in a right-to-left page.
      assert.match(check.html.replace(/<\/?(bdi|span)>/g, ''), /Rita Reporter, rita@example.org, 01632 960001/);
      assert.match(check.html, /href="\/report\/location\?from=check"/);
      assert.match((await c.get('/report/contact?from=check')).html, /name="from" value="check"/);
      const photosFromCheck = await c.get('/report/photos?from=check');
      assert.match(photosFromCheck.html, /name="from" value="check"/);
      expectRedirect(await c.post('/report/photos/done', { from: 'check' }), '/report/check');
      expectRedirect(await c.post('/report/contact', { name: 'Rita Reporter', email: 'rita@example.org', phone: '', from: 'check' }), '/report/check');

      // Send; a second click with the same draft does not make a second case.
      const before = await casesCount();
      const sent = await c.post('/report/check');
      expectRedirect(sent, /^\/report\/done\/\d+\?email=1$/);
      assert.equal(c.cookie('townhall_report'), undefined, 'the draft cookie is cleared');
      const id = /\/report\/done\/(\d+)/.exec(sent.location!)![1]!;
      assert.equal(await casesCount(), before + 1);
      c.cookies.set('townhall_report', cookie!);
      const again = await c.post('/report/check');
      assert.match(again.html, /already been sent/);
      assert.equal(await casesCount(), before + 1);
      assert.equal(await t.db.selectFrom('report_drafts').select('id').executeTakeFirst(), undefined, 'the draft is gone');

      const done = await c.get(sent.location!);
      assert.match(done.html, /<h1>Report sent<\/h1>/);
      assert.match(done.html, new RegExp(`<strong class="reference">${id}</strong>`));
      assert.match(done.html, new RegExp(`href="/requests/${id}"`));
      assert.match(done.html, /We have sent you an email/);
      assert.match(done.html, /We inspect reported potholes within 5 working days\./);

      // The confirmation email waits in the outbox, sealed.
      const rows = await t.db.selectFrom('outbox').select(['payload', 'kind']).where('kind', '=', 'email').execute();
      const emails = rows.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.template === 'report_received');
      assert.equal(emails.length, 1);
      assert.equal(emails[0]!.to, 'rita@example.org');
      assert.match(emails[0]!.subject, new RegExp(`reference ${id}`));
      assert.ok(emails[0]!.text.includes(`${t.baseUrl}/requests/${id}`));

      // The case, as the Open311 API shows it: the photo is public now.
      const [report] = await (await fetch(`${t.baseUrl}/open311/v2/requests/${id}.json`)).json() as Array<Record<string, unknown>>;
      assert.equal(report!.service_code, POTHOLE);
      assert.equal(report!.media_url, `${t.baseUrl}/media/${photoId}`);
      // The case's photo addresses are exactly the photos attached to it.
      const attached = await t.db.selectFrom('media').select('id').where('case_id', '=', Number(id)).execute();
      const caseRow = await t.db.selectFrom('cases').select('media_urls').where('id', '=', Number(id)).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(caseRow.media_urls), attached.map((p) => `${t.baseUrl}/media/${p.id}`));
      assert.equal(report!.address, '10 Downing Street');
      assert.equal(Number(report!.lat), DOWNING.lat);
      assert.equal(report!.description, 'A deep hole by the kerb.');
      const stored = await t.db.selectFrom('cases').select(['channel', 'attributes']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
      assert.equal(stored.channel, 'web');
      assert.deepEqual(JSON.parse(stored.attributes), { road_name: 'Downing Street', depth_cm: '12', first_noticed: '2026-07-01T08:30:00.000Z', surface: 'tarmac', hazards: ['cyclists'] });
      assert.equal((await fetch(`${t.baseUrl}/media/${photoId}`)).status, 200);
    });

    test('open reports of the same service nearby are offered to follow; other services skip the page', async () => {
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, lat: '51.4000', long: '-0.2000', address_string: 'The old bridge', description: 'Tags on the bridge' }),
      });
      const existing = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      const c = new WebClient(t.baseUrl);
      expectRedirect(await c.get(`/report/new?service=${GRAFFITI}`), '/report/location');
      await c.get('/report/location');
      expectRedirect(await c.post('/report/location', { lat: '51.4005', long: '-0.2003' }), '/report/nearby');
      const nearby = await c.get('/report/nearby');
      assert.equal(nearby.status, 200);
      assert.match(nearby.html, /Has someone already reported it\?/);
      assert.match(nearby.html, /The old bridge/);
      assert.match(nearby.html, new RegExp(`<form method="post" action="/requests/${existing}/follow"`));
      assert.match(nearby.html, new RegExp(`href="/requests/${existing}"`));
      assert.match(nearby.html, /\d+ metres away/);
      assert.match(nearby.html, /href="\/report\/details">My problem is not listed: continue/);
      // A guest who says "mine too" is asked to sign in (the follow route's rule).
      const followed = await c.post(`/requests/${existing}/follow`);
      assert.ok([302, 303].includes(followed.status), `follow as a guest: ${followed.status}`);
      assert.match(followed.location ?? '', /sign-in/);

      const other = new WebClient(t.baseUrl);
      await other.follow(await other.get(`/report/new?service=${POTHOLE}`));
      expectRedirect(await other.post('/report/location', { lat: '51.4005', long: '-0.2003' }), '/report/nearby');
      expectRedirect(await other.get('/report/nearby'), '/report/details');
      // Far away (over 250 m), the same service is not offered either.
      const far = new WebClient(t.baseUrl);
      await far.follow(await far.get(`/report/new?service=${GRAFFITI}`));
      await far.post('/report/location', { lat: '51.4100', long: '-0.2000' });
      expectRedirect(await far.get('/report/nearby'), '/report/details');
    });

    test('the confirmation email to a typed (unconfirmed) address carries none of the sender’s own words', async () => {
      const c = new WebClient(t.baseUrl);
      expectRedirect(await c.get(`/report/new?service=${GRAFFITI}`), '/report/location');
      await c.get('/report/location');
      const typed = 'You have won a prize, claim it at http://prize.example.test';
      expectRedirect(await c.post('/report/location', { lat: '', long: '', note: typed }), '/report/nearby');
      await c.get('/report/details');
      expectRedirect(await c.post('/report/details', { description: `Also: ${typed}` }), '/report/photos');
      expectRedirect(await c.post('/report/photos/done'), '/report/contact');
      expectRedirect(await c.post('/report/contact', { name: '', email: 'victim@example.org', phone: '' }), '/report/check');
      const sent = await c.post('/report/check');
      expectRedirect(sent, /^\/report\/done\/\d+\?email=1$/);
      const id = /\/report\/done\/(\d+)/.exec(sent.location!)![1]!;
      const rows = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();
      const email = rows.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).find((e) => e.to === 'victim@example.org')!;
      assert.ok(email, 'the confirmation is sent');
      assert.ok(email.text.includes(`Its reference is ${id}.`));
      assert.ok(email.text.includes(`${t.baseUrl}/requests/${id}`));
      assert.doesNotMatch(email.text, /prize/, 'no typed text in the email');
      assert.doesNotMatch(email.text, /Where:/);
    });

    test('address search takes the usual forms; a street is refined on a map; a pin reads back as its nearest address, with the photos', async () => {
      const c = new WebClient(t.baseUrl);
      expectRedirect(await c.get(`/report/new?service=${GRAFFITI}`), '/report/location');
      const hint = await c.get('/report/location');
      assert.match(hint.html, /For example, 12 Market Street/);
      for (const query of ['10 Downing Street', '10 downing st.', '10 Downing St', 'Downing Street 10', '10 Downnig Stret']) {
        assert.match((await c.post('/report/location/search', { q: query })).html, /<label for="place">10 Downing Street<\/label>/, query);
      }
      const missing = await c.post('/report/location/search', { q: '12 Downing Street' });
      assert.match(missing.html, /We have no number 12 on this street/);
      assert.match(missing.html, /<label for="place">10 Downing Street<\/label>/, 'the nearest number is offered');
      const street = await c.post('/report/location/search', { q: 'whitehal' });
      const id = /name="place" value="(\d+)"/.exec(street.html)?.[1];
      assert.ok(id);
      // A street is long: the page shows its centre on a map and asks for the exact spot.
      const refine = await c.post('/report/location/place', { place: id });
      assert.equal(refine.status, 200);
      assert.match(refine.html, /You chose Whitehall\. Put the pin on the exact spot/);
      assert.match(refine.html, /<svg[^>]+role="img"[^>]+aria-label="Map of Whitehall/, 'a map drawn without JavaScript');
      assert.match(refine.html, /<image href="https:\/\/tile\.openstreetmap\.org\/17\/\d+\/\d+\.png"|<image href="[^"]+\/16\/\d+\/\d+/);
      assert.match(refine.html, /id="lat" name="lat" type="text" value="51.5045"/);
      expectRedirect(await c.post('/report/location', { lat: '51.5045', long: '-0.1263' }), '/report/nearby');
      expectRedirect(await c.get('/report/nearby'), '/report/details');
      expectRedirect(await c.post('/report/details', { description: 'Tags on the wall' }), '/report/photos');
      expectRedirect(await c.postMultipart('/report/photos', {}, photoFile(await jpeg())), '/report/photos');
      expectRedirect(await c.post('/report/photos/done'), '/report/contact');
      expectRedirect(await c.post('/report/contact', { name: '', email: '', phone: '' }), '/report/check');
      let check = await c.get('/report/check');
      assert.match(check.html, /Whitehall/, 'the street chosen is kept when the pin stays');
      assert.match(check.html, /<ul class="check-photos"><li><img src="\/media\/[\w-]+" alt="Photo 1 you added"/, 'a thumbnail of each photo');
      // Moved a little: the place is the pin, read back as the nearest address, never as numbers.
      expectRedirect(await c.post('/report/location', { lat: '51.50342', long: '-0.12762', from: 'check' }), '/report/check');
      check = await c.get('/report/check');
      assert.match(check.html, /Near 10 Downing Street/);
      assert.doesNotMatch(check.html, /51\.50342/);
      expectRedirect(await c.post('/report/check'), /^\/report\/done\/\d+$/);
    });

    test('a service with no questions needs a description; a description alone can say where', async () => {
      const c = new WebClient(t.baseUrl);
      expectRedirect(await c.get(`/report/new?service=${GRAFFITI}`), '/report/location');
      await c.get('/report/location');
      expectRedirect(await c.post('/report/location', { lat: '', long: '', note: 'Behind the library, on the car park wall' }), '/report/nearby');
      expectRedirect(await c.get('/report/nearby'), '/report/details');
      const details = await c.get('/report/details');
      assert.doesNotMatch(details.html, /Describe the problem \(optional\)/);
      expectError(await c.post('/report/details', { description: '  ' }), 'description', /Describe the problem/);
      expectError(await c.post('/report/details', { description: 'x'.repeat(4001) }), 'description', /4000 characters or fewer/);
      expectRedirect(await c.post('/report/details', { description: 'Large tag' }), '/report/photos');
      expectRedirect(await c.post('/report/photos/done'), '/report/contact');
      expectRedirect(await c.post('/report/contact', { name: '', email: '', phone: '' }), '/report/check');
      const sent = await c.post('/report/check');
      expectRedirect(sent, /^\/report\/done\/\d+$/);
      const done = await c.get(sent.location!);
      assert.match(done.html, /Keep your reference number/);
      const id = /\/report\/done\/(\d+)/.exec(sent.location!)![1]!;
      const row = await t.db.selectFrom('cases').select(['lat', 'address_string']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
      assert.equal(row.lat, null);
      assert.equal(row.address_string, 'Behind the library, on the car park wall');
    });

    test('a signed-in resident skips the contact page, follows their own report and gets the email at their account address', async () => {
      const user = await createUser(t.db, t.keyring, { email: 'sam.resident@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('resident'), secondFactor: true });
      const c = new WebClient(t.baseUrl);
      c.cookies.set('townhall_session', token);
      await c.follow(await c.get(`/report/new?service=${GRAFFITI}`));
      expectRedirect(await c.post('/report/location', { lat: '51.6000', long: '0.1000' }), '/report/nearby');
      await c.get('/report/nearby');
      expectRedirect(await c.post('/report/details', { description: 'Paint on the bus shelter' }), '/report/photos');
      expectRedirect(await c.post('/report/photos/done'), '/report/check');
      expectRedirect(await c.get('/report/contact'), '/report/check');
      const draft = await t.db.selectFrom('report_drafts').select('user_id').where('user_id', '=', Number(user.id)).executeTakeFirst();
      assert.ok(draft, 'the draft records the account');
      // Someone else (here: the same browser signed out) cannot pick up an account's draft.
      const stranger = new WebClient(t.baseUrl);
      stranger.cookies.set('townhall_report', c.cookie('townhall_report')!);
      assert.match((await stranger.get('/report/check')).html, /Start your report again/);

      const check = await c.get('/report/check');
      assert.match(check.html, /Your account \(sam.resident@example.org\)/);
      assert.doesNotMatch(check.html, /href="\/report\/contact/);
      const sent = await c.post('/report/check');
      expectRedirect(sent, /^\/report\/done\/\d+\?email=1$/);
      const id = Number(/\/report\/done\/(\d+)/.exec(sent.location!)![1]);
      const follower = await t.db.selectFrom('case_followers').select(['reason']).where('case_id', '=', id).where('user_id', '=', Number(user.id)).executeTakeFirst();
      assert.equal(follower?.reason, 'reporter');
      const rows = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();
      const mine = rows.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.to === 'sam.resident@example.org' && e.template === 'report_received');
      assert.equal(mine.length, 1);
      const audit = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'service_request.submitted').where('entity_id', '=', String(id)).executeTakeFirst();
      assert.equal(audit?.actor, `user:${user.id}`);
    });

    test('signing out forgets the report in progress on this browser', async () => {
      const user = await createUser(t.db, t.keyring, { email: 'signing.out@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const c = new WebClient(t.baseUrl);
      c.cookies.set('townhall_session', (await startSession(t.db, Number(user.id), { limits: limitsFor('resident'), secondFactor: true })).token);
      await c.follow(await c.get(`/report/new?service=${GRAFFITI}`));
      assert.ok(c.cookie('townhall_report'));
      const out = await c.post('/sign-out');
      assert.equal(out.status, 200, out.html.slice(0, 500));
      assert.ok(out.headers.getSetCookie().some((line) => /^townhall_report=;/.test(line) && /Max-Age=0/i.test(line)), 'the draft cookie is cleared');
      assert.equal(c.cookie('townhall_report'), undefined);
    });

    test('pressing "Report a problem" again keeps the report in progress: continue it, or start a new one by a form', async () => {
      const c = new WebClient(t.baseUrl);
      await c.follow(await c.get(`/report/new?service=${POTHOLE}`));
      expectRedirect(await c.post('/report/location', { lat: '51.5100', long: '-0.1200' }), '/report/nearby');
      const before = await t.db.selectFrom('report_drafts').select('id').execute();
      const cookie = c.cookie('townhall_report');
      // A prefetcher's HEAD or GET, or the person pressing the link again: nothing is lost.
      assert.equal((await fetch(`${t.baseUrl}/report/new`, { method: 'HEAD', headers: { cookie: `townhall_report=${cookie}` }, redirect: 'manual' })).status, 200);
      const again = await c.get('/report/new');
      assert.equal(again.status, 200);
      assert.match(again.html, /Continue your report or start a new one/);
      assert.match(again.html, /<a class="button" href="\/report\/details">Continue your report<\/a>/);
      assert.match(again.html, /<form method="post" action="\/report\/new">/);
      assert.equal(c.cookie('townhall_report'), cookie, 'the same draft');
      assert.deepEqual(await t.db.selectFrom('report_drafts').select('id').execute(), before, 'no draft deleted or added');
      // The same service again: carry on; another service: the same choice, the new service in the form.
      expectRedirect(await c.get(`/report/new?service=${POTHOLE}`), '/report/details');
      const other = await c.get(`/report/new?service=${GRAFFITI}`);
      assert.match(other.html, new RegExp(`<input type="hidden" name="service" value="${GRAFFITI}"`));
      assert.deepEqual(await t.db.selectFrom('report_drafts').select('id').execute(), before);
      // Starting anew (a form, with its token) replaces the draft.
      expectRedirect(await c.post('/report/new', { service: GRAFFITI }), '/report/location');
      assert.notEqual(c.cookie('townhall_report'), cookie);
      assert.equal(await t.db.selectFrom('report_drafts').select('id').where('id', '=', sha256Hex(cookie!)).executeTakeFirst(), undefined, 'the old draft is gone');
    });

    test('a missing or expired draft says to start again; /report/new?service= skips the first question', async () => {
      const c = new WebClient(t.baseUrl);
      const missing = await c.get('/report/location');
      assert.equal(missing.status, 200);
      assert.match(missing.html, /Start your report again/);
      assert.match(missing.html, /href="\/report\/new"/);
      await c.get('/sign-in'); // a page with a form, for its token
      assert.match((await c.post('/report/service', { service: POTHOLE })).html, /Start your report again/);
      expectRedirect(await c.get('/report/new?service=no-such'), '/report/service');
      expectRedirect(await c.get(`/report/new?service=${POTHOLE}`), '/report/location');
      await t.db.updateTable('report_drafts').set({ expires_at: '2000-01-01T00:00:00.000Z' }).execute();
      assert.match((await c.get('/report/location')).html, /Start your report again/);
      const expired = await t.db.selectFrom('report_drafts').select('id').execute();
      assert.ok(expired.length > 0);
      await new WebClient(t.baseUrl).get('/report/new');
      const left = await t.db.selectFrom('report_drafts').select('id').execute();
      assert.ok(left.every((row) => !expired.some((e) => e.id === row.id)), 'expired drafts are deleted when a new one starts');
      const cookieLine = (await fetch(`${t.baseUrl}/report/new`, { redirect: 'manual' })).headers.getSetCookie().find((l) => l.startsWith('townhall_report='));
      assert.match(cookieLine ?? '', /HttpOnly/);
      assert.match(cookieLine ?? '', /SameSite=Lax/);
      assert.match(cookieLine ?? '', /Max-Age=604800/);
    });
  });
}

describe('sending reports is rate-limited per address', () => {
  let t: RunningTownhall;
  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, { ...fixture, env: { TOWNHALL_REPORT_RATE_LIMIT: '2' } });
  });
  after(async () => t?.close());

  test('the third send in a minute is refused with 429, and the steps before it are not limited', async () => {
    const c = new WebClient(t.baseUrl);
    await c.get('/sign-in');
    for (let i = 0; i < 2; i++) assert.notEqual((await c.post('/report/check')).status, 429);
    assert.equal((await c.post('/report/check')).status, 429);
    assert.equal((await c.get('/report/new')).status, 303);
  });

  test('reports sent from the offline page share the limit; address searches get twice as many', async () => {
    const c = new WebClient(t.baseUrl);
    await c.get('/offline');
    for (let i = 0; i < 2; i++) assert.notEqual((await c.post('/offline/reports')).status, 429);
    assert.equal((await c.post('/offline/reports')).status, 429);
    await c.get('/report/new');
    for (let i = 0; i < 4; i++) assert.notEqual((await c.post('/report/location/search', { q: 'high street' })).status, 429);
    assert.equal((await c.post('/report/location/search', { q: 'high street' })).status, 429);
  });

  test('photo uploads get twice the sending limit per minute', async () => {
    const c = new WebClient(t.baseUrl);
    await c.get('/offline');
    for (let i = 0; i < 4; i++) assert.notEqual((await c.post('/report/photos')).status, 429);
    assert.equal((await c.post('/report/photos')).status, 429);
  });
});
