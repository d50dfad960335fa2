/**
 * People who sign in. Staff are created by an administrator (or the CLI) with a role and, for
 * case work, a department; they get a one-time link to set their password and, being staff, a
 * TOTP secret to enrol in their authenticator app. Emails and TOTP secrets are sealed at rest.
 */
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { lookupHash, open, seal, sealedWith, sha256Hex, type Keyring } from '../platform/crypto.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { isRole, isStaff, needsDepartment, roles, type Role } from './roles.js';
import { endAllSessions, endOtherSessions } from './sessions.js';
import * as store from './store.js';
import { parseId } from '../platform/ids.js';

/** How long a password-set link works. */
export const SET_PASSWORD_LINK_HOURS = 72;

export interface NewUser {
  email: string;
  role: string;
  departmentCode?: string | null;
  /** Demo accounts only: a known password and authenticator key instead of a link to choose them. */
  demo?: { password: string; totpSecret: string };
}

export interface CreatedUser {
  id: string;
  email: string;
  role: Role;
  department: string | null;
  /** Shown once: the person opens it to choose their password. */
  setPasswordLink: string;
  /** Staff only: the otpauth:// URI to add to an authenticator app. */
  totpUri: string | null;
}

export interface UserSummary {
  id: string;
  email: string;
  /** The name colleagues see in the staff workspace, if set. */
  displayName: string | null;
  role: Role;
  department: string | null;
  status: 'active' | 'disabled';
  hasPassword: boolean;
  secondFactor: 'enrolled' | 'pending' | 'none';
}

const tokenHash = sha256Hex;

/** A department may be named by its code or by its numeric id (what `townhall departments list` prints first). */
/** All digits: meant as an id (a number too large for one names no department, and is refused rather than made a code). */
const isDepartmentId = (text: string) => /^\d+$/.test(text);
async function departmentById(trx: DB, text: string) {
  const id = parseId(text);
  const department = id === null ? undefined : await store.findDepartmentById(trx, id);
  if (!department) throw invalid(`There is no department with id ${text}: "townhall departments list" shows each department's id.`);
  return department;
}

export async function createUser(db: DB, keyring: Keyring, input: NewUser, options: { publicUrl: string; issuer: string }, actor: string): Promise<CreatedUser> {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw invalid(`"${email.slice(0, 100)}" is not an email address.`);
  if (!isRole(input.role)) throw invalid(`"${input.role}" is not a role; roles are ${roles.join(', ')}.`);
  const role = input.role;
  const departmentGiven = input.departmentCode?.trim() || null;
  if (needsDepartment(role) && !departmentGiven) throw invalid(`A ${role} works a department's cases: say which with --department.`);
  if (departmentGiven && !isDepartmentId(departmentGiven) && !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(departmentGiven)) throw invalid('A department code is lower-case letters, digits, dashes and underscores, e.g. highways (or give its id from "townhall departments list").');
  let departmentCode = departmentGiven;

  const emailHash = lookupHash(keyring, 'email', email);
  const token = randomBytes(32).toString('base64url');
  const totpSecret = isStaff(role) ? input.demo?.totpSecret ?? generateSecret() : null;
  const passwordHash = input.demo ? await hashPassword(input.demo.password) : null;
  const at = nowIso();
  const created = await db.transaction().execute(async (trx) => {
    if (await store.findUserByEmailHash(trx, emailHash)) throw conflict(`There is already an account for ${email}.`);
    let departmentId: number | null = null;
    if (departmentGiven && isDepartmentId(departmentGiven)) {
      const department = await departmentById(trx, departmentGiven);
      departmentCode = department.code;
      departmentId = department.id;
    } else if (departmentCode) {
      let department = await store.findDepartment(trx, departmentCode);
      if (!department) {
        department = await store.insertDepartment(trx, departmentCode, departmentCode, at);
        await appendAudit(trx, { actor, action: 'department.created', entityType: 'department', entityId: departmentCode, after: { code: departmentCode } });
      }
      departmentId = department.id;
    }
    const row = await store.insertUser(trx, {
      email: seal(keyring, 'users.email', email), email_hash: emailHash, role, department_id: departmentId, password_hash: passwordHash,
      totp_secret: totpSecret ? seal(keyring, 'users.totp_secret', totpSecret) : null, totp_confirmed: 0, status: 'active', created_at: at, updated_at: at,
      email_verified_at: input.demo ? at : null,
    });
    await store.insertToken(trx, { token_hash: tokenHash(token), user_id: row.id, purpose: 'set_password', expires_at: new Date(Date.parse(at) + SET_PASSWORD_LINK_HOURS * 3_600_000).toISOString() });
    await appendAudit(trx, { actor, action: 'user.created', entityType: 'user', entityId: String(row.id), after: { role, department: departmentCode, status: 'active' } });
    return row;
  });
  return {
    id: String(created.id), email, role, department: departmentCode,
    setPasswordLink: `${options.publicUrl}/account/set-password?token=${token}`,
    totpUri: totpSecret ? generateURI({ issuer: options.issuer, label: email, secret: totpSecret }) : null,
  };
}

