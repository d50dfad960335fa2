import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * SLA near-breach warnings: each clock keeps the share of its time after which supervisors are
 * warned (from the workflow's SLA target) and the instant that happens, so the every-minute check
 * is one indexed query that needs no calendar arithmetic.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('case_clocks').addColumn('warn_percent', 'integer', (c) => c.notNull().defaultTo(80)).execute();
  /** When the clock reaches warn_percent of its time; null while suspended or stopped. */
  await db.schema.alterTable('case_clocks').addColumn('warn_due_at', t.timestamp).execute();
  await db.schema.createIndex('case_clocks_warn').on('case_clocks').columns(['status', 'warn_due_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_clocks_warn').execute();
  await db.schema.alterTable('case_clocks').dropColumn('warn_due_at').execute();
  await db.schema.alterTable('case_clocks').dropColumn('warn_percent').execute();
}
