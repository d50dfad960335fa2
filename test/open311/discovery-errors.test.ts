/**
 * Open311 Service Discovery, the GeoReport v2 error format, and bad input that must get a 4xx
 * with an error list, never a 5xx. Rules and sources: test/open311/SPEC-NOTES.md (D1–D3, E1–E6).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  FORM, Open311, assertClientError, assertErrors, assertJson, assertXml, asRecord, asRecords, encodeForm, formats, get, post, sparkStrings, str,
  unwrapContainers, type Format, type HttpResult,
} from './client.js';
import { GRAFFITI, POTHOLE, fixture, inside, potholeAttributes as A } from './fixture-catalogue.js';

const GEOREPORT_V2 = 'http://wiki.open311.org/GeoReport_v2';

for (const database of databasesUnderTest()) {
  describe(`Open311 discovery, errors and bad input on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    before(async () => {
      t = await startTownhall(database, fixture);
      api = new Open311(t.baseUrl, t.apiKey);
    });
    after(async () => {
      await t?.close();
    });

    const discoveryUrl = (format: Format) => `${t.baseUrl}/open311/discovery.${format}`;

    test('D1 discovery.json: changeset, contact, key_service and a GeoReport v2 endpoint', async () => {
      const doc = asRecord(assertJson(await get(discoveryUrl('json'))), 'discovery');
      for (const field of ['changeset', 'contact', 'key_service']) assert.ok(str(doc, field).trim().length > 0, `${field} is required`);
      const endpoints = asRecords(doc.endpoints, 'endpoints');
      const v2 = endpoints.filter((e) => e.specification === GEOREPORT_V2);
      assert.ok(v2.length > 0, `an endpoint with specification ${GEOREPORT_V2}`);
      for (const endpoint of endpoints) {
        str(endpoint, 'url');
        str(endpoint, 'changeset');
        assert.ok(endpoint.type === 'production' || endpoint.type === 'test', `type is production or test: ${String(endpoint.type)}`);
        const mimeTypes = endpoint.formats;
        assert.ok(Array.isArray(mimeTypes) && mimeTypes.every((f) => typeof f === 'string'), 'formats is an array of MIME types (Spark)');
      }
      for (const endpoint of v2) {
        const mimeTypes = endpoint.formats as string[];
        assert.ok(mimeTypes.includes('text/xml'), 'XML is a required format');
        assert.ok(mimeTypes.includes('application/json'), 'JSON is served, so it is listed');
      }
    });

    test('D2 the endpoint url is where GeoReport v2 is served', async () => {
      const doc = asRecord(assertJson(await get(discoveryUrl('json'))));
      const [endpoint] = asRecords(doc.endpoints).filter((e) => e.specification === GEOREPORT_V2);
      const url = str(endpoint ?? {}, 'url').replace(/\/$/, '');
      assert.equal(url, `${t.baseUrl}/open311/v2`);
      assertJson(await get(`${url}/services.json`));
      await assertXml(await get(`${url}/services.xml`));
    });

    test('D3 discovery.xml: declaration, <discovery>…<endpoints><endpoint>…<formats><format>, same data as JSON', async () => {
      const json = assertJson(await get(discoveryUrl('json')));
      const doc = await assertXml(await get(discoveryUrl('xml')));
      assert.ok('discovery' in doc, 'root element is <discovery>');
      const xml = unwrapContainers(doc.discovery, { endpoints: 'endpoint', formats: 'format' });
      assert.deepEqual(xml, sparkStrings(json));
    });

    for (const format of formats) {
      test(`E1 errors are a list of {code, description} (${format})`, async () => {
        const forbidden = await assertErrors(await api.postRaw({ service_code: GRAFFITI, ...inside }, {}, { format, apiKey: 'nope' }), format, 403);
        assert.equal(forbidden[0]?.code, 403, 'the code matches the HTTP status here');
        await assertErrors(await api.get(`requests/424242424.${format}`), format, 404);
        await assertErrors(await api.get(`requests.${format}`, { start_date: 'whenever' }), format, 400);
      });

      test(`E2 a path that does not exist under /open311/v2 is 404 (${format})`, async () => {
        await assertErrors(await get(`${api.v2}/nothing-here.${format}`), format, 404);
        await assertErrors(await get(`${api.v2}/requests/${encodeURIComponent('../../etc/passwd')}.${format}`), format, 404);
        await assertErrors(await get(`${api.v2}/services/${encodeURIComponent('..%2F..')}.${format}`), format, 404);
      });
    }

    const fuzz = async (context: string, body: string | Uint8Array, contentType: string = FORM): Promise<HttpResult[]> => {
      const results: HttpResult[] = [];
      for (const format of formats) {
        const result = await post(`${api.v2}/requests.${format}`, body, contentType);
        await assertClientError(result, format, `${context} (${format})`);
        results.push(result);
      }
      return results;
    };
    const withKey = (rest: string) => `api_key=${encodeURIComponent(t.apiKey)}&${rest}`;

    test('E3 broken form encoding and bytes that are not UTF-8 are 4xx, not 5xx', async () => {
      for (const body of ['service_code=%ZZ&lat=%', 'description=%E0%A4%A&service_code=graffiti&lat=51.5&long=-0.1', '%%%&&&===', '=&=&=', 'service_code']) {
        await fuzz(JSON.stringify(body), withKey(body));
      }
      const bytes = Buffer.concat([Buffer.from(withKey(`service_code=${GRAFFITI}&lat=${inside.lat}&long=${inside.long}&description=`)), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]);
      await fuzz('invalid UTF-8', bytes);
      // Whatever was accepted is served back as well-formed UTF-8 JSON and schema-valid XML.
      assertJson(await api.get('requests.json'));
      await assertXml(await api.get('requests.xml'));
    });

    test('E4 a body over the size limit is 413 (or 400) with an error list', async () => {
      const big = withKey(`service_code=${GRAFFITI}&lat=${inside.lat}&long=${inside.long}&description=${'a'.repeat(t.config.bodyLimit + 1024)}`);
      for (const format of formats) {
        let result: HttpResult;
        try {
          result = await post(`${api.v2}/requests.${format}`, big);
        } catch (error) {
          assert.fail(`the server dropped the connection instead of answering 413: ${String(error)}`);
        }
        await assertErrors(result, format, [413, 400], `huge body (${format})`);
      }
      const health = await api.get('services.json');
      assert.equal(health.status, 200, 'the server still answers');
    });

    test('E5 odd values and shapes are 4xx, never 5xx', async () => {
      const base = { service_code: GRAFFITI, ...inside };
      const cases: Array<[string, string]> = [
        ['lat="abc"', encodeForm({ ...base, lat: 'abc' })],
        ['lat with spaces and unicode digits', encodeForm({ ...base, lat: ' ٥١.٥ ' })],
        ['huge exponent', encodeForm({ ...base, lat: '1e308', long: '-1e308' })],
        ['repeated service_code', encodeForm({ ...base, service_code: [GRAFFITI, POTHOLE] })],
        ['repeated lat', encodeForm({ ...base, lat: [inside.lat, '10'] })],
        ['very long service_code', encodeForm({ ...base, service_code: 'x'.repeat(10_000) })],
        ['unknown attribute code', encodeForm(base, { 'no_such_question': 'yes' })],
        ['attribute with empty code', 'attribute[]=x&attribute[][]=y'],
        ['deeply nested attribute', `attribute[${A.road}][][][]=x&attribute[${A.road}][a][b]=y`],
        ['attribute on a service without attributes', encodeForm(base, { [A.road]: 'x' })],
        ['multivaluelist sent as a single value', encodeForm({ ...base, service_code: POTHOLE }, { [A.road]: 'x', [A.hazards]: 'traffic,cyclists' })],
        ['singlevaluelist sent twice', encodeForm({ ...base, service_code: POTHOLE }, { [A.road]: 'x', [A.surface]: ['tarmac', 'gravel'] })],
        ['proto pollution names', '__proto__[x]=1&constructor[prototype][y]=2&attribute[__proto__]=z'],
        ['media_url that is not a URL', encodeForm({ ...base, media_url: 'javascript:alert(1)' })],
        ['email that is not an address', encodeForm({ ...base, email: 'not an email' })],
      ];
      for (const [context, body] of cases) await fuzz(context, withKey(body));
    });

    test('E6 other content types and empty bodies are 4xx, never 5xx', async () => {
      const form = withKey(encodeForm({ service_code: GRAFFITI, ...inside }));
      await fuzz('text/plain', form, 'text/plain');
      await fuzz('no content type', form, '');
      await fuzz('multipart', `--x\r\nContent-Disposition: form-data; name="service_code"\r\n\r\n${GRAFFITI}\r\n--x--\r\n`, 'multipart/form-data; boundary=x');
      await fuzz('JSON with nested objects', JSON.stringify({ api_key: t.apiKey, service_code: { $ne: null }, lat: [1, 2], attribute: { [A.road]: { a: 1 } } }), 'application/json');
      await fuzz('broken JSON', '{"service_code": ', 'application/json');
      await fuzz('empty body', '');
      await fuzz('control characters', withKey(encodeForm({ service_code: GRAFFITI, ...inside, description: 'bell\u0007 backspace\u0008 esc\u001b del\u007f U+FFFE\ufffe end' })));
      const [json, xml] = await Promise.all(['json', 'xml'].map((f) => api.get(`requests.${f}`)));
      assert.equal(json?.status, 200);
      if (xml) await assertXml(xml);
    });

    test('E7 a NUL character in any text field is 4xx or stripped, never 5xx', async () => {
      const nul = 'before\u0000after';
      const base = { service_code: POTHOLE, ...inside };
      const road = { [A.road]: 'Acacia Avenue' };
      const cases: Array<[string, string]> = [
        ['description', encodeForm({ ...base, description: nul }, road)],
        ['address_string', encodeForm({ service_code: GRAFFITI, address_string: nul })],
        ['address_id', encodeForm({ service_code: GRAFFITI, address_id: nul })],
        ['email', encodeForm({ ...base, email: `a${nul}@example.org` }, road)],
        ['first_name', encodeForm({ ...base, first_name: nul }, road)],
        ['device_id', encodeForm({ ...base, device_id: nul }, road)],
        ['media_url', encodeForm({ ...base, media_url: `https://photos.example/${nul}` }, road)],
        ['string attribute', encodeForm(base, { [A.road]: nul })],
        ['text attribute', encodeForm(base, { ...road, [A.details]: nul })],
        ['service_code', encodeForm({ ...inside, service_code: nul })],
      ];
      const crashed: string[] = [];
      const check = async (context: string, result: HttpResult, format: Format) => {
        if (result.status >= 500) crashed.push(`${context} (${format})`);
        else await assertClientError(result, format, context);
      };
      for (const [field, body] of cases) {
        for (const format of formats) await check(`request with NUL in ${field}`, await post(`${api.v2}/requests.${format}`, withKey(body)), format);
      }
      const created = await api.create({ service_code: GRAFFITI, ...inside });
      const id = String(created.serviceRequestId);
      const update = { update_id: 'nul-test', service_request_id: id, status: 'IN_PROGRESS', updated_datetime: new Date().toISOString(), description: 'ok' };
      for (const [field, value] of [['description', nul], ['update_id', nul], ['media_url', `https://photos.example/${nul}`]] as const) {
        for (const format of formats) {
          const result = await api.postUpdate({ ...update, update_id: `nul-${field}-${format}`, [field]: value }, { format });
          await check(`update with NUL in ${field}`, result, format);
        }
      }
      for (const path of ['services/a%00b', 'requests/1%00', 'tokens/t%00k']) {
        for (const format of formats) await check(`GET ${path}`, await get(`${api.v2}/${path}.${format}`), format);
      }
      for (const query of ['service_code=a%00b', 'service_request_id=1%00', 'jurisdiction_id=x%00']) {
        for (const format of formats) await check(`GET requests?${query}`, await get(`${api.v2}/requests.${format}?${query}`), format);
      }
      assert.deepEqual(crashed, [], 'these answered 5xx');
    });

    test('E6 odd queries on GET are 4xx, never 5xx', async () => {
      const queries = [
        'start_date=%00', 'service_request_id=%00', `service_code=${'a,'.repeat(5000)}`, 'status[]=open', 'page=99999999999999999999',
        'start_date=2026-01-01T00:00:00Z&start_date=2026-01-02T00:00:00Z', 'jurisdiction_id[]=x',
      ];
      for (const query of queries) {
        for (const format of formats) {
          await assertClientError(await get(`${api.v2}/requests.${format}?${query}`), format, `requests?${query}`);
          await assertClientError(await get(`${api.v2}/servicerequestupdates.${format}?${query}`), format, `servicerequestupdates?${query}`);
        }
      }
    });
  });
}
