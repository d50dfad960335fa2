/** The pure parts of the settings: draft edits, area summaries, template and calendar checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardDefinition } from '../workflow/standard.js';
import { checkCalendar } from './calendars.js';
import { areaSummary } from './departments.js';
import { checkResponseTemplate } from './response-templates.js';
import { checkSlaTarget, checkTransition, putSlaTarget, putState, putTransition, removeState, removeTransition, setInitial } from './workflows.js';

test('draft edits add, replace and remove states, transitions and SLA targets', () => {
  const d = structuredClone(standardDefinition);
  putState(d, { code: 'on_hold', label: 'On hold', publicStatus: 'open', publicLabel: 'On hold', onEntry: [] });
  putState(d, { code: 'on_hold', label: 'Paused', publicStatus: 'open', publicLabel: 'Paused', onEntry: [{ do: 'suspend_clock', clock: 'resolution' }] });
  assert.equal(d.states.filter((s) => s.code === 'on_hold').length, 1, 'same code: replaced, not added');
  assert.equal(d.states.find((s) => s.code === 'on_hold')?.label, 'Paused');
  const hold = { code: 'hold', label: 'Hold', from: ['*'], to: 'on_hold', roles: ['supervisor' as const], requires: [] };
  assert.deepEqual(checkTransition(hold, d), [], '"*" means any state');
  assert.match(checkTransition({ ...hold, to: 'nowhere', roles: [] }, d).join(' '), /leads to.*role/s);
  putTransition(d, hold);
  assert.throws(() => removeState(d, 'on_hold'), /used by the transitions hold/);
  removeTransition(d, 'hold');
  removeState(d, 'on_hold');
  assert.equal(d.states.some((s) => s.code === 'on_hold'), false);
  assert.throws(() => removeState(d, 'submitted'), /used by the transitions|where new cases start/);
  assert.throws(() => setInitial(d, 'nowhere'), /Choose a state/);
  const target = { clock: 'resolution' as const, priority: 'urgent' as const, state: null, minutes: 60, warnAt: 0.5 };
  putSlaTarget(d, target);
  assert.equal(d.sla.filter((s) => s.priority === 'urgent').length, 1, 'the same clock, priority and state replaces the target');
  assert.equal(d.sla.find((s) => s.priority === 'urgent')?.minutes, 60);
  assert.equal(checkSlaTarget({ ...target, minutes: 0, warnAt: 1 }, d).length, 2);
});

test('an area is summarised by its bounding box and points', () => {
  const summary = areaSummary({ type: 'MultiPolygon', coordinates: [[[[0, 51], [1, 51], [1, 52], [0, 51]]], [[[2, 50], [3, 50], [3, 51], [2, 50]]]] });
  assert.deepEqual(summary, { type: 'MultiPolygon', polygons: 2, points: 8, box: [50, 0, 52, 3] });
});

test('templates name unknown placeholders; calendars check times, zones and dates', () => {
  assert.deepEqual(checkResponseTemplate({ name: 'Booked', departmentId: null, body: 'Ref {reference} by {expected_date}', active: true }), []);
  assert.match(checkResponseTemplate({ name: 'Booked', departmentId: null, body: 'Dear {name}', active: true })[0]![1], /Unknown placeholders: \{name\}/);
  const problems = checkCalendar({ id: null, code: 'x', name: 'X', timeZone: 'Mars/Base', workingHours: [{ day: 1, start: '17:00', end: '09:00' }], holidays: ['2026-02-30'] });
  assert.deepEqual(problems.map(([field]) => field), ['timeZone', 'day1', 'holidays']);
});
