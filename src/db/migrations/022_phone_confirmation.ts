import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * A resident's mobile number is confirmed by a code sent to it before any text message goes
 * there: a mistyped or someone else's number gets nothing but that one code.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('resident_preferences').addColumn('phone_confirmed_at', t.timestamp).execute();
  /** A keyed hash of the code sent, while one is waiting to be entered. */
  await db.schema.alterTable('resident_preferences').addColumn('phone_code_hash', 'text').execute();
  await db.schema.alterTable('resident_preferences').addColumn('phone_code_expires_at', t.timestamp).execute();
  await db.schema.alterTable('resident_preferences').addColumn('phone_code_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['phone_code_attempts', 'phone_code_expires_at', 'phone_code_hash', 'phone_confirmed_at']) {
    await db.schema.alterTable('resident_preferences').dropColumn(column).execute();
  }
}
