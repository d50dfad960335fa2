/**
 * Residents' own accounts (optional: reporting a problem never needs one). A resident registers
 * with an email address and a password, confirms the address by a one-time link, can reset a
 * forgotten password by another, and can sign in by a link instead of a password.
 *
 * One-time links: 32 random bytes, only their SHA-256 kept, each used once, short-lived. Nothing
 * here tells a stranger whether an address has an account: registering, asking for a reset and
 * asking for a sign-in link answer the same whatever the address, and only the mailbox's owner
 * learns more, by email. Emails go through the outbox, in the transaction of the change.
 */
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import {
  alreadyRegisteredMessage, emailSignInMessage, linkWithToken, queueEmail, resetPasswordMessage, verifyEmailMessage, type Sender,
} from '../notifications/email.js';
import { lookupHash, open, seal, sha256Hex, type Keyring } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { hashPassword, passwordProblem } from './passwords.js';
import type { Role } from './roles.js';
import { endAllSessions } from './sessions.js';
import * as store from './store.js';

export type LinkPurpose = 'verify_email' | 'reset_password' | 'email_sign_in';

/** How long each kind of link works: long enough to find the email, short enough to be of little use to anyone else. */
export const LINK_MINUTES: Record<LinkPurpose, number> = { verify_email: 7 * 24 * 60, reset_password: 60, email_sign_in: 15 };

/** Where each link leads (the page shows a button; only the button's POST uses the link up). */
export const LINK_PATHS: Record<LinkPurpose, string> = {
  verify_email: '/account/verify-email', reset_password: '/account/reset-password/choose', email_sign_in: '/sign-in/email-link/confirm',
};

/** At most this many unused links of one kind at once, so a stranger cannot fill someone's inbox. */
export const MAX_LIVE_LINKS = 3;

/** What is wrong with a form, field by field, in words a person can act on. */
export class FormProblems extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    const messages = Object.values(fields);
    super('invalid', messages[0] ?? 'Check what you entered.', messages);
  }
}

/** The link is unknown, used, expired, or its account can no longer use it. */
export class LinkNotUsable extends DomainError {
  constructor() {
    super('invalid', 'This link has expired or has already been used.');
  }
}

export function emailProblem(email: string): string | null {
  if (email === '') return 'Enter your email address';
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return 'Enter an email address in the correct format, like name@example.com';
  return null;
}

const hashOf = sha256Hex;
const newToken = () => randomBytes(32).toString('base64url');
const expiry = (at: string, purpose: LinkPurpose) => new Date(Date.parse(at) + LINK_MINUTES[purpose] * 60_000).toISOString();

/** `language`: the page's, which the account's messages about reports are then written in. */
export async function registerResident(db: DB, keyring: Keyring, input: { email: string; password: string; language?: string }, sender: Sender): Promise<void> {
  const email = input.email.trim();
  const problems: Record<string, string> = {};
  const badEmail = emailProblem(email);
  if (badEmail) problems.email = badEmail;
  const badPassword = input.password === '' ? 'Enter a password' : passwordProblem(input.password, { email });
  if (badPassword) problems.password = badPassword;
  if (Object.keys(problems).length > 0) throw new FormProblems(problems);

  const emailHash = lookupHash(keyring, 'email', email);
  // Hashed even when the address has an account, so the answer takes as long either way.
  const passwordHash = await hashPassword(input.password);
  const token = newToken();
  const at = nowIso();
  const tellOwner = async (trx: DB) => {
    const existing = await store.findUserByEmailHash(trx, emailHash);
    if (!existing || existing.status !== 'active') return;
    const to = open(keyring, 'users.email', existing.email);
    await queueEmail(trx, keyring, 'already_registered', alreadyRegisteredMessage(to, sender, { staff: existing.role !== 'resident' }));
    await appendAudit(trx, { actor: 'anonymous', action: 'user.registration_repeated', entityType: 'user', entityId: String(existing.id) });
  };
  try {
    await db.transaction().execute(async (trx) => {
      if (await store.findUserByEmailHash(trx, emailHash)) return tellOwner(trx);
      const user = await store.insertUser(trx, {
        email: seal(keyring, 'users.email', email), email_hash: emailHash, role: 'resident', department_id: null, password_hash: passwordHash,
        totp_secret: null, totp_confirmed: 0, status: 'active', created_at: at, updated_at: at, email_verified_at: null, language: input.language ?? null,
      });
      await store.insertToken(trx, { token_hash: hashOf(token), user_id: user.id, purpose: 'verify_email', expires_at: expiry(at, 'verify_email') });
      const link = linkWithToken(sender, LINK_PATHS.verify_email, token);
      await queueEmail(trx, keyring, 'verify_email', verifyEmailMessage(email, sender, link, LINK_MINUTES.verify_email));
      await appendAudit(trx, { actor: `user:${user.id}`, action: 'user.created', entityType: 'user', entityId: String(user.id), after: { role: 'resident', status: 'active', via: 'registration' } });
    });
  } catch (error) {
    // Two registrations for one address at the same moment: the other one made the account.
    if (!isUniqueViolation(error)) throw error;
    await db.transaction().execute(tellOwner);
  }
}

