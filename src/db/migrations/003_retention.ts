import { sql, type Kysely } from 'kysely';

/**
 * How long after a case closes its reporter's personal data is kept (null: until erased), and
 * why, if at all, the law requires keeping it even when the person asks for erasure.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('services').addColumn('retention_days', 'integer', (c) => c.defaultTo(365).check(sql`retention_days >= 0`)).execute();
  await db.schema.alterTable('services').addColumn('erasure_exemption', 'text').execute();
  await db.schema.createIndex('cases_closed_at').on('cases').columns(['jurisdiction_id', 'closed_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_closed_at').execute();
  await db.schema.alterTable('services').dropColumn('erasure_exemption').execute();
  await db.schema.alterTable('services').dropColumn('retention_days').execute();
}
