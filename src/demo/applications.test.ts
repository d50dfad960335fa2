import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { currentForm, listApplicationServices } from '../applications/applications.js';
import { allFields, checkDefinition } from '../applications/definition.js';
import { calculateFee } from '../applications/fees.js';
import { localizeDefinition } from '../applications/localize.js';
import { APPLICATION_WORKFLOW_CODE } from '../applications/workflow.js';
import { serviceWorkflowCode } from '../catalogue/catalogue.js';
import { demoApplicationServices } from './applications.js';
import { demoServices } from './catalogue-data.js';
import { loadConfig } from '../config.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { seedDemoApplications } from './application-examples.js';
import { seedDemoCatalogue } from './seed.js';
import { seedDemoDepartments } from './workspace.js';

const formOf = (code: string) => demoApplicationServices.find((s) => s.service.code === code)!.form;
const DAY = '2026-12-07';

test('every demo application form is a valid definition, translated into Spanish and Arabic', () => {
  assert.equal(demoApplicationServices.length, 4);
  for (const { service, form } of demoApplicationServices) {
    const checked = checkDefinition(JSON.parse(JSON.stringify(form)));
    assert.ok(checked.ok, `${service.code}: ${checked.ok ? '' : checked.problems.join('; ')}`);
    assert.ok(form.eligibility.length >= 1, `${service.code} asks who it is for`);
    for (const language of ['es', 'ar']) {
      const localized = localizeDefinition(form, language);
      assert.notEqual(localized.title, form.title, `${service.code} has a ${language} title`);
      assert.ok(service.translations?.[language]?.name, `${service.code} has a ${language} name in the catalogue`);
      // Every field's label and every option is translated, so no English is left in the form's own words.
      for (const { field } of allFields(localized)) {
        const english = allFields(form).find((f) => f.field.id === field.id)!.field;
        assert.notEqual(field.label, english.label, `${service.code} ${field.id} label in ${language}`);
        for (const [n, option] of (field.options ?? []).entries()) assert.notEqual(option.label, english.options![n]!.label, `${service.code} ${field.id} option ${option.value} in ${language}`);
      }
    }
    // An eligibility answer that sends the resident elsewhere names a service the demo has.
    for (const q of form.eligibility) for (const o of q.options) {
      if (o.outcome.kind === 'other_service') assert.ok(demoServices.some((s) => s.code === (o.outcome as { serviceCode: string }).serviceCode));
    }
  }
});

test('the demo forms charge what their services say: fixed, per tree, free, and a concession', () => {
  assert.equal(calculateFee(formOf('street-party'), {}, DAY).total, 3500);
  const trees = [{ species: 'Oak', work: 'prune' }, { species: 'Ash', work: 'fell' }, { species: 'Lime', work: 'prune' }];
  assert.equal(calculateFee(formOf('tree-works'), { tree: trees }, DAY).total, 2000 + 3 * 1500);
  assert.equal(calculateFee(formOf('food-business'), { business_type: 'shop' }, DAY).total, 0);
  assert.equal(calculateFee(formOf('taxi-driver'), { pension_credit: 'no' }, DAY).total, 24000);
  assert.equal(calculateFee(formOf('taxi-driver'), { pension_credit: 'yes' }, DAY).total, 12000);
});

for (const database of databasesUnderTest()) {
  describe(`the demo's application services on ${database.name}`, () => {
    let t: TestDatabase;
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
    const jurisdictionId = config.jurisdiction.id;
    const now = new Date('2026-12-07T06:00:00Z');
    let sent = 0;
    before(async () => {
      t = await createTestDatabase(database);
      await seedDemoCatalogue(t.db, jurisdictionId);
      await seedDemoDepartments(t.db, config, now);
      sent = await seedDemoApplications(t.db, config, makeKeyring(newKey()), now);
    });
    after(() => t.cleanup());

    test('are published, each at version 1 on the applications workflow, beside the reporting services', async () => {
      const published = await listApplicationServices(t.db, jurisdictionId);
      assert.deepEqual(published.map((f) => f.serviceCode).sort(), ['food-business', 'street-party', 'taxi-driver', 'tree-works']);
      for (const form of published) {
        assert.equal(form.version, 1);
        assert.ok(checkDefinition(form.definition).ok, `${form.serviceCode} as stored is still valid`);
        assert.deepEqual(form.definition, formOf(form.serviceCode));
        assert.equal(await serviceWorkflowCode(t.db, jurisdictionId, form.serviceCode), APPLICATION_WORKFLOW_CODE);
      }
      assert.equal((await currentForm(t.db, jurisdictionId, 'street-party')).definition.pages.some((p) => p.fields?.some((f) => f.type === 'map_area')), true);
      const services = await t.db.selectFrom('services').select('code').where('jurisdiction_id', '=', jurisdictionId).execute();
      assert.equal(services.length, demoServices.length + demoApplicationServices.length);
    });

    test('have applications in the queue: received, waiting for more information, and approved with its licence issued', async () => {
      const cases = await t.db.selectFrom('cases').select(['id', 'service_code', 'state', 'kind', 'department_id']).where('jurisdiction_id', '=', jurisdictionId).orderBy('id').execute();
      assert.equal(cases.length, sent);
      assert.ok(cases.every((c) => c.kind === 'application'));
      assert.ok(cases.every((c) => c.department_id !== null), 'each is in its department\'s queue');
      const states = cases.map((c) => c.state);
      for (const state of ['received', 'more_information', 'issued']) assert.ok(states.includes(state), `one is ${state}: ${states.join(', ')}`);
      const applications = await t.db.selectFrom('applications').select(['case_id', 'fee_pence', 'payment_state', 'decision', 'language']).execute();
      assert.equal(applications.length, sent);
      const taxi = cases.find((c) => c.service_code === 'taxi-driver')!;
      const decided = applications.find((a) => a.case_id === taxi.id)!;
      assert.equal(decided.decision, 'approved');
      assert.equal(decided.fee_pence, 24000);
      assert.equal(decided.language, 'ar');
      assert.equal(applications.find((a) => a.case_id === cases.find((c) => c.service_code === 'food-business')!.id)!.payment_state, 'not_due');
      // The approval issued the taxi licence, in Arabic, to its holder.
      const licences = await t.db.selectFrom('licences').select(['case_id', 'holder_name', 'language', 'status']).execute();
      assert.deepEqual(licences, [{ case_id: taxi.id, holder_name: 'Omar Haddad', language: 'ar', status: 'issued' }]);
      // Every change is in the audit trail, as a resident's and an officer's would be.
      const audited = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(taxi.id)).execute();
      assert.ok(audited.some((a) => a.action === 'application.fee_calculated'));
    });
  });
}
