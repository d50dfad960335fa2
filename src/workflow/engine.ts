/**
 * The workflow engine: the one way staff and jobs change a case. Each action is checked (role,
 * department, workflow step, required fields), appended as a case action with its idempotency
 * key, applied to the case row with the entry actions of any state it enters (clocks,
 * assignment), audited, emailed to residents when public, and published as live events, all in
 * one transaction.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import { caseChanged, type CaseChangeDeps } from '../notifications/case-updates.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { actionByIdempotencyKey, auditViewOfCase, findCase, insertAction, updateCase, type CaseWithService } from '../requests/store.js';
import { pickAssignee, routeCase } from '../routing/routing.js';
import { extendClock, resumeClock, stopClock, suspendClock } from '../sla/clocks.js';
import { isTrainingJurisdiction } from '../training/space.js';
import { availableTransitions as transitionsFor, checkDefinition as problemsOf, stateOf } from './definition.js';
import { calendarForCase, caseEvents, runEntryActions, startClockFor } from './entry.js';
import { planAction } from './plan.js';
import { lockCases, publishedVersion, standardVersion, versionById } from './store.js';
import type { CaseActionInput, CaseActionResult, WorkflowActor, WorkflowDefinition, WorkflowTransition, WorkflowVersion } from './types.js';

export { publicLabelFor, staffLabelFor, stateOf } from './definition.js';
export { caseEvents } from './entry.js';

/** What the engine needs besides the case: the jurisdiction, and what sends residents' emails. */
export interface EngineContext {
  jurisdictionId: string;
  /** The council's IANA time zone: the working day of a department without a calendar of its own. */
  timeZone: string;
  /** Keys and sender for notifications to residents (skipped for training cases). */
  notify: CaseChangeDeps;
}

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
  const key = idempotencyKey.trim();
  if (!key || key.length > 200) throw invalid('Each change needs a key of 1 to 200 characters, so that sending it twice does it once. Reload the page and try again.');
  if (!Number.isSafeInteger(caseId)) throw notFound(`There is no case ${String(caseId)}.`);
  const run = (trx: DB) => perform(trx, ctx, caseId, input, actor, KEY_PREFIX + key);
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function perform(trx: DB, ctx: EngineContext, caseId: number, input: CaseActionInput, actor: WorkflowActor, key: string): Promise<CaseActionResult> {
  await lockCases(trx, input.kind === 'merge' && Number.isSafeInteger(input.intoCaseId) ? [caseId, input.intoCaseId] : [caseId]);
  const current = await findCase(trx, ctx.jurisdictionId, caseId);
  if (!current) throw notFound(`There is no case ${caseId}.`);
  const earlier = await actionByIdempotencyKey(trx, key);
  if (earlier) {
    if (earlier.case_id !== caseId) throw conflict('That form was already sent for another case. Reload the page and try again.');
    return { caseId, actionId: earlier.id, repeated: true };
  }

  const version = await caseWorkflow(trx, current);
  const definition = version.definition;
  const at = nowIso();
  const plan = await planAction(trx, ctx.jurisdictionId, current, definition, input, actor, at);
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
  if (plan.enters) notifyResidents = (await runEntryActions(trx, definition, row, plan.enters, ctx.timeZone, at)).notify;
  await sideEffects(trx, ctx, row, input, at);
  if (plan.mergeInto) await copyFollowers(trx, caseId, plan.mergeInto.id, at);

  const after = (await findCase(trx, ctx.jurisdictionId, caseId))!;
  await appendAudit(trx, {
    actor: actor.id, action: `case.${input.kind}`, entityType: 'service_request', entityId: String(caseId),
    before: auditViewOfCase(current), after: { ...auditViewOfCase(after), action_id: actionId, ...auditDetails(plan.details) },
  });
  if (plan.isPublic && notifyResidents && !isTrainingJurisdiction(ctx.jurisdictionId)) {
    await caseChanged(trx, ctx.notify, { caseId, actionId, serviceName: current.service_name, closed: after.status === 'closed', note: plan.description });
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
      if (picked !== null) await trx.updateTable('cases').set({ assigned_user_id: picked }).where('id', '=', row.id).execute();
      break;
    }
    case 'suspend_clock': await suspendClock(trx, row.id, input.clock, await calendarForCase(trx, row, ctx.timeZone), at); break;
    case 'resume_clock': await resumeClock(trx, row.id, input.clock, await calendarForCase(trx, row, ctx.timeZone), at); break;
    case 'extend_clock': await extendClock(trx, row.id, input.clock, input.minutes, await calendarForCase(trx, row, ctx.timeZone)); break;
    default: break;
  }
}