export async function listUsers(db: DB, keyring: Keyring): Promise<UserSummary[]> {
  const rows = await store.selectUsers(db);
  return rows.map((row) => ({
    id: String(row.id), email: open(keyring, 'users.email', row.email), displayName: row.display_name, role: row.role as Role, department: row.department_code,
    status: row.status as UserSummary['status'], hasPassword: row.password_hash !== null,
    secondFactor: row.totp_secret === null ? 'none' : row.totp_confirmed === 1 ? 'enrolled' : 'pending',
  }));
}

export async function disableUser(db: DB, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const userId = parseId(id);
    const user = userId === null ? undefined : await store.findUser(trx, userId);
    if (!user) throw notFound(`There is no user with id "${id}". "townhall users list" shows the ids.`);
    if (user.status === 'disabled') return;
    await store.updateUser(trx, user.id, { status: 'disabled', updated_at: nowIso() });
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, { actor, action: 'user.disabled', entityType: 'user', entityId: id, before: { status: 'active' }, after: { status: 'disabled', sessions_ended: ended } });
  });
}

export const DISPLAY_NAME_MAX = 80;

/** What is wrong with a display name, or null ("" clears it: the email is shown again). */
export function displayNameProblem(name: string): string | null {
  if (name.length > DISPLAY_NAME_MAX) return `Use at most ${DISPLAY_NAME_MAX} characters.`;
  // Letters of any script, marks, spaces and the punctuation of names; no control characters or markup.
  if (name !== '' && !/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .,'’()-]*$/u.test(name)) return 'Use letters, spaces and the punctuation of names (. , \' - ) only.';
  return null;
}

/** Sets (or clears, with "") the name a member of staff is shown by; audited. */
export async function setDisplayName(db: DB, userId: number, name: string, actor: string): Promise<void> {
  const clean = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  const problem = displayNameProblem(clean);
  if (problem) throw invalid(problem);
  await db.transaction().execute(async (trx) => {
    const user = Number.isSafeInteger(userId) ? await store.findUser(trx, userId) : undefined;
    if (!user) throw notFound('This account no longer exists.');
    const value = clean === '' ? null : clean;
    if (user.display_name === value) return;
    await store.updateUser(trx, user.id, { display_name: value, updated_at: nowIso() });
    await appendAudit(trx, { actor, action: 'user.display_name_changed', entityType: 'user', entityId: String(user.id), before: { display_name: user.display_name }, after: { display_name: value } });
  });
}

/** Sets a password through a one-time link: the link works once, before it expires, for an active account. */
export async function setPasswordWithLink(db: DB, keyring: Keyring, token: string, password: string): Promise<void> {
  const hashOfToken = tokenHash(token);
  const link = await store.findToken(db, hashOfToken);
  if (!link || link.purpose !== 'set_password' || link.used_at !== null || Date.parse(link.expires_at) < Date.now()) {
    throw invalid('This link has expired or has already been used. Ask for a new one.');
  }
  const user = await store.findUser(db, link.user_id);
  if (!user || user.status !== 'active') throw invalid('This account is disabled. Ask your administrator.');
  const problem = passwordProblem(password, { email: open(keyring, 'users.email', user.email) });
  if (problem) throw invalid(problem);
  const passwordHash = await hashPassword(password);
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    if (!(await store.markTokenUsed(trx, hashOfToken, at))) throw invalid('This link has already been used. Ask for a new one.');
    // The link went to this address (by email, or handed over by an administrator): using it shows
    // the person holds the address, which is what a confirmed email means.
    await store.updateUser(trx, user.id, { password_hash: passwordHash, updated_at: at, email_verified_at: user.email_verified_at ?? at });
    await appendAudit(trx, { actor: `user:${user.id}`, action: 'user.password_set', entityType: 'user', entityId: String(user.id) });
  });
}

