import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { dialectOf } from '../db/connection.js';
import { openQueuedEmail, queueEmail, verifyEmailMessage } from '../notifications/email.js';
import { makeKeyring, newKey } from './crypto.js';
import { claimPending, countPending, enqueue, markFailed, markSent, MAX_ATTEMPTS, type OutboxMessage } from './outbox.js';

const keyring = makeKeyring(newKey());
const minutesLater = (minutes: number) => new Date(Date.now() + minutes * 60_000);

for (const database of databasesUnderTest()) {
  describe(`the outbox on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
    });
    after(() => t.cleanup());

    // PostgreSQL wants claims inside a transaction; SQLite does not mind one.
    const claim = (kind: string, now?: Date, limit = 10) => t.db.transaction().execute((trx) => claimPending(trx, limit, { kind, now }));

    test('a message is queued only when the change that causes it is saved', async () => {
      await assert.rejects(t.db.transaction().execute(async (trx) => {
        await enqueue(trx, 'rolled-back', { n: 1 });
        throw new Error('the change failed');
      }), /the change failed/);
      assert.equal(await countPending(t.db, 'rolled-back'), 0);
      await assert.rejects(enqueue(t.db, 'rolled-back', { n: 2 }), /transaction/, 'outside a transaction it refuses');
      assert.equal(await countPending(t.db, 'rolled-back'), 0);
    });

    test('messages are claimed by kind, marked sent, or failed and tried again after a growing gap, then given up', async () => {
      const [first, second] = await t.db.transaction().execute(async (trx) => [await enqueue(trx, 'retry', { n: 1 }), await enqueue(trx, 'retry', { n: 2 })]);
      await t.db.transaction().execute((trx) => enqueue(trx, 'other-kind', { n: 3 }));
      const claimed = await claim('retry');
      assert.deepEqual(claimed.map((m) => [m.id, m.payload, m.attempts]), [[first, { n: 1 }, 0], [second, { n: 2 }, 0]]);

      await markSent(t.db, first!);
      const sent = await t.db.selectFrom('outbox').selectAll().where('id', '=', first!).executeTakeFirstOrThrow();
      assert.ok(sent.sent_at);
      assert.equal(sent.attempts, 1);

      assert.equal(await markFailed(t.db, claimed[1]!, '421 try later'), false);
      const failed = await t.db.selectFrom('outbox').selectAll().where('id', '=', second!).executeTakeFirstOrThrow();
      assert.equal(failed.sent_at, null);
      assert.equal(failed.attempts, 1);
      assert.equal(failed.last_error, '421 try later');
      assert.deepEqual(await claim('retry'), [], 'not tried again at once');
      assert.deepEqual((await claim('retry', minutesLater(1.5))).map((m) => m.id), [second], 'tried again a minute later');

      let message: OutboxMessage = (await claim('retry', minutesLater(1.5)))[0]!;
      let gaveUp = false;
      while (!gaveUp) {
        gaveUp = await markFailed(t.db, message, 'still failing');
        message = { ...message, attempts: message.attempts + 1 };
      }
      assert.equal(message.attempts, MAX_ATTEMPTS);
      assert.deepEqual(await claim('retry', minutesLater(60 * 24 * 30)), [], 'after the last attempt it is left alone');
      assert.equal(await countPending(t.db, 'retry'), 0);
      assert.equal(await countPending(t.db, 'other-kind'), 1);
    });

    test('an email\'s address and link are sealed: neither is in the table, nor in the database file', async () => {
      const email = `outbox-${Date.now()}@example.org`;
      const link = `https://council.example/account/verify-email?token=${'T'.repeat(43)}`;
      const id = await t.db.transaction().execute((trx) =>
        queueEmail(trx, keyring, 'verify_email', verifyEmailMessage(email, { publicUrl: 'https://council.example', council: 'Test Council' }, link, 60)));
      const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'email');
      assert.ok(!JSON.stringify(row).includes(email) && !JSON.stringify(row).includes('T'.repeat(43)));
      assert.equal(JSON.parse(row.payload).template, 'verify_email', 'which email it is stays readable for operators');
      const opened = openQueuedEmail(keyring, JSON.parse(row.payload));
      assert.equal(opened.to, email);
      assert.ok(opened.text.includes(link));
      assert.throws(() => openQueuedEmail(makeKeyring(newKey()), JSON.parse(row.payload)), 'another key cannot open it');
      if (dialectOf(t.db) === 'sqlite') {
        await sql`pragma wal_checkpoint(truncate)`.execute(t.db);
        const file = readFileSync(t.url.slice('sqlite:'.length));
        assert.ok(!file.includes(email) && !file.includes('T'.repeat(43)), 'the database file holds neither in clear');
      }
    });

    if (database.name === 'postgres') {
      test('two processes never claim the same message: a claimed row is skipped until its claim ends', async () => {
        const ids = await t.db.transaction().execute(async (trx) => [await enqueue(trx, 'shared', { n: 1 }), await enqueue(trx, 'shared', { n: 2 })]);
        let release = () => {};
        const held = new Promise<void>((resolve) => { release = resolve; });
        let claimedFirst: OutboxMessage[] = [];
        let signalClaimed = () => {};
        const firstHasClaimed = new Promise<void>((resolve) => { signalClaimed = resolve; });
        const first = t.db.transaction().execute(async (trx) => {
          claimedFirst = await claimPending(trx, 1, { kind: 'shared' });
          signalClaimed();
          await held;
          for (const m of claimedFirst) await markSent(trx, m.id);
        });
        await firstHasClaimed;
        const claimedSecond = await claim('shared');
        release();
        await first;
        assert.deepEqual(claimedFirst.map((m) => m.id), [ids[0]]);
        assert.deepEqual(claimedSecond.map((m) => m.id), [ids[1]], 'the second process skips the locked row');
        await assert.rejects(claimPending(t.db, 1), /inside a transaction/);
      });
    }
  });
}
