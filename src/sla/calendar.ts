/** Business calendars. CONTRACT STUB: the SLA helper implements these (signatures fixed). */
import type { DB } from '../db/connection.js';

export interface WorkingHours { day: number; start: string; end: string }

export interface BusinessCalendar {
  id: number | null;
  code: string;
  name: string;
  timeZone: string;
  /** day: 1 (Monday) to 7 (Sunday); start and end "HH:MM" local time, start < end. */
  workingHours: WorkingHours[];
  /** Local dates "YYYY-MM-DD" with no working time. */
  holidays: string[];
}

/** The instant `minutes` working minutes after `fromIso`. */
export function addWorkingMinutes(_calendar: BusinessCalendar, _fromIso: string, _minutes: number): string {
  throw new Error('not implemented yet');
}

/** Working minutes between two instants (0 when `toIso` is not after `fromIso`). */
export function workingMinutesBetween(_calendar: BusinessCalendar, _fromIso: string, _toIso: string): number {
  throw new Error('not implemented yet');
}

/** The department's calendar, or the default (Monday to Friday, 09:00 to 17:00, in `timeZone`). */
export async function calendarForDepartment(_db: DB, _departmentId: number | null, _timeZone: string): Promise<BusinessCalendar> {
  throw new Error('not implemented yet');
}
