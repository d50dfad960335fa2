import type { Kysely } from 'kysely';

/** Where an audited change came from: the request's id and the client's address (ASVS 16.2.1). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('context', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('context').execute();
}
