import type { Kysely } from 'kysely';

/**
 * Open data (issue 14): the council's choices for what it publishes (licence, publisher,
 * contact, update frequency, coverage, whether free text is withheld or screened, coordinate
 * rounding), one row per jurisdiction, kept as JSON so a new choice needs no migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('open_data_settings')
    .addColumn('jurisdiction_id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('open_data_settings').execute();
}
