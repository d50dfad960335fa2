/**
 * Delivering queued emails over SMTP. `serve` starts one worker loop per process; each pass
 * claims a few due emails from the outbox, sends them and marks each one sent or failed (a
 * failure is tried again later, see platform/outbox.ts). Without SMTP_URL and MAIL_FROM,
 * emails stay queued and are sent once email is configured.
 *
 * Logs never hold an address or a link: only the outbox id, which email it is, and the mail
 * server's answer with any address in it replaced.
 */
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { dialectOf, type DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { claimPending, markFailed, markSent, withoutAddresses } from '../platform/outbox.js';
import { openQueuedEmail, type Email, type QueuedEmail } from './email.js';

export interface MailConfig {
  /** smtp:// or smtps:// with any user and password in it; null: email is not configured. */
  smtpUrl: string | null;
  /** The From of every email, e.g. "Springfield <noreply@springfield.gov>" or a bare address. */
  from: string | null;
}

export const mailVariables: Array<[name: string, meaning: string]> = [
  ['SMTP_URL', 'the mail server for emails to residents, e.g. smtp://user:password@mail.example.gov:587 (smtps:// for port 465); unset: emails wait in the outbox'],
  ['MAIL_FROM', 'the sender of those emails, e.g. "Springfield Council <noreply@springfield.gov>" (needed with SMTP_URL)'],
];

type Env = Record<string, string | undefined>;

/** Reads SMTP_URL and MAIL_FROM; each problem is added to `problems` in plain words (never echoing a password). */
export function loadMailConfig(env: Env, problems: string[]): MailConfig {
  const read = (name: string) => env[name]?.trim() || null;
  const smtpUrl = read('SMTP_URL');
  const from = read('MAIL_FROM');
  if (smtpUrl !== null) {
    let url: URL | null = null;
    try {
      url = new URL(smtpUrl);
    } catch {
      // Reported below.
    }
    if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '') {
      problems.push('SMTP_URL must look like smtp://user:password@mail.example.gov:587 or smtps://user:password@mail.example.gov:465 (the value set is not shown, as it may hold a password)');
    }
    if (from === null) problems.push('MAIL_FROM is needed when SMTP_URL is set, e.g. "Springfield Council <noreply@springfield.gov>"');
  } else if (from !== null) {
    problems.push('SMTP_URL is needed when MAIL_FROM is set: it names the mail server that sends the emails');
  }
  if (from !== null && !/^([^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
    problems.push(`MAIL_FROM must be an email address, optionally with a name, e.g. "Springfield Council <noreply@springfield.gov>"; got "${from.slice(0, 100)}"`);
  }
  return { smtpUrl, from };
}

export interface EmailSender {
  send(email: Email): Promise<void>;
  close(): void;
}

/** A sender over SMTP, or null when email is not configured. */
export function smtpSender(mail: MailConfig, council: string): EmailSender | null {
  if (!mail.smtpUrl || !mail.from) return null;
  const transport = nodemailer.createTransport({
    url: mail.smtpUrl,
    // A mail server that hangs must not hold the worker (or, on PostgreSQL, its transaction) for long.
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
    // Messages are plain text composed here: never let a message pull in files or URLs.
    disableFileAccess: true, disableUrlAccess: true,
  });
  const from = mail.from.includes('<') ? mail.from : { name: council, address: mail.from };
  return {
    async send(email) {
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, headers: { 'Auto-Submitted': 'auto-generated' } });
    },
    close: () => transport.close(),
  };
}

/** Where email goes, for the log at start: the host and port, never the user or password. */
function describeServer(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}

export interface DeliveryLog {
  info: FastifyBaseLogger['info'];
  warn: FastifyBaseLogger['warn'];
  error: FastifyBaseLogger['error'];
}

export interface DeliveryResult {
  sent: number;
  failed: number;
}

/** Emails claimed per pass: small, so a slow server holds few rows (and on PostgreSQL, one short transaction). */
const BATCH = 10;

/** One pass: sends the emails that are due and marks each one. */
export async function deliverEmails(deps: { db: DB; keyring: Keyring; log?: DeliveryLog }, sender: EmailSender): Promise<DeliveryResult> {
  const { db, keyring, log } = deps;
  const pass = async (trx: DB): Promise<DeliveryResult> => {
    const result = { sent: 0, failed: 0 };
    for (const message of await claimPending(trx, BATCH, { kind: 'email' })) {
      let email: QueuedEmail | undefined;
      try {
        email = openQueuedEmail(keyring, message.payload);
        await sender.send(email);
      } catch (error) {
        const reason = withoutAddresses(error instanceof Error ? error.message : String(error));
        const gaveUp = await markFailed(trx, message, reason);
        result.failed++;
        const details = { outboxId: message.id, template: email?.template ?? 'unreadable', attempts: message.attempts + 1, reason };
        if (gaveUp) log?.error(details, 'an email could not be delivered and will not be tried again');
        else log?.warn(details, 'an email was not delivered; it will be tried again later');
        continue;
      }
      await markSent(trx, message.id);
      result.sent++;
    }
    return result;
  };
  // PostgreSQL: the claimed rows stay locked until marked, so other processes skip them.
  // SQLite: a transaction would hold the one connection while the mail server answers.
  return dialectOf(db) === 'postgres' ? db.transaction().execute(pass) : pass(db);
}

export interface EmailDelivery {
  stop(): Promise<void>;
}

/** Starts the worker loop; `stop` waits for a pass in progress to finish. */
export function startEmailDelivery(deps: { db: DB; keyring: Keyring; config: Config; log: DeliveryLog }, options: { everyMs?: number } = {}): EmailDelivery {
  const { config, log } = deps;
  const sender = smtpSender(config.mail, config.jurisdiction.name);
  if (!sender || !config.mail.smtpUrl) {
    log.warn('Email is not configured (set SMTP_URL and MAIL_FROM): emails to residents wait in the outbox and are sent once it is.');
    return { stop: async () => {} };
  }
  log.info({ server: describeServer(config.mail.smtpUrl) }, 'email delivery started');
  const everyMs = options.everyMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = deliverEmails(deps, sender).then(
      (result) => { if (result.sent > 0) log.info(result, 'emails delivered'); },
      (error: unknown) => log.error({ err: error }, 'email delivery pass failed; it will be tried again'),
    ).finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(tick, everyMs).unref();
    });
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      sender.close();
    },
  };
}
