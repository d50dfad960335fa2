import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Payments, part two (issue 12): refunds of an application's payment, and the built-in sandbox
 * provider's own records, kept in the database so that several app processes behind a load
 * balancer share them (a payment made on one process can be paid and checked on another).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  // The sandbox provider's side: what a real provider keeps on its own servers.
  await db.schema.createTable('sandbox_payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('amount_pence', 'integer', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('created', 'success', 'failed', 'cancelled')`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createTable('sandbox_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('sandbox_payments.id').onDelete('cascade'))
    .addColumn('amount_pence', 'integer', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'success', 'error')`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_refunds_payment').on('sandbox_refunds').column('payment_id').execute();

  // The council's side: each refund of an application's payment, with its reason and who asked.
  await db.schema.createTable('application_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('application_payments.id'))
    .addColumn('amount_pence', 'integer', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    /** As GOV.UK Pay says of a refund: submitted (asked, not yet done), success, or error (nothing refunded). */
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'success', 'error')`))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_refund_id', 'text')
    /** The staff form's key: a form sent twice refunds once. */
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .execute();
  await db.schema.createIndex('application_refunds_case').on('application_refunds').columns(['case_id', 'created_at']).execute();
  // The daily reconciliation reads refunds and payments by the time they were done.
  await db.schema.createIndex('application_refunds_finished').on('application_refunds').columns(['status', 'finished_at']).execute();
  await db.schema.createIndex('application_payments_finished').on('application_payments').columns(['state', 'finished_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('application_payments_finished').execute();
  for (const table of ['application_refunds', 'sandbox_refunds', 'sandbox_payments']) await db.schema.dropTable(table).execute();
}
