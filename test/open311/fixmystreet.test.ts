/**
 * Open311 as real clients use it (issue 13): FixMyStreet's sequence of calls, idempotent POST
 * requests, residents' comments from a front end's key, unknown filters refused,
 * updated_after/updated_before, discovery under /v2 and CORS on public reads. Each step checks
 * the case's state and its actions in the database, not only the HTTP answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createApiKey } from '../../src/apikeys/apikeys.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  Open311, assertErrors, asRecords, encodeForm, formats, marker, minutesFromNow, parseXml, post, w3cAt, xmlItems, type Attributes, type Fields,
} from './client.js';
import { GRAFFITI, POTHOLE, fixture, inside, potholeAttributes } from './fixture-catalogue.js';

/** FixMyStreet's own id for a report, as its Open311 client sends it with every new request. */
const EXTERNAL_ID = 'fixmystreet_id';

for (const database of databasesUnderTest()) {
  describe(`Open311 as FixMyStreet and other clients use it on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_OPEN311_EXTERNAL_ID_ATTRIBUTE: EXTERNAL_ID, TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES: 'keep' } });
      api = new Open311(t.baseUrl, t.apiKey);
    });
    after(async () => {
      await t?.close();
    });

    const caseRow = (id: string) => t.db.selectFrom('cases').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    const actionsOf = (id: string) => t.db.selectFrom('case_actions').selectAll().where('case_id', '=', Number(id)).orderBy('id').execute();
    const auditOf = async (id: string, action: string) => (await t.db.selectFrom('audit_log').select('seq')
      .where('entity_type', '=', 'service_request').where('entity_id', '=', id).where('action', '=', action).execute()).length;
    const countCases = async () => Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const postRequest = (fields: Fields, attributes: Attributes = {}, headers: Record<string, string> = {}, apiKey = t.apiKey) =>
      fetch(`${api.v2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: encodeForm({ api_key: apiKey, ...fields }, attributes) });
    const postUpdate = (fields: Fields, apiKey = t.apiKey) =>
      fetch(`${api.v2}/servicerequestupdates.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeForm({ api_key: apiKey, ...fields }) });
    const firstOf = async (response: Response) => asRecords(await response.json())[0]!;

    test('F1 a FixMyStreet-shaped sequence: new report with attributes of its own, FOR_TRIAGE, two photos, a retried update_id, CANCELLED', async () => {
      const fmsId = marker('fms');
      const report = { service_code: GRAFFITI, ...inside, description: 'Tag on the bus shelter', email: 'fms-user@example.org', first_name: 'Ada', last_name: 'L' };
      const extra = { [EXTERNAL_ID]: fmsId, title: 'Graffiti on shelter', report_url: `https://fms.example/report/${fmsId}`, easting: '529090', northing: '179645' };
      const before = await countCases();
      const first = await postRequest(report, extra);
      assert.equal(first.status, 201, await first.clone().text());
      const made = await firstOf(first);
      const id = String(made.service_request_id);
      assert.equal(await countCases(), before + 1);

      // The report: open and new; FixMyStreet's attributes kept beside it, not as answers.
      let row = await caseRow(id);
      assert.equal(row.status, 'open');
      assert.equal(row.state, 'submitted');
      assert.deepEqual(JSON.parse(row.attributes), {}, 'no answers: the service asks no questions');
      let actions = await actionsOf(id);
      assert.deepEqual(actions.map((a) => a.action), ['submitted']);
      const submitted = JSON.parse(actions[0]!.details) as { sentAlongside?: { externalId?: string; attributes?: Record<string, string> } };
      assert.equal(submitted.sentAlongside?.externalId, fmsId);
      assert.deepEqual(submitted.sentAlongside?.attributes, { title: extra.title, report_url: extra.report_url, easting: '529090', northing: '179645' });
      const [listed] = await api.requests({ service_request_id: id });
      assert.ok(!JSON.stringify(listed).includes(extra.report_url), 'extra data is for staff, not in the public answer');

      // FixMyStreet lost the answer and sends the same report again: the same request comes back.
      const again = await postRequest(report, extra);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const repeated = await firstOf(again);
      assert.equal(repeated.service_request_id, id);
      assert.equal(repeated.token, made.token);
      assert.equal(await countCases(), before + 1, 'no second case');

      const step = async (fields: Fields) => {
        const response = await postUpdate({ service_request_id: id, ...fields });
        assert.equal(response.status, 201, `${String(fields.status)}: ${await response.clone().text()}`);
        return { updateId: String((await firstOf(response)).update_id), replayed: response.headers.get('idempotent-replayed') === 'true' };
      };

      const triage = await step({ update_id: marker('u-triage'), status: 'FOR_TRIAGE', updated_datetime: w3cAt(minutesFromNow(-30)), description: 'Sent to the triage team' });
      assert.equal(triage.replayed, false);
      row = await caseRow(id);
      assert.equal(row.status, 'open');
      assert.equal(row.state, 'submitted', 'FOR_TRIAGE is the workflow\'s first state: received, waiting to be looked at');
      actions = await actionsOf(id);
      assert.deepEqual(actions.map((a) => [a.action, a.status, a.state]), [['submitted', 'open', 'submitted'], ['status_update', 'open', 'submitted']]);

      const photos = ['https://fms.example/photo/1.jpeg', 'https://fms.example/photo/2.jpeg'];
      const photoUpdate = { update_id: marker('u-photos'), status: 'ACTION_SCHEDULED', updated_datetime: w3cAt(minutesFromNow(-20)), description: 'Crew booked', media_url: photos };
      const scheduled = await step(photoUpdate);
      assert.equal(scheduled.replayed, false);
      row = await caseRow(id);
      assert.equal(row.state, 'action_scheduled');
      actions = await actionsOf(id);
      const photoAction = actions.at(-1)!;
      assert.equal(photoAction.media_url, photos[0]);
      assert.deepEqual((JSON.parse(photoAction.details) as { mediaUrls?: string[] }).mediaUrls, photos, 'both photos kept');

      // The same update again (its answer was lost): the first answer, nothing applied twice.
      const retried = await step(photoUpdate);
      assert.equal(retried.updateId, scheduled.updateId);
      assert.equal(retried.replayed, true);
      assert.equal((await actionsOf(id)).length, actions.length, 'no second action');
      // The same update_id with something else is refused, as FixMyStreet's receiver does.
      const changed = await postUpdate({ service_request_id: id, ...photoUpdate, description: 'Something else' });
      const errors = await assertErrors({ status: changed.status, contentType: changed.headers.get('content-type') ?? '', text: await changed.text() }, 'json', 400);
      assert.match(errors[0]!.description, /already received with different content/);

      await step({ update_id: marker('u-cancel'), status: 'CANCELLED', updated_datetime: w3cAt(minutesFromNow(-10)), description: 'Withdrawn by the reporter' });
      row = await caseRow(id);
      assert.equal(row.status, 'closed');
      assert.equal(row.state, 'cancelled');
      assert.ok(row.closed_at, 'closed_at set');
      actions = await actionsOf(id);
      assert.deepEqual(actions.map((a) => a.state), ['submitted', 'submitted', 'action_scheduled', 'cancelled']);
      assert.equal(await auditOf(id, 'service_request.status_updated'), 3, 'one audit entry per update applied');

      // GET servicerequestupdates lists each status as FixMyStreet sent it.
      const listedUpdates = asRecords(await api.json('servicerequestupdates.json', { start_date: w3cAt(minutesFromNow(-60)), end_date: w3cAt(minutesFromNow(5)) }))
        .filter((u) => u.service_request_id === id).map((u) => u.status);
      assert.deepEqual(listedUpdates, ['FOR_TRIAGE', 'ACTION_SCHEDULED', 'CANCELLED']);
      assert.equal((await api.requests({ service_request_id: id }))[0]?.status, 'closed');
    });

    test('F2 every FixMyStreet status is accepted, with the public status and case state the map gives', async () => {
      const created = await api.create({ service_code: GRAFFITI, ...inside });
      const id = created.serviceRequestId!;
      const expected: Array<[string, 'open' | 'closed', string]> = [
        ['FOR_TRIAGE', 'open', 'submitted'], ['INVESTIGATING', 'open', 'investigating'], ['ACTION_SCHEDULED', 'open', 'action_scheduled'],
        ['IN_PROGRESS', 'open', 'in_progress'], ['FIXED', 'closed', 'fixed'], ['OPEN', 'open', 'open'], ['DUPLICATE', 'closed', 'duplicate'],
        ['REOPEN', 'open', 'reopen'], ['NOT_COUNCILS_RESPONSIBILITY', 'closed', 'not_councils_responsibility'], ['OPEN', 'open', 'open'],
        ['NO_FURTHER_ACTION', 'closed', 'no_further_action'], ['OPEN', 'open', 'open'], ['INTERNAL_REFERRAL', 'closed', 'internal_referral'],
        ['OPEN', 'open', 'open'], ['CANCELLED', 'closed', 'cancelled'], ['OPEN', 'open', 'open'], ['CLOSED', 'closed', 'closed'],
      ];
      for (const [index, [status, publicStatus, state]] of expected.entries()) {
        const response = await postUpdate({ update_id: marker(status), service_request_id: id, status, updated_datetime: w3cAt(minutesFromNow(-60 + index)) });
        assert.equal(response.status, 201, `${status}: ${await response.text()}`);
        const row = await caseRow(id);
        assert.deepEqual([row.status, row.state], [publicStatus, state], `after ${status}`);
      }
    });

    test('F3 an Idempotency-Key header: a retry returns the first result; the key with another request is 422; keys are per API key and expire', async () => {
      const key = marker('idem');
      const fields = { service_code: GRAFFITI, ...inside, description: 'Idempotent report' };
      const before = await countCases();
      const first = await postRequest(fields, {}, { 'Idempotency-Key': key });
      assert.equal(first.status, 201);
      const made = await firstOf(first);
      for (const format of formats) {
        const retried = await fetch(`${api.v2}/requests.${format}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: encodeForm({ api_key: t.apiKey, ...fields }) });
        assert.equal(retried.status, 201, `retry (${format}) has the first status code`);
        const text = await retried.text();
        const row = format === 'json' ? asRecords(JSON.parse(text))[0]! : xmlItems(parseXml(text), 'service_requests', 'request')[0]!;
        assert.equal(row.service_request_id, made.service_request_id, `same service_request_id (${format})`);
      }
      assert.equal(await countCases(), before + 1);

      // The same key for a different request: refused, and nothing made.
      for (const format of formats) {
        const reused = await fetch(`${api.v2}/requests.${format}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: encodeForm({ api_key: t.apiKey, ...fields, description: 'Another report' }) });
        const errors = await assertErrors({ status: reused.status, contentType: reused.headers.get('content-type') ?? '', text: await reused.text() }, format, 422, `reused key (${format})`);
        assert.match(errors[0]!.description, /different request/);
      }
      assert.equal(await countCases(), before + 1);

      // Another client's key space: the same key is a new request for it.
      const other = await createApiKey(t.db, { name: 'another client' }, 'test');
      const theirs = await postRequest(fields, {}, { 'Idempotency-Key': key }, other.key);
      assert.equal(theirs.status, 201);
      assert.notEqual((await firstOf(theirs)).service_request_id, made.service_request_id);

      // Kept in the database with an expiry; once expired, the key starts afresh.
      const stored = await t.db.selectFrom('open311_idempotency_keys').selectAll().where('idempotency_key', '=', `header:${key}`).execute();
      assert.equal(stored.length, 2, 'one row per API key');
      for (const row of stored) assert.ok(Date.parse(row.expires_at) - Date.parse(row.created_at) === 24 * 3_600_000, 'the default expiry is 24 hours');
      await t.db.updateTable('open311_idempotency_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('idempotency_key', '=', `header:${key}`).execute();
      const afresh = await postRequest(fields, {}, { 'Idempotency-Key': key });
      assert.equal(afresh.status, 201);
      assert.notEqual((await firstOf(afresh)).service_request_id, made.service_request_id);
      assert.equal(await countCases(), before + 3);

      // Bad keys are a clear 400.
      const long = await postRequest(fields, {}, { 'Idempotency-Key': 'x'.repeat(300) });
      await assertErrors({ status: long.status, contentType: long.headers.get('content-type') ?? '', text: await long.text() }, 'json', 400);
    });

    test('F4 the same idempotent request sent twice at once makes one case, and both get its id', async () => {
      const key = marker('race');
      const fields = { service_code: GRAFFITI, ...inside, description: 'Sent twice at once' };
      const before = await countCases();
      const answers = await Promise.all([0, 1, 2].map(() => postRequest(fields, {}, { 'Idempotency-Key': key })));
      const ids = await Promise.all(answers.map(async (a) => {
        assert.equal(a.status, 201, await a.clone().text());
        return (await firstOf(a)).service_request_id;
      }));
      assert.equal(new Set(ids).size, 1, `one id: ${ids.join(',')}`);
      assert.equal(await countCases(), before + 1);
    });

    test('F5 unknown attributes are refused with a clear 400 where the council does not keep them', async () => {
      t.config.open311.unknownAttributes = 'refuse';
      try {
        const refused = await postRequest({ service_code: GRAFFITI, ...inside }, { easting: '529090' });
        const errors = await assertErrors({ status: refused.status, contentType: refused.headers.get('content-type') ?? '', text: await refused.text() }, 'json', 400);
        assert.ok(errors.some((e) => e.description.includes('"easting"')), JSON.stringify(errors));
        // The external id attribute is the request's own id, never an unknown question.
        const withId = await postRequest({ service_code: GRAFFITI, ...inside }, { [EXTERNAL_ID]: marker('fms') });
        assert.equal(withId.status, 201, await withId.clone().text());
        const id = String((await firstOf(withId)).service_request_id);
        const update = await postUpdate({ update_id: marker('u'), service_request_id: id, status: 'OPEN', updated_datetime: w3cAt(new Date()), 'attribute[raise_defect]': '1' });
        const updateErrors = await assertErrors({ status: update.status, contentType: update.headers.get('content-type') ?? '', text: await update.text() }, 'json', 400);
        assert.match(updateErrors[0]!.description, /"raise_defect"/);
        assert.equal((await actionsOf(id)).length, 1, 'nothing applied');
      } finally {
        t.config.open311.unknownAttributes = 'keep';
      }
      // Kept where the council allows it: an update's attributes are in its action's details.
      const created = await api.create({ service_code: POTHOLE, ...inside }, { [potholeAttributes.road]: 'Acacia Avenue', fms_category: 'Roads' });
      const id = created.serviceRequestId!;
      const row = await caseRow(id);
      assert.deepEqual(JSON.parse(row.attributes), { [potholeAttributes.road]: 'Acacia Avenue' }, 'the service\'s own question is an answer');
      const submitted = JSON.parse((await actionsOf(id))[0]!.details) as { sentAlongside?: unknown };
      assert.deepEqual(submitted.sentAlongside, { attributes: { fms_category: 'Roads' } });
      const response = await postUpdate({ update_id: marker('u'), service_request_id: id, status: 'INVESTIGATING', updated_datetime: w3cAt(new Date()), 'attribute[raise_defect]': '1' });
      assert.equal(response.status, 201);
      assert.deepEqual((JSON.parse((await actionsOf(id)).at(-1)!.details) as { sentAlongside?: unknown }).sentAlongside, { raise_defect: '1' });
    });

    test('F6 a key that acts for a front end posts residents\' comments: kept for staff, the status unchanged, a retry answered once', async () => {
      const frontEnd = await createApiKey(t.db, { name: 'FixMyStreet (front end)', scopes: ['open311:submit', 'open311:update', 'open311:front-end'] }, 'test');
      const created = await api.create({ service_code: GRAFFITI, ...inside });
      const id = created.serviceRequestId!;
      const comment = {
        update_id: marker('c'), service_request_id: id, status: 'CLOSED', updated_datetime: w3cAt(minutesFromNow(-1)),
        description: 'Still there this morning', email: 'neighbour@example.org', first_name: 'Nia', last_name: 'B', media_url: 'https://fms.example/photo/9.jpeg',
      };
      const first = await postUpdate(comment, frontEnd.key);
      assert.equal(first.status, 201, await first.clone().text());
      const updateId = String((await firstOf(first)).update_id);
      let row = await caseRow(id);
      assert.deepEqual([row.status, row.state], ['open', 'submitted'], 'a resident\'s comment does not change the status');
      const actions = await actionsOf(id);
      const added = actions.at(-1)!;
      assert.equal(String(added.id), updateId);
      assert.deepEqual([added.action, added.status, added.state, added.public, added.description], ['resident_comment', null, null, 0, 'Still there this morning']);
      assert.equal((JSON.parse(added.details) as { reportedStatus?: string }).reportedStatus, 'closed');
      assert.ok(!added.details.includes('neighbour@example.org'), 'the commenter\'s contact details are not kept');
      assert.equal(await auditOf(id, 'service_request.resident_comment_added'), 1);
      // Retried: the same answer, no second comment.
      const again = await postUpdate(comment, frontEnd.key);
      assert.equal(again.status, 201);
      assert.equal(String((await firstOf(again)).update_id), updateId);
      assert.equal((await actionsOf(id)).length, actions.length);
      // Not listed as a status update, and the same update_id from the back office is its own.
      const listed = asRecords(await api.json('servicerequestupdates.json', { start_date: w3cAt(minutesFromNow(-10)), end_date: w3cAt(minutesFromNow(5)) }));
      assert.ok(!listed.some((u) => u.service_request_id === id));
      const backOffice = await postUpdate({ ...comment, description: 'Cleaned' });
      assert.equal(backOffice.status, 201);
      row = await caseRow(id);
      assert.equal(row.status, 'closed', 'the back office\'s key still changes the status');
    });

    test('F7 a filter Townhall does not know is refused with a 400 that names it; api_key and a cache-buster are allowed', async () => {
      for (const format of formats) {
        for (const [path, query, name] of [
          ['requests', { radius: '500' }, 'radius'], ['requests', { lat: '51.5', long: '-0.1' }, 'lat'], ['requests', { agency_responsible: 'Highways' }, 'agency_responsible'],
          ['servicerequestupdates', { service_request_id: '1' }, 'service_request_id'], ['services', { group: 'streets' }, 'group'],
          [`requests/${(await api.create({ service_code: GRAFFITI, ...inside })).serviceRequestId}`, { extensions: 'true' }, 'extensions'], ['discovery', { x: '1' }, 'x'],
        ] as const) {
          const errors = await assertErrors(await api.get(`${path}.${format}`, query), format, 400, `${path} ${JSON.stringify(query)} (${format})`);
          assert.ok(errors.some((e) => e.description.includes(`"${name}"`)), `the message names ${name}: ${errors[0]?.description}`);
        }
        const withKey = await api.get(`requests.${format}`, { api_key: t.apiKey, status: 'open' });
        assert.equal(withKey.status, 200);
        const cacheBusted = await api.get(`services.${format}`, { _: '1733580000000' });
        assert.equal(cacheBusted.status, 200, 'the cache-buster browser libraries add ("_") is not a filter');
      }
    });

    test('F8 updated_after and updated_before select on when a request was last updated', async () => {
      const recent = (await api.create({ service_code: GRAFFITI, ...inside, description: 'Updated just now' })).serviceRequestId!;
      const older = (await api.create({ service_code: GRAFFITI, ...inside, description: 'Updated three days ago' })).serviceRequestId!;
      // A back office's update dated three days ago: the request was last updated then.
      const response = await postUpdate({ update_id: marker('old'), service_request_id: older, status: 'INVESTIGATING', updated_datetime: w3cAt(minutesFromNow(-3 * 24 * 60)) });
      assert.equal(response.status, 201);
      const ids = async (query: Record<string, string>) => (await api.requests(query)).map((r) => r.service_request_id);

      const lastHour = await ids({ updated_after: w3cAt(minutesFromNow(-60)) });
      assert.ok(lastHour.includes(recent) && !lastHour.includes(older), `updated_after: ${lastHour.join(',')}`);
      const beforeYesterday = await ids({ updated_before: w3cAt(minutesFromNow(-2 * 24 * 60)) });
      assert.ok(beforeYesterday.includes(older) && !beforeYesterday.includes(recent), `updated_before: ${beforeYesterday.join(',')}`);
      const both = await ids({ updated_after: w3cAt(minutesFromNow(-4 * 24 * 60)), updated_before: w3cAt(minutesFromNow(5)) });
      assert.ok(both.indexOf(recent) < both.indexOf(older) && both.indexOf(older) >= 0, 'latest update first');
      // With start_date and end_date too: both ranges apply.
      const narrowed = await ids({ updated_before: w3cAt(minutesFromNow(-2 * 24 * 60)), start_date: w3cAt(minutesFromNow(-10)), end_date: w3cAt(minutesFromNow(5)) });
      assert.ok(narrowed.includes(older) && !narrowed.includes(recent));
      const xml = (await api.requestsXml({ updated_after: w3cAt(minutesFromNow(-60)) })).map((r) => r.service_request_id);
      assert.deepEqual(xml, lastHour, 'the same in XML');
      for (const format of formats) {
        const bads: Array<Record<string, string>> = [{ updated_after: 'yesterday' }, { updated_before: '2026-01-01T10:00:00' }, { updated_after: w3cAt(minutesFromNow(-200 * 24 * 60)), updated_before: w3cAt(new Date()) },
          { updated_after: w3cAt(new Date()), updated_before: w3cAt(minutesFromNow(-60)) }];
        for (const bad of bads) {
          await assertErrors(await api.get(`requests.${format}`, bad), format, 400, `${JSON.stringify(bad)} (${format})`);
        }
      }
    });

    test('F9 the index on updated_at serves updated_after and updated_before', async () => {
      const from = minutesFromNow(-60).toISOString();
      const to = new Date().toISOString();
      let plan: string;
      if (database.name === 'sqlite') {
        const rows = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT id FROM cases WHERE jurisdiction_id = ${t.jurisdiction.id} AND kind = 'service_request' AND updated_at >= ${from} AND updated_at <= ${to} ORDER BY updated_at DESC, id DESC LIMIT 1000`.execute(t.db);
        plan = rows.rows.map((r) => r.detail).join('\n');
      } else {
        plan = await t.db.transaction().execute(async (trx) => {
          // Few rows make a sequential scan cheapest; forbid it to see the plan a large table gets.
          await sql`SET LOCAL enable_seqscan = off`.execute(trx);
          const rows = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM cases WHERE jurisdiction_id = ${t.jurisdiction.id} AND kind = 'service_request' AND updated_at >= ${from} AND updated_at <= ${to} ORDER BY updated_at DESC, id DESC LIMIT 1000`.execute(trx);
          return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      }
      assert.match(plan, /cases_updated_at/, plan);
    });

    test('F10 discovery also answers under /open311/v2/, in JSON and XML', async () => {
      for (const format of formats) {
        const atRoot = await fetch(`${t.baseUrl}/open311/discovery.${format}`);
        const underV2 = await fetch(`${api.v2}/discovery.${format}`);
        assert.equal(underV2.status, 200);
        assert.equal(underV2.headers.get('content-type'), atRoot.headers.get('content-type'));
        assert.equal(await underV2.text(), await atRoot.text());
      }
    });

    test('F11 CORS: public reads allow any origin; preflight allows GET and HEAD only; writes carry no CORS header', async () => {
      const origin = { origin: 'https://app.example' };
      for (const path of ['discovery.json', 'v2/services.xml', 'v2/requests.json', 'v2/servicerequestupdates.json', 'v2/requests/999999999.json']) {
        const response = await fetch(`${t.baseUrl}/open311/${path}`, { headers: origin });
        assert.equal(response.headers.get('access-control-allow-origin'), '*', `${path} (${response.status})`);
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
        await response.arrayBuffer();
      }
      const head = await fetch(`${api.v2}/services.json`, { method: 'HEAD', headers: origin });
      assert.equal(head.headers.get('access-control-allow-origin'), '*');
      const preflight = await fetch(`${api.v2}/requests.json`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/);
      assert.doesNotMatch(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
      const writePreflight = await fetch(`${api.v2}/requests.json`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
      assert.equal(writePreflight.headers.get('access-control-allow-origin'), null, 'no preflight passes for a POST');
      const write = await post(`${api.v2}/requests.json`, encodeForm({ api_key: t.apiKey, service_code: GRAFFITI, ...inside }));
      assert.equal(write.status, 201);
      const written = await fetch(`${api.v2}/requests.json`, { method: 'POST', headers: { ...origin, 'content-type': 'application/x-www-form-urlencoded', cookie: 'townhall_session=x' }, body: encodeForm({ api_key: t.apiKey, service_code: GRAFFITI, ...inside }) });
      assert.equal(written.status, 201);
      assert.equal(written.headers.get('access-control-allow-origin'), null, 'a POST answer is not readable from another site');
      // Pages elsewhere on the site are not opened up.
      assert.equal((await fetch(`${t.baseUrl}/`, { headers: origin })).headers.get('access-control-allow-origin'), null);
    });
  });
}
