import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { openQueuedEmail } from '../notifications/email.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { applyStatusUpdate } from '../cases/outside-updates.js';
import { caseHistory, getServiceRequest } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import { feedbackEligibility, feedbackForCase, feedbackSummary, parseFeedbackForm, recordFeedback } from './feedback.js';
import { feedbackKey, isFeedbackKey } from '../notifications/feedback-links.js';

const jurisdiction = { id: 'unit.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 } };
const keyring = makeKeyring(newKey());
const notify = { keyring, publicUrl: 'https://townhall.example', council: 'Test Council' };

describe('the feedback form', () => {
  test('needs fixed yes or no; satisfaction 1 to 5 or nothing; a comment of at most 2,000 characters', () => {
    assert.deepEqual(parseFeedbackForm({ fixed: 'yes', satisfaction: '', comment: '  ' }), { ok: true, answer: { fixed: true, satisfaction: null, comment: null } });
    assert.deepEqual(parseFeedbackForm({ fixed: 'no', satisfaction: '5', comment: ' Still there ' }), { ok: true, answer: { fixed: false, satisfaction: 5, comment: 'Still there' } });
    const bad = parseFeedbackForm({ fixed: 'maybe', satisfaction: '6', comment: 'é'.repeat(2001) });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.deepEqual(Object.keys(bad.errors).sort(), ['comment', 'fixed', 'satisfaction']);
      assert.deepEqual(bad.errors.comment?.values, { max: 2000, count: 2001 });
    }
    // Characters, not bytes: 2,000 accented letters are allowed.
    assert.equal(parseFeedbackForm({ fixed: 'yes', satisfaction: '', comment: 'é'.repeat(2000) }).ok, true);
  });

  test('a feedback key is for one closure of one case, and survives a key rotation', () => {
    const key = feedbackKey(keyring, 12, 34);
    assert.ok(isFeedbackKey(keyring, 12, 34, key));
    assert.ok(!isFeedbackKey(keyring, 12, 35, key));
    assert.ok(!isFeedbackKey(keyring, 13, 34, key));
    assert.ok(!isFeedbackKey(keyring, 12, 34, key.toUpperCase()));
    assert.ok(!isFeedbackKey(keyring, 12, 34, ''));
    assert.ok(isFeedbackKey(makeKeyring(newKey(), [keyring.current.key]), 12, 34, key));
  });
});

for (const database of databasesUnderTest()) {
  describe(`feedback on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
      await saveServiceGroup(t.db, jurisdiction.id, { code: 'roads', name: 'Roads' }, 0, 'test');
      const service = { description: 'x', groupCode: 'roads', keywords: [], type: 'realtime' as const, agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [] };
      await createService(t.db, jurisdiction.id, { ...service, code: 'pothole', name: 'Pothole' }, 'test');
      await createService(t.db, jurisdiction.id, { ...service, code: 'litter', name: 'Litter' }, 'test');
    });
    after(() => t.cleanup());

    const closedCase = async (serviceCode: string) => {
      const created = await submitCase(t.db, { jurisdiction, keyring }, 'web', {
        serviceCode, addressString: '1 High Street', attributes: {}, mediaUrls: [], contact: { email: 'ada@example.org' },
      }, { actor: { id: 'test' } });
      const applied = await applyStatusUpdate(t.db, jurisdiction.id, {
        updateId: `close-${created.id}`, requestId: created.id, status: 'closed', state: 'fixed', updatedAt: new Date().toISOString(), description: 'Done', mediaUrl: null,
      }, { id: 'test' }, notify);
      return { id: created.id, closingActionId: Number(applied.updateId) };
    };
    const answer = async (serviceCode: string, fixed: boolean, satisfaction: number | null) => {
      const closed = await closedCase(serviceCode);
      const eligible = await feedbackEligibility(t.db, keyring, jurisdiction.id, closed.id, { key: feedbackKey(keyring, Number(closed.id), closed.closingActionId) });
      assert.ok(eligible.ok);
      return recordFeedback(t.db, keyring, jurisdiction.id, eligible, { fixed, satisfaction, comment: null }, 'test');
    };

    test('closing queues the reporter a case_closed email in the same transaction, with the feedback link', async () => {
      const closed = await closedCase('pothole');
      const rows = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();
      const emails = rows.map((row) => openQueuedEmail(keyring, JSON.parse(row.payload))).filter((e) => e.template === 'case_closed' && e.text.includes(`reference ${closed.id}`));
      assert.equal(emails.length, 1);
      assert.ok(emails[0]!.text.includes(`https://townhall.example/requests/${closed.id}/feedback?key=${feedbackKey(keyring, Number(closed.id), closed.closingActionId)}`));
    });

    test('feedbackSummary counts answers, the share fixed and the mean satisfaction, per service or for all', async () => {
      assert.deepEqual(await feedbackSummary(t.db, jurisdiction.id, { serviceCode: 'nothing-yet' }), { answers: 0, fixedShare: null, averageSatisfaction: null });
      await answer('pothole', true, 5);
      await answer('pothole', true, 4);
      await answer('pothole', false, null);
      await answer('litter', true, 1);
      const potholes = await feedbackSummary(t.db, jurisdiction.id, { serviceCode: 'pothole' });
      assert.equal(potholes.answers, 3);
      assert.equal(potholes.fixedShare, 2 / 3);
      assert.equal(potholes.averageSatisfaction, 4.5);
      assert.deepEqual(await feedbackSummary(t.db, jurisdiction.id), { answers: 4, fixedShare: 3 / 4, averageSatisfaction: 10 / 3 });
      assert.deepEqual(await feedbackSummary(t.db, 'another.example'), { answers: 0, fixedShare: null, averageSatisfaction: null });
    });

    test('"not fixed" reopens the case in the same transaction; a second answer is refused', async () => {
      const closed = await closedCase('litter');
      const key = feedbackKey(keyring, Number(closed.id), closed.closingActionId);
      const eligible = await feedbackEligibility(t.db, keyring, jurisdiction.id, closed.id, { key });
      assert.ok(eligible.ok);
      assert.deepEqual(await recordFeedback(t.db, keyring, jurisdiction.id, eligible, { fixed: false, satisfaction: 2, comment: 'My phone is 0123' }, 'test'), { reopened: true });
      // The comment may hold personal data: stored sealed, read back only with the key.
      const stored = await t.db.selectFrom('feedback').select('comment').where('case_id', '=', Number(closed.id)).executeTakeFirstOrThrow();
      assert.ok(stored.comment && !stored.comment.includes('0123'), 'the comment is not stored in clear');
      assert.deepEqual((await feedbackForCase(t.db, keyring, Number(closed.id))).map((f) => f.comment), ['My phone is 0123']);
      const reopened = await getServiceRequest(t.db, jurisdiction.id, closed.id);
      assert.equal(reopened.status, 'open');
      assert.equal(reopened.state, 'reopened');
      assert.equal(reopened.closedAt, null);
      assert.equal((await caseHistory(t.db, Number(closed.id))).at(-1)?.action, 'reopened');
      await assert.rejects(recordFeedback(t.db, keyring, jurisdiction.id, eligible, { fixed: false, satisfaction: null, comment: null }, 'test'), { name: 'Error', message: /already given/ });
      const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', closed.id).execute();
      assert.ok(audit.some((a) => a.action === 'service_request.reopened'));
      assert.ok(audit.every((a) => !(a.after ?? '').includes('0123')), 'no comment text in the audit trail');
    });
  });
}
