import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInZone, parseZonedDateTime } from './time.js';

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
