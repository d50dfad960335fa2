/**
 * Single sign-on, end to end: a real OpenID Connect provider (oidc-provider) and a real browser
 * (Chromium) go through the whole round trip against a running Townhall, on each database.
 */
import { hashPassword } from '../src/identity/passwords.js';
import { findSession, limitsFor, startSession } from '../src/identity/sessions.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { openAttempt, safeNextPath, sealAttempt, type SignInAttempt } from '../src/identity/oidc.js';
import { loadOidcProviders } from '../src/identity/oidc-config.js';
import { createUser } from '../src/identity/users.js';
import { lookupHash, makeKeyring, newKey } from '../src/platform/crypto.js';
import { freshContext, launchBrowser } from './browser.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { startOidcProvider, type RunningProvider, type TestAccount } from './oidc-provider.js';

const clientId = 'townhall';
const clientSecret = 'a-test-secret-that-is-long-enough-0123456789';
const staffMember: TestAccount = { login: 'hana.case-worker', email: 'hana@council.example', name: 'Hana Case-Worker' };
const newResident: TestAccount = { login: 'rui.resident', email: 'rui@home.example', name: 'Rui Resident' };
const stranger: TestAccount = { login: 'sam.stranger', email: 'sam@elsewhere.example', name: 'Sam Stranger' };
const supervisor: TestAccount = { login: 'lee.supervisor', email: 'lee@council.example', name: 'Lee Supervisor' };
const unverified: TestAccount = { login: 'una.unverified', email: 'una@home.example', name: 'Una Unverified', emailVerified: false };
const squatted: TestAccount = { login: 'olu.owner', email: 'olu@home.example', name: 'Olu Owner' };

const oidcEnv = (issuer: string) => ({
  TOWNHALL_STAFF_OIDC_ISSUER: issuer, TOWNHALL_STAFF_OIDC_CLIENT_ID: clientId, TOWNHALL_STAFF_OIDC_CLIENT_SECRET: clientSecret,
  TOWNHALL_STAFF_OIDC_NAME: 'Council single sign-on',
  TOWNHALL_RESIDENT_OIDC_ISSUER: issuer, TOWNHALL_RESIDENT_OIDC_CLIENT_ID: clientId, TOWNHALL_RESIDENT_OIDC_CLIENT_SECRET: clientSecret,
  TOWNHALL_RESIDENT_OIDC_NAME: 'Sign in with your national digital identity',
});

