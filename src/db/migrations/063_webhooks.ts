import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Webhooks (src/webhooks): subscriptions to case events, each delivery of an event to one
 * subscription (its body fixed once, so every attempt and every replay sends the same bytes; its
 * status, attempts and next try are its outbox row's), and how far the dispatcher has read the
 * event log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('webhook_subscriptions')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    /** The signing secret ("whsec_..."), sealed with the field encryption keys. */
    .addColumn('secret', 'text', (c) => c.notNull())
    /** JSON arrays; empty: every value. */
    .addColumn('event_types', 'text', (c) => c.notNull())
    .addColumn('case_kinds', 'text', (c) => c.notNull())
    .addColumn('service_codes', 'text', (c) => c.notNull())
    .addColumn('department_codes', 'text', (c) => c.notNull())
    /** Who made it: "user:4" or "api_key:2". */
    .addColumn('owner', 'text', (c) => c.notNull())
    /** Where the notice goes when it is turned off after failing (sealed). */
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
    .addColumn('failing_since', t.timestamp)
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0).check(sql`consecutive_failures >= 0`))
    .addColumn('disabled_at', t.timestamp)
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createTable('webhook_deliveries')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('webhook_subscriptions.id'))
    /** The event log's id (events are pruned after a week; the delivery keeps its body). */
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().unique().references('outbox.id'))
    /** The CloudEvent, exactly as sent. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('last_response_code', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_one_per_event').on('webhook_deliveries').columns(['subscription_id', 'event_id']).unique().execute();
  await db.schema.createTable('webhook_dispatch')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_event_id', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_dispatch').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
}
