/**
 * Performing an action on a case: the one way staff and jobs change a case. Each action is
 * checked by the workflow's rules (role, department, workflow step, required fields), appended as
 * a case action with its idempotency key, applied to the case row with the entry actions of any
 * state it enters (clocks, assignment), audited, emailed to residents when public, and published
 * as live events, all in one transaction.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import { caseChanged, type CaseChangeDeps } from '../notifications/case-updates.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { pickAssignee } from '../routing/routing.js';
import { extendClock, resumeClock, suspendClock } from '../sla/clocks.js';
import { isTrainingJurisdiction } from '../training/space.js';
import { calendarForCase } from '../workflow/entry.js';
import { planAction } from '../workflow/plan.js';
import type { CaseActionInput, CaseActionResult, CaseInHand, WorkflowActor } from '../workflow/types.js';
import { caseEvents, caseWorkflow } from '../workflow/workflow.js';
import { applicationLink } from './application-links.js';
import { copyFollowers } from './followers.js';
import { enterState, type CaseContext } from './lifecycle.js';
import { actionByIdempotencyKey, auditViewOfCase, findCase, insertAction, lockCases, refreshCaseDueAt, setCaseColumns, updateCase } from './store.js';
import { reporterToTell } from './reporters.js';
import { guestFollowersToTell } from './guest-followers.js';

/** What performing an action needs besides the case: the jurisdiction, and what sends residents' emails. */
export interface EngineContext extends CaseContext {
  /** Keys and sender for notifications to residents (skipped for training cases). */
  notify: CaseChangeDeps;
}

/**
 * The transitions that decide an application. They are taken only through its decision
 * (applications/review.ts), which records the conditions or reasons and, for an approval, issues
 * the licence in the same transaction; a bare approve or refuse is refused, so no application is
 * ever closed without its decision record.
 */
export const APPLICATION_DECISION_TRANSITIONS: readonly string[] = ['approve', 'refuse'];

/** Stored keys are prefixed, so a staff form's key never collides with an Open311 or offline one. */
const KEY_PREFIX = 'staff:';

/**
 * Applies one action to a case: checks it is allowed (role, department, workflow transition,
 * required fields), appends the case action (with its idempotency key), updates the case row,
 * runs the target state's entry actions, writes the audit entry, publishes the live event and
 * queues notifications, all in one transaction. A repeated idempotency key does nothing again.
 * Runs in the caller's transaction when given one.
 */
export async function performCaseAction(db: DB, ctx: EngineContext, caseId: number, input: CaseActionInput, actor: WorkflowActor, idempotencyKey: string): Promise<CaseActionResult> {
  return inCaseChange(db, caseId, idempotencyKey, (trx, key) => perform(trx, ctx, caseId, input, actor, key));
}

/**
 * Runs one change to a case in a transaction (the caller's, when given one), with its checked
 * and prefixed idempotency key: what performing an action and undoing one share.
 */
