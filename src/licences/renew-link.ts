/**
 * The link in a renewal reminder: it lets the holder start a renewal without signing in. It is
 * signed (a keyed hash under the current encryption key, over the licence and the link's
 * expiry) and expires; it only opens a renewal of that licence, prefilled from the application
 * that led to it. Rotating the encryption key ends the links sent before (the holder can still
 * sign in, or wait for the next reminder).
 */
import { timingSafeEqual } from 'node:crypto';
import { lookupHash, type Keyring } from '../platform/crypto.js';

/** How long a renew link works after it is sent: past the licence's end, so a late holder can still renew. */
export const RENEW_LINK_DAYS = 90;
const PURPOSE = 'licence renewal link';

const signatureOf = (keyring: Keyring, licenceId: number, expires: number) => lookupHash(keyring, PURPOSE, `${licenceId}.${expires}`);

/** The token of a renew link for this licence, working until `now` plus RENEW_LINK_DAYS. */
export function renewToken(keyring: Keyring, licenceId: number, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + RENEW_LINK_DAYS * 86_400;
  return `${licenceId}.${expires}.${signatureOf(keyring, licenceId, expires)}`;
}

export const renewLinkOf = (publicUrl: string, number: string, token: string) => `${publicUrl}/apply/renew/${encodeURIComponent(number)}?token=${encodeURIComponent(token)}`;

/** The licence id a renew token is for, if it is genuine and not expired; else null. */
export function checkRenewToken(keyring: Keyring, token: string, now = Date.now()): number | null {
  const match = /^(\d{1,12})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(token);
  if (!match) return null;
  const licenceId = Number(match[1]);
  const expires = Number(match[2]);
  const expected = Buffer.from(signatureOf(keyring, licenceId, expires), 'hex');
  const given = Buffer.from(match[3]!, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return expires * 1000 > now ? licenceId : null;
}
