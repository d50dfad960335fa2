/**
 * The emails residents get when a case they reported or follow changes: queued in the outbox
 * in the same transaction as the change, so an email goes out if and only if the change was
 * made. At most one email per person per change; each says what changed and has one link.
 */
import type { DB } from '../db/connection.js';
import { findUserByEmailHash } from '../identity/store.js';
import { queueEmail, type Email, type Sender } from '../notifications/email.js';
import { lookupHash, open, type Keyring } from '../platform/crypto.js';
import { contactForCase } from '../requests/reporters.js';
import { emailPreferences, type EmailPreferences } from '../tracking/preferences.js';
import { feedbackLink } from './keys.js';

/** What caseChanged needs besides the change: the keys that open and seal emails, and the sender. */
export interface CaseChangeDeps extends Sender {
  keyring: Keyring;
}

export interface CaseChange {
  caseId: number;
  /** The appended action that made the change (for a closure, the closing action). */
  actionId: number;
  serviceName: string;
  /** The case is now closed. */
  closed: boolean;
  /** The public note that came with the change, if any. */
  note: string | null;
}

/**
 * Emails the reporter (at the contact address they gave) and every follower who wants this kind
 * of email. Call inside the transaction that makes the change. Returns how many were queued.
 */
export async function caseChanged(trx: DB, deps: CaseChangeDeps, change: CaseChange): Promise<number> {
  const wants = (prefs: EmailPreferences) => (change.closed ? prefs.onClose : prefs.onUpdate);
  const sent = new Set<string>();
  let queued = 0;
  const send = async (to: string, asReporter: boolean) => {
    const address = to.trim().toLowerCase();
    if (sent.has(address) || address.endsWith('@invalid')) return;
    sent.add(address);
    const message = change.closed
      ? asReporter ? closedForReporter(to, deps, change) : closedForFollower(to, deps, change)
      : updated(to, deps, change, asReporter);
    await queueEmail(trx, deps.keyring, change.closed ? 'case_closed' : 'case_updated', message);
    queued++;
  };

  // The reporter first, so that a reporter who also follows gets the reporter's email (with the
  // feedback link). A reporter with an account keeps that account's choices.
  const contact = await contactForCase(trx, deps.keyring, change.caseId);
  if (contact?.email) {
    const account = await findUserByEmailHash(trx, lookupHash(deps.keyring, 'email', contact.email));
    const prefs = account ? await emailPreferences(trx, account.id) : { onUpdate: true, onClose: true };
    if (wants(prefs)) await send(contact.email, true);
    // Either way the address has had its say: a follower row for the same person adds nothing.
    sent.add(contact.email.trim().toLowerCase());
  }

  // Followers with their choices, in one query (no saved choice: both on, as emailPreferences says).
  const followers = await trx.selectFrom('case_followers')
    .innerJoin('users', 'users.id', 'case_followers.user_id')
    .leftJoin('resident_preferences', 'resident_preferences.user_id', 'users.id')
    .select(['users.id', 'users.email', 'case_followers.reason', 'resident_preferences.email_on_update', 'resident_preferences.email_on_close'])
    .where('case_followers.case_id', '=', change.caseId)
    .where('users.status', '=', 'active')
    .orderBy('case_followers.created_at').orderBy('users.id')
    .execute();
  for (const row of followers) {
    const prefs = { onUpdate: row.email_on_update === null ? true : Number(row.email_on_update) === 1, onClose: row.email_on_close === null ? true : Number(row.email_on_close) === 1 };
    if (wants(prefs)) await send(open(deps.keyring, 'users.email', row.email), row.reason === 'reporter');
  }
  return queued;
}

const signature = (sender: Sender) => `${sender.council}\n${sender.publicUrl}\n\nThis email was sent automatically. Replies may not be read.`;
const trackLink = (sender: Sender, caseId: number) => `${sender.publicUrl}/requests/${caseId}`;
const noteLines = (note: string | null) => (note?.trim() ? [`What we said:\n${note.trim()}`] : []);

export function closedForReporter(to: string, deps: CaseChangeDeps, change: CaseChange): Email {
  return {
    to,
    subject: `Your report ${change.caseId} to ${deps.council} has been closed`,
    text: [
      `Your report about ${change.serviceName} (reference ${change.caseId}) has been closed.`,
      ...noteLines(change.note),
      `Was it fixed? Tell us: ${feedbackLink(deps.publicUrl, deps.keyring, change.caseId, change.actionId)}`,
      'If it was not fixed, say so and we will look at it again.',
      signature(deps),
    ].join('\n\n'),
  };
}

export function closedForFollower(to: string, deps: CaseChangeDeps, change: CaseChange): Email {
  return {
    to,
    subject: `Report ${change.caseId} to ${deps.council} has been closed`,
    text: [
      `A report you follow about ${change.serviceName} (reference ${change.caseId}) has been closed.`,
      ...noteLines(change.note),
      `See the report: ${trackLink(deps, change.caseId)}`,
      'You can choose which emails you get on your account page.',
      signature(deps),
    ].join('\n\n'),
  };
}

export function updated(to: string, deps: CaseChangeDeps, change: CaseChange, asReporter: boolean): Email {
  return {
    to,
    subject: `There is news about ${asReporter ? 'your report' : 'report'} ${change.caseId} to ${deps.council}`,
    text: [
      `${asReporter ? 'Your report' : 'A report you follow'} about ${change.serviceName} (reference ${change.caseId}) has been updated.`,
      ...noteLines(change.note),
      `See the report: ${trackLink(deps, change.caseId)}`,
      signature(deps),
    ].join('\n\n'),
  };
}
