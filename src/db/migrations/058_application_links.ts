import type { Kysely } from 'kysely';

/**
 * Keyed links to an application's page, sent in its emails so the applicant can open it from any
 * browser (a guest who changed device, a resident whose application an officer made). Only a hash
 * of each key is kept; every email carries a key of its own, and all of them open the page.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('application_links')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('application_links_case').on('application_links').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('application_links').execute();
}
