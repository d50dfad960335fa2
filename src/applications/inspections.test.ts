import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConsultation } from './consultations.js';
import { checkDefinition } from './definition.js';
import { treeWorks } from './fixture.test-support.js';
import { checkResult, checkSlot, zonedToUtc } from './inspections.js';
import { localizeDefinition } from './localize.js';

test('a local date and time in the council\'s zone becomes a UTC instant; a time skipped by the clocks is refused', () => {
  assert.equal(zonedToUtc('2027-01-15', '09:30', 'Europe/London'), '2027-01-15T09:30:00.000Z');
  assert.equal(zonedToUtc('2027-07-15', '09:30', 'Europe/London'), '2027-07-15T08:30:00.000Z');
  assert.equal(zonedToUtc('2027-07-15', '09:30', 'America/Los_Angeles'), '2027-07-15T16:30:00.000Z');
  assert.equal(zonedToUtc('2027-03-28', '01:30', 'Europe/London'), null, 'the clocks go forward at 01:00');
});

test('a slot: every problem at once, each at its field; the past is refused', () => {
  const now = '2027-01-10T12:00:00.000Z';
  const empty = checkSlot({ date: '', time: '', durationMinutes: '', place: ' ', inspectorId: '' }, 'Europe/London', now);
  assert.ok('problems' in empty);
  assert.deepEqual(Object.keys(empty.problems).sort(), ['date', 'duration', 'inspector', 'place', 'time']);
  const bad = checkSlot({ date: '2027-02-30', time: '25:00', durationMinutes: '3', place: 'x', inspectorId: '4' }, 'Europe/London', now);
  assert.ok('problems' in bad && /real date/.test(bad.problems.date!) && /24-hour/.test(bad.problems.time!) && /5 to 720/.test(bad.problems.duration!));
  const past = checkSlot({ date: '2027-01-10', time: '11:00', durationMinutes: '60', place: 'x', inspectorId: '4' }, 'Europe/London', now);
  assert.ok('problems' in past && /in the future/.test(past.problems.date!));
  const fine = checkSlot({ date: '2027-01-11', time: '09:00', durationMinutes: '45', place: ' 1 Mill Lane ', inspectorId: '4' }, 'Europe/London', now);
  assert.deepEqual(fine, { slot: { startsAt: '2027-01-11T09:00:00.000Z', durationMinutes: 45, place: '1 Mill Lane', inspectorId: 4 } });
});

test('a consultation needs a department, a question and a reply date from today on', () => {
  assert.deepEqual(Object.keys(checkConsultation({ departmentId: null, question: '', dueOn: '' }, '2027-01-10')).sort(), ['department', 'due_on', 'question']);
  assert.match(checkConsultation({ departmentId: 1, question: 'Q?', dueOn: '2027-01-09' }, '2027-01-10').due_on!, /today or later/);
  assert.match(checkConsultation({ departmentId: 1, question: 'Q?', dueOn: '2027-13-01' }, '2027-01-10').due_on!, /real date/);
  assert.deepEqual(checkConsultation({ departmentId: 1, question: 'Q?', dueOn: '2027-01-10' }, '2027-01-10'), {});
});

const checklist = [{ id: 'basin', label: 'Hand basin' }, { id: 'fridge', label: 'Fridge' }];

test('a result: each item pass, fail or not applicable; a failed item cannot pass', () => {
  assert.deepEqual(Object.keys(checkResult({ outcome: '', items: {}, notes: '' }, checklist)).sort(), ['item_basin', 'item_fridge', 'outcome']);
  assert.match(checkResult({ outcome: 'pass', items: { basin: 'pass', fridge: 'fail' }, notes: '' }, checklist).outcome!, /cannot pass/);
  assert.deepEqual(checkResult({ outcome: 'fail', items: { basin: 'pass', fridge: 'fail' }, notes: 'Fridge at 11 °C' }, checklist), {});
  assert.deepEqual(checkResult({ outcome: 'pass', items: { basin: 'pass', fridge: 'not_applicable' }, notes: '' }, checklist), {});
  assert.ok(checkResult({ outcome: 'pass', items: { basin: 'maybe', fridge: 'pass' }, notes: '' }, checklist).item_basin);
});

test('the form definition takes an inspection checklist, checked and translated like its other words', () => {
  const definition = { ...treeWorks(), inspection: { checklist: [...checklist.map((c) => ({ ...c })), { id: 'pests', label: 'No pests', translations: { es: { label: 'Sin plagas' } } }] } };
  assert.equal(checkDefinition(definition).ok, true);
  const problems = checkDefinition({ ...treeWorks(), inspection: { checklist: [{ id: 'Bad id', label: '' }, { id: 'basin', label: 'A' }, { id: 'basin', label: 'B' }] } });
  assert.ok(!problems.ok && problems.problems.some((p) => /item 1.*id must start/.test(p)) && problems.problems.some((p) => /item 1.*give a label/.test(p)) && problems.problems.some((p) => /item 3.*used twice/.test(p)));
  assert.equal(checkDefinition({ ...treeWorks(), inspection: { checklist: [] } }).ok, false);
  assert.equal(localizeDefinition(definition, 'es').inspection!.checklist[2]!.label, 'Sin plagas');
  assert.equal(localizeDefinition(definition, 'es').inspection!.checklist[0]!.label, 'Hand basin');
});
