/**
 * The outbox: every message Townhall sends to the outside world (emails now; webhooks and SMS
 * later) is first written here, in the same transaction as the change that causes it. So a
 * message exists if and only if its change was saved, and a mail server that is down loses
 * nothing: workers claim due messages, send them, and mark each one sent or failed. A failed
 * message is tried again later, with growing gaps, until MAX_ATTEMPTS.
 *
 * Payloads are JSON. Whatever in them is personal (an address, a text holding a one-time link)
 * the caller seals first (platform/crypto.ts): the outbox table must never hold it in clear.
 *
 * Several app processes on PostgreSQL: claimPending locks the rows it returns (`for update skip
 * locked`), so it is called inside a transaction that also marks them; other processes skip
 * those rows until it ends. SQLite serves one process, with one worker per kind in it.
 */
import { dialectOf, type DB } from '../db/connection.js';
import { nowIso } from './time.js';

/** After this many failed attempts a message is left alone (and stays in the table to be looked at). */
export const MAX_ATTEMPTS = 8;

/**
 * When each attempt may start, in minutes after the message was queued: the first at once,
 * then after 1 minute, 5, 15, an hour, 3 hours, 12 and 24. Counted from the queuing time
 * because the table records no time of the last attempt.
 */
const ATTEMPT_DUE_MINUTES = [0, 1, 5, 15, 60, 180, 720, 1440] as const;

/** The longest an error text kept in last_error may be. */
const MAX_ERROR_LENGTH = 500;

export interface OutboxMessage {
  id: number;
  kind: string;
  /** The JSON given to enqueue, parsed back; its reader checks its shape. */
  payload: unknown;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: string;
}

/** Queues a message. Call it with the transaction of the change that causes the message. */
export async function enqueue(trx: DB, kind: string, payload: object): Promise<number> {
  if (!trx.isTransaction) throw new Error('outbox.enqueue needs the transaction of the change that causes the message, so both are saved or neither.');
  const row = await trx.insertInto('outbox')
    .values({ kind, payload: JSON.stringify(payload), created_at: nowIso(), sent_at: null, last_error: null })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Up to `limit` messages due for an attempt, oldest first, optionally of one kind. On
 * PostgreSQL `db` must be a transaction: the rows stay locked to this caller until it ends.
 */
export async function claimPending(db: DB, limit: number, options: { kind?: string; now?: Date } = {}): Promise<OutboxMessage[]> {
  const now = (options.now ?? new Date()).getTime();
  let query = db.selectFrom('outbox').selectAll()
    .where('sent_at', 'is', null)
    .where('attempts', '<', MAX_ATTEMPTS)
    // Due: queued long enough ago for the attempt it is on. ISO times compare as instants on both databases.
    .where((eb) => eb.or(ATTEMPT_DUE_MINUTES.map((minutes, attempts) =>
      eb.and([eb('attempts', '=', attempts), eb('created_at', '<=', new Date(now - minutes * 60_000).toISOString())]))))
    .orderBy('id').limit(limit);
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (dialectOf(db) === 'postgres') {
    if (!db.isTransaction) throw new Error('On PostgreSQL, outbox.claimPending must run inside a transaction, so the rows stay claimed while they are sent.');
    query = query.forUpdate().skipLocked();
  }
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts, createdAt: row.created_at }));
}

export async function markSent(db: DB, id: number): Promise<void> {
  await db.updateTable('outbox').set((eb) => ({ sent_at: nowIso(), attempts: eb('attempts', '+', 1), last_error: null })).where('id', '=', id).execute();
}

/**
 * Records a failed attempt and why. The reason is stored, so it must not hold personal data:
 * callers pass it through `withoutAddresses` or write their own words. Returns true when that
 * was the last attempt.
 */
export async function markFailed(db: DB, message: Pick<OutboxMessage, 'id' | 'attempts'>, reason: string): Promise<boolean> {
  await db.updateTable('outbox').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason.slice(0, MAX_ERROR_LENGTH) }))
    .where('id', '=', message.id).execute();
  return message.attempts + 1 >= MAX_ATTEMPTS;
}

/** An error text with every email address in it replaced: mail servers like to quote the recipient. */
export const withoutAddresses = (text: string): string => text.replace(/[^\s<>"(),;:[\]]+@[^\s<>"(),;:[\]]+/g, '[address]');

/** Messages not sent yet and still to be tried, of one kind or all (for health pages and tests). */
export async function countPending(db: DB, kind?: string): Promise<number> {
  let query = db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).where('attempts', '<', MAX_ATTEMPTS);
  if (kind !== undefined) query = query.where('kind', '=', kind);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
