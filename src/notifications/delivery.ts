/**
 * The delivery loop: claims due messages from the outbox (a short transaction), hands each to
 * its channel's provider OUTSIDE any transaction, at most so many per second per channel (a
 * token bucket), then marks it sent, failed (tried again after a jittered backoff) or dead.
 * `serve` runs one loop per process; `townhall deliver` runs one on its own.
 *
 * Exactly once: the outbox row is claimed under a lease, so two live workers never hold the
 * same message. What no design can close is the window between a provider accepting a message
 * and our recording it: a worker killed there leaves the row `sending`, and after its lease the
 * message is sent again. Emails then carry the same Message-ID (a resend is recognisable, and
 * many mail systems drop the duplicate); text messages carry the same Idempotency-Key, which
 * the provider uses to accept the second request without sending a second text.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { claimDue, ClaimLost, defaultRetryPolicy, markFailed, markSent, withoutAddresses, type OutboxMessage, type RetryPolicy } from '../platform/outbox.js';
import { openQueuedEmail } from './email.js';
import { describeServer, devMailSender, smtpSender, type EmailSender } from './smtp.js';
import { consoleSmsProvider, httpSmsProvider, openQueuedSms, type SmsProvider } from './sms.js';

/** At most `ratePerSecond` takes per second, with bursts up to that many. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly ratePerSecond: number) {
    this.tokens = ratePerSecond;
  }
  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }
}

/** One channel the loop delivers: which outbox kind, through which provider. */
export interface ChannelWorker {
  kind: string;
  provider: string;
  bucket: TokenBucket;
  /** What may be logged about a message (never an address or text). */
  describe(message: OutboxMessage): Record<string, unknown>;
  /** Sends the message; a channel that must send at most once renews its claim first (holdClaim, which may throw ClaimLost). */
  deliver(message: OutboxMessage): Promise<void>;
  close(): void;
}

export function emailChannel(keyring: Keyring, sender: EmailSender, ratePerSecond: number): ChannelWorker {
  return {
    kind: 'email', provider: sender.provider, bucket: new TokenBucket(ratePerSecond),
    describe: (message) => ({ template: (message.payload as { template?: string } | null)?.template ?? 'unknown' }),
    async deliver(message) {
      await sender.send(openQueuedEmail(keyring, message.payload), { outboxId: message.id });
    },
    close: () => sender.close(),
  };
}

export function smsChannel(keyring: Keyring, provider: SmsProvider, ratePerSecond: number): ChannelWorker {
  return {
    kind: 'sms', provider: provider.name, bucket: new TokenBucket(ratePerSecond),
    describe: (message) => ({ event: (message.payload as { event?: string } | null)?.event ?? 'unknown' }),
    async deliver(message) {
      const sms = openQueuedSms(keyring, message.payload);
      await provider.send(sms, message.idempotencyKey ?? `outbox:${message.id}`);
    },
    close: () => {},
  };
}

export interface DeliveryLog {
  info: FastifyBaseLogger['info'];
  warn: FastifyBaseLogger['warn'];
  error: FastifyBaseLogger['error'];
}

export interface DeliveryDeps {
  db: DB;
  keyring: Keyring;
  log?: DeliveryLog;
  policy?: RetryPolicy;
}

export interface PassResult {
  sent: number;
  failed: number;
  dead: number;
}

/** Messages claimed per pass: few, so a slow provider holds few leases. */
const BATCH = 10;

