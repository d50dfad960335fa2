/**
 * The key in a closing email's feedback link: a keyed hash of the case and the action that
 * closed it, so the link works only for that closure and needs nothing stored. Any configured
 * key is accepted, so links sent before a key rotation keep working.
 */
import { timingSafeEqual } from 'node:crypto';
import { lookupHash, makeKeyring, type Keyring } from '../platform/crypto.js';

const PURPOSE = 'feedback';

export const feedbackKey = (keyring: Keyring, caseId: number, closingActionId: number): string =>
  lookupHash(keyring, PURPOSE, `${caseId}:${closingActionId}`);

export const feedbackLink = (publicUrl: string, keyring: Keyring, caseId: number, closingActionId: number): string =>
  `${publicUrl}/requests/${caseId}/feedback?key=${feedbackKey(keyring, caseId, closingActionId)}`;

/** Whether `key` is the feedback key of this closure under any configured key; compared in constant time. */
export function isFeedbackKey(keyring: Keyring, caseId: number, closingActionId: number, key: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(key)) return false;
  const given = Buffer.from(key);
  let matched = false;
  for (const secret of keyring.keys.values()) {
    const expected = Buffer.from(feedbackKey(makeKeyring(secret), caseId, closingActionId));
    if (timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
