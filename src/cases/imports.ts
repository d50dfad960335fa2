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
import { keepClocksInStep, planCaseWorkflow, startCaseWorkflow, startPlannedClocks, type CaseContext, type PlannedStart } from './lifecycle.js';
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

/**
 * created: new cases; updated: cases brought in line with a newer source row; unchanged: the
 * source row says what the case says; kept: the source row differs but is not newer than the
 * case's last change (a change made here since wins); concurrent: of the created or compared,
 * the cases another import running at the same moment had just made (found, not made twice).
 */
export interface BatchCounts { created: number; updated: number; unchanged: number; kept: number; concurrent: number }

/**
 * The columns the source owns: an import sets them, and a newer source row sets them again.
 * Everything else (department, assignee, priority, the workflow's state while the status stays,
 * due time, internal notes, the history of actions) is Townhall's once the case is here. The
 * closing note and time are the source's only for a closed row.
 */
function columnsOf(row: ImportedCase, agencyFallback: string | null) {
  return {
    service_code: row.serviceCode,
    description: row.description,
    lat: row.lat,
    long: row.long,
    address_string: row.addressString,
    zipcode: row.zipcode,
    status: row.status,
    agency_responsible: row.agencyResponsible ?? agencyFallback,
    channel: row.channel,
    requested_at: row.requestedAt,
    updated_at: row.updatedAt,
    ...(row.status === 'closed' ? { status_notes: row.statusNotes, closed_at: row.closedAt } : {}),
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

export interface ImportContext {
  actor: string;
  importId: number;
  /** Each service's usual days (for the expected date, as submitCase sets it) and agency; every row's service is in it. */
  services: Map<string, { expectedDays: number | null; agencyResponsible: string | null }>;
  /** The council's time zone: the working day of due times for departments without a calendar. */
  timeZone: string;
}

/**
 * Writes one batch of imported cases in the caller's transaction. A case not seen before is made
 * (an open one routed like a new case: its department from the service's routing, its workflow's
 * first state, assignee and clocks, counted from when it was first reported; nobody is told). A
 * case made by an earlier import (or, at the same moment, by another one: the insert skips an
 * external id that is taken) is brought in line with its source row only when that row is newer
 * than the case's last change, and then only in the columns the source owns.
 */
export async function importCaseBatch(trx: DB, jurisdictionId: string, rows: ImportedCase[], context: ImportContext): Promise<BatchCounts> {
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0, kept: 0, concurrent: 0 };
  if (rows.length === 0) return counts;
  const existing = await storedCases(trx, jurisdictionId, rows.map((r) => r.externalId));
  const lifecycle = { jurisdictionId, timeZone: context.timeZone };

  const compare: ImportedCase[] = [];
  const fresh: ImportedCase[] = [];
  for (const row of rows) (existing.has(row.externalId) ? compare : fresh).push(row);

  for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
    const chunk = fresh.slice(i, i + ROWS_PER_INSERT);
    const plans = new Map<string, PlannedStart>();
    const values: NewCase[] = [];
    for (const row of chunk) {
      const service = context.services.get(row.serviceCode);
      const days = service?.expectedDays ?? null;
      const planned = row.status === 'open' ? await planCaseWorkflow(trx, lifecycle, { service_code: row.serviceCode, lat: row.lat, long: row.long, requested_at: row.requestedAt }) : null;
      if (planned) plans.set(row.externalId, planned);
      const routed = planned?.columns;
      values.push({
        jurisdiction_id: jurisdictionId, kind: 'service_request', ...columnsOf(row, service?.agencyResponsible ?? null),
        state: row.status === 'closed' ? 'closed' : routed?.state ?? 'submitted',
        status_notes: row.status === 'closed' ? row.statusNotes : null, closed_at: row.status === 'closed' ? row.closedAt : null,
        address_id: null, attributes: '{}', media_urls: '[]', token: randomUUID(),
        expected_at: days === null ? null : addDays(row.requestedAt, days), api_key_id: null, external_id: row.externalId,
        // Every row gives the same columns (one statement for the chunk).
        workflow_version_id: routed?.workflow_version_id ?? null, department_id: routed?.department_id ?? null,
        assigned_user_id: routed?.assigned_user_id ?? null, priority: routed?.priority ?? 'normal', due_at: routed?.due_at ?? null,
      });
    }
    const inserted = await store.insertCaseRowsOrSkip(trx, values);
    const idOf = new Map(inserted.map((r) => [r.external_id, r.id]));
    const actions: store.ActionInsert[] = [];
    const skipped: ImportedCase[] = [];
    for (const row of chunk) {
      const caseId = idOf.get(row.externalId);
      // Another import made this case a moment ago (its transaction committed first): compared below, not made twice.
      if (caseId === undefined) { skipped.push(row); continue; }
      const planned = plans.get(row.externalId);
      if (planned) await startPlannedClocks(trx, caseId, planned);
      else if (row.status === 'open') await startCaseWorkflow(trx, lifecycle, caseId);
      actions.push({ case_id: caseId, action: 'submitted', actor: context.actor, idempotency_key: null, status: 'open', state: 'submitted', description: null, media_url: null,
        details: JSON.stringify({ channel: row.channel, import: context.importId }), public: 1, created_at: row.requestedAt });
      if (row.status === 'closed' && row.closedAt) {
        actions.push({ case_id: caseId, action: 'status_update', actor: context.actor, idempotency_key: null, status: 'closed', state: 'closed', description: row.statusNotes,
          media_url: null, details: JSON.stringify({ import: context.importId }), public: 1, created_at: row.closedAt });
      }
    }
    for (let a = 0; a < actions.length; a += ROWS_PER_INSERT) await store.insertActionRows(trx, actions.slice(a, a + ROWS_PER_INSERT));
    counts.created += chunk.length - skipped.length;
    if (skipped.length > 0) {
      counts.concurrent += skipped.length;
      for (const [id, row] of await storedCases(trx, jurisdictionId, skipped.map((r) => r.externalId))) existing.set(id, row);
      compare.push(...skipped);
    }
  }

  for (const row of compare) {
    const stored = existing.get(row.externalId);
    if (!stored) throw new Error(`The case with external id "${row.externalId}" was neither made nor found.`);
    const outcome = await updateFromSource(trx, lifecycle, stored, row, context);
    counts[outcome]++;
  }
  return counts;
}

