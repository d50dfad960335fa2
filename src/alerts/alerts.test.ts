import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { verifyAuditChain } from '../audit/audit.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { createUser } from '../identity/users.js';
import type { Role } from '../identity/roles.js';
import { approveAlert, checkAlert, currentPublicAlerts, draftAlert, editAlert, findAlert, rejectAlert, type AlertActor, type AlertInput, type InfoInput } from './alerts.js';

const hour = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * hour).toISOString();
const SQUARE = '37.75,-122.43 37.75,-122.40 37.78,-122.40 37.78,-122.43 37.75,-122.43';

export const info = (language: string, extra: Partial<InfoInput> = {}): InfoInput => ({
  language, categories: ['Health'], event: 'Boil water notice', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed',
  headline: 'Boil tap water before drinking', description: 'A water main burst; the water may be contaminated.',
  instruction: 'Boil water for one minute before drinking or cooking.', web: '', contact: '', ...extra,
});

const input = (extra: Partial<AlertInput> = {}): AlertInput => ({
  msgType: 'Alert', status: 'Actual', scope: 'Public', referencesId: null, areaDescription: 'Mission District',
  polygons: [SQUARE], circles: [], onset: null, expires: inHours(24), infos: [info('en'), info('es', { headline: 'Hierva el agua' })], ...extra,
});

/** All the problems a refusal names. */
async function problemsOf(work: Promise<unknown> | (() => unknown)): Promise<string[]> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    return error.problems;
  }
  assert.fail('expected a refusal');
}

test('every problem of a draft is named at once', async () => {
  const problems = await problemsOf(() => checkAlert(input({
    msgType: 'Warning', status: 'Real', scope: 'Everyone', areaDescription: '', polygons: ['37.75,-122.43 37.78,-122.40 37.75,-122.40 37.78,-122.43 37.75,-122.43'],
    circles: ['37.75,-122.43 0'], onset: inHours(30), expires: inHours(20),
    infos: [info('en', { urgency: 'Soon', categories: [], headline: '', description: '', web: 'javascript:alert(1)' }), info('en'), info('es', { event: 'x'.repeat(200) })],
  })));
  const expected = [
    /message type must be one of Alert, Update, Cancel/, /status must be one of Actual/, /scope must be one of Public/, /Describe the area/,
    /crosses itself/, /circle is not valid: the radius/, /must expire after its onset/, /written in en twice/, /In en: choose at least one category/,
    /In en: choose the urgency/, /In en: write a headline/, /In en: write a description/, /In en: the web address must start with https/,
    /In es: the event is 200 characters long: keep it to 120/,
  ];
  for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${problems.join(' | ')}`);
});

test('an area exported from a GIS and pasted as GeoJSON stands beside CAP polygons; one with a hole is refused', async () => {
  const ring = [[-122.43, 37.75], [-122.40, 37.75], [-122.40, 37.78], [-122.43, 37.78], [-122.43, 37.75]];
  const checked = checkAlert(input({ polygons: [JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } })] }));
  assert.deepEqual(checked.area.polygons[0]![0], { lat: 37.75, long: -122.43 });
  const problems = await problemsOf(() => checkAlert(input({ polygons: [JSON.stringify({ type: 'Polygon', coordinates: [ring, ring] })] })));
  assert.ok(problems.some((p) => /hole/.test(p)), problems.join(' | '));
});

test('an alert needs an area, a future expiry, English, and Update or Cancel a reference', async () => {
  const problems = await problemsOf(() => checkAlert(input({ polygons: [''], expires: inHours(-1), infos: [info('es')], msgType: 'Cancel' })));
  for (const pattern of [/Give the area/, /expiry time has passed/, /Write the alert in English/, /Cancel must name the approved alert it follows/]) {
    assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${problems.join(' | ')}`);
  }
  assert.deepEqual(await problemsOf(() => checkAlert(input({ infos: [] }))), ['Write the alert in at least one language.']);
  assert.match((await problemsOf(() => checkAlert(input({ referencesId: 3 }))))[0]!, /A new alert references nothing/);
});

