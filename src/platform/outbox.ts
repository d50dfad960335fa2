/**
 * The outbox: every message Townhall sends to the outside world (emails, text messages) is
 * first written here, in the same transaction as the change that causes it. So a message exists
 * if and only if its change was saved, and a provider that is down loses nothing.
 *
 * A message moves through: queued -> sending -> sent, or -> failed (tried again after a growing,
 * jittered gap) -> ... -> dead after the last attempt (kept, shown to staff, who may retry it).
 *
 * Claiming is a SHORT transaction: it picks due rows and marks them `sending` with a lease
 * (locked_until), then commits. The provider is called outside any transaction; the result is
 * written afterwards. A worker that dies (kill -9) leaves its rows `sending`; once their lease
 * ends another worker takes them over. On PostgreSQL the pick uses `for update skip locked`, so
 * workers in several processes never pick the same row; SQLite has one writer at a time.
 *
 * Payloads are JSON. Whatever in them is personal (an address, a text holding a one-time link)
 * the caller seals first (platform/crypto.ts): the outbox table must never hold it in clear.
 */
import { sql, type CompiledQuery, type Selectable } from 'kysely';
import type { OutboxTable } from '../db/schema.js';
import { compiledOnce } from '../db/compiled.js';
import { dialectOf, type DB } from '../db/connection.js';
import { nowIso } from './time.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';

export { MAX_ATTEMPTS, defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'dead';
export const outboxStatuses: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'failed', 'dead'];

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
  idempotencyKey: string | null;
  /** 0 routine; higher is claimed first (alerts: ALERT_PRIORITY). */
  priority: number;
  /**
   * The lease this worker's claim set (locked_until). Results are recorded only while it still
   * holds: a worker that outlived its lease must not overwrite the result of the one that took over.
   */
  lease?: string;
}

/** Routine messages: every one so far. */
export const ROUTINE_PRIORITY = 0;
/** Emergency alerts (src/alerts/fan-out.ts): claimed ahead of every routine message. */
export const ALERT_PRIORITY = 10;

/** Every submission with an email queues one: compiled once. */
const enqueueQuery = compiledOnce((db: DB, kind: string, payload: string, at: string, key: string | null, priority: number) => db.insertInto('outbox')
  .values({ kind, payload, created_at: at, sent_at: null, last_error: null, status: 'queued', next_attempt_at: at, idempotency_key: key, priority })
  .onConflict((oc) => oc.column('idempotency_key').doNothing())
  .returning('id'));

/**
 * Queues a message. Call it with the transaction of the change that causes the message. With an
 * idempotency key, a second message with the same key inserts nothing (on both databases) and
 * the first one's id is returned.
 */
export async function enqueue(trx: DB, kind: string, payload: object, options: { idempotencyKey?: string; priority?: number } = {}): Promise<number> {
  if (!trx.isTransaction) throw new Error('outbox.enqueue needs the transaction of the change that causes the message, so both are saved or neither.');
  const at = nowIso();
  const key = options.idempotencyKey ?? null;
  const [row] = await enqueueQuery(trx, kind, JSON.stringify(payload), at, key, options.priority ?? ROUTINE_PRIORITY);
  if (row) return row.id;
  const existing = await trx.selectFrom('outbox').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  return existing.id;
}

/**
 * Queues several messages in one statement (a change with many recipients, bulk work): the same
 * guarantees as enqueue, without a round trip per message. Returns how many were new.
 */
export async function enqueueMany(trx: DB, messages: Array<{ kind: string; payload: object; idempotencyKey?: string; priority?: number }>): Promise<number> {
  if (!trx.isTransaction) throw new Error('outbox.enqueueMany needs the transaction of the change that causes the messages, so both are saved or neither.');
  let added = 0;
  const at = nowIso();
  // Well under both databases' limits on bound parameters (9 a row).
  for (let start = 0; start < messages.length; start += 500) {
    const rows = messages.slice(start, start + 500).map((m) => ({
      kind: m.kind, payload: JSON.stringify(m.payload), created_at: at, sent_at: null, last_error: null, status: 'queued' as const, next_attempt_at: at, idempotency_key: m.idempotencyKey ?? null, priority: m.priority ?? ROUTINE_PRIORITY,
    }));
    const inserted = await trx.insertInto('outbox').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').execute();
    added += inserted.length;
  }
  return added;
}

/**
 * Withdraws the messages whose idempotency keys start with `keyPrefix` that no sender has picked
 * up yet (queued, never tried), in the caller's transaction; says how many were withdrawn and how
 * many had already gone (or are being sent). A sender that picked one up first keeps it: on
 * PostgreSQL the delete waits for its claim and then finds it no longer queued.
 */
