/**
 * Business calendars: working time in a council's own time zone, so an SLA of "10 working days"
 * skips nights, weekends and bank holidays and stays right across clock changes.
 *
 * Working time is the set of instants whose local wall-clock time (in the calendar's zone) lies
 * in one of that weekday's spans, on a date that is not a holiday. We walk day by day over the
 * spans (never minute by minute), with each day's spans turned into UTC intervals once and cached.
 */
import type { DB } from '../db/connection.js';
import { settingsCache } from '../platform/settings-cache.js';
import { zoneOffsetMinutes, zoneTransitionBetween } from './zones.js';

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

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Instants whose local date is D lie within [D - 14 h, D + 24 h + 12 h] in every zone; we look a little wider. */
const BEFORE_DAY = 15 * 3_600_000;
const AFTER_DAY = 39 * 3_600_000;
/** A calendar with no working time for this many days in a row is treated as broken (not an endless loop). */
const MAX_IDLE_DAYS = 800;

type Interval = [start: number, end: number];

interface CompiledCalendar {
  timeZone: string;
  /** Index 1..7: spans as [startMinute, endMinute] of local time. */
  spans: Array<Array<[number, number]>>;
  holidays: Set<number>;
  days: Map<number, Interval[]>;
}

/** "09:30" -> 570; "24:00" -> 1440 (an end at midnight). */
export function minutesOfDay(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return null;
  return hours * 60 + minutes;
}

/** "2026-12-25" -> days since 1970-01-01, or null when not a real date. */
export function dayNumberOf(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) return null;
  return ms / DAY;
}

const compiledCache = new Map<string, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  // Keyed by content, not object: calendars are read afresh from the database for each case.
  const key = JSON.stringify([calendar.timeZone, calendar.workingHours, calendar.holidays]);
  const cached = compiledCache.get(key);
  if (cached) return cached;
  const spans: CompiledCalendar['spans'] = [[], [], [], [], [], [], [], []];
  for (const hours of calendar.workingHours) {
    const start = minutesOfDay(hours.start);
    const end = minutesOfDay(hours.end);
    if (start === null || end === null || start >= end || !(hours.day >= 1 && hours.day <= 7)) {
      throw new Error(`Calendar ${calendar.code} has working hours that are not valid: ${JSON.stringify(hours)}`);
    }
    spans[hours.day]!.push([start, end]);
  }
  for (const daySpans of spans) daySpans.sort((a, b) => a[0] - b[0]);
  if (spans.every((daySpans) => daySpans.length === 0)) throw new Error(`Calendar ${calendar.code} has no working hours.`);
  const holidays = new Set<number>();
  for (const date of calendar.holidays) {
    const day = dayNumberOf(date);
    if (day !== null) holidays.add(day);
  }
  const compiled: CompiledCalendar = { timeZone: calendar.timeZone, spans, holidays, days: new Map() };
  if (compiledCache.size > 200) compiledCache.clear();
  compiledCache.set(key, compiled);
  return compiled;
}

/** ISO weekday (1 Monday .. 7 Sunday) of a day number (1970-01-01 was a Thursday). */
const weekdayOf = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;

/** The working intervals (UTC ms, sorted, disjoint) of one local date. */
function dayIntervals(calendar: CompiledCalendar, day: number): Interval[] {
  const cached = calendar.days.get(day);
  if (cached) return cached;
  const result: Interval[] = [];
  const spans = calendar.holidays.has(day) ? [] : calendar.spans[weekdayOf(day)]!;
  if (spans.length > 0) {
    const dayStart = day * DAY;
    const offsetBefore = zoneOffsetMinutes(calendar.timeZone, dayStart - BEFORE_DAY);
    const offsetAfter = zoneOffsetMinutes(calendar.timeZone, dayStart + AFTER_DAY);
    const change = offsetBefore === offsetAfter ? null : zoneTransitionBetween(calendar.timeZone, dayStart - BEFORE_DAY, dayStart + AFTER_DAY);
    for (const [startMinute, endMinute] of spans) {
      const localStart = dayStart + startMinute * MINUTE;
      const localEnd = dayStart + endMinute * MINUTE;
      if (change === null) {
        result.push([localStart - offsetBefore * MINUTE, localEnd - offsetBefore * MINUTE]);
        continue;
      }
      // The clocks change near this date: before the change the wall clock reads UTC + the old
      // offset, after it UTC + the new one. A span can so become two intervals (clocks back) or shrink (forward).
      const early: Interval = [localStart - offsetBefore * MINUTE, Math.min(localEnd - offsetBefore * MINUTE, change)];
      const late: Interval = [Math.max(localStart - offsetAfter * MINUTE, change), localEnd - offsetAfter * MINUTE];
      if (early[1] > early[0]) result.push(early);
      if (late[1] > late[0]) result.push(late);
    }
    result.sort((a, b) => a[0] - b[0]);
  }
  const merged: Interval[] = [];
  for (const interval of result) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([interval[0], interval[1]]);
  }
  if (calendar.days.size > 20_000) calendar.days.clear();
  calendar.days.set(day, merged);
  return merged;
}

