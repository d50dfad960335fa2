/** The form editor's pure edits: what they refuse, and that what they make passes the definition's schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDefinition } from './definition.js';
import { addField, addPage, addSchedule, checkDetails, checkField, checkNewPage, movePage, parseEligibilityOption, readRule, setDetails, setField, setPage } from './form-edits.js';
import { formWords, setTranslations, translationsOf } from './form-words.js';
import { treeWorks } from './fixture.test-support.js';
import { starterDefinition } from './form-drafts.js';
import { localizeDefinition } from './localize.js';

const field = (over: Partial<Parameters<typeof checkField>[3]> = {}) => ({
  label: 'Q', hint: '', required: true, options: '', min: '', max: '', maxLength: '', maxFiles: '', show: { field: '', values: '' }, require: { field: '', values: '' }, ...over,
});

test('a form built with the edits passes the schema: a conditional page and a repeatable group', () => {
  let d = starterDefinition('Market stall licence', 'Trade from a stall.');
  assert.equal(d.title, 'Apply for market stall licence');
  d = addField(d, 'about', { id: 'trader', type: 'choice', label: 'Who are you?' });
  d = setField(d, 'about', 'trader', field({ label: 'Who are you?', options: 'owner: The owner\nagent: An agent' }));
  d = addPage(d, { id: 'agent', title: 'The agent', kind: 'fields', groupId: '', itemName: '' });
  d = addField(d, 'agent', { id: 'company', type: 'text', label: 'Company' });
  assert.deepEqual(checkField(d, 'agent', 'company', field({ show: { field: 'trader', values: 'landlord' } })), { showValues: '"Who are you?" has no answer "landlord"; its answers are owner, agent.' });
  d = setPage(d, 'agent', { title: 'The agent', section: '', hint: '', show: { field: 'trader', values: 'agent' }, itemName: '', min: '', max: '' });
  d = addPage(d, { id: 'stalls', title: 'Stalls', kind: 'group', groupId: 'stall', itemName: 'stall' });
  d = addField(d, 'stalls', { id: 'goods', type: 'text', label: 'Goods' });
  const check = checkDefinition(d);
  assert.ok(check.ok, JSON.stringify(check));
  assert.deepEqual(d.pages[1]!.showWhen, { field: 'trader', in: ['agent'] });
  // Moving the conditional page before the question it looks at is allowed on a draft, and the schema then refuses it.
  d = movePage(d, 'agent', 'up');
  const moved = checkDefinition(d);
  assert.ok(!moved.ok && moved.problems.some((p) => /not a field on an earlier page/.test(p)));
});

test('ids are checked: the pattern, used twice, and the editor\'s own words', () => {
  const d = treeWorks();
  assert.match(checkNewPage(d, { id: 'Trees', title: 'T', kind: 'fields', groupId: '', itemName: '' }).pageId!, /starts with a small letter/);
  assert.match(checkNewPage(d, { id: 'role', title: 'T', kind: 'fields', groupId: '', itemName: '' }).pageId!, /already used/);
  assert.match(checkNewPage(d, { id: 'remove', title: 'T', kind: 'fields', groupId: '', itemName: '' }).pageId!, /a word the editor uses/);
  assert.throws(() => addField(d, 'trees', { id: 'photo2', type: 'file', label: 'Photo' }), /cannot be inside a repeatable group/);
});

test('eligibility answers and fees are read from what an officer types', () => {
  assert.deepEqual(parseEligibilityOption('no: No => not needed: Only protected trees.'), { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'Only protected trees.' } });
  assert.deepEqual(parseEligibilityOption('street: A street tree => other service street-trees: Report it.'),
    { value: 'street', label: 'A street tree', outcome: { kind: 'other_service', serviceCode: 'street-trees', reason: 'Report it.' } });
  assert.match(parseEligibilityOption('yes: Yes => perhaps') as string, /after => write continue/);
  const d = treeWorks();
  assert.deepEqual(readRule(d, { kind: 'per_item', label: 'Each tree', amount: '12.50', group: 'tree', free: '1', field: '', amounts: '', values: '', percentOff: '' }).rule,
    { kind: 'per_item', label: 'Each tree', group: 'tree', amount: 1250, free: 1 });
  assert.deepEqual(readRule(d, { kind: 'concession', label: 'Pension', amount: '', group: '', free: '', field: 'pensioner', amounts: '', values: 'yes', percentOff: '150' }).problems,
    { percentOff: 'Enter the percentage off, a whole number from 1 to 100.' });
  const later = addSchedule(d, '2027-04-01');
  assert.deepEqual(later.fees.map((s) => s.effectiveFrom), ['2025-04-01', '2026-04-01', '2027-04-01']);
  assert.deepEqual(later.fees[2]!.rules, later.fees[1]!.rules, 'a new schedule starts with the rules before it');
});

test('translations: every word listed, set and cleared per language, and read by the applicant\'s pages', () => {
  const d = treeWorks();
  const words = formWords(d);
  const at = (where: string) => words.findIndex((w) => w.where === where);
  assert.equal(translationsOf(d, 'es')[at('Form: title')], 'Solicitar trabajos en árboles');
  const typed = translationsOf(d, 'ar');
  typed[at('Form: title')] = 'طلب أعمال الأشجار';
  typed[at('Page 3: what one item is called')] = 'شجرة';
  const translated = setTranslations(structuredClone(d), 'ar', typed);
  const arabic = localizeDefinition(translated, 'ar');
  assert.equal(arabic.title, 'طلب أعمال الأشجار');
  assert.equal(arabic.pages[2]!.group!.itemName, 'شجرة');
  assert.ok(checkDefinition(translated).ok);
  const cleared = setTranslations(translated, 'ar', translationsOf(translated, 'ar').map(() => ''));
  assert.equal(cleared.translations?.ar, undefined, 'emptied words leave no language behind');
  assert.equal(cleared.translations?.es?.title, 'Solicitar trabajos en árboles', 'other languages are kept');
});

test('the details set the licence\'s name and what it permits (optional), translatable like the form\'s other words', () => {
  const details = { title: 'Apply for a taxi driver licence', summary: 'Drive a taxi.', whatYouNeed: '', howLong: '6 weeks', licenceName: 'Taxi driver licence', licencePermits: 'Driving a licensed taxi' };
  assert.deepEqual(checkDetails({ ...details, licenceName: 'x'.repeat(201) }), { licenceName: 'The licence\'s name is at most 200 characters.' });
  let d = setDetails(treeWorks(), details);
  assert.ok(checkDefinition(d).ok);
  assert.equal(d.licenceName, 'Taxi driver licence');
  const words = formWords(d).map((w) => w.key);
  assert.ok(words.includes('licenceName') && words.includes('licencePermits'));
  d = setTranslations(d, 'ar', formWords(d).map((w) => (w.key === 'licenceName' ? 'رخصة سائق سيارة أجرة' : '')));
  assert.equal(localizeDefinition(d, 'ar').licenceName, 'رخصة سائق سيارة أجرة');
  assert.equal(localizeDefinition(d, 'es').licencePermits, 'Driving a licensed taxi', 'untranslated: the default words');
  d = setDetails(d, { ...details, licenceName: '', licencePermits: '' });
  assert.equal(d.licenceName, undefined, 'left empty, the service\'s name is used');
  assert.equal(d.licencePermits, undefined);
  const bad = checkDefinition({ ...treeWorks(), licenceName: '' });
  assert.ok(!bad.ok && bad.problems.some((p) => p.startsWith('licenceName:')));
});
