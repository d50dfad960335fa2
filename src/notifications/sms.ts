/**
 * Text messages: a provider interface, an HTTP provider (a JSON POST to `<SMS_URL>/messages`
 * with Basic auth from the URL and an Idempotency-Key, so a message sent twice after a crash is
 * recognised by the provider), and a console provider for development. Numbers and texts are
 * sealed in the outbox, like emails.
 */
import type { DB } from '../db/connection.js';
import { open, seal, type Keyring } from '../platform/crypto.js';
import { enqueue, withoutAddresses } from '../platform/outbox.js';

export interface TextMessage {
  to: string;
  body: string;
}

export interface SmsProvider {
  /** Names the provider in the outbox (http, console). */
  name: string;
  /** Resolves once the provider has accepted the message; the key is the same on every attempt. */
  send(message: TextMessage, idempotencyKey: string): Promise<void>;
}

const SEALED_FIELD = 'outbox.sms';

/** Queues a text message in the transaction of the change that causes it. */
export async function queueSms(trx: DB, keyring: Keyring, event: string, message: TextMessage, options: { idempotencyKey?: string } = {}): Promise<number> {
  return enqueue(trx, 'sms', { event, message: seal(keyring, SEALED_FIELD, JSON.stringify(message)) }, options);
}

export function openQueuedSms(keyring: Keyring, payload: unknown): TextMessage & { event: string } {
  const { event, message } = (payload ?? {}) as { event?: unknown; message?: unknown };
  if (typeof message !== 'string') throw new Error('This outbox message is not a text message.');
  const sms = JSON.parse(open(keyring, SEALED_FIELD, message)) as Partial<TextMessage>;
  if (typeof sms.to !== 'string' || typeof sms.body !== 'string') throw new Error('This queued text message is incomplete.');
  return { event: typeof event === 'string' ? event : 'unknown', to: sms.to, body: sms.body };
}

/** A mobile number in international form (+ then 8 to 15 digits), or null when it is not one. Spaces, dashes, dots and brackets are ignored. */
export function normalisePhone(text: string): string | null {
  const compact = text.trim().replace(/[\s().-]/g, '').replace(/^00/, '+');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : null;
}

/** "+44•••••••890": enough for a person to recognise their own number, not enough to use it. */
export const maskPhone = (phone: string): string => (phone.length <= 6 ? '•••' : `${phone.slice(0, 3)}${'•'.repeat(phone.length - 6)}${phone.slice(-3)}`);

/** A provider at `base` (https://user:token@sms.example.gov/api): POST <base>/messages {to, from, body}. */
export function httpSmsProvider(base: string, from: string, options: { timeoutMs?: number } = {}): SmsProvider {
  const url = new URL(base);
  const auth = url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : null;
  url.username = '';
  url.password = '';
  const endpoint = `${url.toString().replace(/\/+$/, '')}/messages`;
  return {
    name: 'http',
    async send(message, idempotencyKey) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ to: message.to, from, body: message.body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (!response.ok) {
        // The provider's words may quote the number: keep the status and a short, cleaned reason.
        const reason = withoutAddresses((await response.text().catch(() => '')).slice(0, 200)).replace(/\+?\d{7,}/g, '[number]');
        throw new Error(`The text message service answered ${response.status}${reason ? `: ${reason}` : ''}`);
      }
    },
  };
}

/** Development: writes the message to the log (number masked) instead of sending it. */
export function consoleSmsProvider(log: { info: (details: object, message: string) => void }): SmsProvider {
  return {
    name: 'console',
    async send(message, idempotencyKey) {
      log.info({ to: maskPhone(message.to), body: message.body, idempotencyKey }, 'text message (console provider: not sent)');
    },
  };
}
