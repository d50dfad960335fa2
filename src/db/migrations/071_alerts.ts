import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Emergency alerts (issue 15): the CAP 1.2 message an officer drafts and a second officer
 * approves (`alerts`), with one row of words per language (`alert_infos`, CAP `<info>`). The
 * area is kept as JSON (its polygons and circles) beside the box around it, for finding the
 * alerts that may cover a point with a plain index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('alerts')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('msg_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('references_id', 'integer', (c) => c.references('alerts.id'))
    .addColumn('area_description', 'text', (c) => c.notNull())
    /** JSON: { polygons: [[{lat,long}...]...], circles: [{center:{lat,long}, radiusKm}...] }. */
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('min_lat', t.double, (c) => c.notNull())
    .addColumn('min_long', t.double, (c) => c.notNull())
    .addColumn('max_lat', t.double, (c) => c.notNull())
    .addColumn('max_long', t.double, (c) => c.notNull())
    .addColumn('onset', t.timestamp)
    .addColumn('expires', t.timestamp, (c) => c.notNull())
    .addColumn('sent', t.timestamp)
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('drafted_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  // Current public alerts: approved, by expiry.
  await db.schema.createIndex('alerts_stage_expires').on('alerts').columns(['stage', 'expires']).execute();
  await db.schema.createIndex('alerts_references').on('alerts').column('references_id').execute();

  await db.schema.createTable('alert_infos')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    /** JSON array of CAP categories. */
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('certainty', 'text', (c) => c.notNull())
    .addColumn('headline', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('instruction', 'text', (c) => c.notNull())
    .addColumn('web', 'text')
    .addColumn('contact', 'text')
    .addPrimaryKeyConstraint('alert_infos_pk', ['alert_id', 'language'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_infos').execute();
  await db.schema.dropTable('alerts').execute();
}
