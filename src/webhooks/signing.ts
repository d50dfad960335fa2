/**
 * Signing as the Standard Webhooks convention has it: the secret is "whsec_" and the base64 of
 * random bytes; the receiver is sent `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature`, "v1," and the base64 HMAC-SHA256, under the secret's bytes, of
 * "<id>.<timestamp>.<body>". The id stays the same on every attempt (a receiver drops a repeat by
 * it); the timestamp is the attempt's, so a receiver may refuse old ones.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes. */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64')}`;

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  if (!secret.startsWith(PREFIX)) throw new Error('A webhook secret starts with whsec_.');
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three headers of one attempt. */
export function signedHeaders(secret: string, id: string, body: string, at: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureOf(secret, id, timestamp, body) };
}
