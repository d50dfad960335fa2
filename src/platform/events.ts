/**
 * The event log behind live updates. A change publishes an event in the transaction that makes
 * it, so an event exists if and only if the change was saved. Event ids are what browsers send
 * back as Last-Event-ID to hear what they missed.
 *
 * Ids must become visible in increasing order, or a reader that remembers "the last id I saw"
 * could skip an event committed late with a smaller id. On PostgreSQL a transaction-scoped
 * advisory lock orders event-writing transactions (publish last, just before commit, so it is
 * held briefly); NOTIFY (delivered at commit) wakes the other processes. SQLite has one writer.
 *
 * The hub that fans events out to subscribers (server-sent event streams) is src/live/hub.ts.
 */
import { sql } from 'kysely';
import { compiledInsertMany } from '../db/compiled.js';
import { dialectOf, type DB } from '../db/connection.js';
import { nowIso } from './time.js';

/** Topics: "case:42" (public), "staff:case:42", "staff:department:3", "staff:all". */
export const topics = {
  publicCase: (caseId: number) => `case:${caseId}`,
  staffCase: (caseId: number) => `staff:case:${caseId}`,
  department: (departmentId: number) => `staff:department:${departmentId}`,
  allStaff: 'staff:all',
  /** Public: an emergency alert was approved (its id only), so open pages show or drop its banner. */
  publicAlerts: 'alerts',
} as const;

/** The NOTIFY channel that tells other processes to read new events. */
export const EVENTS_CHANNEL = 'townhall_events';
const ORDER_LOCK = 0x7477_6e68; // "twnh": any constant shared by every process

export interface PublishedEvent {
  topic: string;
  kind: string;
  /** Never personal data: replayed to anyone allowed on the topic. */
  data: Record<string, unknown>;
}

/** Every change to a case publishes a few events in one statement: compiled once per number of events. */
const insertEventsQuery = compiledInsertMany(
  (db: DB, rows: Array<{ topic: string; kind: string; data: string; created_at: string }>) => db.insertInto('events').values(rows).returning('id'));

/** Appends events; call inside the transaction of the change, as its last step. Returns their ids. */
export async function publishEvents(trx: DB, events: PublishedEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  if (!trx.isTransaction) throw new Error('publishEvents needs the transaction of the change, so the event exists only if the change was saved.');
  const postgres = dialectOf(trx) === 'postgres';
  if (postgres) await sql`select pg_advisory_xact_lock(${ORDER_LOCK})`.execute(trx);
  const at = nowIso();
  const rows = await insertEventsQuery(trx, events.map((event) => ({ topic: event.topic, kind: event.kind, data: JSON.stringify(event.data), created_at: at })));
  if (postgres) await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(rows[rows.length - 1]!.id)})`.execute(trx);
  else nudgeListeners();
  return rows.map((row) => row.id);
}

/**
 * In-process wake-up for SQLite (one process, no NOTIFY): hubs listening here read soon after a
 * publish instead of waiting for their next poll. The transaction has not committed yet when
 * this runs, so the read is a little later; a read that comes too early is caught by the poll.
 */
const listeners = new Set<() => void>();
export function onEventsPublished(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function nudgeListeners(): void {
  if (listeners.size === 0) return;
  setTimeout(() => listeners.forEach((listener) => listener()), 2).unref();
}

/** Deletes events older than the given time (the lead schedules it: 7 days). Returns how many. */
export async function pruneEvents(db: DB, olderThan: Date | string): Promise<number> {
  const cutoff = typeof olderThan === 'string' ? olderThan : olderThan.toISOString();
  const result = await db.deleteFrom('events').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How long events are kept for Last-Event-ID replay. */
export const EVENT_RETENTION_DAYS = 7;
