/**
 * The durable outbox: states, idempotency keys, leases, backoff with jitter, dead letters; two
 * workers at once (every message delivered, none twice, counted by Message-ID at a real SMTP
 * sink). A worker killed mid-batch is in outbox-crash.e2e.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { queueEmail, verifyEmailMessage } from '../src/notifications/email.js';
import { startDelivery } from '../src/notifications/delivery.js';
import { messageIdFor, smtpSender } from '../src/notifications/smtp.js';
import { loadKeys } from '../src/platform/keys.js';
import { backoffMs, claimDue, countPending, enqueue, markFailed, markSent, retryNow, type RetryPolicy } from '../src/platform/outbox.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { sink } from './smtp-sink.js';

const council = { publicUrl: 'https://council.example', council: 'Crash Test Council' };
const FROM = 'noreply@council.example';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const policy: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 5, backoffCapMs: 40, leaseMs: 1000 };

for (const database of databasesUnderTest()) {
  describe(`the outbox on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
    });
    after(() => t.cleanup());

    test('a message is queued only with its change; a repeated idempotency key inserts nothing', async () => {
      await assert.rejects(t.db.transaction().execute(async (trx) => {
        await enqueue(trx, 'rolled-back', { n: 1 });
        throw new Error('the change failed');
      }), /the change failed/);
      assert.equal(await countPending(t.db, 'rolled-back'), 0);
      await assert.rejects(enqueue(t.db, 'rolled-back', { n: 2 }), /transaction/);
      const first = await t.db.transaction().execute((trx) => enqueue(trx, 'keyed', { n: 1 }, { idempotencyKey: 'case:1:action:2:email:abc' }));
      const again = await t.db.transaction().execute((trx) => enqueue(trx, 'keyed', { n: 2 }, { idempotencyKey: 'case:1:action:2:email:abc' }));
      assert.equal(again, first, 'the same key gives the first message back');
      const rows = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'keyed').execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.status, 'queued');
      assert.deepEqual(JSON.parse(rows[0]!.payload), { n: 1 });
    });

    test('claimed messages are sending under a lease; failed ones wait a jittered backoff; the last failure is dead; staff retry brings it back', async () => {
      const id = await t.db.transaction().execute((trx) => enqueue(trx, 'states', { n: 1 }));
      const [claimed] = await claimDue(t.db, 10, { kinds: ['states'], leaseMs: 60_000 });
      assert.equal(claimed?.id, id);
      let row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'sending');
      assert.ok(row.locked_until && row.last_attempt_at);
      assert.deepEqual(await claimDue(t.db, 10, { kinds: ['states'] }), [], 'a held message is not claimed again');
      assert.deepEqual((await claimDue(t.db, 10, { kinds: ['states'], now: new Date(Date.now() + 61_000) })).map((m) => m.id), [id], 'after its lease (its worker died) another takes it over');

      assert.equal(await markFailed(t.db, { id, attempts: 0 }, '421 try later', policy), false);
      row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      assert.ok(Date.parse(row.next_attempt_at!) >= Date.now() - 1000);
      await wait(50);
      const [retry] = await claimDue(t.db, 10, { kinds: ['states'] });
      assert.equal(retry?.attempts, 1);
      assert.equal(await markFailed(t.db, retry!, 'still failing', policy), false);
      await wait(50);
      const [last] = await claimDue(t.db, 10, { kinds: ['states'] });
      assert.equal(await markFailed(t.db, last!, 'still failing', policy), true, 'the third failure of three is the last');
      row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'dead');
      assert.deepEqual(await claimDue(t.db, 10, { kinds: ['states'], now: new Date(Date.now() + 86_400_000) }), [], 'dead messages are left alone');
      assert.equal(await countPending(t.db, 'states'), 0);

      assert.equal(await retryNow(t.db, id), true);
      const [again] = await claimDue(t.db, 10, { kinds: ['states'] });
      await markSent(t.db, again!.id, 'test');
      row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'sent');
      assert.equal(row.provider, 'test');
      assert.equal(await retryNow(t.db, id), false, 'a sent message is not retried');
    });

    test('backoff: full jitter over a doubling window, never under the base nor over the cap', () => {
      const p = { backoffBaseMs: 100, backoffCapMs: 1000 };
      assert.equal(backoffMs(1, p, () => 0), 100);
      assert.equal(backoffMs(3, p, () => 1), 400);
      assert.equal(backoffMs(3, p, () => 0.5), 200);
      assert.equal(backoffMs(10, p, () => 1), 1000);
      const spread = new Set(Array.from({ length: 50 }, () => backoffMs(5, p)));
      assert.ok(spread.size > 10, 'jittered');
    });

    test('a resend after a crash between the server\'s 250 and our commit carries the same Message-ID', async () => {
      const mail = sink();
      const url = await mail.listen();
      const id = await t.db.transaction().execute((trx) => queueEmail(trx, loadKeys(t.url, t.env).keyring, 'verify_email', verifyEmailMessage('same@example.org', council, 'https://council.example/x', 60)));
      const sender = smtpSender({ smtpUrl: url, from: FROM }, council.council)!;
      const [message] = await claimDue(t.db, 1, { kinds: ['email'] });
      const { openQueuedEmail } = await import('../src/notifications/email.js');
      const email = openQueuedEmail(loadKeys(t.url, t.env).keyring, message!.payload);
      await sender.send(email, { outboxId: id });
      await sender.send(email, { outboxId: id }); // the takeover after the lease
      sender.close();
      await mail.close();
      assert.deepEqual(mail.acceptedIds(), [messageIdFor(id, FROM), messageIdFor(id, FROM)]);
      await markSent(t.db, id, 'smtp');
    });

    test('two workers at once never send a message twice', { timeout: 60_000 }, async () => {
      const keyring = loadKeys(t.url, t.env).keyring;
      const ids = await t.db.transaction().execute(async (trx) => {
        const made: number[] = [];
        for (let i = 0; i < 100; i++) made.push(await queueEmail(trx, keyring, 'verify_email', verifyEmailMessage(`pair-${i}@example.org`, council, `https://council.example/v?${i}`, 60)));
        return made;
      });
      const mail = sink({ delayMs: 2 });
      const url = await mail.listen();
      const config = loadConfig({ ...t.env, SMTP_URL: url, MAIL_FROM: FROM, LOG_LEVEL: 'silent', EMAIL_RATE_PER_SECOND: '1000' });
      const quiet = { info() {}, warn() {}, error() {} } as never;
      // Each worker with its own connections, as two processes would have.
      const dbs = [openDatabase(t.url, { schema: t.schema, poolSize: 2 }), openDatabase(t.url, { schema: t.schema, poolSize: 2 })];
      const workers = dbs.map((db) => startDelivery({ db, keyring, config, log: quiet }, { everyMs: 10 }));
      for (let i = 0; i < 300 && (await countPending(t.db, 'email')) > 0; i++) await wait(100);
      for (const w of workers) await w.stop();
      for (const db of dbs) await db.destroy();
      await mail.close();
      const mine = new Set(ids.map((id) => messageIdFor(id, FROM)));
      const got = mail.acceptedIds().filter((id) => mine.has(id));
      assert.equal(got.length, 100, 'each sent once');
      assert.equal(new Set(got).size, 100);
    });
  });
}
