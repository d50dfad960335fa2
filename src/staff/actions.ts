/**
 * Between the workspace's forms and the workflow engine: who is acting (actor and context), what
 * a posted form asks for (checked here, at the edge, so a mistake gets a message next to its
 * field), and response templates filled in on the server.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Keyring } from '../platform/crypto.js';
import { formatDateForPeople } from '../platform/time.js';
import { workspaceJurisdiction } from '../training/space.js';
import { priorities, type CaseActionInput, type ClockKind, type Priority, type WorkflowActor } from '../workflow/types.js';
import { formText } from '../web/forms.js';
import { referenceIn } from './store.js';
import { parseId } from '../platform/ids.js';

export const actionKinds = ['claim', 'assign', 'transition', 'set_priority', 'public_update', 'note', 'merge', 'move_department', 'suspend_clock', 'resume_clock', 'extend_clock'] as const;
export type ActionKind = (typeof actionKinds)[number];

/** What each action is called in the success banner. */
export const doneMessages: Record<ActionKind | 'attachment' | 'undo' | 'decision' | 'information' | 'message' | 'counter_payment' | 'staff_answers', string> = {
  claim: 'You took the case.',
  assign: 'The case was assigned.',
  transition: 'The case moved on.',
  set_priority: 'The priority was changed.',
  public_update: 'The public update was sent.',
  note: 'The internal note was added.',
  merge: 'The case was merged into the other case.',
  move_department: 'The case was moved to the other department.',
  suspend_clock: 'The clock was paused.',
  resume_clock: 'The clock was restarted.',
  extend_clock: 'The clock was extended.',
  attachment: 'The file was attached.',
  undo: 'Your change was undone. The case history keeps both the change and its undoing.',
  decision: 'The decision was recorded and the applicant told.',
  information: 'The applicant was asked for more information. The statutory clock is paused until they reply.',
  message: 'Your message was sent to the applicant.',
  counter_payment: 'The payment at the counter was recorded.',
  staff_answers: 'The staff answers were saved.',
};

export const MAX_TEXT = 4_000;

/** The actor the engine checks: the person's role and their department's id. */
export function actorOf(request: FastifyRequest, departmentId: number | null): WorkflowActor {
  const person = request.person!;
  return { id: `user:${person.userId}`, userId: person.userId, role: person.role, departmentId };
}

/** The engine's context for this request (the training space's jurisdiction when in training). */
export function engineContextOf(request: FastifyRequest, config: Config, keyring: Keyring) {
  return {
    jurisdictionId: workspaceJurisdiction(request, config),
    timeZone: config.jurisdiction.timeZone,
    notify: { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name },
  };
}

/** A form's idempotency key, made unique to the person (two people's keys never collide). */
export function idempotencyKeyOf(request: FastifyRequest, body: unknown): string | null {
  const key = formText(body, 'idempotency_key');
  if (!/^[A-Za-z0-9_-]{16,100}$/.test(key)) return null;
  return `staff:${request.person!.userId}:${key}`;
}

export type Parsed = { input: CaseActionInput } | { field: string; message: string };

const clockOf = (text: string): ClockKind | null => (text === 'resolution' || text === 'statutory' ? text : null);
const text = (body: unknown, name: string) => formText(body, name).trim();

