import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localParts, zonedDateTime } from './details.js';

test('a local date and time becomes an instant with the zone’s offset, summer and winter', () => {
  assert.equal(zonedDateTime('2026-01-15', '09:30', 'Europe/London'), '2026-01-15T09:30:00+00:00');
  assert.equal(zonedDateTime('2026-07-01', '09:30', 'Europe/London'), '2026-07-01T09:30:00+01:00');
  assert.equal(zonedDateTime('2026-07-01', '09:30', 'America/Los_Angeles'), '2026-07-01T09:30:00-07:00');
  // Just after the clocks go forward in London (01:00 UTC on 29 March 2026).
  assert.equal(zonedDateTime('2026-03-29', '03:15', 'Europe/London'), '2026-03-29T03:15:00+01:00');
  assert.equal(zonedDateTime('2026-03-29', '00:30', 'Europe/London'), '2026-03-29T00:30:00+00:00');
});

test('what is not a date and a time is refused', () => {
  assert.equal(zonedDateTime('2026-3-1', '09:30', 'Europe/London'), null);
  assert.equal(zonedDateTime('2026-03-01', '9.30', 'Europe/London'), null);
  assert.equal(zonedDateTime('tomorrow', '', 'Europe/London'), null);
});

test('a stored instant reads back as the local date and time', () => {
  assert.deepEqual(localParts('2026-07-01T08:30:00.000Z', 'Europe/London'), { date: '2026-07-01', time: '09:30' });
  assert.deepEqual(localParts('2026-01-01T00:15:00.000Z', 'America/Los_Angeles'), { date: '2025-12-31', time: '16:15' });
});
