import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * Staff analytics at a million cases (issue 14). The rollups of migration 067 are keyed by day x
 * service x department x area x channel: about one row per case, so a dashboard read as many rows
 * as there were cases. These are coarser, for the views that do not filter by area:
 *
 * - insight_day_totals: the figures of insight_daily per local day x service x department x
 *   channel (no area): a few dozen rows a day. Backlog, volume, SLA, reopen rate, satisfaction
 *   and channel mix read this one unless an area is chosen.
 * - insight_close_spans: the time-to-close histogram per span ('day', 'week' from Monday, or
 *   'month') x service x department x its first day x bucket (no area, no channel), each span
 *   also for every service ('*') of a department and for everything ('*', department -1). A
 *   period that is a whole week or month reads one span's rows instead of one per day, and a
 *   view of every service reads one row per bucket instead of one per service.
 * - insight_state.rebuild_heartbeat: set while a rebuild runs (in chunks, each its own short
 *   transaction), so the refresh job waits instead of counting a half-built state.
 *
 * The area indexes on the fine tables serve the views filtered by area.
 * On SQLite the new tables are WITHOUT ROWID, so rows lie in key order and a range is one pass.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const clustered = dialectOf(db) === 'sqlite' ? sql`without rowid` : sql``;
  let totals = db.schema.createTable('insight_day_totals')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull());
  for (const measure of ['opened', 'closed', 'promised', 'kept_promise', 'reopened', 'feedback', 'fixed', 'satisfaction_sum', 'satisfaction_count']) {
    totals = totals.addColumn(measure, 'integer', (c) => c.notNull());
  }
  await totals.addPrimaryKeyConstraint('insight_day_totals_pk', ['day', 'service_code', 'department_id', 'channel'] as never).modifyEnd(clustered).execute();

  await db.schema.createTable('insight_close_spans')
    .addColumn('span', 'text', (c) => c.notNull().check(sql`span in ('day', 'week', 'month')`))
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_close_spans_pk', ['span', 'service_code', 'department_id', 'start', 'bucket'] as never)
    .modifyEnd(clustered)
    .execute();
  // For counting a day, week or month again (the key above leads with the service, for reading).
  await db.schema.createIndex('insight_close_spans_start').on('insight_close_spans').columns(['span', 'start']).execute();

  await db.schema.createIndex('insight_daily_area').on('insight_daily').columns(['area', 'day']).execute();
  await db.schema.createIndex('insight_close_times_area').on('insight_close_times').columns(['area', 'day']).execute();
  await db.schema.alterTable('insight_state').addColumn('rebuild_heartbeat', 'text').execute();
  // Fill the new tables from the next refresh: without them counted, the state says "never built".
  await db.deleteFrom('insight_state' as never).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('insight_state').dropColumn('rebuild_heartbeat').execute();
  await db.schema.dropIndex('insight_close_times_area').execute();
  await db.schema.dropIndex('insight_daily_area').execute();
  await db.schema.dropIndex('insight_close_spans_start').execute();
  await db.schema.dropTable('insight_close_spans').execute();
  await db.schema.dropTable('insight_day_totals').execute();
}