export async function withdrawQueued(trx: DB, keyPrefix: string): Promise<{ withdrawn: number; gone: number }> {
  if (!/^[a-z0-9:]+$/.test(keyPrefix)) throw new Error('A withdrawal prefix is letters, digits and colons only (no LIKE wildcards).');
  const pattern = `${keyPrefix}%`;
  const deleted = await trx.deleteFrom('outbox').where('idempotency_key', 'like', pattern).where('status', '=', 'queued').where('attempts', '=', 0).executeTakeFirst();
  const left = await trx.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('idempotency_key', 'like', pattern).executeTakeFirst();
  return { withdrawn: Number(deleted.numDeletedRows), gone: Number(left?.n ?? 0) };
}

const toMessage = (row: { id: number; kind: string; payload: string; attempts: number; created_at: string; idempotency_key: string | null; priority: number }): OutboxMessage =>
  ({ id: row.id, kind: row.kind, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts, createdAt: row.created_at, idempotencyKey: row.idempotency_key, priority: Number(row.priority) });

/**
 * The claim's pick, compiled (exported so the alerts bench can print its plan). It must walk the
 * partial index outbox_lane (priority desc, id, over the rows still to send; migration 072) in
 * order and stop at `limit`: sorting every due row at each claim costs milliseconds per claim
 * once a quarter of a million alert messages wait. So the status list that the OR implies is
 * written out as literals (a partial index is usable only when its condition is provably met,
 * which bound parameters are not), and on SQLite, whose planner prefers outbox_due and a sort
 * even then, the table is read `indexed by outbox_lane`. PostgreSQL picks it by itself.
 */
export function dueQuery(trx: DB, at: string, limit: number, kinds?: readonly string[]): CompiledQuery<Selectable<OutboxTable>> {
  let query = trx.selectFrom('outbox').selectAll()
    .where(sql<boolean>`status in ('queued', 'failed', 'sending')`)
    .where((eb) => eb.or([
      eb.and([eb('status', 'in', ['queued', 'failed']), eb('next_attempt_at', '<=', at)]),
      eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', at)]),
    ]))
    .orderBy('priority', 'desc').orderBy('id').limit(limit);
  if (kinds) query = query.where('kind', 'in', [...kinds]);
  if (dialectOf(trx) === 'postgres') return query.forUpdate().skipLocked().compile();
  const compiled = query.compile();
  const from = 'from "outbox"';
  if (!compiled.sql.includes(from)) throw new Error('The outbox claim no longer reads "from outbox": update dueQuery.');
  return { ...compiled, sql: compiled.sql.replace(from, `${from} indexed by "outbox_lane"`) };
}

/**
 * Claims up to `limit` due messages (highest priority first, then oldest; optionally of some kinds) in one short
 * transaction of its own: due means queued or failed with next_attempt_at passed, or sending
 * with its lease ended (its worker died). Each is marked sending with a new lease.
 */
export async function claimDue(db: DB, limit: number, options: { kinds?: readonly string[]; now?: Date; leaseMs?: number } = {}): Promise<OutboxMessage[]> {
  const now = (options.now ?? new Date());
  const at = now.toISOString();
  const lockedUntil = new Date(now.getTime() + (options.leaseMs ?? defaultRetryPolicy.leaseMs)).toISOString();
  const pick = async (trx: DB) => {
    const rows = (await trx.executeQuery(dueQuery(trx, at, limit, options.kinds))).rows;
    if (rows.length === 0) return [];
    await trx.updateTable('outbox').set({ status: 'sending', locked_until: lockedUntil, last_attempt_at: at })
      .where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((row) => ({ ...toMessage(row), lease: lockedUntil }));
  };
  return db.isTransaction ? pick(db) : db.transaction().execute(pick);
}

/** A worker's claim on a message ran out and another worker holds it now: this one must not send it. */
export class ClaimLost extends Error {
  constructor(readonly outboxId: number) {
    super(`Outbox message ${outboxId} was taken over by another worker; this one did not send it.`);
  }
}

/**
 * Holds a claimed message for at least `holdMs` more, just before a send that must happen once
 * (a compare-and-set on the claim's lease: only the worker whose lease is still the message's
 * wins). Sets `message.lease` to the renewed lease, which the result is then recorded under.
 * Throws ClaimLost when another worker took the message over after this one's lease ran out.
 * A message claimed without a lease (a direct call, not the delivery loop) is left as it is.
 */
export async function holdClaim(db: DB, message: Pick<OutboxMessage, 'id' | 'lease'>, holdMs: number, now = new Date()): Promise<void> {
  if (message.lease === undefined) return;
  const wanted = new Date(now.getTime() + holdMs).toISOString();
  const lease = wanted > message.lease ? wanted : message.lease;
  const result = await db.updateTable('outbox').set({ locked_until: lease })
    .where('id', '=', message.id).where('status', '=', 'sending').where('locked_until', '=', message.lease).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new ClaimLost(message.id);
  message.lease = lease;
}

