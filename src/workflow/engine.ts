/**
 * The workflow engine. CONTRACT STUB: the workflow helper replaces the bodies; the signatures
 * are what the workspace, settings, SLA jobs and training call.
 */
import type { DB } from '../db/connection.js';
import type { CaseChangeDeps } from '../feedback/emails.js';
import type { CaseActionInput, CaseActionResult, WorkflowActor, WorkflowDefinition, WorkflowTransition, WorkflowVersion } from './types.js';

/** What the engine needs besides the case: the jurisdiction, and what sends residents' emails. */
export interface EngineContext {
  jurisdictionId: string;
  /** Keys and sender for notifications to residents (skipped for training cases). */
  notify: CaseChangeDeps;
}

/**
 * Applies one action to a case: checks it is allowed (role, department, workflow transition,
 * required fields), appends the case action (with its idempotency key), updates the case row,
 * runs the target state's entry actions, writes the audit entry, publishes the live event and
 * queues notifications, all in one transaction. A repeated idempotency key does nothing again.
 */
export async function performCaseAction(_db: DB, _ctx: EngineContext, _caseId: number, _input: CaseActionInput, _actor: WorkflowActor, _idempotencyKey: string): Promise<CaseActionResult> {
  throw new Error('not implemented yet');
}

/**
 * Called inside the transaction that creates a case: picks the workflow version of its service,
 * routes it to a department, auto-assigns when the department says so, sets the initial state
 * and starts its clocks.
 */
export async function startCaseWorkflow(_trx: DB, _ctx: EngineContext, _caseId: number): Promise<void> {
  throw new Error('not implemented yet');
}

/** The published version a service's new cases start on (its own workflow, else "standard"). */
export async function workflowForService(_db: DB, _jurisdictionId: string, _serviceCode: string): Promise<WorkflowVersion> {
  throw new Error('not implemented yet');
}

/** A version by id (the one an open case keeps). */
export async function workflowVersion(_db: DB, _id: number): Promise<WorkflowVersion> {
  throw new Error('not implemented yet');
}

/** Transitions this actor may take from a state. */
export function availableTransitions(_definition: WorkflowDefinition, _state: string, _actor: WorkflowActor): WorkflowTransition[] {
  throw new Error('not implemented yet');
}

/** Every problem with a definition, in plain words (empty: valid). */
export function checkDefinition(_definition: unknown): string[] {
  throw new Error('not implemented yet');
}
