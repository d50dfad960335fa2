/**
 * Administration through the pages: a system administrator manages every staff account; a
 * department administrator only their own department's case workers and supervisors. Each
 * change is audited; a reset authenticator is enrolled again at the next sign-in.
 */
import { verifyAuditChain } from '../src/audit/audit.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../src/identity/roles.js';
import { findSession, limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { lookupHash } from '../src/platform/crypto.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`administration on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [] });
    });
    after(() => t.close());

    async function as(role: Role, department: string | null, email: string) {
      const user = await createUser(t.db, t.keyring, { email, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      return { browser, id: user.id };
    }

    test('a department administrator adds and disables only their own department\'s case workers and supervisors', async () => {
      const { browser, id: adminId } = await as('department_admin', 'roads', 'roads.admin@council.example');
      const other = await createUser(t.db, t.keyring, { email: 'parks.worker@council.example', role: 'case_worker', departmentCode: 'parks' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const page = await browser.get('/admin');
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.html, /parks\.worker@council\.example/, 'another department\'s staff are not listed');
      assert.doesNotMatch(page.html, /value="system_admin"/, 'cannot give roles above their own');

      const form = await browser.post('/admin/users', { email: 'new.worker@council.example', role: 'case_worker', department: 'parks' });
      assert.equal(form.status, 200, form.html);
      assert.match(form.html, /Account created for new\.worker@council\.example/);
      assert.match(form.html, /\/account\/set-password\?token=/);
      const added = await t.db.selectFrom('users').innerJoin('departments', 'departments.id', 'users.department_id')
        .select(['departments.code', 'users.role']).where('users.email_hash', '=', lookupHash(t.keyring, 'email', 'new.worker@council.example')).executeTakeFirstOrThrow();
      assert.deepEqual(added, { code: 'roads', role: 'case_worker' }, 'added to their own department, whatever the form said');

      const escalate = await browser.post('/admin/users', { email: 'boss@council.example', role: 'system_admin' });
      assert.equal(escalate.status, 400);
      assert.match(escalate.html, /Choose a role you are allowed to give/);

      const refused = await browser.post(`/admin/users/${other.id}/disable`);
      assert.equal(refused.status, 403);
      assert.equal((await t.db.selectFrom('users').select('status').where('id', '=', Number(other.id)).executeTakeFirstOrThrow()).status, 'active');
      const self = await browser.post(`/admin/users/${adminId}/disable`);
      assert.equal(self.status, 403);

      const duplicate = await browser.post('/admin/users', { email: 'new.worker@council.example', role: 'case_worker' });
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.html, /already an account/);
    });

    test('a system administrator disables anyone and resets a lost authenticator; both audited', async () => {
      const { browser } = await as('system_admin', null, 'sysadmin@council.example');
      const worker = await createUser(t.db, t.keyring, { email: 'lost.phone@council.example', role: 'case_worker', departmentCode: 'parks' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      await t.db.updateTable('users').set({ totp_confirmed: 1 }).where('id', '=', Number(worker.id)).execute();
      const { token } = await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true });
      const before = await t.db.selectFrom('users').select('totp_secret').where('id', '=', Number(worker.id)).executeTakeFirstOrThrow();

      await browser.get('/admin');
      const reset = await browser.post(`/admin/users/${worker.id}/reset-second-factor`);
      assert.equal(reset.status, 200, reset.html);
      assert.match(reset.html, /will set up their authenticator app again/);
      const after = await t.db.selectFrom('users').select(['totp_secret', 'totp_confirmed']).where('id', '=', Number(worker.id)).executeTakeFirstOrThrow();
      assert.notEqual(after.totp_secret, before.totp_secret, 'a new key');
      assert.equal(after.totp_confirmed, 0);
      assert.equal(await findSession(t.db, token), null, 'their sessions ended');

      const again = await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true });
      const signedOut = await browser.post(`/admin/users/${worker.id}/sign-out`);
      assert.equal(signedOut.status, 200, signedOut.html);
      assert.match(signedOut.html, /signed out everywhere \(1 session ended\)/);
      assert.equal(await findSession(t.db, again.token), null);

      const disabled = await browser.post(`/admin/users/${worker.id}/disable`);
      assert.equal(disabled.status, 303);
      const actions = (await t.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', worker.id).execute());
      assert.ok(actions.some((a) => a.action === 'user.mfa_reset' && a.actor.startsWith('user:')));
      assert.ok(actions.some((a) => a.action === 'user.disabled' && a.actor.startsWith('user:')));
      assert.ok(actions.some((a) => a.action === 'user.sessions_ended' && a.actor.startsWith('user:')));

      // Changes made through the web carry the request that made them; the chain covers it.
      const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.mfa_reset').where('entity_id', '=', worker.id).executeTakeFirstOrThrow();
      const context = JSON.parse(entry.context ?? '{}') as { request_id?: string; address?: string };
      assert.match(context.request_id ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(context.address, '127.0.0.1');
      assert.deepEqual(await verifyAuditChain(t.db), { ok: true, entries: (await t.db.selectFrom('audit_log').select('seq').execute()).length, lastHash: (await t.db.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').executeTakeFirstOrThrow()).hash });
      await t.db.updateTable('audit_log').set({ context: JSON.stringify({ ...context, address: '10.9.9.9' }) }).where('seq', '=', entry.seq).execute();
      const broken = await verifyAuditChain(t.db);
      assert.equal(broken.ok ? 0 : broken.firstBadSeq, entry.seq, 'an edited request address breaks the chain');
      await t.db.updateTable('audit_log').set({ context: entry.context }).where('seq', '=', entry.seq).execute();
    });

    test('a subject access export by a system administrator downloads the person\'s data, audited', async () => {
      const { browser } = await as('system_admin', null, 'dpo@council.example');
      await browser.get('/admin/privacy');
      const wrong = await browser.post('/admin/privacy/export', { email: 'not an email' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /is not an email address/);
      const exported = await browser.post('/admin/privacy/export', { email: 'someone@example.org' });
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get('content-disposition') ?? '', /attachment/);
      assert.equal((JSON.parse(exported.html) as { subject: { email: string } }).subject.email, 'someone@example.org');
    });
  });
}
