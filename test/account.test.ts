/**
 * A resident's rights from their own account page: download everything held about them, and
 * close the account, which erases their details except where a service must keep them by law
 * (and says why). Also: cookies and headers when Townhall is served over https.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../src/identity/passwords.js';
import { insertDepartment } from '../src/identity/store.js';
import { createUser, setPasswordWithLink } from '../src/identity/users.js';
import { lookupHash } from '../src/platform/crypto.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, inside, services } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const EXEMPTION = 'Building Act 1984 s.77: dangerous structure reports are kept for 6 years.';
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

for (const database of databasesUnderTest()) {
  describe(`a resident's own account on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      const exempt = { ...services.find((s) => s.code === GRAFFITI)!, code: 'dangerous-building', name: 'Dangerous building', erasureExemption: EXEMPTION };
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, exempt] });
    });
    after(() => t.close());

    async function residentWithReports(email: string) {
      const created = await createUser(t.db, t.keyring, { email, role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      await setPasswordWithLink(t.db, t.keyring, tokenOf(created.setPasswordLink), 'a long enough resident password');
      const ids: string[] = [];
      for (const code of [GRAFFITI, 'dangerous-building']) {
        const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
          method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: code, ...inside, email, first_name: 'Rosa', phone: '01632 960123' }),
        });
        ids.push(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      }
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in');
      const signedIn = await browser.post('/sign-in', { email, password: 'a long enough resident password' });
      assert.equal(signedIn.location, '/account');
      return { browser, ids, userId: created.id };
    }

    test('the account page lists their reports and sessions; the download holds their account and reports, and is audited', async () => {
      const { browser, ids, userId } = await residentWithReports('rosa@example.org');
      const page = await browser.get('/account');
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      // Changed deliberately: each reference now links to the report's page (the same list as "Your reports").
      for (const id of ids) assert.match(page.html, new RegExp(`<td><a href="/requests/${id}">${id}</a></td>`));
      assert.match(page.html, /this device/);
      // Times as people read them ("3 Dec 2026, 14:05"), in the page's language; the instant only for machines.
      const shown = (html: string) => [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)].map((m) => ({ instant: m[1]!, text: m[2]! }));
      const english = shown(page.html);
      assert.equal(english.length, 5, 'created, two reports, the session signed in and last active');
      for (const { instant, text } of english) {
        assert.match(instant, /^\d{4}-\d{2}-\d{2}T/);
        assert.match(text, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
      }
      const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>')).replace(/<[^>]+>/g, ' ');
      assert.doesNotMatch(main(page.html), /\d{4}-\d{2}-\d{2}T|[+-]\d{2}:\d{2}\b/, 'no raw timestamp on the page');
      for (const { text } of shown((await browser.get('/account?lang=es')).html)) assert.match(text, /^\d{1,2} [a-z]{3,4}\.? \d{4}, \d{1,2}:\d{2}$/);
      await browser.get('/account?lang=en');
      const download = await fetch(`${t.baseUrl}/account/data.json`, { headers: { cookie: `townhall_session=${browser.cookie('townhall_session')}` } });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('cache-control'), 'no-store');
      assert.match(download.headers.get('content-disposition') ?? '', /attachment/);
      const data = (await download.json()) as { account: { email: string }; sessions: unknown[]; serviceRequests: Array<{ serviceRequest: { id: string }; contact: { phone: string } }>; followedReports: unknown[]; emailChoices: { onUpdate: boolean } };
      assert.equal(data.account.email, 'rosa@example.org');
      assert.deepEqual(data.followedReports, [], 'reports followed from the portal are listed (none here)');
      assert.equal(data.emailChoices.onUpdate, true, 'the email choices are included');
      assert.equal(data.sessions.length, 1);
      assert.deepEqual(data.serviceRequests.map((r) => r.serviceRequest.id).sort(), [...ids].sort());
      assert.equal(data.serviceRequests[0]!.contact.phone, '01632 960123');
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'personal_data.exported').execute();
      assert.ok(audit.some((a) => a.actor === `user:${userId}`));
    });

    test('a member of staff reads their department by its name, not its code', async () => {
      await insertDepartment(t.db, 'parks', 'Parks and open spaces', new Date().toISOString());
      const { cookie } = await signedInAs(t, 'worker.account@example.org', 'case_worker', 'parks');
      const page = await fetch(`${t.baseUrl}/account`, { headers: { cookie } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<dt>Department<\/dt><dd>Parks and open spaces<\/dd>/);
    });

    test('closing the account erases their details, keeps what the law requires with the reason, and signs them out', async () => {
      const { browser, ids, userId } = await residentWithReports('mae@example.org');
      await browser.get('/account/close');
      const closed = await browser.post('/account/close');
      assert.equal(closed.status, 200, closed.html);
      assert.match(closed.html, /Your account is closed/);
      assert.ok(closed.html.includes(EXEMPTION.replace(/'/g, '&#39;')) || closed.html.includes(EXEMPTION), 'the reason for keeping is shown');
      assert.equal((await browser.get('/account')).status, 303, 'signed out');

      const reporters = await t.db.selectFrom('case_reporters').selectAll().where('case_id', 'in', ids.map(Number)).orderBy('case_id').execute();
      const graffiti = reporters.find((r) => r.case_id === Number(ids[0]));
      assert.ok(!graffiti || graffiti.email === null, 'the graffiti report lost the details');
      assert.notEqual(reporters.find((r) => r.case_id === Number(ids[1]))?.email, null, 'the dangerous-building report keeps them by law');
      const account = await t.db.selectFrom('users').selectAll().where('id', '=', Number(userId)).executeTakeFirstOrThrow();
      assert.equal(account.status, 'disabled');
      assert.equal(account.password_hash, null);
      const again = new WebClient(t.baseUrl);
      await again.get('/sign-in');
      assert.equal((await again.post('/sign-in', { email: 'mae@example.org', password: 'a long enough resident password' })).status, 400);
      const actions = (await t.db.selectFrom('audit_log').select('action').where('actor', '=', `user:${userId}`).execute()).map((a) => a.action);
      assert.ok(actions.includes('personal_data.erased') && actions.includes('user.closed'));
    });

    test('an account whose email is not confirmed sees, downloads and erases none of the reports made with that address', async () => {
      const { ids } = await residentWithReports('victim@example.org');
      // Someone else registers the victim's address elsewhere: simulate an unconfirmed account.
      await t.db.deleteFrom('users').where('email_hash', '=', lookupHash(t.keyring, 'email', 'victim@example.org')).execute();
      const intruder = await createUser(t.db, t.keyring, { email: 'victim@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      await t.db.updateTable('users').set({ password_hash: await hashPassword('the intruder password') }).where('id', '=', Number(intruder.id)).execute();
      const browser = new WebClient(t.baseUrl);
      await browser.get('/sign-in');
      assert.equal((await browser.post('/sign-in', { email: 'victim@example.org', password: 'the intruder password' })).status, 303);
      const page = await browser.get('/account');
      assert.match(page.html, /Confirm your email address/);
      for (const id of ids) assert.doesNotMatch(page.html, new RegExp(`<td>${id}</td>`));
      const data = await (await fetch(`${t.baseUrl}/account/data.json`, { headers: { cookie: `townhall_session=${browser.cookie('townhall_session')}` } })).json() as { serviceRequests: unknown[] };
      assert.deepEqual(data.serviceRequests, []);
      await browser.get('/account/close');
      await browser.post('/account/close');
      const kept = await t.db.selectFrom('case_reporters').select(['case_id', 'email']).where('case_id', 'in', ids.map(Number)).execute();
      assert.equal(kept.filter((r) => r.email !== null).length, 2, 'the real reporter\'s details are untouched');
    });

    test('changing the password needs the current one and an acceptable new one, and signs out everywhere else', async () => {
      const { browser, userId } = await residentWithReports('june@example.org');
      const elsewhere = new WebClient(t.baseUrl);
      await elsewhere.get('/sign-in');
      await elsewhere.post('/sign-in', { email: 'june@example.org', password: 'a long enough resident password' });
      assert.equal((await elsewhere.get('/account')).status, 200);

      await browser.get('/account/password');
      const wrong = await browser.post('/account/password', { current: 'not my password', next: 'a brand new passphrase' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /Your current password is not right/);
      const weak = await browser.post('/account/password', { current: 'a long enough resident password', next: 'password1' });
      assert.equal(weak.status, 400);
      assert.match(weak.html, /most common/);
      const changed = await browser.post('/account/password', { current: 'a long enough resident password', next: 'a brand new passphrase' });
      assert.equal(changed.location, '/account?changed=password');
      assert.equal((await browser.get('/account')).status, 200, 'this session stays');
      assert.equal((await elsewhere.get('/account')).status, 303, 'the other session ended');
      const fresh = new WebClient(t.baseUrl);
      await fresh.get('/sign-in');
      assert.equal((await fresh.post('/sign-in', { email: 'june@example.org', password: 'a long enough resident password' })).status, 400);
      assert.equal((await fresh.post('/sign-in', { email: 'june@example.org', password: 'a brand new passphrase' })).status, 303);
      const trail = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', userId).execute();
      assert.ok(trail.some((e) => e.action === 'user.password_changed'));
      assert.ok(!JSON.stringify(trail).includes('brand new'), 'no password in the audit trail');
    });
  });

  describe(`served over https on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { PUBLIC_URL: 'https://townhall.example' } });
      t.config.publicUrl = 'https://townhall.example';
    });
    after(() => t.close());

    test('cookies are __Host- prefixed and Secure, and HSTS is sent', async () => {
      const created = await createUser(t.db, t.keyring, { email: 'sam@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      await setPasswordWithLink(t.db, t.keyring, tokenOf(created.setPasswordLink), 'a long enough resident password');
      const browser = new WebClient(t.baseUrl);
      const form = await browser.get('/sign-in');
      assert.match(form.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.match(form.headers.getSetCookie().join('\n'), /^__Host-townhall_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/m);
      const signedIn = await browser.post('/sign-in', { email: 'sam@example.org', password: 'a long enough resident password' }, { origin: 'https://townhall.example' });
      assert.equal(signedIn.status, 303);
      assert.match(signedIn.headers.getSetCookie().join('\n'), /^__Host-townhall_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/m);
      assert.equal(browser.cookie('townhall_session'), undefined, 'no plain-named cookie over https');
      assert.equal((await browser.get('/account')).status, 200);
    });
  });
}
