/** SQL for the links between identity-provider subjects and Townhall accounts. Nothing else touches user_identities. */
import type { DB } from '../db/connection.js';

export async function findLinkedUser(db: DB, issuer: string, subject: string) {
  return db.selectFrom('user_identities').innerJoin('users', 'users.id', 'user_identities.user_id')
    .selectAll('users').where('user_identities.issuer', '=', issuer).where('user_identities.subject', '=', subject).executeTakeFirst();
}

/** Records the link; a link made meanwhile by a parallel sign-in of the same person is kept as it is. */
export async function insertLink(trx: DB, link: { issuer: string; subject: string; userId: number; at: string }): Promise<void> {
  await trx.insertInto('user_identities')
    .values({ issuer: link.issuer, subject: link.subject, user_id: link.userId, created_at: link.at })
    .onConflict((conflict) => conflict.columns(['issuer', 'subject']).doNothing())
    .execute();
}
