/**
 * The SQL of alert subscriptions (migration 072): the only code that reads or writes
 * `alert_subscriptions` and `alert_subscription_requests`.
 */
import type { Insertable, Selectable } from 'kysely';
import type { DB } from '../db/connection.js';
import type { AlertSubscriptionTable } from '../db/schema.js';
import type { Box } from '../places/geometry.js';

export type SubscriptionRow = Selectable<AlertSubscriptionTable>;

export async function insertSubscription(trx: DB, row: Insertable<AlertSubscriptionTable>): Promise<number> {
  return (await trx.insertInto('alert_subscriptions').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function subscriptionById(db: DB, id: number): Promise<SubscriptionRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  return db.selectFrom('alert_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function subscriptionByTokenHash(db: DB, tokenHash: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('alert_subscriptions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** A pending (or earlier) subscription of the same contact, channel and place, to renew instead of adding another. */
export async function sameSubscription(trx: DB, jurisdictionId: string, contactHashes: string[], channel: 'email' | 'sms', placeKind: 'address' | 'area', placeId: number | null): Promise<SubscriptionRow | undefined> {
  let query = trx.selectFrom('alert_subscriptions').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('contact_hash', 'in', contactHashes).where('channel', '=', channel).where('place_kind', '=', placeKind);
  query = placeId === null ? query.where('place_id', 'is', null) : query.where('place_id', '=', placeId);
  return query.orderBy('id').executeTakeFirst();
}

export async function updateSubscription(trx: DB, id: number, set: Partial<Omit<Insertable<AlertSubscriptionTable>, 'id'>>): Promise<void> {
  await trx.updateTable('alert_subscriptions').set(set).where('id', '=', id).execute();
}

/** Confirms only while the token is still the one asked for (two clicks at once: one wins). */
export async function markConfirmed(trx: DB, id: number, tokenHash: string, at: string): Promise<boolean> {
  const result = await trx.updateTable('alert_subscriptions').set({ confirmed_at: at, unsubscribed_at: null, token_hash: null, code_attempts: 0 })
    .where('id', '=', id).where('token_hash', '=', tokenHash).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countCodeAttempt(trx: DB, id: number): Promise<void> {
  await trx.updateTable('alert_subscriptions').set((eb) => ({ code_attempts: eb('code_attempts', '+', 1) })).where('id', '=', id).execute();
}

export async function markUnsubscribed(trx: DB, id: number, at: string): Promise<boolean> {
  const result = await trx.updateTable('alert_subscriptions').set({ unsubscribed_at: at }).where('id', '=', id).where('unsubscribed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function accountSubscriptions(db: DB, jurisdictionId: string, userId: number): Promise<SubscriptionRow[]> {
  return db.selectFrom('alert_subscriptions').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('user_id', '=', userId)
    .where('unsubscribed_at', 'is', null).orderBy('id').execute();
}

/** The public form's counts: requests from a client in the last hour and for a contact in the last day (older ones dropped as new ones come). */
export async function recentRequests(trx: DB, clientHash: string, contactHash: string, now: number): Promise<{ byClient: number; byContact: number }> {
  await trx.deleteFrom('alert_subscription_requests').where('requested_at', '<', new Date(now - 86_400_000).toISOString()).execute();
  const byClient = await trx.selectFrom('alert_subscription_requests').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_hash', '=', clientHash).where('requested_at', '>', new Date(now - 3_600_000).toISOString()).executeTakeFirstOrThrow();
  const byContact = await trx.selectFrom('alert_subscription_requests').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_hash', '=', contactHash).executeTakeFirstOrThrow();
  return { byClient: Number(byClient.n), byContact: Number(byContact.n) };
}

export async function recordRequest(trx: DB, clientHash: string, contactHash: string, at: string): Promise<void> {
  await trx.insertInto('alert_subscription_requests').values({ client_hash: clientHash, contact_hash: contactHash, requested_at: at }).execute();
}

/** What the fan-out needs of a subscription: never the contact (read at delivery). */
export interface BandRow { id: number; lat: number; long: number; min_lat: number; min_long: number; max_lat: number; max_long: number; channel: 'email' | 'sms'; place_kind: 'address' | 'area' }

/**
 * One chunk of the fan-out's prefilter: confirmed, still subscribed, in the latitude band
 * [box.minLat - margin, box.maxLat + margin] after the keyset cursor (lat, id), in that order,
 * through the index (jurisdiction_id, lat, id); the longitude check rides along. Returns the
 * rows and how far the chunk read (the last row's lat and id), so the caller can move on even
 * when no row of the chunk was in the box.
 */
export async function subscriptionsInBand(db: DB, jurisdictionId: string, box: Box, margin: number, cursor: { lat: number; id: number } | null, limit: number): Promise<{ rows: BandRow[]; scanned: number; last: { lat: number; id: number } | null }> {
  let query = db.selectFrom('alert_subscriptions')
    .select(['id', 'lat', 'long', 'min_lat', 'min_long', 'max_lat', 'max_long', 'channel', 'place_kind', 'confirmed_at', 'unsubscribed_at'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('lat', '<=', box.maxLat + margin);
  query = cursor
    ? query.where((eb) => eb.or([eb('lat', '>', cursor.lat), eb.and([eb('lat', '=', cursor.lat), eb('id', '>', cursor.id)])]))
    : query.where('lat', '>=', box.minLat - margin);
  const rows = await query.orderBy('lat').orderBy('id').limit(limit).execute();
  const tail = rows.at(-1);
  const inBox = rows.filter((r) => r.confirmed_at !== null && r.unsubscribed_at === null
    && r.min_long <= box.maxLong && r.max_long >= box.minLong && r.min_lat <= box.maxLat && r.max_lat >= box.minLat);
  return { scanned: rows.length, rows: inBox.map(({ confirmed_at: _c, unsubscribed_at: _u, ...r }) => ({ ...r, lat: Number(r.lat), long: Number(r.long) })), last: tail ? { lat: Number(tail.lat), id: tail.id } : null };
}

/** The largest half-height (degrees of latitude) of a subscribed area of the jurisdiction: how far the fan-out's band reaches beyond the alert's box. */
export async function largestAreaHalfHeight(db: DB, jurisdictionId: string): Promise<number> {
  const row = await db.selectFrom('alert_subscriptions').select((eb) => eb.fn.max(eb('max_lat', '-', eb.ref('lat'))).as('m'))
    .where('jurisdiction_id', '=', jurisdictionId).where('place_kind', '=', 'area').executeTakeFirst();
  return Math.max(0, Number(row?.m ?? 0));
}

export async function subscriptionsByContact(db: DB, jurisdictionId: string, contactHashes: string[]): Promise<SubscriptionRow[]> {
  return db.selectFrom('alert_subscriptions').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('contact_hash', 'in', contactHashes).orderBy('id').execute();
}

export async function deleteByContact(trx: DB, jurisdictionId: string, contactHashes: string[]): Promise<number> {
  const result = await trx.deleteFrom('alert_subscriptions').where('jurisdiction_id', '=', jurisdictionId).where('contact_hash', 'in', contactHashes).executeTakeFirst();
  await trx.deleteFrom('alert_subscription_requests').where('contact_hash', 'in', contactHashes).execute();
  return Number(result.numDeletedRows);
}

/** Deletes subscriptions never confirmed and asked for before `before`, and those stopped before it. */
export async function deleteStale(db: DB, before: string): Promise<number> {
  const result = await db.deleteFrom('alert_subscriptions')
    .where((eb) => eb.or([eb.and([eb('confirmed_at', 'is', null), eb('requested_at', '<', before)]), eb('unsubscribed_at', '<', before)])).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The contacts of some subscriptions (sealed), for delivery. */
export async function subscriptionsForDelivery(db: DB, ids: number[]): Promise<Array<Pick<SubscriptionRow, 'id' | 'contact' | 'channel' | 'language' | 'place_name' | 'unsubscribed_at'>>> {
  if (ids.length === 0) return [];
  return db.selectFrom('alert_subscriptions').select(['id', 'contact', 'channel', 'language', 'place_name', 'unsubscribed_at']).where('id', 'in', ids).execute();
}
