import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { endAllSessions, endOtherSessions, findSession, limitsFor, listSessions, sessionLimits, startSession, upgradeSession } from './sessions.js';
import { createUser, disableUser } from './users.js';

const options = { publicUrl: 'https://council.example', issuer: 'Townhall Test' };
const minutes = (n: number) => n * 60_000;

for (const database of databasesUnderTest()) {
  describe(`sessions on ${database.name}`, () => {
    let t: TestDatabase;
    const keyring = makeKeyring(newKey());
    let staffId = 0;
    let residentId = 0;
    before(async () => {
      t = await createTestDatabase(database);
      staffId = Number((await createUser(t.db, keyring, { email: 'clerk@council.example', role: 'case_worker', departmentCode: 'parks' }, options, 'test')).id);
      residentId = Number((await createUser(t.db, keyring, { email: 'resident@example.org', role: 'resident' }, options, 'test')).id);
    });
    after(() => t.cleanup());

    test('only a hash of the token is stored, and the session knows its person, role and department', async () => {
      const { token } = await startSession(t.db, staffId, { limits: limitsFor('case_worker'), device: 'Firefox on Linux' });
      const stored = await t.db.selectFrom('sessions').select('token_hash').execute();
      assert.ok(stored.every((s) => s.token_hash !== token), 'the raw token is not in the database');
      const found = await findSession(t.db, token);
      assert.equal(found?.userId, staffId);
      assert.equal(found?.role, 'case_worker');
      assert.equal(found?.department, 'parks');
      assert.equal(found?.secondFactor, false);
      assert.equal(await findSession(t.db, `${token}x`), null);
    });

    test('staff sessions end after 30 idle minutes or 12 hours; residents after 2 idle hours or 7 days', async () => {
      assert.deepEqual(sessionLimits.staff, { idleMinutes: 30, absoluteHours: 12 });
      const staff = await startSession(t.db, staffId, { limits: limitsFor('case_worker') });
      const start = Date.parse(staff.session.createdAt);
      assert.ok(await findSession(t.db, staff.token, new Date(start + minutes(29))), 'still alive after 29 idle minutes');
      // That visit counted as activity: another 29 minutes later it is still alive...
      assert.ok(await findSession(t.db, staff.token, new Date(start + minutes(58))));
      // ...but 31 idle minutes after the last visit it is gone, for good.
      assert.equal(await findSession(t.db, staff.token, new Date(start + minutes(58 + 31))), null);
      assert.equal(await findSession(t.db, staff.token, new Date(start + minutes(59))), null);

      const busy = await startSession(t.db, staffId, { limits: limitsFor('case_worker') });
      const busyStart = Date.parse(busy.session.createdAt);
      for (let m = 20; m < 12 * 60; m += 20) assert.ok(await findSession(t.db, busy.token, new Date(busyStart + minutes(m))), `active at ${m} min`);
      assert.equal(await findSession(t.db, busy.token, new Date(busyStart + minutes(12 * 60 + 1))), null, 'the absolute limit holds however active');

      const resident = await startSession(t.db, residentId, { limits: limitsFor('resident') });
      const residentStart = Date.parse(resident.session.createdAt);
      assert.ok(await findSession(t.db, resident.token, new Date(residentStart + minutes(119))));
      assert.equal(await findSession(t.db, resident.token, new Date(residentStart + minutes(119 + 121))), null);
    });

    test('upgrading after the second factor gives a new token and CSRF token; the old token stops working', async () => {
      const { token, session } = await startSession(t.db, staffId, { limits: limitsFor('case_worker') });
      const upgraded = await upgradeSession(t.db, token);
      assert.ok(upgraded);
      assert.notEqual(upgraded.token, token);
      assert.notEqual(upgraded.csrfToken, session.csrfToken);
      assert.equal(await findSession(t.db, token), null);
      assert.equal((await findSession(t.db, upgraded.token))?.secondFactor, true);
    });

    test('a person lists their sessions and ends one, or all but this one; disabling ends every one', async () => {
      await endAllSessions(t.db, residentId);
      const here = await startSession(t.db, residentId, { limits: limitsFor('resident'), device: 'Safari on iOS' });
      const there = await startSession(t.db, residentId, { limits: limitsFor('resident'), device: 'Chrome on Windows' });
      const third = await startSession(t.db, residentId, { limits: limitsFor('resident'), device: 'Firefox on Linux' });
      const listed = await listSessions(t.db, residentId, here.token);
      assert.deepEqual(listed.map((s) => [s.device, s.current]), [['Safari on iOS', true], ['Chrome on Windows', false], ['Firefox on Linux', false]]);
      assert.ok(listed.every((s) => /^[0-9a-f]{16}$/.test(s.id)));
      assert.equal(await endOtherSessions(t.db, residentId, here.token, listed[1]!.id), 1);
      assert.equal(await findSession(t.db, there.token), null);
      assert.equal(await endOtherSessions(t.db, residentId, here.token, listed[0]!.id), 0, 'the current session is not ended this way');
      assert.equal(await endOtherSessions(t.db, residentId, here.token, "' or 1=1 --"), 0);
      assert.equal(await endOtherSessions(t.db, residentId, here.token, 'others'), 1);
      assert.equal(await findSession(t.db, third.token), null);
      assert.ok(await findSession(t.db, here.token));
      // Someone else's session id does nothing to theirs.
      const staff = await startSession(t.db, staffId, { limits: limitsFor('case_worker') });
      const staffListing = await listSessions(t.db, staffId, staff.token);
      assert.equal(await endOtherSessions(t.db, residentId, here.token, staffListing.at(-1)!.id), 0);
      assert.ok(await findSession(t.db, staff.token));

      await disableUser(t.db, String(residentId), 'test');
      assert.equal(await findSession(t.db, here.token), null);
    });
  });
}
