/**
 * Changes that come from outside the staff workspace: an Open311 back office's status update,
 * and a resident reopening a closed case. Each is an appended public action with the case's new
 * state and an audit entry, in one transaction, with the workflow's side kept in step.
 */
import { parseId } from '../platform/ids.js';
import { appendAudit } from '../audit/audit.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { sha256Hex } from '../platform/crypto.js';
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
  /** The back office's own id for this update: applied once; sent again, it gets the first answer. */
  updateId: string;
  requestId: string;
  status: PublicStatus;
  /** The detailed state as the back office named it, e.g. "action_scheduled", "fixed", "for_triage": listed back as sent. */
  state: string;
  /** The case state it sets, when not the same word (FOR_TRIAGE sets "submitted"). */
  caseState?: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
  /** Every photo address sent with it (the first is also mediaUrl). */
  mediaUrls?: string[];
  /** What the sender added that Townhall has no field for (attribute codes the council keeps), kept in the action's details for staff. */
  extra?: Record<string, unknown>;
}

/** An update as Townhall lists it: the same fields, with Townhall's own update id. */
export interface AppliedUpdate {
  updateId: string;
  requestId: string;
  status: PublicStatus;
  state: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
}

/** The answer to an update: Townhall's id for it, and whether this was a retry answered from the first time. */
export type UpdateAnswer = AppliedUpdate & { replayed: boolean };

/** What identifies an update's content, so a retry can be told from a different update under the same id. */
function fingerprintOf(kind: string, update: StatusUpdate): string {
  return sha256Hex(JSON.stringify([kind, update.requestId, update.state, update.updatedAt, update.description, update.mediaUrls ?? (update.mediaUrl ? [update.mediaUrl] : []), update.extra ?? {}]));
}

/**
 * An update id seen before: the same update again gets the first answer (the sender lost it and
 * retried); a different update under the same id is refused, and nothing changes.
 */
async function answerRetry(db: DB, idempotencyKey: string, fingerprint: string, update: StatusUpdate): Promise<UpdateAnswer | undefined> {
  const earlier = await store.actionByIdempotencyKey(db, idempotencyKey);
  if (!earlier) return undefined;
  let details: { fingerprint?: unknown } = {};
  try { details = JSON.parse(earlier.details) as { fingerprint?: unknown }; } catch { /* an unreadable detail is not the same update */ }
  if (details.fingerprint !== fingerprint) {
    throw conflict(`The update with update_id "${update.updateId}" was already received with different content; it was not applied again. Send a new update_id for a new update.`);
  }
  return { ...appliedView(update), updateId: String(earlier.id), replayed: true };
}

const appliedView = (update: StatusUpdate): AppliedUpdate => ({
  updateId: update.updateId, requestId: update.requestId, status: update.status, state: update.state, updatedAt: update.updatedAt, description: update.description, mediaUrl: update.mediaUrl,
});

/**
 * Runs an idempotent outside change: a retry is answered from the first time, and two copies
 * arriving at once leave one action (the second fails on the action's key and is answered
 * from the first).
 */
async function once(db: DB, idempotencyKey: string, fingerprint: string, update: StatusUpdate, apply: (trx: DB) => Promise<UpdateAnswer>): Promise<UpdateAnswer> {
  try {
    return await db.transaction().execute(async (trx) => (await answerRetry(trx, idempotencyKey, fingerprint, update)) ?? apply(trx));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const answer = await answerRetry(db, idempotencyKey, fingerprint, update);
    if (!answer) throw error;
    return answer;
  }
}

/**
 * Applies a status update from an outside system (an Open311 back office) as an appended action.
 * The update is public, so the reporter and followers are emailed about it (in the same transaction).
 */
