/**
 * Sending alert messages: the outbox kinds `alert_email` and `alert_sms` (fan-out.ts), through
 * the same SMTP sender and text message provider as every other message (notifications/).
 *
 * Each is a channel of the delivery loop (notifications/delivery.ts) with its own rate limiter,
 * so routine mail never uses up the alerts' allowance; and since the outbox claims the highest
 * priority first, a pass takes waiting alert messages before any routine one. The message holds
 * only the alert's and the subscription's ids: the contact is opened here, when it is sent, and a
 * subscriber who stopped the alerts since the fan-out is skipped.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { TokenBucket, type ChannelWorker, type DeliveryLog } from '../notifications/delivery.js';
import { describeServer, devMailSender, smtpSender, type EmailSender } from '../notifications/smtp.js';
import { consoleSmsProvider, httpSmsProvider, type SmsProvider } from '../notifications/sms.js';
import type { Keyring } from '../platform/crypto.js';
import type { OutboxMessage } from '../platform/outbox.js';
import { ALERT_EMAIL_KIND, ALERT_SMS_KIND, alertForMessages, type AlertForMessages, type AlertMessagePayload } from './fan-out.js';
import { subscriptionsForDelivery } from './subscriptions-store.js';
import { openContact, unsubscribeLink } from './subscriptions.js';
import { alertTexts, emailFooter, type AlertTexts } from './texts.js';

export interface AlertSender { publicUrl: string; council: string }

function payloadOf(message: OutboxMessage): AlertMessagePayload {
  const p = (message.payload ?? {}) as Partial<AlertMessagePayload>;
  if (typeof p.alert !== 'number' || typeof p.subscription !== 'number') throw new Error('This outbox message is not an alert message.');
  return { alert: p.alert, subscription: p.subscription };
}

/** The texts of each alert in each language, worked out once per process (an alert's words never change once approved). */
function textsCache(db: DB, sender: AlertSender) {
  const alerts = new Map<number, Promise<AlertForMessages | undefined>>();
  const texts = new Map<string, AlertTexts>();
  return async (alertId: number, language: string): Promise<AlertTexts> => {
    const key = `${alertId}:${language}`;
    const known = texts.get(key);
    if (known) return known;
    if (!alerts.has(alertId)) alerts.set(alertId, alertForMessages(db, alertId));
    const alert = await alerts.get(alertId)!;
    if (!alert) throw new Error(`Alert ${alertId} has no fan-out: its message cannot be worded.`);
    const made = alertTexts(alert, language, sender);
    texts.set(key, made);
    return made;
  };
}

async function subscriberOf(db: DB, id: number) {
  const [row] = await subscriptionsForDelivery(db, [id]);
  return row && row.unsubscribed_at === null ? row : null;
}

type Subscriber = NonNullable<Awaited<ReturnType<typeof subscriberOf>>>;

/** One alert channel: its message's subscriber (none once stopped) and words in their language, handed to `send`. */
function alertChannel(db: DB, sender: AlertSender, kind: string, provider: string, ratePerSecond: number,
  send: (row: Subscriber, texts: AlertTexts, message: OutboxMessage) => Promise<void>, close: () => void): ChannelWorker {
  const textsOf = textsCache(db, sender);
  return {
    kind, provider, bucket: new TokenBucket(ratePerSecond),
    describe: (message) => ({ alert: (message.payload as Partial<AlertMessagePayload> | null)?.alert ?? 'unknown' }),
    async deliver(message) {
      const { alert, subscription } = payloadOf(message);
      const row = await subscriberOf(db, subscription);
      if (row) await send(row, await textsOf(alert, row.language), message);
    },
    close,
  };
}

export function alertEmailChannel(db: DB, keyring: Keyring, sender: AlertSender, email: EmailSender, ratePerSecond: number): ChannelWorker {
  return alertChannel(db, sender, ALERT_EMAIL_KIND, email.provider, ratePerSecond, async (row, texts, message) => {
    const stop = unsubscribeLink(sender.publicUrl, keyring, row.id);
    await email.send({
      to: openContact(keyring, row.contact), subject: texts.subject, text: `${texts.email}\n\n${emailFooter(texts.language, row.place_name, stop)}`,
      unsubscribeUrl: stop, language: texts.language,
    }, { outboxId: message.id });
  }, () => email.close());
}

export function alertSmsChannel(db: DB, keyring: Keyring, sender: AlertSender, provider: SmsProvider, ratePerSecond: number): ChannelWorker {
  return alertChannel(db, sender, ALERT_SMS_KIND, provider.name, ratePerSecond,
    (row, texts, message) => provider.send({ to: openContact(keyring, row.contact), body: texts.sms }, message.idempotencyKey ?? `outbox:${message.id}`), () => {});
}

/**
 * The alert channels this configuration can send (the same settings as notifications/delivery.ts
 * `configuredChannels`: SMTP when SMTP_URL is set, text messages when a provider is).
 */
export function alertChannels(db: DB, keyring: Keyring, config: Config, log: DeliveryLog, options: { demo?: boolean } = {}): ChannelWorker[] {
  const sender = { publicUrl: config.publicUrl, council: config.jurisdiction.name };
  const settings = config.notifications;
  const workers: ChannelWorker[] = [];
  const mode = settings.mailMode ?? (config.mail.smtpUrl ? 'smtp' : options.demo ? 'dev' : null);
  const smtp = mode === 'smtp' && config.mail.smtpUrl ? smtpSender(config.mail, config.jurisdiction.name, { colour: config.branding.colour }) : null;
  if (mode === 'dev') workers.push(alertEmailChannel(db, keyring, sender, devMailSender(), settings.emailRatePerSecond));
  else if (smtp && config.mail.smtpUrl) {
    log.info({ server: describeServer(config.mail.smtpUrl) }, 'alert email delivery started');
    workers.push(alertEmailChannel(db, keyring, sender, smtp, settings.emailRatePerSecond));
  }
  if (settings.sms.provider === 'http' && settings.sms.url && settings.sms.from) {
    workers.push(alertSmsChannel(db, keyring, sender, httpSmsProvider(settings.sms.url, settings.sms.from), settings.smsRatePerSecond));
  } else if (settings.sms.provider === 'console') {
    workers.push(alertSmsChannel(db, keyring, sender, consoleSmsProvider(log), settings.smsRatePerSecond));
  }
  return workers;
}
