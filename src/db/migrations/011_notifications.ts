import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Notifications and real-time updates: the outbox gains a delivery state per message (queued,
 * sending, sent, failed, dead) with a lease, a next attempt time and an idempotency key; a
 * persisted event log feeds live updates (ids for Last-Event-ID); message templates that staff
 * edit override the built-in ones; in-app notifications; SMS choices; one-click unsubscribe.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  await db.schema.alterTable('outbox').addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status in ('queued', 'sending', 'sent', 'failed', 'dead')`)).execute();
  await db.schema.alterTable('outbox').addColumn('next_attempt_at', t.timestamp).execute();
  /** While a worker holds a message (status sending): after this, another may take it over. */
  await db.schema.alterTable('outbox').addColumn('locked_until', t.timestamp).execute();
  await db.schema.alterTable('outbox').addColumn('last_attempt_at', t.timestamp).execute();
  /** "event:recipient:channel": the same message for the same event is queued once. */
  await db.schema.alterTable('outbox').addColumn('idempotency_key', 'text').execute();
  await db.schema.createIndex('outbox_idempotency').on('outbox').column('idempotency_key').unique().execute();
  await sql`update outbox set status = case when sent_at is not null then 'sent' when attempts >= 8 then 'dead' else 'queued' end, next_attempt_at = created_at`.execute(db);
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at', 'id']).execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', t.serialId)
    /** Who may hear it: "case:42" (the public track page), "staff:case:42", "staff:department:3", "staff:all". */
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** JSON, never personal data: events are replayed to anyone allowed on the topic. */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_topic').on('events').columns(['topic', 'id']).execute();

  await db.schema
    .createTable('message_templates')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms', 'in_app')`))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_templates_pk', ['event', 'channel', 'language'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('read_at', t.timestamp)
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();

  await db.schema.alterTable('resident_preferences').addColumn('sms_on_update', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('resident_preferences').addColumn('sms_on_close', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** Sealed mobile number for text messages; null: none given. */
  await db.schema.alterTable('resident_preferences').addColumn('phone', 'text').execute();
  /** A reporter without an account who unsubscribed (one click) from this case's emails. */
  await db.schema.alterTable('case_reporters').addColumn('unsubscribed_at', t.timestamp).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_reporters').dropColumn('unsubscribed_at').execute();
  for (const column of ['phone', 'sms_on_close', 'sms_on_update']) await db.schema.alterTable('resident_preferences').dropColumn(column).execute();
  for (const table of ['notifications', 'message_templates', 'events']) await db.schema.dropTable(table).execute();
  for (const index of ['outbox_due', 'outbox_idempotency']) await db.schema.dropIndex(index).execute();
  for (const column of ['idempotency_key', 'last_attempt_at', 'locked_until', 'next_attempt_at', 'status']) await db.schema.alterTable('outbox').dropColumn(column).execute();
}