/** Re-seals every user's email and TOTP secret under the current key, and re-computes email hashes. */
export async function resealUsers(db: DB, keyring: Keyring): Promise<number> {
  const rows = await db.selectFrom('users').select(['id', 'email', 'totp_secret']).execute();
  let changed = 0;
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      if (sealedWith(row.email) === keyring.current.id && (row.totp_secret === null || sealedWith(row.totp_secret) === keyring.current.id)) continue;
      const email = open(keyring, 'users.email', row.email);
      await store.updateUser(trx, row.id, {
        email: seal(keyring, 'users.email', email), email_hash: lookupHash(keyring, 'email', email),
        totp_secret: row.totp_secret === null ? null : seal(keyring, 'users.totp_secret', open(keyring, 'users.totp_secret', row.totp_secret)),
      });
      changed++;
    }
  });
  return changed;
}

export interface Account {
  id: number;
  email: string;
  displayName: string | null;
  role: Role;
  department: string | null;
  emailVerified: boolean;
  createdAt: string;
  secondFactor: 'enrolled' | 'pending' | 'none';
}

/** A person's own account, opened for them (their email is theirs to see). */
export async function accountOf(db: DB, keyring: Keyring, userId: number): Promise<Account> {
  const row = await store.findUserWithDepartment(db, userId);
  if (!row) throw notFound('This account no longer exists.');
  return {
    id: row.id, email: open(keyring, 'users.email', row.email), displayName: row.display_name, role: row.role as Role, department: row.department_code,
    emailVerified: row.email_verified_at !== null, createdAt: row.created_at,
    secondFactor: row.totp_secret === null ? 'none' : row.totp_confirmed === 1 ? 'enrolled' : 'pending',
  };
}

/**
 * Closes a resident's account at their request (GDPR article 17): the email is replaced, the
 * password, second factor and sessions go, and the row stays only so the audit trail's
 * "user:N" still points somewhere. Reports are handled by privacy.erasePersonalData.
 */
export async function closeAccount(db: DB, keyring: Keyring, userId: number, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await store.findUser(trx, userId);
    if (!user) throw notFound('This account no longer exists.');
    if (isStaff(user.role as Role)) throw invalid('Staff accounts are closed by an administrator, not from the account page.');
    await store.updateUser(trx, userId, {
      email: seal(keyring, 'users.email', `closed-account-${userId}@invalid`), email_hash: `closed:${userId}`,
      password_hash: null, totp_secret: null, totp_confirmed: 0, status: 'disabled', email_verified_at: null, updated_at: nowIso(),
    });
    await store.deleteLinks(trx, userId);
    // Their message choices (with a sealed mobile number) and in-app messages go with the account.
    await trx.deleteFrom('resident_preferences').where('user_id', '=', userId).execute();
    await trx.deleteFrom('notifications').where('user_id', '=', userId).execute();
    const ended = await endAllSessions(trx, userId);
    await appendAudit(trx, { actor, action: 'user.closed', entityType: 'user', entityId: String(userId), after: { sessions_ended: ended } });
  });
}

/** Gives a person another role (and department); their sessions end so the change applies at once. */
export async function changeRole(db: DB, id: string, change: { role: string; departmentCode?: string | null }, actor: string): Promise<void> {
  if (!isRole(change.role)) throw invalid(`"${change.role}" is not a role; roles are ${roles.join(', ')}.`);
  const role = change.role;
  let departmentCode = change.departmentCode?.trim() || null;
  if (needsDepartment(role) && !departmentCode) throw invalid(`A ${role} works a department's cases: choose the department.`);
  await db.transaction().execute(async (trx) => {
    const userId = parseId(id);
    const user = userId === null ? undefined : await store.findUserWithDepartment(trx, userId);
    if (!user) throw notFound(`There is no user with id "${id}".`);
    if (isStaff(role) !== isStaff(user.role as Role)) throw invalid('A resident account cannot become a staff account or the other way round: create a new account.');
    let departmentId: number | null = null;
    if (departmentCode && isDepartmentId(departmentCode)) {
      const department = await departmentById(trx, departmentCode);
      departmentCode = department.code;
      departmentId = department.id;
    } else if (departmentCode) {
      const department = await store.findDepartment(trx, departmentCode);
      if (!department) throw invalid(`There is no department "${departmentCode}".`);
      departmentId = department.id;
    }
    await store.updateUser(trx, user.id, { role, department_id: departmentId, updated_at: nowIso() });
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, {
      actor, action: 'user.role_changed', entityType: 'user', entityId: id,
      before: { role: user.role, department: user.department_code }, after: { role, department: departmentCode, sessions_ended: ended },
    });
  });
}

/**
 * For a staff member who lost both their authenticator and their recovery codes: a new key,
 * enrolled again at their next sign-in; old recovery codes and all sessions end. Audited.
 */
