import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Published performance (issue 14):
 *
 * - journey_counts: how many report journeys were started and how many of those were sent, per
 *   service and local day. A count only: no cookie, no id, no address, nothing about the person.
 *   A journey's sending is counted on the day it was started, so sent / started is the share of
 *   journeys begun that day that ended in a report.
 * - performance_costs: what the council says a transaction costs on each channel, and in which
 *   currency, in minor units (pence, cents), set by a system administrator.
 * - feedback by time, and a service's closed cases by time: the performance page's reads.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('journey_counts')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('started', 'integer', (c) => c.notNull().defaultTo(0).check(sql`started >= 0`))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0).check(sql`sent >= 0`))
    .addPrimaryKeyConstraint('journey_counts_pk', ['jurisdiction_id', 'day', 'service_code'])
    .execute();
  await db.schema.createTable('performance_costs')
    .addColumn('jurisdiction_id', 'text', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    /** JSON: {"<channel>": minor units}. */
    .addColumn('costs', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_created_at').on('feedback').columns(['created_at']).execute();
  await db.schema.createIndex('cases_service_closed').on('cases').columns(['jurisdiction_id', 'service_code', 'closed_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_service_closed').execute();
  await db.schema.dropIndex('feedback_created_at').execute();
  await db.schema.dropTable('performance_costs').execute();
  await db.schema.dropTable('journey_counts').execute();
}
