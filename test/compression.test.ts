/**
 * Dynamic responses (pages, GeoJSON, Open311 JSON) are compressed when the client accepts it,
 * on both databases: brotli before gzip, nothing for a client that takes neither, small answers
 * sent as they are, and every answer that could be compressed says it varies by Accept-Encoding.
 * Bytes are counted on the wire (node:http does not decompress).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { acceptedEncodings } from '../src/platform/compression.js';

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function raw(url: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
  });
}

const decoded = (r: Raw) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8');

test('accepted encodings: q=0 refuses one, case and spaces do not matter', () => {
  assert.deepEqual([...acceptedEncodings('gzip, deflate, br')], ['gzip', 'deflate', 'br']);
  assert.deepEqual([...acceptedEncodings('BR;q=0, GZip ;q=0.5')], ['gzip']);
  assert.deepEqual([...acceptedEncodings(undefined)], []);
});

for (const database of databasesUnderTest()) {
  describe(`compression of dynamic responses on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, fixture);
      for (let i = 0; i < 30; i++) {
        const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
          method: 'POST',
          body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, lat: String(51.5 + i / 1000), long: '-0.1', description: `Paint number ${i} on the wall.` }),
        });
        assert.equal(response.status, 201, await response.text());
      }
    });
    after(async () => t?.close());

    for (const path of ['/reports', '/reports.geojson', '/open311/v2/requests.json', '/services']) {
      test(`${path}: brotli when accepted, else gzip, else as it is; the same content each way`, async () => {
        const plain = await raw(`${t.baseUrl}${path}`);
        const br = await raw(`${t.baseUrl}${path}`, 'gzip, deflate, br');
        const gz = await raw(`${t.baseUrl}${path}`, 'gzip');
        assert.equal(plain.status, 200);
        assert.equal(plain.headers['content-encoding'], undefined);
        assert.equal(br.headers['content-encoding'], 'br');
        assert.equal(gz.headers['content-encoding'], 'gzip');
        for (const r of [plain, br, gz]) assert.match(String(r.headers.vary), /Accept-Encoding/i);
        assert.equal(Number(br.headers['content-length']), br.body.length);
        // Pages carry a per-request form token; compare what does not change.
        const strip = (text: string) => text.replace(/name="_csrf" value="[^"]*"/g, '').replace(/"(?:csrf|nonce)[^"]*"/g, '');
        assert.equal(strip(decoded(br)), strip(plain.body.toString('utf8')));
        assert.equal(strip(decoded(gz)), strip(plain.body.toString('utf8')));
        assert.ok(br.body.length < plain.body.length / 2, `${path}: ${br.body.length} bytes compressed of ${plain.body.length}`);
      });
    }

    test('a page sent by a helper that does not return the reply still arrives whole, compressed', async () => {
      const page = await raw(`${t.baseUrl}/report/location`, 'br');
      assert.equal(page.headers['content-encoding'], 'br');
      assert.match(decoded(page), /Start your report again/);
    });

    test('a small answer and an answer already encoded are sent as they are', async () => {
      const small = await raw(`${t.baseUrl}/open311/v2/requests/999999.json`, 'br');
      assert.ok(small.body.length < 1024);
      assert.equal(small.headers['content-encoding'], undefined);
      // Static assets keep their own, precompressed variants (quality 11).
      const css = await raw(`${t.baseUrl}/assets/townhall.css`, 'br');
      assert.equal(css.headers['content-encoding'], 'br');
      assert.match(decoded(css), /static-map/);
    });
  });
}
