import { type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Single sign-on: which person at which identity provider is which Townhall account. A provider
 * names a person by its issuer and a subject that never changes (unlike an email address), so
 * once linked, later sign-ins find the account by that pair alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('user_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['issuer', 'subject'])
    .execute();
  // Erasing or listing an account's links goes by user.
  await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_identities').execute();
}
