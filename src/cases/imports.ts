/**
 * Cases from a council's earlier system, written in bulk (`townhall import requests`): the case
 * module stays the only writer of `cases` and `case_actions`. Each imported case keeps its
 * external id (one case per id in a jurisdiction), its own dates, status and closing note; its
 * workflow is not started and nobody is told (no outbox message, no live event), as for the
 * demo's history through submitCase. A batch is one call in the caller's transaction: a case
 * not seen before is made, one whose source row changed is brought in line with it (with an
 * action saying so), and one unchanged is left alone, so a re-run changes nothing. The caller
 * audits the import as one entry.
 */
import { randomUUID } from 'node:crypto';
import type { DB } from '../db/connection.js';
import type { CaseRow, CaseUpdate, NewCase } from '../db/schema.js';
import { addDays } from '../platform/time.js';
import * as store from './store.js';
import type { Channel, PublicStatus } from './types.js';

/** One case as the source gives it, already mapped and checked by the import. */
export interface ImportedCase {
  externalId: string;
  serviceCode: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  zipcode: string | null;
  status: PublicStatus;
  statusNotes: string | null;
  agencyResponsible: string | null;
  channel: Channel;
  /** ISO 8601 UTC instants. */
  requestedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface BatchCounts { created: number; updated: number; unchanged: number }

/** The columns an import sets, from the source's values; the ones compared on a re-run. */
function columnsOf(row: ImportedCase, agencyFallback: string | null) {
  return {
    service_code: row.serviceCode,
    description: row.description,
    lat: row.lat,
    long: row.long,
    address_string: row.addressString,
    zipcode: row.zipcode,
    status: row.status,
    state: row.status === 'closed' ? 'closed' : 'submitted',
    status_notes: row.status === 'closed' ? row.statusNotes : null,
    agency_responsible: row.agencyResponsible ?? agencyFallback,
    channel: row.channel,
    requested_at: row.requestedAt,
    updated_at: row.updatedAt,
    closed_at: row.status === 'closed' ? row.closedAt : null,
  } satisfies CaseUpdate;
}

type Columns = ReturnType<typeof columnsOf>;
const TIMES = new Set(['requested_at', 'updated_at', 'closed_at']);

/** The columns whose stored value differs from the source's (times compared as instants: PostgreSQL writes them its own way). */
function changedColumns(stored: CaseRow, wanted: Columns): Partial<Columns> {
  const changed: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(wanted)) {
    const now = stored[column as keyof CaseRow];
    const same = TIMES.has(column) && typeof now === 'string' && typeof value === 'string' ? Date.parse(now) === Date.parse(value) : now === value;
    if (!same) changed[column] = value;
  }
  return changed as Partial<Columns>;
}

/** Rows per INSERT: well under both databases' limits on bound values (SQLite 32,766; PostgreSQL 65,535). */
const ROWS_PER_INSERT = 200;

/**
 * Writes one batch of imported cases in the caller's transaction. `services` gives each service's
 * usual days (for the expected date, as submitCase sets it) and agency; every row's service must
 * be in it (the import checks that first).
 */
export async function importCaseBatch(trx: DB, jurisdictionId: string, rows: ImportedCase[], context: {
  actor: string; importId: number; services: Map<string, { expectedDays: number | null; agencyResponsible: string | null }>;
}): Promise<BatchCounts> {
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  if (rows.length === 0) return counts;
  const existing = new Map<string, CaseRow>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT * 2) {
    const ids = rows.slice(i, i + ROWS_PER_INSERT * 2).map((r) => r.externalId);
    for (const row of await store.casesByExternalIds(trx, jurisdictionId, ids)) existing.set(row.external_id!, row);
  }

  const fresh: ImportedCase[] = [];
  for (const row of rows) {
    const stored = existing.get(row.externalId);
    if (!stored) { fresh.push(row); continue; }
    const changed = changedColumns(stored, columnsOf(row, context.services.get(row.serviceCode)?.agencyResponsible ?? null));
    if (Object.keys(changed).length === 0) { counts.unchanged++; continue; }
    await store.setCaseColumns(trx, stored.id, changed);
    const statusChanged = changed.status !== undefined;
    await store.insertAction(trx, {
      caseId: stored.id, action: statusChanged ? 'status_update' : 'imported_update', actor: context.actor, idempotencyKey: null,
      status: statusChanged ? row.status : null, state: statusChanged ? (row.status === 'closed' ? 'closed' : 'submitted') : null,
      description: statusChanged && row.status === 'closed' ? row.statusNotes : null, mediaUrl: null,
      details: { import: context.importId, changed: Object.keys(changed) }, isPublic: statusChanged,
      at: row.status === 'closed' && statusChanged && row.closedAt ? row.closedAt : row.updatedAt,
    });
    counts.updated++;
  }

  for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
    const chunk = fresh.slice(i, i + ROWS_PER_INSERT);
    const values: NewCase[] = chunk.map((row) => {
      const service = context.services.get(row.serviceCode);
      const days = service?.expectedDays ?? null;
      return {
        jurisdiction_id: jurisdictionId, kind: 'service_request', ...columnsOf(row, service?.agencyResponsible ?? null),
        address_id: null, attributes: '{}', media_urls: '[]', token: randomUUID(),
        expected_at: days === null ? null : addDays(row.requestedAt, days), api_key_id: null, external_id: row.externalId,
      };
    });
    const inserted = await store.insertCaseRows(trx, values);
    const idOf = new Map(inserted.map((r) => [r.external_id, r.id]));
    const actions: store.ActionInsert[] = [];
    for (const row of chunk) {
      const caseId = idOf.get(row.externalId)!;
      actions.push({ case_id: caseId, action: 'submitted', actor: context.actor, idempotency_key: null, status: 'open', state: 'submitted', description: null, media_url: null,
        details: JSON.stringify({ channel: row.channel, import: context.importId }), public: 1, created_at: row.requestedAt });
      if (row.status === 'closed' && row.closedAt) {
        actions.push({ case_id: caseId, action: 'status_update', actor: context.actor, idempotency_key: null, status: 'closed', state: 'closed', description: row.statusNotes,
          media_url: null, details: JSON.stringify({ import: context.importId }), public: 1, created_at: row.closedAt });
      }
    }
    for (let a = 0; a < actions.length; a += ROWS_PER_INSERT) await store.insertActionRows(trx, actions.slice(a, a + ROWS_PER_INSERT));
    counts.created += chunk.length;
  }
  return counts;
}
