/**
 * Cases forwarded to an outside Open311 back office (client mode, issue 13): the case layer's
 * side. A forwarded service's new case queues one outbox message (`FORWARD_MESSAGE_KIND`, keyed
 * by the case, in the submission's transaction: submit.ts); once the back office has taken it,
 * `recordForwarded` keeps its id for the case (`case_forwards`, owned here) with an appended
 * internal action and an audit entry; the back office's updates come back through
 * `applyBackOfficeUpdate`, each applied once however often it is fetched, in both directions (a
 * case the back office closes closes here; one it reopens opens here again), as appended public
 * status updates with the back office as the actor.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { CaseChangeDeps } from '../notifications/case-updates.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { applyStatusUpdate } from './outside-updates.js';
import * as store from './store.js';
import type { PublicStatus } from './types.js';

/** The outbox kind of a case waiting to be sent to its back office. */
export const FORWARD_MESSAGE_KIND = 'open311_forward';
/** The outbox idempotency key of a case's forwarding: one message per case, ever. */
export const forwardMessageKey = (caseId: number) => `forward:${caseId}`;

export interface ForwardMessage {
  caseId: number;
  jurisdictionId: string;
}

export function readForwardMessage(payload: unknown): ForwardMessage {
  const p = payload as Partial<ForwardMessage> | null;
  if (!p || typeof p.caseId !== 'number' || typeof p.jurisdictionId !== 'string') throw new Error('A forwarding message without its case: it cannot be sent.');
  return { caseId: p.caseId, jurisdictionId: p.jurisdictionId };
}

export interface CaseForward {
  caseId: number;
  backOffice: string;
  endpointUrl: string;
  externalId: string | null;
  token: string | null;
  sentAt: string;
  remoteUpdatedAt: string | null;
  lastFetchedAt: string | null;
  lastFetchError: string | null;
  /** The back office's public status last seen for the case (null: not seen since this was kept). */
  remoteStatus: PublicStatus | null;
}

type ForwardRow = { case_id: number; back_office: string; endpoint_url: string; external_id: string | null; token: string | null; sent_at: string; remote_updated_at: string | null; last_fetched_at: string | null; last_fetch_error: string | null; remote_status: PublicStatus | null };
const fromRow = (r: ForwardRow): CaseForward => ({
  caseId: r.case_id, backOffice: r.back_office, endpointUrl: r.endpoint_url, externalId: r.external_id, token: r.token, sentAt: r.sent_at,
  remoteUpdatedAt: r.remote_updated_at, lastFetchedAt: r.last_fetched_at, lastFetchError: r.last_fetch_error, remoteStatus: r.remote_status,
});

/** Where a case stands with its back office, for the staff case page. */
export interface ForwardingStatus {
  /** Present once the back office has taken the case. */
  forward: CaseForward | null;
  /** The outbox message that sends it, while there is one. */
  message: { status: 'queued' | 'sending' | 'sent' | 'failed' | 'dead'; attempts: number; nextAttemptAt: string | null; lastError: string | null } | null;
}

export async function forwardingStatus(db: DB, caseId: number): Promise<ForwardingStatus | null> {
  const row = await db.selectFrom('case_forwards').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  const message = await db.selectFrom('outbox').select(['status', 'attempts', 'next_attempt_at', 'last_error']).where('idempotency_key', '=', forwardMessageKey(caseId)).executeTakeFirst();
  if (!row && !message) return null;
  return {
    forward: row ? fromRow(row) : null,
    message: message ? { status: message.status, attempts: message.attempts, nextAttemptAt: message.next_attempt_at, lastError: message.last_error } : null,
  };
}

export async function findForward(db: DB, caseId: number): Promise<CaseForward | null> {
  const row = await db.selectFrom('case_forwards').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * Keeps the back office's id for a case it has taken, with an internal action and an audit
 * entry, in one transaction. A second call for the same case changes nothing (returns false).
 */
export async function recordForwarded(db: DB, forward: { caseId: number; jurisdictionId: string; backOffice: string; endpointUrl: string; externalId: string | null; token: string | null }, actor: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const current = await store.findCase(trx, forward.jurisdictionId, forward.caseId);
    if (!current) return false;
    const at = nowIso();
    const inserted = await trx.insertInto('case_forwards').values({
      case_id: forward.caseId, back_office: forward.backOffice, endpoint_url: forward.endpointUrl, external_id: forward.externalId, token: forward.token,
      sent_at: at, remote_updated_at: null, last_fetched_at: null, last_fetch_error: null,
    }).onConflict((oc) => oc.column('case_id').doNothing()).returning('case_id').execute();
    if (inserted.length === 0) return false;
    const details = { backOffice: forward.backOffice, externalId: forward.externalId, token: forward.token };
    const actionId = await store.insertAction(trx, {
      caseId: forward.caseId, action: 'forwarded', actor, idempotencyKey: `forwarded:${forward.caseId}`, status: null, state: null,
      description: null, mediaUrl: null, details, isPublic: false, at,
    });
    await appendAudit(trx, { actor, action: 'service_request.forwarded', entityType: 'service_request', entityId: String(forward.caseId), after: { ...details, endpointUrl: forward.endpointUrl, action_id: actionId } });
    return true;
  });
}

