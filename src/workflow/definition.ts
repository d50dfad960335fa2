/**
 * Reading and checking a workflow definition: its states, which transitions apply, which SLA
 * target a clock gets. Pure functions, shared by the engine, the workspace and the settings pages.
 */
import { roles as allRoles } from '../identity/roles.js';
import { priorities, type ClockKind, type Priority, type SlaTarget, type WorkflowActor, type WorkflowDefinition, type WorkflowState, type WorkflowTransition } from './types.js';

/** Matches any state in a transition's `from`. */
export const ANY_STATE = '*';

export function stateOf(definition: WorkflowDefinition, code: string): WorkflowState | undefined {
  return definition.states.find((state) => state.code === code);
}

/** What residents see for a state; a state the definition does not know shows as its code in words. */
export function publicLabelFor(definition: WorkflowDefinition, state: string): string {
  return stateOf(definition, state)?.publicLabel ?? humanise(state);
}

/** What staff see for a state. */
export function staffLabelFor(definition: WorkflowDefinition, state: string): string {
  return stateOf(definition, state)?.label ?? humanise(state);
}

const humanise = (code: string) => {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : code;
};

/** Whether a transition may be taken from a state (whoever takes it). */
export function leadsFrom(transition: WorkflowTransition, state: string): boolean {
  return transition.to !== state && (transition.from.includes(ANY_STATE) || transition.from.includes(state));
}

/** Whether the actor's role may take the transition; a system_admin may take any, jobs none. */
export function mayTake(transition: WorkflowTransition, actor: Pick<WorkflowActor, 'role'>): boolean {
  if (actor.role === 'system') return false;
  return actor.role === 'system_admin' || transition.roles.includes(actor.role);
}

export function availableTransitions(definition: WorkflowDefinition, state: string, actor: WorkflowActor): WorkflowTransition[] {
  return definition.transitions.filter((transition) => leadsFrom(transition, state) && mayTake(transition, actor));
}

/** The state a merged case closes in: "duplicate" when the definition has it closed, else its first closed state. */
export function duplicateState(definition: WorkflowDefinition): WorkflowState | undefined {
  const duplicate = stateOf(definition, 'duplicate');
  if (duplicate?.publicStatus === 'closed') return duplicate;
  return definition.states.find((state) => state.publicStatus === 'closed');
}

/** The SLA target for a clock started on entering `state`: the most specific match (priority and state beat "any"). */
export function slaTargetFor(definition: WorkflowDefinition, clock: ClockKind, priority: Priority, state: string): SlaTarget | undefined {
  let best: SlaTarget | undefined;
  let bestScore = -1;
  for (const target of definition.sla) {
    if (target.clock !== clock) continue;
    if (target.priority !== null && target.priority !== priority) continue;
    if (target.state !== null && target.state !== state) continue;
    const score = (target.priority === null ? 0 : 1) + (target.state === null ? 0 : 2);
    if (score > bestScore) [best, bestScore] = [target, score];
  }
  return best;
}

const CODE = /^[a-z][a-z0-9_]{0,39}$/;
const entryKinds = ['notify_reporter', 'assign', 'start_clock', 'stop_clock', 'suspend_clock', 'resume_clock'];
const clockKinds = ['resolution', 'statutory'];
const requirable = ['reason', 'public_note'];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0 && value.length <= 200;

