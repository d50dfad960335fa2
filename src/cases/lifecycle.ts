/**
 * A case's workflow side, written to the case row: starting its workflow when it is created,
 * entering a state (clocks, assignee, due time), and keeping step after a change made outside
 * the staff workspace (a back office's status update, a resident's reopening).
 */
import type { DB } from '../db/connection.js';
import type { CaseRow, CaseUpdate, NewCase } from '../db/schema.js';
import { notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { routeCase } from '../routing/routing.js';
import { earliestRunningDue, insertNewClocks, stopClock, type NewClock } from '../sla/clocks.js';
import { planEntryActions, runEntryActions, startClockFor, type EntryResult } from '../workflow/entry.js';
import type { Priority, WorkflowDefinition, WorkflowState } from '../workflow/types.js';
import { caseEvents, caseWorkflow, stateOf, workflowForService } from '../workflow/workflow.js';
import { findCaseRow, refreshCaseDueAt, setCaseColumns, updateChangedColumns } from './store.js';

/** Where a case is worked: its jurisdiction, and the council's time zone for departments without a calendar. */
export interface CaseContext {
  jurisdictionId: string;
  /** The council's IANA time zone: the working day of a department without a calendar of its own. */
  timeZone: string;
}

type EnteringCase = Pick<CaseRow, 'id' | 'jurisdiction_id' | 'department_id' | 'assigned_user_id' | 'priority'>;

/** Runs a state's entry actions and writes what they decided: the assignee, and the case's due time. */
export async function enterState(trx: DB, definition: WorkflowDefinition, row: EnteringCase, state: WorkflowState, timeZone: string, at: string): Promise<EntryResult> {
  const result = await runEntryActions(trx, definition, row, state, timeZone, at);
  if (result.assignee !== undefined) await setCaseColumns(trx, row.id, { assigned_user_id: result.assignee });
  if (result.clocksChanged) await refreshCaseDueAt(trx, row.id);
  return result;
}

/**
 * Called inside the transaction that creates a case (or, for imported open cases, later, with
 * the priority they should have): picks the workflow version of its service,
 * routes it to a department, auto-assigns when the department says so, sets the initial state
 * and starts its clocks (from when the case was reported). Appends no action: it is part of the
 * submission.
 */
export async function startCaseWorkflow(trx: DB, ctx: CaseContext, caseId: number, options: {
  priority?: Priority;
  /** The case as the caller has just written it in this transaction: not read again. */
  current?: CaseRow;
} = {}): Promise<CaseRow> {
  const row = options.current?.id === caseId ? options.current : await findCaseRow(trx, ctx.jurisdictionId, caseId);
  if (!row) throw notFound(`There is no case ${caseId}.`);
  const version = await workflowForService(trx, ctx.jurisdictionId, row.service_code);
  const initial = stateOf(version.definition, version.definition.initial);
  if (!initial) throw new Error(`Workflow version ${version.id} has no state "${version.definition.initial}".`);
  const departmentId = row.department_id
    ?? await routeCase(trx, ctx.jurisdictionId, { serviceCode: row.service_code, lat: row.lat, long: row.long })
    ?? await serviceDepartment(trx, ctx.jurisdictionId, row.service_code);
  const changes: CaseUpdate = {
    workflow_version_id: version.id, department_id: departmentId, state: initial.code, status: initial.publicStatus,
    closed_at: initial.publicStatus === 'closed' ? row.requested_at : null,
    ...(options.priority ? { priority: options.priority } : {}),
  };
  // The entry actions (clocks, assignee) need only the case's id and what is decided above, so
  // they run first, and everything they decide is written to the case row in one update: each
  // update of a case rewrites the entries of every queue index over the columns it sets.
  const result = await runEntryActions(trx, version.definition, { ...row, ...changes } as CaseRow, initial, ctx.timeZone, row.requested_at);
  if (result.assignee !== undefined) changes.assigned_user_id = result.assignee;
  if (result.clocksChanged) changes.due_at = await earliestRunningDue(trx, caseId);
  return updateChangedColumns(trx, row, changes);
}

/** A new case's workflow start, decided before its row is written: the columns it sets, and the clocks to write after. */
export interface PlannedStart {
  columns: CaseUpdate;
  clocks: NewClock[];
}

/** The priority a case is submitted with (the column's default: the submission does not set one). */
const SUBMITTED_PRIORITY = 'normal';

/**
 * What startCaseWorkflow would write for a case about to be submitted (workflow version,
 * department, initial state, assignee, due time), decided before the row exists, so the case is
 * written once, with all of it, and its clocks after it without a read (a case updated just after
 * its insert pays twice for every queue index over the columns the update sets). Null when the
 * initial state does more on entry than a new case allows (see planEntryActions): the caller then
 * writes the case and calls startCaseWorkflow.
 */
export async function planCaseWorkflow(trx: DB, ctx: CaseContext, draft: Pick<NewCase, 'service_code' | 'lat' | 'long' | 'requested_at'>): Promise<PlannedStart | null> {
  const version = await workflowForService(trx, ctx.jurisdictionId, draft.service_code);
  const initial = stateOf(version.definition, version.definition.initial);
  if (!initial) throw new Error(`Workflow version ${version.id} has no state "${version.definition.initial}".`);
  const departmentId = await routeCase(trx, ctx.jurisdictionId, { serviceCode: draft.service_code, lat: draft.lat ?? null, long: draft.long ?? null })
    ?? await serviceDepartment(trx, ctx.jurisdictionId, draft.service_code);
  const entering = { jurisdiction_id: ctx.jurisdictionId, department_id: departmentId, assigned_user_id: null, priority: SUBMITTED_PRIORITY } as const;
  const planned = await planEntryActions(trx, version.definition, entering, initial, ctx.timeZone, draft.requested_at);
  if (!planned) return null;
  const columns: CaseUpdate = {
    workflow_version_id: version.id, department_id: departmentId, state: initial.code, status: initial.publicStatus,
    closed_at: initial.publicStatus === 'closed' ? draft.requested_at : null, priority: SUBMITTED_PRIORITY,
    ...(planned.assignee !== undefined ? { assigned_user_id: planned.assignee } : {}),
  };
  if (planned.clocksChanged) {
    const earliest = planned.clocks.map((clock) => Date.parse(clock.due_at)).reduce((a, b) => Math.min(a, b), Infinity);
    columns.due_at = Number.isFinite(earliest) ? new Date(earliest).toISOString() : null;
  }
  return { columns, clocks: planned.clocks };
}

/** Writes the clocks a planned start decided, once the case has its id. */
export async function startPlannedClocks(trx: DB, caseId: number, planned: PlannedStart): Promise<void> {
  await insertNewClocks(trx, caseId, planned.clocks);
}

async function serviceDepartment(trx: DB, jurisdictionId: string, serviceCode: string): Promise<number | null> {
  const found = await trx.selectFrom('services').innerJoin('departments', 'departments.code', 'services.department_code')
    .select('departments.id').where('services.jurisdiction_id', '=', jurisdictionId).where('services.code', '=', serviceCode).executeTakeFirst();
  return found?.id ?? null;
}

/**
 * Keeps the workflow's side in step after a change made outside the staff workspace (an Open311
 * back office's status update, a resident's reopening): the resolution clock stops when the case
 * closes and starts again when it reopens, and the live events go out. Call as the last step of
 * the change's transaction.
 */
export async function followOutsideChange(trx: DB, ctx: CaseContext, before: Pick<CaseRow, 'status'>, after: CaseRow, action: string): Promise<void> {
  const version = await keepClocksInStep(trx, ctx, before, after, nowIso());
  await publishEvents(trx, caseEvents(after, action, [after.department_id], { definition: version.definition }));
}

/**
 * The clocks' side of a status change made outside the workspace, without live events (an
 * import's update tells nobody): the resolution clock stops when the case closes and starts
 * again, from `at`, when it reopens. Returns the case's workflow version.
 */
export async function keepClocksInStep(trx: DB, ctx: CaseContext, before: Pick<CaseRow, 'status'>, after: CaseRow, at: string) {
  const version = await caseWorkflow(trx, after);
  if (after.workflow_version_id === null) await setCaseColumns(trx, after.id, { workflow_version_id: version.id });
  if (before.status !== 'closed' && after.status === 'closed') {
    await stopClock(trx, after.id, 'resolution', at);
    await refreshCaseDueAt(trx, after.id);
  }
  if (before.status === 'closed' && after.status !== 'closed') {
    await startClockFor(trx, version.definition, after, 'resolution', after.state, ctx.timeZone, at);
    await refreshCaseDueAt(trx, after.id);
  }
  return version;
}
