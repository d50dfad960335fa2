/**
 * One-click unsubscribe (RFC 8058). The token in the link says what to stop and carries a keyed
 * MAC of it, so POST /unsubscribe/:token needs no session and no CSRF token: only someone who
 * received the email knows it, and it can do nothing but stop that kind of email.
 *   a.<userId>.<update|close>.<mac>  an account's emails about updates, or closures
 *   r.<caseId>.<mac>                 a reporter without an account: this case's emails
 *   g.<caseId>.<followerId>.<mac>    a guest who follows this case by email (guest_followers)
 * The MAC key derives from the current encryption key: after a key change, old links stop
 * working (the person can still choose on their account page).
 */
import { timingSafeEqual } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { lookupHash, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';

export type UnsubscribeTarget = { kind: 'account'; userId: number; what: 'update' | 'close' } | { kind: 'reporter'; caseId: number }
  | { kind: 'guest'; caseId: number; followerId: number };

const subjectOf = (target: UnsubscribeTarget) => (target.kind === 'account' ? `a.${target.userId}.${target.what}`
  : target.kind === 'guest' ? `g.${target.caseId}.${target.followerId}` : `r.${target.caseId}`);
const macOf = (keyring: Keyring, subject: string) => lookupHash(keyring, 'unsubscribe', subject).slice(0, 32);

export function unsubscribeToken(keyring: Keyring, target: UnsubscribeTarget): string {
  const subject = subjectOf(target);
  return `${subject}.${macOf(keyring, subject)}`;
}

export const unsubscribeUrl = (publicUrl: string, keyring: Keyring, target: UnsubscribeTarget) => `${publicUrl}/unsubscribe/${unsubscribeToken(keyring, target)}`;

/** What a token stops, or null when it is not one of ours (or was made with another key). */
export function readUnsubscribeToken(keyring: Keyring, token: string): UnsubscribeTarget | null {
  const match = /^(?:a\.(\d{1,15})\.(update|close)|r\.(\d{1,15})|g\.(\d{1,15})\.(\d{1,15}))\.([0-9a-f]{32})$/.exec(token);
  if (!match) return null;
  const target: UnsubscribeTarget = match[1] !== undefined
    ? { kind: 'account', userId: Number(match[1]), what: match[2] as 'update' | 'close' }
    : match[3] !== undefined ? { kind: 'reporter', caseId: Number(match[3]) }
      : { kind: 'guest', caseId: Number(match[4]), followerId: Number(match[5]) };
  const expected = Buffer.from(macOf(keyring, subjectOf(target)));
  const given = Buffer.from(match[6]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? target : null;
}

/** Stops what the token says. Returns false when there is nothing to stop (the account or report is gone). */
export async function applyUnsubscribe(db: DB, target: UnsubscribeTarget): Promise<boolean> {
  if (target.kind === 'guest') {
    // Stopping twice (a mail program's one-click, then the person's own click) is not an error.
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('guest_followers').select(['id', 'unsubscribed_at']).where('id', '=', target.followerId).where('case_id', '=', target.caseId).executeTakeFirst();
      if (!row) return false;
      if (row.unsubscribed_at !== null) return true;
      await trx.updateTable('guest_followers').set({ unsubscribed_at: nowIso() }).where('id', '=', row.id).execute();
      await appendAudit(trx, {
        actor: 'anonymous', action: 'service_request.guest_unfollowed', entityType: 'service_request', entityId: String(target.caseId), after: { guest_follower: row.id, via: 'unsubscribe_link' },
      });
      return true;
    });
  }
  if (target.kind === 'reporter') {
    const result = await db.updateTable('case_reporters').set({ unsubscribed_at: nowIso() }).where('case_id', '=', target.caseId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
  const user = await db.selectFrom('users').select('id').where('id', '=', target.userId).executeTakeFirst();
  if (!user) return false;
  const column = target.what === 'update' ? 'email_on_update' : 'email_on_close';
  await db.insertInto('resident_preferences').values({ user_id: target.userId, [column]: 0, updated_at: nowIso() })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ [column]: 0, updated_at: nowIso() })).execute();
  return true;
}
