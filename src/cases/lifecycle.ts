/**
 * A case's workflow side, written to the case row: starting its workflow when it is created,
 * entering a state (clocks, assignee, due time), and keeping step after a change made outside
 * the staff workspace (a back office's status update, a resident's reopening).
 */
import type { DB } from '../db/connection.js';
import type { CaseRow, CaseUpdate } from '../db/schema.js';
import { notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { routeCase } from '../routing/routing.js';
import { earliestRunningDue, stopClock } from '../sla/clocks.js';
import { runEntryActions, startClockFor, type EntryResult } from '../workflow/entry.js';
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
  const version = await caseWorkflow(trx, after);
  if (after.workflow_version_id === null) await setCaseColumns(trx, after.id, { workflow_version_id: version.id });
  const at = nowIso();
  if (before.status !== 'closed' && after.status === 'closed') {
    await stopClock(trx, after.id, 'resolution', at);
    await refreshCaseDueAt(trx, after.id);
  }
  if (before.status === 'closed' && after.status !== 'closed') {
    await startClockFor(trx, version.definition, after, 'resolution', after.state, ctx.timeZone, at);
    await refreshCaseDueAt(trx, after.id);
  }
  await publishEvents(trx, caseEvents(after, action, [after.department_id], { definition: version.definition }));
}