/** Every problem with a definition, in plain words (empty: valid). */
export function checkDefinition(definition: unknown): string[] {
  if (!isObject(definition)) return ['The workflow must be an object with initial, states, transitions and sla.'];
  const problems: string[] = [];
  const states = Array.isArray(definition.states) ? definition.states : [];
  if (!Array.isArray(definition.states) || states.length === 0) problems.push('The workflow needs at least one state.');
  const codes = new Set<string>();
  states.forEach((state: unknown, index) => {
    const where = `State ${index + 1}`;
    if (!isObject(state)) return void problems.push(`${where} must be an object.`);
    const code = typeof state.code === 'string' ? state.code : '';
    if (!CODE.test(code)) problems.push(`${where}: its code must be lower-case letters, digits and underscores, starting with a letter (got "${String(state.code ?? '')}").`);
    else if (codes.has(code)) problems.push(`Two states have the code "${code}".`);
    codes.add(code);
    const name = code ? `State "${code}"` : where;
    if (!isText(state.label)) problems.push(`${name} needs a label for staff (at most 200 characters).`);
    if (!isText(state.publicLabel)) problems.push(`${name} needs a label residents see (at most 200 characters).`);
    if (state.publicStatus !== 'open' && state.publicStatus !== 'closed') problems.push(`${name}: its public status must be "open" or "closed".`);
    if (!Array.isArray(state.onEntry)) problems.push(`${name}: onEntry must be a list (it may be empty).`);
    else for (const action of state.onEntry as unknown[]) problems.push(...checkEntryAction(name, action));
  });
  if (states.length > 0 && !states.some((state: unknown) => isObject(state) && state.publicStatus === 'closed')) problems.push('The workflow needs at least one closed state, or no case could ever be finished.');
  if (typeof definition.initial !== 'string' || !codes.has(definition.initial)) problems.push(`The first state ("${String(definition.initial ?? '')}") must be one of the workflow's states.`);
  else if (states.some((state: unknown) => isObject(state) && state.code === definition.initial && state.publicStatus !== 'open')) problems.push('The first state must be an open state.');

  const transitions = Array.isArray(definition.transitions) ? definition.transitions : [];
  if (!Array.isArray(definition.transitions)) problems.push('transitions must be a list.');
  const transitionCodes = new Set<string>();
  transitions.forEach((transition: unknown, index) => {
    const where = `Transition ${index + 1}`;
    if (!isObject(transition)) return void problems.push(`${where} must be an object.`);
    const code = typeof transition.code === 'string' ? transition.code : '';
    if (!CODE.test(code)) problems.push(`${where}: its code must be lower-case letters, digits and underscores, starting with a letter.`);
    else if (transitionCodes.has(code)) problems.push(`Two transitions have the code "${code}".`);
    transitionCodes.add(code);
    const name = code ? `Transition "${code}"` : where;
    if (!isText(transition.label)) problems.push(`${name} needs a label (the button staff press).`);
    if (!Array.isArray(transition.from) || transition.from.length === 0) problems.push(`${name} must say which states it can be taken from (or "*" for any).`);
    else for (const from of transition.from as unknown[]) if (from !== ANY_STATE && !codes.has(String(from))) problems.push(`${name} starts from "${String(from)}", which is not a state of this workflow.`);
    if (typeof transition.to !== 'string' || !codes.has(transition.to)) problems.push(`${name} leads to "${String(transition.to ?? '')}", which is not a state of this workflow.`);
    if (!Array.isArray(transition.roles) || transition.roles.length === 0) problems.push(`${name} must name at least one role that may take it.`);
    else for (const role of transition.roles as unknown[]) if (!(allRoles as readonly unknown[]).includes(role) || role === 'resident') problems.push(`${name}: "${String(role)}" is not a staff role.`);
    if (!Array.isArray(transition.requires)) problems.push(`${name}: requires must be a list (it may be empty).`);
    else for (const field of transition.requires as unknown[]) if (!requirable.includes(String(field))) problems.push(`${name}: it can require only "reason" or "public_note", not "${String(field)}".`);
  });

  if (!Array.isArray(definition.sla)) problems.push('sla must be a list (it may be empty).');
  else (definition.sla as unknown[]).forEach((target, index) => {
    const where = `SLA target ${index + 1}`;
    if (!isObject(target)) return void problems.push(`${where} must be an object.`);
    if (!clockKinds.includes(String(target.clock))) problems.push(`${where}: the clock must be "resolution" or "statutory".`);
    if (target.priority !== null && !(priorities as readonly unknown[]).includes(target.priority)) problems.push(`${where}: the priority must be low, normal, high, urgent or none (any).`);
    if (target.state !== null && !codes.has(String(target.state))) problems.push(`${where}: "${String(target.state)}" is not a state of this workflow.`);
    if (typeof target.minutes !== 'number' || !Number.isInteger(target.minutes) || target.minutes < 1 || target.minutes > 525_600) problems.push(`${where}: the target must be a whole number of working minutes from 1 to 525,600.`);
    if (typeof target.warnAt !== 'number' || !(target.warnAt > 0 && target.warnAt < 1)) problems.push(`${where}: the warning point must be a share between 0 and 1, e.g. 0.8.`);
  });
  return problems;
}

function checkEntryAction(name: string, action: unknown): string[] {
  if (!isObject(action) || !entryKinds.includes(String(action.do))) return [`${name}: each entry action must be one of ${entryKinds.join(', ')}.`];
  if (action.do === 'assign' && action.to !== 'auto' && action.to !== 'nobody') return [`${name}: assign must be to "auto" or "nobody".`];
  if (String(action.do).endsWith('_clock') && !clockKinds.includes(String(action.clock))) return [`${name}: ${String(action.do)} needs a clock, "resolution" or "statutory".`];
  return [];
}
