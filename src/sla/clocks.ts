/**
 * SLA clocks on a case. CONTRACT STUB: the SLA helper implements these (signatures fixed); the
 * workflow engine calls them inside its transaction. Each change also refreshes cases.due_at
 * (the earliest due time of the case's running clocks) for the queues.
 */
import type { DB } from '../db/connection.js';
import type { ClockKind } from '../workflow/types.js';
import type { BusinessCalendar } from './calendar.js';

export interface CaseClock {
  kind: ClockKind;
  status: 'running' | 'suspended' | 'stopped';
  startedAt: string;
  dueAt: string | null;
  targetMinutes: number;
  extendedMinutes: number;
  usedMinutes: number;
  breachedAt: string | null;
  warnedAt: string | null;
}

/** Starts (or restarts) a clock; a clock of that kind already running is left as it is. */
export async function startClock(_trx: DB, _caseId: number, _kind: ClockKind, _targetMinutes: number, _calendar: BusinessCalendar, _at: string): Promise<void> {
  throw new Error('not implemented yet');
}
export async function stopClock(_trx: DB, _caseId: number, _kind: ClockKind, _at: string): Promise<void> {
  throw new Error('not implemented yet');
}
export async function suspendClock(_trx: DB, _caseId: number, _kind: ClockKind, _calendar: BusinessCalendar, _at: string): Promise<void> {
  throw new Error('not implemented yet');
}
export async function resumeClock(_trx: DB, _caseId: number, _kind: ClockKind, _calendar: BusinessCalendar, _at: string): Promise<void> {
  throw new Error('not implemented yet');
}
export async function extendClock(_trx: DB, _caseId: number, _kind: ClockKind, _minutes: number, _calendar: BusinessCalendar): Promise<void> {
  throw new Error('not implemented yet');
}
export async function caseClocks(_db: DB, _caseId: number): Promise<CaseClock[]> {
  throw new Error('not implemented yet');
}
