/**
 * GeoReport v2 conformance: GET service_request_id from a token, and FixMyStreet's
 * servicerequestupdates extension (GET and POST). Rules and sources: SPEC-NOTES.md (T1–T3, U1–U10).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  Open311, W3C_DATETIME, assertErrors, assertJson, assertXml, asRecords, formats, marker, minutesFromNow, sparkStrings, str, w3cAt,
  xmlItems, type Fields, type Rec,
} from './client.js';
import { BULKY, GRAFFITI, fixture, inside } from './fixture-catalogue.js';

for (const database of databasesUnderTest()) {
  describe(`Open311 tokens and servicerequestupdates on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    before(async () => {
      t = await startTownhall(database, fixture);
      api = new Open311(t.baseUrl, t.apiKey);
    });
    after(async () => {
      await t?.close();
    });

    const newRequest = async (extra: Fields = {}): Promise<string> => {
      const created = await api.create({ service_code: GRAFFITI, ...inside, description: 'Tag on the library wall', ...extra });
      assert.ok(created.serviceRequestId);
      return created.serviceRequestId;
    };
    const one = async (id: string): Promise<Rec> => {
      const [request] = asRecords(await api.json(`requests/${id}.json`));
      assert.ok(request);
      return request;
    };
    /** POSTs an update that must be accepted; returns the update_id the server gives it. */
    const update = async (fields: Fields, format: 'json' | 'xml' = 'json'): Promise<string> => {
      const result = await api.postUpdate(fields, { format });
      assert.ok(result.status === 200 || result.status === 201, `update accepted: ${result.status} ${result.text.slice(0, 300)}`);
      const items = format === 'json' ? asRecords(assertJson(result)) : xmlItems(await assertXml(result), 'service_request_updates', 'request_update');
      assert.equal(items.length, 1, 'the answer lists one request_update');
      const id = items[0]?.update_id;
      assert.equal(typeof id, 'string', 'update_id is a string');
      return id as string;
    };
    const updates = async (query: Record<string, string>): Promise<Rec[]> => asRecords(await api.json('servicerequestupdates.json', query));
    const window = () => ({ start_date: w3cAt(minutesFromNow(-180)), end_date: w3cAt(minutesFromNow(5)) });

    for (const format of formats) {
      test(`T1 GET tokens/{token}: [{service_request_id, token}] for a batch request (${format})`, async () => {
        const created = await api.create({ service_code: BULKY, address_string: '4 Acacia Avenue' }, {}, { format });
        assert.ok(created.token, 'a batch service answers with a token');
        let rows: Rec[];
        if (format === 'json') rows = asRecords(await api.json(`tokens/${created.token}.json`));
        else rows = xmlItems(await api.xml(`tokens/${created.token}.xml`), 'service_requests', 'request');
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.token, created.token, 'token: "The token ID used to make this call"');
        const id = str(rows[0] as Rec, 'service_request_id');
        assert.equal((await one(id)).service_code, BULKY);
      });

      test(`T2 an unknown token is 404 (${format})`, async () => {
        await assertErrors(await api.get(`tokens/no-such-token.${format}`), format, 404);
        await assertErrors(await api.get(`tokens/${encodeURIComponent("' OR 1=1 --")}.${format}`), format, 404);
      });
    }

    test('T3 a realtime answer that also carries a token: the token resolves to the same id', async () => {
      const created = await api.create({ service_code: GRAFFITI, ...inside });
      if (!created.token) return;
      const [row] = asRecords(await api.json(`tokens/${created.token}.json`));
      assert.equal(row?.service_request_id, created.serviceRequestId);
    });

    test('U1 POST servicerequestupdates needs an api_key: missing, wrong or revoked is 403', async () => {
      const id = await newRequest();
      const fields = { update_id: marker('u1'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(new Date()), description: 'Done' };
      const key = await t.createApiKey('conformance: back office, revoked later');
      await t.revokeApiKey(key.id);
      for (const format of formats) {
        await assertErrors(await api.postUpdate(fields, { format, apiKey: null }), format, 403, `missing (${format})`);
        await assertErrors(await api.postUpdate(fields, { format, apiKey: 'wrong-key' }), format, 403, `wrong (${format})`);
        await assertErrors(await api.postUpdate(fields, { format, apiKey: key.key }), format, 403, `revoked (${format})`);
      }
      assert.equal((await one(id)).status, 'open', 'a refused update changes nothing');
    });

    for (const format of formats) {
      test(`U2 a CLOSED update closes the request, dated when it was closed (${format})`, async () => {
        const id = await newRequest();
        const closedAt = minutesFromNow(-30);
        const updateId = await update({
          update_id: marker('bo'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(closedAt, 60), description: 'Cleaned off by the crew',
        }, format);
        assert.ok(updateId.length > 0);
        const request = await one(id);
        assert.equal(request.status, 'closed');
        assert.match(String(request.updated_datetime), W3C_DATETIME);
        assert.equal(Date.parse(String(request.updated_datetime)), Math.floor(closedAt.getTime() / 1000) * 1000,
          'updated_datetime: "For requests with status=closed, this will be the date the request was closed"');
      });
    }

    test('U3 GET servicerequestupdates lists the update with the extension\'s fields, in JSON and XML', async () => {
      const id = await newRequest();
      const at = minutesFromNow(-10);
      const updateId = await update({
        update_id: marker('list'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(at), description: 'Removed — merci',
        media_url: 'https://photos.example/after.jpg',
      });
      const list = await updates(window());
      const found = list.find((u) => u.update_id === updateId);
      assert.ok(found, 'the update is listed under the update_id the POST answered');
      assert.equal(found.service_request_id, id);
      assert.equal(found.status, 'CLOSED');
      assert.equal(found.description, 'Removed — merci');
      assert.equal(found.media_url, 'https://photos.example/after.jpg');
      assert.match(String(found.updated_datetime), W3C_DATETIME);
      assert.equal(Date.parse(String(found.updated_datetime)), Math.floor(at.getTime() / 1000) * 1000);
      for (const u of list) {
        for (const field of ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']) assert.ok(field in u, `${field} present`);
        assert.equal(typeof u.update_id, 'string');
        assert.equal(typeof u.service_request_id, 'string');
      }
      const xml = xmlItems(await api.xml('servicerequestupdates.xml', window()), 'service_request_updates', 'request_update');
      assert.deepEqual(xml, sparkStrings(list));
    });

    test('U4 start_date and end_date select updates; bad dates are 400', async () => {
      const id = await newRequest();
      const updateId = await update({ update_id: marker('range'), service_request_id: id, status: 'IN_PROGRESS', updated_datetime: w3cAt(minutesFromNow(-5)), description: 'Booked in' });
      const earlier = await updates({ start_date: w3cAt(minutesFromNow(-3 * 24 * 60)), end_date: w3cAt(minutesFromNow(-2 * 24 * 60)) });
      assert.ok(!earlier.some((u) => u.update_id === updateId), 'not in a window two days ago');
      assert.ok((await updates(window())).some((u) => u.update_id === updateId));
      for (const format of formats) {
        for (const bad of ['soon', '2026-02-30T00:00:00Z', '2026-01-01T10:00:00']) {
          await assertErrors(await api.get(`servicerequestupdates.${format}`, { start_date: bad }), format, 400, `start_date=${bad}`);
        }
      }
    });

    test('U5 FixMyStreet\'s extended statuses: IN_PROGRESS keeps it open, FIXED closes, OPEN reopens', async () => {
      const id = await newRequest();
      const step = async (status: string, expected: 'open' | 'closed', minutesAgo: number) => {
        await update({ update_id: marker(status), service_request_id: id, status, updated_datetime: w3cAt(minutesFromNow(-minutesAgo)), description: `Now ${status}` });
        assert.equal((await one(id)).status, expected, `after ${status}`);
      };
      const steps: Array<[string, 'open' | 'closed']> = [
        ['IN_PROGRESS', 'open'], ['ACTION_SCHEDULED', 'open'], ['FIXED', 'closed'], ['OPEN', 'open'], ['INVESTIGATING', 'open'],
        ['DUPLICATE', 'closed'], ['OPEN', 'open'], ['NO_FURTHER_ACTION', 'closed'], ['OPEN', 'open'], ['INTERNAL_REFERRAL', 'closed'],
        ['OPEN', 'open'], ['NOT_COUNCILS_RESPONSIBILITY', 'closed'],
      ];
      for (const [index, [status, expected]] of steps.entries()) await step(status, expected, 60 - index * 5);
      const listed = (await updates(window())).filter((u) => u.service_request_id === id).map((u) => u.status);
      for (const status of ['IN_PROGRESS', 'FIXED', 'OPEN']) assert.ok(listed.includes(status), `${status} listed: ${listed.join(',')}`);
    });

    test('U6 an unknown status is 400', async () => {
      const id = await newRequest();
      for (const format of formats) {
        const result = await api.postUpdate({ update_id: marker('bad'), service_request_id: id, status: 'BANANA', updated_datetime: w3cAt(new Date()), description: 'x' }, { format });
        await assertErrors(result, format, 400);
      }
    });

    test('U7 a duplicate update_id is 400 with a clear message, and changes nothing', async () => {
      const id = await newRequest();
      const fields = { update_id: marker('dup'), service_request_id: id, status: 'IN_PROGRESS', updated_datetime: w3cAt(minutesFromNow(-2)), description: 'First' };
      await update(fields);
      for (const format of formats) {
        const errors = await assertErrors(await api.postUpdate({ ...fields, status: 'CLOSED', description: 'Again' }, { format }), format, 400, `duplicate (${format})`);
        assert.ok(errors.some((e) => /already|duplicate|exists|twice|used/i.test(e.description)), `the message says why: ${errors.map((e) => e.description).join(' | ')}`);
      }
      assert.equal((await one(id)).status, 'open');
    });

    test('U8 an update for a request that does not exist is refused (404, or 400 as FixMyStreet does)', async () => {
      for (const format of formats) {
        const result = await api.postUpdate({ update_id: marker('ghost'), service_request_id: '999999999', status: 'CLOSED', updated_datetime: w3cAt(new Date()), description: 'x' }, { format });
        await assertErrors(result, format, [404, 400], `unknown request (${format})`);
      }
    });

    test('U9 update_id, service_request_id, status and updated_datetime are required; datetimes need a zone', async () => {
      const id = await newRequest();
      const full: Record<string, string> = { update_id: marker('req'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(new Date()), description: 'x' };
      for (const missing of ['update_id', 'service_request_id', 'status', 'updated_datetime']) {
        for (const format of formats) {
          const rest = { ...full };
          delete rest[missing];
          await assertErrors(await api.postUpdate(rest, { format }), format, 400, `without ${missing} (${format})`);
          await assertErrors(await api.postUpdate({ ...full, [missing]: '' }, { format }), format, 400, `empty ${missing} (${format})`);
        }
      }
      for (const bad of ['2026-01-01T10:00:00', 'now', '2026-01-01']) {
        await assertErrors(await api.postUpdate({ ...full, update_id: marker('dt'), updated_datetime: bad }), 'json', 400, `updated_datetime=${bad}`);
      }
      assert.equal((await one(id)).status, 'open');
    });

    test('U10 the reporter\'s personal details never appear in servicerequestupdates', async () => {
      const personal = { email: `${marker('m')}@example.org`, first_name: marker('F'), last_name: marker('L'), phone: `+44 20 ${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, device_id: marker('dev'), account_id: marker('acc') };
      const id = await newRequest(personal);
      await update({ update_id: marker('pd'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(new Date()), description: 'Thanks' });
      for (const format of formats) {
        const text = (await api.get(`servicerequestupdates.${format}`, window())).text;
        for (const [field, value] of Object.entries(personal)) assert.ok(!text.includes(value), `${field} leaked (${format})`);
      }
    });
  });
}
