/**
 * Photos by address (/media/<id>), static files (/assets/*, /sw.js), the security policy's map
 * tiles, and the offline report form without JavaScript, on each database under test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { addDraftPhoto, attachDraftPhotosToCase, preparePhoto } from '../src/media/photos.js';
import { sha256Hex } from '../src/platform/crypto.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { contentSecurityPolicy, tileOrigin } from '../src/platform/security-headers.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

/** A raw request, so the path reaches the server exactly as written (fetch would tidy "/../"). */
function rawGet(baseUrl: string, path: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the security policy lets images come from the tile server, and from nowhere else', () => {
  assert.equal(tileOrigin('https://tile.openstreetmap.org/{z}/{x}/{y}.png'), 'https://tile.openstreetmap.org');
  assert.equal(tileOrigin('https://{s}.tiles.example.org:8443/v1/{z}/{x}/{y}.png?key=abc'), 'https://*.tiles.example.org:8443');
  assert.equal(tileOrigin('javascript:alert(1)'), null);
  assert.match(contentSecurityPolicy('https://tile.openstreetmap.org/{z}/{x}/{y}.png'), /img-src 'self' data: https:\/\/tile\.openstreetmap\.org;/);
  assert.match(contentSecurityPolicy(), /img-src 'self' data:;/);
});

