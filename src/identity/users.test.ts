import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { lookupHash, makeKeyring, newKey } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { verifyPassword } from './passwords.js';
import { changeRole, createUser, disableUser, issuePasswordLink, listUsers, resealUsers, resetSecondFactor, setPasswordWithLink } from './users.js';
import { findSession, limitsFor, startSession } from './sessions.js';

const options = { publicUrl: 'https://council.example', issuer: 'Townhall Test' };
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

for (const database of databasesUnderTest()) {
  describe(`user accounts on ${database.name}`, () => {
    let t: TestDatabase;
    const keyring = makeKeyring(newKey());
    before(async () => { t = await createTestDatabase(database); });
    after(() => t.cleanup());

    test('staff get a department, a one-time link and a TOTP URI; residents no TOTP', async () => {
      const worker = await createUser(t.db, keyring, { email: 'Case.Worker@council.example', role: 'case_worker', departmentCode: 'highways' }, options, 'cli');
      assert.equal(worker.department, 'highways');
      assert.match(worker.setPasswordLink, /^https:\/\/council\.example\/account\/set-password\?token=[A-Za-z0-9_-]{43}$/);
      assert.match(worker.totpUri ?? '', /^otpauth:\/\/totp\/Townhall%20Test:Case\.Worker%40council\.example\?secret=[A-Z2-7]+&issuer=Townhall%20Test$/);
      const resident = await createUser(t.db, keyring, { email: 'resident@example.org', role: 'resident' }, options, 'cli');
      assert.equal(resident.totpUri, null);
      const listed = await listUsers(t.db, keyring);
      assert.deepEqual(listed.map((u) => [u.email, u.role, u.department, u.secondFactor]), [
        ['Case.Worker@council.example', 'case_worker', 'highways', 'pending'], ['resident@example.org', 'resident', null, 'none'],
      ]);
      const raw = JSON.stringify(await t.db.selectFrom('users').selectAll().execute());
      assert.ok(!raw.toLowerCase().includes('case.worker@council.example') && !raw.includes('resident@example.org'), 'emails are sealed at rest');
      if (database.name === 'sqlite') {
        await sql`pragma wal_checkpoint(truncate)`.execute(t.db);
        const file = readFileSync(t.url.slice('sqlite:'.length)).toString('latin1').toLowerCase();
        assert.ok(!file.includes('resident@example.org') && !file.includes('case.worker@council.example'), 'the raw database file holds no email in clear');
        assert.ok(!file.includes(new URL(worker.totpUri!).searchParams.get('secret')!.toLowerCase()), 'nor a TOTP secret');
      }
    });

    test('mistakes are refused with a clear message', async () => {
      const refused = async (input: Parameters<typeof createUser>[2], pattern: RegExp) =>
        assert.rejects(createUser(t.db, keyring, input, options, 'cli'), (e: unknown) => e instanceof DomainError && pattern.test(e.message));
      await refused({ email: 'CASE.WORKER@council.example', role: 'resident' }, /already an account/);
      await refused({ email: 'x@example.org', role: 'mayor' }, /not a role/);
      await refused({ email: 'x@example.org', role: 'supervisor' }, /--department/);
      await refused({ email: 'not-an-email', role: 'resident' }, /not an email address/);
    });

    test('the set-password link works once, with an acceptable password, for an active account', async () => {
      const created = await createUser(t.db, keyring, { email: 'analyst@council.example', role: 'analyst' }, options, 'cli');
      const token = tokenOf(created.setPasswordLink);
      await assert.rejects(setPasswordWithLink(t.db, keyring, token, 'password'), /most common/);
      await setPasswordWithLink(t.db, keyring, token, 'a long and unusual passphrase');
      const row = await t.db.selectFrom('users').selectAll().where('id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.equal(await verifyPassword(row.password_hash ?? '', 'a long and unusual passphrase'), true);
      await assert.rejects(setPasswordWithLink(t.db, keyring, token, 'another long passphrase'), /already been used/);
      await assert.rejects(setPasswordWithLink(t.db, keyring, 'forged-token', 'another long passphrase'), /expired or has already been used/);

      const disabled = await createUser(t.db, keyring, { email: 'leaver@council.example', role: 'analyst' }, options, 'cli');
      await disableUser(t.db, disabled.id, 'cli');
      await assert.rejects(setPasswordWithLink(t.db, keyring, tokenOf(disabled.setPasswordLink), 'a long and unusual passphrase'), /disabled/);
      assert.equal((await listUsers(t.db, keyring)).find((u) => u.id === disabled.id)?.status, 'disabled');
    });

    test('a role change is checked, audited with before and after, and ends the person\'s sessions', async () => {
      const created = await createUser(t.db, keyring, { email: 'mover@council.example', role: 'case_worker', departmentCode: 'highways' }, options, 'cli');
      await createUser(t.db, keyring, { email: 'parks.lead@council.example', role: 'supervisor', departmentCode: 'parks' }, options, 'cli');
      const { token } = await startSession(t.db, Number(created.id), { limits: limitsFor('case_worker'), secondFactor: true });
      await assert.rejects(changeRole(t.db, created.id, { role: 'supervisor' }, 'cli'), /choose the department/);
      await assert.rejects(changeRole(t.db, created.id, { role: 'resident' }, 'cli'), /cannot become/);
      await assert.rejects(changeRole(t.db, created.id, { role: 'supervisor', departmentCode: 'nowhere' }, 'cli'), /no department "nowhere"/);
      await assert.rejects(changeRole(t.db, created.id, { role: 'wizard' }, 'cli'), /not a role/);
      assert.ok(await findSession(t.db, token), 'refused changes change nothing');
      await changeRole(t.db, created.id, { role: 'supervisor', departmentCode: 'parks' }, 'user:1');
      assert.equal(await findSession(t.db, token), null, 'the new role applies from the next sign-in');
      const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.role_changed').where('entity_id', '=', created.id).executeTakeFirstOrThrow();
      assert.equal(entry.actor, 'user:1');
      assert.deepEqual(JSON.parse(entry.before ?? ''), { role: 'case_worker', department: 'highways' });
      assert.deepEqual(JSON.parse(entry.after ?? ''), { role: 'supervisor', department: 'parks', sessions_ended: 1 });
      await t.db.deleteFrom('users').where('id', 'in', [Number(created.id)]).execute();
      await t.db.deleteFrom('users').where('email_hash', '=', lookupHash(keyring, 'email', 'parks.lead@council.example')).execute();
    });

    test('resetting a lost authenticator gives a new key to enrol, and ends recovery codes and sessions', async () => {
      const created = await createUser(t.db, keyring, { email: 'lost@council.example', role: 'case_worker', departmentCode: 'highways' }, options, 'cli');
      await t.db.updateTable('users').set({ totp_confirmed: 1, totp_last_step: 5 }).where('id', '=', Number(created.id)).execute();
      const { token } = await startSession(t.db, Number(created.id), { limits: limitsFor('case_worker'), secondFactor: true });
      const { totpUri } = await resetSecondFactor(t.db, keyring, created.id, { issuer: 'Townhall Test' }, 'cli');
      assert.notEqual(new URL(totpUri).searchParams.get('secret'), new URL(created.totpUri!).searchParams.get('secret'));
      const row = await t.db.selectFrom('users').selectAll().where('id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.equal(row.totp_confirmed, 0);
      assert.equal(row.totp_last_step, null);
      assert.equal(await findSession(t.db, token), null);
      const resident = await createUser(t.db, keyring, { email: 'nokey@example.org', role: 'resident' }, options, 'cli');
      await assert.rejects(resetSecondFactor(t.db, keyring, resident.id, { issuer: 'x' }, 'cli'), /no authenticator/);
      await t.db.deleteFrom('users').where('id', 'in', [Number(created.id), Number(resident.id)]).execute();
    });

    test('a new password link for staff who forgot theirs: the old password and sessions end, the link works once', async () => {
      const created = await createUser(t.db, keyring, { email: 'forgetful@council.example', role: 'supervisor', departmentCode: 'highways' }, options, 'cli');
      await setPasswordWithLink(t.db, keyring, tokenOf(created.setPasswordLink), 'the first long passphrase');
      const { token } = await startSession(t.db, Number(created.id), { limits: limitsFor('supervisor'), secondFactor: true });
      const { setPasswordLink } = await issuePasswordLink(t.db, created.id, options, 'user:1');
      const row = await t.db.selectFrom('users').selectAll().where('id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.equal(row.password_hash, null, 'the old password no longer works');
      assert.equal(await findSession(t.db, token), null);
      await setPasswordWithLink(t.db, keyring, tokenOf(setPasswordLink), 'the second long passphrase');
      await assert.rejects(setPasswordWithLink(t.db, keyring, tokenOf(setPasswordLink), 'a third long passphrase'), /already been used/);
      await assert.rejects(issuePasswordLink(t.db, '999999', options, 'cli'), /no user with id/);
      await t.db.deleteFrom('users').where('id', '=', Number(created.id)).execute();
    });

    test('rotation re-seals emails and secrets; the person is still found by email', async () => {
      const rotated = makeKeyring(newKey(), [keyring.current.key]);
      assert.ok((await resealUsers(t.db, rotated)) >= 4);
      const onlyNew = makeKeyring(rotated.current.key);
      assert.equal((await listUsers(t.db, onlyNew)).length, 4);
      await assert.rejects(createUser(t.db, onlyNew, { email: 'analyst@council.example', role: 'analyst' }, options, 'cli'), /already an account/);
    });
  });
}
