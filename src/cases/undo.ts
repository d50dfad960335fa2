/**
 * Undoing a change to a case, for a short time after it, by the person who made it, while
 * nothing else has changed the case since: taking or assigning it, changing its priority, and
 * closing it (mark as fixed, not ours, close). An undo never removes history: it appends an
 * "undo" action that puts back what the undone action changed, with its own audit entry.
 *
 * Residents: a closure undone before its messages went out withdraws them (the resident is
 * never told of a closure that did not last); once any had gone, the undo sends one correction
 * ("closed by mistake, open again") through the same outbox, so nobody is left believing the
 * work is done. Merges are not undone here (they move followers): they are confirmed first.
 */
import { appendAudit, caseActionEntry } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { CaseRow, CaseUpdate } from '../db/schema.js';
import { caseChanged, withdrawCaseMessages } from '../notifications/case-updates.js';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { restartClocksStoppedAt } from '../sla/clocks.js';
import { isTrainingJurisdiction } from '../training/space.js';
import { stateOf } from '../workflow/definition.js';
import { checkActor } from '../workflow/plan.js';
import type { CaseActionResult, WorkflowActor, WorkflowDefinition } from '../workflow/types.js';
import { caseEvents, caseWorkflow } from '../workflow/workflow.js';
import { caseToChange, inCaseChange, type EngineContext } from './actions.js';
import { reporterToTell } from './reporters.js';
import { auditViewOfCase, caseActionById, findCase, insertAction, latestActionIdOf, refreshCaseDueAt, updateCase } from './store.js';
import { applicationLink } from './application-links.js';

/** How long a change can be undone. */
export const UNDO_WINDOW_MS = 10 * 60_000;

/** What residents are told when a closure they heard about is undone. */
export const CORRECTION_NOTE = 'We closed this report by mistake. It is open again and we are still working on it.';

/** The kinds of action an undo can reverse. */
const UNDOABLE = ['claim', 'assign', 'set_priority', 'transition'] as const;
/** Entry actions of a closing state that an undo can reverse exactly (the assignee is put back from the audit entry). */
const REVERSIBLE_ENTRY = ['stop_clock', 'notify_reporter', 'assign'];

export interface UndoableAction { id: number; action: string; actor: string; created_at: string; details: string; public: number }

/** When the action stops being undoable, as an ISO instant. */
export const undoUntil = (action: Pick<UndoableAction, 'created_at'>) => new Date(new Date(action.created_at).getTime() + UNDO_WINDOW_MS).toISOString();

/**
 * Why this action cannot be undone by this actor now, in words for them; null when it can.
 * `latestActionId` is the case's newest action: anything newer means something else changed it.
 */
export function undoRefusal(action: UndoableAction, latestActionId: number | null, actor: Pick<WorkflowActor, 'id'>, now: string, definition: WorkflowDefinition | undefined): string | null {
  if (!(UNDOABLE as readonly string[]).includes(action.action)) return 'This kind of change cannot be undone.';
  if (action.actor !== actor.id) return 'Only the person who made a change can undo it.';
  if (Date.parse(now) > Date.parse(undoUntil(action))) return `A change can be undone for ${UNDO_WINDOW_MS / 60_000} minutes only; this one is older. Make the change you need instead.`;
  if (latestActionId !== action.id) return 'The case has changed since, so this change can no longer be undone. Make the change you need instead.';
  if (action.action === 'transition') {
    let details: { from?: unknown; to?: unknown; decision?: unknown } = {};
    try { details = JSON.parse(action.details) as typeof details; } catch { /* checked below */ }
    if (details.decision === true) return 'A decision on an application cannot be undone: it is recorded, and the applicant is told. Ask an administrator if it was wrong.';
    const from = definition && typeof details.from === 'string' ? stateOf(definition, details.from) : undefined;
    const to = definition && typeof details.to === 'string' ? stateOf(definition, details.to) : undefined;
    if (!from || !to) return 'This step cannot be undone: its workflow does not know the state the case was in.';
    if (to.publicStatus !== 'closed') return 'Only closing a case can be undone; move it on again instead.';
    if (to.onEntry.some((e) => !REVERSIBLE_ENTRY.includes(e.do))) return 'This step cannot be undone: entering its state started or paused a clock.';
  }
  return null;
}

/** The action this person can undo on this case now (its latest, if theirs, recent and undoable), or null. */
export async function undoableAction(db: DB, caseId: number, actor: Pick<WorkflowActor, 'id'>, definition: WorkflowDefinition | undefined, now = nowIso()): Promise<UndoableAction | null> {
  const latest = await latestActionIdOf(db, caseId);
  if (latest === null) return null;
  const action = await caseActionById(db, caseId, latest);
  return action && undoRefusal(action, latest, actor, now, definition) === null ? action : null;
}