/** The followers of a duplicate follow the case it was merged into (the "me too" carries over). */
async function copyFollowers(trx: DB, fromCaseId: number, toCaseId: number, at: string): Promise<void> {
  const followers = await trx.selectFrom('case_followers').select('user_id').where('case_id', '=', fromCaseId).execute();
  if (followers.length === 0) return;
  await trx.insertInto('case_followers')
    .values(followers.map((f) => ({ case_id: toCaseId, user_id: f.user_id, reason: 'follower' as const, created_at: at })))
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).execute();
}

/** The version a case works on: the one it keeps, else (an older case) its service's current one. */
async function caseWorkflow(trx: DB, row: Pick<CaseWithService, 'workflow_version_id' | 'jurisdiction_id' | 'service_code'>): Promise<WorkflowVersion> {
  return row.workflow_version_id !== null ? versionById(trx, row.workflow_version_id) : workflowForService(trx, row.jurisdiction_id, row.service_code);
}

/**
 * Called inside the transaction that creates a case: picks the workflow version of its service,
 * routes it to a department, auto-assigns when the department says so, sets the initial state
 * and starts its clocks (from when the case was reported). Appends no action: it is part of the
 * submission.
 */
export async function startCaseWorkflow(trx: DB, ctx: Pick<EngineContext, 'jurisdictionId' | 'timeZone'>, caseId: number): Promise<void> {
  const row = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).where('jurisdiction_id', '=', ctx.jurisdictionId).executeTakeFirst();
  if (!row) throw notFound(`There is no case ${caseId}.`);
  const version = await workflowForService(trx, ctx.jurisdictionId, row.service_code);
  const initial = stateOf(version.definition, version.definition.initial);
  if (!initial) throw new Error(`Workflow version ${version.id} has no state "${version.definition.initial}".`);
  const departmentId = row.department_id
    ?? await routeCase(trx, ctx.jurisdictionId, { serviceCode: row.service_code, lat: row.lat, long: row.long })
    ?? await serviceDepartment(trx, ctx.jurisdictionId, row.service_code);
  const started = await updateCase(trx, caseId, {
    workflow_version_id: version.id, department_id: departmentId, state: initial.code, status: initial.publicStatus,
    closed_at: initial.publicStatus === 'closed' ? row.requested_at : null,
  });
  await runEntryActions(trx, version.definition, started, initial, ctx.timeZone, row.requested_at);
}

async function serviceDepartment(trx: DB, jurisdictionId: string, serviceCode: string): Promise<number | null> {
  const found = await trx.selectFrom('services').innerJoin('departments', 'departments.code', 'services.department_code')
    .select('departments.id').where('services.jurisdiction_id', '=', jurisdictionId).where('services.code', '=', serviceCode).executeTakeFirst();
  return found?.id ?? null;
}

/** The published version a service's new cases start on (its own workflow, else "standard"). */
export async function workflowForService(db: DB, jurisdictionId: string, serviceCode: string): Promise<WorkflowVersion> {
  const service = await db.selectFrom('services').select('workflow_code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', serviceCode).executeTakeFirst();
  const own = service?.workflow_code ? await publishedVersion(db, jurisdictionId, service.workflow_code) : undefined;
  return own ?? standardVersion(db, jurisdictionId);
}

/** A version by id (the one an open case keeps). */
export async function workflowVersion(db: DB, id: number): Promise<WorkflowVersion> {
  return versionById(db, id);
}

/** Transitions this actor may take from a state ("*" transitions included; never into the state itself). */
export function availableTransitions(definition: WorkflowDefinition, state: string, actor: WorkflowActor): WorkflowTransition[] {
  return transitionsFor(definition, state, actor);
}

/** Every problem with a definition, in plain words (empty: valid). */
export function checkDefinition(definition: unknown): string[] {
  return problemsOf(definition);
}

/**
 * Keeps the workflow's side in step after a change made outside the engine (an Open311 back
 * office's status update, a resident's reopening): the resolution clock stops when the case
 * closes and starts again when it reopens, and the live events go out. Call as the last step of
 * the change's transaction.
 */
export async function followOutsideChange(trx: DB, ctx: Pick<EngineContext, 'jurisdictionId' | 'timeZone'>, before: Pick<CaseRow, 'status'>, after: CaseRow, action: string): Promise<void> {
  const version = await caseWorkflow(trx, after);
  if (after.workflow_version_id === null) await trx.updateTable('cases').set({ workflow_version_id: version.id }).where('id', '=', after.id).execute();
  const at = nowIso();
  if (before.status !== 'closed' && after.status === 'closed') await stopClock(trx, after.id, 'resolution', at);
  if (before.status === 'closed' && after.status !== 'closed') await startClockFor(trx, version.definition, after, 'resolution', after.state, ctx.timeZone, at);
  await publishEvents(trx, caseEvents(after, action, [after.department_id], { definition: version.definition }));
}
