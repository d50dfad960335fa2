/**
 * Real-time updates: the event hub and its server-sent event streams. Resuming with
 * Last-Event-ID, the caps and heartbeats, a slow client that holds nobody else up, which staff
 * may hear which topics, and that training cases never reach the public streams.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { EventHub } from '../src/live/hub.js';
import { EventStreams, sseMessage } from '../src/live/streams.js';
import { EVENT_RETENTION_DAYS, publishEvents, pruneEvents, topics } from '../src/platform/events.js';
import { trainingJurisdiction } from '../src/training/space.js';
import type { DB } from '../src/db/connection.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { openStream, waitUntil } from './realtime-client.js';

const services = fixture.services.map((s) => (s.code === GRAFFITI ? { ...s, department: 'roads' } : s));

async function publish(db: DB, topic: string, count: number, data: (n: number) => Record<string, unknown> = (n) => ({ n })): Promise<number[]> {
  return db.transaction().execute((trx) => publishEvents(trx, Array.from({ length: count }, (_, n) => ({ topic, kind: 'update', data: data(n) }))));
}

for (const database of databasesUnderTest()) {
  describe(`real-time updates on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services, groups: fixture.groups });
    });
    after(async () => t.close());

    const report = async () => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 Test Road' }) });
      return Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    };
    /** A copy of a case in the training jurisdiction. */
    const trainingCase = async (id: number) => {
      const { id: _id, ...row } = await t.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const training = trainingJurisdiction(t.jurisdiction.id);
      if (!await t.db.selectFrom('services').select('code').where('jurisdiction_id', '=', training).where('code', '=', row.service_code).executeTakeFirst()) {
        const service = await t.db.selectFrom('services').selectAll().where('jurisdiction_id', '=', t.jurisdiction.id).where('code', '=', row.service_code).executeTakeFirstOrThrow();
        const group = await t.db.selectFrom('service_groups').selectAll().where('jurisdiction_id', '=', t.jurisdiction.id).where('code', '=', service.group_code).executeTakeFirstOrThrow();
        await t.db.insertInto('service_groups').values({ ...group, jurisdiction_id: training }).execute();
        await t.db.insertInto('services').values({ ...service, jurisdiction_id: training }).execute();
      }
      const copy = await t.db.insertInto('cases').values({ ...row, jurisdiction_id: trainingJurisdiction(t.jurisdiction.id), token: randomUUID() })
        .returning('id').executeTakeFirstOrThrow();
      return copy.id;
    };

    test('a stream resumes after Last-Event-ID: the events missed, in order, then live ones', async () => {
      const id = await report();
      const [first, second, third] = await publish(t.db, topics.publicCase(id), 3);
      const stream = await openStream(`${t.baseUrl}/requests/${id}/events`, { 'last-event-id': String(first) });
      try {
        assert.equal(stream.status, 200);
        await stream.waitFor(new RegExp(`id: ${third}\\n`));
        assert.ok(!stream.text.includes(`id: ${first}\nevent`), 'the event it saw is not sent again');
        assert.ok(stream.text.indexOf(`id: ${second}\n`) < stream.text.indexOf(`id: ${third}\n`), 'in order');
        const started = Date.now();
        const [live] = await publish(t.db, topics.publicCase(id), 1);
        await stream.waitFor(new RegExp(`id: ${live}\\nevent: update\\ndata: \\{"n":0\\}`), 3_000);
        assert.ok(Date.now() - started < 2_000, 'a live event arrives within 2 s');
        // Another case's events never reach this stream.
        const [other] = await publish(t.db, topics.publicCase(id + 1_000_000), 1);
        const [mine] = await publish(t.db, topics.publicCase(id), 1);
        await stream.waitFor(new RegExp(`id: ${mine}\\n`));
        assert.ok(!stream.text.includes(`id: ${other}\n`));
      } finally {
        stream.close();
      }
    });

    test('training cases never stream publicly; old events are pruned', async () => {
      const id = await report();
      const training = await trainingCase(id);
      const refused = await fetch(`${t.baseUrl}/requests/${training}/events`, { headers: { accept: 'text/event-stream' } });
      assert.equal(refused.status, 404);
      await refused.body?.cancel();
      const [old] = await publish(t.db, topics.publicCase(id), 1);
      await t.db.updateTable('events').set({ created_at: new Date(Date.now() - (EVENT_RETENTION_DAYS + 1) * 86_400_000).toISOString() }).where('id', '=', old!).execute();
      assert.ok(await pruneEvents(t.db, new Date(Date.now() - EVENT_RETENTION_DAYS * 86_400_000)) >= 1);
      assert.equal(await t.db.selectFrom('events').select('id').where('id', '=', old!).executeTakeFirst(), undefined);
    });

    test('staff streams: a topic only for those who may see it', async () => {
      const id = await report();
      const training = await trainingCase(id);
      let n = 0;
      const as = async (role: Role, department: string | null) => {
        const user = await createUser(t.db, t.keyring, { email: `live.${role}.${n++}.${database.name}@council.example`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
        const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
        return `townhall_session=${token}`;
      };
      const roads = await as('case_worker', 'roads');
      const parks = await as('case_worker', 'parks');
      const analyst = await as('analyst', null);
      const resident = await as('resident', null);
      const departmentId = async (code: string) => (await t.db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
      const roadsId = await departmentId('roads');
      const parksId = await departmentId('parks');
      const status = async (cookie: string, query: string, accept = 'text/event-stream') => {
        const response = await fetch(`${t.baseUrl}/staff/events${query}`, { headers: { cookie, accept }, redirect: 'manual' });
        await response.body?.cancel();
        return response.status;
      };
      assert.equal(await status(roads, `?topic=staff:case:${id}`), 200);
      assert.equal(await status(roads, `?topic=staff:department:${roadsId}&topic=staff:case:${id}`), 200);
      assert.equal(await status(roads, `?topic=staff:department:${parksId}`), 403, 'another department');
      assert.equal(await status(roads, '?topic=staff:all'), 403);
      assert.equal(await status(parks, `?topic=staff:case:${id}`), 403, 'a case of another department');
      assert.equal(await status(analyst, '?topic=staff:all'), 200);
      assert.equal(await status(analyst, `?topic=staff:department:${parksId}`), 200);
      assert.equal(await status(resident, `?topic=staff:case:${id}`), 403, 'a resident');
      assert.equal(await status(roads, '', 'text/html'), 400, 'no topic: a clean 400');
      assert.equal(await status(roads, '?topic=case:1'), 400, 'not a staff topic');
      assert.equal(await status(roads, '?topic=staff:case:99999999'), 404);
      assert.equal(await status(roads, `?topic=staff:case:${id}`, 'text/html'), 406);
      assert.equal(await status(roads, `?topic=staff:case:${training}`), 404, 'a training case outside training');
      assert.equal(await status(`${roads}; townhall_training=1`, `?topic=staff:case:${training}`), 200, 'a training case in training');
      assert.equal(await status(`${roads}; townhall_training=1`, `?topic=staff:case:${id}`), 404, 'a real case in training');

      // What a staff page hears: every kind, unnamed, with its id.
      const stream = await openStream(`${t.baseUrl}/staff/events?topic=staff:case:${id}`, { cookie: roads });
      try {
        await stream.waitFor(/retry: \d+/);
        const [event] = await t.db.transaction().execute((trx) => publishEvents(trx, [{ topic: topics.staffCase(id), kind: 'case', data: { caseId: id, action: 'note' } }]));
        await stream.waitFor(new RegExp(`id: ${event}\\ndata: \\{"kind":"case","topic":"staff:case:${id}","data":\\{"caseId":${id},"action":"note"\\}\\}\\n\\n`), 3_000);
      } finally {
        stream.close();
      }
    });

    test('caps per process and per client, heartbeats, and one read per wake for every stream', async () => {
      const hub = new EventHub(t.db, { pollMs: 60_000 });
      const streams = new EventStreams(hub, { maxStreams: 3, maxPerClient: 2, heartbeatMs: 100, retryMs: 1_000 });
      const topic = `test:caps:${database.name}`;
      const server = http.createServer((request, response) => {
        if (request.url === '/many') return void manyStreams.open(request, response, { topics: [`${topic}:${request.headers['x-n'] as string}`], format: (e) => sseMessage(e) });
        void streams.open(request, response, { topics: [topic], client: request.headers['x-client'] as string, format: (e) => sseMessage(e) });
      });
      const manyStreams = new EventStreams(hub, { maxStreams: 100, maxPerClient: 100 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      try {
        const mine = await Promise.all([1, 2].map(() => openStream(`${url}/`, { 'x-client': 'one' })));
        await Promise.all(mine.map((s) => s.waitFor(/retry: 1000\nid: \d+\n\n/)));
        const third = await openStream(`${url}/`, { 'x-client': 'one' });
        assert.equal(third.status, 503, 'beyond one client\'s cap');
        third.close();
        const other = await openStream(`${url}/`, { 'x-client': 'two' });
        assert.equal(other.status, 200, 'another client is not affected');
        const beyond = await openStream(`${url}/`, { 'x-client': 'three' });
        assert.equal(beyond.status, 503, 'beyond the process\'s cap');
        beyond.close();
        await other.waitFor(/: heartbeat\n\n/, 2_000);
        mine[0]!.close();
        await waitUntil(() => streams.size === 2);
        const again = await openStream(`${url}/`, { 'x-client': 'one' });
        assert.equal(again.status, 200, 'a closed stream frees its place');
        [mine[1]!, other, again].forEach((s) => s.close());
        await waitUntil(() => streams.size === 0);

        // Eight streams on eight topics; one event each, all published at once: one read for all
        // (woken by the publish: NOTIFY on PostgreSQL, the in-process nudge on SQLite).
        const eight = await Promise.all(Array.from({ length: 8 }, (_, n) => openStream(`${url}/many`, { 'x-n': String(n) })));
        await Promise.all(eight.map((s) => s.waitFor(/retry:/)));
        const readsBefore = hub.reads;
        const ids = await t.db.transaction().execute((trx) => publishEvents(trx, eight.map((_, n) => ({ topic: `${topic}:${n}`, kind: 'update', data: { n } }))));
        await Promise.all(eight.map((s, n) => s.waitFor(new RegExp(`id: ${ids[n]}\\n`), 3_000)));
        assert.ok(hub.reads - readsBefore <= 2, `${hub.reads - readsBefore} reads for eight streams`);
        eight.forEach((s) => s.close());
      } finally {
        streams.close();
        manyStreams.close();
        hub.close();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('a client that does not read is dropped; the others get every event on time', async () => {
      const hub = new EventHub(t.db, { pollMs: 50 });
      const streams = new EventStreams(hub, { maxBufferedBytes: 64 * 1024, maxPerClient: 10 });
      const topic = `test:slow:${database.name}`;
      const server = http.createServer((request, response) => void streams.open(request, response, { topics: [topic], format: (e) => sseMessage(e) }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      // A client that sends its request and then never reads.
      const slow = net.connect(port, '127.0.0.1');
      slow.on('error', () => undefined);
      await new Promise<void>((resolve) => slow.on('connect', resolve));
      slow.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n`);
      slow.pause();
      const fast = await openStream(`http://127.0.0.1:${port}/`);
      try {
        await fast.waitFor(/retry:/);
        await waitUntil(() => streams.size === 2);
        const big = 'x'.repeat(200_000);
        let last = 0;
        const started = Date.now();
        for (let i = 0; i < 60 && streams.dropped === 0; i++) {
          last = (await publish(t.db, topic, 1, () => ({ big })))[0]!;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await waitUntil(() => streams.dropped === 1, 10_000);
        assert.equal(streams.size, 1, 'the slow client was dropped');
        await fast.waitFor(new RegExp(`id: ${last}\\n`), 5_000);
        assert.ok(Date.now() - started < 15_000);
      } finally {
        slow.destroy();
        fast.close();
        streams.close();
        hub.close();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
}