/** The back office's id, learned later from its token (it answered with a token only). */
export async function recordExternalId(db: DB, caseId: number, externalId: string): Promise<void> {
  await db.updateTable('case_forwards').set({ external_id: externalId }).where('case_id', '=', caseId).where('external_id', 'is', null).execute();
}

/** When the updates of these cases were last fetched, and what went wrong if it failed. */
export async function recordFetched(db: DB, caseIds: readonly number[], at: string, error: string | null): Promise<void> {
  for (let start = 0; start < caseIds.length; start += 500) {
    await db.updateTable('case_forwards').set({ last_fetched_at: at, last_fetch_error: error?.slice(0, 500) ?? null }).where('case_id', 'in', caseIds.slice(start, start + 500)).execute();
  }
}

/**
 * How long after a forwarded case closed here its back office is still asked about it: a back
 * office may reopen a case (the work was not done), and that is brought back within this time.
 */
export const REOPEN_WATCH_DAYS = 30;

/** A forwarded case whose back office is asked about it, with what residents see of it now. */
export interface WatchedForward extends CaseForward {
  status: PublicStatus;
  statusNotes: string | null;
}

const watchedSince = () => new Date(Date.now() - REOPEN_WATCH_DAYS * 86_400_000).toISOString();

/** Cases sent to this back office that are open here, or closed here within REOPEN_WATCH_DAYS (the ones whose updates are fetched). */
export async function watchedForwardedCases(db: DB, jurisdictionId: string, endpointUrl: string): Promise<WatchedForward[]> {
  const rows = await db.selectFrom('case_forwards').innerJoin('cases', 'cases.id', 'case_forwards.case_id').selectAll('case_forwards').select(['cases.status', 'cases.status_notes'])
    .where('case_forwards.endpoint_url', '=', endpointUrl).where('cases.jurisdiction_id', '=', jurisdictionId)
    .where((eb) => eb.or([eb('cases.status', '=', 'open'), eb('cases.closed_at', '>=', watchedSince())]))
    .orderBy('case_forwards.case_id').execute();
  return rows.map((r) => ({ ...fromRow(r), status: r.status as PublicStatus, statusNotes: r.status_notes }));
}

/** What was last seen of a case at its back office: its updated_datetime and its public status. */
export async function recordRemoteSeen(db: DB, caseId: number, seen: { updatedAt: string | null; status: PublicStatus }): Promise<void> {
  await db.updateTable('case_forwards').set({ remote_status: seen.status, ...(seen.updatedAt !== null ? { remote_updated_at: seen.updatedAt } : {}) }).where('case_id', '=', caseId).execute();
}

/** The back offices with forwarded cases of this council to ask about (one fetch round each). */
export async function backOfficesToWatch(db: DB, jurisdictionId: string): Promise<Array<{ endpointUrl: string; earliestSentAt: string }>> {
  const rows = await db.selectFrom('case_forwards').innerJoin('cases', 'cases.id', 'case_forwards.case_id')
    .select(['case_forwards.endpoint_url as endpointUrl', (eb) => eb.fn.min('case_forwards.sent_at').as('earliestSentAt')])
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .where((eb) => eb.or([eb('cases.status', '=', 'open'), eb('cases.closed_at', '>=', watchedSince())]))
    .groupBy('case_forwards.endpoint_url').execute();
  return rows.map((r) => ({ endpointUrl: r.endpointUrl, earliestSentAt: String(r.earliestSentAt) }));
}

/** An update fetched from a back office, in its own words. */
export interface BackOfficeUpdate {
  /** Unique for this case at this back office (its update_id, or its updated_datetime). */
  remoteUpdateId: string;
  status: PublicStatus;
  state: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
}

/**
 * Applies a back office's update to a forwarded case as an appended public status update
 * (audited, residents told, through `applyStatusUpdate`). An update seen before is not applied
 * again: returns false.
 */
export async function applyBackOfficeUpdate(db: DB, jurisdictionId: string, forward: CaseForward, update: BackOfficeUpdate, notify: CaseChangeDeps, timeZone: string): Promise<boolean> {
  // The back office's clock may run ahead of ours: an update is never dated in our future.
  const now = nowIso();
  const updatedAt = update.updatedAt > now ? now : update.updatedAt;
  try {
    // A retried update id gives back the first answer (replayed), and changes nothing.
    const answer = await applyStatusUpdate(db, jurisdictionId, {
      updateId: `forward:${forward.caseId}:${update.remoteUpdateId}`.slice(0, 300), requestId: String(forward.caseId),
      status: update.status, state: update.state, updatedAt, description: update.description, mediaUrl: update.mediaUrl,
    }, { id: `back_office:${forward.backOffice}`.slice(0, 120) }, notify, timeZone);
    return !answer.replayed;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'conflict') return false;
    throw error;
  }
}
