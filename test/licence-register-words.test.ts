/**
 * The public register names each licence as its service calls it, in the reader's language
 * (the form's licence name, else the catalogue's name of the service), says what it permits
 * without repeating that name, and reads as labelled lines on a phone (table.stack-on-phone).
 * On each database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishForm } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { decideApplication } from '../src/applications/review.js';
import { performCaseAction } from '../src/cases/actions.js';
import { issueLicence } from '../src/licences/licences.js';
import { setLicenceRegister } from '../src/licences/register.js';
import { applyForTreeWorks, scannerFor, TREES, treeService } from './application-client.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const named = () => {
  const form = treeWorks();
  return {
    ...form, licenceName: 'Tree works consent', licencePermits: 'Pruning or felling the trees listed in the application',
    translations: { ...form.translations, ar: { title: 'طلب العمل على الأشجار', licenceName: 'إذن أعمال الأشجار', licencePermits: 'تقليم أو قطع الأشجار المذكورة في الطلب' } },
  };
};

for (const database of databasesUnderTest()) {
  describe(`the register names licences in the reader's language (${database.name})`, () => {
    let t: RunningTownhall;
    let issued: string;
    let legacy: string;
    const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
    const ctx = () => ({ jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } });
    const register = async (query = '') => (await fetch(`${t.baseUrl}/licences${query}`)).text();
    /** Each row of the register's table: its cells' labels and texts. */
    const rows = (html: string) => [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].slice(1).map((row) =>
      Object.fromEntries([...row[1]!.matchAll(/<td data-label="([^"]*)"[^>]*>(.*?)<\/td>/gs)].map((cell) => [cell[1]!, cell[2]!.replace(/<[^>]+>/g, '')])));

    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, treeService], applications: { scanner: scannerFor([]) } });
      await publishForm(t.db, t.jurisdiction.id, TREES, named(), 'test');
      await setLicenceRegister(t.db, t.jurisdiction.id, TREES, { publicRegister: true, publishHolderName: false }, 'test');
      const { reference } = await applyForTreeWorks(t, new WebClient(t.baseUrl), 'holder@example.org');
      await performCaseAction(t.db, ctx(), reference, { kind: 'transition', transition: 'review' }, admin, `review-${reference}`);
      await decideApplication(t.db, ctx(), reference, { outcome: 'approve', text: '', validFrom: '2026-01-01', validUntil: '2027-12-31' }, admin, `decide-${reference}`);
      issued = (await t.db.selectFrom('licences').select('number').where('case_id', '=', reference).executeTakeFirstOrThrow()).number;
      // A licence issued before forms named their licences: the form's title as its name and as what it permits.
      legacy = (await issueLicence(t.db, {
        caseId: reference, serviceCode: TREES, serviceName: 'Apply to work on trees', holderName: 'Rowan Oakley', permits: 'Apply to work on trees', conditions: [],
        validFrom: '2026-01-01', validUntil: '2027-12-31', language: 'en',
      }, admin, ctx())).number;
    });
    after(async () => t?.close());

    test('an approval issues the licence under the form\'s licence name, with what it permits', async () => {
      const row = await t.db.selectFrom('licences').select(['service_name', 'permits']).where('number', '=', issued).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { service_name: 'Tree works consent', permits: 'Pruning or felling the trees listed in the application' });
    });

    test('in Arabic and in English: the licence name, what it permits, never the form\'s title; a block of labelled lines on a phone', async () => {
      const arabic = await register('?lang=ar');
      assert.match(arabic, /<table class="stack-on-phone register">/);
      assert.ok(!arabic.includes('Apply to work on trees') && !arabic.includes('طلب العمل على الأشجار'), 'the form\'s title is not the licence\'s name');
      const shown = rows(arabic);
      assert.equal(shown.length, 2);
      for (const row of shown) {
        assert.equal(row['الرخصة'], 'إذن أعمال الأشجار');
        assert.equal(row['ما تسمح به'], 'تقليم أو قطع الأشجار المذكورة في الطلب');
      }
      assert.deepEqual(shown.map((r) => r['رقم الرخصة']).sort(), [issued, legacy].sort());
      assert.match(arabic, new RegExp(`<span class="licence-number" dir="ltr">${issued}</span>`), 'the number reads left to right and does not break');

      const english = rows(await register());
      assert.deepEqual(english.map((r) => [r.Licence, r['What it permits']]), [
        ['Tree works consent', 'Pruning or felling the trees listed in the application'], ['Tree works consent', 'Pruning or felling the trees listed in the application'],
      ]);
    });

    test('a form that names no licence: the catalogue\'s service name, and nothing said twice', async () => {
      await publishForm(t.db, t.jurisdiction.id, TREES, treeWorks(), 'test');
      const byNumber = new Map(rows(await register()).map((r) => [r['Licence number'], r]));
      assert.equal(byNumber.get(legacy)?.Licence, treeService.name);
      assert.equal(byNumber.get(legacy)?.['What it permits'], '', 'the title it carries only repeats what the licence is');
      assert.equal(byNumber.get(issued)?.Licence, 'Tree works consent', 'issued under a name of its own, it keeps it');
      assert.equal(byNumber.get(issued)?.['What it permits'], 'Pruning or felling the trees listed in the application');
      assert.match(await register('?lang=ar'), /class="empty"/);
    });
  });
}
