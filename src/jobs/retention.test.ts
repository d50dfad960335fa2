import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { verifyAuditChain } from '../audit/audit.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { applyStatusUpdate } from '../cases/outside-updates.js';
import { getServiceRequest } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import { anonymiseExpiredReporters } from './retention.js';

const jurisdiction = { id: 'retention.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 } };
const context = { jurisdiction, keyring: makeKeyring(newKey()) };
const notify = { keyring: context.keyring, publicUrl: 'https://townhall.example', council: 'Test Council' };
const DAY = 86_400_000;

for (const database of databasesUnderTest()) {
  describe(`retention on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
      await saveServiceGroup(t.db, jurisdiction.id, { code: 'streets', name: 'Streets' }, 0, 'test');
      const service = { name: 'x', description: 'x', groupCode: 'streets', keywords: [], type: 'realtime' as const, agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [] };
      await createService(t.db, jurisdiction.id, { ...service, code: 'litter', retentionDays: 30 }, 'test');
      await createService(t.db, jurisdiction.id, { ...service, code: 'statutory', retentionDays: null }, 'test');
    });
    after(() => t.cleanup());

    const report = async (serviceCode: string, closedDaysAgo: number | null) => {
      const created = await submitCase(t.db, context, 'web', {
        serviceCode, addressString: '1 High Street', attributes: {}, mediaUrls: [], contact: { email: 'someone@example.org', phone: '0123 456789' },
      }, { actor: { id: 'test' } });
      if (closedDaysAgo !== null) {
        await applyStatusUpdate(t.db, jurisdiction.id, {
          updateId: `close-${created.id}`, requestId: created.id, status: 'closed', state: 'fixed',
          updatedAt: new Date(Date.now() - closedDaysAgo * DAY).toISOString(), description: 'Cleared', mediaUrl: null,
        }, { id: 'test' }, notify);
      }
      return created.id;
    };
    const hasReporter = async (id: string) => (await t.db.selectFrom('case_reporters').select('case_id').where('case_id', '=', Number(id)).executeTakeFirst()) !== undefined;

    test('details go once the period after closure ends; open, recent and keep-until-erased cases keep them', async () => {
      const expired = await report('litter', 31);
      const recent = await report('litter', 29);
      const open = await report('litter', null);
      const statutory = await report('statutory', 400);

      const result = await anonymiseExpiredReporters(t.db, jurisdiction.id);
      assert.deepEqual(result, { anonymised: 1, guestFollowers: 0, applicationDrafts: 0, ran: true });
      assert.equal(await hasReporter(expired), false);
      for (const kept of [recent, open, statutory]) assert.equal(await hasReporter(kept), true, `case ${kept} keeps its reporter`);

      const stillThere = await getServiceRequest(t.db, jurisdiction.id, expired);
      assert.equal(stillThere.status, 'closed', 'the case itself stays for the statistics');
      const action = await t.db.selectFrom('case_actions').selectAll().where('case_id', '=', Number(expired)).where('action', '=', 'reporter_anonymised').executeTakeFirst();
      assert.ok(action, 'the anonymisation is recorded on the case');
      const audit = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', expired).where('action', '=', 'service_request.reporter_anonymised').executeTakeFirst();
      assert.ok(audit);
      assert.equal((await verifyAuditChain(t.db)).ok, true);

      assert.deepEqual(await anonymiseExpiredReporters(t.db, jurisdiction.id), { anonymised: 0, guestFollowers: 0, applicationDrafts: 0, ran: true }, 'a second run has nothing to do');
      const later = await anonymiseExpiredReporters(t.db, jurisdiction.id, { now: new Date(Date.now() + 2 * DAY) });
      assert.equal(later.anonymised, 1, 'the recent one expires in its turn');
      assert.equal(await hasReporter(recent), false);
    });

    test('a feedback comment goes with the reporter\'s details; the answer stays for the statistics', async () => {
      const id = await report('litter', 45);
      await t.db.insertInto('feedback').values({ case_id: Number(id), service_code: 'litter', closing_action_id: 1, fixed: 1, satisfaction: 4, comment: 'sealed text', created_at: new Date().toISOString() }).execute();
      await anonymiseExpiredReporters(t.db, jurisdiction.id);
      const row = await t.db.selectFrom('feedback').select(['comment', 'fixed', 'satisfaction']).where('case_id', '=', Number(id)).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, fixed: Number(row.fixed) }, { comment: null, fixed: 1, satisfaction: 4 });
    });

    test('works through more expired cases than one batch', async () => {
      for (let n = 0; n < 7; n++) await report('litter', 60);
      const result = await anonymiseExpiredReporters(t.db, jurisdiction.id, { batchSize: 3 });
      assert.equal(result.anonymised, 7);
    });
  });
}