async function storedCases(trx: DB, jurisdictionId: string, externalIds: string[]): Promise<Map<string, CaseRow>> {
  const found = new Map<string, CaseRow>();
  for (let i = 0; i < externalIds.length; i += ROWS_PER_INSERT * 2) {
    for (const row of await store.casesByExternalIds(trx, jurisdictionId, externalIds.slice(i, i + ROWS_PER_INSERT * 2))) found.set(row.external_id!, row);
  }
  return found;
}

/** A source row for a case already here: applied (only the source's columns) when it is newer than the case's last change. */
async function updateFromSource(trx: DB, lifecycle: CaseContext, stored: CaseRow, row: ImportedCase, context: ImportContext): Promise<'updated' | 'unchanged' | 'kept'> {
  const changed = changedColumns(stored, columnsOf(row, context.services.get(row.serviceCode)?.agencyResponsible ?? null));
  if (Object.keys(changed).length === 0) return 'unchanged';
  // What wins: the later change. A case changed here after the source row's date keeps what it has.
  if (Date.parse(row.updatedAt) <= Date.parse(stored.updated_at)) return 'kept';
  const statusChanged = changed.status !== undefined;
  const update: CaseUpdate = { ...changed };
  if (statusChanged) {
    update.state = row.status === 'closed' ? 'closed' : 'submitted';
    if (row.status === 'open') { update.closed_at = null; update.status_notes = null; }
  }
  const after = await store.updateCase(trx, stored.id, update);
  if (statusChanged) {
    // Reopened by its source and never routed (it was imported closed): routed now, as a new case would be.
    if (row.status === 'open' && stored.workflow_version_id === null) await startCaseWorkflow(trx, lifecycle, stored.id, { current: after });
    else await keepClocksInStep(trx, lifecycle, stored, after, row.updatedAt);
  }
  await store.insertAction(trx, {
    caseId: stored.id, action: statusChanged ? 'status_update' : 'imported_update', actor: context.actor, idempotencyKey: null,
    status: statusChanged ? row.status : null, state: statusChanged ? (row.status === 'closed' ? 'closed' : 'submitted') : null,
    description: statusChanged && row.status === 'closed' ? row.statusNotes : null, mediaUrl: null,
    details: { import: context.importId, changed: Object.keys(changed) }, isPublic: statusChanged,
    at: row.status === 'closed' && statusChanged && row.closedAt ? row.closedAt : row.updatedAt,
  });
  return 'updated';
}
