import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * What signing in needs beyond accounts: more kinds of one-time link (reset, email check,
 * passwordless sign-in), lockout after repeated failures, TOTP replay protection and recovery
 * codes, the department that works each service's cases, and the outbox that carries emails.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  // A CHECK constraint cannot be widened in place on SQLite: rebuild the small table.
  await db.schema
    .createTable('user_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('set_password', 'reset_password', 'verify_email', 'email_sign_in')`))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();
  await sql`insert into user_links (token_hash, user_id, purpose, expires_at, used_at)
            select token_hash, user_id, purpose, expires_at, used_at from user_tokens`.execute(db);
  await db.schema.dropTable('user_tokens').execute();
  await db.schema.alterTable('user_links').renameTo('user_tokens').execute();

  await db.schema.alterTable('users').addColumn('email_verified_at', t.timestamp).execute();
  await db.schema.alterTable('users').addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('locked_until', t.timestamp).execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();

  await db.schema.alterTable('services').addColumn('department_code', 'text').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('sent_at', t.timestamp)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['sent_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
  await db.schema.alterTable('services').dropColumn('department_code').execute();
  await db.schema.dropTable('recovery_codes').execute();
  for (const column of ['totp_last_step', 'locked_until', 'failed_sign_ins', 'email_verified_at']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
