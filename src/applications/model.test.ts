import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { answersToKeep, firstIncompletePage, parseGeometry, readGroupItem, readPage, shownPages } from './answers.js';
import { checkDefinition } from './definition.js';
import { checkEligibility } from './eligibility.js';
import { calculateFee } from './fees.js';
import { localizeDefinition } from './localize.js';
import { treeWorks } from './fixture.test-support.js';

describe('form definitions', () => {
  test('a complete definition passes its schema', () => {
    const checked = checkDefinition(treeWorks());
    assert.equal(checked.ok, true, checked.ok ? '' : checked.problems.join('\n'));
  });

  test('every problem is listed at once, saying where and what to do', () => {
    const broken = treeWorks() as unknown as { pages: Array<Record<string, unknown>>; fees: unknown[]; title: string };
    broken.title = '';
    broken.pages[0]!.fields = [{ id: 'Role', type: 'colour', label: 'x' }, { id: 'b', type: 'choice', label: 'B' }];
    broken.pages[1]!.showWhen = { field: 'photo', in: ['x'] };
    broken.fees.push({ effectiveFrom: '2026-13-45', rules: [{ kind: 'per_item', label: 'x', group: 'nothing', amount: -1 }] });
    const checked = checkDefinition(broken);
    assert.equal(checked.ok, false);
    const text = checked.ok ? '' : checked.problems.join('\n');
    for (const expected of ['title:', 'page 1 field 1: the id must start', 'the type must be one of', 'page 1 field 2 (b): give 1 to 100 options',
      'the condition looks at "photo", which is not a field on an earlier page', 'effectiveFrom must be a date', 'group must name a repeatable group', 'amount is a whole number of pence']) {
      assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
    }
  });

  test('ids are unique and a page has fields or one group', () => {
    const form = treeWorks();
    form.pages[1]!.fields = [{ id: 'role', type: 'text', label: 'Again' }];
    form.pages[2]!.fields = [{ id: 'x', type: 'text', label: 'X' }];
    const checked = checkDefinition(form);
    assert.ok(!checked.ok && checked.problems.some((p) => p.includes('"role" is used twice')));
    assert.ok(!checked.ok && checked.problems.some((p) => p.startsWith('page 3: a page has either')));
    assert.deepEqual(checkDefinition('nope'), { ok: false, problems: ['The form definition must be a JSON object.'] });
  });
});

describe('answers', () => {
  const form = treeWorks();
  test('a page is read with every problem, in message keys with the field named', () => {
    const { answers, problems } = readPage(form.pages[3]!, { area: '{"type": "Nope"}', 'start-day': '31', 'start-month': '2', 'start-year': '2026' }, {});
    assert.deepEqual(answers, {});
    assert.deepEqual(problems.map((p) => [p.field, p.key]), [['area', 'applications.error.place'], ['start', 'applications.error.dateReal']]);
    const good = readPage(form.pages[3]!, { area: '51.5, -0.12', 'start-day': '1', 'start-month': '6', 'start-year': '2026' }, {});
    assert.deepEqual(good.problems, []);
    assert.deepEqual(good.answers, { area: '{"type":"Point","coordinates":[-0.12,51.5]}', start: '2026-06-01' });
  });

  test('choices accept only their options; an unknown or missing one is a problem', () => {
    assert.equal(readPage(form.pages[0]!, { role: 'king' }, {}).problems[0]?.key, 'applications.error.chooseFromList');
    assert.equal(readPage(form.pages[0]!, {}, {}).problems[0]?.key, 'applications.error.choose');
    assert.deepEqual(readPage(form.pages[0]!, { role: 'owner' }, {}), { answers: { role: 'owner' }, problems: [] });
  });

  test('GeoJSON areas are checked: closed rings of positions, points inside the world', () => {
    assert.ok(parseGeometry('{"type":"Polygon","coordinates":[[[0,51],[0.1,51],[0.1,51.1],[0,51]]]}'));
    assert.equal(parseGeometry('{"type":"Polygon","coordinates":[[[0,51],[0.1,51],[0.1,51.1],[0,52]]]}'), null);
    assert.equal(parseGeometry('{"type":"Point","coordinates":[200,51]}'), null);
    assert.equal(parseGeometry('{"type":"LineString","coordinates":[[0,1],[1,1]]}'), null);
  });

  test('conditional pages show when an earlier answer matches, and hidden answers are not kept', () => {
    assert.equal(shownPages(form, { role: 'owner' }).some((p) => p.id === 'agent'), false);
    assert.equal(shownPages(form, { role: 'agent' }).some((p) => p.id === 'agent'), true);
    assert.deepEqual(answersToKeep(form, { role: 'owner', company: 'Old Co' }), { role: 'owner' });
  });

  test('the first incomplete page: groups need their minimum, files their upload', () => {
    const answers = { role: 'owner', tree: [{ species: 'Oak', work: 'fell' }], area: 'High Street', start: '2026-06-01', truth: 'yes' };
    assert.equal(firstIncompletePage(form, { role: 'owner' }, {})?.id, 'trees');
    assert.equal(firstIncompletePage(form, answers, {})?.id, 'photos');
    assert.equal(firstIncompletePage(form, answers, { photo: 1 }), null);
    assert.equal(firstIncompletePage(form, { ...answers, role: 'agent' }, { photo: 1 })?.id, 'agent');
  });

  test('a group item is read from its own fields', () => {
    const { item, problems } = readGroupItem(form.pages[2]!, { species: ' Oak ', work: 'fell' }, {});
    assert.deepEqual([item, problems], [{ species: 'Oak', work: 'fell' }, []]);
    assert.equal(readGroupItem(form.pages[2]!, { work: 'fell' }, {}).problems[0]?.field, 'species');
  });
});

