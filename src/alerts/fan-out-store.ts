/**
 * The SQL of alert fan-outs (migration 072): the only code that reads or writes `alert_fan_outs`.
 */
import type { Selectable } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import type { AlertFanOutTable } from '../db/schema.js';

export type FanOutRow = Selectable<AlertFanOutTable>;

/** Records a fan-out to do; a second call for the same alert changes nothing. */
export async function insertFanOut(trx: DB, alertId: number, area: string, alert: string, at: string): Promise<void> {
  await trx.insertInto('alert_fan_outs').values({ alert_id: alertId, area, alert, margin: null, cursor_lat: null, cursor_id: null, started_at: at, finished_at: null })
    .onConflict((oc) => oc.column('alert_id').doNothing()).execute();
}

export async function fanOutArea(db: DB, alertId: number): Promise<string | undefined> {
  return (await db.selectFrom('alert_fan_outs').select('area').where('alert_id', '=', alertId).executeTakeFirst())?.area;
}

export async function fanOut(db: DB, alertId: number): Promise<FanOutRow | undefined> {
  return db.selectFrom('alert_fan_outs').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
}

/** The fan-out, held for this transaction (PostgreSQL: a row lock, so two runners never walk the same chunk; SQLite has one writer). */
export async function fanOutForUpdate(trx: DB, alertId: number): Promise<FanOutRow | undefined> {
  let query = trx.selectFrom('alert_fan_outs').selectAll().where('alert_id', '=', alertId);
  if (dialectOf(trx) === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function pendingFanOuts(db: DB): Promise<number[]> {
  return (await db.selectFrom('alert_fan_outs').select('alert_id').where('finished_at', 'is', null).orderBy('alert_id').execute()).map((r) => r.alert_id);
}

export async function setMargin(trx: DB, alertId: number, margin: number): Promise<void> {
  await trx.updateTable('alert_fan_outs').set({ margin }).where('alert_id', '=', alertId).execute();
}

export async function advanceFanOut(trx: DB, alertId: number, cursor: { lat: number; id: number } | null, matched: number, queued: number, finishedAt: string | null): Promise<void> {
  await trx.updateTable('alert_fan_outs').set((eb) => ({
    ...(cursor ? { cursor_lat: cursor.lat, cursor_id: cursor.id } : {}),
    subscribers: eb('subscribers', '+', matched), queued: eb('queued', '+', queued), finished_at: finishedAt,
  })).where('alert_id', '=', alertId).execute();
}
