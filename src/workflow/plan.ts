/**
 * Checks one requested action against the case, the workflow and the actor, and says what it
 * changes. Nothing here writes: a refused action throws before anything is saved.
 */
import type { DB } from '../db/connection.js';
import type { CaseUpdate } from '../db/schema.js';
import type { Role } from '../identity/roles.js';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.js';
import { duplicateState, leadsFrom, mayTake, stateOf, staffLabelFor } from './definition.js';
import { priorities, type CaseActionInput, type CaseInHand, type WorkflowActor, type WorkflowDefinition, type WorkflowState } from './types.js';

export const MAX_TEXT = 4_000;
const WORKERS: ReadonlyArray<Role | 'system'> = ['case_worker', 'supervisor', 'department_admin', 'system_admin'];
const LEADS: ReadonlyArray<Role | 'system'> = ['supervisor', 'department_admin', 'system_admin', 'system'];
const CLOCK_KEEPERS: ReadonlyArray<Role | 'system'> = ['supervisor', 'department_admin', 'system_admin'];
/** What a scheduled job may do: assign, note, and escalate (priority, department). */
const SYSTEM_KINDS: ReadonlyArray<CaseActionInput['kind']> = ['assign', 'note', 'set_priority', 'move_department'];
/** Roles whose people can be given a case. */
const ASSIGNABLE = ['case_worker', 'supervisor', 'department_admin', 'system_admin'];
/** What may still be done to a closed case (reopening is a transition). */
const ON_CLOSED: ReadonlyArray<CaseActionInput['kind']> = ['transition', 'note', 'public_update'];

export interface Plan {
  /** case_actions.action: the input's kind. */
  action: string;
  isPublic: boolean;
  /** Public text (status notes) for a public change; the note's text for an internal note. */
  description: string | null;
  details: Record<string, unknown>;
  changes: CaseUpdate;
  /** The state the case enters (its entry actions run). */
  enters?: WorkflowState;
  /** For merges: the case it is merged into. */
  mergeInto?: CaseInHand;
}

const text = (value: string | undefined | null) => (value ?? '').trim();
function required(value: string | undefined | null, what: string): string {
  const given = text(value);
  if (!given) throw invalid(`Give ${what}.`);
  if ([...given].length > MAX_TEXT) throw invalid(`${what[0]!.toUpperCase()}${what.slice(1)} must be at most ${MAX_TEXT} characters.`);
  return given;
}
const optional = (value: string | undefined | null, what: string) => (text(value) ? required(value, what) : null);

function mayDo(actor: WorkflowActor, roles: ReadonlyArray<Role | 'system'>, what: string): void {
  if (!roles.includes(actor.role)) throw forbidden(`Your role (${actor.role.replace(/_/g, ' ')}) cannot ${what}.`);
}

/** Who may act on the case at all: its department's staff, a system admin, or a job; on an incident, its emergency officers. */
export function checkActor(actor: WorkflowActor, current: CaseInHand, kind: CaseActionInput['kind']): void {
  if (actor.role === 'emergency_officer' && current.kind === 'incident') return;
  if (actor.role === 'resident' || actor.role === 'analyst' || actor.role === 'emergency_officer') {
    throw forbidden('Your role can look at cases but not change them.');
  }
  if (actor.role === 'system') {
    if (!SYSTEM_KINDS.includes(kind)) throw forbidden(`A scheduled job cannot ${kind.replace(/_/g, ' ')} a case.`);
    return;
  }
  if (actor.role === 'system_admin') return;
  if (current.department_id === null || current.department_id !== actor.departmentId) {
    throw forbidden(`Case ${current.id} belongs to another department: only that department's staff can change it.`);
  }
}

/**
 * Decides what one action does to a case, or refuses it in plain words. `mergeTarget` is the
 * case a merge names, read by the caller (undefined: there is none).
 */