export async function applyStatusUpdate(db: DB, jurisdictionId: string, update: StatusUpdate, actor: Actor, notify: CaseChangeDeps, timeZone = 'UTC'): Promise<UpdateAnswer> {
  const idempotencyKey = `open311-update:${update.updateId}`;
  const fingerprint = fingerprintOf('status_update', update);
  const caseId = parseId(update.requestId);
  return once(db, idempotencyKey, fingerprint, update, async (trx) => {
    const current = caseId !== null ? await store.findCase(trx, jurisdictionId, caseId) : undefined;
    if (!current) throw notFound(`There is no service request with id "${update.requestId}".`);
    const receivedAt = nowIso();
    const caseState = update.caseState ?? update.state;
    const mediaUrls = update.mediaUrls ?? (update.mediaUrl ? [update.mediaUrl] : []);
    const changes = {
      status: update.status,
      state: caseState,
      status_notes: update.description ?? current.status_notes,
      // The back office's time of its latest update: for a closed request, when it was closed.
      updated_at: update.updatedAt,
      closed_at: update.status === 'closed' ? (current.status === 'closed' ? current.closed_at : update.updatedAt) : null,
    };
    const actionId = await store.insertAction(trx, {
      caseId: current.id, action: 'status_update', actor: actor.id, idempotencyKey, status: update.status, state: caseState,
      description: update.description, mediaUrl: mediaUrls[0] ?? null,
      details: {
        updateId: update.updateId, receivedAt, fingerprint,
        // The status as the sender named it, listed back as sent (GET servicerequestupdates).
        ...(caseState !== update.state ? { sentStatus: update.state } : {}),
        ...(mediaUrls.length > 1 ? { mediaUrls } : {}),
        ...(update.extra && Object.keys(update.extra).length > 0 ? { sentAlongside: update.extra } : {}),
      },
      isPublic: true, at: update.updatedAt,
    });
    const after = await store.updateCase(trx, current.id, changes);
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.status_updated', entityType: 'service_request', entityId: String(current.id),
      before: publicAuditView(current), after: { ...publicAuditView(after), action_id: actionId, update_id: update.updateId },
    });
    // Practice cases never reach residents.
    if (!isTrainingJurisdiction(jurisdictionId)) await caseChanged(trx, notify, { caseId: current.id, actionId, serviceName: current.service_name, service: { jurisdictionId: current.jurisdiction_id, code: current.service_code }, closed: update.status === 'closed', note: update.description, reporter: await reporterToTell(trx, notify.keyring, current.id), guests: await guestFollowersToTell(trx, notify.keyring, current.id) });
    await followOutsideChange(trx, { jurisdictionId, timeZone }, current, after, 'status_update');
    return { ...appliedView(update), updateId: String(actionId), replayed: false };
  });
}

/**
 * A resident's comment on a case, posted by a system that acts for a front end (FixMyStreet
 * passing on what a resident wrote): kept as an action staff read, with an audit entry; the
 * case's status is not changed, whatever status the front end sent (kept in the details as
 * the status it reported). Not republished: residents' words are the front end's to show.
 * The commenter's contact details are not kept.
 */
export async function addResidentComment(db: DB, jurisdictionId: string, comment: StatusUpdate, actor: Actor): Promise<UpdateAnswer> {
  const idempotencyKey = `open311-comment:${actor.apiKeyId ?? actor.id}:${comment.updateId}`;
  const fingerprint = fingerprintOf('resident_comment', comment);
  const caseId = parseId(comment.requestId);
  const found = caseId !== null ? await store.findCase(db, jurisdictionId, caseId) : undefined;
  if (!found || found.kind !== 'service_request') throw notFound(`There is no service request with id "${comment.requestId}".`);
  return once(db, idempotencyKey, fingerprint, comment, async (trx) => {
    const mediaUrls = comment.mediaUrls ?? (comment.mediaUrl ? [comment.mediaUrl] : []);
    const actionId = await store.insertAction(trx, {
      caseId: found.id, action: 'resident_comment', actor: actor.id, idempotencyKey, status: null, state: null,
      description: comment.description, mediaUrl: mediaUrls[0] ?? null,
      details: {
        updateId: comment.updateId, receivedAt: nowIso(), fingerprint, reportedStatus: comment.state,
        ...(mediaUrls.length > 1 ? { mediaUrls } : {}),
        ...(comment.extra && Object.keys(comment.extra).length > 0 ? { sentAlongside: comment.extra } : {}),
      },
      isPublic: false, at: comment.updatedAt,
    });
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.resident_comment_added', entityType: 'service_request', entityId: String(found.id),
      after: { action_id: actionId, update_id: comment.updateId, status: found.status, state: found.state },
    });
    return { ...appliedView(comment), status: found.status as PublicStatus, updateId: String(actionId), replayed: false };
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
