/**
 * A sent application's answers are sealed at rest, on each database: the raw column holds no
 * applicant text, and every reader opens them (the staff panel, asking for more information,
 * the GovStack API, a renewal's prefilled draft). Answers stored in clear before this (and
 * answers sealed under an older key) are sealed anew by resealApplications, and read meanwhile.
 * A privacy export and an erasure still work for an applicant.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDraft, publishForm, resealApplications } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { decideApplication } from '../src/applications/review.js';
import { startRenewal } from '../src/applications/renewal.js';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { performCaseAction } from '../src/cases/actions.js';
import { makeKeyring, newKey, open, sealedWith } from '../src/platform/crypto.js';
import { erasePersonalData, exportPersonalData } from '../src/privacy/privacy.js';
import { applyForTreeWorks, scannerFor, TREES, treeService } from './application-client.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`a sent application's answers are sealed at rest (${database.name})`, () => {
    let t: RunningTownhall;
    let officer: WebClient;
    let apiKey: string;
    const stored = async (caseId: number) => (await t.db.selectFrom('applications').select('answers').where('case_id', '=', caseId).executeTakeFirstOrThrow()).answers;
    const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
    const ctx = () => ({ jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } });
    const api = async (path: string) => {
      const response = await fetch(`${t.baseUrl}/registration/v1${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: response.status, text: await response.text() };
    };

    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, treeService], applications: { scanner: scannerFor([]) } });
      await t.db.updateTable('services').set({ department_code: 'parks' }).where('code', '=', TREES).execute();
      await publishForm(t.db, t.jurisdiction.id, TREES, { ...treeWorks(), validityDays: 365 }, 'test');
      const signed = await signedInAs(t, 'sealed.officer@council.example', 'supervisor', 'parks');
      officer = new WebClient(t.baseUrl);
      officer.cookies.set('townhall_session', signed.cookie.split('=')[1]!);
      officer.csrf = signed.csrf;
      apiKey = (await createApiKey(t.db, { name: 'operator', scopes: ['registration:read', 'registration:operate'] }, 'test')).key;
    });
    after(async () => t?.close());

    test('the raw column holds no applicant text, and every reader shows the answers', async () => {
      const { reference } = await applyForTreeWorks(t, new WebClient(t.baseUrl), 'sealed.applicant@example.org');
      const raw = await stored(reference);
      assert.equal(sealedWith(raw), t.keyring.current.id, 'sealed with the current key');
      for (const text of ['Oak', 'fell', 'owner', '2027-03-01', 'Polygon']) assert.ok(!raw.includes(text), `"${text}" is not readable at rest`);
      assert.equal(JSON.parse(open(t.keyring, 'application_answers', raw)).role, 'owner');
      assert.throws(() => open(t.keyring, 'application_draft', raw), 'bound to its own column');

      const panel = await officer.get(`/staff/requests/${reference}`);
      assert.equal(panel.status, 200);
      assert.match(panel.html, /Oak/, 'the staff panel shows the answers');
      const ask = await officer.get(`/staff/applications/${reference}/request-information`);
      assert.equal(ask.status, 200);
      assert.match(ask.html, /value="answer:tree"/, 'asking for more information lists the answers given');
      assert.doesNotMatch(ask.html, /value="answer:pensioner"/, 'and not those left out');

      const file = await api(`/applications/${reference}`);
      assert.equal(file.status, 200, file.text);
      assert.match(file.text, /"Oak"/, 'the GovStack API gives the answers');

      await performCaseAction(t.db, ctx(), reference, { kind: 'transition', transition: 'review' }, admin, `review-${reference}`);
      await decideApplication(t.db, ctx(), reference, { outcome: 'approve', text: '', validFrom: '2026-01-01', validUntil: '2026-12-31' }, admin, `decide-${reference}`);
      const licence = await t.db.selectFrom('licences').select('number').where('case_id', '=', reference).executeTakeFirstOrThrow();
      const renewal = await loadDraft(t.db, t.keyring, t.jurisdiction.id, await startRenewal(t.db, t.keyring, t.jurisdiction.id, licence.number, null, 'en'));
      assert.match(JSON.stringify(renewal?.answers), /Oak/, 'a renewal is prefilled from the sealed answers');
    });

    test('answers stored in clear (before sealing) are read, then sealed by resealApplications; rotation re-seals them', async () => {
      const { reference } = await applyForTreeWorks(t, new WebClient(t.baseUrl), 'legacy.applicant@example.org');
      const clear = open(t.keyring, 'application_answers', await stored(reference)).replace('Oak', 'Old Yew');
      await t.db.updateTable('applications').set({ answers: clear }).where('case_id', '=', reference).execute();
      assert.match((await officer.get(`/staff/requests/${reference}`)).html, /Old Yew/, 'a row still in clear is read as it is');

      assert.equal(await resealApplications(t.db, t.keyring, { batchSize: 1 }), 1, 'only the row in clear is sealed');
      const sealed = await stored(reference);
      assert.equal(sealedWith(sealed), t.keyring.current.id);
      assert.ok(!sealed.includes('Old Yew'));
      assert.equal(await resealApplications(t.db, t.keyring), 0, 'a second pass has nothing to do');
      assert.match((await officer.get(`/staff/requests/${reference}`)).html, /Old Yew/);

      const rotated = makeKeyring(newKey(), [...t.keyring.keys.values()]);
      const count = await t.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(await resealApplications(t.db, rotated, { rotating: true, batchSize: 1 }), Number(count.n), 'rotation re-seals every application');
      assert.equal(sealedWith(await stored(reference)), rotated.current.id);
      assert.match(open(makeKeyring(rotated.current.key), 'application_answers', await stored(reference)), /Old Yew/, 'opens with the new key alone');
      assert.equal(await resealApplications(t.db, rotated, { rotating: true }), 0);
    });

    test('a privacy export and an erasure still work for someone who sent an application', async () => {
      const email = 'privacy.applicant@example.org';
      const { reference } = await applyForTreeWorks(t, new WebClient(t.baseUrl), email);
      const exported = await exportPersonalData(t.db, t.keyring, t.jurisdiction.id, email, 'test');
      assert.deepEqual(exported.serviceRequests, [], 'an application is not a service request');
      assert.deepEqual(exported.applications.map((a) => a.application.reference), [String(reference)]);
      const [application] = exported.applications;
      assert.equal(application!.contact.email, email);
      assert.equal(application!.application.serviceCode, TREES);
      assert.match(JSON.stringify(application!.application.answers), /Oak/, 'the export gives the answers in clear');
      assert.ok(application!.history.length > 0);
      const erased = await erasePersonalData(t.db, t.keyring, t.jurisdiction.id, email, 'request by email', 'test');
      assert.deepEqual([...erased.erased, ...erased.kept.map((k) => k.serviceRequestId)], [String(reference)]);
      const panel = await officer.get(`/staff/requests/${reference}`);
      assert.equal(panel.status, 200, 'the case still opens after the erasure');
      assert.match(panel.html, /Oak/);
      assert.ok(!(await stored(reference)).includes('Oak'));
    });
  });
}
