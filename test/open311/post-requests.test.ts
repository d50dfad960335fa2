/**
 * GeoReport v2 conformance: POST Service Request (requests.{format}).
 * Rules and their sources: test/open311/SPEC-NOTES.md (P1–P14).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  Open311, assertErrors, asRecords, formats, marker, post, type Attributes, type Fields, type Rec,
} from './client.js';
import { BULKY, GRAFFITI, POTHOLE, fixture, inside, outside, potholeAttributes as A, services } from './fixture-catalogue.js';

const road = { [A.road]: 'Acacia Avenue' };
const notice = (code: string) => services.find((s) => s.code === code)?.serviceNotice ?? null;

for (const database of databasesUnderTest()) {
  describe(`Open311 GeoReport v2 POST requests on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    before(async () => {
      t = await startTownhall(database, fixture);
      api = new Open311(t.baseUrl, t.apiKey);
    });
    after(async () => {
      await t?.close();
    });

    /** GET requests/{id}.json: the one request. */
    const fetchOne = async (id: string): Promise<Rec> => {
      const list = asRecords(await api.json(`requests/${encodeURIComponent(id)}.json`));
      assert.equal(list.length, 1);
      return list[0] as Rec;
    };
    const refused = async (status: number, fields: Fields, attributes: Attributes = {}, context = '') => {
      for (const format of formats) await assertErrors(await api.postRaw(fields, attributes, { format }), format, status, `${context} (${format})`);
    };

    for (const format of formats) {
      test(`P1 a realtime service answers with its service_request_id (${format})`, async () => {
        const created = await api.create({ service_code: GRAFFITI, ...inside, description: 'Tags on the bus shelter' }, {}, { format });
        assert.ok(created.serviceRequestId, 'realtime: "The service request ID will be returned immediately"');
        assert.equal(created.request.service_notice, notice(GRAFFITI), 'service_notice is the service\'s notice');
        const found = await fetchOne(created.serviceRequestId);
        assert.equal(found.service_request_id, created.serviceRequestId);
        assert.equal(found.service_code, GRAFFITI);
        assert.equal(found.status, 'open');
      });

      test(`P2 a batch service answers with a token that GET tokens resolves (${format})`, async () => {
        const created = await api.create({ service_code: BULKY, address_string: '12 Acacia Avenue, Testford' }, {}, { format });
        assert.ok(created.token, 'batch: "A token will be returned immediately after the service request is submitted"');
        const resolved = asRecords(await api.json(`tokens/${encodeURIComponent(created.token)}.json`));
        assert.equal(resolved.length, 1);
        assert.equal(resolved[0]?.token, created.token);
        assert.equal(typeof resolved[0]?.service_request_id, 'string');
        await fetchOne(String(resolved[0]?.service_request_id));
      });
    }

    test('P3 attributes in the spec\'s form: attribute[code]=value and attribute[code][]=v for a multivaluelist', async () => {
      const created = await api.create({ service_code: POTHOLE, ...inside }, {
        ...road, [A.depth]: '12.5', [A.noticed]: '2026-03-01T08:15:30-05:00', [A.details]: 'Deep.\nGetting deeper.',
        [A.surface]: 'paving', [A.hazards]: ['traffic', 'cyclists', 'drainage'],
      });
      assert.ok(created.serviceRequestId);
      assert.equal(created.request.service_notice, notice(POTHOLE));
    });

    test('P3 percent-encoded brackets (attribute%5Bcode%5D) are the same form', async () => {
      const body = new URLSearchParams({ api_key: t.apiKey, service_code: POTHOLE, ...inside, [`attribute[${A.road}]`]: 'Acacia Avenue' });
      body.append(`attribute[${A.hazards}][]`, 'pedestrians');
      const result = await post(`${api.v2}/requests.json`, body.toString());
      assert.ok(result.status === 200 || result.status === 201, `${result.status} ${result.text}`);
    });

    test('P4 a required attribute missing, or sent empty, is 400', async () => {
      await refused(400, { service_code: POTHOLE, ...inside }, {}, 'no road_name');
      await refused(400, { service_code: POTHOLE, ...inside }, { [A.road]: '' }, 'empty road_name');
      await refused(400, { service_code: POTHOLE, ...inside }, { [A.depth]: '3' }, 'optional given, required not');
    });

    test('P5 attribute values are checked against their datatype', async () => {
      const base = { service_code: POTHOLE, ...inside };
      await refused(400, base, { ...road, [A.depth]: 'quite deep' }, 'number: not numeric');
      await refused(400, base, { ...road, [A.noticed]: 'last Tuesday' }, 'datetime: not ISO 8601');
      await refused(400, base, { ...road, [A.surface]: 'cobbles' }, 'singlevaluelist: not one of the keys');
      await refused(400, base, { ...road, [A.surface]: 'Tarmac' }, 'singlevaluelist: a name, not a key');
      await refused(400, base, { ...road, [A.hazards]: ['traffic', 'wildlife'] }, 'multivaluelist: one key not allowed');
      for (const ok of [{ [A.depth]: '7' }, { [A.depth]: '-0.5' }, { [A.noticed]: '2026-01-31T23:59:00Z' }, { [A.surface]: 'gravel' }, { [A.hazards]: ['drainage'] }] as Attributes[]) {
        const created = await api.create(base, { ...road, ...ok });
        assert.ok(created.serviceRequestId, JSON.stringify(ok));
      }
    });

    test('P6 a location is required: lat & long, or address_string, or address_id', async () => {
      await refused(400, { service_code: GRAFFITI, description: 'somewhere' }, {}, 'no location');
      await refused(400, { service_code: GRAFFITI, lat: inside.lat }, {}, 'lat without long');
      await refused(400, { service_code: GRAFFITI, long: inside.long }, {}, 'long without lat');
      await refused(400, { service_code: GRAFFITI, lat: '', long: '', address_string: '' }, {}, 'all empty');
      const byAddress = await api.create({ service_code: GRAFFITI, address_string: '1 Market Square, Testford' });
      assert.equal((await fetchOne(String(byAddress.serviceRequestId))).address, '1 Market Square, Testford');
      const byId = await api.create({ service_code: GRAFFITI, address_id: 'UPRN-100023336956' });
      assert.equal((await fetchOne(String(byId.serviceRequestId))).address_id, 'UPRN-100023336956');
      const byPoint = await api.create({ service_code: GRAFFITI, ...inside });
      const found = await fetchOne(String(byPoint.serviceRequestId));
      assert.equal(found.lat, Number(inside.lat));
      assert.equal(found.long, Number(inside.long));
    });

    test('P7 lat/long must be numbers inside the jurisdiction', async () => {
      await refused(400, { service_code: GRAFFITI, ...outside }, {}, 'outside the bounds');
      await refused(400, { service_code: GRAFFITI, lat: 'abc', long: inside.long }, {}, 'lat not a number');
      await refused(400, { service_code: GRAFFITI, lat: inside.lat, long: '0x1F' }, {}, 'long not a decimal');
      await refused(400, { service_code: GRAFFITI, lat: '91', long: '0' }, {}, 'lat beyond the pole');
      await refused(400, { service_code: GRAFFITI, lat: 'NaN', long: 'Infinity' }, {}, 'NaN and Infinity');
    });

    test('P8 service_code: missing is 400, unknown is 404', async () => {
      await refused(400, { ...inside, description: 'no service' }, {}, 'no service_code');
      await refused(400, { service_code: '', ...inside }, {}, 'empty service_code');
      await refused(404, { service_code: 'no-such-service', ...inside }, {}, 'unknown service_code');
    });

    test('P9 api_key is required: missing, wrong or revoked is 403', async () => {
      const fields = { service_code: GRAFFITI, ...inside };
      for (const format of formats) {
        await assertErrors(await api.postRaw(fields, {}, { format, apiKey: null }), format, 403, `missing (${format})`);
        await assertErrors(await api.postRaw(fields, {}, { format, apiKey: '' }), format, 403, `empty (${format})`);
        await assertErrors(await api.postRaw(fields, {}, { format, apiKey: 'not-a-real-key' }), format, 403, `wrong (${format})`);
      }
      const key = await t.createApiKey('conformance: revoked later');
      assert.ok((await api.create(fields, {}, { apiKey: key.key })).serviceRequestId, 'a new key works');
      await t.revokeApiKey(key.id);
      for (const format of formats) await assertErrors(await api.postRaw(fields, {}, { format, apiKey: key.key }), format, 403, `revoked (${format})`);
    });

    test('P10 jurisdiction_id: this server\'s is accepted, another is 404', async () => {
      assert.ok((await api.create({ service_code: GRAFFITI, ...inside, jurisdiction_id: t.jurisdiction.id })).serviceRequestId);
      await refused(404, { service_code: GRAFFITI, ...inside, jurisdiction_id: 'elsewhere.example' }, {}, 'other jurisdiction');
    });

    test('P11 description: at most 4,000 characters', async () => {
      const ascii = await api.create({ service_code: GRAFFITI, ...inside, description: 'x'.repeat(4000) });
      assert.equal((await fetchOne(String(ascii.serviceRequestId))).description, 'x'.repeat(4000));
      const accented = await api.create({ service_code: GRAFFITI, ...inside, description: 'é'.repeat(4000) });
      assert.equal((await fetchOne(String(accented.serviceRequestId))).description, 'é'.repeat(4000), 'characters, not bytes');
      await refused(400, { service_code: GRAFFITI, ...inside, description: 'x'.repeat(4001) }, {}, '4,001 characters');
    });

    test('P12 text round-trips in UTF-8, with line breaks and XML-special characters, in JSON and XML', async () => {
      const description = 'Graffiti «tag» on the café wall — 日本語 🙂\nSecond line with <b>&amp;</b> "quotes" \'apos\' ]]> done';
      const created = await api.create({ service_code: GRAFFITI, ...inside, description, media_url: 'https://photos.example/a.jpg?x=1&y=2' });
      const id = String(created.serviceRequestId);
      const json = await fetchOne(id);
      assert.equal(json.description, description);
      assert.equal(json.media_url, 'https://photos.example/a.jpg?x=1&y=2');
      const [xml] = await api.requestsXml({ service_request_id: id });
      assert.equal(xml?.description, description);
      assert.equal(xml?.media_url, 'https://photos.example/a.jpg?x=1&y=2');
    });

    test('P13 the reporter\'s email, names, phone, device_id and account_id never appear in GET output', async () => {
      const personal = {
        email: `${marker('mail')}@example.org`, first_name: marker('First'), last_name: marker('Last'),
        phone: `+44 20 ${Math.floor(Math.random() * 1e8)}`, device_id: marker('device'), account_id: marker('account'),
      };
      const realtime = await api.create({ service_code: POTHOLE, ...inside, ...personal, description: 'Personal data test' }, road);
      const batch = await api.create({ service_code: BULKY, address_string: '3 Acacia Avenue', ...personal });
      const ids = [realtime.serviceRequestId, batch.serviceRequestId].filter((id): id is string => id !== undefined);
      const outputs: string[] = [];
      for (const format of formats) {
        outputs.push((await api.get(`requests.${format}`)).text);
        outputs.push((await api.get(`requests.${format}`, { service_request_id: ids.join(',') })).text);
        for (const id of ids) outputs.push((await api.get(`requests/${id}.${format}`)).text);
        for (const token of [realtime.token, batch.token]) if (token) outputs.push((await api.get(`tokens/${token}.${format}`)).text);
      }
      for (const output of outputs) {
        for (const [field, value] of Object.entries(personal)) {
          assert.ok(!output.includes(value), `${field} leaked into GET output`);
          assert.ok(!output.includes(`<${field}>`) && !output.includes(`"${field}"`), `${field} appears as a field in GET output`);
        }
      }
    });

    test('P14 the POST answer carries the spec\'s fields: service_request_id or token, service_notice, account_id', async () => {
      for (const format of formats) {
        const created = await api.create({ service_code: POTHOLE, ...inside }, road, { format });
        assert.ok(created.serviceRequestId !== undefined || created.token !== undefined, 'an id or a token');
        const allowed = new Set(['service_request_id', 'token', 'service_notice', 'account_id']);
        for (const key of Object.keys(created.request)) assert.ok(allowed.has(key), `unexpected field ${key} in the POST answer (${format})`);
        if (created.token && created.serviceRequestId) {
          const resolved = asRecords(await api.json(`tokens/${created.token}.json`));
          assert.equal(resolved[0]?.service_request_id, created.serviceRequestId, 'a token given with an id resolves to that id');
        }
      }
    });
  });
}
