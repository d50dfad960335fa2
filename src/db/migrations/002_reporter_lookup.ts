import type { Kysely } from 'kysely';

/** Reporters' details are sealed (encrypted); a keyed hash of the email finds a person's cases. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_reporters').addColumn('email_hash', 'text').execute();
  await db.schema.createIndex('case_reporters_email_hash').on('case_reporters').column('email_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_reporters_email_hash').execute();
  await db.schema.alterTable('case_reporters').dropColumn('email_hash').execute();
}
