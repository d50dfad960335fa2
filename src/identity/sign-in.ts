/**
 * Checking who someone is: password, then (staff) a TOTP code or a recovery code. Wrong
 * passwords are throttled per email and client address (throttle.ts), never by locking the
 * account; wrong second-factor codes, which only someone with the password can send, lock the
 * account for a while (ASVS 6.3.1), whichever process the attempts reach, since the counts live
 * in the database. Every failure and lockout goes into the audit trail;
 * passwords and codes never do.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { generateURI, verify as verifyTotp } from 'otplib';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { UserTable } from '../db/schema.js';
import { lookupHash, open, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import type { Selectable } from 'kysely';
import { hashPassword, verifyPassword } from './passwords.js';
import { isStaff, type Role } from './roles.js';
import * as store from './store.js';
import { clearPair, recordFailedPassword, throttledFor, throttleKeys } from './throttle.js';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
const RECOVERY_CODES = 10;

type UserRow = Selectable<UserTable>;
export type CheckResult =
  | { ok: true; user: { id: number; role: Role; secondFactorEnrolled: boolean } }
  | { ok: false; reason: 'wrong' | 'locked'; retryAfterSeconds?: number };

/** A hash to verify against when the email is unknown, so the answer takes as long either way. */
let decoyHash: Promise<string> | undefined;

const lockedFor = (user: UserRow, now: number) => (user.locked_until ? Math.ceil((Date.parse(user.locked_until) - now) / 1000) : 0);

export async function checkPassword(db: DB, keyring: Keyring, email: string, password: string, from: string): Promise<CheckResult> {
  const emailHash = lookupHash(keyring, 'email', email.trim());
  const keys = throttleKeys(keyring, emailHash, from);
  // Throttled before anything is looked up: the same answer, as fast, for every address.
  const waiting = await throttledFor(db, keys);
  if (waiting > 0) return { ok: false, reason: 'locked', retryAfterSeconds: waiting };
  const user = await store.findUserByEmailHash(db, emailHash);
  const usable = user && user.status === 'active' && user.password_hash !== null ? user : null;
  const right = await verifyPassword(usable ? usable.password_hash! : await (decoyHash ??= hashPassword(randomBytes(16).toString('hex'))), password);
  if (!usable || !right) {
    const wait = await recordFailedPassword(db, keys);
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: 'anonymous', action: 'user.sign_in_failed', entityType: usable ? 'user' : 'person', entityId: usable ? String(usable.id) : emailHash,
      after: { reason: !user ? 'unknown email' : user.status !== 'active' ? 'account disabled' : !usable ? 'no password set' : 'wrong password', address: from, ...(wait > 0 ? { throttled_seconds: wait } : {}) },
    }));
    return wait > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: wait } : { ok: false, reason: 'wrong' };
  }
  await clearPair(db, keys);
  // A lock from wrong second-factor codes (only someone with the password gets that far) still holds.
  const locked = lockedFor(usable, Date.now());
  if (locked > 0) return refusedWhileLocked(db, usable, locked, from);
  return { ok: true, user: { id: usable.id, role: usable.role as Role, secondFactorEnrolled: usable.totp_confirmed === 1 } };
}

/** A TOTP code (each used once) or one of the person's recovery codes. */
export async function checkSecondFactor(db: DB, keyring: Keyring, userId: number, code: string, from: string): Promise<CheckResult & { recoveryCodeUsed?: boolean }> {
  const user = await store.findUser(db, userId);
  if (!user || user.status !== 'active' || !user.totp_secret) return { ok: false, reason: 'wrong' };
  const locked = lockedFor(user, Date.now());
  if (locked > 0) return refusedWhileLocked(db, user, locked, from);
  const compact = code.replace(/[\s-]/g, '');
  if (/^\d{6}$/.test(compact)) {
    const secret = open(keyring, 'users.totp_secret', user.totp_secret);
    const result = await verifyTotp({ secret, token: compact, epochTolerance: 30, ...(user.totp_last_step !== null ? { afterTimeStep: user.totp_last_step } : {}) });
    if (!result.valid || !('timeStep' in result)) return recordFailure(db, user, 'wrong code', from);
    const step = result.timeStep;
    const confirmed = await db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('users').set({ totp_last_step: step, failed_sign_ins: 0, locked_until: null })
        .where('id', '=', user.id).where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    });
    if (!confirmed) return recordFailure(db, user, 'code already used', from);
    return { ok: true, user: { id: user.id, role: user.role as Role, secondFactorEnrolled: true } };
  }
  if (/^[a-z0-9]{10}$/i.test(compact) && user.totp_confirmed === 1) {
    const match = await matchingRecoveryCode(db, user.id, compact);
    const used = match !== null && await db.transaction().execute(async (trx) => {
      if (!(await store.useRecoveryCode(trx, user.id, match, nowIso()))) return false;
      await store.updateUser(trx, user.id, { failed_sign_ins: 0, locked_until: null });
      await appendAudit(trx, { actor: `user:${user.id}`, action: 'user.recovery_code_used', entityType: 'user', entityId: String(user.id), after: { address: from } });
      return true;
    });
    if (used) return { ok: true, user: { id: user.id, role: user.role as Role, secondFactorEnrolled: true }, recoveryCodeUsed: true };
  }
  return recordFailure(db, user, 'wrong code', from);
}

