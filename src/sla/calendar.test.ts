import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addWorkingMinutes, defaultCalendar, workingMinutesBetween, type BusinessCalendar } from './calendar.js';

const zones = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2027, 11, 31);

/** Random spans for a day: up to two, on 15-minute boundaries (so some cross the 01:00-03:00 clock changes). */
const daySpans = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 4 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const spans: Array<[number, number]> = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) spans.push([sorted[i]! * 15, sorted[i + 1]! * 15]);
  return spans;
});
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc.record({
  timeZone: fc.constantFrom(...zones),
  days: fc.array(daySpans, { minLength: 7, maxLength: 7 }),
  holidays: fc.uniqueArray(fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms).toISOString().slice(0, 10)), { maxLength: 30 }),
}).filter(({ days }) => days.some((spans) => spans.length > 0)).map(({ timeZone, days, holidays }) => ({
  id: null, code: 'random', name: 'Random', timeZone, holidays,
  workingHours: days.flatMap((spans, index) => spans.map(([start, end]) => ({ day: index + 1, start: hhmm(start), end: hhmm(end) }))),
}));
const instantArb = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms).toISOString());
const minutesArb = fc.integer({ min: 0, max: 30_000 });

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Independent of the code under test: is this instant's wall-clock time inside a span on a working date? */
function workingByWallClock(calendar: BusinessCalendar, instant: number): boolean {
  const parts: Record<string, string> = {};
  let formatter = formatters.get(calendar.timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone: calendar.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    formatters.set(calendar.timeZone, formatter);
  }
  for (const part of formatter.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (calendar.holidays.includes(date)) return false;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
  const wall = Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60 + (instant % 1000) / 60_000;
  const toMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
  return calendar.workingHours.some((span) => span.day === weekday && toMinutes(span.start) <= wall && wall < toMinutes(span.end));
}

describe('business calendar arithmetic (properties)', () => {
  test('the working minutes between a time and that time plus m working minutes are m', () => {
    fc.assert(fc.property(calendarArb, instantArb, minutesArb, (calendar, from, minutes) => {
      assert.equal(workingMinutesBetween(calendar, from, addWorkingMinutes(calendar, from, minutes)), minutes);
    }), { numRuns: 400 });
  });

  test('adding more minutes never gives an earlier time', () => {
    fc.assert(fc.property(calendarArb, instantArb, minutesArb, minutesArb, (calendar, from, a, b) => {
      const [small, large] = a <= b ? [a, b] : [b, a];
      assert.ok(Date.parse(addWorkingMinutes(calendar, from, small)) <= Date.parse(addWorkingMinutes(calendar, from, large)));
    }), { numRuns: 300 });
  });

  test('adding in two steps is adding once', () => {
    fc.assert(fc.property(calendarArb, instantArb, minutesArb, minutesArb, (calendar, from, a, b) => {
      assert.equal(addWorkingMinutes(calendar, addWorkingMinutes(calendar, from, a), b), addWorkingMinutes(calendar, from, a + b));
    }), { numRuns: 300 });
  });

  test('the result is never strictly inside non-working time (by the wall clock)', () => {
    fc.assert(fc.property(calendarArb, instantArb, fc.integer({ min: 1, max: 30_000 }), (calendar, from, minutes) => {
      const at = Date.parse(addWorkingMinutes(calendar, from, minutes));
      // Working at that instant, or just before it (it may be the end of a span).
      assert.ok(workingByWallClock(calendar, at) || workingByWallClock(calendar, at - 1), `${new Date(at).toISOString()} in ${calendar.timeZone}`);
    }), { numRuns: 400 });
  });

  test('working minutes counted between two times agree with the wall clock, minute by minute', () => {
    fc.assert(fc.property(calendarArb, fc.integer({ min: FROM, max: TO }), fc.integer({ min: 0, max: 2 * 1440 }), (calendar, startMs, span) => {
      const from = Math.floor(startMs / 60_000) * 60_000;
      let expected = 0;
      for (let minute = 0; minute < span; minute++) if (workingByWallClock(calendar, from + minute * 60_000)) expected++;
      assert.equal(workingMinutesBetween(calendar, new Date(from).toISOString(), new Date(from + span * 60_000).toISOString()), expected);
    }), { numRuns: 60 });
  });
});

describe('business calendar arithmetic (examples)', () => {
  const london = defaultCalendar('Europe/London');

  test('Friday 16:00 plus two working hours is Monday 10:00', () => {
    assert.equal(addWorkingMinutes(london, '2026-11-27T16:00:00Z', 120), '2026-11-30T10:00:00.000Z');
    assert.equal(addWorkingMinutes(london, '2026-11-27T16:00:00Z', 60), '2026-11-27T17:00:00.000Z');
    assert.equal(workingMinutesBetween(london, '2026-11-27T16:00:00Z', '2026-11-30T10:00:00Z'), 120);
  });

  test('a bank holiday is skipped', () => {
    const withHolidays = { ...london, holidays: ['2026-12-25', '2026-12-28'] };
    // Thursday 24 December 16:00 + 2 hours: not Friday 25th (holiday), not Monday 28th (holiday).
    assert.equal(addWorkingMinutes(withHolidays, '2026-12-24T16:00:00Z', 120), '2026-12-29T10:00:00.000Z');
    assert.equal(workingMinutesBetween(withHolidays, '2026-12-24T09:00:00Z', '2026-12-30T09:00:00Z'), 2 * 480);
  });

  test('a working day across the spring clock change is still eight hours', () => {
    // Friday 27 March 2026 17:00 GMT; clocks go forward on Sunday 29th: Monday 09:00 BST is 08:00 UTC.
    assert.equal(addWorkingMinutes(london, '2026-03-27T16:00:00Z', 120), '2026-03-30T09:00:00.000Z');
    assert.equal(workingMinutesBetween(london, '2026-03-27T09:00:00Z', '2026-03-31T08:00:00Z'), 2 * 480);
    const newYork = defaultCalendar('America/New_York');
    // Clocks go back on Sunday 1 November 2026: Friday 16:00 EDT + 2 hours is Monday 10:00 EST (15:00 UTC).
    assert.equal(addWorkingMinutes(newYork, '2026-10-30T20:00:00Z', 120), '2026-11-02T15:00:00.000Z');
  });

  test('a span across the night when clocks go back counts the repeated hour', () => {
    const night = { ...london, workingHours: [{ day: 7, start: '00:00', end: '04:00' }] };
    // Sunday 25 October 2026: 00:00 BST (23:00 UTC Saturday) to 04:00 GMT is five real hours.
    assert.equal(workingMinutesBetween(night, '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'), 300);
    const spring = { ...london, workingHours: [{ day: 7, start: '00:00', end: '04:00' }] };
    // Sunday 29 March 2026: the hour from 01:00 to 02:00 does not exist: three real hours.
    assert.equal(workingMinutesBetween(spring, '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'), 180);
  });

  test('a ten-working-day target takes microseconds, not milliseconds', () => {
    const calendar = { ...london, holidays: ['2026-12-25', '2026-12-28'] };
    addWorkingMinutes(calendar, '2026-12-01T10:00:00Z', 4800);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) addWorkingMinutes(calendar, '2026-12-01T10:00:00Z', 4800 + i);
    const perCall = (performance.now() - started) / 1000;
    assert.ok(perCall < 0.2, `took ${perCall} ms a call`);
  });
});
