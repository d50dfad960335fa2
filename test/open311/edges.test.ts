/**
 * Open311 inputs at the edges, on every database under test: dates at the calendar's edges in
 * searches and status updates (year 1, year 9999) are a 400 that names the accepted years, ids
 * past what a record can have are "not found", and an error list never grows with the number of
 * unknown attribute keys sent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import { fixture, GRAFFITI, POTHOLE } from './fixture-catalogue.js';

type Errors = Array<{ code: number; description: string }>;

for (const database of databasesUnderTest()) {
  describe(`Open311 edges on ${database.name}`, () => {
    let t: RunningTownhall;
    let requestId = '';
    before(async () => {
      t = await startTownhall(database, fixture);
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'reporter@example.org' }),
      });
      requestId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    });
    after(() => t.close());

    test('dates at the calendar edges in a search are a 400 naming the accepted years', async () => {
      const queries: Array<Record<string, string>> = [{ start_date: '9999-12-31T23:59:59Z' }, { end_date: '0001-01-01T00:00:00Z' }, { start_date: '0001-01-01T00:00:00Z', end_date: '0001-02-01T00:00:00Z' }];
      for (const query of queries) {
        for (const path of ['requests.json', 'servicerequestupdates.json']) {
          const response = await fetch(`${t.baseUrl}/open311/v2/${path}?${new URLSearchParams(query)}`);
          assert.equal(response.status, 400, `${path} ${JSON.stringify(query)}`);
          const [error] = (await response.json()) as Errors;
          assert.match(error!.description, /between the years 1900 and 2999/);
        }
      }
    });

    test('a status update dated in year 1 (or 9999) is refused', async () => {
      const actions = async () => (await t.db.selectFrom('case_actions').select('id').where('case_id', '=', Number(requestId)).execute()).length;
      const before = await actions();
      for (const when of ['0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '9999-01-01T00:00:00Z']) {
        const response = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json`, {
          method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, update_id: `u-${when}`, service_request_id: requestId, status: 'IN_PROGRESS', updated_datetime: when }),
        });
        assert.equal(response.status, 400, when);
        assert.match(((await response.json()) as Errors)[0]!.description, /updated_datetime .*between the years 1900 and 2999/);
      }
      assert.equal(await actions(), before, 'nothing recorded');
    });

    test('an id past what any record can have is not found, in the path and in a list', async () => {
      for (const id of ['2147483648', '9223372036854775808', '0']) {
        assert.equal((await fetch(`${t.baseUrl}/open311/v2/requests/${id}.json`)).status, 404, id);
        const listed = await fetch(`${t.baseUrl}/open311/v2/requests.json?service_request_id=${id},${requestId}`);
        assert.equal(listed.status, 200, id);
        assert.deepEqual(((await listed.json()) as Array<{ service_request_id: string }>).map((r) => r.service_request_id), [requestId]);
      }
    });

    test('hundreds of unknown attribute keys give a short error list that says how many more', async () => {
      const body = new URLSearchParams({ api_key: t.apiKey, service_code: POTHOLE, lat: '51.5', long: '-0.1', 'attribute[road_name]': 'High Street' });
      for (let i = 0; i < 500; i++) body.set(`attribute[bogus_${i}_${'x'.repeat(200)}]`, 'x');
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body });
      assert.equal(response.status, 400);
      const text = await response.text();
      const errors = JSON.parse(text) as Errors;
      assert.ok(errors.length <= 12, `${errors.length} errors`);
      assert.ok(errors.some((e) => /490 more of the codes sent \(500 unknown in all\)/.test(e.description)), text.slice(0, 500));
      assert.ok(text.length < 5_000, `the answer stays short: ${text.length} characters`);
    });
  });
}
