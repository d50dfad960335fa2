/**
 * Who follows a case (its reporter when signed in, and residents who said "this is my problem
 * too"): written with the case, since a submission and a merge change them in their transaction.
 */
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';
import { carryGuestFollowers } from './guest-followers.js';

export type FollowReason = 'reporter' | 'follower';

/** Starts following; following twice changes nothing (a reporter stays a reporter). */
export async function follow(db: DB, caseId: number, userId: number, reason: FollowReason): Promise<void> {
  await db.insertInto('case_followers').values({ case_id: caseId, user_id: userId, reason, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).execute();
}

/** The followers of a duplicate follow the case it was merged into (the "me too" carries over), guests by email too. */
export async function copyFollowers(trx: DB, fromCaseId: number, toCaseId: number, at: string): Promise<void> {
  await carryGuestFollowers(trx, fromCaseId, toCaseId, at);
  const followers = await trx.selectFrom('case_followers').select('user_id').where('case_id', '=', fromCaseId).execute();
  if (followers.length === 0) return;
  await trx.insertInto('case_followers')
    .values(followers.map((f) => ({ case_id: toCaseId, user_id: f.user_id, reason: 'follower' as const, created_at: at })))
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).execute();
}
