/**
 * GeoReport v2 conformance: GET Service Requests (filters, dates, limits, pages) and GET
 * Service Request. Rules and their sources: test/open311/SPEC-NOTES.md (G1–G12).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  Open311, W3C_DATETIME, assertClientError, assertErrors, asRecords, daysFromNow, formats, minutesFromNow, sparkStrings, w3cAt, type Rec,
} from './client.js';
import { BULKY, GRAFFITI, POTHOLE, fixture, inside, potholeAttributes as A } from './fixture-catalogue.js';

const fields = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
const ids = (list: Rec[]) => list.map((r) => String(r.service_request_id));

for (const database of databasesUnderTest()) {
  describe(`Open311 GeoReport v2 GET requests on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    /** What before() created: one pothole, five open graffiti, one closed graffiti, one bulky. */
    const made = { pothole: '', graffiti: [] as string[], closed: '', bulky: '' };
    const mine = () => [made.pothole, ...made.graffiti, made.closed, made.bulky];

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_API_RATE_LIMIT: '0' } });
      api = new Open311(t.baseUrl, t.apiKey);
      const id = async (f: Record<string, string>, attributes = {}) => {
        const created = await api.create(f, attributes);
        if (created.serviceRequestId) return created.serviceRequestId;
        assert.ok(created.token, 'an id or a token');
        const [row] = asRecords(await api.json(`tokens/${created.token}.json`));
        return String(row?.service_request_id);
      };
      made.pothole = await id({ service_code: POTHOLE, ...inside, description: 'Deep pothole' }, { [A.road]: 'Acacia Avenue' });
      for (let i = 0; i < 5; i++) made.graffiti.push(await id({ service_code: GRAFFITI, ...inside, description: `Tag ${i}` }));
      made.closed = await id({ service_code: GRAFFITI, address_string: '9 Acacia Avenue', description: 'Removed already' });
      made.bulky = await id({ service_code: BULKY, address_id: 'UPRN-1' });
      const update = await api.postUpdate({
        update_id: 'get-requests-close-1', service_request_id: made.closed, status: 'CLOSED',
        updated_datetime: w3cAt(new Date()), description: 'Cleaned off',
      });
      assert.ok(update.status === 200 || update.status === 201, `closing a request for the tests: ${update.status} ${update.text}`);
    });
    after(async () => {
      await t?.close();
    });

    test('G1 every request carries the spec\'s fields, typed as the spec shows them', async () => {
      const list = await api.requests();
      for (const id of mine()) assert.ok(ids(list).includes(id), `request ${id} is in the default (last 90 days) list`);
      for (const request of list) {
        for (const field of fields) assert.ok(field in request, `${field} is present`);
        assert.equal(typeof request.service_request_id, 'string', 'service_request_id is a JSON string');
        assert.equal(typeof request.service_code, 'string', 'service_code is a JSON string');
        assert.ok(request.status === 'open' || request.status === 'closed', `status open|closed: ${String(request.status)}`);
        assert.match(String(request.requested_datetime), W3C_DATETIME);
        assert.match(String(request.updated_datetime), W3C_DATETIME);
        if (request.expected_datetime !== null) assert.match(String(request.expected_datetime), W3C_DATETIME);
        for (const coordinate of ['lat', 'long']) {
          const value = request[coordinate];
          assert.ok(value === null || typeof value === 'number', `${coordinate} is a JSON number: ${JSON.stringify(value)}`);
        }
        for (const field of ['status_notes', 'description', 'agency_responsible', 'service_notice', 'address', 'address_id', 'zipcode', 'media_url']) {
          const value = request[field];
          assert.ok(value === null || typeof value === 'string', `${field} is text or null: ${JSON.stringify(value)}`);
        }
      }
      const pothole = list.find((r) => r.service_request_id === made.pothole);
      assert.equal(pothole?.agency_responsible, 'Highways');
      assert.equal(pothole?.service_name, 'Pothole');
    });

    test('G2 requests.xml: <service_requests><request>, same data as JSON', async () => {
      const query = { service_request_id: mine().join(',') };
      assert.deepEqual(await api.requestsXml(query), sparkStrings(await api.requests(query)));
    });

    test('G3 service_request_id: a comma list, which overrides every other filter', async () => {
      const two = [made.pothole, made.closed];
      assert.deepEqual(ids(await api.requests({ service_request_id: two.join(',') })).sort(), [...two].sort());
      const overridden = await api.requests({
        service_request_id: two.join(','), service_code: BULKY, status: 'open',
        start_date: w3cAt(daysFromNow(-60)), end_date: w3cAt(daysFromNow(-59)),
      });
      assert.deepEqual(ids(overridden).sort(), [...two].sort(), 'other filters are ignored');
      assert.deepEqual(ids(await api.requests({ service_request_id: made.bulky })), [made.bulky]);
    });

    test('G4 service_code: one or a comma list', async () => {
      const graffiti = await api.requests({ service_code: GRAFFITI });
      assert.ok(graffiti.every((r) => r.service_code === GRAFFITI));
      assert.deepEqual(ids(graffiti).sort(), [...made.graffiti, made.closed].sort());
      const two = await api.requests({ service_code: `${GRAFFITI},${BULKY}` });
      assert.ok(two.every((r) => r.service_code === GRAFFITI || r.service_code === BULKY));
      assert.deepEqual(ids(two).sort(), [...made.graffiti, made.closed, made.bulky].sort());
    });

    test('G5 status: open, closed, or both', async () => {
      const open = await api.requests({ status: 'open' });
      assert.ok(open.every((r) => r.status === 'open'));
      assert.ok(!ids(open).includes(made.closed) && ids(open).includes(made.pothole));
      const closed = await api.requests({ status: 'closed' });
      assert.ok(closed.every((r) => r.status === 'closed'));
      assert.ok(ids(closed).includes(made.closed));
      const both = await api.requests({ status: 'open,closed' });
      assert.deepEqual(ids(both).sort(), ids(await api.requests()).sort());
      assert.deepEqual(ids(await api.requests({ status: 'closed', service_code: GRAFFITI })), [made.closed]);
    });

    test('G6 an empty parameter means the same as no parameter', async () => {
      const plain = (await api.get('requests.json')).text;
      for (const name of ['status', 'service_code', 'service_request_id', 'start_date', 'end_date', 'jurisdiction_id', 'page', 'page_size']) {
        const result = await api.get('requests.json', { [name]: '' });
        assert.equal(result.status, 200, `${name}=: ${result.text.slice(0, 200)}`);
        assert.equal(result.text, plain, `${name}= answers as if absent`);
      }
    });

    test('G7 start_date and end_date select on requested_datetime, in any zone offset', async () => {
      const now = new Date();
      for (const offset of [0, 330, -480]) {
        const around = await api.requests({ start_date: w3cAt(minutesFromNow(-60), offset), end_date: w3cAt(minutesFromNow(60), offset) });
        for (const id of mine()) assert.ok(ids(around).includes(id), `offset ${offset}: ${id} is in the hour around now`);
        const before = await api.requests({ start_date: w3cAt(daysFromNow(-30), offset), end_date: w3cAt(daysFromNow(-29), offset) });
        for (const id of mine()) assert.ok(!ids(before).includes(id), `offset ${offset}: ${id} is not in a range a month ago`);
      }
      const onlyStart = await api.requests({ start_date: w3cAt(minutesFromNow(-60), 60) });
      for (const id of mine()) assert.ok(ids(onlyStart).includes(id), 'start_date alone: requests after it are included');
      const onlyEnd = await api.requests({ end_date: w3cAt(daysFromNow(-1), -300) });
      for (const id of mine()) assert.ok(!ids(onlyEnd).includes(id), 'end_date alone: requests after it are excluded');
      for (const request of await api.requests({ start_date: w3cAt(minutesFromNow(-60)), end_date: w3cAt(minutesFromNow(60)) })) {
        const at = Date.parse(String(request.requested_datetime));
        assert.ok(at >= now.getTime() - 3_600_000 && at <= now.getTime() + 3_600_000, 'requested_datetime is within the range');
      }
    });

    test('G8 dates must be W3C date-times with a zone; a range may not span more than 90 days', async () => {
      for (const format of formats) {
        for (const bad of ['yesterday', '2026-13-45T00:00:00Z', '2026-01-01T00:00:00', '01/02/2026', '2026-01-01T00:00:00+25:00']) {
          await assertErrors(await api.get(`requests.${format}`, { start_date: bad }), format, 400, `start_date=${bad}`);
          await assertErrors(await api.get(`requests.${format}`, { end_date: bad }), format, 400, `end_date=${bad}`);
        }
        const wide = { start_date: w3cAt(daysFromNow(-100)), end_date: w3cAt(new Date()) };
        await assertErrors(await api.get(`requests.${format}`, wide), format, 400, 'a 100-day range');
      }
      const end = new Date();
      const exactly90 = await api.get('requests.json', { start_date: w3cAt(new Date(end.getTime() - 90 * 86_400_000)), end_date: w3cAt(end) });
      assert.equal(exactly90.status, 200, `90 days is allowed: ${exactly90.text.slice(0, 200)}`);
      const inverted = await api.get('requests.json', { start_date: w3cAt(minutesFromNow(60)), end_date: w3cAt(minutesFromNow(-60)) });
      await assertClientError(inverted, 'json', 'start_date after end_date');
      if (inverted.status === 200) assert.deepEqual(JSON.parse(inverted.text), [], 'an inverted range matches nothing');
    });

    test('G9 an unknown status value is 400; repeated parameters are no crash', async () => {
      for (const format of formats) await assertErrors(await api.get(`requests.${format}`, { status: 'pending' }), format, 400, 'status=pending');
      for (const query of ['status=open&status=closed', 'service_code=a&service_code=b', 'service_request_id=1&service_request_id=2', 'status=open,,closed', 'service_request_id=,,,']) {
        for (const format of formats) await assertClientError(await api.get(`requests.${format}?${query}`), format, query);
      }
    });

    test('G10 GET requests/{id}: one request in a list; unknown is 404', async () => {
      for (const id of [made.pothole, made.closed]) {
        const [fromSearch] = await api.requests({ service_request_id: id });
        const single = asRecords(await api.json(`requests/${id}.json`));
        assert.deepEqual(single, [fromSearch]);
        const doc = await api.xml(`requests/${id}.xml`);
        assert.deepEqual(doc.service_requests, { request: sparkStrings(single) });
      }
      for (const format of formats) {
        await assertErrors(await api.get(`requests/999999999.${format}`), format, 404, 'unknown id');
        await assertErrors(await api.get(`requests/${made.pothole}.${format}`, { jurisdiction_id: 'elsewhere.example' }), format, 404, 'other jurisdiction');
      }
    });

    test('G11 page and page_size (extension): pages do not overlap and cover everything', async () => {
      const all = ids(await api.requests({ service_code: GRAFFITI }));
      assert.equal(all.length, 6);
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const chunk = ids(await api.requests({ service_code: GRAFFITI, page_size: '2', page: String(page) }));
        assert.equal(chunk.length, page <= 3 ? 2 : 0, `page ${page}`);
        for (const id of chunk) assert.ok(!seen.includes(id), `${id} appears on two pages`);
        seen.push(...chunk);
      }
      assert.deepEqual([...seen].sort(), [...all].sort(), 'the pages together hold every request');
      for (const format of formats) {
        for (const query of [{ page: '0' }, { page: '-1' }, { page: 'two' }, { page_size: '0' }, { page_size: '1.5' }] as Array<Record<string, string>>) {
          await assertErrors(await api.get(`requests.${format}`, query), format, 400, JSON.stringify(query));
        }
      }
      const huge = await api.get('requests.json', { page_size: '100000' });
      await assertClientError(huge, 'json', 'page_size=100000');
    });

    test('G12 at most 1,000 requests in one answer; the next page has the rest', async () => {
      const total = 1001;
      let next = 0;
      const worker = async () => {
        while (next < total) {
          next++;
          await api.create({ service_code: GRAFFITI, address_string: `${next} Long Street` });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const first = await api.requests();
      assert.equal(first.length, 1000, '"first 1000 requests returned"');
      const second = await api.requests({ page: '2' });
      assert.ok(second.length > 0, 'page 2 holds the rest');
      const overlap = ids(second).filter((id) => ids(first).includes(id));
      assert.deepEqual(overlap, [], 'pages do not overlap');
      const capped = await api.get('requests.json', { page_size: '5000' });
      await assertClientError(capped, 'json', 'page_size=5000');
      if (capped.status === 200) assert.ok(asRecords(JSON.parse(capped.text)).length <= 1000, 'never more than 1,000');
    });
  });
}
