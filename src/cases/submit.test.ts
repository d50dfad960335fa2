import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { dialectOf } from '../db/connection.js';
import { lookupHash, makeKeyring, newKey, sealedWith } from '../platform/crypto.js';
import { openReporter, resealReporters } from './reporters.js';
import { readFileSync } from 'node:fs';
import { DomainError } from '../platform/errors.js';
import { applyStatusUpdate } from './outside-updates.js';
import { getServiceRequest } from './queries.js';
import { submitCase } from './submit.js';
import type { NewCase } from './types.js';

const jurisdiction = { id: 'unit.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 } };
const context = { jurisdiction, keyring: makeKeyring(newKey()) };
const notify = { keyring: context.keyring, publicUrl: 'https://townhall.example', council: 'Test Council' };
const report: NewCase = {
  serviceCode: 'pothole', description: 'Deep hole', lat: 51, long: 0, attributes: { depth: '12' }, mediaUrls: [],
  contact: { email: 'resident@example.org', firstName: 'Ada' },
};

for (const database of databasesUnderTest()) {
  describe(`service requests on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
      await saveServiceGroup(t.db, jurisdiction.id, { code: 'roads', name: 'Roads' }, 0, 'test');
      await createService(t.db, jurisdiction.id, {
        code: 'pothole', name: 'Pothole', description: 'A hole in the road', groupCode: 'roads', keywords: [], type: 'realtime',
        agencyResponsible: 'Highways', serviceNotice: null, expectedDays: 5,
        attributes: [{ code: 'depth', datatype: 'number', required: true, order: 1, description: 'Depth in cm' }],
      }, 'test');
    });
    after(() => t.cleanup());

    const counts = async () => {
      const count = async (table: 'cases' | 'case_actions' | 'case_reporters' | 'audit_log') =>
        Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      return { cases: await count('cases'), actions: await count('case_actions'), reporters: await count('case_reporters'), audit: await count('audit_log') };
    };

    test('a submission writes the case, its reporter, its first action and an audit entry together', async () => {
      const before = await counts();
      const created = await submitCase(t.db, context, 'api', report, { actor: { id: 'test' } });
      assert.equal(created.status, 'open');
      assert.equal(created.agencyResponsible, 'Highways');
      assert.deepEqual(await counts(), { cases: before.cases + 1, actions: before.actions + 1, reporters: before.reporters + 1, audit: before.audit + 1 });
      const entry = await t.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(entry.entity_id, created.id);
      assert.ok(!JSON.stringify(entry).includes('resident@example.org'), 'the audit trail keeps no contact details');
    });

    test('reporters\' details are sealed at rest, found by keyed hash, opened with the key, and re-sealed on rotation', async () => {
      const email = `unique-${Date.now()}@example.org`;
      const created = await submitCase(t.db, context, 'api', { ...report, contact: { email, phone: '+44 20 7946 0000' } }, { actor: { id: 'test' } });
      const row = await t.db.selectFrom('case_reporters').selectAll().where('case_id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(email) && !JSON.stringify(row).includes('7946'));
      assert.equal(row.email_hash, lookupHash(context.keyring, 'email', email.toUpperCase()));
      assert.equal(openReporter(context.keyring, row).email, email);
      if (dialectOf(t.db) === 'sqlite') {
        await sql`pragma wal_checkpoint(truncate)`.execute(t.db);
        assert.ok(!readFileSync(t.url.slice('sqlite:'.length)).includes(email), 'the database file holds no email in clear');
      }
      const rotated = makeKeyring(newKey(), [context.keyring.current.key]);
      assert.ok((await resealReporters(t.db, rotated)) >= 1);
      const resealed = await t.db.selectFrom('case_reporters').selectAll().where('case_id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.equal(sealedWith(resealed.email ?? ''), rotated.current.id);
      assert.equal(openReporter(makeKeyring(rotated.current.key), resealed).phone, '+44 20 7946 0000', 'opens with the new key alone');
      assert.equal(await resealReporters(t.db, rotated), 0, 'a second pass has nothing to do');
    });

    test('every problem with a submission is reported at once, and nothing is written', async () => {
      const before = await counts();
      await assert.rejects(
        submitCase(t.db, context, 'api', { ...report, lat: 60, description: 'x'.repeat(4001), attributes: {}, contact: { email: 'not-an-email' } }, { actor: { id: 'test' } }),
        (error: unknown) => error instanceof DomainError && error.kind === 'invalid' && error.problems.length === 4,
      );
      assert.deepEqual(await counts(), before);
    });

    test('when the audit entry cannot be written, the whole change is rolled back', async () => {
      const before = await counts();
      if (dialectOf(t.db) === 'postgres') {
        await sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit store unavailable'; end $$`.execute(t.db);
        await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(t.db);
      } else {
        await sql`create trigger refuse_audit before insert on audit_log begin select raise(abort, 'audit store unavailable'); end`.execute(t.db);
      }
      try {
        await assert.rejects(submitCase(t.db, context, 'api', report, { actor: { id: 'test' } }), /audit store unavailable/);
        assert.deepEqual(await counts(), before);
      } finally {
        await sql`drop trigger refuse_audit${dialectOf(t.db) === 'postgres' ? sql` on audit_log` : sql``}`.execute(t.db);
      }
    });

    test('a status update is applied once: a repeat of the same update id is refused and changes nothing', async () => {
      const created = await submitCase(t.db, context, 'api', report, { actor: { id: 'test' } });
      const update = { updateId: `bo-${created.id}`, requestId: created.id, status: 'closed' as const, state: 'fixed', updatedAt: new Date().toISOString(), description: 'Filled in', mediaUrl: null };
      await applyStatusUpdate(t.db, jurisdiction.id, update, { id: 'test' }, notify);
      const closed = await getServiceRequest(t.db, jurisdiction.id, created.id);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.state, 'fixed');
      assert.equal(closed.statusNotes, 'Filled in');
      assert.ok(closed.closedAt);
      const before = await counts();
      await assert.rejects(applyStatusUpdate(t.db, jurisdiction.id, { ...update, status: 'open', state: 'reopen' }, { id: 'test' }, notify),
        (error: unknown) => error instanceof DomainError && error.kind === 'conflict');
      assert.deepEqual(await counts(), before);
      assert.equal((await getServiceRequest(t.db, jurisdiction.id, created.id)).status, 'closed');
    });

    test('a second submission with the same idempotency key is refused as a conflict, and writes nothing', async () => {
      const key = `device:${Date.now()}`;
      const first = await submitCase(t.db, context, 'web', report, { actor: { id: 'test' }, idempotencyKey: key });
      const before = await counts();
      await assert.rejects(submitCase(t.db, context, 'web', report, { actor: { id: 'test' }, idempotencyKey: key }),
        (error: unknown) => error instanceof DomainError && error.kind === 'conflict');
      assert.deepEqual(await counts(), before);
      const submitted = await t.db.selectFrom('case_actions').select('case_id').where('idempotency_key', '=', key).execute();
      assert.deepEqual(submitted.map((row) => String(row.case_id)), [first.id]);
    });

    test('a case from the past keeps its dates and outcome, starts no workflow and tells nobody', async () => {
      const requestedAt = '2025-03-04T10:00:00.000Z';
      const closedAt = '2025-03-06T15:30:00.000Z';
      const outbox = async () => Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const messagesBefore = await outbox();
      const imported = await submitCase(t.db, context, 'phone', { ...report, lat: 89, long: 179 }, {
        actor: { id: 'seed' }, history: { requestedAt, closedAt, statusNotes: 'Filled in', agencyResponsible: 'Roads team' },
      });
      assert.equal(imported.requestedAt, requestedAt);
      assert.equal(imported.closedAt, closedAt);
      assert.equal(imported.status, 'closed');
      assert.equal(imported.statusNotes, 'Filled in');
      assert.equal(imported.agencyResponsible, 'Roads team');
      assert.equal(imported.channel, 'phone');
      const row = await t.db.selectFrom('cases').select(['kind', 'workflow_version_id', 'department_id']).where('id', '=', Number(imported.id)).executeTakeFirstOrThrow();
      assert.deepEqual(row, { kind: 'service_request', workflow_version_id: null, department_id: null });
      const actions = await t.db.selectFrom('case_actions').select(['action', 'created_at']).where('case_id', '=', Number(imported.id)).orderBy('id').execute();
      assert.deepEqual(actions.map((a) => [a.action, new Date(a.created_at).toISOString()]), [['submitted', requestedAt], ['status_update', closedAt]]);
      assert.equal(await outbox(), messagesBefore);
    });
  });
}
