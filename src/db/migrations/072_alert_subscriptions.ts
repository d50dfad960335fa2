import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Alert subscriptions and their fan-out (issue 15, part B).
 *
 * - alert_subscriptions: a resident or business asks to be told of alerts at a place (an address,
 *   or an area of the gazetteer) on one channel (email or SMS) in one language. The contact is
 *   sealed (platform/crypto.ts) with a keyed hash beside it for dedupe and rate limits. The place
 *   is kept as its centre (lat, long) and its box (an address's box is its point). The index on
 *   (jurisdiction_id, lat, id) is the fan-out's prefilter: a fan-out reads one latitude band, the
 *   alert's box widened by the largest half-height a subscribed area may have, in keyset order.
 * - alert_subscription_requests: the public form's requests in the last day (keyed hashes of
 *   the contact and the client address), for its rate limits.
 * - alert_fan_outs: one row per approved public alert still to be (or already) fanned out, with
 *   its matching area (for an Update or Cancel, with the area of the alert it follows), what the
 *   messages need of the alert (type and infos, JSON), and the keyset cursor (lat, id) of the
 *   subscriptions done so far, and the band's margin (the largest half-height of a subscribed
 *   area, read when the walk starts). No foreign key to the alert: its table is another module's.
 * - outbox.priority: 0 for routine messages, 10 for alerts; the claim takes higher first, along
 *   the partial index outbox_lane. An alert's delivery figures count its messages by their
 *   idempotency key's prefix (alert:<id>:): SQLite's unique index serves that range; PostgreSQL's
 *   may not under a non-C collation, so it gets a pattern index over the prioritised rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('alert_subscriptions')
    .addColumn('id', t.idType, t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('place_id', 'integer')
    .addColumn('place_kind', 'text', (c) => c.notNull().check(sql`place_kind in ('address', 'area')`))
    .addColumn('place_name', 'text', (c) => c.notNull())
    .addColumn('lat', t.double, (c) => c.notNull())
    .addColumn('long', t.double, (c) => c.notNull())
    .addColumn('min_lat', t.double, (c) => c.notNull())
    .addColumn('min_long', t.double, (c) => c.notNull())
    .addColumn('max_lat', t.double, (c) => c.notNull())
    .addColumn('max_long', t.double, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms')`))
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('contact_hash', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text')
    .addColumn('code_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', t.timestamp, (c) => c.notNull())
    .addColumn('confirmed_at', t.timestamp)
    .addColumn('unsubscribed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_subscriptions_band').on('alert_subscriptions').columns(['jurisdiction_id', 'lat', 'id']).execute();
  await db.schema.createIndex('alert_subscriptions_contact').on('alert_subscriptions').columns(['contact_hash', 'channel']).execute();
  await db.schema.createIndex('alert_subscriptions_token').on('alert_subscriptions').column('token_hash').execute();
  await db.schema.createIndex('alert_subscriptions_user').on('alert_subscriptions').column('user_id').execute();

  await db.schema.createTable('alert_subscription_requests')
    .addColumn('contact_hash', 'text', (c) => c.notNull())
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('requested_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_subscription_requests_client').on('alert_subscription_requests').columns(['client_hash', 'requested_at']).execute();
  await db.schema.createIndex('alert_subscription_requests_contact').on('alert_subscription_requests').columns(['contact_hash', 'requested_at']).execute();
  await db.schema.createIndex('alert_subscription_requests_time').on('alert_subscription_requests').column('requested_at').execute();

  await db.schema.createTable('alert_fan_outs')
    .addColumn('alert_id', 'integer', (c) => c.primaryKey())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('alert', 'text', (c) => c.notNull())
    .addColumn('margin', t.double)
    .addColumn('cursor_lat', t.double)
    .addColumn('cursor_id', 'integer')
    .addColumn('subscribers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .execute();
  await db.schema.createIndex('alert_fan_outs_pending').on('alert_fan_outs').columns(['finished_at', 'alert_id']).execute();

  await db.schema.alterTable('outbox').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The claim walks this in order (highest priority, then oldest) over the rows still to send.
  await db.schema.createIndex('outbox_lane').on('outbox').columns(['priority desc', 'id'])
    .where(sql<boolean>`status in ('queued', 'failed', 'sending')`).execute();
  if (t.postgres) await sql`create index outbox_priority_keys on outbox (idempotency_key text_pattern_ops) where priority > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_lane').execute();
  await sql`drop index if exists outbox_priority_keys`.execute(db);
  await db.schema.alterTable('outbox').dropColumn('priority').execute();
  for (const table of ['alert_fan_outs', 'alert_subscription_requests', 'alert_subscriptions']) await db.schema.dropTable(table).execute();
}
