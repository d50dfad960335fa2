import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * Staff analytics (issue 14): the rollups dashboards read instead of scanning cases.
 *
 * - insight_case_facts: one row per case (training cases never), what analytics needs of it: the
 *   council-local day it opened and last closed, its service, department, area (the smallest
 *   gazetteer area holding its point, '' for none) and channel, time to close, whether it had a
 *   promise (expected_at) and kept it, how often it was reopened, its feedback. Kept so that a
 *   changed case's old days are known and can be counted again.
 * - insight_daily: figures per local day x service x department (0: none) x area x channel.
 * - insight_close_times: a histogram of time to close per the same key, by bucket (see
 *   src/insights/buckets.ts), so medians and 90th percentiles are exact at the shown precision.
 * - insight_state: how far the refresh job has read (case_actions and feedback ids).
 * Written only by src/insights/rollups.ts, by a job: nothing is added to the submission path.
 * On SQLite the two rollup tables are WITHOUT ROWID, so rows lie in key order (day first) and a
 * range of days is read in one pass instead of one table lookup per index entry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const clustered = dialectOf(db) === 'sqlite' ? sql`without rowid` : sql``;
  const key = ['day', 'service_code', 'department_id', 'area', 'channel'];
  await db.schema.createTable('insight_case_facts')
    .addColumn('case_id', 'integer', (c) => c.primaryKey())
    .addColumn('opened_day', 'text', (c) => c.notNull())
    .addColumn('closed_day', 'text')
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('close_minutes', 'integer')
    .addColumn('promised', 'integer', (c) => c.notNull().check(sql`promised in (0, 1)`))
    .addColumn('kept_promise', 'integer', (c) => c.notNull().check(sql`kept_promise in (0, 1)`))
    .addColumn('reopened', 'integer', (c) => c.notNull())
    .addColumn('feedback', 'integer', (c) => c.notNull())
    .addColumn('fixed', 'integer', (c) => c.notNull())
    .addColumn('satisfaction_sum', 'integer', (c) => c.notNull())
    .addColumn('satisfaction_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('insight_case_facts_opened').on('insight_case_facts').column('opened_day').execute();
  await db.schema.createIndex('insight_case_facts_closed').on('insight_case_facts').column('closed_day').execute();

  await db.schema.createTable('insight_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('opened', 'integer', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull())
    .addColumn('promised', 'integer', (c) => c.notNull())
    .addColumn('kept_promise', 'integer', (c) => c.notNull())
    .addColumn('reopened', 'integer', (c) => c.notNull())
    .addColumn('feedback', 'integer', (c) => c.notNull())
    .addColumn('fixed', 'integer', (c) => c.notNull())
    .addColumn('satisfaction_sum', 'integer', (c) => c.notNull())
    .addColumn('satisfaction_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_daily_pk', key as never)
    .modifyEnd(clustered)
    .execute();

  await db.schema.createTable('insight_close_times')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_close_times_pk', [...key, 'bucket'] as never)
    .modifyEnd(clustered)
    .execute();

  await db.schema.createTable('insight_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_action_id', 'integer', (c) => c.notNull())
    .addColumn('last_feedback_id', 'integer', (c) => c.notNull())
    .addColumn('refreshed_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['insight_state', 'insight_close_times', 'insight_daily', 'insight_case_facts']) await db.schema.dropTable(table).execute();
}
