import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { verifyAuditChain } from '../audit/audit.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { applyStatusUpdate } from '../cases/outside-updates.js';
import { closingActionId, getServiceRequest } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import { recordFeedback } from '../feedback/feedback.js';
import { erasePersonalData, exportPersonalData } from './privacy.js';

const jurisdiction = { id: 'privacy.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 } };
const keyring = makeKeyring(newKey());
const EXEMPTION = 'Building safety records are kept 15 years by law.';

for (const database of databasesUnderTest()) {
  describe(`a person's data rights on ${database.name}`, () => {
    let t: TestDatabase;
    const ids: Record<string, string> = {};
    before(async () => {
      t = await createTestDatabase(database);
      await saveServiceGroup(t.db, jurisdiction.id, { code: 'g', name: 'G' }, 0, 'test');
      const service = { name: 'x', description: 'x', groupCode: 'g', keywords: [], type: 'realtime' as const, agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [] };
      await createService(t.db, jurisdiction.id, { ...service, code: 'litter' }, 'test');
      await createService(t.db, jurisdiction.id, { ...service, code: 'dangerous-building', erasureExemption: EXEMPTION }, 'test');
      const submit = (serviceCode: string, email: string) => submitCase(t.db, { jurisdiction, keyring }, 'web', {
        serviceCode, addressString: '1 High Street', attributes: {}, mediaUrls: [], contact: { email, firstName: 'Ada' },
      }, { actor: { id: 'test' } });
      ids.litter = (await submit('litter', 'Ada@Example.org')).id;
      ids.building = (await submit('dangerous-building', 'ada@example.org')).id;
      ids.other = (await submit('litter', 'someone-else@example.org')).id;
      // Ada's feedback on her litter report, with a comment that holds personal data.
      await applyStatusUpdate(t.db, jurisdiction.id, { updateId: 'close-litter', requestId: ids.litter, status: 'closed', state: 'fixed', updatedAt: new Date().toISOString(), description: null, mediaUrl: null }, { id: 'test' },
        { keyring, publicUrl: 'https://townhall.example', council: 'Test' });
      const litter = await getServiceRequest(t.db, jurisdiction.id, ids.litter);
      await recordFeedback(t.db, keyring, jurisdiction.id, { request: litter, closingActionId: (await closingActionId(t.db, Number(ids.litter)))! }, { fixed: true, satisfaction: 5, comment: 'Call Ada on 0123' }, 'test');
    });
    after(() => t.cleanup());

    test('an export holds every request the person reported, with their details and history, and is audited', async () => {
      const data = await exportPersonalData(t.db, keyring, jurisdiction.id, 'ada@example.org', 'staff:1');
      assert.deepEqual(data.serviceRequests.map((r) => r.serviceRequest.id).sort(), [ids.litter, ids.building].sort());
      assert.equal(data.serviceRequests[0]?.contact.firstName, 'Ada');
      assert.ok(data.serviceRequests.every((r) => r.history.some((h) => h.action === 'submitted')));
      const litter = data.serviceRequests.find((r) => r.serviceRequest.id === ids.litter)!;
      assert.deepEqual(litter.feedback.map((f) => [f.fixed, f.satisfaction, f.comment]), [[true, 5, 'Call Ada on 0123']], 'feedback comments are in the export');
      const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'personal_data.exported').executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(entry).includes('ada@example.org'), 'the audit trail names the person by hash only');
    });

    test('erasure removes the details except where the law requires keeping them, and says why', async () => {
      const result = await erasePersonalData(t.db, keyring, jurisdiction.id, 'ada@example.org', 'request by email of 3 March', 'staff:1');
      assert.deepEqual(result, { erased: [ids.litter], unfollowed: [], kept: [{ serviceRequestId: ids.building, reason: EXEMPTION }], applicationDrafts: [], alertSubscriptions: 0 });
      const remaining = await exportPersonalData(t.db, keyring, jurisdiction.id, 'ada@example.org', 'staff:1');
      assert.deepEqual(remaining.serviceRequests.map((r) => r.serviceRequest.id), [ids.building]);
      const feedback = await t.db.selectFrom('feedback').select(['comment', 'fixed']).where('case_id', '=', Number(ids.litter)).executeTakeFirstOrThrow();
      assert.deepEqual(feedback, { comment: null, fixed: 1 }, 'the comment is erased; the answer stays for statistics');
      const other = await exportPersonalData(t.db, keyring, jurisdiction.id, 'someone-else@example.org', 'staff:1');
      assert.equal(other.serviceRequests.length, 1, 'nobody else is touched');
      assert.equal((await verifyAuditChain(t.db)).ok, true);
      await assert.rejects(erasePersonalData(t.db, keyring, jurisdiction.id, 'ada@example.org', '', 'staff:1'), /Say why/);
      await assert.rejects(exportPersonalData(t.db, keyring, jurisdiction.id, 'not an email', 'staff:1'), /not an email address/);
    });
  });
}