/** Records a delivery. With the claim's lease, only while that lease still holds; returns whether it was recorded. */
export async function markSent(db: DB, id: number, provider?: string, lease?: string): Promise<boolean> {
  let update = db.updateTable('outbox').set((eb) => ({
    status: 'sent', sent_at: nowIso(), attempts: eb('attempts', '+', 1), last_error: null, locked_until: null, next_attempt_at: null, provider: provider ?? null,
  })).where('id', '=', id);
  if (lease !== undefined) update = update.where('status', '=', 'sending').where('locked_until', '=', lease);
  return Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
}

/**
 * The gap before the next attempt after `failures` failures: full jitter over an exponential
 * window (base x 2^(failures-1), at most the cap), never less than the base, so a provider that
 * is down is not hammered, and many failed messages do not all come back at the same moment.
 */
export function backoffMs(failures: number, policy: Pick<RetryPolicy, 'backoffBaseMs' | 'backoffCapMs'>, random: () => number = Math.random): number {
  const window = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.min(policy.backoffCapMs, Math.max(policy.backoffBaseMs, Math.round(random() * window)));
}

/**
 * Records a failed attempt and why: failed with its next attempt time, or dead when that was the
 * last attempt (returns true then). The reason is stored, so it must not hold personal data:
 * callers pass it through `withoutAddresses` or write their own words.
 */
export async function markFailed(db: DB, message: Pick<OutboxMessage, 'id' | 'attempts' | 'lease'>, reason: string, policy: RetryPolicy = defaultRetryPolicy, now = new Date()): Promise<boolean> {
  const failures = message.attempts + 1;
  const dead = failures >= policy.maxAttempts;
  let update = db.updateTable('outbox').set((eb) => ({
    attempts: eb('attempts', '+', 1), last_error: reason.slice(0, MAX_ERROR_LENGTH), locked_until: null,
    status: dead ? 'dead' : 'failed',
    next_attempt_at: dead ? null : new Date(now.getTime() + backoffMs(failures, policy)).toISOString(),
  })).where('id', '=', message.id);
  // A late result from a worker whose lease ran out is dropped: another worker owns the message now.
  if (message.lease !== undefined) update = update.where('status', '=', 'sending').where('locked_until', '=', message.lease);
  const recorded = Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
  return recorded && dead;
}

/**
 * A member of staff asks for a failed or dead message to be tried again now (one more attempt
 * for a dead one). Returns false when the message is not failed or dead.
 */
export async function retryNow(db: DB, id: number): Promise<boolean> {
  const result = await db.updateTable('outbox').set({ status: 'queued', next_attempt_at: nowIso(), locked_until: null })
    .where('id', '=', id).where('status', 'in', ['failed', 'dead']).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An error text with every email address in it replaced: mail servers like to quote the recipient. */
export const withoutAddresses = (text: string): string => text.replace(/[^\s<>"(),;:[\]]+@[^\s<>"(),;:[\]]+/g, '[address]');

/** Messages not sent yet and still to be tried, of one kind or all (for health pages and tests). */
export async function countPending(db: DB, kind?: string): Promise<number> {
  let query = db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['queued', 'sending', 'failed']);
  if (kind !== undefined) query = query.where('kind', '=', kind);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/**
 * How many prioritised messages (priority > 0) whose idempotency key starts with `keyPrefix` are
 * in each state: an alert's delivery figures (`alert:<id>:`). A range of the key on SQLite; a
 * prefix match along the pattern index outbox_priority_keys on PostgreSQL (migration 072).
 */
export async function countPrioritisedByKeyPrefix(db: DB, keyPrefix: string): Promise<Record<OutboxStatus, number>> {
  if (!/^[a-z0-9:]+$/.test(keyPrefix)) throw new Error('A key prefix is letters, digits and colons only (no LIKE wildcards).');
  let query = db.selectFrom('outbox').select(['status', sql<number>`count(*)`.as('n')]).where('priority', '>', 0);
  query = dialectOf(db) === 'postgres'
    ? query.where('idempotency_key', 'like', `${keyPrefix}%`)
    // ';' follows ':' in byte order: [prefix, prefix with its last ':' as ';') is every key with the prefix.
    : query.where('idempotency_key', '>=', keyPrefix).where('idempotency_key', '<', `${keyPrefix.slice(0, -1)}${String.fromCharCode(keyPrefix.charCodeAt(keyPrefix.length - 1) + 1)}`);
  const rows = await query.groupBy('status').execute();
  const counts = Object.fromEntries(outboxStatuses.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** How many messages are in each state (for the staff view). */
export async function countByStatus(db: DB): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('outbox').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const counts = Object.fromEntries(outboxStatuses.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