for (const database of databasesUnderTest()) {
  describe(`OpenID Connect single sign-on on ${database.name}`, () => {
    let provider: RunningProvider;
    let townhall: RunningTownhall;
    let browser: Browser;

    before(async () => {
      // The provider listens first so Townhall can be configured with its issuer; it learns
      // Townhall's redirect URIs once Townhall is listening. Townhall discovers lazily.
      provider = await startOidcProvider({ accounts: [staffMember, newResident, stranger, supervisor, unverified, squatted] });
      townhall = await startTownhall(database, { services: [], groups: [], env: oidcEnv(provider.issuer) });
      await provider.registerClient({
        clientId, clientSecret, redirectUris: ['staff', 'resident'].map((audience) => `${townhall.baseUrl}/sign-in/oidc/${audience}/callback`),
      });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await townhall?.close();
      await provider?.close();
    });

    /** Types a login at the provider's own pages and consents; resolves on the page Townhall answers with. */
    async function signInAtProvider(page: Page, account: TestAccount) {
      await page.locator('input[name="login"]').fill(account.login);
      await page.locator('input[name="password"]').fill('any password will do here');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      const callback = page.waitForResponse((response) => response.url().includes('/callback?'));
      await page.getByRole('button', { name: 'Continue' }).click();
      const answer = await callback;
      // Back at Townhall: its home for the person, or (refused) the callback's own page.
      await page.waitForURL((url) => url.origin === townhall.baseUrl);
      return { callbackStatus: answer.status() };
    }

    /** A round trip that never comes back fails its test instead of hanging the run. */
    const roundTrip = { timeout: 30_000 };
    const auditOf = (action: string) => townhall.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

    test('a staff member with an account signs in through the council provider and lands in the staff workspace', roundTrip, async () => {
      const created = await createUser(townhall.db, townhall.keyring, { email: staffMember.email, role: 'case_worker', departmentCode: 'highways' }, { publicUrl: townhall.baseUrl, issuer: 'Townhall' }, 'test');
      const context = await freshContext(browser);
      const page = await context.newPage();
      // From Townhall's own sign-in page, by its single sign-on button.
      await page.goto(`${townhall.baseUrl}/sign-in`);
      await page.click('a[href="/sign-in/oidc/staff"]');
      await page.waitForURL((url) => url.origin === provider.issuer);
      assert.equal(new URL(page.url()).origin, provider.issuer, 'the browser is at the provider, not Townhall');

      const { callbackStatus } = await signInAtProvider(page, staffMember);
      assert.equal(callbackStatus, 303);
      assert.equal(new URL(page.url()).pathname, '/staff');
      const cookies = await context.cookies(townhall.baseUrl);
      assert.ok(cookies.some((c) => c.name === 'townhall_session' && c.httpOnly), 'a Townhall session cookie');
      const workspace = await context.request.get(`${townhall.baseUrl}/staff`, { maxRedirects: 0, headers: { accept: 'text/html' } });
      assert.equal(workspace.status(), 200, 'the session opens the staff workspace, no TOTP code asked');
      assert.ok(!(await context.cookies(`${townhall.baseUrl}/sign-in/oidc/staff/callback`)).some((c) => c.name === 'townhall_oidc'), 'the one-use sign-in cookie is gone');

      const userId = Number(created.id);
      const session = await townhall.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).executeTakeFirst();
      assert.equal(session?.second_factor, 1, 'the council provider stands for the second factor');
      const signedIn = (await auditOf('user.signed_in')).filter((entry) => entry.entity_id === created.id);
      assert.equal(signedIn.length, 1);
      assert.equal((JSON.parse(signedIn[0]!.after ?? '{}') as { method?: string }).method, 'oidc');
      const link = await townhall.db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).executeTakeFirst();
      assert.deepEqual({ issuer: link?.issuer, subject: link?.subject }, { issuer: provider.issuer, subject: staffMember.login });
      await context.close();
    });

    test('a resident without an account signs in through the resident provider and gets a resident account', roundTrip, async () => {
      const emailHash = lookupHash(townhall.keyring, 'email', newResident.email);
      assert.equal(await townhall.db.selectFrom('users').select('id').where('email_hash', '=', emailHash).executeTakeFirst(), undefined);
      const context = await freshContext(browser);
      const page = await context.newPage();
      await page.goto(`${townhall.baseUrl}/sign-in/oidc/resident`);
      const { callbackStatus } = await signInAtProvider(page, newResident);
      assert.equal(callbackStatus, 303);
      assert.equal(new URL(page.url()).pathname, '/account');
      assert.ok((await context.cookies(townhall.baseUrl)).some((c) => c.name === 'townhall_session'));
      assert.equal((await context.request.get(`${townhall.baseUrl}/account`, { maxRedirects: 0, headers: { accept: 'text/html' } })).status(), 200);

      const user = await townhall.db.selectFrom('users').selectAll().where('email_hash', '=', emailHash).executeTakeFirstOrThrow();
      assert.deepEqual({ role: user.role, status: user.status, password: user.password_hash }, { role: 'resident', status: 'active', password: null });
      assert.notEqual(user.email, newResident.email, 'the email is sealed at rest');
      assert.ok(user.email_verified_at, 'the provider verified the email');
      assert.ok((await auditOf('user.created')).some((entry) => entry.entity_id === String(user.id)));
      assert.ok((await auditOf('user.signed_in')).some((entry) => entry.entity_id === String(user.id)));
      await context.close();
    });

    test('the verified owner of an address takes back an account someone else registered with it, unconfirmed', roundTrip, async () => {
      // Someone registered the owner's address and chose a password, but never confirmed it.
      const squatter = await createUser(townhall.db, townhall.keyring, { email: squatted.email, role: 'resident' }, { publicUrl: townhall.baseUrl, issuer: 'Townhall' }, 'test');
      await townhall.db.updateTable('users').set({ password_hash: await hashPassword('the squatter password') }).where('id', '=', Number(squatter.id)).execute();
      const { token } = await startSession(townhall.db, Number(squatter.id), { limits: limitsFor('resident') });

      const context = await freshContext(browser);
      const page = await context.newPage();
      await page.goto(`${townhall.baseUrl}/sign-in/oidc/resident`);
      const { callbackStatus } = await signInAtProvider(page, squatted);
      assert.equal(callbackStatus, 303);
      assert.equal(new URL(page.url()).pathname, '/account');
      const account = await townhall.db.selectFrom('users').selectAll().where('id', '=', Number(squatter.id)).executeTakeFirstOrThrow();
      assert.equal(account.password_hash, null, 'the unconfirmed password no longer works');
      assert.ok(account.email_verified_at, 'the address is now confirmed, by the provider');
      assert.equal(await findSession(townhall.db, token), null, 'the squatter is signed out');
      await context.close();
    });

    test('someone the provider knows but Townhall has no staff account for is refused, with no session', roundTrip, async () => {
      const before = (await auditOf('user.sign_in_failed')).length;
      const context = await freshContext(browser);
      const page = await context.newPage();
      await page.goto(`${townhall.baseUrl}/sign-in/oidc/staff`);
      const { callbackStatus } = await signInAtProvider(page, stranger);
      assert.equal(callbackStatus, 403);
      assert.match(await page.locator('main').innerText(), /There is no Townhall staff account for you/);
      assert.ok(await page.getByRole('link', { name: /sign-in page/ }).isVisible(), 'a way back to the sign-in page');
      assert.ok(!(await context.cookies(townhall.baseUrl)).some((c) => c.name === 'townhall_session'), 'no session');
      assert.equal(await townhall.db.selectFrom('users').select('id').where('email_hash', '=', lookupHash(townhall.keyring, 'email', stranger.email)).executeTakeFirst(), undefined, 'no account was made');

      const failures = await auditOf('user.sign_in_failed');
      assert.equal(failures.length, before + 1);
      const entry = failures.at(-1)!;
      assert.deepEqual(JSON.parse(entry.after ?? '{}'), { method: 'oidc', audience: 'staff', issuer: provider.issuer, reason: 'unknown_staff', address: '127.0.0.1' });
      assert.doesNotMatch(JSON.stringify(entry), /code=|eyJ/, 'no codes or tokens in the audit trail');
      await context.close();
    });

    test('an email the provider has not verified neither finds nor makes an account', roundTrip, async () => {
      const context = await freshContext(browser);
      const page = await context.newPage();
      await page.goto(`${townhall.baseUrl}/sign-in/oidc/resident`);
      const { callbackStatus } = await signInAtProvider(page, unverified);
      assert.equal(callbackStatus, 403);
      assert.match(await page.locator('main').innerText(), /did not confirm your email address/);
      assert.equal(await townhall.db.selectFrom('users').select('id').where('email_hash', '=', lookupHash(townhall.keyring, 'email', unverified.email)).executeTakeFirst(), undefined);
      assert.ok(!(await context.cookies(townhall.baseUrl)).some((c) => c.name === 'townhall_session'));
      await context.close();
    });

    test('a genuine code is refused with the wrong state, and accepted with the right one', roundTrip, async () => {
      const created = await createUser(townhall.db, townhall.keyring, { email: supervisor.email, role: 'supervisor', departmentCode: 'highways' }, { publicUrl: townhall.baseUrl, issuer: 'Townhall' }, 'test');
      const context = await freshContext(browser);
      const page = await context.newPage();
      // Catch the provider's answer before it reaches Townhall, to replay it with changes. It comes
      // as a redirect, which page.route does not see, so this asks Chromium itself (DevTools protocol).
      const devtools = await context.newCDPSession(page);
      await devtools.send('Fetch.enable', { patterns: [{ urlPattern: `${townhall.baseUrl}/sign-in/oidc/staff/callback?*`, requestStage: 'Request' }] });
      const answered = new Promise<URL>((resolve) => {
        devtools.on('Fetch.requestPaused', (event) => {
          resolve(new URL(event.request.url));
          void devtools.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' });
        });
      });
      await page.goto(`${townhall.baseUrl}/sign-in/oidc/staff`);
      await page.locator('input[name="login"]').fill(supervisor.login);
      await page.locator('input[name="password"]').fill('any password will do here');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      const answer = await answered;
      assert.ok(answer.searchParams.get('code'), 'the provider sent a code');
      const attempt = (await context.cookies(`${townhall.baseUrl}/sign-in/oidc/staff/callback`)).find((c) => c.name === 'townhall_oidc');
      assert.ok(attempt, 'the browser holds the sealed attempt');
      const replay = (url: URL) => fetch(url, { redirect: 'manual', headers: { cookie: `townhall_oidc=${attempt.value}` } });

      const forged = new URL(answer);
      forged.searchParams.set('state', 'not-the-state-townhall-sent');
      const refused = await replay(forged);
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /could not confirm this sign-in/);
      assert.equal(await townhall.db.selectFrom('sessions').select('user_id').where('user_id', '=', Number(created.id)).executeTakeFirst(), undefined);

      const genuine = await replay(answer);
      assert.equal(genuine.status, 303, 'the same code with its own state signs in: the refusal was the state');
      assert.equal(genuine.headers.get('location'), '/staff');
      assert.ok(await townhall.db.selectFrom('sessions').select('user_id').where('user_id', '=', Number(created.id)).executeTakeFirst());
      await context.close();
    });

    test('a callback without its cookie, with an altered cookie, or with the wrong state is refused', async () => {
      const sessionsBefore = await townhall.db.selectFrom('sessions').select('token_hash').execute();
      const auditBefore = await townhall.db.selectFrom('audit_log').select('seq').execute();

      // Starting writes nothing to the database: it only sets the sealed, short-lived cookie.
      const start = await fetch(`${townhall.baseUrl}/sign-in/oidc/staff?next=/staff/cases`, { redirect: 'manual' });
      assert.equal(start.status, 303);
      const to = new URL(start.headers.get('location') ?? '');
      assert.equal(to.origin, provider.issuer);
      assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(to.searchParams.get('redirect_uri'), `${townhall.baseUrl}/sign-in/oidc/staff/callback`);
      assert.equal(to.searchParams.get('scope'), 'openid email profile');
      const state = to.searchParams.get('state');
      assert.ok(state && to.searchParams.get('nonce') && to.searchParams.get('code_challenge'));
      const setCookie = start.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /^townhall_oidc=e1\.[^;]+; Path=\/sign-in\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
      const cookie = setCookie.split(';')[0]!;

      const callback = (query: string, cookieHeader?: string) =>
        fetch(`${townhall.baseUrl}/sign-in/oidc/staff/callback?${query}`, { redirect: 'manual', headers: { accept: 'text/html', ...(cookieHeader ? { cookie: cookieHeader } : {}) } });
      const iss = `iss=${encodeURIComponent(provider.issuer)}`;

      const missing = await callback(`code=abc&state=${state}&${iss}`);
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /expired or was started in another browser/);

      const altered = cookie.slice(0, -3) + (cookie.endsWith('AAA') ? 'BBB' : 'AAA');
      const tampered = await callback(`code=abc&state=${state}&${iss}`, altered);
      assert.equal(tampered.status, 400);
      assert.match(await tampered.text(), /expired or was started in another browser/);

      const wrongState = await callback(`code=abc&state=not-the-one-we-sent&${iss}`, cookie);
      assert.equal(wrongState.status, 400);
      assert.match(await wrongState.text(), /could not confirm this sign-in/);
      assert.match(wrongState.headers.get('set-cookie') ?? '', /townhall_oidc=; Path=\/sign-in\/oidc;.*Max-Age=0/, 'the attempt is used up');

      const otherAudience = await fetch(`${townhall.baseUrl}/sign-in/oidc/resident/callback?code=abc&state=${state}&${iss}`, { redirect: 'manual', headers: { cookie } });
      assert.equal(otherAudience.status, 400, 'a staff attempt does not finish at the resident callback');

      assert.equal((await fetch(`${townhall.baseUrl}/sign-in/oidc/mayor`, { redirect: 'manual' })).status, 404);
      for (const response of [missing, tampered, wrongState, otherAudience]) {
        assert.doesNotMatch(response.headers.get('set-cookie') ?? '', /townhall_session=[^;]/, 'no session');
      }
      assert.deepEqual(await townhall.db.selectFrom('sessions').select('token_hash').execute(), sessionsBefore);
      assert.equal((await townhall.db.selectFrom('audit_log').select('seq').execute()).length, auditBefore.length, 'forged callbacks do not fill the audit trail');
    });
  });
}

