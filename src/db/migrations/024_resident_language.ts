import type { Kysely } from 'kysely';

/**
 * The language a resident reads: messages about their reports (acknowledgements, updates) are
 * written in it, not in the council's default. An account keeps the language of the page they
 * last registered, reported or chose their messages in; a report keeps the language its
 * reporter wrote it in (a page's, or Open311's `locale`), for reporters without an account.
 * Null: not known (the council's default language is used).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('language', 'text').execute();
  await db.schema.alterTable('case_reporters').addColumn('language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_reporters').dropColumn('language').execute();
  await db.schema.alterTable('users').dropColumn('language').execute();
}