/** Reads one action form; a missing or wrong field is named with a message a person can act on. */
export function parseAction(body: unknown, actorUserId: number): Parsed {
  const action = formText(body, 'action') as ActionKind;
  switch (action) {
    case 'claim': return { input: { kind: 'claim' } };
    case 'assign': {
      const to = text(body, 'assignee');
      if (to === '') return { input: { kind: 'assign', userId: null } };
      if (to === 'me') return { input: { kind: 'assign', userId: actorUserId } };
      const userId = parseId(to);
      if (userId === null) return { field: 'assignee', message: 'Choose who to assign the case to.' };
      return { input: { kind: 'assign', userId } };
    }
    case 'transition': {
      const transition = text(body, 'transition');
      if (!/^[a-z0-9_]{1,64}$/.test(transition)) return { field: 'transition', message: 'Choose what to do with the case.' };
      const reason = text(body, 'reason').slice(0, MAX_TEXT);
      const publicNote = text(body, 'public_note').slice(0, MAX_TEXT);
      return { input: { kind: 'transition', transition, ...(reason ? { reason } : {}), ...(publicNote ? { publicNote } : {}) } };
    }
    case 'set_priority': {
      const priority = text(body, 'priority') as Priority;
      if (!priorities.includes(priority)) return { field: 'priority', message: 'Choose a priority: low, normal, high or urgent.' };
      return { input: { kind: 'set_priority', priority } };
    }
    case 'public_update': {
      const update = text(body, 'public_text');
      if (!update) return { field: 'public_text', message: 'Write the update residents will see.' };
      if (update.length > MAX_TEXT) return { field: 'public_text', message: `The update must be at most ${MAX_TEXT} characters.` };
      const templateId = text(body, 'template_id');
      return { input: { kind: 'public_update', text: update, ...(parseId(templateId) !== null ? { templateId: parseId(templateId)! } : {}) } };
    }
    case 'note': {
      const note = text(body, 'note_text');
      if (!note) return { field: 'note_text', message: 'Write the note.' };
      if (note.length > MAX_TEXT) return { field: 'note_text', message: `The note must be at most ${MAX_TEXT} characters.` };
      return { input: { kind: 'note', text: note } };
    }
    case 'merge': {
      const typed = text(body, 'merge_reference');
      const picked = text(body, 'merge_into');
      const reference = referenceIn(typed || picked);
      if (reference === null) return { field: 'merge_reference', message: 'Choose a case nearby, or enter the reference of the case this one duplicates (for example 1234).' };
      return { input: { kind: 'merge', intoCaseId: reference } };
    }
    case 'move_department': {
      const department = text(body, 'department');
      const departmentId = parseId(department);
      if (departmentId === null) return { field: 'department', message: 'Choose the department to move the case to.' };
      const reason = text(body, 'move_reason');
      if (!reason) return { field: 'move_reason', message: 'Say why the case belongs to the other department.' };
      return { input: { kind: 'move_department', departmentId, reason: reason.slice(0, MAX_TEXT) } };
    }
    case 'suspend_clock':
    case 'resume_clock':
    case 'extend_clock': {
      const clock = clockOf(text(body, 'clock'));
      if (!clock) return { field: `${action}-clock`, message: 'Choose the clock: resolution or statutory.' };
      if (action === 'resume_clock') return { input: { kind: 'resume_clock', clock } };
      const reason = text(body, 'clock_reason').slice(0, MAX_TEXT);
      if (!reason) return { field: `${action}-reason`, message: action === 'suspend_clock' ? 'Say why the clock is paused.' : 'Say why the clock is extended.' };
      if (action === 'suspend_clock') return { input: { kind: 'suspend_clock', clock, reason } };
      const hours = Number(text(body, 'extend_hours'));
      if (!Number.isInteger(hours) || hours < 1 || hours > 2_000) return { field: 'extend_clock-hours', message: 'Enter the working hours to add, a whole number from 1 to 2000.' };
      return { input: { kind: 'extend_clock', clock, minutes: hours * 60, reason } };
    }
    default: return { field: 'action', message: 'Choose an action.' };
  }
}

export interface TemplateValues { reference: string; service: string; address: string; expectedAt: string | null; council: string; timeZone: string }

/** Fills a template's {placeholders}; an unknown one is left as written, so staff see it before sending. */
export function fillResponseTemplate(body: string, values: TemplateValues): string {
  const expected = values.expectedAt ? formatDateForPeople(values.expectedAt, values.timeZone) : 'as soon as we can';
  const known: Record<string, string> = {
    reference: values.reference, service: values.service, address: values.address || 'the place you reported', expected_date: expected, council: values.council,
  };
  return body.replace(/\{(\w+)\}/g, (all, name: string) => known[name] ?? all);
}
