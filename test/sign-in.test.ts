/**
 * Signing in through the pages, as a browser without JavaScript does: staff with password and
 * TOTP (enrolment with QR code and recovery codes), session cookies, CSRF, sign-out, lockout
 * and rate limits. On SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createUser, disableUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const secretOf = (uri: string) => new URL(uri).searchParams.get('secret')!;
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
/** A code from the next 30-second window: fresh, and still within the tolerance Townhall allows. */
const nextCode = (secret: string, windows = 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * windows });

for (const database of databasesUnderTest()) {
  describe(`signing in on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '1000' } });
    });
    after(() => t.close());

    async function newStaff(email: string, password = 'correct horse battery staple') {
      const created = await createUser(t.db, t.keyring, { email, role: 'case_worker', departmentCode: 'highways' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const browser = new WebClient(t.baseUrl);
      await browser.get(`/account/set-password?token=${tokenOf(created.setPasswordLink)}`);
      const saved = await browser.post(`/account/set-password?token=${tokenOf(created.setPasswordLink)}`, { password });
      assert.equal(saved.status, 200, saved.html);
      return { ...created, secret: secretOf(created.totpUri!), password };
    }

    async function auditActions(entityId: string) {
      const rows = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', entityId).orderBy('seq').execute();
      return rows.map((r) => r.action);
    }

    test('staff sign in with a password, enrol their authenticator, get recovery codes, then need a code every time', async () => {
      const staff = await newStaff('ada@council.example');
      const browser = new WebClient(t.baseUrl);
      const form = await browser.get('/sign-in');
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('cache-control'), 'no-store');
      const anonymousCsrfCookie = browser.cookie('townhall_csrf');
      assert.ok(anonymousCsrfCookie, 'a form before sign-in is protected by a double-submit cookie');

      const signedIn = await browser.post('/sign-in', { email: 'ada@council.example', password: staff.password });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, '/sign-in/second-factor');
      const setCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('townhall_session='))!;
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.doesNotMatch(setCookie, /Secure/, 'plain http (local use) cannot carry Secure cookies');

      // Password alone opens nothing but the second-factor step.
      const blocked = await browser.get('/account');
      assert.equal(blocked.status, 303);
      assert.equal(blocked.location, '/sign-in/second-factor');

      const enrol = await browser.get('/sign-in/second-factor');
      assert.equal(enrol.status, 200);
      assert.match(enrol.html, /Set up your authenticator app/);
      assert.match(enrol.html, /<svg/);
      assert.ok(enrol.html.includes(staff.secret), 'the key is shown for people who cannot scan');
      assert.match(enrol.html, /otpauth:\/\/totp\//);

      const wrong = await browser.post('/sign-in/second-factor', { code: '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /That code did not work/);

      const sessionBefore = browser.cookie('townhall_session');
      // The code used here is replayed below: taken once, so a 30-second boundary between cannot
      // turn the replay into a fresh code.
      const usedCode = await generate({ secret: staff.secret });
      const enrolled = await browser.post('/sign-in/second-factor', { code: usedCode });
      assert.equal(enrolled.status, 200, enrolled.html);
      assert.match(enrolled.html, /Your recovery codes/);
      const codes = [...enrolled.html.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);
      const stored = await t.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', Number(staff.id)).execute();
      assert.ok(stored.length === 10 && stored.every((r) => r.code_hash.startsWith('$argon2id$')), 'recovery codes are kept as salted argon2id hashes');
      assert.notEqual(browser.cookie('townhall_session'), sessionBefore, 'the session gets a new id once the second factor is checked');

      const account = await browser.get('/account');
      assert.equal(account.status, 200);
      assert.match(account.html, /ada@council\.example/);
      assert.equal(account.headers.get('cache-control'), 'no-store');

      // Next time: password, then a code; the code just used cannot be used again.
      const again = new WebClient(t.baseUrl);
      await again.get('/sign-in');
      await again.post('/sign-in', { email: 'ada@council.example', password: staff.password });
      const step = await again.get('/sign-in/second-factor');
      assert.match(step.html, /Enter your code/);
      assert.doesNotMatch(step.html, /<svg/, 'an enrolled authenticator is not shown again');
      const replay = await again.post('/sign-in/second-factor', { code: usedCode });
      assert.equal(replay.status, 400, 'a code is accepted once');
      const fresh = await again.post('/sign-in/second-factor', { code: await nextCode(staff.secret) });
      assert.equal(fresh.status, 303);

      // A recovery code works once.
      const lost = new WebClient(t.baseUrl);
      await lost.get('/sign-in');
      await lost.post('/sign-in', { email: 'ada@council.example', password: staff.password });
      await lost.get('/sign-in/second-factor');
      assert.equal((await lost.post('/sign-in/second-factor', { code: codes[0]! })).status, 303);
      const reuse = new WebClient(t.baseUrl);
      await reuse.get('/sign-in');
      await reuse.post('/sign-in', { email: 'ada@council.example', password: staff.password });
      await reuse.get('/sign-in/second-factor');
      assert.equal((await reuse.post('/sign-in/second-factor', { code: codes[0]! })).status, 400);

      const actions = await auditActions(staff.id);
      for (const action of ['user.password_accepted', 'user.mfa_enrolled', 'user.signed_in', 'user.sign_in_failed', 'user.recovery_code_used']) {
        assert.ok(actions.includes(action), `audit has ${action}: ${actions.join(', ')}`);
      }
      const trail = JSON.stringify(await t.db.selectFrom('audit_log').select(['after', 'before']).execute());
      assert.ok(!trail.includes(staff.password) && !trail.includes(codes[1]!) && !trail.includes(staff.secret), 'no secrets in the audit trail');
    });

    test('forms without the right CSRF token, or from another site, change nothing', async () => {
      const staff = await newStaff('grace@council.example');
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in');
      const missing = await browser.post('/sign-in', { email: 'grace@council.example', password: staff.password, _csrf: null });
      assert.equal(missing.status, 403);
      assert.equal(browser.cookie('townhall_session'), undefined);
      const forged = await browser.post('/sign-in', { email: 'grace@council.example', password: staff.password, _csrf: 'x'.repeat(43) });
      assert.equal(forged.status, 403);
      const otherSite = await browser.post('/sign-in', { email: 'grace@council.example', password: staff.password }, { origin: 'https://evil.example' });
      assert.equal(otherSite.status, 403);
      assert.match(otherSite.html, /another website/);

      // Signed in, the session's own token is needed: the anonymous token no longer works.
      const anonymousToken = browser.csrf;
      assert.equal((await browser.post('/sign-in', { email: 'grace@council.example', password: staff.password })).status, 303);
      await browser.get('/sign-in/second-factor');
      await browser.post('/sign-in/second-factor', { code: await generate({ secret: staff.secret }) });
      const signOut = await browser.post('/sign-out', { _csrf: anonymousToken });
      assert.equal(signOut.status, 403);
      assert.equal((await browser.get('/account')).status, 200, 'still signed in');
    });

    test('sign-out ends the session; a person ends their other sessions; disabling an account ends them all', async () => {
      const staff = await newStaff('alan@council.example');
      // Each device signs in with the current code; forget the last step so it may be used again.
      const signIn = async () => {
        await t.db.updateTable('users').set({ totp_last_step: null }).where('id', '=', Number(staff.id)).execute();
        const b = new WebClient(t.baseUrl);
        await b.get('/sign-in');
        await b.post('/sign-in', { email: 'alan@council.example', password: staff.password });
        await b.get('/sign-in/second-factor');
        await b.post('/sign-in/second-factor', { code: await generate({ secret: staff.secret }) });
        assert.equal((await b.get('/account')).status, 200);
        return b;
      };
      const laptop = await signIn();
      const phone = await signIn();
      const tablet = await signIn();
      assert.equal((await phone.get('/account')).status, 200);

      const account = await laptop.get('/account');
      assert.match(account.html, /this device/);
      const ended = await laptop.post('/account/sessions/end', { session: 'others' });
      assert.equal(ended.status, 303);
      assert.equal((await phone.get('/account')).status, 303, 'the phone was signed out');
      assert.equal((await tablet.get('/account')).status, 303);

      const stolenCookie = laptop.cookie('townhall_session')!;
      await laptop.post('/sign-out');
      const replay = new WebClient(t.baseUrl);
      replay.cookies.set('townhall_session', stolenCookie);
      assert.equal((await replay.get('/account')).status, 303, 'a signed-out session cannot be used again');

      const desk = await signIn();
      assert.equal((await desk.get('/account')).status, 200);
      await disableUser(t.db, staff.id, 'test');
      assert.equal((await desk.get('/account')).status, 303);
      assert.equal(await t.db.selectFrom('sessions').select('token_hash').where('user_id', '=', Number(staff.id)).executeTakeFirst(), undefined);
    });

    test('a next address with characters outside Latin-1 (/€) neither fails nor signs staff out: it is followed, percent-encoded', async () => {
      const staff = await newStaff('barbara@council.example');
      const browser = new WebClient(t.baseUrl);
      const form = await browser.get('/sign-in?next=/€');
      assert.equal(form.status, 200);
      const signedIn = await browser.post('/sign-in?next=/€', { email: 'barbara@council.example', password: staff.password });
      assert.equal(signedIn.status, 303, signedIn.html);
      assert.equal(signedIn.location, `/sign-in/second-factor?next=${encodeURIComponent('/%E2%82%AC')}`);
      assert.equal((await browser.get(signedIn.location!)).status, 200);
      const enrolled = await browser.post(signedIn.location!, { code: await generate({ secret: staff.secret }) });
      assert.equal(enrolled.status, 200, enrolled.html);
      assert.match(enrolled.html, /Your recovery codes/);
      assert.equal((await browser.get('/account')).status, 200, 'signed in after the second factor');
      // Again, already enrolled: the code is taken and the redirect goes where it was asked to.
      const again = new WebClient(t.baseUrl);
      await again.get('/sign-in');
      const password = await again.post('/sign-in?next=/€/ü?x=ñ', { email: 'barbara@council.example', password: staff.password });
      await again.get(password.location!);
      const code = await again.post(password.location!, { code: await nextCode(staff.secret) });
      assert.equal(code.status, 303, code.html);
      assert.equal(code.location, '/%E2%82%AC/%C3%BC?x=%C3%B1');
      assert.equal((await again.get('/account')).status, 200, 'not signed out');
      for (const bad of ['//evil.example/€', '/\\evil.example', 'https://evil.example/€']) {
        const refused = await new WebClient(t.baseUrl).get(`/sign-in?next=${encodeURIComponent(bad)}`);
        assert.equal(refused.status, 200);
        assert.match(refused.html, /<form method="post" action="\/sign-in"/, `${bad} is dropped: the form does not carry it on`);
      }
    });

    // Changed on purpose: five wrong passwords used to lock the account itself (anyone could lock
    // staff out, and only known addresses were locked). Now the client guessing is slowed down,
    // alike for known and unknown addresses; the account is never locked (see throttle.ts).
    test('five wrong passwords slow down the client guessing, alike for known and unknown addresses: 429 with Retry-After', async () => {
      const staff = await newStaff('edsger@council.example');
      const answers = async (email: string) => {
        const browser = new WebClient(t.baseUrl);
        await browser.get('/sign-in');
        const seen = [];
        for (let i = 0; i < 5; i++) {
          const response = await browser.post('/sign-in', { email, password: `wrong ${i} password` });
          seen.push({ status: response.status, retryAfter: response.headers.get('retry-after') !== null, text: response.html.replace(/value="[^"]*"/g, '').replace(/[^\s@"]+@council\.example/g, 'EMAIL') });
        }
        const right = await browser.post('/sign-in', { email, password: staff.password });
        return { seen, right };
      };
      const known = await answers('edsger@council.example');
      const unknown = await answers('nobody@council.example');
      assert.deepEqual(known.seen.map((a) => a.status), [400, 400, 400, 400, 429]);
      assert.deepEqual(known.seen, unknown.seen, 'the same answers, status, header and page, for an address with an account and one without');
      assert.equal(known.right.status, 429, 'the guessing client waits even with the right password');
      assert.match(known.right.html, /wait 1 minute/);
      assert.ok(!(await auditActions(staff.id)).includes('user.locked'), 'the account itself is not locked');
      const row = await t.db.selectFrom('users').select('locked_until').where('id', '=', Number(staff.id)).executeTakeFirstOrThrow();
      assert.equal(row.locked_until, null);
    });
  });

  describe(`sign-in rate limit per address on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '3' } });
    });
    after(() => t.close());

    test('more attempts than the limit from one address get 429 with Retry-After', async () => {
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in');
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await browser.post('/sign-in', { email: `x${i}@example.org`, password: 'not the password' })).status);
      assert.deepEqual(statuses, [400, 400, 400, 429]);
      const limited = await browser.post('/sign-in', { email: 'y@example.org', password: 'not the password' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(limited.html, /Too many attempts/);
    });
  });
}
