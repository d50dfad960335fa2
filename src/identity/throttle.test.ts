import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { createUser } from './users.js';
import { checkPassword } from './sign-in.js';
import { FREE_FAILURES_PER_ADDRESS, FREE_FAILURES_PER_CLIENT } from './throttle.js';
import { hashPassword } from './passwords.js';

for (const database of databasesUnderTest()) {
  describe(`password throttling on ${database.name}`, () => {
    let t: TestDatabase;
    const keyring = makeKeyring(newKey());
    const password = 'correct horse battery staple';
    before(async () => {
      t = await createTestDatabase(database);
      const created = await createUser(t.db, keyring, { email: 'grace@council.example', role: 'case_worker', departmentCode: 'roads' }, { publicUrl: 'http://localhost', issuer: 'Test' }, 'test');
      await t.db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', Number(created.id)).execute();
    });
    after(() => t.cleanup());

    const tryMany = async (email: string, from: string, times: number) => {
      const results = [];
      for (let i = 0; i < times; i++) results.push(await checkPassword(t.db, keyring, email, `wrong guess ${i}`, from));
      return results.map((r) => (r.ok ? 'ok' : r.reason));
    };

    test('a known and an unknown address get the same answers, attempt by attempt', async () => {
      const known = await tryMany('grace@council.example', '203.0.113.1', FREE_FAILURES_PER_ADDRESS + 2);
      const unknown = await tryMany('nobody@council.example', '203.0.113.1', FREE_FAILURES_PER_ADDRESS + 2);
      assert.deepEqual(known, unknown);
      assert.deepEqual(known, [...Array(FREE_FAILURES_PER_ADDRESS - 1).fill('wrong'), 'locked', 'locked', 'locked']);
    });

    test('guesses from one client never lock the owner out on their own device, and the account is never locked', async () => {
      const attacker = '198.51.100.7';
      await tryMany('grace@council.example', attacker, FREE_FAILURES_PER_ADDRESS + 3);
      const blocked = await checkPassword(t.db, keyring, 'grace@council.example', password, attacker);
      assert.equal(blocked.ok, false, 'the guessing client waits, even with the right password');
      assert.ok(!blocked.ok && blocked.reason === 'locked' && (blocked.retryAfterSeconds ?? 0) > 0);
      const owner = await checkPassword(t.db, keyring, 'grace@council.example', password, '192.0.2.10');
      assert.equal(owner.ok, true, 'the owner signs in from elsewhere');
      const row = await t.db.selectFrom('users').select(['locked_until', 'failed_sign_ins']).where('email_hash', 'is not', null).executeTakeFirstOrThrow();
      assert.equal(row.locked_until, null, 'no account lock');
    });

    test('the delay grows with each further failure', async () => {
      const client = '203.0.113.50';
      await tryMany('someone@council.example', client, FREE_FAILURES_PER_ADDRESS - 1);
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        // Each failure after the free ones sets a longer delay; the throttle is lifted here by hand to record the next one.
        const result = await checkPassword(t.db, keyring, 'someone@council.example', 'still wrong', client);
        assert.ok(!result.ok && result.reason === 'locked');
        waits.push(result.retryAfterSeconds!);
        await t.db.updateTable('sign_in_throttles').set({ blocked_until: null }).execute();
      }
      assert.ok(waits[0]! < waits[1]! && waits[1]! < waits[2]!, `growing: ${waits.join(', ')}`);
    });

    test('one client guessing across many addresses is slowed down by its own count', async () => {
      const client = '203.0.113.99';
      const results = [];
      for (let i = 0; i < FREE_FAILURES_PER_CLIENT + 1; i++) results.push(await checkPassword(t.db, keyring, `person${i}@council.example`, 'wrong', client));
      assert.deepEqual(results.slice(0, FREE_FAILURES_PER_CLIENT - 1).map((r) => (r.ok ? 'ok' : r.reason)), Array(FREE_FAILURES_PER_CLIENT - 1).fill('wrong'));
      const last = results.at(-1)!;
      assert.equal(last.ok ? 'ok' : last.reason, 'locked');
    });
  });
}
