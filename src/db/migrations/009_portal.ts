import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The resident portal: a gazetteer of places (addresses, streets, areas) for finding a location
 * without a map, reports in progress (one question per page needs somewhere to keep the
 * answers), uploaded photos, who follows which case, feedback when a case closes, and each
 * resident's notification choices.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('places')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('address', 'street', 'area')`))
    .addColumn('name', 'text', (c) => c.notNull())
    /** The name folded for searching: lower case, no accents, single spaces. */
    .addColumn('search_key', 'text', (c) => c.notNull())
    .addColumn('lat', t.double, (c) => c.notNull())
    .addColumn('long', t.double, (c) => c.notNull())
    .addColumn('min_lat', t.double)
    .addColumn('min_long', t.double)
    .addColumn('max_lat', t.double)
    .addColumn('max_long', t.double)
    .execute();
  await db.schema.createIndex('places_search_idx').on('places').columns(['jurisdiction_id', 'kind', 'search_key']).execute();

  await db.schema
    .createTable('report_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_drafts_expiry_idx').on('report_drafts').column('expires_at').execute();

  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('draft_id', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', t.blob, (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_case_idx').on('media').column('case_id').execute();
  await db.schema.createIndex('media_draft_idx').on('media').column('draft_id').execute();

  await db.schema
    .createTable('case_followers')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('reporter', 'follower')`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('case_followers_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema.createIndex('case_followers_user_idx').on('case_followers').column('user_id').execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('service_code', 'text', (c) => c.notNull())
    /** The case action that closed the case this feedback is about. */
    .addColumn('closing_action_id', 'integer', (c) => c.notNull())
    .addColumn('fixed', 'integer', (c) => c.notNull())
    .addColumn('satisfaction', 'integer')
    .addColumn('comment', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('feedback_once_per_closure', ['case_id', 'closing_action_id'])
    .execute();

  await db.schema
    .createTable('resident_preferences')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email_on_update', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('email_on_close', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  // Nearby reports and the public map look cases up by place.
  await db.schema.createIndex('cases_location_idx').on('cases').columns(['jurisdiction_id', 'lat', 'long']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_location_idx').execute();
  for (const table of ['resident_preferences', 'feedback', 'case_followers', 'media', 'report_drafts', 'places']) {
    await db.schema.dropTable(table).execute();
  }
}
