import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { appendAudit, verifyAuditChain } from './audit.js';

for (const database of databasesUnderTest()) {
  describe(`audit chain on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
    });
    after(() => t.cleanup());

    const append = (n: number) => t.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { actor: 'test', action: 'service_request.submitted', entityType: 'service_request', entityId: String(n), after: { n } });
    });
    const reset = async () => {
      await t.db.deleteFrom('audit_log').execute();
      for (let n = 1; n <= 6; n++) await append(n);
    };

    test('an untouched chain verifies', async () => {
      await reset();
      const result = await verifyAuditChain(t.db, { batchSize: 4 });
      assert.deepEqual({ ok: result.ok, entries: result.entries }, { ok: true, entries: 6 });
    });

    test('an edited entry is named', async () => {
      await reset();
      await t.db.updateTable('audit_log').set({ after: '{"n":99}' }).where('seq', '=', 3).execute();
      const result = await verifyAuditChain(t.db);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.firstBadSeq, 3);
      assert.match(!result.ok ? result.problem : '', /entry 3 .*edited/);
    });

    test('a removed entry is named', async () => {
      await reset();
      await t.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
      const result = await verifyAuditChain(t.db);
      assert.equal(!result.ok && result.firstBadSeq, 4);
      assert.match(!result.ok ? result.problem : '', /missing/);
    });

    test('reordered entries are caught', async () => {
      await reset();
      // Swap entries 2 and 5 by renumbering them.
      await t.db.updateTable('audit_log').set({ seq: 100 }).where('seq', '=', 2).execute();
      await t.db.updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 5).execute();
      await t.db.updateTable('audit_log').set({ seq: 5 }).where('seq', '=', 100).execute();
      const result = await verifyAuditChain(t.db);
      assert.equal(!result.ok && result.firstBadSeq, 2);
    });

    test('a rewritten entry with a recomputed hash is caught at the next entry', async () => {
      await reset();
      const { entryHash } = await import('./audit.js');
      const row = await t.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
      const forged = { ...row, actor: 'someone else' };
      await t.db.updateTable('audit_log').set({ actor: forged.actor, hash: entryHash(forged) }).where('seq', '=', 2).execute();
      const result = await verifyAuditChain(t.db);
      assert.equal(!result.ok && result.firstBadSeq, 3);
    });

    test('an anchor kept elsewhere catches entries cut from the end, and a rewritten trail', async () => {
      await reset();
      const good = await verifyAuditChain(t.db);
      assert.ok(good.ok);
      const anchor = { seq: good.entries, hash: good.lastHash };
      assert.equal((await verifyAuditChain(t.db, { anchor })).ok, true);
      await append(7);
      assert.equal((await verifyAuditChain(t.db, { anchor })).ok, true, 'growth after the anchor is fine');
      await t.db.deleteFrom('audit_log').where('seq', '>=', 5).execute();
      const cut = await verifyAuditChain(t.db, { anchor });
      assert.equal(!cut.ok && cut.firstBadSeq, 5);
      assert.match(!cut.ok ? cut.problem : '', /cut from the end/);
      await t.db.deleteFrom('audit_log').execute();
      for (let n = 10; n < 16; n++) await append(n);
      const rewritten = await verifyAuditChain(t.db, { anchor });
      assert.equal(!rewritten.ok && rewritten.firstBadSeq, 6);
    });

    test('concurrent writers keep one unbroken chain', async () => {
      await t.db.deleteFrom('audit_log').execute();
      await Promise.all(Array.from({ length: 40 }, (_, n) => append(n)));
      const result = await verifyAuditChain(t.db);
      assert.deepEqual({ ok: result.ok, entries: result.entries }, { ok: true, entries: 40 });
      const count = await sql<{ n: number }>`select count(*) as n from audit_log`.execute(t.db);
      assert.equal(Number(count.rows[0]?.n), 40);
    });
  });
}