export interface TotpEnrolment {
  uri: string;
  secret: string;
  /** The URI as a QR code, an SVG drawing (made here, no outside service). */
  qrSvg: string;
}

/** What a staff member needs to enrol their authenticator; null once it is enrolled. */
export async function totpEnrolment(db: DB, keyring: Keyring, userId: number, issuer: string): Promise<TotpEnrolment | null> {
  const user = await store.findUser(db, userId);
  if (!user?.totp_secret || user.totp_confirmed === 1) return null;
  const secret = open(keyring, 'users.totp_secret', user.totp_secret);
  const uri = generateURI({ issuer, label: open(keyring, 'users.email', user.email), secret });
  // The QR library is loaded by the few who enrol, not held by every server from its start.
  const { default: QRCode } = await import('qrcode');
  return { uri, secret, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
}

/** After a first good code: the authenticator is enrolled and the person gets recovery codes, shown once. */
export async function confirmTotp(db: DB, userId: number, from: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((code) => hashPassword(normalise(code))));
  await db.transaction().execute(async (trx) => {
    await store.updateUser(trx, userId, { totp_confirmed: 1, updated_at: nowIso() });
    await store.replaceRecoveryCodes(trx, userId, hashes);
    await appendAudit(trx, { actor: `user:${userId}`, action: 'user.mfa_enrolled', entityType: 'user', entityId: String(userId), after: { method: 'totp', recovery_codes: RECOVERY_CODES, address: from } });
  });
  return codes;
}

/** Staff must have a second factor; residents have none to check. */
export const needsSecondFactor = (role: Role) => isStaff(role);

// 10 characters from a 31-letter alphabet without look-alikes: about 50 bits, shown as two groups of five.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newRecoveryCode(): string {
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}
const normalise = (code: string) => code.replace(/[\s-]/g, '').toLowerCase();

/**
 * Recovery codes have about 50 bits, too few for a plain hash (ASVS 6.5.2): each is stored as
 * a salted argon2id hash like a password, so a code is found by trying the person's unused ones
 * (ten at most, and only when someone types a recovery code).
 */
async function matchingRecoveryCode(db: DB, userId: number, code: string): Promise<string | null> {
  for (const stored of await store.unusedRecoveryCodes(db, userId)) {
    if (await verifyPassword(stored, normalise(code))) return stored;
  }
  return null;
}

async function recordFailure(db: DB, user: UserRow, reason: string, from: string): Promise<CheckResult> {
  const failures = user.failed_sign_ins + 1;
  const lock = failures >= MAX_FAILURES;
  await db.transaction().execute(async (trx) => {
    await store.updateUser(trx, user.id, {
      failed_sign_ins: lock ? 0 : failures,
      locked_until: lock ? new Date(Date.now() + LOCK_MINUTES * 60_000).toISOString() : user.locked_until,
    });
    await appendAudit(trx, { actor: 'anonymous', action: 'user.sign_in_failed', entityType: 'user', entityId: String(user.id), after: { reason, address: from } });
    if (lock) await appendAudit(trx, { actor: 'system', action: 'user.locked', entityType: 'user', entityId: String(user.id), after: { minutes: LOCK_MINUTES } });
  });
  return lock ? { ok: false, reason: 'locked', retryAfterSeconds: LOCK_MINUTES * 60 } : { ok: false, reason: 'wrong' };
}

/** Attempts on a locked account are not checked at all, but recorded (rate limits bound how many). */
async function refusedWhileLocked(db: DB, user: UserRow, seconds: number, from: string): Promise<CheckResult> {
  await db.transaction().execute((trx) => appendAudit(trx, {
    actor: 'anonymous', action: 'user.sign_in_failed', entityType: 'user', entityId: String(user.id), after: { reason: 'account locked', address: from },
  }));
  return { ok: false, reason: 'locked', retryAfterSeconds: seconds };
}

