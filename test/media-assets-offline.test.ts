/**
 * Photos by address (/media/<id>), static files (/assets/*, /sw.js), the security policy's map
 * tiles, and the offline report form without JavaScript, on each database under test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { addDraftPhoto, attachDraftPhotosToCase, preparePhoto } from '../src/media/photos.js';
import { sha256Hex } from '../src/platform/crypto.js';
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
      const draftPhoto = await addDraftPhoto(t.db, t.jurisdiction.id, sha256Hex(token), photo);
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
  });
}
