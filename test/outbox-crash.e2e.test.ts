/**
 * The outbox survives a crash: a `townhall deliver` worker killed with SIGKILL mid-batch, and a
 * new worker that finishes its work (every message delivered, none twice, counted by
 * Message-ID at a real SMTP sink).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { queueEmail, verifyEmailMessage } from '../src/notifications/email.js';
import { messageIdFor } from '../src/notifications/smtp.js';
import { loadKeys } from '../src/platform/keys.js';
import { countPending } from '../src/platform/outbox.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { sink } from './smtp-sink.js';
import { townhallBin as bin } from './built-release.js';

const council = { publicUrl: 'https://council.example', council: 'Crash Test Council' };
const FROM = 'noreply@council.example';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const database of databasesUnderTest()) {
  describe(`the outbox after a crash on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
    });
    after(() => t.cleanup());

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
      for (const id of mail.acceptedIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], 'no email was accepted twice');
      assert.equal([...expected].filter((id) => !counts.has(id)).length, 0, 'every email arrived');
      assert.equal(mail.accepted.length, 200);
    });
  });
}