export async function resetSecondFactor(db: DB, keyring: Keyring, id: string, options: { issuer: string }, actor: string): Promise<{ totpUri: string }> {
  const secret = generateSecret();
  const email = await db.transaction().execute(async (trx) => {
    const userId = parseId(id);
    const user = userId === null ? undefined : await store.findUser(trx, userId);
    if (!user) throw notFound(`There is no user with id "${id}".`);
    if (!isStaff(user.role as Role)) throw invalid('Residents have no authenticator to reset.');
    await store.updateUser(trx, user.id, { totp_secret: seal(keyring, 'users.totp_secret', secret), totp_confirmed: 0, totp_last_step: null, updated_at: nowIso() });
    await store.replaceRecoveryCodes(trx, user.id, []);
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, { actor, action: 'user.mfa_reset', entityType: 'user', entityId: id, after: { sessions_ended: ended } });
    return open(keyring, 'users.email', user.email);
  });
  return { totpUri: generateURI({ issuer: options.issuer, label: email, secret }) };
}

/**
 * A signed-in person changes their password (ASVS 6.2.2, 6.2.3): the current one is needed, the
 * new one must be acceptable, and every other session of theirs ends. Audited, without either.
 * Returns what to correct, by field, or null once changed.
 */
export async function changePassword(db: DB, keyring: Keyring, userId: number, change: { current: string; next: string; keepSession: string }): Promise<{ field: 'current' | 'next'; message: string } | null> {
  const user = await store.findUser(db, userId);
  if (!user || user.status !== 'active') throw notFound('This account no longer exists.');
  if (user.password_hash === null) return { field: 'current', message: 'Your account has no password yet: use "I have forgotten my password" on the sign-in page to choose one.' };
  if (!(await verifyPassword(user.password_hash, change.current))) return { field: 'current', message: 'Your current password is not right.' };
  const problem = passwordProblem(change.next, { email: open(keyring, 'users.email', user.email) });
  if (problem) return { field: 'next', message: problem };
  const passwordHash = await hashPassword(change.next);
  await db.transaction().execute(async (trx) => {
    await store.updateUser(trx, userId, { password_hash: passwordHash, updated_at: nowIso() });
    const ended = await endOtherSessions(trx, userId, change.keepSession, 'others');
    await appendAudit(trx, { actor: `user:${userId}`, action: 'user.password_changed', entityType: 'user', entityId: String(userId), after: { other_sessions_ended: ended } });
  });
  return null;
}

/** An administrator signs a person out everywhere (a lost laptop, a suspected break-in). Audited. */
export async function endSessionsOf(db: DB, id: string, actor: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const userId = parseId(id);
    const user = userId === null ? undefined : await store.findUser(trx, userId);
    if (!user) throw notFound(`There is no user with id "${id}".`);
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, { actor, action: 'user.sessions_ended', entityType: 'user', entityId: id, after: { sessions_ended: ended } });
    return ended;
  });
}

/** Everyone signed out at once (after a suspected breach, or a change of keys). Audited. */
export async function endEverySession(db: DB, actor: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('sessions').executeTakeFirst();
    const ended = Number(result.numDeletedRows);
    await appendAudit(trx, { actor, action: 'user.sessions_ended', entityType: 'user', entityId: '*', after: { sessions_ended: ended, everyone: true } });
    return ended;
  });
}

/**
 * A new one-time link to choose a password, for a staff member who forgot theirs (staff get no
 * reset email: their administrator checks who is asking, then hands the link over). The old
 * password stops working at once, and every session ends. Audited.
 */
export async function issuePasswordLink(db: DB, id: string, options: { publicUrl: string }, actor: string): Promise<{ setPasswordLink: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    const userId = parseId(id);
    const user = userId === null ? undefined : await store.findUser(trx, userId);
    if (!user) throw notFound(`There is no user with id "${id}".`);
    if (user.status !== 'active') throw invalid('This account is disabled; a disabled account cannot set a password.');
    const at = nowIso();
    await store.updateUser(trx, user.id, { password_hash: null, failed_sign_ins: 0, locked_until: null, updated_at: at });
    await store.insertToken(trx, { token_hash: tokenHash(token), user_id: user.id, purpose: 'set_password', expires_at: new Date(Date.parse(at) + SET_PASSWORD_LINK_HOURS * 3_600_000).toISOString() });
    const ended = await endAllSessions(trx, user.id);
    await appendAudit(trx, { actor, action: 'user.password_link_issued', entityType: 'user', entityId: id, after: { sessions_ended: ended } });
  });
  return { setPasswordLink: `${options.publicUrl}/account/set-password?token=${token}` };
}

/**
 * Remembers the language a resident uses the site in (the page they registered, reported or chose
 * their messages in): messages about their reports are written in it.
 */
export async function rememberLanguage(db: DB, userId: number, language: string): Promise<void> {
  await store.updateUser(db, userId, { language });
}