/** One pass: claims the due messages of these channels, delivers each and records the result. */
export async function deliverDue(deps: DeliveryDeps, workers: ChannelWorker[], options: { batch?: number } = {}): Promise<PassResult> {
  const { db, log } = deps;
  const policy = deps.policy ?? defaultRetryPolicy;
  const result = { sent: 0, failed: 0, dead: 0 };
  const byKind = new Map(workers.map((w) => [w.kind, w]));
  if (byKind.size === 0) return result;
  const claimed = await claimDue(db, options.batch ?? BATCH, { kinds: [...byKind.keys()], leaseMs: policy.leaseMs });
  for (const message of claimed) {
    const worker = byKind.get(message.kind)!;
    await worker.bucket.take();
    try {
      await worker.deliver(message);
    } catch (error) {
      // Another worker took the message over (this one outlived its lease): it is that one's to send and record.
      if (error instanceof ClaimLost) {
        log?.warn({ outboxId: message.id, kind: message.kind }, 'a message was taken over by another worker before it was sent; this worker left it');
        continue;
      }
      const reason = withoutAddresses(error instanceof Error ? error.message : String(error));
      const dead = await markFailed(db, message, reason, policy);
      const details = { outboxId: message.id, kind: message.kind, ...worker.describe(message), attempts: message.attempts + 1, reason };
      if (dead) {
        result.dead++;
        log?.error(details, 'a message could not be delivered and will not be tried again (staff can retry it at /admin/messages)');
      } else {
        result.failed++;
        log?.warn(details, 'a message was not delivered; it will be tried again later');
      }
      continue;
    }
    if (!await markSent(db, message.id, worker.provider, message.lease)) log?.warn({ outboxId: message.id }, 'a message was delivered after its lease ran out; another worker had taken it over');
    result.sent++;
  }
  return result;
}

/** The channels this configuration delivers. `demo`: without SMTP_URL, emails go to the development mailbox. */
export function configuredChannels(config: Config, keyring: Keyring, log: DeliveryLog, options: { demo?: boolean } = {}): ChannelWorker[] {
  const workers: ChannelWorker[] = [];
  const settings = config.notifications;
  const mode = settings.mailMode ?? (config.mail.smtpUrl ? 'smtp' : options.demo ? 'dev' : null);
  if (mode === 'dev') {
    log.warn('Emails are kept in the development mailbox (MAIL_MODE=dev), not sent: system administrators can read them at /admin/messages.');
    workers.push(emailChannel(keyring, devMailSender(), settings.emailRatePerSecond));
  } else {
    const sender = smtpSender(config.mail, config.jurisdiction.name, { colour: config.branding.colour });
    if (sender && config.mail.smtpUrl) {
      log.info({ server: describeServer(config.mail.smtpUrl) }, 'email delivery started');
      workers.push(emailChannel(keyring, sender, settings.emailRatePerSecond));
    } else {
      log.warn('Email is not configured (set SMTP_URL and MAIL_FROM): emails to residents wait in the outbox and are sent once it is.');
    }
  }
  if (settings.sms.provider === 'http' && settings.sms.url && settings.sms.from) {
    workers.push(smsChannel(keyring, httpSmsProvider(settings.sms.url, settings.sms.from), settings.smsRatePerSecond));
  } else if (settings.sms.provider === 'console') {
    workers.push(smsChannel(keyring, consoleSmsProvider(log), settings.smsRatePerSecond));
  }
  return workers;
}

export interface Delivery {
  stop(): Promise<void>;
}

/**
 * Starts the loop; `stop` waits for the pass in progress to finish. A full pass is followed at
 * once by another (a backlog drains quickly); otherwise the loop waits `everyMs`.
 */
export function startDelivery(deps: { db: DB; keyring: Keyring; config: Config; log: DeliveryLog }, options: { everyMs?: number; demo?: boolean; workers?: ChannelWorker[] } = {}): Delivery {
  const { db, keyring, config, log } = deps;
  const workers = options.workers ?? configuredChannels(config, keyring, log, options);
  if (workers.length === 0) return { stop: async () => {} };
  const everyMs = options.everyMs ?? 5_000;
  const policy = config.notifications.retry;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    let busy = false;
    running = deliverDue({ db, keyring, log, policy }, workers).then(
      (result) => {
        busy = result.sent + result.failed + result.dead >= BATCH;
        if (result.sent > 0) log.info(result, 'messages delivered');
      },
      (error: unknown) => log.error({ err: error }, 'delivery pass failed; it will be tried again'),
    ).finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(tick, busy ? 0 : everyMs).unref();
    });
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      for (const worker of workers) worker.close();
    },
  };
}
