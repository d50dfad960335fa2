/**
 * The shape of a workflow: the states a case moves through, who may move it, and what happens
 * on entering a state. Stored as JSON in workflow_versions.definition; a published version never
 * changes (an open case keeps the version it started with), so editing makes a new version.
 */
import type { CaseRow } from '../db/schema.js';
import type { Role } from '../identity/roles.js';

/** A case as the workflow rules look at it: its row, with its service's name and notice. */
export type CaseInHand = CaseRow & { service_name: string; service_notice: string | null };

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const priorities: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

export type ClockKind = 'resolution' | 'statutory';

/** What happens when a case enters a state. */
export type EntryAction =
  /** Email (and so on) the reporter and followers that the case changed. */
  | { do: 'notify_reporter' }
  /** Assign within the department by its rule (round-robin or least loaded), or clear the assignee. */
  | { do: 'assign'; to: 'auto' | 'nobody' }
  | { do: 'start_clock'; clock: ClockKind }
  | { do: 'stop_clock'; clock: ClockKind }
  | { do: 'suspend_clock'; clock: ClockKind }
  | { do: 'resume_clock'; clock: ClockKind };

export interface WorkflowState {
  /** e.g. "investigating"; stored in cases.state. Lower-case letters, digits and underscores. */
  code: string;
  /** What staff see, e.g. "Investigating". */
  label: string;
  /** The Open311 status this state shows as. */
  publicStatus: 'open' | 'closed';
  /** What residents see, e.g. "Action scheduled", "Not the council's responsibility". */
  publicLabel: string;
  onEntry: EntryAction[];
}

/** A field a transition asks for before it can be taken. */
export type RequiredField = 'reason' | 'public_note';

export interface WorkflowTransition {
  /** e.g. "schedule"; unique within the workflow. */
  code: string;
  /** The button staff press, e.g. "Schedule the work". */
  label: string;
  /**
   * States it may be taken from. "*" means any state, including states the definition does not
   * know (a case an Open311 back office moved to a state of its own can still be moved on); a
   * transition is never offered into the state the case is already in.
   */
  from: string[];
  to: string;
  /** Roles that may take it (a system_admin may take any transition). */
  roles: Role[];
  requires: RequiredField[];
}

/** A target time for a clock, in working minutes on the department's calendar. The most specific match wins. */
export interface SlaTarget {
  clock: ClockKind;
  /** null: any priority. */
  priority: Priority | null;
  /** The state the clock starts in; null: any. */
  state: string | null;
  minutes: number;
  /** Warn (near-breach) when this share of the time is used, e.g. 0.8. */
  warnAt: number;
}

export interface WorkflowDefinition {
  /** The state a new case starts in. */
  initial: string;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
  sla: SlaTarget[];
}

/** A published or draft version of a workflow, as the engine and the settings pages see it. */
export interface WorkflowVersion {
  id: number;
  workflowId: number;
  workflowCode: string;
  workflowName: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  definition: WorkflowDefinition;
}

/** What a member of staff asks the engine to do to a case. Each becomes one appended action. */
export type CaseActionInput =
  | { kind: 'claim' }
  | { kind: 'assign'; userId: number | null }
  /** `decisionRecorded`: set only by an application's decision (applications/review.ts), which records its conditions or reasons. */
  | { kind: 'transition'; transition: string; reason?: string; publicNote?: string; decisionRecorded?: boolean }
  | { kind: 'set_priority'; priority: Priority }
  /** A public update, typically from a response template (already filled in). */
  | { kind: 'public_update'; text: string; templateId?: number }
  /** Never shown to the public. */
  | { kind: 'note'; text: string }
  | { kind: 'merge'; intoCaseId: number }
  | { kind: 'move_department'; departmentId: number; reason: string }
  | { kind: 'suspend_clock'; clock: ClockKind; reason: string }
  | { kind: 'resume_clock'; clock: ClockKind }
  | { kind: 'extend_clock'; clock: ClockKind; minutes: number; reason: string };

/** Who acts: a signed-in member of staff, or a job ("system:sla") for escalations. */
export interface WorkflowActor {
  /** "user:42" or "system:sla". */
  id: string;
  userId: number | null;
  role: Role | 'system';
  /** The actor's department id (null: none, or a role that sees all departments). */
  departmentId: number | null;
}

export interface CaseActionResult {
  caseId: number;
  actionId: number;
  /** True when the idempotency key had already been used: nothing was done again. */
  repeated: boolean;
}
