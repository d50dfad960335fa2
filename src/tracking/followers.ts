/**
 * Who follows a case: its reporter, when signed in, and residents who said "this is my problem
 * too". Followers see the case in their account and hear of its updates.
 */
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';

export type FollowReason = 'reporter' | 'follower';

/** Starts following; following twice changes nothing (a reporter stays a reporter). */
export async function follow(db: DB, caseId: number, userId: number, reason: FollowReason): Promise<void> {
  await db.insertInto('case_followers').values({ case_id: caseId, user_id: userId, reason, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).execute();
}

/** Stops following. A reporter may stop hearing about their own report too. */
export async function unfollow(db: DB, caseId: number, userId: number): Promise<void> {
  await db.deleteFrom('case_followers').where('case_id', '=', caseId).where('user_id', '=', userId).execute();
}

export async function followReason(db: DB, caseId: number, userId: number): Promise<FollowReason | null> {
  const row = await db.selectFrom('case_followers').select('reason').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
  return row?.reason ?? null;
}
