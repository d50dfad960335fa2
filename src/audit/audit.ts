/**
 * The audit trail: every change to a case, service or API key is appended here in the same
 * transaction as the change. Each entry's hash covers the previous entry's hash, so editing,
 * removing or reordering any entry breaks the chain from that point on.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import { compiledOnce } from '../db/compiled.js';
import type { AuditLogRow } from '../db/schema.js';
import { currentRequest, type RequestContext } from '../platform/request-context.js';
import { nowIso } from '../platform/time.js';

export const GENESIS_HASH = '0'.repeat(64);
/** Serialises writers to the chain across every app process on PostgreSQL. */
const AUDIT_LOCK_KEY = 7_261_311;

export interface AuditEntry {
  /** Who did it: "api_key:3", "cli", "system", later "user:42". */
  actor: string;
  action: string;
  entityType: 'service_request' | 'service' | 'service_group' | 'api_key' | 'encryption_key' | 'person' | 'user' | 'department' | 'route' | 'message_template' | 'outbox_message'
    | 'application' | 'application_form' | 'application_draft' | 'application_payment'
    // settings (helper D): workflows, business calendars, response templates, routing rules
    | 'workflow' | 'business_calendar' | 'response_template' | 'routing_rule'
    // open data (issue 14): the council's publishing choices
    | 'open_data_settings'
    // licences (issue 12, part B)
    | 'licence' | 'licence_signing_key' | 'licence_register'
    // catalogue as code, history imports, webhooks (issue 13)
    | 'catalogue' | 'case_import' | 'webhook_subscription' | 'webhook_delivery'
    // published performance (issue 14)
    | 'performance_costs'
    // incidents and surge flags (issue 15)
    | 'incident' | 'incident_task' | 'surge_flag'
    /** Emergency alert subscriptions (src/alerts/subscriptions.ts). */
    | 'alert_subscription'
    // emergency alerts (issue 15)
    | 'alert';
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Appends one entry. Must be called inside the transaction that makes the change. */
/** Every change to a case appends an entry: both statements are compiled once. */
const lastEntry = compiledOnce((db: DB) => db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1));
const insertEntry = compiledOnce((db: DB, seq: number, at: string, actor: string, action: string, entityType: string, entityId: string,
  before: string | null, after: string | null, prevHash: string, context: string | null, hash: string) => db.insertInto('audit_log').values({
  seq, at, actor, action, entity_type: entityType, entity_id: entityId, before, after, prev_hash: prevHash, context, hash,
}));

export async function appendAudit(trx: DB, entry: AuditEntry): Promise<void> {
  if (dialectOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const [last] = await lastEntry(trx);
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: nowIso(),
    actor: entry.actor,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    prev_hash: last?.hash ?? GENESIS_HASH,
    context: contextOf(currentRequest()),
  };
  await insertEntry(trx, row.seq, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.before, row.after, row.prev_hash, row.context, entryHash(row));
}

/** Which request made the change, when a request did (not the CLI or a scheduled job). */
const contextOf = (request: RequestContext | undefined) => (request ? JSON.stringify({ request_id: request.requestId, address: request.address }) : null);

export function entryHash(row: Omit<AuditLogRow, 'hash'>): string {
  const fields: unknown[] = [row.seq, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.before, row.after];
  // Entries written before the context was kept hash as they always did.
  if (row.context !== null) fields.push(row.context);
  const content = JSON.stringify(fields);
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

export type VerifyResult =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; firstBadSeq: number; problem: string };

export interface VerifyOptions {
  batchSize?: number;
  /** An entry and hash recorded earlier, outside the database: the chain must still hold it. */
  anchor?: { seq: number; hash: string };
}

/** Walks the whole chain in order and names the first entry that does not check out. */
export async function verifyAuditChain(db: DB, options: VerifyOptions = {}): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 5000;
  const anchor = options.anchor;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq)
      .orderBy('seq').limit(batchSize).execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return fail(expectedSeq, `entry ${expectedSeq} is missing: entries ${expectedSeq}–${row.seq - 1} were removed`);
      }
      if (row.prev_hash !== prevHash) {
        return fail(row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1}: entries were reordered or replaced, or entry ${row.seq - 1} was edited and its hash recomputed`);
      }
      if (entryHash(row) !== row.hash) {
        return fail(row.seq, `entry ${row.seq} (${row.action} on ${row.entity_type} ${row.entity_id}) was edited after it was written`);
      }
      if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash) {
        return fail(row.seq, `entry ${row.seq} is not the one anchored: the trail was rewritten from here or earlier`);
      }
      prevHash = row.hash;
      expectedSeq++;
    }
    if (rows.length < batchSize) {
      if (anchor && expectedSeq - 1 < anchor.seq) {
        return fail(expectedSeq, `the trail ends at entry ${expectedSeq - 1}, but entry ${anchor.seq} was anchored: entries ${expectedSeq}–${anchor.seq} were cut from the end`);
      }
      return { ok: true, entries: expectedSeq - 1, lastHash: prevHash };
    }
  }
  function fail(firstBadSeq: number, problem: string): VerifyResult {
    return { ok: false, entries: expectedSeq - 1, firstBadSeq, problem };
  }
}

/**
 * The entry a case action wrote (its `after` names the action's id), among the case's latest
 * entries: what the case was just before that action, which an undo puts back.
 */
export async function caseActionEntry(db: DB, caseId: number, actionId: number): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> } | undefined> {
  const rows = await db.selectFrom('audit_log').select(['before', 'after'])
    .where('entity_type', '=', 'service_request').where('entity_id', '=', String(caseId))
    .orderBy('seq', 'desc').limit(50).execute();
  for (const row of rows) {
    const after = row.after ? JSON.parse(row.after) as Record<string, unknown> : null;
    if (after && after.action_id === actionId && row.before) return { before: JSON.parse(row.before) as Record<string, unknown>, after };
  }
  return undefined;
}

/** One entity's entries of one kind, oldest first (at most `limit`): what a page shows of them. */
export async function auditEntriesOf(db: DB, entityType: string, entityId: string, action: string, limit = 50): Promise<Array<{ at: string; actor: string; after: Record<string, unknown> | null }>> {
  const rows = await db.selectFrom('audit_log').select(['at', 'actor', 'after'])
    .where('entity_type', '=', entityType).where('entity_id', '=', entityId).where('action', '=', action)
    .orderBy('seq').limit(limit).execute();
  return rows.map((row) => ({ at: row.at, actor: row.actor, after: row.after ? JSON.parse(row.after) as Record<string, unknown> : null }));
}
