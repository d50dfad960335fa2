/**
 * The keyed link to an application's page in its emails, on each database: a guest opens it from
 * another browser, replies and pays; a wrong key, or another application's, is the same 404 as a
 * missing application; a resident whose application an officer made pays online from their
 * confirmation; later emails carry a link of their own; keys are stored hashed, kept out of the
 * request log, and their openings rate-limited.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishForm } from '../src/applications/applications.js';
import type { FormDefinition } from '../src/applications/definition.js';
import { SANDBOX_CARDS, SandboxProvider } from '../src/applications/payments.js';
import { performCaseAction } from '../src/cases/actions.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { sha256Hex } from '../src/platform/crypto.js';
import { redactUrl } from '../src/platform/log-redaction.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const SIGNS = 'shop-signs';
const signService: ServiceInput = {
  code: SIGNS, name: 'Shop sign consent', description: 'Consent for a shop sign', groupCode: 'streets', keywords: ['sign'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 28, attributes: [],
};
const signForm = (): FormDefinition => ({
  title: 'Apply for a shop sign', summary: 'Consent to put up a sign.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [],
  fees: [{ effectiveFrom: '2025-01-01', rules: [{ kind: 'fixed', label: 'Application', amount: 4000 }] }],
  pages: [{ id: 'sign', title: 'Your sign', fields: [{ id: 'wording', type: 'text', label: 'What the sign says' }] }],
});

function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 2000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

const emailsTo = async (t: RunningTownhall, template: string, to: string) =>
  (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute())
    .map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.template === template && e.to === to);

/** The keyed link in an email's text, as a path on this site. */
function keyedPath(t: RunningTownhall, text: string, reference: number): { path: string; key: string } {
  const found = new RegExp(`${t.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/apply/applications/${reference}\\?key=([A-Za-z0-9_-]+))`).exec(text);
  assert.ok(found, `a keyed link to application ${reference} in: ${text}`);
  return { path: found[1]!, key: found[2]! };
}

const notFoundLike = (response: PageResponse) => {
  assert.equal(response.status, 404, response.html.slice(0, 1000));
  assert.match(response.html, /There is no application with that reference/);
};

