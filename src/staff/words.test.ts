/** The workspace's words for codes and times, the confirmation rule, and the timeline's sentences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardDefinition as standardWorkflow } from '../workflow/standard.js';
import { stepFor } from './confirm.js';
import { primaryTransitions } from './case-page.js';
import { casesCount, channelLabel, dueWords, priorityLabel, shortTime, spanWords, workingTimeWords } from './words.js';

test('counts of cases follow the plural rules: "1 case", "3 cases"', () => {
  assert.equal(casesCount(1), '1 case');
  assert.equal(casesCount(0), '0 cases');
  assert.equal(casesCount(3), '3 cases');
});

test('priorities and channels read as words, not codes', () => {
  assert.equal(priorityLabel('medium'), 'Medium');
  assert.equal(priorityLabel('normal'), 'Normal');
  assert.equal(priorityLabel('very_high'), 'Very high');
  assert.equal(channelLabel('web'), 'on the website');
  assert.equal(channelLabel('phone'), 'by phone');
  assert.equal(channelLabel('walk_in'), 'by walk in');
});

test('how late a case is, in clock time and the largest sensible unit', () => {
  const now = '2026-12-07T12:00:00.000Z';
  assert.deepEqual(dueWords('2026-12-05T11:00:00.000Z', now), { words: '2 days overdue', overdue: true });
  assert.deepEqual(dueWords('2026-12-07T07:00:00.000Z', now), { words: '5 hours overdue', overdue: true });
  assert.deepEqual(dueWords('2026-12-07T11:59:00.000Z', now), { words: '1 minute overdue', overdue: true });
  assert.deepEqual(dueWords('2026-12-07T13:00:00.000Z', now), { words: 'due in 1 hour', overdue: false });
  assert.deepEqual(dueWords('2026-12-12T12:00:00.000Z', now), { words: 'due in 5 days', overdue: false });
  // 2020 hours late is weeks, said in days.
  assert.equal(spanWords(2020 * 3_600_000), '84 days');
  assert.equal(workingTimeWords(2400), '40 working hours');
  assert.equal(workingTimeWords(60), '1 working hour');
  assert.equal(workingTimeWords(90), '90 working minutes');
});

test('short times are in the council\'s zone, with the year only when it is not this one', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(shortTime('2026-12-11T01:00:00.000Z', 'America/Los_Angeles', now), 'Thu 10 Dec, 17:00');
  assert.equal(shortTime('2025-12-11T01:00:00.000Z', 'Europe/London', now), 'Thu 11 Dec 2025, 01:00');
});

test('closing, merging and steps that need words are confirmed on their own page; others act at once', () => {
  const definition = standardWorkflow;
  assert.equal(stepFor(definition, 7, 'submitted', { kind: 'transition', transition: 'investigate' }), null);
  const schedule = stepFor(definition, 7, 'submitted', { kind: 'transition', transition: 'schedule' });
  assert.equal(schedule?.needsPublicNote, true);
  assert.equal(stepFor(definition, 7, 'submitted', { kind: 'transition', transition: 'schedule', publicNote: 'Tuesday' }), null, 'with its note it acts at once');
  const fix = stepFor(definition, 7, 'investigating', { kind: 'transition', transition: 'fix' });
  assert.match(fix?.consequence ?? '', /will move from Investigating to Fixed and close\. Residents will see “Fixed”\. The reporter is told\./);
  assert.equal(fix?.offersPublicNote, true);
  const close = stepFor(definition, 7, 'investigating', { kind: 'transition', transition: 'close', reason: 'Done' });
  assert.ok(close, 'closing is confirmed even with its reason given');
  const merge = stepFor(definition, 7, 'submitted', { kind: 'merge', intoCaseId: 9 }, { service: 'Pothole', address: '3 Station Road' });
  assert.match(merge?.consequence ?? '', /Case #7 will close as a duplicate of case #9 \(Pothole, 3 Station Road\)/);
  assert.equal(stepFor(definition, 7, 'submitted', { kind: 'claim' }), null);
});

test('the primary buttons are the steps that move a case on, and marking it fixed', () => {
  const transitions = standardWorkflow.transitions.filter((t) => t.from.includes('submitted') || t.from.includes('*')).map((t) => {
    const target = standardWorkflow.states.find((s) => s.code === t.to)!;
    return { ...t, closing: target.publicStatus === 'closed', toLabel: target.label };
  });
  assert.deepEqual(primaryTransitions({ transitions }).map((t) => t.label), ['Start investigating', 'Schedule the work', 'Mark as fixed']);
});