export async function inCaseChange(db: DB, caseId: number, idempotencyKey: string, change: (trx: DB, key: string) => Promise<CaseActionResult>): Promise<CaseActionResult> {
  const key = idempotencyKey.trim();
  if (!key || key.length > 200) throw invalid('Each change needs a key of 1 to 200 characters, so that sending it twice does it once. Reload the page and try again.');
  if (!Number.isSafeInteger(caseId)) throw notFound(`There is no case ${String(caseId)}.`);
  const run = (trx: DB) => change(trx, KEY_PREFIX + key);
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Locks the case (and any other it names) and reads it; when this key was used before, the
 * earlier result instead (a form sent twice acts once).
 */
export async function caseToChange(trx: DB, ctx: Pick<EngineContext, 'jurisdictionId'>, caseId: number, key: string, alsoLock: number[] = []): Promise<{ current: CaseInHand } | { repeated: CaseActionResult }> {
  await lockCases(trx, [caseId, ...alsoLock]);
  const current = await findCase(trx, ctx.jurisdictionId, caseId);
  if (!current) throw notFound(`There is no case ${caseId}.`);
  const earlier = await actionByIdempotencyKey(trx, key);
  if (earlier) {
    if (earlier.case_id !== caseId) throw conflict('That form was already sent for another case. Reload the page and try again.');
    return { repeated: { caseId, actionId: earlier.id, repeated: true } };
  }
  return { current };
}

async function perform(trx: DB, ctx: EngineContext, caseId: number, input: CaseActionInput, actor: WorkflowActor, key: string): Promise<CaseActionResult> {
  const found = await caseToChange(trx, ctx, caseId, key, input.kind === 'merge' && Number.isSafeInteger(input.intoCaseId) ? [input.intoCaseId] : []);
  if ('repeated' in found) return found.repeated;
  const current = found.current;

  const version = await caseWorkflow(trx, current);
  const definition = version.definition;
  const at = nowIso();
  const mergeTarget = input.kind === 'merge' && Number.isSafeInteger(input.intoCaseId) ? await findCase(trx, ctx.jurisdictionId, input.intoCaseId) : undefined;
  const plan = await planAction(trx, current, definition, input, actor, at, mergeTarget);
  if (current.kind === 'application' && input.kind === 'transition' && APPLICATION_DECISION_TRANSITIONS.includes(input.transition)) {
    if (!input.decisionRecorded) throw invalid(`An application is approved or refused on its decision form (/staff/applications/${caseId}/decision), which records the conditions or reasons and issues the licence.`);
    // Marked, so the decision is never undone as a plain closure (cases/undo.ts).
    plan.details = { ...plan.details, decision: true };
  }
  const changes = {
    ...plan.changes,
    ...(current.workflow_version_id === null ? { workflow_version_id: version.id } : {}),
    // The public "last updated" moves only with what the public sees.
    ...(plan.isPublic ? { updated_at: at } : {}),
  };
  const actionId = await insertAction(trx, {
    caseId, action: plan.action, actor: actor.id, idempotencyKey: key,
    status: plan.isPublic ? (changes.status ?? current.status) : null, state: plan.isPublic ? (changes.state ?? current.state) : null,
    description: plan.description, mediaUrl: null, details: plan.details, isPublic: plan.isPublic, at,
  });
  const row: CaseRow = Object.keys(changes).length > 0 ? await updateCase(trx, caseId, changes) : current;

  let notifyResidents = input.kind === 'public_update';
  if (plan.enters) notifyResidents = (await enterState(trx, definition, row, plan.enters, ctx.timeZone, at)).notify;
  await sideEffects(trx, ctx, row, input, at);
  if (plan.mergeInto) await copyFollowers(trx, caseId, plan.mergeInto.id, at);

  const after = (await findCase(trx, ctx.jurisdictionId, caseId))!;
  await appendAudit(trx, {
    actor: actor.id, action: `case.${input.kind}`, entityType: 'service_request', entityId: String(caseId),
    before: auditViewOfCase(current), after: { ...auditViewOfCase(after), action_id: actionId, ...auditDetails(plan.details) },
  });
  if (plan.isPublic && notifyResidents && !isTrainingJurisdiction(ctx.jurisdictionId)) {
    await caseChanged(trx, ctx.notify, { caseId, actionId, ...(current.kind === 'application' ? { link: `${ctx.notify.publicUrl}/apply/applications/${caseId}`, reporterLink: await applicationLink(trx, ctx.notify.publicUrl, caseId, at) } : {}), serviceName: current.service_name, service: { jurisdictionId: current.jurisdiction_id, code: current.service_code }, closed: after.status === 'closed', note: plan.description, reporter: await reporterToTell(trx, ctx.notify.keyring, caseId), guests: await guestFollowersToTell(trx, ctx.notify.keyring, caseId) });
  }
  const events = caseEvents(after, plan.action, [current.department_id, after.department_id], plan.isPublic ? { definition } : null);
  if (plan.mergeInto) events.push(...caseEvents(plan.mergeInto, 'merged_in', [plan.mergeInto.department_id], null).slice(0, 1));
  await publishEvents(trx, events);
  return { caseId, actionId, repeated: false };
}

/** The audit keeps what was decided (reason, transition, assignee), not free text that might hold personal data beyond the reason. */
const auditDetails = (details: Record<string, unknown>) => Object.fromEntries(Object.entries(details).map(([k, v]) => [`detail_${k}`, v]));

async function sideEffects(trx: DB, ctx: EngineContext, row: CaseRow, input: CaseActionInput, at: string): Promise<void> {
  switch (input.kind) {
    case 'move_department': {
      // The new department's own rule may hand it to someone at once.
      const picked = await pickAssignee(trx, input.departmentId);
      if (picked !== null) await setCaseColumns(trx, row.id, { assigned_user_id: picked });
      break;
    }
    case 'suspend_clock': await suspendClock(trx, row.id, input.clock, await calendarForCase(trx, row, ctx.timeZone), at); await refreshCaseDueAt(trx, row.id); break;
    case 'resume_clock': await resumeClock(trx, row.id, input.clock, await calendarForCase(trx, row, ctx.timeZone), at); await refreshCaseDueAt(trx, row.id); break;
    case 'extend_clock': await extendClock(trx, row.id, input.clock, input.minutes, await calendarForCase(trx, row, ctx.timeZone)); await refreshCaseDueAt(trx, row.id); break;
    default: break;
  }
}


