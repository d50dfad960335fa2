import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The GovStack Registration API (src/govstack): the applicant id an outside system gave with each
 * application it sent (which key sent it is on the case, `cases.api_key_id`), and the drafts that
 * hold documents a key uploaded before sending the application they belong to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('govstack_applications')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id'))
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id'))
    /** The sending system's own id for the applicant (opaque to Townhall). */
    .addColumn('applicant_id', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('govstack_applications_by_applicant').on('govstack_applications').columns(['api_key_id', 'applicant_id']).execute();
  await db.schema.createTable('govstack_uploads')
    .addColumn('draft_id', 'text', (c) => c.primaryKey().references('application_drafts.id'))
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('govstack_uploads').execute();
  await db.schema.dropTable('govstack_applications').execute();
}