/** Runs sw.js with a fake browser around it: which fetches it makes, and what it keeps. */
async function serviceWorkerRun(answer: (url: string, init: RequestInit | undefined) => Response) {
  const listeners: Record<string, (event: unknown) => void> = {};
  const fetches: Array<{ url: string; credentials: string | undefined }> = [];
  const kept = new Map<string, Response>();
  const cache = { put: async (key: string | Request, r: Response) => { kept.set(typeof key === 'string' ? key : key.url, r); }, match: async (key: string) => kept.get(key) };
  const self = {
    addEventListener: (name: string, fn: (event: unknown) => void) => { listeners[name] = fn; },
    location: { origin: 'https://town.example' }, skipWaiting: async () => {}, clients: { claim: async () => {} },
  };
  const fakeFetch = async (input: string | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input.url;
    fetches.push({ url, credentials: init?.credentials ?? (typeof input === 'string' ? 'same-origin' : input.credentials) });
    return answer(url, init);
  };
  runInNewContext(readFileSync(new URL('../src/web/assets/sw.js', import.meta.url), 'utf8'), {
    self, fetch: fakeFetch, caches: { open: async () => cache, match: async (key: string) => kept.get(key), keys: async () => [], delete: async () => true },
    URL, Response, Promise,
  });
  const waits: Array<Promise<unknown>> = [];
  listeners.install!({ waitUntil: (p: Promise<unknown>) => waits.push(p) });
  await Promise.all(waits);
  const navigate = async (path: string) => {
    const pending: Array<Promise<unknown>> = [];
    let responded: Promise<Response> | undefined;
    listeners.fetch!({
      request: { url: `https://town.example${path}`, method: 'GET', mode: 'navigate', credentials: 'include' },
      respondWith: (p: Promise<Response>) => { responded = p; }, waitUntil: (p: Promise<unknown>) => pending.push(p),
    });
    await responded;
    await Promise.all(pending);
    await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { fetches, kept, navigate };
}

test('the service worker keeps only guests’ pages: fetched without cookies, never private or no-store', async () => {
  const headers = (url: string, credentials: RequestCredentials | undefined) => {
    // The server's answers: a signed-in person's (cookies sent) /offline is no-store; the guest's no-cache.
    if (url.endsWith('/offline')) return { 'cache-control': credentials === 'omit' ? 'no-cache' : 'no-store' };
    if (url.endsWith('/')) return { 'cache-control': 'no-store' };
    return { 'cache-control': 'public, max-age=3600' };
  };
  const sw = await serviceWorkerRun((url, init) => new Response(`page ${url} ${init?.credentials}`, { headers: headers(url, init?.credentials) }));
  const shell = sw.fetches.filter((f) => !f.url.includes('/assets/'));
  assert.ok(shell.length >= 2);
  assert.ok(sw.fetches.every((f) => f.credentials === 'omit'), `the shell is fetched without cookies: ${JSON.stringify(sw.fetches)}`);
  assert.ok(sw.kept.has('/offline'), 'the guest’s offline page is kept');
  assert.ok(!sw.kept.has('/'), 'a no-store page is not kept');
  assert.match(await sw.kept.get('/offline')!.clone().text(), /omit/);

  // A signed-in person opens /offline: their page (no-store, fetched with cookies) is not what is kept.
  sw.fetches.length = 0;
  await sw.navigate('/offline');
  assert.match(await sw.kept.get('/offline')!.clone().text(), /omit/);
  assert.ok(sw.fetches.filter((f) => f.credentials !== 'omit').every((f) => f.credentials === 'include'));

  // A server that marks even the guest's page private: nothing is kept.
  const strict = await serviceWorkerRun(() => new Response('x', { headers: { 'cache-control': 'private, max-age=300' } }));
  assert.equal(strict.kept.size, 0);
});

for (const database of databasesUnderTest()) {
  describe(`media, assets and offline reports on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' } });
    });
    after(() => t.close());

    test('a case’s photo is public and cached long; a draft’s only for the browser holding its cookie', async () => {
      const photo = await preparePhoto(await sharp({ create: { width: 80, height: 60, channels: 3, background: '#336699' } }).jpeg().toBuffer());
      const token = 'draft-token-of-this-browser';
      const at = new Date().toISOString();
      const draftRow = (id: string, userId: number | null) => ({ id, jurisdiction_id: t.jurisdiction.id, user_id: userId, data: 'sealed', created_at: at, updated_at: at,
        expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      await t.db.insertInto('report_drafts').values(draftRow(sha256Hex(token), null)).execute();
      const draftPhoto = await addDraftPhoto(t.db, t.jurisdiction.id, sha256Hex(token), photo);

      // A draft started while signed in is its account's: the same browser signed out (or someone
      // else signed in on it) holding the cookie does not see its photo.
      const user = await createUser(t.db, t.keyring, { email: 'photo.owner@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const other = await createUser(t.db, t.keyring, { email: 'photo.other@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const ownedToken = 'draft-token-of-a-signed-in-resident';
      await t.db.insertInto('report_drafts').values(draftRow(sha256Hex(ownedToken), Number(user.id))).execute();
      const ownedPhoto = await addDraftPhoto(t.db, t.jurisdiction.id, sha256Hex(ownedToken), photo);
      const ownedUrl = `${t.baseUrl}/media/${ownedPhoto.id}`;
      const session = async (userId: string) => (await startSession(t.db, Number(userId), { limits: limitsFor('resident'), secondFactor: true })).token;
      assert.equal((await fetch(ownedUrl, { headers: { cookie: `townhall_report=${ownedToken}` } })).status, 404, 'signed out: not found');
      assert.equal((await fetch(ownedUrl, { headers: { cookie: `townhall_report=${ownedToken}; townhall_session=${await session(other.id)}` } })).status, 404, 'another account: not found');
      assert.equal((await fetch(ownedUrl, { headers: { cookie: `townhall_report=${ownedToken}; townhall_session=${await session(user.id)}` } })).status, 200, 'its owner sees it');
      // A photo whose draft is gone (sent elsewhere, expired, deleted) is not served either.
      await t.db.deleteFrom('report_drafts').where('id', '=', sha256Hex(ownedToken)).execute();
      assert.equal((await fetch(ownedUrl, { headers: { cookie: `townhall_report=${ownedToken}; townhall_session=${await session(user.id)}` } })).status, 404);
      const url = `${t.baseUrl}/media/${draftPhoto.id}`;

      for (const cookie of [undefined, 'townhall_report=someone-else', `townhall_session=${token}`]) {
        const refused = await fetch(url, { headers: cookie ? { cookie } : {} });
        assert.equal(refused.status, 404, `cookie ${cookie}: not found, not forbidden`);
      }
      const mine = await fetch(url, { headers: { cookie: `townhall_report=${token}` } });
      assert.equal(mine.status, 200);
      assert.equal(mine.headers.get('content-type'), 'image/jpeg');
      assert.equal(mine.headers.get('cache-control'), 'private, no-store');
      assert.deepEqual(Buffer.from(await mine.arrayBuffer()), photo.bytes);

      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street' }),
      });
      const caseId = Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      await t.db.transaction().execute((trx) => attachDraftPhotosToCase(trx, sha256Hex(token), caseId));
      const open = await fetch(url);
      assert.equal(open.status, 200);
      assert.equal(open.headers.get('content-length'), String(photo.bytes.length));
      assert.match(open.headers.get('cache-control') ?? '', /^public, max-age=31536000/);
      const etag = open.headers.get('etag')!;
      assert.match(etag, /^"[A-Za-z0-9_-]{22}"$/);
      assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);

      for (const id of ['nope', 'x'.repeat(90), '..%2F..%2Fpackage.json', `${draftPhoto.id.startsWith('A') ? 'B' : 'A'}${draftPhoto.id.slice(1)}`]) {
        assert.equal((await fetch(`${t.baseUrl}/media/${id}`)).status, 404, id);
      }
      assert.equal((await fetch(`${t.baseUrl}/media/${'x'.repeat(200)}`)).status, 414, 'an absurdly long address is refused before any lookup');
    });

    test('assets: every file, Leaflet’s too, with types, gzip and brotli by Accept-Encoding, ETags and 304', async () => {
      const css = readFileSync(new URL('../src/web/assets/townhall.css', import.meta.url));
      const plain = await fetch(`${t.baseUrl}/assets/townhall.css`, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.headers.get('content-type'), 'text/css; charset=utf-8');
      assert.equal(plain.headers.get('cache-control'), 'public, max-age=3600');
      assert.equal(plain.headers.get('vary'), 'Accept-Encoding');
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.deepEqual(Buffer.from(await plain.arrayBuffer()), css);

      // Node's fetch would decode the body itself: ask with a raw socket's view instead.
      const raw = async (path: string, acceptEncoding: string, extra: Record<string, string> = {}) => {
        const { hostname, port } = new URL(t.baseUrl);
        return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
          const req = httpRequest({ hostname, port, path, headers: { 'accept-encoding': acceptEncoding, ...extra } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          });
          req.on('error', reject);
          req.end();
        });
      };
      const br = await raw('/assets/townhall.css', 'gzip, deflate, br');
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(brotliDecompressSync(br.body), css);
      const gz = await raw('/assets/townhall.css', 'gzip, br;q=0');
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(gz.body), css);
      assert.notEqual(br.headers.etag, gz.headers.etag, 'each encoding has its own strong ETag');
      assert.match(String(br.headers.etag), /^"[^"]+"$/);
      assert.equal((await raw('/assets/townhall.css', 'br', { 'if-none-match': String(br.headers.etag) })).status, 304);
      assert.equal((await raw('/assets/townhall.css', 'gzip', { 'if-none-match': String(br.headers.etag) })).status, 200, 'another encoding is another representation');

      for (const [path, type] of [
        ['/assets/map.js', 'text/javascript; charset=utf-8'], ['/assets/offline.js', 'text/javascript; charset=utf-8'],
        ['/assets/leaflet/leaflet.js', 'text/javascript; charset=utf-8'], ['/assets/leaflet/leaflet.css', 'text/css; charset=utf-8'],
        ['/assets/leaflet/images/marker-icon.png', 'image/png'], ['/assets/leaflet/images/marker-shadow.png', 'image/png'],
        ['/assets/i18n/ar.json', 'application/json; charset=utf-8'],
      ]) {
        const response = await fetch(`${t.baseUrl}${path}`);
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get('content-type'), type, path);
      }
      const words = await (await fetch(`${t.baseUrl}/assets/i18n/es.json`)).json() as Record<string, string | string[]>;
      assert.equal(words['media.map.useLocation'], 'Usar mi ubicación');
      assert.equal((words['offline.js.waiting'] as string[])[1], '1 aviso pendiente de envío');
      assert.equal(words['offline.js.sent'], 'Su aviso se envió: referencia {reference}');

      const sw = await fetch(`${t.baseUrl}/sw.js`);
      assert.equal(sw.status, 200);
      assert.equal(sw.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(sw.headers.get('service-worker-allowed'), '/');
      assert.equal(sw.headers.get('cache-control'), 'no-cache');

      for (const path of ['/assets/nothing.js', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/%2e%2e%2fpackage.json', '/assets/..%2F..%2Fpackage.json',
        '/assets/leaflet/../../package.json', '/assets/%2e%2e%2f%2e%2e%2fsrc%2fapp.ts', '/assets/leaflet%2f..%2f..%2f..%2fpackage.json', '/assets/', '/assets/leaflet/images']) {
        const status = await rawGet(t.baseUrl, path);
        assert.ok(status === 404 || status === 400, `${path}: ${status}`);
      }
    });

    test('the offline page asked for without cookies may be kept by the service worker; with them, not', async () => {
      const guest = await fetch(`${t.baseUrl}/offline`, { headers: { accept: 'text/html' } });
      assert.equal(guest.headers.get('cache-control'), 'no-cache');
      const browser = new WebClient(t.baseUrl);
      await browser.get('/offline');
      const again = await browser.get('/offline');
      assert.equal(again.headers.get('cache-control'), 'no-store');
    });

    test('pages allow images from the tile server only; they load the offline script', async () => {
      const page = await fetch(`${t.baseUrl}/offline`, { headers: { accept: 'text/html' } });
      assert.match(page.headers.get('content-security-policy') ?? '', /img-src 'self' data: https:\/\/tiles\.example\.org;/);
      assert.match(await page.text(), /<script src="\/assets\/offline\.js" defer><\/script>/);
    });

    test('the offline form without JavaScript: errors tied to their fields, then a case and its reference', async () => {
      const browser = new WebClient(t.baseUrl);
      const form = await browser.get('/offline');
      assert.equal(form.status, 200);
      assert.match(form.html, /<form method="post" action="\/offline\/reports"/);
      assert.match(form.html, new RegExp(`<option value="${GRAFFITI}"`));

      const wrong = await browser.post('/offline/reports', { service: '', description: '', address: '', lat: '99', long: '', email: 'not-an-email' });
      assert.equal(wrong.status, 400);
      for (const field of ['service', 'description', 'lat', 'email']) assert.match(wrong.html, new RegExp(`href="#${field}"`), field);
      assert.match(wrong.html, /Choose the kind of problem/);
      assert.match(wrong.html, /aria-describedby="description-hint description-error"/);
      assert.match(wrong.html, /value="not-an-email"/, 'answers are kept');

      const outside = await browser.post('/offline/reports', { service: GRAFFITI, description: 'Tags on the wall', address: '', lat: '10', long: '10', email: '' });
      assert.match(outside.html, /outside the area this council covers/);
      const needsMore = await browser.post('/offline/reports', { service: POTHOLE, description: 'A hole', address: 'High Street', lat: '', long: '', email: '' });
      assert.match(needsMore.html, /needs more details than this short form asks for/);

      const sent = await browser.post('/offline/reports', { service: GRAFFITI, description: 'Tags on the bus shelter', address: 'Bus stop, High Street', lat: '51.5', long: '-0.12', email: 'me@example.org' });
      assert.equal(sent.status, 200);
      const id = /\/requests\/(\d+)/.exec(sent.html)?.[1];
      assert.ok(id, 'links to the new case');
      const row = await t.db.selectFrom('cases').select(['service_code', 'description', 'lat', 'channel']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
      assert.deepEqual(row, { service_code: GRAFFITI, description: 'Tags on the bus shelter', lat: 51.5, channel: 'web' });
      assert.ok(await t.db.selectFrom('case_reporters').select('case_id').where('case_id', '=', Number(id)).executeTakeFirst(), 'the email is kept, sealed');
      const emails = await t.db.selectFrom('outbox').select('payload').execute();
      assert.ok(emails.some((e) => e.payload.includes('report_received')), 'the reporter is emailed that the report arrived');
    });

    test('the offline form from a script: JSON answers, the form token still required', async () => {
      const browser = new WebClient(t.baseUrl);
      await browser.get('/offline');
      const json = { accept: 'application/json' };
      const good = await browser.post('/offline/reports', { service: GRAFFITI, description: 'Written offline', address: 'Park gate', lat: '', long: '', email: '' }, json);
      assert.equal(good.status, 201);
      const answer = JSON.parse(good.html) as { id: string; url: string };
      assert.equal(answer.url, `/requests/${answer.id}`);
      const bad = await browser.post('/offline/reports', { service: GRAFFITI, description: '', address: '', lat: '', long: '', email: '' }, json);
      assert.equal(bad.status, 400);
      assert.deepEqual((JSON.parse(bad.html) as { problems: Array<{ field: string }> }).problems.map((p) => p.field), ['description', 'address']);
      const forged = await browser.post('/offline/reports', { _csrf: 'forged', service: GRAFFITI, description: 'x', address: 'y' }, json);
      assert.equal(forged.status, 403);
      const spanish = await browser.post('/offline/reports', { service: '', description: 'x', address: 'y' }, { ...json, 'accept-language': 'es' });
      assert.match(spanish.html, /Elija el tipo de problema/);
    });

    test('the same offline report sent twice (same client_id) makes one case, and both answers name it', async () => {
      const browser = new WebClient(t.baseUrl);
      await browser.get('/offline');
      const json = { accept: 'application/json' };
      const clientId = '4b0f3c5e-2a7d-4e2b-9d31-6f1c0e8a7b21';
      const report = { service: GRAFFITI, description: 'Sent twice by two tabs', address: 'Town hall steps', lat: '', long: '', email: '', client_id: clientId };
      const count = async () => Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('description', '=', report.description).executeTakeFirstOrThrow()).n);
      const [first, second] = await Promise.all([browser.post('/offline/reports', report, json), browser.post('/offline/reports', report, json)]);
      assert.equal(first.status, 201, first.html);
      assert.equal(second.status, 201, second.html);
      const third = await browser.post('/offline/reports', report, json);
      assert.equal(third.status, 201);
      const answers = [first, second, third].map((r) => JSON.parse(r.html) as { id: string; url: string });
      assert.deepEqual(answers[1], answers[0]);
      assert.deepEqual(answers[2], answers[0]);
      assert.equal(await count(), 1, 'one case, not three');
      // Another draft (another client_id) is another case.
      const other = await browser.post('/offline/reports', { ...report, client_id: 'a5c1d7e0-1111-4222-8333-944455556666' }, json);
      assert.notEqual((JSON.parse(other.html) as { id: string }).id, answers[0]!.id);
      assert.equal(await count(), 2);
      // More than a day later the id no longer stands for that case.
      await t.db.updateTable('case_actions').set({ created_at: '2000-01-01T00:00:00.000Z' }).where('idempotency_key', 'like', `%${clientId}`).execute();
      const later = await browser.post('/offline/reports', report, json);
      assert.notEqual((JSON.parse(later.html) as { id: string }).id, answers[0]!.id);
    });

    test('offline reports: a signed-in resident reports as their account; staff (signed in or half-way) as guests', async () => {
      const json = { accept: 'application/json' };
      const resident = await createUser(t.db, t.keyring, { email: 'offline.resident@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const c = new WebClient(t.baseUrl);
      c.cookies.set('townhall_session', (await startSession(t.db, Number(resident.id), { limits: limitsFor('resident'), secondFactor: true })).token);
      await c.get('/offline');
      const mine = await c.post('/offline/reports', { service: GRAFFITI, description: 'From my account, offline', address: 'Park', lat: '', long: '', email: 'typed@example.org' }, json);
      assert.equal(mine.status, 201, mine.html);
      const mineId = Number((JSON.parse(mine.html) as { id: string }).id);
      assert.ok(await t.db.selectFrom('case_followers').select('user_id').where('case_id', '=', mineId).where('user_id', '=', Number(resident.id)).executeTakeFirst());
      const emails = (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute()).map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload)));
      assert.ok(emails.some((e) => e.to === 'offline.resident@example.org' && e.template === 'report_received' && e.text.includes(`reference is ${mineId}.`)), 'the account’s address is emailed');
      assert.ok(!emails.some((e) => e.to === 'typed@example.org'), 'not the typed one');

      // Staff, signed in fully or half-way (no second factor yet): a guest, not the account.
      const staff = await createUser(t.db, t.keyring, { email: 'offline.analyst@example.org', role: 'analyst' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      for (const secondFactor of [false, true]) {
        const half = new WebClient(t.baseUrl);
        half.cookies.set('townhall_session', (await startSession(t.db, Number(staff.id), { limits: limitsFor('analyst'), secondFactor })).token);
        await half.get('/offline');
        const guest = await half.post('/offline/reports', { service: GRAFFITI, description: `Staff, offline (${secondFactor})`, address: 'Park', lat: '', long: '', email: '' }, json);
        assert.equal(guest.status, 201, guest.html);
        const guestId = Number((JSON.parse(guest.html) as { id: string }).id);
        assert.equal(await t.db.selectFrom('case_followers').select('user_id').where('case_id', '=', guestId).executeTakeFirst(), undefined);
        const audit = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'service_request.submitted').where('entity_id', '=', String(guestId)).executeTakeFirst();
        assert.equal(audit?.actor, 'web');
      }
    });
  });
}