describe('OpenID Connect when the provider is down', () => {
  test('signing in answers a clear page, and Townhall keeps serving', async () => {
    const port = await closedPort();
    const [database] = databasesUnderTest();
    const townhall = await startTownhall(database!, { services: [], groups: [], env: oidcEnv(`http://127.0.0.1:${port}`) });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await fetch(`${townhall.baseUrl}/sign-in/oidc/staff`, { redirect: 'manual', headers: { accept: 'text/html' } });
        assert.equal(response.status, 503);
        assert.match(await response.text(), /The single sign-on service is not answering; try again or sign in with your password/);
      }
      assert.equal((await fetch(`${townhall.baseUrl}/healthz`)).status, 200);
    } finally {
      await townhall.close();
    }
  });
});

describe('OpenID Connect settings and safeguards', () => {
  test('a half-configured provider is reported in plain words; none configured is fine', () => {
    const problems: string[] = [];
    assert.deepEqual(loadOidcProviders({}, problems), {});
    assert.deepEqual(problems, []);
    loadOidcProviders({ TOWNHALL_STAFF_OIDC_ISSUER: 'https://login.council.example', TOWNHALL_RESIDENT_OIDC_CLIENT_ID: 'x', TOWNHALL_STAFF_OIDC_CLIENT_SECRET: 's' }, problems);
    assert.deepEqual(problems, [
      'TOWNHALL_STAFF_OIDC_CLIENT_ID is needed when TOWNHALL_STAFF_OIDC_ISSUER is set',
      'TOWNHALL_RESIDENT_OIDC_ISSUER is needed when TOWNHALL_RESIDENT_OIDC_CLIENT_ID is set',
    ]);
    const more: string[] = [];
    loadOidcProviders({ TOWNHALL_STAFF_OIDC_ISSUER: 'ftp://login.example', TOWNHALL_STAFF_OIDC_CLIENT_ID: 'a', TOWNHALL_STAFF_OIDC_CLIENT_SECRET: 'b' }, more);
    assert.deepEqual(more, ['TOWNHALL_STAFF_OIDC_ISSUER must be an http:// or https:// address; got "ftp://login.example"']);
    const fine = loadOidcProviders({ TOWNHALL_STAFF_OIDC_ISSUER: 'https://login.council.example', TOWNHALL_STAFF_OIDC_CLIENT_ID: 'a', TOWNHALL_STAFF_OIDC_CLIENT_SECRET: 'b' }, []);
    assert.deepEqual(fine.staff, { audience: 'staff', issuer: 'https://login.council.example', clientId: 'a', clientSecret: 'b', name: 'Council single sign-on' });
    assert.equal(fine.resident, undefined);
  });

  test('after sign-in, only a path on this site is followed', () => {
    assert.equal(safeNextPath('/staff/cases?page=2'), '/staff/cases?page=2');
    for (const unsafe of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'staff', '', '/a b', 42, undefined]) {
      assert.equal(safeNextPath(unsafe), null, String(unsafe));
    }
  });

  test('the sealed attempt opens only unaltered, unexpired, for its own audience, and with the key that sealed it', () => {
    const keyring = makeKeyring(newKey());
    const attempt: SignInAttempt = { audience: 'staff', state: 's', nonce: 'n', codeVerifier: 'v', next: '/staff', expiresAt: Date.now() + 60_000 };
    const sealed = sealAttempt(keyring, attempt);
    assert.deepEqual(openAttempt(keyring, sealed, 'staff'), attempt);
    assert.equal(openAttempt(keyring, sealed, 'resident'), null);
    assert.equal(openAttempt(keyring, sealed, 'staff', attempt.expiresAt + 1), null);
    assert.equal(openAttempt(makeKeyring(newKey()), sealed, 'staff'), null);
    assert.equal(openAttempt(keyring, `${sealed.slice(0, -2)}xx`, 'staff'), null);
    assert.equal(openAttempt(keyring, undefined, 'staff'), null);
  });
});

/** A port nothing listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
