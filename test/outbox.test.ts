/**
 * The durable outbox: states, idempotency keys, leases, backoff with jitter, dead letters; a
 * worker killed with SIGKILL mid-batch and another that finishes its work (every message
 * delivered, none twice, counted by Message-ID at a real SMTP sink); two workers at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { queueEmail, verifyEmailMessage } from '../src/notifications/email.js';
import { startDelivery } from '../src/notifications/delivery.js';
import { messageIdFor, smtpSender } from '../src/notifications/smtp.js';
import { loadKeys } from '../src/platform/keys.js';
import { backoffMs, claimDue, countPending, enqueue, markFailed, markSent, retryNow, type RetryPolicy } from '../src/platform/outbox.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { headerOf } from './notifications-mime.js';
import { townhallBin as bin } from './built-release.js';
const council = { publicUrl: 'https://council.example', council: 'Crash Test Council' };
const FROM = 'noreply@council.example';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An SMTP sink that records the Message-ID of every DATA it accepted (answered 250). */
function sink(options: { delayMs?: number; beforeAccept?: (count: number) => boolean } = {}) {
  const accepted: string[] = [];
  let seen = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        seen++;
        // false: the sink never answers this DATA (the worker was killed while waiting for it).
        if (options.beforeAccept && !options.beforeAccept(seen)) return;
        setTimeout(() => {
          accepted.push(headerOf(Buffer.concat(chunks).toString('utf8'), 'Message-ID') ?? 'none');
          callback();
        }, options.delayMs ?? 0);
      });
    },
  });
  return {
    accepted, server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

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
      assert.deepEqual(mail.accepted, [messageIdFor(id, FROM), messageIdFor(id, FROM)]);
      await markSent(t.db, id, 'smtp');
    });

    test('CRASH: a worker killed with SIGKILL mid-batch, a new worker finishes: every email arrives, none twice', { timeout: 120_000 }, async () => {
      const keyring = loadKeys(t.url, t.env).keyring;
      const ids = await t.db.transaction().execute(async (trx) => {
        const made: number[] = [];
        for (let i = 0; i < 200; i++) made.push(await queueEmail(trx, keyring, 'verify_email', verifyEmailMessage(`crash-${i}@example.org`, council, `https://council.example/verify?token=${i}`, 60)));
        return made;
      });
      assert.equal(ids.length, 200);
      const first: { worker?: ChildProcess } = {};
      let killedAt = 0;
      // The sink kills the worker while it waits for the answer to its 55th email (so it has a
      // batch claimed and in its lease), and never answers that DATA.
      const mail = sink({
        delayMs: 5,
        beforeAccept: (count) => {
          if (count !== 55 || !first.worker) return true;
          first.worker.kill('SIGKILL');
          if (process.env.DEBUG_DELIVER) console.error('killed', new Date().toISOString());
          killedAt = count;
          return false;
        },
      });
      const url = await mail.listen();
      const env = { ...process.env, ...t.env, SMTP_URL: url, MAIL_FROM: FROM, LOG_LEVEL: process.env.DEBUG_DELIVER ? 'info' : 'silent', OUTBOX_LEASE_MS: '1500', OUTBOX_BACKOFF_BASE_MS: '10', OUTBOX_BACKOFF_CAP_MS: '100', EMAIL_RATE_PER_SECOND: '1000' };
      const start = () => spawn(process.execPath, [bin, 'deliver'], { env, stdio: ['ignore', process.env.DEBUG_DELIVER ? 'inherit' : 'ignore', process.env.DEBUG_DELIVER ? 'inherit' : 'ignore'] });
      const worker = first.worker = start();
      const exited = new Promise<NodeJS.Signals | null>((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
      assert.equal(await exited, 'SIGKILL');
      if (process.env.DEBUG_DELIVER) console.error('exited', new Date().toISOString());
      assert.equal(killedAt, 55);
      const stuck = await t.db.selectFrom('outbox').select('id').where('status', '=', 'sending').execute();
      assert.ok(stuck.length > 0, 'the killed worker left messages in sending');

      if (process.env.DEBUG_DELIVER) console.error('stuck', stuck.length, new Date().toISOString());
      const second = start();
      const pending = () => countPending(t.db, 'email');
      for (let i = 0; i < 600 && (await pending()) > 0; i++) await wait(100);
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
      await mail.close();

      assert.equal(await pending(), 0);
      const expected = new Set(ids.map((id) => messageIdFor(id, FROM)));
      const counts = new Map<string, number>();
      for (const id of mail.accepted) counts.set(id, (counts.get(id) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], 'no email was accepted twice');
      assert.equal([...expected].filter((id) => !counts.has(id)).length, 0, 'every email arrived');
      assert.equal(mail.accepted.length, 200);
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
      const got = mail.accepted.filter((id) => mine.has(id));
      assert.equal(got.length, 100, 'each sent once');
      assert.equal(new Set(got).size, 100);
    });
  });
}
