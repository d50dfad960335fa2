/**
 * How messages leave: the development mailbox, the text message provider, retries and rates.
 * Read from the environment with the rest of the configuration (config.ts); each mistake is
 * reported in plain words, never echoing a password or token.
 */
import { defaultRetryPolicy, type RetryPolicy } from '../platform/retry-policy.js';

export interface NotificationConfig {
  /** smtp: send through SMTP_URL; dev: keep emails in the development mailbox; null: smtp when SMTP_URL is set (dev under --demo). */
  mailMode: 'smtp' | 'dev' | null;
  sms: { provider: 'http' | 'console' | null; url: string | null; from: string | null };
  retry: RetryPolicy;
  /** Most messages handed to each provider per second (a token bucket per channel). */
  emailRatePerSecond: number;
  smsRatePerSecond: number;
  /** Webhooks (src/webhooks): retried by the outbox's policy above; a subscription failing this long and this often is turned off. */
  webhooks: { ratePerSecond: number; disableAfterFailures: number; disableAfterMs: number };
}

export const notificationVariables: Array<[name: string, meaning: string]> = [
  ['MAIL_MODE', 'smtp (send through SMTP_URL) or dev (keep emails in a mailbox system administrators can read at /admin/messages; the default under --demo without SMTP_URL)'],
  ['SMS_PROVIDER', 'http (send text messages through SMS_URL) or console (write them to the log, for development); unset: no text messages'],
  ['SMS_URL', 'the text message service, with its credentials, e.g. https://user:token@sms.example.gov/api (Townhall POSTs to <SMS_URL>/messages)'],
  ['SMS_FROM', 'the sender number or name of text messages, e.g. +441234567890'],
  ['OUTBOX_MAX_ATTEMPTS', 'attempts before a message is given up as dead (default 8)'],
  ['OUTBOX_BACKOFF_BASE_MS', 'the first wait after a failed attempt, in milliseconds; later waits may double, with random jitter (default 30000)'],
  ['OUTBOX_BACKOFF_CAP_MS', 'the longest wait between attempts, in milliseconds (default 21600000, 6 hours)'],
  ['OUTBOX_LEASE_MS', 'how long a worker holds a message it is sending before another may take it over (default 300000)'],
  ['EMAIL_RATE_PER_SECOND', 'most emails handed to the mail server per second (default 10)'],
  ['SMS_RATE_PER_SECOND', 'most text messages handed to the provider per second (default 5)'],
  ['WEBHOOK_RATE_PER_SECOND', 'most webhook deliveries made per second (default 20)'],
  ['WEBHOOK_DISABLE_AFTER_FAILURES', 'failed deliveries in a row after which a webhook subscription is turned off and its owner told (default 20)'],
  ['WEBHOOK_DISABLE_AFTER_MS', 'and for at least this long, in milliseconds, without a success (default 86400000, a day)'],
];

type Env = Record<string, string | undefined>;

export function loadNotificationConfig(env: Env, problems: string[]): NotificationConfig {
  const read = (name: string) => env[name]?.trim() || null;
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const text = read(name);
    if (text === null) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; got "${text.slice(0, 40)}"`);
      return fallback;
    }
    return Number(text);
  };
  const mailMode = read('MAIL_MODE');
  if (mailMode !== null && mailMode !== 'smtp' && mailMode !== 'dev') problems.push(`MAIL_MODE must be smtp or dev; got "${mailMode.slice(0, 40)}"`);
  if (mailMode === 'smtp' && !read('SMTP_URL')) problems.push('MAIL_MODE=smtp needs SMTP_URL, the mail server that sends the emails');

  const provider = read('SMS_PROVIDER');
  const url = read('SMS_URL');
  const from = read('SMS_FROM');
  if (provider !== null && provider !== 'http' && provider !== 'console') problems.push(`SMS_PROVIDER must be http or console; got "${provider.slice(0, 40)}"`);
  if (provider === 'http') {
    let parsed: URL | null = null;
    try {
      parsed = url ? new URL(url) : null;
    } catch {
      // Reported below.
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) problems.push('SMS_URL must be an http(s) address such as https://user:token@sms.example.gov/api when SMS_PROVIDER=http (the value set is not shown, as it may hold a token)');
    if (from === null) problems.push('SMS_FROM is needed with SMS_PROVIDER=http: the number or name text messages come from');
  }

  const backoffBaseMs = whole('OUTBOX_BACKOFF_BASE_MS', defaultRetryPolicy.backoffBaseMs, 1, 86_400_000);
  return {
    mailMode: mailMode === 'smtp' || mailMode === 'dev' ? mailMode : null,
    sms: { provider: provider === 'http' || provider === 'console' ? provider : null, url, from },
    retry: {
      maxAttempts: whole('OUTBOX_MAX_ATTEMPTS', defaultRetryPolicy.maxAttempts, 1, 100),
      backoffBaseMs,
      backoffCapMs: Math.max(backoffBaseMs, whole('OUTBOX_BACKOFF_CAP_MS', defaultRetryPolicy.backoffCapMs, 1, 7 * 86_400_000)),
      leaseMs: whole('OUTBOX_LEASE_MS', defaultRetryPolicy.leaseMs, 100, 86_400_000),
    },
    emailRatePerSecond: whole('EMAIL_RATE_PER_SECOND', 10, 1, 100_000),
    smsRatePerSecond: whole('SMS_RATE_PER_SECOND', 5, 1, 100_000),
    webhooks: {
      ratePerSecond: whole('WEBHOOK_RATE_PER_SECOND', 20, 1, 100_000),
      disableAfterFailures: whole('WEBHOOK_DISABLE_AFTER_FAILURES', 20, 1, 100_000),
      disableAfterMs: whole('WEBHOOK_DISABLE_AFTER_MS', 86_400_000, 0, 30 * 86_400_000),
    },
  };
}