/**
 * Undoes one action: checks it may be undone (see undoRefusal), appends the reversing action
 * with its idempotency key, puts the case's changed fields back as the audit entry of the undone
 * action recorded them, restarts the clocks a closure stopped, withdraws or corrects residents'
 * messages, audits and publishes the live events, all in one transaction.
 */
export async function undoCaseAction(db: DB, ctx: EngineContext, caseId: number, actionId: number, actor: WorkflowActor, idempotencyKey: string): Promise<CaseActionResult> {
  if (!Number.isSafeInteger(actionId)) throw invalid('Choose the change to undo.');
  return inCaseChange(db, caseId, idempotencyKey, (trx, key) => undo(trx, ctx, caseId, actionId, actor, key));
}

async function undo(trx: DB, ctx: EngineContext, caseId: number, actionId: number, actor: WorkflowActor, key: string): Promise<CaseActionResult> {
  const found = await caseToChange(trx, ctx, caseId, key);
  if ('repeated' in found) return found.repeated;
  const current = found.current;
  checkActor(actor, current, 'assign');
  const action = await caseActionById(trx, caseId, actionId);
  if (!action) throw notFound(`Case ${caseId} has no change ${actionId} to undo.`);
  const definition = (await caseWorkflow(trx, current)).definition;
  const at = nowIso();
  const refusal = undoRefusal(action, await latestActionIdOf(trx, caseId), actor, at, definition);
  if (refusal) throw action.actor !== actor.id ? forbidden(refusal) : conflict(refusal);
  const entry = await caseActionEntry(trx, caseId, action.id);
  if (!entry) throw conflict('This change cannot be undone: its audit entry is missing. Make the change you need instead.');
  const before = entry.before;

  const changes: CaseUpdate = {};
  let details: Record<string, unknown> = { undoes: action.id, undone: action.action };
  const isPublic = action.action === 'transition';
  if (action.action === 'claim' || action.action === 'assign') {
    changes.assigned_user_id = (before.assigned_user_id as number | null) ?? null;
    details = { ...details, from: current.assigned_user_id, assignee: changes.assigned_user_id };
  } else if (action.action === 'set_priority') {
    changes.priority = String(before.priority) as CaseRow['priority'];
    details = { ...details, from: current.priority, to: changes.priority };
  } else {
    // A closure: the state, status, public note, closing time, assignee and merge are put back as they were.
    changes.state = String(before.state);
    changes.status = String(before.status) as CaseRow['status'];
    changes.closed_at = (before.closed_at as string | null) ?? null;
    changes.status_notes = (before.status_notes as string | null) ?? null;
    changes.assigned_user_id = (before.assigned_user_id as number | null) ?? null;
    changes.merged_into = (before.merged_into as number | null) ?? null;
    changes.updated_at = at;
    details = { ...details, from: current.state, to: changes.state };
  }
  const newActionId = await insertAction(trx, {
    caseId, action: 'undo', actor: actor.id, idempotencyKey: key,
    status: isPublic ? changes.status ?? current.status : null, state: isPublic ? changes.state ?? current.state : null,
    description: null, mediaUrl: null, details, isPublic, at,
  });
  await updateCase(trx, caseId, changes);
  let messages: { withdrawn: number; gone: number } = { withdrawn: 0, gone: 0 };
  if (isPublic) {
    if (await restartClocksStoppedAt(trx, caseId, new Date(action.created_at).toISOString()) > 0) await refreshCaseDueAt(trx, caseId);
    messages = await withdrawCaseMessages(trx, caseId, action.id);
  }
  const after = (await findCase(trx, ctx.jurisdictionId, caseId))!;
  const correction = isPublic && messages.gone > 0 && !isTrainingJurisdiction(ctx.jurisdictionId);
  await appendAudit(trx, {
    actor: actor.id, action: 'case.undo', entityType: 'service_request', entityId: String(caseId),
    before: auditViewOfCase(current),
    after: { ...auditViewOfCase(after), action_id: newActionId, detail_undoes: action.id, detail_undone: action.action, messages_withdrawn: messages.withdrawn, correction_sent: correction },
  });
  if (correction) {
    await caseChanged(trx, ctx.notify, {
      caseId, actionId: newActionId, serviceName: current.service_name, service: { jurisdictionId: current.jurisdiction_id, code: current.service_code },
      closed: after.status === 'closed', note: CORRECTION_NOTE, event: 'status_changed', status: after.status, state: after.state,
      ...(current.kind === 'application' ? { link: `${ctx.notify.publicUrl}/apply/applications/${caseId}`, reporterLink: await applicationLink(trx, ctx.notify.publicUrl, caseId) } : {}),
      reporter: await reporterToTell(trx, ctx.notify.keyring, caseId),
    });
  }
  await publishEvents(trx, caseEvents(after, 'undo', [current.department_id, after.department_id], isPublic ? { definition } : null));
  return { caseId, actionId: newActionId, repeated: false };
}
