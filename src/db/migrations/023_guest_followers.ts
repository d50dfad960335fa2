import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Guests follow a report by email ("this is my problem too" without an account). The address is
 * sealed like a reporter's (`email`, with a keyed hash to find it, `email_hash`), and nothing is
 * sent about the case until its owner opens the link emailed to it (`confirmed_at`). Only the
 * SHA-256 of that one-time link is kept. One row per case and address.
 *
 * `guest_follow_requests` counts the confirmation emails asked for, by keyed hashes of the address
 * and of the client's network address only, so no one can fill a stranger's inbox; rows older
 * than a day are dropped as new ones come.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('guest_followers')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text')
    .addColumn('requested_at', t.timestamp, (c) => c.notNull())
    .addColumn('confirmed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('unsubscribed_at', t.timestamp)
    .addUniqueConstraint('guest_followers_case_email', ['case_id', 'email_hash'])
    .addCheckConstraint('guest_followers_language', sql`language in ('en', 'es', 'ar')`)
    .execute();
  await db.schema.createIndex('guest_followers_token_idx').on('guest_followers').column('token_hash').unique().execute();
  await db.schema.createIndex('guest_followers_email_idx').on('guest_followers').column('email_hash').execute();

  await db.schema
    .createTable('guest_follow_requests')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('requested_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guest_follow_requests_email_idx').on('guest_follow_requests').columns(['email_hash', 'requested_at']).execute();
  await db.schema.createIndex('guest_follow_requests_client_idx').on('guest_follow_requests').columns(['client_hash', 'requested_at']).execute();
  await db.schema.createIndex('guest_follow_requests_at_idx').on('guest_follow_requests').column('requested_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('guest_follow_requests').execute();
  await db.schema.dropTable('guest_followers').execute();
}
