import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayInZone, formatInZone, isCalendarDate, parseZonedDateTime, todayInZone } from './time.js';

test('zoned ISO 8601 date-times parse to UTC; anything without a zone or impossible is refused', () => {
  assert.equal(parseZonedDateTime('2026-03-01T09:30:00Z'), '2026-03-01T09:30:00.000Z');
  assert.equal(parseZonedDateTime('2026-03-01T09:30:00-08:00'), '2026-03-01T17:30:00.000Z');
  assert.equal(parseZonedDateTime('2026-03-01T09:30:00+0530'), '2026-03-01T04:00:00.000Z');
  assert.equal(parseZonedDateTime('2026-03-01T09:30Z'), '2026-03-01T09:30:00.000Z');
  for (const bad of ['2026-03-01T09:30:00', '2026-03-01', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday', '']) {
    assert.equal(parseZonedDateTime(bad), null, bad);
  }
});

test('instants are written in the jurisdiction\'s local time with its offset, across DST', () => {
  assert.equal(formatInZone('2026-01-15T16:08:00.000Z', 'America/Los_Angeles'), '2026-01-15T08:08:00-08:00');
  assert.equal(formatInZone('2026-07-15T15:08:00.000Z', 'America/Los_Angeles'), '2026-07-15T08:08:00-07:00');
  assert.equal(formatInZone('2026-07-15T15:08:00.000Z', 'Asia/Kolkata'), '2026-07-15T20:38:00+05:30');
  assert.equal(formatInZone('2026-07-15T15:08:00.000Z', 'UTC'), '2026-07-15T15:08:00+00:00');
});

test('a local day runs between its two midnights in the zone, 23 or 25 hours when the clocks change', () => {
  assert.deepEqual(dayInZone('2026-07-01', 'Europe/London'), { from: '2026-06-30T23:00:00.000Z', to: '2026-07-01T23:00:00.000Z' });
  assert.deepEqual(dayInZone('2026-01-15', 'Europe/London'), { from: '2026-01-15T00:00:00.000Z', to: '2026-01-16T00:00:00.000Z' });
  assert.deepEqual(dayInZone('2026-03-29', 'Europe/London'), { from: '2026-03-29T00:00:00.000Z', to: '2026-03-29T23:00:00.000Z' });
  assert.deepEqual(dayInZone('2026-10-25', 'Europe/London'), { from: '2026-10-24T23:00:00.000Z', to: '2026-10-26T00:00:00.000Z' });
  assert.deepEqual(dayInZone('2026-03-08', 'America/Los_Angeles'), { from: '2026-03-08T08:00:00.000Z', to: '2026-03-09T07:00:00.000Z' });
  assert.equal(todayInZone('Europe/London', '2026-06-30T23:30:00.000Z'), '2026-07-01');
  assert.equal(todayInZone('America/Los_Angeles', '2026-07-01T03:00:00.000Z'), '2026-06-30');
  for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '0001-01-01', '']) assert.equal(isCalendarDate(bad), false, bad);
  assert.equal(isCalendarDate('2028-02-29'), true);
});
