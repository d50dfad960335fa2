import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDateFormat, readDate } from './dates.js';

const US = ['MM/DD/YYYY hh:mm:ss A'];

test('a 12-hour wall-clock time in a zone becomes its UTC instant, across daylight saving', () => {
  assert.equal(readDate('01/15/2020 12:00:00 AM', US, 'America/New_York'), '2020-01-15T05:00:00.000Z', 'midnight is 12 AM');
  assert.equal(readDate('01/15/2020 12:30:00 PM', US, 'America/New_York'), '2020-01-15T17:30:00.000Z', 'half past noon is 12:30 PM');
  assert.equal(readDate('07/15/2020 08:00:00 AM', US, 'America/New_York'), '2020-07-15T12:00:00.000Z', 'summer time is four hours behind');
  // 1:30 on the autumn night the clocks go back happens twice: the first (daylight) reading is taken.
  assert.equal(readDate('11/01/2020 01:30:00 AM', US, 'America/New_York'), '2020-11-01T05:30:00.000Z');
  assert.equal(readDate('2020-02-01T14:00:00.000', ['ISO'], 'America/New_York'), '2020-02-01T19:00:00.000Z', 'ISO without an offset is in the zone');
  assert.equal(readDate('2020-02-01T14:00:00+01:00', ['ISO'], 'America/New_York'), '2020-02-01T13:00:00.000Z', 'ISO with an offset keeps it');
  assert.equal(readDate('1/5/2020 9:05', ['M/D/YYYY H:mm'], 'Europe/London'), '2020-01-05T09:05:00.000Z');
  assert.equal(readDate('2020-02-01T14:00:00.000', [...US, 'ISO'], 'UTC'), '2020-02-01T14:00:00.000Z', 'formats are tried in order');
});

test('impossible or unreadable dates are refused, not rolled over', () => {
  for (const text of ['02/30/2020 10:00:00 AM', '04/31/2020 10:00:00 AM', '13/01/2020 10:00:00 AM', '01/01/2020 13:00:00 PM', '01/01/2020 00:00:00 AM', '01/01/2020 10:61:00 AM', 'yesterday', '01/01/1850 10:00:00 AM']) {
    assert.equal(readDate(text, US, 'America/New_York'), null, text);
  }
  assert.equal(readDate('', US, 'UTC'), null);
});

test('a date format must name a day, and a 12-hour clock needs AM/PM', () => {
  assert.equal(checkDateFormat('DD/MM/YYYY HH:mm'), null);
  assert.match(checkDateFormat('HH:mm') ?? '', /must name the year/);
  assert.match(checkDateFormat('YYYY-MM-DD hh:mm') ?? '', /12-hour clock/);
  assert.match(checkDateFormat('YYYY-MM-DD YYYY') ?? '', /twice/);
});