/** The local date (as a day number) of an instant. */
function localDay(calendar: CompiledCalendar, instant: number): number {
  return Math.floor((instant + zoneOffsetMinutes(calendar.timeZone, instant) * MINUTE) / DAY);
}

function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`"${iso}" is not a date and time.`);
  return ms;
}

/** The instant `minutes` working minutes after `fromIso` (0 or less: `fromIso` itself; a result at the end of a span stays there). */
export function addWorkingMinutes(calendar: BusinessCalendar, fromIso: string, minutes: number): string {
  const from = parseInstant(fromIso);
  let remaining = Math.round(minutes * MINUTE);
  if (remaining <= 0) return new Date(from).toISOString();
  const compiled = compile(calendar);
  let cursor = from;
  let idle = 0;
  // One day back: instants early on a local date may belong to the previous date's spans when clocks change.
  for (let day = localDay(compiled, from) - 1; ; day++) {
    const intervals = dayIntervals(compiled, day);
    if (intervals.length === 0) {
      if (++idle > MAX_IDLE_DAYS) throw new Error(`Calendar ${calendar.code} has no working time for ${MAX_IDLE_DAYS} days after ${fromIso}.`);
      continue;
    }
    idle = 0;
    for (const [start, end] of intervals) {
      if (end <= cursor) continue;
      const begin = Math.max(start, cursor);
      const available = end - begin;
      // Landing exactly on a span's end stays there (Friday 16:00 + 60 minutes is Friday 17:00).
      if (remaining <= available) return new Date(begin + remaining).toISOString();
      remaining -= available;
      cursor = end;
    }
  }
}

/** Working minutes between two instants (0 when `toIso` is not after `fromIso`), rounded down. */
export function workingMinutesBetween(calendar: BusinessCalendar, fromIso: string, toIso: string): number {
  const from = parseInstant(fromIso);
  const to = parseInstant(toIso);
  if (to <= from) return 0;
  const compiled = compile(calendar);
  const lastDay = localDay(compiled, to) + 1;
  let total = 0;
  for (let day = localDay(compiled, from) - 1; day <= lastDay; day++) {
    for (const [start, end] of dayIntervals(compiled, day)) {
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) total += overlap;
    }
  }
  return Math.floor(total / MINUTE);
}

/** True when the instant is inside working time (a span's start counts, its end does not). */
export function isWorkingTime(calendar: BusinessCalendar, iso: string): boolean {
  const at = parseInstant(iso);
  const compiled = compile(calendar);
  const day = localDay(compiled, at);
  for (let d = day - 1; d <= day + 1; d++) {
    if (dayIntervals(compiled, d).some(([start, end]) => at >= start && at < end)) return true;
  }
  return false;
}

/** Monday to Friday, 09:00 to 17:00, no holidays: for departments without a calendar of their own. */
export function defaultCalendar(timeZone: string): BusinessCalendar {
  return {
    id: null, code: 'default', name: 'Monday to Friday, 9am to 5pm', timeZone,
    workingHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
    holidays: [],
  };
}

export function calendarFromRow(row: { id: number; code: string; name: string; time_zone: string; working_hours: string; holidays: string }): BusinessCalendar {
  return {
    id: row.id, code: row.code, name: row.name, timeZone: row.time_zone,
    workingHours: JSON.parse(row.working_hours) as WorkingHours[],
    holidays: JSON.parse(row.holidays) as string[],
  };
}

/**
 * The department's calendar, or the default (Monday to Friday, 09:00 to 17:00, in `timeZone`).
 * Read on every clock change, so kept in memory until the settings change.
 */
export const calendarForDepartment = settingsCache(async (db: DB, departmentId: number | null, timeZone: string): Promise<BusinessCalendar> => {
  if (departmentId === null) return defaultCalendar(timeZone);
  const row = await db.selectFrom('departments as d')
    .innerJoin('business_calendars as b', 'b.id', 'd.calendar_id')
    .select(['b.id', 'b.code', 'b.name', 'b.time_zone', 'b.working_hours', 'b.holidays'])
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  return row ? calendarFromRow(row) : defaultCalendar(timeZone);
});
