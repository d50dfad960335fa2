/**
 * Server-side sessions (OWASP ASVS V7): a random 256-bit token in the cookie and only its hash in
 * the database; a new token at every sign-in; an idle timeout and an absolute one, shorter for
 * staff; sign-out ends it; a person can list and end their other sessions; disabling an account
 * ends all of them. The web pages that set the cookie come with sign-in.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../platform/crypto.js';
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';
import { isStaff, type Role } from './roles.js';

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

/** Staff sessions end sooner: they open more personal data. */
export const sessionLimits = {
  staff: { idleMinutes: 30, absoluteHours: 12 },
  resident: { idleMinutes: 120, absoluteHours: 24 * 7 },
} satisfies Record<string, SessionLimits>;

/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface Session {
  userId: number;
  csrfToken: string;
  secondFactor: boolean;
  device: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

const hashToken = sha256Hex;
const newToken = () => randomBytes(32).toString('base64url');

export async function startSession(db: DB, userId: number, options: { limits: SessionLimits; device?: string | null; secondFactor?: boolean }): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const at = nowIso();
  const row = {
    token_hash: hashToken(token), user_id: userId, csrf_token: newToken(), second_factor: options.secondFactor ? 1 : 0,
    device: options.device?.slice(0, 200) ?? null, created_at: at, last_seen_at: at,
    expires_at: new Date(Date.parse(at) + options.limits.absoluteHours * 3_600_000).toISOString(),
  };
  await db.insertInto('sessions').values(row).execute();
  return { token, session: toSession(row) };
}

export interface LiveSession extends Session {
  role: Role;
  department: string | null;
}

export const limitsFor = (role: Role): SessionLimits => (isStaff(role) ? sessionLimits.staff : sessionLimits.resident);

/**
 * The live session for a cookie token, with who it belongs to; null when the token is unknown,
 * idle too long, past its absolute end, or the account is disabled.
 */
export async function findSession(db: DB, token: string, now = new Date()): Promise<LiveSession | null> {
  const tokenHash = hashToken(token);
  const row = await db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .selectAll('sessions').select(['users.role', 'users.status', 'departments.code as department'])
    .where('sessions.token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return null;
  const role = row.role as Role;
  const limits = limitsFor(role);
  const idleEnd = Date.parse(row.last_seen_at) + limits.idleMinutes * 60_000;
  if (row.status !== 'active' || now.getTime() >= Date.parse(row.expires_at) || now.getTime() >= idleEnd) {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
    row.last_seen_at = now.toISOString();
    await db.updateTable('sessions').set({ last_seen_at: row.last_seen_at }).where('token_hash', '=', tokenHash).execute();
  }
  return { ...toSession(row), role, department: row.department };
}

/** After the second factor is checked, the session is replaced by a new one (new token, same person). */
export async function upgradeSession(db: DB, token: string): Promise<{ token: string; csrfToken: string } | null> {
  const current = await findSession(db, token);
  if (!current) return null;
  const next = { token: newToken(), csrfToken: newToken() };
  await db.updateTable('sessions').set({ token_hash: hashToken(next.token), second_factor: 1, csrf_token: next.csrfToken })
    .where('token_hash', '=', hashToken(token)).execute();
  return next;
}

export async function endSession(db: DB, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

export interface SessionListing extends Session {
  /** An id to end it by, without revealing the token. */
  id: string;
  current: boolean;
}

export async function listSessions(db: DB, userId: number, currentToken?: string): Promise<SessionListing[]> {
  const currentHash = currentToken ? hashToken(currentToken) : null;
  const rows = await db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map((row) => ({ ...toSession(row), id: row.token_hash.slice(0, 16), current: row.token_hash === currentHash }));
}

/** Ends one of the person's sessions by its listed id, or all but the current one when id is "others". */
export async function endOtherSessions(db: DB, userId: number, currentToken: string, id: string | 'others'): Promise<number> {
  const currentHash = hashToken(currentToken);
  let query = db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '!=', currentHash);
  if (id !== 'others') {
    if (!/^[0-9a-f]{16}$/.test(id)) return 0;
    query = query.where('token_hash', 'like', `${id}%`);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function endAllSessions(db: DB, userId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toSession(row: { user_id: number; csrf_token: string; second_factor: number; device: string | null; created_at: string; last_seen_at: string; expires_at: string }): Session {
  return {
    userId: row.user_id, csrfToken: row.csrf_token, secondFactor: row.second_factor === 1, device: row.device,
    createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at,
  };
}
