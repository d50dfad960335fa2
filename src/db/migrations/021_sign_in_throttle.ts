import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Sign-in throttles: failed passwords counted per email address and client address, and per
 * client address, whether or not an account has that email. They replace the account lock for
 * passwords, which anyone could trigger with five requests and which told them the account
 * existed. `key` is a keyed hash (no email address or IP address is stored in clear).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('sign_in_throttles')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blocked_until', t.timestamp)
    .addColumn('last_failure_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_throttles_last_failure').on('sign_in_throttles').column('last_failure_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_throttles').execute();
}