/** Confirms the address the link was sent to. */
/** Confirms an address from its link; returns the account, which the link also signs in (it proves the mailbox, as an email sign-in link does). */
export async function verifyEmail(db: DB, token: string): Promise<{ id: number; role: Role }> {
  const { hash, user } = await usableLink(db, token, 'verify_email');
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    if (!(await store.markTokenUsed(trx, hash, at))) throw new LinkNotUsable();
    await recordEmailVerified(trx, user.id, at, 'verification_link');
  });
  return { id: user.id, role: 'resident' };
}

export async function requestPasswordReset(db: DB, keyring: Keyring, email: string, sender: Sender): Promise<void> {
  await sendLink(db, keyring, email, sender, 'reset_password');
}

/** Sets a new password from a reset link; every session of the account ends, and every other reset or sign-in link stops working. */
export async function resetPassword(db: DB, keyring: Keyring, token: string, password: string): Promise<void> {
  const { hash, user } = await usableLink(db, token, 'reset_password');
  const problem = password === '' ? 'Enter a new password' : passwordProblem(password, { email: open(keyring, 'users.email', user.email) });
  if (problem) throw new FormProblems({ password: problem });
  const passwordHash = await hashPassword(password);
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    if (!(await store.markTokenUsed(trx, hash, at))) throw new LinkNotUsable();
    // The link proves the person reads this mailbox: wrong-password lockouts no longer apply.
    await store.updateUser(trx, user.id, { password_hash: passwordHash, failed_sign_ins: 0, locked_until: null, updated_at: at });
    await store.useUpTokens(trx, user.id, ['reset_password', 'email_sign_in'], at);
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, { actor: `user:${user.id}`, action: 'user.password_reset', entityType: 'user', entityId: String(user.id), after: { sessions_ended: ended } });
    await recordEmailVerified(trx, user.id, at, 'password_reset');
  });
}

export async function requestEmailSignIn(db: DB, keyring: Keyring, email: string, sender: Sender): Promise<void> {
  await sendLink(db, keyring, email, sender, 'email_sign_in');
}

/** Uses a sign-in link; the caller starts the session (which records the sign-in). */
export async function useEmailSignIn(db: DB, token: string): Promise<{ id: number; role: Role }> {
  const { hash, user } = await usableLink(db, token, 'email_sign_in');
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    if (!(await store.markTokenUsed(trx, hash, at))) throw new LinkNotUsable();
    await recordEmailVerified(trx, user.id, at, 'email_sign_in');
  });
  return { id: user.id, role: 'resident' };
}

/** Whether a link would work now, without using it up (for the page that shows its button). */
export async function linkIsUsable(db: DB, token: string, purpose: LinkPurpose): Promise<boolean> {
  try {
    await usableLink(db, token, purpose);
    return true;
  } catch (error) {
    if (error instanceof LinkNotUsable) return false;
    throw error;
  }
}

async function usableLink(db: DB, token: string, purpose: LinkPurpose) {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) throw new LinkNotUsable();
  const hash = hashOf(token);
  const link = await store.findToken(db, hash);
  if (!link || link.purpose !== purpose || link.used_at !== null || Date.parse(link.expires_at) <= Date.now()) throw new LinkNotUsable();
  const user = await store.findUser(db, link.user_id);
  // These links are for residents only; staff accounts are looked after by their administrators.
  if (!user || user.status !== 'active' || user.role !== 'resident') throw new LinkNotUsable();
  return { hash, user };
}

/**
 * Emails a reset or sign-in link to a resident's address. Unknown addresses, staff and disabled
 * accounts get no email; every request is recorded, by account or by the address's keyed hash.
 */
async function sendLink(db: DB, keyring: Keyring, emailText: string, sender: Sender, purpose: 'reset_password' | 'email_sign_in'): Promise<void> {
  const email = emailText.trim();
  const problem = emailProblem(email);
  if (problem) throw new FormProblems({ email: problem });
  const emailHash = lookupHash(keyring, 'email', email);
  const action = purpose === 'reset_password' ? 'user.password_reset_requested' : 'user.email_link_requested';
  const token = newToken();
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    const user = await store.findUserByEmailHash(trx, emailHash);
    const refusal = !user ? 'unknown email' : user.status !== 'active' ? 'account disabled' : user.role !== 'resident' ? 'staff account'
      : (await store.countLiveTokens(trx, user.id, purpose, at)) >= MAX_LIVE_LINKS ? 'enough links already sent' : null;
    if (!user || refusal) {
      await appendAudit(trx, {
        actor: 'anonymous', action, entityType: user ? 'user' : 'person', entityId: user ? String(user.id) : emailHash, after: { sent: false, reason: refusal },
      });
      return;
    }
    await store.insertToken(trx, { token_hash: hashOf(token), user_id: user.id, purpose, expires_at: expiry(at, purpose) });
    const to = open(keyring, 'users.email', user.email);
    const link = linkWithToken(sender, LINK_PATHS[purpose], token);
    const compose = purpose === 'reset_password' ? resetPasswordMessage : emailSignInMessage;
    await queueEmail(trx, keyring, purpose, compose(to, sender, link, LINK_MINUTES[purpose]));
    await appendAudit(trx, { actor: 'anonymous', action, entityType: 'user', entityId: String(user.id), after: { sent: true } });
  });
}

/** Records (once) that the person proved they read their mailbox, and how. */
async function recordEmailVerified(trx: DB, userId: number, at: string, via: string): Promise<void> {
  if (!(await store.markEmailVerified(trx, userId, at))) return;
  await appendAudit(trx, { actor: `user:${userId}`, action: 'user.email_verified', entityType: 'user', entityId: String(userId), after: { via } });
}
