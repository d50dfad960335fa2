/**
 * SLA clocks on a case. The case module calls these inside its transaction, then copies the
 * earliest due time of the case's running clocks (`earliestRunningDue`) to cases.due_at for the
 * queues, once per change however many clocks it touched.
 *
 * A running clock keeps due_at = (when it last started running) + (its time left), counted in
 * working minutes; so the minutes used so far are (target + extended) - (working minutes from now
 * to due_at), and a suspended clock only needs the minutes it had used.
 */
import type { Insertable } from 'kysely';
import { compiledOnce, compiledPerShape } from '../db/compiled.js';
import type { DB } from '../db/connection.js';
import type { CaseClockTable } from '../db/schema.js';
import { invalid } from '../platform/errors.js';
import type { ClockKind } from '../workflow/types.js';
import { addWorkingMinutes, workingMinutesBetween, type BusinessCalendar } from './calendar.js';

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

/** Supervisors are warned at this share of the time unless the workflow's SLA target says otherwise. */
export const DEFAULT_WARN_AT = 0.8;

export interface StartClockOptions {
  /** The SlaTarget's warnAt (0 to 1): warn when this share of the time is used. */
  warnAt?: number;
}

/** The clock of that kind on the case that is not stopped (the latest one), if any. */
async function openClock(trx: DB, caseId: number, kind: ClockKind) {
  return (await openClockQuery(trx, caseId, kind))[0];
}

// Every submission starts a clock: these are compiled once.
const openClockQuery = compiledOnce((db: DB, caseId: number, kind: ClockKind) => db.selectFrom('case_clocks').selectAll()
  .where('case_id', '=', caseId).where('kind', '=', kind).where('status', '!=', 'stopped')
  .orderBy('id', 'desc').limit(1));
const earliestRunningDueQuery = compiledOnce((db: DB, caseId: number) => db.selectFrom('case_clocks').select((eb) => eb.fn.min('due_at').as('due'))
  .where('case_id', '=', caseId).where('status', '=', 'running'));
const insertClockQuery = compiledPerShape((db: DB, row: Insertable<CaseClockTable>) => db.insertInto('case_clocks').values(row));

/** The earliest due time of the case's running clocks (null: none running), as an ISO instant. */
export async function earliestRunningDue(trx: DB, caseId: number): Promise<string | null> {
  const [row] = await earliestRunningDueQuery(trx, caseId);
  const due = row?.due ?? null;
  return due === null ? null : new Date(due as string).toISOString();
}

const warnMinutes = (total: number, percent: number) => Math.ceil((total * percent) / 100);

/** Working minutes a running clock has used by `at`, from its due time. */
function usedBy(calendar: BusinessCalendar, total: number, dueAt: string, at: string): number {
  return Date.parse(at) <= Date.parse(dueAt)
    ? total - workingMinutesBetween(calendar, at, dueAt)
    : total + workingMinutesBetween(calendar, dueAt, at);
}

/** A new running clock, before it is written: everything but the case it belongs to. */
export type NewClock = Omit<Insertable<CaseClockTable>, 'case_id'> & { kind: ClockKind; due_at: string };

/** The values of a clock started at `at` (checked: the target is whole minutes, more than 0). */
export function newClock(kind: ClockKind, targetMinutes: number, calendar: BusinessCalendar, at: string, options: StartClockOptions = {}): NewClock {
  if (!Number.isInteger(targetMinutes) || targetMinutes <= 0) throw invalid('An SLA target is a whole number of minutes, more than 0.');
  const warnAt = options.warnAt ?? DEFAULT_WARN_AT;
  const percent = Math.min(100, Math.max(1, Math.round((Number.isFinite(warnAt) ? warnAt : DEFAULT_WARN_AT) * 100)));
  return {
    kind, calendar_id: calendar.id, target_minutes: targetMinutes, started_at: at,
    due_at: addWorkingMinutes(calendar, at, targetMinutes),
    warn_percent: percent, warn_due_at: addWorkingMinutes(calendar, at, warnMinutes(targetMinutes, percent)),
    used_minutes: 0, extended_minutes: 0, suspended_at: null, stopped_at: null, warned_at: null, breached_at: null, status: 'running',
  };
}

/**
 * Writes the clocks of a case that has none yet (one just submitted, whose clocks were decided
 * before its row was written): no clock of the case is read first.
 */
export async function insertNewClocks(trx: DB, caseId: number, clocks: NewClock[]): Promise<void> {
  for (const clock of clocks) await insertClockQuery(trx, { case_id: caseId, ...clock });
}

/** Starts (or restarts) a clock; a clock of that kind already running is left as it is. */
export async function startClock(trx: DB, caseId: number, kind: ClockKind, targetMinutes: number, calendar: BusinessCalendar, at: string, options: StartClockOptions = {}): Promise<void> {
  const values = newClock(kind, targetMinutes, calendar, at, options);
  const existing = await openClock(trx, caseId, kind);
  if (existing?.status === 'running') return;
  // A suspended clock being started again is replaced by a fresh one (a new id, so escalations of the new one are new).
  if (existing) await trx.updateTable('case_clocks').set({ status: 'stopped', stopped_at: at, due_at: null, warn_due_at: null }).where('id', '=', existing.id).execute();
  await insertClockQuery(trx, { case_id: caseId, ...values });
}

