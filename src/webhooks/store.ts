/** The SQL of webhooks: the only code that touches webhook_subscriptions, webhook_deliveries and webhook_dispatch. */
import type { DB } from '../db/connection.js';
import type { WebhookSubscriptionTable } from '../db/schema.js';
import type { Selectable } from 'kysely';

export type SubscriptionRow = Selectable<WebhookSubscriptionTable>;

export async function insertSubscription(trx: DB, row: Omit<SubscriptionRow, 'id' | 'consecutive_failures'>): Promise<number> {
  return (await trx.insertInto('webhook_subscriptions').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export const findSubscription = (db: DB, id: number) => db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();

export const listSubscriptionRows = (db: DB) => db.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute();

export const activeSubscriptions = (db: DB) => db.selectFrom('webhook_subscriptions').selectAll().where('status', '=', 'active').orderBy('id').execute();

export async function updateSubscription(trx: DB, id: number, changes: Partial<Omit<SubscriptionRow, 'id'>>): Promise<void> {
  await trx.updateTable('webhook_subscriptions').set(changes).where('id', '=', id).execute();
}

/** How far the dispatcher has read (undefined: it has never run). Locked on PostgreSQL, so one dispatcher at a time. */
export async function dispatchCursor(trx: DB, postgres: boolean): Promise<number | undefined> {
  let query = trx.selectFrom('webhook_dispatch').select('last_event_id').where('name', '=', 'cases');
  if (postgres) query = query.forUpdate();
  return (await query.executeTakeFirst())?.last_event_id;
}

export async function saveDispatchCursor(trx: DB, lastEventId: number, existed: boolean): Promise<void> {
  if (existed) await trx.updateTable('webhook_dispatch').set({ last_event_id: lastEventId }).where('name', '=', 'cases').execute();
  else await trx.insertInto('webhook_dispatch').values({ name: 'cases', last_event_id: lastEventId }).onConflict((oc) => oc.column('name').doNothing()).execute();
}

export async function insertDelivery(trx: DB, row: { subscription_id: number; event_id: number; event_type: string; case_id: number; outbox_id: number; body: string; created_at: string }): Promise<void> {
  await trx.insertInto('webhook_deliveries').values({ ...row, last_response_code: null })
    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing()).execute();
}

/** A delivery with its subscription, by its outbox message. */
export const deliveryByOutboxId = (db: DB, outboxId: number) => db.selectFrom('webhook_deliveries')
  .innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
  .select(['webhook_deliveries.id', 'webhook_deliveries.body', 'webhook_deliveries.event_id', 'webhook_subscriptions.id as subscription_id',
    'webhook_subscriptions.url', 'webhook_subscriptions.secret', 'webhook_subscriptions.status'])
  .where('webhook_deliveries.outbox_id', '=', outboxId).executeTakeFirst();

export async function recordResponse(db: DB, deliveryId: number, code: number | null): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ last_response_code: code }).where('id', '=', deliveryId).execute();
}

/** A subscription's deliveries, newest first, with their outbox status. */
export const deliveriesOf = (db: DB, subscriptionId: number, limit: number) => db.selectFrom('webhook_deliveries')
  .innerJoin('outbox', 'outbox.id', 'webhook_deliveries.outbox_id')
  .select(['webhook_deliveries.id', 'webhook_deliveries.event_id', 'webhook_deliveries.event_type', 'webhook_deliveries.case_id', 'webhook_deliveries.outbox_id',
    'webhook_deliveries.last_response_code', 'webhook_deliveries.created_at', 'outbox.status', 'outbox.attempts', 'outbox.next_attempt_at', 'outbox.last_error', 'outbox.sent_at'])
  .where('webhook_deliveries.subscription_id', '=', subscriptionId)
  .orderBy('webhook_deliveries.id', 'desc').limit(limit).execute();

export const findDelivery = (db: DB, subscriptionId: number, deliveryId: number) => db.selectFrom('webhook_deliveries')
  .innerJoin('outbox', 'outbox.id', 'webhook_deliveries.outbox_id')
  .select(['webhook_deliveries.id', 'webhook_deliveries.outbox_id', 'outbox.status'])
  .where('webhook_deliveries.subscription_id', '=', subscriptionId).where('webhook_deliveries.id', '=', deliveryId).executeTakeFirst();

/** The dead-lettered deliveries of a subscription made since a time. */
export const deadDeliveriesSince = (db: DB, subscriptionId: number, since: string) => db.selectFrom('webhook_deliveries')
  .innerJoin('outbox', 'outbox.id', 'webhook_deliveries.outbox_id')
  .select(['webhook_deliveries.id', 'webhook_deliveries.outbox_id'])
  .where('webhook_deliveries.subscription_id', '=', subscriptionId).where('outbox.status', '=', 'dead')
  .where('webhook_deliveries.created_at', '>=', since).orderBy('webhook_deliveries.id').execute();

/** New events on the staff-wide topic: one per change to a case. */
export const eventsAfter = (db: DB, afterId: number, topic: string, limit: number) => db.selectFrom('events')
  .select(['id', 'data', 'created_at']).where('id', '>', afterId).where('topic', '=', topic).orderBy('id').limit(limit).execute();

export async function lastEventId(db: DB): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}
