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
 * (The hub that fans events out to subscribers is built by the real-time work; see below.)
 */
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import { nowIso } from './time.js';

/** Topics: "case:42" (public), "staff:case:42", "staff:department:3", "staff:all". */
export const topics = {
  publicCase: (caseId: number) => `case:${caseId}`,
  staffCase: (caseId: number) => `staff:case:${caseId}`,
  department: (departmentId: number) => `staff:department:${departmentId}`,
  allStaff: 'staff:all',
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

/** Appends events; call inside the transaction of the change, as its last step. Returns their ids. */
export async function publishEvents(trx: DB, events: PublishedEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  if (!trx.isTransaction) throw new Error('publishEvents needs the transaction of the change, so the event exists only if the change was saved.');
  const postgres = dialectOf(trx) === 'postgres';
  if (postgres) await sql`select pg_advisory_xact_lock(${ORDER_LOCK})`.execute(trx);
  const at = nowIso();
  const rows = await trx.insertInto('events')
    .values(events.map((event) => ({ topic: event.topic, kind: event.kind, data: JSON.stringify(event.data), created_at: at })))
    .returning('id').execute();
  if (postgres) await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(rows[rows.length - 1]!.id)})`.execute(trx);
  return rows.map((row) => row.id);
}
