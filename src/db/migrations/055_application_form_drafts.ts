import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The form editor's drafts: at most one per application service, changed page by page in
 * /admin/settings and previewed, then published as a new version in `application_forms`
 * (published versions never change, so open applications keep theirs).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('application_form_drafts')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    /** JSON: a form definition being built; it may still have problems (checked when it is published). */
    .addColumn('definition', 'text', (c) => c.notNull())
    /** The published version it was copied from; null for a new service's first form. */
    .addColumn('based_on_version', 'integer')
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_form_drafts_pk', ['jurisdiction_id', 'service_code'])
    .addForeignKeyConstraint('application_form_drafts_service_fk', ['jurisdiction_id', 'service_code'], 'services', ['jurisdiction_id', 'code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('application_form_drafts').execute();
}