/** Stops the clock for good (the work is done). Its due_at stays, so reports can tell met from missed. */
export async function stopClock(trx: DB, caseId: number, kind: ClockKind, at: string): Promise<void> {
  const clock = await openClock(trx, caseId, kind);
  if (!clock) return;
  // warn_due_at stays too (a stopped clock never warns: the warning job reads running clocks only), so an undone closure can restart the clock as it was.
  await trx.updateTable('case_clocks').set({ status: 'stopped', stopped_at: at }).where('id', '=', clock.id).execute();
}

/**
 * Undoing a closure: the clocks the closure stopped (at that very instant) run again as they
 * were, due when they were due (a clock that was paused stays paused). Returns how many.
 */
export async function restartClocksStoppedAt(trx: DB, caseId: number, at: string): Promise<number> {
  const stopped = await trx.selectFrom('case_clocks').select(['id', 'suspended_at', 'stopped_at']).where('case_id', '=', caseId).where('status', '=', 'stopped').execute();
  const mine = stopped.filter((c) => c.stopped_at !== null && new Date(c.stopped_at as string | Date).getTime() === Date.parse(at));
  for (const clock of mine) {
    await trx.updateTable('case_clocks').set({ status: clock.suspended_at === null ? 'running' : 'suspended', stopped_at: null }).where('id', '=', clock.id).execute();
  }
  return mine.length;
}

/** Pauses a running clock (e.g. waiting for the resident): records the minutes used; no due time while paused. */
export async function suspendClock(trx: DB, caseId: number, kind: ClockKind, calendar: BusinessCalendar, at: string): Promise<void> {
  const clock = await openClock(trx, caseId, kind);
  if (!clock || clock.status !== 'running' || clock.due_at === null) return;
  const total = clock.target_minutes + clock.extended_minutes;
  const used = Math.max(0, usedBy(calendar, total, new Date(clock.due_at).toISOString(), at));
  await trx.updateTable('case_clocks').set({ status: 'suspended', suspended_at: at, used_minutes: used, due_at: null, warn_due_at: null })
    .where('id', '=', clock.id).execute();
}

/** Restarts a suspended clock with the time it had left: due = now + (target + extended - used) working minutes. */
export async function resumeClock(trx: DB, caseId: number, kind: ClockKind, calendar: BusinessCalendar, at: string): Promise<void> {
  const clock = await openClock(trx, caseId, kind);
  if (!clock || clock.status !== 'suspended') return;
  const total = clock.target_minutes + clock.extended_minutes;
  await trx.updateTable('case_clocks').set({
    status: 'running', suspended_at: null,
    due_at: addWorkingMinutes(calendar, at, total - clock.used_minutes),
    warn_due_at: addWorkingMinutes(calendar, at, warnMinutes(total, clock.warn_percent) - clock.used_minutes),
  }).where('id', '=', clock.id).execute();
}

/** Gives the clock more working minutes (a running clock's due time moves later). */
export async function extendClock(trx: DB, caseId: number, kind: ClockKind, minutes: number, calendar: BusinessCalendar): Promise<void> {
  if (!Number.isInteger(minutes) || minutes <= 0) throw invalid('An extension is a whole number of minutes, more than 0.');
  const clock = await openClock(trx, caseId, kind);
  if (!clock) throw invalid(`This case has no ${kind} clock to extend.`);
  const total = clock.target_minutes + clock.extended_minutes;
  const changes: { extended_minutes: number; due_at?: string; warn_due_at?: string } = { extended_minutes: clock.extended_minutes + minutes };
  if (clock.status === 'running' && clock.due_at !== null) {
    // Adding working minutes is additive, so moving the due time by the extension is the same as recounting from the start.
    changes.due_at = addWorkingMinutes(calendar, new Date(clock.due_at).toISOString(), minutes);
    if (clock.warn_due_at !== null) {
      const later = warnMinutes(total + minutes, clock.warn_percent) - warnMinutes(total, clock.warn_percent);
      changes.warn_due_at = addWorkingMinutes(calendar, new Date(clock.warn_due_at).toISOString(), later);
    }
  }
  await trx.updateTable('case_clocks').set(changes).where('id', '=', clock.id).execute();
}

/** The case's clocks, the latest of each kind first (stopped ones included, for the case page). */
export async function caseClocks(db: DB, caseId: number): Promise<CaseClock[]> {
  const rows = await db.selectFrom('case_clocks').selectAll().where('case_id', '=', caseId).orderBy('id', 'desc').execute();
  const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());
  return rows.map((row) => ({
    kind: row.kind, status: row.status, startedAt: iso(row.started_at)!, dueAt: iso(row.due_at),
    targetMinutes: row.target_minutes, extendedMinutes: row.extended_minutes, usedMinutes: row.used_minutes,
    breachedAt: iso(row.breached_at), warnedAt: iso(row.warned_at),
  }));
}