describe('eligibility and fees', () => {
  const form = treeWorks();
  test('the first answer that ends the check decides', () => {
    assert.deepEqual(checkEligibility(form, { protected: 'no', street: 'yes' }), { kind: 'not_needed', reason: 'You only need permission for protected trees.' });
    assert.equal(checkEligibility(form, { protected: 'yes', street: 'yes' }).kind, 'other_service');
    assert.deepEqual(checkEligibility(form, { protected: 'yes', street: 'no' }), { kind: 'needed' });
    assert.deepEqual(checkEligibility(form, { protected: 'yes' }), { kind: 'unanswered', questionId: 'street' });
  });

  test('the schedule in force on the day applies: fixed, per item, by choice, concession', () => {
    const answers = { role: 'agent', pensioner: 'yes', tree: [{ species: 'Oak' }, { species: 'Ash' }, { species: 'Elm' }] };
    assert.deepEqual(calculateFee(form, answers, '2026-03-31'), { schedule: '2025-04-01', lines: [{ label: 'Application', amount: 5000 }], total: 5000 });
    const fee = calculateFee(form, answers, '2026-04-01');
    assert.equal(fee.schedule, '2026-04-01');
    // 6000 + 2 × 1000 + 2500 = 10500, half off.
    assert.deepEqual(fee.lines.map((l) => l.amount), [6000, 2000, 2500, -5250]);
    assert.equal(fee.total, 5250);
    assert.equal(calculateFee(form, {}, '2020-01-01').total, 0);
  });
});

describe('translations', () => {
  test('the form reads in the applicant\'s language word by word, falling back to the default', () => {
    const es = localizeDefinition(treeWorks(), 'es');
    assert.equal(es.title, 'Solicitar trabajos en árboles');
    assert.equal(es.summary, 'Ask before you prune or fell a protected tree.');
    assert.deepEqual(es.whatYouNeed, ['Una foto de cada árbol']);
    const role = es.pages[0]!.fields![0]!;
    assert.equal(role.label, '¿Quién es usted?');
    assert.deepEqual(role.options!.map((o) => o.label), ['El propietario', 'An agent']);
    assert.deepEqual(localizeDefinition(treeWorks(), 'ar').title, 'Apply to work on trees');
  });
});

test('a decision with a day that does not exist is refused with a message, not thrown on', async () => {
  const { checkDecision } = await import('./review.js');
  for (const [validFrom, validUntil] of [['2026-13-01', '2027-01-01'], ['2026-02-30', '2027-01-01'], ['2026-01-01', '99999-01-01'], ['2026-01-01', 'soon']]) {
    assert.deepEqual(checkDecision({ outcome: 'approve', text: '', validFrom, validUntil }), ['Give the dates the approval is valid from and until, written 2026-04-01.']);
  }
  assert.deepEqual(checkDecision({ outcome: 'approve', text: '', validFrom: '2026-01-01', validUntil: '2026-12-31' }), []);
});
