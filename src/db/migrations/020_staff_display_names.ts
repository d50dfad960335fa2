import type { Kysely } from 'kysely';

/**
 * Staff display names: the name colleagues see in queues, case histories and assignee lists
 * instead of an email address. Optional (null: the email is shown until the person sets one);
 * set by the person on their account page or by an administrator.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('display_name', 'varchar(100)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('display_name').execute();
}
