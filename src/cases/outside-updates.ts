/**
 * Changes that come from outside the staff workspace: an Open311 back office's status update,
 * and a resident reopening a closed case. Each is an appended public action with the case's new
 * state and an audit entry, in one transaction, with the workflow's side kept in step.
 */
import { parseId } from '../platform/ids.js';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { caseChanged, type CaseChangeDeps } from '../notifications/case-updates.js';
import { conflict, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { isTrainingJurisdiction } from '../training/space.js';
import { followOutsideChange } from './lifecycle.js';
import * as store from './store.js';
import { reporterToTell } from './reporters.js';
import { guestFollowersToTell } from './guest-followers.js';
import type { Actor, PublicStatus } from './types.js';

/** What the audit trail keeps of a case: its public fields and who works it, never the reporter's details. */
const publicAuditView = store.auditViewOfCase;

export interface StatusUpdate {
  /** The back office's own id for this update: applied once, a repeat is refused. */
  updateId: string;
  requestId: string;
  status: PublicStatus;
  /** The detailed state, e.g. "action_scheduled", "fixed", "duplicate". */
  state: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
}

/** An update as Townhall lists it: the same fields, with Townhall's own update id. */
export type AppliedUpdate = StatusUpdate;

/**
 * Applies a status update from an outside system (an Open311 back office) as an appended action.
 * The update is public, so the reporter and followers are emailed about it (in the same transaction).
 */
export async function applyStatusUpdate(db: DB, jurisdictionId: string, update: StatusUpdate, actor: Actor, notify: CaseChangeDeps, timeZone = 'UTC'): Promise<AppliedUpdate> {
  const idempotencyKey = `open311-update:${update.updateId}`;
  return db.transaction().execute(async (trx) => {
    const caseId = parseId(update.requestId);
    const current = caseId !== null ? await store.findCase(trx, jurisdictionId, caseId) : undefined;
    if (!current) throw notFound(`There is no service request with id "${update.requestId}".`);
    if (await store.actionByIdempotencyKey(trx, idempotencyKey)) throw conflict(`The update with update_id "${update.updateId}" was already received; it was not applied again.`);
    const receivedAt = nowIso();
    const changes = {
      status: update.status,
      state: update.state,
      status_notes: update.description ?? current.status_notes,
      // The back office's time of its latest update: for a closed request, when it was closed.
      updated_at: update.updatedAt,
      closed_at: update.status === 'closed' ? (current.status === 'closed' ? current.closed_at : update.updatedAt) : null,
    };
    const actionId = await store.insertAction(trx, {
      caseId: current.id, action: 'status_update', actor: actor.id, idempotencyKey, status: update.status, state: update.state,
      description: update.description, mediaUrl: update.mediaUrl, details: { updateId: update.updateId, receivedAt }, isPublic: true, at: update.updatedAt,
    });
    const after = await store.updateCase(trx, current.id, changes);
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.status_updated', entityType: 'service_request', entityId: String(current.id),
      before: publicAuditView(current), after: { ...publicAuditView(after), action_id: actionId, update_id: update.updateId },
    });
    // Practice cases never reach residents.
    if (!isTrainingJurisdiction(jurisdictionId)) await caseChanged(trx, notify, { caseId: current.id, actionId, serviceName: current.service_name, service: { jurisdictionId: current.jurisdiction_id, code: current.service_code }, closed: update.status === 'closed', note: update.description, reporter: await reporterToTell(trx, notify.keyring, current.id), guests: await guestFollowersToTell(trx, notify.keyring, current.id) });
    await followOutsideChange(trx, { jurisdictionId, timeZone }, current, after, 'status_update');
    return { ...update, updateId: String(actionId) };
  });
}

/**
 * Reopens a closed case for staff to look at again (the reporter says the problem is not fixed):
 * an appended public action, the case's new state and an audit entry, in the caller's
 * transaction when there is one. The reason given is public; keep personal details out of it.
 */
export async function reopenCase(db: DB, jurisdictionId: string, caseId: number, reopening: { description: string; details: Record<string, unknown> }, actor: Actor, timeZone = 'UTC'): Promise<void> {
  const run = async (trx: DB) => {
    const current = await store.findCase(trx, jurisdictionId, caseId);
    if (!current) throw notFound(`There is no service request with id "${caseId}".`);
    if (current.status !== 'closed') throw conflict(`Service request ${caseId} is not closed, so it cannot be reopened.`);
    const at = nowIso();
    const actionId = await store.insertAction(trx, {
      caseId, action: 'reopened', actor: actor.id, idempotencyKey: null, status: 'open', state: 'reopened',
      description: reopening.description, mediaUrl: null, details: reopening.details, isPublic: true, at,
    });
    const after = await store.updateCase(trx, caseId, { status: 'open', state: 'reopened', status_notes: reopening.description, closed_at: null, updated_at: at, merged_into: null });
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.reopened', entityType: 'service_request', entityId: String(caseId),
      before: publicAuditView(current), after: { ...publicAuditView(after), action_id: actionId },
    });
    await followOutsideChange(trx, { jurisdictionId, timeZone }, current, after, 'reopened');
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
}
