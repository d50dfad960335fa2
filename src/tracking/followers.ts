/**
 * Who follows a case: its reporter, when signed in, and residents who said "this is my problem
 * too". Followers see the case in their account and hear of its updates.
 */
import type { DB } from '../db/connection.js';
import type { FollowReason } from '../cases/followers.js';
import { casesReportedBy } from '../cases/reporters.js';
import type { Keyring } from '../platform/crypto.js';

// Starting to follow is the case module's (cases/followers.ts): a submission and a merge change followers in their transaction.

/**
 * Stops following. A reporter's own row is kept: it is what lets them give feedback and see the
 * case under "Reports you made". A reporter chooses which emails they get on their email page.
 * Whether a follower's row was removed.
 */
export async function unfollow(db: DB, caseId: number, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('case_followers').where('case_id', '=', caseId).where('user_id', '=', userId)
    .where('reason', '=', 'follower').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function followReason(db: DB, caseId: number, userId: number): Promise<FollowReason | null> {
  const row = await db.selectFrom('case_followers').select('reason').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
  return row?.reason ?? null;
}

export interface FollowedCase {
  id: string;
  serviceCode: string;
  serviceName: string;
  addressString: string | null;
  status: string;
  state: string;
  requestedAt: string;
  reason: FollowReason;
}

/** The cases a resident reported or follows, newest report first. */
export async function followedCases(db: DB, jurisdictionId: string, userId: number): Promise<FollowedCase[]> {
  const rows = await db.selectFrom('case_followers')
    .innerJoin('cases', 'cases.id', 'case_followers.case_id')
    .innerJoin('services', (join) => join
      .onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id')
      .onRef('services.code', '=', 'cases.service_code'))
    .select(['cases.id', 'cases.service_code', 'services.name as service_name', 'cases.address_string', 'cases.status', 'cases.state', 'cases.requested_at', 'case_followers.reason'])
    .where('case_followers.user_id', '=', userId)
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .orderBy('cases.requested_at', 'desc').orderBy('cases.id', 'desc')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: String(row.id), serviceCode: row.service_code, serviceName: row.service_name, addressString: row.address_string, status: row.status,
    state: row.state, requestedAt: row.requested_at, reason: row.reason,
  }));
}

/**
 * Every case of a resident's account, the same on their account page and on "Your reports":
 * the cases they follow or reported while signed in, and the cases reported with their
 * address before they had an account (only once the address is confirmed, or anyone could
 * register with a reporter's address and read their reports). Newest first.
 */
export async function accountCases(db: DB, keyring: Keyring, jurisdictionId: string, userId: number, confirmedEmail: string | null): Promise<FollowedCase[]> {
  const followed = await followedCases(db, jurisdictionId, userId);
  if (!confirmedEmail) return followed;
  const known = new Set(followed.map((c) => c.id));
  const missing = (await casesReportedBy(db, keyring, jurisdictionId, confirmedEmail)).map((c) => c.caseId).filter((id) => !known.has(String(id))).slice(-500);
  if (missing.length === 0) return followed;
  const rows = await db.selectFrom('cases')
    .innerJoin('services', (join) => join
      .onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id')
      .onRef('services.code', '=', 'cases.service_code'))
    .select(['cases.id', 'cases.service_code', 'services.name as service_name', 'cases.address_string', 'cases.status', 'cases.state', 'cases.requested_at'])
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.id', 'in', missing)
    .execute();
  const reported: FollowedCase[] = rows.map((row) => ({
    id: String(row.id), serviceCode: row.service_code, serviceName: row.service_name, addressString: row.address_string, status: row.status,
    state: row.state, requestedAt: row.requested_at, reason: 'reporter',
  }));
  return [...followed, ...reported].sort((a, b) => (a.requestedAt === b.requestedAt ? Number(b.id) - Number(a.id) : a.requestedAt < b.requestedAt ? 1 : -1));
}
