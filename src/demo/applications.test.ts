import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { currentForm, listApplicationServices } from '../applications/applications.js';
import { allFields, checkDefinition } from '../applications/definition.js';
import { calculateFee } from '../applications/fees.js';
import { localizeDefinition } from '../applications/localize.js';
import { APPLICATION_WORKFLOW_CODE, applicationWorkflow } from '../applications/workflow.js';
import { verifyAuditChain } from '../audit/audit.js';
import { registerOfLicences } from '../licences/register.js';
import { serviceWorkflowCode } from '../catalogue/catalogue.js';
import { demoApplicationServices } from './applications.js';
import { demoServices } from './catalogue-data.js';
import { loadConfig } from '../config.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { seedDemoApplications } from './application-examples.js';
import { seedDemoPeople } from './people.js';
import { seedDemoCatalogue, seedDemoIfEmpty } from './seed.js';
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
    const keyring = makeKeyring(newKey());
    // The document storage's interface, kept in memory: what the seed stores is read back from it.
    const files = new Map<string, Buffer>();
    const storage = {
      put: async (bytes: Buffer) => { const key = randomUUID(); files.set(key, bytes); return key; },
      get: async (key: string) => files.get(key)!,
      remove: async (key: string) => { files.delete(key); },
    };
    before(async () => {
      t = await createTestDatabase(database);
      await seedDemoCatalogue(t.db, jurisdictionId);
      await seedDemoDepartments(t.db, config, now);
      await seedDemoPeople(t.db, keyring, config);
      sent = await seedDemoApplications(t.db, config, keyring, now, storage);
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

    test('have a history of applications in every state of the workflow, across the services, each in its department\'s queue', async () => {
      const cases = await t.db.selectFrom('cases').select(['id', 'service_code', 'state', 'kind', 'department_id']).where('jurisdiction_id', '=', jurisdictionId).orderBy('id').execute();
      assert.equal(cases.length, sent);
      assert.ok(sent >= applicationWorkflow.states.length, `${sent} applications`);
      assert.ok(cases.every((c) => c.kind === 'application'));
      assert.ok(cases.every((c) => c.department_id !== null), 'each is in its department\'s queue');
      const states = new Set(cases.map((c) => c.state));
      for (const state of applicationWorkflow.states) assert.ok(states.has(state.code), `one is ${state.code}: ${[...states].join(', ')}`);
      assert.ok(new Set(cases.map((c) => c.service_code)).size >= 3, 'spread over the services');
      const applications = await t.db.selectFrom('applications').select(['case_id', 'fee_pence', 'payment_state', 'decision', 'decision_text', 'language', 'renews_licence_id']).execute();
      assert.equal(applications.length, sent);
      assert.deepEqual(new Set(applications.map((a) => a.language)), new Set(['en', 'es', 'ar']));
      const stateOf = (caseId: number) => cases.find((c) => c.id === caseId)!.state;
      // Decisions carry their conditions or reasons.
      for (const a of applications.filter((a) => a.decision !== null)) assert.ok((a.decision_text ?? '').trim().length > 0, `decision of ${a.case_id} says why`);
      assert.ok(applications.some((a) => a.decision === 'refused' && stateOf(a.case_id) === 'refused'));
      // A free registration, and fees paid online and at the counter, one of them refunded.
      assert.ok(applications.some((a) => a.payment_state === 'not_due'));
      const payments = await t.db.selectFrom('application_payments').select(['case_id', 'channel', 'state']).execute();
      for (const channel of ['online', 'counter']) assert.ok(payments.some((p) => p.channel === channel && p.state === 'success'), `paid ${channel}`);
      const refunds = await t.db.selectFrom('application_refunds').select(['case_id', 'status', 'amount_pence']).execute();
      assert.deepEqual(refunds.map((r) => [stateOf(r.case_id), r.status, r.amount_pence]), [['refused', 'success', 3500]]);
      // A consultation answered and one waiting; an inspection booked and one recorded with its checklist.
      const consultations = await t.db.selectFrom('application_consultations').select(['case_id', 'reply']).execute();
      assert.deepEqual(consultations.map((c) => c.reply === null).sort(), [false, false, true]);
      const inspections = await t.db.selectFrom('application_inspections').select(['case_id', 'status', 'outcome', 'results']).orderBy('starts_at').execute();
      assert.deepEqual(inspections.map((i) => [stateOf(i.case_id), i.status, i.outcome]).sort(), [['decision', 'done', 'pass'], ['inspection', 'booked', null]].sort());
      const recorded = inspections.find((i) => i.results !== null)!;
      assert.deepEqual(Object.keys(JSON.parse(recorded.results!) as object).sort(), formOf('food-business').inspection!.checklist.map((c) => c.id).sort());
      // Messages both ways: officers' to applicants, and an applicant's reply to a request for more information.
      const actions = await t.db.selectFrom('case_actions').select(['case_id', 'action']).execute();
      assert.ok(actions.some((a) => a.action === 'applicant_reply' && stateOf(a.case_id) === 'under_review'), 'a request for more information answered');
      assert.ok(actions.some((a) => a.action === 'public_update'), 'an officer\'s message');
      // Licences in each status, one near its end (renewal reminders start 60 days before), and its renewal.
      const licences = await t.db.selectFrom('licences').select(['id', 'case_id', 'holder_name', 'language', 'status', 'valid_from', 'valid_until']).execute();
      for (const status of ['issued', 'suspended', 'revoked']) assert.ok(licences.some((l) => l.status === status), `a licence is ${status}`);
      // (A street party's closure is approved for its one day, weeks ahead: it is not one near its end.)
      const nearEnd = licences.filter((l) => l.status === 'issued' && Date.parse(l.valid_from) < now.getTime() && Date.parse(l.valid_until) - now.getTime() < 60 * 86_400_000);
      assert.equal(nearEnd.length, 1);
      const renewal = applications.find((a) => a.renews_licence_id !== null)!;
      assert.equal(renewal.renews_licence_id, nearEnd[0]!.id);
      assert.equal(stateOf(renewal.case_id), 'received');
      // Every change is in the audit trail, whose chain holds.
      const audited = await t.db.selectFrom('audit_log').select('action').execute();
      for (const action of ['application.fee_calculated', 'application.information_requested', 'application.consultation_replied', 'application.inspection_recorded', 'application_payment.counter'])
        assert.ok(audited.some((a) => a.action === action), action);
      // The register shows the public services' licences, with names only where the council publishes them.
      const register = await registerOfLicences(t.db, jurisdictionId, { pageSize: 50 }, now);
      assert.ok(register.total >= 3, `${register.total} licences in the register`);
      const chain = await verifyAuditChain(t.db);
      assert.equal(chain.ok, true, JSON.stringify(chain));
    });

    test('seeds only once: seeding an already seeded database again changes nothing', async () => {
      const before = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(await seedDemoIfEmpty(t.db, config, keyring), null);
      const after = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
    });
    test('tree works applications carry a photo of each tree, kept through the document storage', async () => {
      const trees = await t.db.selectFrom('applications as a').innerJoin('cases as c', 'c.id', 'a.case_id').select(['a.case_id', 'a.draft_id', 'c.state'])
        .where('c.service_code', '=', 'tree-works').execute();
      assert.ok(trees.length >= 3, `${trees.length} tree works applications`);
      assert.ok(new Set(trees.map((a) => a.state)).size >= 3, 'in different states');
      for (const application of trees) {
        const documents = await t.db.selectFrom('application_documents').select(['storage_key', 'content_type', 'size', 'field']).where('draft_id', '=', application.draft_id).execute();
        assert.ok(documents.length >= 1);
        for (const d of documents) {
          const bytes = files.get(d.storage_key);
          assert.ok(bytes, 'the photo is in the storage');
          assert.equal(d.content_type, 'image/jpeg');
          assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a real JPEG');
          assert.ok(d.size === bytes.length && d.size < 20_000, `${d.size} bytes`);
        }
      }
    });

    test('the history happens over past weeks, each step after the one before, none after the seed', async () => {
      const sentAt = (await t.db.selectFrom('cases').select('requested_at').execute()).map((c) => Date.parse(String(c.requested_at)));
      const weeks = (Math.max(...sentAt) - Math.min(...sentAt)) / (7 * 86_400_000);
      assert.ok(weeks >= 4, `sent over ${weeks.toFixed(1)} weeks`);
      assert.ok(sentAt.every((at) => at <= now.getTime()));
      const actions = await t.db.selectFrom('case_actions').select(['case_id', 'created_at', 'id']).orderBy('case_id').orderBy('id').execute();
      const byCase = new Map<number, number[]>();
      for (const a of actions) byCase.set(a.case_id, [...(byCase.get(a.case_id) ?? []), Date.parse(String(a.created_at))]);
      for (const [caseId, times] of byCase) {
        assert.ok(times.every((at, n) => n === 0 || at >= times[n - 1]!), `case ${caseId}'s actions are in time order`);
        assert.ok(times.every((at) => at <= now.getTime()), `case ${caseId}: nothing after the seed`);
      }
      const spread = new Set(actions.map((a) => String(a.created_at).slice(0, 10)));
      assert.ok(spread.size >= 15, `actions on ${spread.size} different days`);
      const issued = (await t.db.selectFrom('licences').select('issued_at').execute()).map((l) => Date.parse(String(l.issued_at)));
      assert.ok(issued.every((at) => now.getTime() - at > 86_400_000), 'licences were issued days or years ago, not at seed time');
    });
  });
}