for (const database of databasesUnderTest()) {
  describe(`the keyed link to an application's page (${database.name})`, () => {
    let t: RunningTownhall;
    let provider: SandboxProvider;
    before(async () => {
      provider = new SandboxProvider(() => t.db, () => t.baseUrl);
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, signService], applications: { payments: provider } });
      await publishForm(t.db, t.jurisdiction.id, SIGNS, signForm(), 'test');
    });
    after(async () => t?.close());

    /** A guest sends an application from their own browser; its reference. */
    const guestApplies = async (email: string) => {
      const c = new WebClient(t.baseUrl);
      await c.get(`/apply/${SIGNS}/eligibility`);
      const draft = (await c.post(`/apply/${SIGNS}/start`)).location!.split('/')[3]!;
      await c.get(`/apply/d/${draft}/page/sign`);
      expectRedirect(await c.post(`/apply/d/${draft}/page/sign`, { wording: 'Bakery' }), `/apply/d/${draft}/details`);
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Gus Guest', applicant_email: email }), `/apply/d/${draft}/check`);
      expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      return (await t.db.selectFrom('applications').select('case_id').where('draft_id', '=', draft).executeTakeFirstOrThrow()).case_id;
    };

    const paysOnline = async (c: WebClient, reference: number) => {
      const started = await c.post(`/apply/applications/${reference}/pay`);
      expectRedirect(started, new RegExp(`^${t.baseUrl}/pay/sandbox/sb_[0-9a-f]+$`));
      const card = started.location!.replace(t.baseUrl, '');
      assert.match((await c.get(card)).html, /£40.00/);
      const paid = await c.post(card, { card: SANDBOX_CARDS.success });
      assert.match((await c.get(paid.location!.replace(t.baseUrl, ''))).html, /Payment received/);
      assert.equal((await t.db.selectFrom('applications').select('payment_state').where('case_id', '=', reference).executeTakeFirstOrThrow()).payment_state, 'paid');
    };

    test('a guest opens their page from another browser with the emailed link, replies and pays; the key is kept hashed and out of the log', async () => {
      const reference = await guestApplies('gus@example.org');
      const [received] = await emailsTo(t, 'application_received', 'gus@example.org');
      const { path, key } = keyedPath(t, received!.text, reference);
      assert.ok(key.length >= 32, 'a long key');

      const phone = new WebClient(t.baseUrl);
      assert.equal((await phone.post(`/apply/applications/${reference}/pay`)).status, 403, 'without the link, another browser cannot pay');
      const opened = await phone.get(path);
      assert.equal(opened.status, 200, opened.html.slice(0, 1000));
      assert.match(opened.html, new RegExp(`Application ${reference}`));
      assert.match(opened.html, /£40.00/);
      assert.match(opened.headers.get('cache-control') ?? '', /no-store/);
      assert.match(opened.headers.get('referrer-policy') ?? '', /^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/, 'the key never travels to another site');
      // The browser remembers it: the page's forms work without the key in their address.
      assert.equal((await phone.get(`/apply/applications/${reference}`)).status, 200);
      expectRedirect(await phone.post(`/apply/applications/${reference}/reply`, { message: 'The sign is 1 m wide.' }), `/apply/applications/${reference}`);
      assert.match((await phone.get(`/apply/applications/${reference}`)).html, /The sign is 1 m wide/);
      const replied = await t.db.selectFrom('case_actions').select('actor').where('case_id', '=', reference).where('action', '=', 'applicant_reply').executeTakeFirstOrThrow();
      assert.equal(replied.actor, 'applicant:guest');
      await paysOnline(phone, reference);

      // Only a hash is stored, and the request log never shows the key.
      const rows = await t.db.selectFrom('application_links').selectAll().where('case_id', '=', reference).execute();
      assert.ok(rows.some((r) => r.key_hash === sha256Hex(key)));
      assert.ok(!JSON.stringify(rows).includes(key));
      assert.ok(!redactUrl(path).includes(key));
    });

    test('a wrong key, or another application\'s, is the same 404 as a missing application', async () => {
      const mine = await guestApplies('ida@example.org');
      const theirs = await guestApplies('jo@example.org');
      const { key } = keyedPath(t, (await emailsTo(t, 'application_received', 'ida@example.org'))[0]!.text, mine);
      const { key: otherKey } = keyedPath(t, (await emailsTo(t, 'application_received', 'jo@example.org'))[0]!.text, theirs);
      const stranger = new WebClient(t.baseUrl);
      notFoundLike(await stranger.get(`/apply/applications/${mine}?key=${key}x`));
      notFoundLike(await stranger.get(`/apply/applications/${mine}?key=${otherKey}`));
      notFoundLike(await stranger.get(`/apply/applications/${theirs}?key=${key}`));
      notFoundLike(await stranger.get(`/apply/applications/99999999?key=${key}`));
      notFoundLike(await stranger.get(`/apply/applications/${mine}?key=${'a'.repeat(500)}`));
      // Opening one application's page does not open another's.
      assert.equal((await stranger.get(`/apply/applications/${theirs}?key=${otherKey}`)).status, 200);
      assert.equal((await stranger.get(`/apply/applications/${mine}`)).status, 403);
      assert.equal((await stranger.post(`/apply/applications/${mine}/reply`, { message: 'hello' })).status, 403);
      // A forged cookie with another application's key opens nothing either.
      const forger = new WebClient(t.baseUrl);
      forger.cookies.set(`townhall_app_${mine}`, otherKey);
      assert.equal((await forger.get(`/apply/applications/${mine}`)).status, 403);
    });

    test('later emails carry a link of their own: the request for more information opens the page too', async () => {
      const reference = await guestApplies('kim@example.org');
      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } };
      const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
      await performCaseAction(t.db, ctx, reference, { kind: 'transition', transition: 'request_information', publicNote: 'Send us a drawing of the sign.' }, admin, 'ask-kim');
      const [asking] = await emailsTo(t, 'case_updated', 'kim@example.org');
      const { path, key } = keyedPath(t, asking!.text, reference);
      const { key: first } = keyedPath(t, (await emailsTo(t, 'application_received', 'kim@example.org'))[0]!.text, reference);
      assert.notEqual(key, first, 'each email its own key');
      const laptop = new WebClient(t.baseUrl);
      assert.match((await laptop.get(path)).html, /Send us a drawing of the sign/);
      expectRedirect(await laptop.post(`/apply/applications/${reference}/reply`, { message: 'Attached at the counter.' }), `/apply/applications/${reference}`);
      assert.equal((await t.db.selectFrom('cases').select('state').where('id', '=', reference).executeTakeFirstOrThrow()).state, 'under_review');
    });

    test('a resident whose application an officer made pays online from the link in their confirmation', async () => {
      const who = await signedInAs(t, `desk.${database.name}@example.org`, 'case_worker', 'roads');
      const officer = new WebClient(t.baseUrl);
      officer.cookies.set('townhall_session', who.cookie.split('=')[1]!);
      await officer.get('/staff/applications/new');
      const started = await officer.post('/staff/applications/new', { service: SIGNS, channel: 'phone', language: 'en', name: 'Rosa Díaz', email: 'rosa@example.org' });
      expectRedirect(started, /^\/apply\/d\/[0-9a-f-]{36}\/page\/sign$/);
      const draft = started.location!.split('/')[3]!;
      await officer.get(started.location!);
      expectRedirect(await officer.post(`/apply/d/${draft}/page/sign`, { wording: 'Flores' }), `/apply/d/${draft}/check`);
      expectRedirect(await officer.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const reference = (await t.db.selectFrom('applications').select('case_id').where('draft_id', '=', draft).executeTakeFirstOrThrow()).case_id;
      const [received] = await emailsTo(t, 'application_received', 'rosa@example.org');
      const { path } = keyedPath(t, received!.text, reference);
      const resident = new WebClient(t.baseUrl);
      assert.equal((await resident.get(`/apply/applications/${reference}`)).status, 403, 'without the link the page stays closed');
      assert.equal((await resident.get(path)).status, 200);
      await paysOnline(resident, reference);
      const payment = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'application_payment.started').where('entity_type', '=', 'application_payment').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(payment.actor, 'applicant:guest');
    });

    // Last: it uses up this client address's openings for a minute.
    test('openings with a key are rate-limited per client', async () => {
      const reference = await guestApplies('lee@example.org');
      const c = new WebClient(t.baseUrl);
      const statuses: number[] = [];
      for (let n = 0; n < 12; n++) statuses.push((await c.get(`/apply/applications/${reference}?key=wrong${n}`)).status);
      assert.ok(statuses.includes(404) && statuses.at(-1) === 429, statuses.join(','));
    });
  });
}
