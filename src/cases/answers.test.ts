import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../catalogue/types.js';
import { checkAnswers } from './answers.js';

const service: Service = {
  code: 'dumping', name: 'Dumped rubbish', description: '', groupCode: 'waste', groupName: 'Waste', keywords: [], type: 'realtime',
  active: true, agencyResponsible: null, serviceNotice: null, expectedDays: 3, retentionDays: 365, erasureExemption: null, department: null,
  attributes: [
    { code: 'note', datatype: 'text', variable: false, staffOnly: false, required: false, order: 1, description: 'We cannot collect hazardous waste.', helpText: null, values: [] },
    { code: 'what', datatype: 'singlevaluelist', variable: true, staffOnly: false, required: true, order: 2, description: 'What was dumped?', helpText: null, values: [{ key: 'furniture', name: 'Furniture' }, { key: 'bags', name: 'Bags' }] },
    { code: 'hazards', datatype: 'multivaluelist', variable: true, staffOnly: false, required: false, order: 3, description: 'Any of these?', helpText: null, values: [{ key: 'glass', name: 'Glass' }, { key: 'needles', name: 'Needles' }, { key: 'oil', name: 'Oil' }] },
    { code: 'bags', datatype: 'number', variable: true, staffOnly: false, required: false, order: 4, description: 'How many bags?', helpText: null, values: [] },
    { code: 'seen', datatype: 'datetime', variable: true, staffOnly: false, required: false, order: 5, description: 'When did you see it?', helpText: null, values: [] },
    { code: 'vehicle', datatype: 'string', variable: true, staffOnly: false, required: false, order: 6, description: 'Vehicle registration', helpText: null, values: [] },
    { code: 'more', datatype: 'text', variable: true, staffOnly: false, required: false, order: 7, description: 'Anything else?', helpText: null, values: [] },
  ],
};

test('valid answers of every datatype are accepted and normalised', () => {
  const { answers, problems } = checkAnswers(service, {
    what: 'bags', hazards: ['glass', 'oil', 'glass'], bags: ' 12 ', seen: '2026-03-01T09:30:00+01:00', vehicle: 'AB12 CDE', more: 'Behind the shop',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(answers, { what: 'bags', hazards: ['glass', 'oil'], bags: '12', seen: '2026-03-01T08:30:00.000Z', vehicle: 'AB12 CDE', more: 'Behind the shop' });
});

test('a multivaluelist accepts a single value too', () => {
  assert.deepEqual(checkAnswers(service, { what: 'bags', hazards: 'needles' }).answers.hazards, ['needles']);
});

test('each wrong answer gets its own message naming the question', () => {
  const { problems } = checkAnswers(service, {
    hazards: ['glass', 'lava'], bags: 'twelve', seen: 'last tuesday', vehicle: 'x'.repeat(1001), unknown: 'x', note: 'hi',
  });
  const byCode = Object.fromEntries(problems.map((p) => [p.code, p.message]));
  assert.match(byCode.what ?? '', /What was dumped\?.*required/);
  assert.match(byCode.hazards ?? '', /does not allow "lava"/);
  assert.match(byCode.bags ?? '', /must be a number/);
  assert.match(byCode.seen ?? '', /ISO 8601 with a time zone/);
  assert.match(byCode.vehicle ?? '', /at most 1000 characters/);
  assert.match(byCode.unknown ?? '', /no question with code "unknown"/);
  assert.match(byCode.note ?? '', /takes no answer/);
});

test('a single-value question given twice, and a value outside the list, are refused', () => {
  assert.match(checkAnswers(service, { what: ['bags', 'furniture'] }).problems[0]?.message ?? '', /takes one answer/);
  assert.match(checkAnswers(service, { what: 'sofa' }).problems[0]?.message ?? '', /choose one of furniture, bags/);
  assert.match(checkAnswers(service, { what: '   ' }).problems[0]?.message ?? '', /required/);
});