for (const database of databasesUnderTest()) {
  describe(`alerts on ${database.name}`, () => {
    let t: TestDatabase;
    let first: AlertActor; let second: AlertActor; let admin: AlertActor; let worker: AlertActor;
    const sender = 'test.townhall.example';
    const person = async (email: string, role: Role, department: string | null = null): Promise<AlertActor> => {
      const created = await createUser(t.db, makeKeyring(newKey()), { email, role, departmentCode: department }, { publicUrl: 'https://townhall.example', issuer: 'Test' }, 'test');
      return { userId: Number(created.id), role };
    };
    before(async () => {
      t = await createTestDatabase(database);
      first = await person('officer1@example.org', 'emergency_officer');
      second = await person('officer2@example.org', 'emergency_officer');
      admin = await person('admin@example.org', 'system_admin');
      worker = await person('analyst@example.org', 'analyst');
    });
    after(() => t.cleanup());

    test('a draft needs a second officer: the author cannot approve it, another officer can, and it is then public', async () => {
      const draft = await draftAlert(t.db, input(), first, { sender });
      assert.equal(draft.stage, 'draft');
      assert.match(draft.identifier, /^urn:uuid:[0-9a-f-]{36}$/);
      assert.deepEqual(draft.infos.map((i) => i.language), ['en', 'es']);
      assert.equal((await currentPublicAlerts(t.db)).some((a) => a.id === draft.id), false);
      await assert.rejects(approveAlert(t.db, draft.id, first), /another emergency officer must approve it \(the two-person rule\)/);
      await assert.rejects(approveAlert(t.db, draft.id, worker), /Only emergency officers and system administrators/);
      const approved = await approveAlert(t.db, draft.id, second);
      assert.equal(approved.stage, 'approved');
      assert.equal(approved.approvedBy, second.userId);
      assert.ok(approved.sent);
      assert.ok((await currentPublicAlerts(t.db)).some((a) => a.id === draft.id));
      await assert.rejects(approveAlert(t.db, draft.id, admin), /already been approved/);
      await assert.rejects(editAlert(t.db, draft.id, input(), first), /already been approved: make an Update or a Cancel/);
      const events = await t.db.selectFrom('events').selectAll().where('topic', '=', 'alerts').execute();
      assert.ok(events.some((e) => JSON.parse(e.data).id === draft.id));
    });

    test('only the author edits a draft; a rejection needs a reason', async () => {
      const draft = await draftAlert(t.db, input({ status: 'Exercise' }), first, { sender });
      await assert.rejects(editAlert(t.db, draft.id, input(), second), /Only the officer who drafted this alert can change it/);
      const edited = await editAlert(t.db, draft.id, input({ status: 'Exercise', areaDescription: 'Bernal Heights', circles: ['37.74,-122.41 1.5'], polygons: [] }), first);
      assert.equal(edited.areaDescription, 'Bernal Heights');
      assert.deepEqual(edited.area.circles, [{ center: { lat: 37.74, long: -122.41 }, radiusKm: 1.5 }]);
      await assert.rejects(rejectAlert(t.db, draft.id, '  ', second), /Say why the alert is rejected/);
      const rejected = await rejectAlert(t.db, draft.id, 'Wrong area', second);
      assert.equal(rejected.stage, 'rejected');
      await assert.rejects(approveAlert(t.db, draft.id, second), /already been rejected/);
    });

    test('an exercise or test alert, once approved, is never public', async () => {
      for (const status of ['Exercise', 'Test', 'System', 'Draft']) {
        const draft = await draftAlert(t.db, input({ status }), first, { sender });
        await approveAlert(t.db, draft.id, second);
        assert.equal((await currentPublicAlerts(t.db, { includeCancels: true })).some((a) => a.id === draft.id), false, status);
      }
      const restricted = await draftAlert(t.db, input({ scope: 'Restricted' }), first, { sender });
      await approveAlert(t.db, restricted.id, admin);
      assert.equal((await currentPublicAlerts(t.db)).some((a) => a.id === restricted.id), false);
    });

    test('Update and Cancel follow an approved alert; a Cancel of an unknown or unapproved alert is refused', async () => {
      await assert.rejects(draftAlert(t.db, input({ msgType: 'Cancel', referencesId: 99_999 }), first, { sender }), /There is no alert 99999 to cancel/);
      const pending = await draftAlert(t.db, input(), first, { sender });
      await assert.rejects(draftAlert(t.db, input({ msgType: 'Update', referencesId: pending.id }), first, { sender }), /has not been approved, so there is nothing to update/);
      const original = await approveAlert(t.db, pending.id, second);
      const update = await approveAlert(t.db, (await draftAlert(t.db, input({ msgType: 'Update', referencesId: original.id }), first, { sender })).id, second);
      assert.equal(update.referencesId, original.id);
      await assert.rejects(draftAlert(t.db, input({ msgType: 'Cancel', referencesId: original.id }), first, { sender }), new RegExp(`replaced by its Update ${update.id}: cancel that one instead`));
      let current = (await currentPublicAlerts(t.db)).map((a) => a.id);
      assert.ok(current.includes(update.id) && !current.includes(original.id), 'the update replaces the original');
      const cancel = await approveAlert(t.db, (await draftAlert(t.db, input({ msgType: 'Cancel', referencesId: update.id }), first, { sender })).id, second);
      current = (await currentPublicAlerts(t.db)).map((a) => a.id);
      assert.ok(!current.includes(update.id) && !current.includes(cancel.id), 'nothing warns after a Cancel');
      assert.ok((await currentPublicAlerts(t.db, { includeCancels: true })).some((a) => a.id === cancel.id), 'feeds carry the Cancel');
      await assert.rejects(draftAlert(t.db, input({ msgType: 'Cancel', referencesId: update.id }), first, { sender }), /already been cancelled/);
      await assert.rejects(draftAlert(t.db, input({ msgType: 'Update', referencesId: cancel.id }), first, { sender }), /is itself a Cancel/);
    });

    test('every step is audited in the chain, naming who drafted and who approved', async () => {
      const draft = await draftAlert(t.db, input(), first, { sender });
      await approveAlert(t.db, draft.id, second);
      const entries = await t.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'alert').where('entity_id', '=', String(draft.id)).orderBy('seq').execute();
      assert.deepEqual(entries.map((e) => [e.action, e.actor]), [['alert.drafted', `user:${first.userId}`], ['alert.approved', `user:${second.userId}`]]);
      assert.equal(JSON.parse(entries[1]!.after!).draftedBy, first.userId);
      assert.equal((await findAlert(t.db, draft.id)).approvedBy, second.userId);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });
  });
}
