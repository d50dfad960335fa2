/**
 * Email delivery in a real SMTP conversation: a local SMTP server (no TLS, no login), the
 * sender pointed at it through SMTP_URL, emails taken from the outbox and marked sent, or left
 * to try again when the server refuses. On SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { queueEmail, verifyEmailMessage } from '../src/notifications/email.js';
import { deliverDue, emailChannel, startDelivery, type DeliveryDeps, type DeliveryLog } from '../src/notifications/delivery.js';
import { loadMailConfig } from '../src/notifications/mail-config.js';
import { smtpSender, type EmailSender } from '../src/notifications/smtp.js';
import { makeKeyring, newKey } from '../src/platform/crypto.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { partOf } from './notifications-mime.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

const council = { publicUrl: 'https://council.example', council: 'Test Borough Council' };
const keyring = makeKeyring(newKey());

/** The body of a single-part text message, decoded from its transfer encoding. */
function bodyOf(data: string): string {
  // Emails are multipart (text and HTML): read the text part.
  const plain = partOf(data, 'text/plain');
  if (plain !== null) return plain;
  const split = data.indexOf('\r\n\r\n');
  const headers = data.slice(0, split);
  const body = data.slice(split + 4);
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body, 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  }
  return body;
}

/** A log that keeps every line, to check nothing personal is written. */
function capturingLog() {
  const lines: unknown[] = [];
  const keep = (...args: unknown[]) => { lines.push(args); };
  return { lines, log: { info: keep, warn: keep, error: keep } as unknown as DeliveryLog };
}

/** One delivery pass over due emails only: how many were sent, and how many failed (or died). */
async function deliverEmails(deps: DeliveryDeps, sender: EmailSender) {
  const result = await deliverDue(deps, [emailChannel(deps.keyring, sender, 1000)]);
  return { sent: result.sent, failed: result.failed + result.dead };
}

for (const database of databasesUnderTest()) {
  describe(`email delivery over SMTP on ${database.name}`, () => {
    let t: TestDatabase;
    let server: SMTPServer;
    let smtpUrl = '';
    const received: Received[] = [];
    /** Addresses the server refuses, as a full mailbox or unknown user would be. */
    const refused = new Set<string>();

    before(async () => {
      t = await createTestDatabase(database);
      server = new SMTPServer({
        authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
        onRcptTo(address, _session, callback) {
          if (!refused.has(address.address)) return callback();
          callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(resolve));
      await t.cleanup();
    });

    const queue = (to: string, link: string) => t.db.transaction().execute((trx) => queueEmail(trx, keyring, 'verify_email', verifyEmailMessage(to, council, link, 60)));
    const sender = () => {
      const problems: string[] = [];
      const mail = loadMailConfig({ SMTP_URL: smtpUrl, MAIL_FROM: 'noreply@council.example' }, problems);
      assert.deepEqual(problems, []);
      return smtpSender(mail, council.council)!;
    };

    test('a queued email is delivered to the right address with its link, and marked sent', async () => {
      const to = `delivered-${database.name}@example.org`;
      const link = `${council.publicUrl}/account/verify-email?token=${'a'.repeat(43)}`;
      const id = await queue(to, link);
      const { lines, log } = capturingLog();
      const smtp = sender();
      assert.deepEqual(await deliverEmails({ db: t.db, keyring, log }, smtp), { sent: 1, failed: 0 });
      smtp.close();

      const message = received.find((m) => m.to.includes(to));
      assert.ok(message, 'the server received it');
      assert.deepEqual(message.to, [to]);
      assert.equal(message.from, 'noreply@council.example');
      assert.match(message.data, /^From: "?Test Borough Council"? <noreply@council\.example>/m, 'a bare MAIL_FROM is given the council\'s name');
      assert.match(message.data, /^Subject: Confirm your email address/m);
      assert.ok(bodyOf(message.data).includes(link), 'the link arrives whole');
      const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.ok(row.sent_at);
      assert.equal(row.attempts, 1);
      assert.equal(row.last_error, null);
      assert.ok(!JSON.stringify(lines).includes(to) && !JSON.stringify(lines).includes(link), 'nothing personal is logged');
      assert.deepEqual(await deliverEmails({ db: t.db, keyring, log }, sender()), { sent: 0, failed: 0 }, 'a sent email is not sent again');
    });

    test('a server that refuses leaves the email queued, with the attempt counted and the reason kept without the address', async () => {
      const to = `refused-${database.name}@example.org`;
      refused.add(to);
      const id = await queue(to, `${council.publicUrl}/account/verify-email?token=${'b'.repeat(43)}`);
      const { lines, log } = capturingLog();
      const smtp = sender();
      assert.deepEqual(await deliverEmails({ db: t.db, keyring, log }, smtp), { sent: 0, failed: 1 });
      smtp.close();
      const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.sent_at, null);
      assert.equal(row.attempts, 1);
      assert.match(row.last_error ?? '', /550/);
      assert.ok(!row.last_error?.includes(to), `the stored reason names no address: ${row.last_error}`);
      assert.match(row.last_error ?? '', /\[address\]/);
      assert.ok(!JSON.stringify(lines).includes(to), 'nor does the log');
      assert.ok(!received.some((m) => m.to.includes(to)));
      assert.deepEqual(await deliverEmails({ db: t.db, keyring, log }, sender()), { sent: 0, failed: 0 }, 'it waits before the next attempt');
    });

    test('the worker started by serve delivers on its own; without SMTP_URL it says so once and leaves emails queued', async () => {
      const to = `worker-${database.name}@example.org`;
      const id = await queue(to, `${council.publicUrl}/sign-in/email-link/confirm?token=${'c'.repeat(43)}`);
      const base = { DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
      const quiet = capturingLog();
      const idle = startDelivery({ db: t.db, keyring, config: loadConfig(base), log: quiet.log });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await idle.stop();
      assert.equal(quiet.lines.length, 1);
      assert.match(JSON.stringify(quiet.lines), /Email is not configured/);
      assert.equal((await t.db.selectFrom('outbox').select('sent_at').where('id', '=', id).executeTakeFirstOrThrow()).sent_at, null, 'still queued');

      const { log } = capturingLog();
      const worker = startDelivery({ db: t.db, keyring, config: loadConfig({ ...base, SMTP_URL: smtpUrl, MAIL_FROM: 'Council <noreply@council.example>' }), log }, { everyMs: 20 });
      for (let i = 0; i < 200 && !received.some((m) => m.to.includes(to)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await worker.stop();
      assert.ok(received.some((m) => m.to.includes(to)), 'delivered by the worker');
    });

    test('SMTP_URL and MAIL_FROM are checked at start, without echoing a password', () => {
      const problems: string[] = [];
      loadMailConfig({ SMTP_URL: 'http://user:s3cret@mail.example' }, problems);
      assert.equal(problems.length, 2);
      assert.ok(!problems.join(' ').includes('s3cret'));
      const more: string[] = [];
      loadMailConfig({ MAIL_FROM: 'not an address' }, more);
      assert.equal(more.length, 2);
    });
  });
}
