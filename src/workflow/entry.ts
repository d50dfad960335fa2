/**
 * What happens when a case enters a state (its clocks, its assignee), and the events a change
 * publishes. The case module runs these and writes what they decide to the case row.
 */
import { isTrainingJurisdiction } from '../training/space.js';
import type { DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import { topics, type PublishedEvent } from '../platform/events.js';
import { pickAssignee } from '../routing/routing.js';
import { calendarForDepartment, type BusinessCalendar } from '../sla/calendar.js';
import { newClock, resumeClock, startClock, stopClock, suspendClock, type NewClock } from '../sla/clocks.js';
import { publicLabelFor, slaTargetFor } from './definition.js';
import type { ClockKind, EntryAction, WorkflowDefinition, WorkflowState } from './types.js';

type CaseFields = Pick<CaseRow, 'id' | 'jurisdiction_id' | 'department_id' | 'assigned_user_id' | 'priority'>;

/** The calendar a case's clocks count on: its department's, else the default in the council's time zone. */
export const calendarForCase = (trx: DB, row: Pick<CaseRow, 'department_id'>, timeZone: string): Promise<BusinessCalendar> =>
  calendarForDepartment(trx, row.department_id, timeZone);

/** Starts a clock with the definition's target for the case's priority and state; no target, no clock. */
export async function startClockFor(trx: DB, definition: WorkflowDefinition, row: CaseFields, kind: ClockKind, state: string, timeZone: string, at: string): Promise<void> {
  const target = slaTargetFor(definition, kind, row.priority, state);
  if (!target) return;
  await startClock(trx, row.id, kind, target.minutes, await calendarForCase(trx, row, timeZone), at, { warnAt: target.warnAt });
}

export interface EntryResult {
  /** The assignee the entry actions chose, when it differs from the case's (undefined: unchanged). */
  assignee?: number | null;
  /** The state asks for the reporter to be told. */
  notify: boolean;
  /** A clock was started, stopped, suspended or resumed: the case's due time needs refreshing. */
  clocksChanged: boolean;
}

/**
 * Runs a state's entry actions on a case that has just entered it (the case row already
 * updated): starts and stops its clocks, and says whom to assign. The caller writes the
 * assignee and the case's due time.
 */
export async function runEntryActions(trx: DB, definition: WorkflowDefinition, row: CaseFields, state: WorkflowState, timeZone: string, at: string): Promise<EntryResult> {
  const result: EntryResult = { notify: false, clocksChanged: false };
  for (const action of state.onEntry) {
    switch (action.do) {
      case 'notify_reporter': result.notify = true; break;
      case 'start_clock': result.clocksChanged = true; await startClockFor(trx, definition, row, action.clock, state.code, timeZone, at); break;
      case 'stop_clock': result.clocksChanged = true; await stopClock(trx, row.id, action.clock, at); break;
      case 'suspend_clock': result.clocksChanged = true; await suspendClock(trx, row.id, action.clock, await calendarForCase(trx, row, timeZone), at); break;
      case 'resume_clock': result.clocksChanged = true; await resumeClock(trx, row.id, action.clock, await calendarForCase(trx, row, timeZone), at); break;
      case 'assign': {
        const picked = await assigneeFor(trx, action, row);
        if (picked !== undefined) result.assignee = picked;
        break;
      }
    }
  }
  if (result.assignee === row.assigned_user_id) delete result.assignee;
  return result;
}

/** Whom an `assign` entry action gives the case to (undefined: it stays with whoever has it). */
async function assigneeFor(trx: DB, action: Extract<EntryAction, { do: 'assign' }>, row: Omit<CaseFields, 'id'>): Promise<number | null | undefined> {
  if (action.to === 'nobody') return null;
  // Auto-assignment fills an empty place; it never takes a case away from someone.
  // Practice cases wait for the person practising to take them (the checklist's first task),
  // and never land on a colleague.
  if (row.department_id !== null && row.assigned_user_id === null && !isTrainingJurisdiction(row.jurisdiction_id)) {
    return (await pickAssignee(trx, row.department_id)) ?? undefined;
  }
  return undefined;
}

/** What a new case's entry actions decide before its row is written: its clocks, and whom to assign. */
export interface PlannedEntry {
  assignee?: number | null;
  /** The clocks to write once the case has its id (none of a kind twice, as startClock keeps a running one). */
  clocks: NewClock[];
  /** A start_clock action ran: the case's due time is its clocks' earliest (none: no due time). */
  clocksChanged: boolean;
}

/**
 * The entry actions of a case not written yet (a submission's first state), decided without
 * writing anything, so the case row is written once with all of it. A new case has no clock to
 * stop, suspend or resume: a state that asks for that gets null, and the caller starts the
 * workflow on the written case instead (runEntryActions), as it would for any other case.
 */
export async function planEntryActions(trx: DB, definition: WorkflowDefinition, row: Omit<CaseFields, 'id'>, state: WorkflowState, timeZone: string, at: string): Promise<PlannedEntry | null> {
  const planned: PlannedEntry = { clocks: [], clocksChanged: false };
  for (const action of state.onEntry) {
    switch (action.do) {
      case 'notify_reporter': break;
      case 'start_clock': {
        planned.clocksChanged = true;
        const target = slaTargetFor(definition, action.clock, row.priority, state.code);
        if (!target || planned.clocks.some((clock) => clock.kind === action.clock)) break;
        planned.clocks.push(newClock(action.clock, target.minutes, await calendarForCase(trx, row, timeZone), at, { warnAt: target.warnAt }));
        break;
      }
      case 'assign': {
        const picked = await assigneeFor(trx, action, row);
        if (picked !== undefined) planned.assignee = picked;
        break;
      }
      default: return null;
    }
  }
  if (planned.assignee === row.assigned_user_id) delete planned.assignee;
  return planned;
}

/**
 * The events one change to a case publishes: always the staff topics (the case, its
 * department's queue, every queue), and the public topic for a change residents see.
 * Never personal data or internal notes.
 */
export function caseEvents(row: Pick<CaseRow, 'id' | 'jurisdiction_id' | 'status' | 'state' | 'updated_at'>, action: string, departments: Array<number | null>,
  publicChange: { definition: WorkflowDefinition | null } | null): PublishedEvent[] {
  const events: PublishedEvent[] = [{ topic: topics.staffCase(row.id), kind: 'case', data: { caseId: row.id, action } }];
  // Practice work must not nudge the real queues, and a training case has no public page.
  if (isTrainingJurisdiction(row.jurisdiction_id)) return events;
  for (const department of new Set(departments)) {
    if (department !== null) events.push({ topic: topics.department(department), kind: 'queue', data: { caseId: row.id, action } });
  }
  events.push({ topic: topics.allStaff, kind: 'queue', data: { caseId: row.id, action } });
  if (publicChange) {
    const publicLabel = publicChange.definition ? publicLabelFor(publicChange.definition, row.state) : row.state;
    events.push({ topic: topics.publicCase(row.id), kind: 'update', data: { status: row.status, state: row.state, publicLabel, updatedAt: row.updated_at } });
  }
  return events;
}