export async function planAction(trx: DB, current: CaseInHand, definition: WorkflowDefinition, input: CaseActionInput, actor: WorkflowActor, at: string, mergeTarget?: CaseInHand): Promise<Plan> {
  checkActor(actor, current, input.kind);
  if (current.status === 'closed' && !ON_CLOSED.includes(input.kind)) throw conflict(`Case ${current.id} is closed: reopen it first.`);
  const internal = (details: Record<string, unknown>, changes: CaseUpdate, description: string | null = null): Plan =>
    ({ action: input.kind, isPublic: false, description, details, changes });

  switch (input.kind) {
    case 'claim': {
      mayDo(actor, WORKERS, 'take cases');
      if (actor.userId === null) throw forbidden('Only a person can take a case.');
      if (current.assigned_user_id === actor.userId) throw conflict(`You already have case ${current.id}.`);
      return internal({ from: current.assigned_user_id, assignee: actor.userId }, { assigned_user_id: actor.userId });
    }
    case 'assign': {
      const self = actor.userId !== null && (input.userId === actor.userId || (input.userId === null && current.assigned_user_id === actor.userId));
      if (!self) mayDo(actor, LEADS, 'give a case to someone else');
      if (input.userId === current.assigned_user_id) throw conflict(input.userId === null ? `Nobody has case ${current.id} already.` : `That person already has case ${current.id}.`);
      if (input.userId !== null) await checkAssignee(trx, input.userId, current.department_id);
      return internal({ from: current.assigned_user_id, assignee: input.userId }, { assigned_user_id: input.userId });
    }
    case 'transition': {
      const transition = definition.transitions.find((t) => t.code === input.transition);
      if (!transition) throw invalid(`This case's workflow has no step "${String(input.transition).slice(0, 50)}".`);
      if (!leadsFrom(transition, current.state)) throw conflict(`"${transition.label}" cannot be done while the case is "${staffLabelFor(definition, current.state)}".`);
      if (!mayTake(transition, actor)) throw forbidden(`Your role (${actor.role.replace(/_/g, ' ')}) cannot "${transition.label}".`);
      const target = stateOf(definition, transition.to);
      if (!target) throw invalid(`The workflow's step "${transition.code}" leads to a state it does not have; ask an administrator to correct the workflow.`);
      const reason = transition.requires.includes('reason') ? required(input.reason, `a reason for "${transition.label}"`) : optional(input.reason, 'the reason');
      const publicNote = transition.requires.includes('public_note') ? required(input.publicNote, `a note for the public for "${transition.label}"`) : optional(input.publicNote, 'the public note');
      return {
        action: 'transition', isPublic: true, description: publicNote, enters: target,
        details: { transition: transition.code, from: current.state, to: target.code, ...(reason ? { reason } : {}) },
        changes: {
          // A new state without a note clears the old one, which would no longer explain it.
          ...stateChanges(current, target, at), status_notes: publicNote,
          // A duplicate that is reopened stands on its own again.
          ...(target.publicStatus === 'open' && current.merged_into !== null ? { merged_into: null } : {}),
        },
      };
    }
    case 'set_priority': {
      mayDo(actor, [...WORKERS, 'system'], 'change priorities');
      if (!priorities.includes(input.priority)) throw invalid(`The priority must be one of ${priorities.join(', ')}.`);
      if (input.priority === current.priority) throw conflict(`Case ${current.id} is already ${input.priority} priority.`);
      return internal({ from: current.priority, to: input.priority }, { priority: input.priority });
    }
    case 'public_update': {
      mayDo(actor, WORKERS, 'post public updates');
      const body = required(input.text, 'the text of the update');
      return { action: 'public_update', isPublic: true, description: body, details: input.templateId === undefined ? {} : { templateId: input.templateId }, changes: { status_notes: body } };
    }
    case 'note': {
      mayDo(actor, current.kind === 'incident' ? [...WORKERS, 'system', 'emergency_officer'] : [...WORKERS, 'system'], 'add notes');
      return internal({}, {}, required(input.text, 'the text of the note'));
    }
    case 'merge': {
      mayDo(actor, WORKERS, 'merge cases');
      if (input.intoCaseId === current.id) throw invalid('A case cannot be merged into itself.');
      if (current.merged_into !== null) throw conflict(`Case ${current.id} is already merged into case ${current.merged_into}.`);
      const into = mergeTarget;
      if (!into) throw notFound(`There is no case ${String(input.intoCaseId)} to merge into.`);
      if (into.merged_into !== null) throw conflict(`Case ${into.id} was itself merged into case ${into.merged_into}: merge into that one instead.`);
      // The duplicate's followers move to the other case: the actor must be allowed to change it too.
      checkActor(actor, into, 'merge');
      const target = duplicateState(definition);
      if (!target) throw invalid("This case's workflow has no closed state to put a duplicate in.");
      const note = `This problem was already reported as case ${into.id}.`;
      return {
        action: 'merge', isPublic: true, description: note, enters: target, mergeInto: into,
        details: { into: into.id, from: current.state, to: target.code },
        changes: { ...stateChanges(current, target, at), status_notes: note, merged_into: into.id },
      };
    }
    case 'move_department': {
      mayDo(actor, LEADS, 'move cases to another department');
      const reason = required(input.reason, 'a reason for moving the case');
      const department = Number.isSafeInteger(input.departmentId)
        ? await trx.selectFrom('departments').select(['id', 'name']).where('id', '=', input.departmentId).executeTakeFirst() : undefined;
      if (!department) throw notFound(`There is no department ${String(input.departmentId)}.`);
      if (department.id === current.department_id) throw conflict(`Case ${current.id} is already with ${department.name}.`);
      return internal({ from: current.department_id, to: department.id, reason, assigneeBefore: current.assigned_user_id }, { department_id: department.id, assigned_user_id: null });
    }
    case 'suspend_clock':
    case 'resume_clock':
    case 'extend_clock': {
      mayDo(actor, CLOCK_KEEPERS, 'change a case\'s clocks');
      if (input.clock !== 'resolution' && input.clock !== 'statutory') throw invalid('The clock must be "resolution" or "statutory".');
      const details: Record<string, unknown> = { clock: input.clock };
      if (input.kind !== 'resume_clock') details.reason = required(input.reason, input.kind === 'suspend_clock' ? 'a reason for stopping the clock' : 'a reason for the extension');
      if (input.kind === 'extend_clock') {
        if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 525_600) throw invalid('An extension must be a whole number of working minutes from 1 to 525,600.');
        details.minutes = input.minutes;
      }
      return internal(details, {});
    }
    default:
      throw invalid(`Unknown action "${String((input as { kind: unknown }).kind).slice(0, 50)}".`);
  }
}

/** The case row's fields for entering a state: status from the state, closed_at set if and only if closed. */
function stateChanges(current: CaseInHand, target: WorkflowState, at: string): CaseUpdate {
  const closing = target.publicStatus === 'closed';
  return { state: target.code, status: target.publicStatus, closed_at: closing ? (current.status === 'closed' ? current.closed_at ?? at : at) : null };
}

async function checkAssignee(trx: DB, userId: number, departmentId: number | null): Promise<void> {
  const user = Number.isSafeInteger(userId) ? await trx.selectFrom('users').select(['id', 'role', 'department_id', 'status']).where('id', '=', userId).executeTakeFirst() : undefined;
  if (!user || user.status !== 'active' || !ASSIGNABLE.includes(user.role)) throw invalid('Cases can be given only to active staff who work cases.');
  if (user.role !== 'system_admin' && user.department_id !== departmentId) throw invalid("That person works in another department: move the case to their department first.");
}
