/**
 * Business calendars as administrators change them: working hours per weekday and holidays,
 * in a time zone. SLA clocks count only this working time (src/sla/calendar.ts reads them).
 * A department administrator may change a calendar only when no other department uses it.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { calendarFromRow, dayNumberOf, minutesOfDay, type BusinessCalendar } from '../sla/calendar.js';
import { isKnownTimeZone } from '../sla/zones.js';

export const calendarCodePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export async function listCalendars(db: DB): Promise<BusinessCalendar[]> {
  return (await db.selectFrom('business_calendars').selectAll().orderBy('name').execute()).map(calendarFromRow);
}

export async function getCalendar(db: DB, code: string): Promise<BusinessCalendar> {
  const row = await db.selectFrom('business_calendars').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(`There is no business calendar "${code}".`);
  return calendarFromRow(row);
}

/** The codes of the departments using a calendar. */
export async function departmentsUsing(db: DB, calendarId: number): Promise<string[]> {
  return (await db.selectFrom('departments').select('code').where('calendar_id', '=', calendarId).execute()).map((r) => r.code);
}

/** Problems with a calendar, each keyed by the form field it is about. */
export function checkCalendar(calendar: BusinessCalendar): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (!calendarCodePattern.test(calendar.code)) problems.push(['code', 'The code is lower-case letters, digits, dashes and underscores, for example office-hours.']);
  if (calendar.name.trim() === '' || calendar.name.length > 200) problems.push(['name', 'Give the calendar a name (at most 200 characters).']);
  if (!isKnownTimeZone(calendar.timeZone)) problems.push(['timeZone', `"${calendar.timeZone}" is not a time zone; use a name like Europe/London or America/Los_Angeles.`]);
  const spans = new Map<number, Array<[number, number]>>();
  for (const hours of calendar.workingHours) {
    const start = minutesOfDay(hours.start);
    const end = minutesOfDay(hours.end);
    const day = weekdays[hours.day - 1] ?? `Day ${hours.day}`;
    if (!Number.isInteger(hours.day) || hours.day < 1 || hours.day > 7) problems.push(['day1', `${day}: the day must be Monday to Sunday.`]);
    else if (start === null || end === null || start === 1440) problems.push([`day${hours.day}`, `${day}: write times as HH:MM, for example 09:00 and 17:30 (24:00 for midnight).`]);
    else if (start >= end) problems.push([`day${hours.day}`, `${day}: the day must end after it starts.`]);
    else {
      const taken = spans.get(hours.day) ?? [];
      if (taken.some(([s, e]) => start < e && s < end)) problems.push([`day${hours.day}`, `${day}: ${hours.start}–${hours.end} overlaps another span that day; join them into one.`]);
      spans.set(hours.day, [...taken, [start, end]]);
    }
  }
  if (calendar.holidays.length > 1000) problems.push(['holidays', 'A calendar can have up to 1,000 holidays; remove past years.']);
  if (calendar.workingHours.length === 0) problems.push(['day1', 'Give working hours on at least one day, or SLA clocks could never run.']);
  const badDates = calendar.holidays.filter((d) => dayNumberOf(d) === null);
  if (badDates.length > 0) problems.push(['holidays', `These are not dates written YYYY-MM-DD: ${badDates.slice(0, 5).join(', ')}.`]);
  return problems;
}

/** Creates a calendar (id null) or changes the one with that code; audited with before and after. */
export async function saveCalendar(db: DB, calendar: BusinessCalendar, actor: string, options: { creating: boolean }): Promise<void> {
  const problems = checkCalendar(calendar);
  if (problems.length > 0) throw invalid(problems.map(([, p]) => p).join(' '), problems.map(([, p]) => p));
  const holidays = [...new Set(calendar.holidays)].sort();
  const workingHours = [...calendar.workingHours].sort((a, b) => a.day - b.day);
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('business_calendars').selectAll().where('code', '=', calendar.code).executeTakeFirst();
    const at = nowIso();
    const values = { name: calendar.name.trim(), time_zone: calendar.timeZone, working_hours: JSON.stringify(workingHours), holidays: JSON.stringify(holidays), updated_at: at };
    if (options.creating) {
      if (existing) throw conflict(`There is already a calendar with the code "${calendar.code}".`);
      await trx.insertInto('business_calendars').values({ code: calendar.code, created_at: at, ...values }).execute();
    } else {
      if (!existing) throw notFound(`There is no business calendar "${calendar.code}".`);
      await trx.updateTable('business_calendars').set(values).where('id', '=', existing.id).execute();
    }
    await appendAudit(trx, {
      actor, action: options.creating ? 'business_calendar.created' : 'business_calendar.updated', entityType: 'business_calendar', entityId: calendar.code,
      before: existing ? calendarFromRow(existing) : undefined, after: { ...calendar, workingHours, holidays },
    });
  });
}
