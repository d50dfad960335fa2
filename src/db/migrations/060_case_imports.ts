import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * History imported from a council's earlier systems (`townhall import requests`): each imported
 * case keeps the id it had there (`external_id`, one case per id in a jurisdiction, so a re-run
 * finds the case it made), and each import run is recorded with the file's hash, the profile and
 * how far it got, so an interrupted load resumes where it stopped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('cases').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('cases_external_id').on('cases').columns(['jurisdiction_id', 'external_id']).unique()
    .where(sql.ref('external_id'), 'is not', null).execute();
  await db.schema.createTable('case_imports')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('profile_name', 'text', (c) => c.notNull())
    .addColumn('profile_hash', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    // The records before this one (counted from 0, the header aside) are loaded.
    .addColumn('next_record', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON: created, updated, unchanged, skipped.
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('case_imports_file').on('case_imports').columns(['jurisdiction_id', 'file_hash', 'profile_hash']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_imports').execute();
  await db.schema.dropIndex('cases_external_id').execute();
  await db.schema.alterTable('cases').dropColumn('external_id').execute();
}
