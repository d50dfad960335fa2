/**
 * Residents' own accounts through the pages, as a browser without JavaScript uses them:
 * register and confirm the email address, reset a forgotten password, sign in by emailed link.
 * Emails are read from the outbox, opened with the server's key. On SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from '../src/identity/users.js';
import { openQueuedEmail, type QueuedEmail } from '../src/notifications/email.js';
import { lookupHash } from '../src/platform/crypto.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const PASSWORD = 'plum kettle harbour seven';

for (const database of databasesUnderTest()) {
  describe(`resident accounts on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '1000' } });
    });
    after(() => t.close());

    async function emailsTo(address: string): Promise<QueuedEmail[]> {
      const rows = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute();
      return rows.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((email) => email.to === address);
    }
    /** The one-time link in an email, as a path on this server. */
    const linkIn = (email: QueuedEmail | undefined) => {
      const link = /http:\/\/\S+\?token=[\w-]+/.exec(email?.text ?? '')?.[0];
      assert.ok(link !== undefined && link.startsWith(t.baseUrl), `an email with a link to this server: ${email?.text}`);
      return link.slice(t.baseUrl.length);
    };
    const tokenOf = (path: string) => new URL(path, t.baseUrl).searchParams.get('token')!;
    const userCount = async () => Number((await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const auditActions = async (entityId: string) =>
      (await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'user').where('entity_id', '=', entityId).orderBy('seq').execute()).map((r) => r.action);

    async function register(email: string, password = PASSWORD) {
      const browser = new WebClient(t.baseUrl);
      assert.equal((await browser.get('/register')).status, 200);
      const answer = await browser.post('/register', { email, password });
      return { browser, answer };
    }

    async function signIn(email: string, password: string) {
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in');
      return { browser, answer: await browser.post('/sign-in', { email, password }) };
    }

    test('an account keeps the language of the page it was registered on, for messages about its reports', async () => {
      const browser = new WebClient(t.baseUrl);
      assert.equal((await browser.get('/register?lang=es')).status, 200);
      assert.equal((await browser.post('/register', { email: 'lengua.resident@example.org', password: PASSWORD })).status, 200);
      const row = await t.db.selectFrom('users').select('language').where('email_hash', '=', lookupHash(t.keyring, 'email', 'lengua.resident@example.org')).executeTakeFirstOrThrow();
      assert.equal(row.language, 'es');
    });

    test('a resident registers, gets a sealed confirmation email, and the link confirms the address once', async () => {
      const email = 'ada.resident@example.org';
      const { answer } = await register(email);
      assert.equal(answer.status, 200, answer.html);
      assert.match(answer.html, /Check your email/);

      const [confirmation, ...others] = await emailsTo(email);
      assert.equal(others.length, 0);
      assert.equal(confirmation?.template, 'verify_email');
      assert.match(confirmation!.text, /Test Borough Council/);
      const path = linkIn(confirmation);
      assert.ok(path.startsWith('/account/verify-email?token='));
      const raw = JSON.stringify(await t.db.selectFrom('outbox').selectAll().execute());
      assert.ok(!raw.includes(email) && !raw.includes(tokenOf(path)), 'the outbox holds neither the address nor the link in clear');

      // A mail scanner opening the link uses nothing up: the page only shows a button.
      const browser = new WebClient(t.baseUrl);
      for (let i = 0; i < 2; i++) {
        const page = await browser.get(path);
        assert.equal(page.status, 200);
        assert.match(page.html, /Confirm my email address/);
      }
      const user = await t.db.selectFrom('users').selectAll().where('role', '=', 'resident').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(user.email_verified_at, null);
      assert.ok(!user.email.includes(email) && user.password_hash?.startsWith('$argon2id$'));

      const confirmed = await browser.post('/account/verify-email', { token: tokenOf(path) });
      assert.equal(confirmed.status, 200, confirmed.html);
      assert.match(confirmed.html, /Your email address is confirmed/);
      assert.equal((await browser.get('/account')).status, 200, 'confirming the address signed the person in');
      const again = await browser.post('/account/verify-email', { token: tokenOf(path) });
      assert.equal(again.status, 400);
      assert.match(again.html, /expired or has already been used/);
      assert.equal((await browser.get(path)).status, 400, 'a used link says so');
      assert.ok((await t.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at);

      // Changed deliberately: confirming the address now signs the person in (user.signed_in).
      assert.deepEqual(await auditActions(String(user.id)), ['user.created', 'user.email_verified', 'user.signed_in']);
      const trail = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
      assert.ok(!trail.includes(email) && !trail.includes(PASSWORD) && !trail.includes(tokenOf(path)), 'no address, password or link in the audit trail');
    });

    test('registering with an address that has an account creates nothing and tells the address\'s owner', async () => {
      const email = 'grace.resident@example.org';
      await register(email);
      const users = await userCount();
      const { answer } = await register(email.toUpperCase(), 'another long passphrase');
      assert.equal(answer.status, 200);
      assert.match(answer.html, /Check your email/, 'the same answer as a new registration');
      assert.equal(await userCount(), users, 'no second account');
      const [first, second] = await emailsTo(email);
      assert.equal(first?.template, 'verify_email');
      assert.equal(second?.template, 'already_registered');
      assert.match(second!.text, /already an account/);
      assert.ok(second!.text.includes(`${t.baseUrl}/account/reset-password`));
    });

    test('bad input gets a clear error, keeps what was typed, and creates nothing', async () => {
      const before = { users: await userCount(), emails: (await t.db.selectFrom('outbox').select('id').execute()).length };
      const { answer } = await register('not-an-email', 'short');
      assert.equal(answer.status, 400);
      assert.match(answer.html, /There is a problem/);
      assert.match(answer.html, /Enter an email address in the correct format/);
      assert.match(answer.html, /Use at least 8 characters/);
      assert.match(answer.html, /value="not-an-email"/);
      const common = await register('linus.resident@example.org', 'password123');
      assert.equal(common.answer.status, 400);
      assert.match(common.answer.html, /most common/);
      assert.equal(await userCount(), before.users);
      assert.equal((await t.db.selectFrom('outbox').select('id').execute()).length, before.emails);
    });

    test('a forgotten password: the same answer for any address, a link that works once and within its hour, all sessions ended', async () => {
      const email = 'alan.resident@example.org';
      await register(email);
      const { browser: oldSession, answer: signedIn } = await signIn(email, PASSWORD);
      assert.equal(signedIn.status, 303);

      const browser = new WebClient(t.baseUrl);
      assert.equal((await browser.get('/account/reset-password')).status, 200);
      const known = await browser.post('/account/reset-password', { email });
      const unknown = await browser.post('/account/reset-password', { email: 'nobody.here@example.org' });
      assert.equal(known.status, 200);
      assert.equal(unknown.status, 200);
      assert.match(known.html, /If there is an account for/);
      assert.equal(known.html.replaceAll(email, 'X'), unknown.html.replaceAll('nobody.here@example.org', 'X'), 'the answer does not reveal which address has an account');
      assert.deepEqual(await emailsTo('nobody.here@example.org'), []);
      assert.equal((await browser.post('/account/reset-password', { email: '' })).status, 400);

      const reset = (await emailsTo(email)).find((e) => e.template === 'reset_password');
      const path = linkIn(reset);
      assert.match(reset!.text, /1 hour/);
      const form = await browser.get(path);
      assert.equal(form.status, 200);
      assert.match(form.html, /Choose a new password/);
      const weak = await browser.post('/account/reset-password/choose', { token: tokenOf(path), password: 'abc' });
      assert.equal(weak.status, 400, 'a weak password is refused and the link still works');
      assert.match(weak.html, /Use at least 8 characters/);
      const newPassword = 'violet lantern orchard nine';
      const changed = await browser.post('/account/reset-password/choose', { token: tokenOf(path), password: newPassword });
      assert.equal(changed.status, 200, changed.html);
      assert.match(changed.html, /Your password has been changed/);
      assert.equal((await browser.post('/account/reset-password/choose', { token: tokenOf(path), password: 'another fine passphrase' })).status, 400, 'a link works once');

      assert.equal((await oldSession.get('/account')).status, 303, 'the session from before the reset has ended');
      assert.equal((await signIn(email, PASSWORD)).answer.status, 400, 'the old password no longer works');
      const withNew = await signIn(email, newPassword);
      assert.equal(withNew.answer.status, 303);
      assert.equal(withNew.answer.location, '/account');

      // A link past its hour no longer works.
      await browser.post('/account/reset-password', { email });
      const late = linkIn((await emailsTo(email)).filter((e) => e.template === 'reset_password').at(-1));
      const user = await t.db.selectFrom('users').select('id').where('email_hash', '=', lookupHash(t.keyring, 'email', email)).executeTakeFirstOrThrow();
      await t.db.updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', user.id).where('used_at', 'is', null).execute();
      assert.equal((await browser.get(late)).status, 400);
      assert.equal((await browser.post('/account/reset-password/choose', { token: tokenOf(late), password: 'yet another fine passphrase' })).status, 400);

      // A stranger cannot fill the inbox: at most three live links at once.
      const before = (await emailsTo(email)).length;
      for (let i = 0; i < 5; i++) assert.equal((await browser.post('/account/reset-password', { email })).status, 200);
      assert.equal((await emailsTo(email)).length, before + 3);
      const actions = await auditActions(String(user.id));
      for (const action of ['user.password_reset_requested', 'user.password_reset', 'user.email_verified']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    });

    test('a resident signs in by emailed link and lands on their account; the link works once', async () => {
      const email = 'barbara.resident@example.org';
      await register(email);
      const browser = new WebClient(t.baseUrl);
      assert.equal((await browser.get('/sign-in/email-link')).status, 200);
      const asked = await browser.post('/sign-in/email-link', { email });
      assert.equal(asked.status, 200);
      assert.match(asked.html, /If there is an account for/);
      const path = linkIn((await emailsTo(email)).find((e) => e.template === 'email_sign_in'));
      assert.ok(path.startsWith('/sign-in/email-link/confirm?token='));

      const page = await browser.get(path);
      assert.equal(page.status, 200);
      assert.equal(browser.cookie('townhall_session'), undefined, 'opening the link does not sign in');
      const signedIn = await browser.post('/sign-in/email-link/confirm', { token: tokenOf(path) });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, '/account');
      assert.ok(browser.cookie('townhall_session'));
      const account = await browser.get('/account');
      assert.equal(account.status, 200);
      assert.ok(account.html.includes(email));
      assert.doesNotMatch(account.html, /not confirmed yet/, 'signing in by link confirms the address');

      const other = new WebClient(t.baseUrl);
      await other.get('/sign-in/email-link');
      assert.equal((await other.post('/sign-in/email-link/confirm', { token: tokenOf(path) })).status, 400);
      assert.equal(other.cookie('townhall_session'), undefined);
      const signIns = await t.db.selectFrom('audit_log').select('after').where('action', '=', 'user.signed_in').execute();
      assert.ok(signIns.some((row) => JSON.parse(row.after ?? '{}').method === 'email_link'));
    });

    test('staff asking for a sign-in link or a reset get the same answer and no email', async () => {
      const email = 'staff.member@example.org';
      await createUser(t.db, t.keyring, { email, role: 'case_worker', departmentCode: 'highways' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in/email-link');
      const asked = await browser.post('/sign-in/email-link', { email });
      assert.equal(asked.status, 200);
      assert.match(asked.html, /If there is an account for/);
      assert.equal((await browser.post('/account/reset-password', { email })).status, 200);
      assert.deepEqual(await emailsTo(email), []);
    });

    test('a form without the right CSRF token is refused with 403 and changes nothing', async () => {
      const email = 'margaret.resident@example.org';
      const browser = new WebClient(t.baseUrl);
      await browser.get('/register');
      const users = await userCount();
      assert.equal((await browser.post('/register', { email, password: PASSWORD, _csrf: null })).status, 403);
      assert.equal((await browser.post('/register', { email, password: PASSWORD, _csrf: 'x'.repeat(43) })).status, 403);
      assert.equal(await userCount(), users);
      assert.deepEqual(await emailsTo(email), []);

      await register(email);
      await browser.post('/sign-in/email-link', { email });
      const path = linkIn((await emailsTo(email)).find((e) => e.template === 'email_sign_in'));
      await browser.get(path);
      assert.equal((await browser.post('/sign-in/email-link/confirm', { token: tokenOf(path), _csrf: null })).status, 403);
      assert.equal((await browser.post('/account/verify-email', { token: tokenOf(linkIn((await emailsTo(email))[0])), _csrf: 'forged' })).status, 403);
      assert.equal(browser.cookie('townhall_session'), undefined);
      assert.equal((await browser.post('/sign-in/email-link/confirm', { token: tokenOf(path) })).status, 303, 'the refused forms used nothing up');
    });
  });

  describe(`resident account rate limits on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '3' } });
    });
    after(() => t.close());

    test('more requests than the limit from one address get 429 with Retry-After', async () => {
      for (const path of ['/account/reset-password', '/sign-in/email-link', '/register']) {
        const browser = new WebClient(t.baseUrl);
        await browser.get(path);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await browser.post(path, { email: `someone${i}@example.org`, password: PASSWORD })).status);
        assert.deepEqual(statuses, [200, 200, 200, 429], path);
        const limited = await browser.post(path, { email: 'someone@example.org' });
        assert.ok(Number(limited.headers.get('retry-after')) > 0);
        assert.match(limited.html, /Too many attempts/);
      }
    });
  });
}
