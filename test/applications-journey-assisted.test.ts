/**
 * The rest of the applicant's journey, without JavaScript, on each database: finding an address
 * in the places index (or typing it), renewing a licence from the reminder's signed link (or
 * signed in) with the last answers carried over where they still fit, an officer applying for a
 * resident at the counter, and drafts sealed at rest (re-sealed on key rotation, removed by
 * retention and by erasure).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DRAFT_RETENTION_DAYS, publishForm, resealDrafts } from '../src/applications/applications.js';
import { decideApplication } from '../src/applications/review.js';
import type { FormDefinition } from '../src/applications/definition.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { anonymiseExpiredReporters } from '../src/jobs/retention.js';
import { checkRenewToken, renewToken } from '../src/licences/renew-link.js';
import { runLicenceRenewals } from '../src/licences/renewals.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { importPlaces } from '../src/places/places.js';
import { makeKeyring, newKey, open, sealedWith } from '../src/platform/crypto.js';
import { erasePersonalData } from '../src/privacy/privacy.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const STALLS = 'market-stall';
const stallService: ServiceInput = {
  code: STALLS, name: 'Market stall licence', description: 'A pitch at the market', groupCode: 'streets', keywords: ['market'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 28, attributes: [],
};
const stallForm = (goods: string[], maxDays: number): FormDefinition => ({
  title: 'Apply for a market stall', summary: 'A pitch at the Saturday market.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [], fees: [],
  pages: [
    { id: 'stall', title: 'Your stall', fields: [
      { id: 'trading_name', type: 'text', label: 'Trading name' },
      { id: 'goods', type: 'choice', label: 'What you sell', options: goods.map((g) => ({ value: g, label: g })) },
      { id: 'days', type: 'number', label: 'Days a month', max: maxDays },
      { id: 'home', type: 'address', label: 'Your home address' },
    ] },
    { id: 'declare', title: 'Declaration', fields: [{ id: 'truth', type: 'declaration', label: 'I confirm the information is correct' }] },
  ],
});

function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 2000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

const emailsOf = async (t: RunningTownhall, template: string) =>
  (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute())
    .map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.template === template);

const staffClient = async (t: RunningTownhall, email: string, role: 'case_worker' | 'analyst' | 'supervisor') => {
  const who = await signedInAs(t, email, role, role === 'analyst' ? null : 'roads');
  const c = new WebClient(t.baseUrl);
  c.cookies.set('townhall_session', who.cookie.split('=')[1]!);
  return c;
};

for (const database of databasesUnderTest()) {
  describe(`applying: addresses, renewals, assisted digital, sealed drafts (${database.name})`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, stallService] });
      await publishForm(t.db, t.jurisdiction.id, STALLS, stallForm(['food', 'crafts'], 30), 'test');
      await importPlaces(t.db, t.jurisdiction.id, [
        { kind: 'address', name: '12 Market Street', lat: 51.51, long: -0.12, bounds: null },
        { kind: 'address', name: '14 Market Street', lat: 51.5102, long: -0.1201, bounds: null },
        { kind: 'address', name: '3 Market Street, Far Away', lat: 55.9, long: -3.2, bounds: null },
      ]);
    });
    after(async () => t?.close());

    /** A guest fills the stall form up to the check page; returns the client and the draft id. */
    const fillStall = async (c: WebClient, answers: Record<string, string>) => {
      await c.get(`/apply/${STALLS}/eligibility`);
      const started = await c.post(`/apply/${STALLS}/start`);
      const draft = started.location!.split('/')[3]!;
      await c.get(`/apply/d/${draft}/page/stall`);
      expectRedirect(await c.post(`/apply/d/${draft}/page/stall`, answers), `/apply/d/${draft}/page/declare`);
      expectRedirect(await c.post(`/apply/d/${draft}/page/declare`, { truth: 'yes' }), `/apply/d/${draft}/details`);
      return draft;
    };

    test('an address is found in the places index and chosen, or typed; the chosen place gives the case its point', async () => {
      const c = new WebClient(t.baseUrl);
      await c.get(`/apply/${STALLS}/eligibility`);
      const draft = (await c.post(`/apply/${STALLS}/start`)).location!.split('/')[3]!;
      const page = await c.get(`/apply/d/${draft}/page/stall`);
      assert.match(page.html, /Find the address: Your home address/);
      const empty = await c.post(`/apply/d/${draft}/address/home`, { page: 'stall', 'home-q': ' ' });
      assert.equal(empty.status, 400);
      assert.match(empty.html, /<a href="#home-q">Enter an address or street name/);
      const found = await c.post(`/apply/d/${draft}/address/home`, { page: 'stall', 'home-q': 'market street' });
      assert.equal(found.status, 200);
      assert.match(found.html, /12 Market Street/);
      assert.doesNotMatch(found.html, /Far Away/, 'places outside the council are not offered');
      const none = await c.post(`/apply/d/${draft}/address/home`, { page: 'stall', 'home-q': 'Nowhere Lane' });
      assert.match(none.html, /We could not find “Nowhere Lane”/);
      assert.match(none.html, /type the address in the box below/);
      const id = /name="home-place" value="(\d+)"/.exec(found.html)![1]!;
      const faraway = await t.db.selectFrom('places').select('id').where('name', '=', '3 Market Street, Far Away').executeTakeFirstOrThrow();
      const refused = await c.post(`/apply/d/${draft}/address/home/choose`, { page: 'stall', 'home-q': 'market street', 'home-place': String(faraway.id) });
      assert.equal(refused.status, 400, 'a place outside the council cannot be forced in');
      assert.match(refused.html, /Choose one of the places/);
      assert.equal((await c.post(`/apply/d/${draft}/address/trading_name`, { page: 'stall', 'trading_name-q': 'x' })).status, 404, 'only an address field searches');
      assert.equal((await new WebClient(t.baseUrl).post(`/apply/d/${draft}/address/home`, { page: 'stall', 'home-q': 'market', _csrf: null })).status, 403);
      expectRedirect(await c.post(`/apply/d/${draft}/address/home/choose`, { page: 'stall', 'home-q': 'market street', 'home-place': id }), `/apply/d/${draft}/page/stall#home`);
      const chosen = await c.get(`/apply/d/${draft}/page/stall`);
      assert.match(chosen.html, /Address chosen from our list: 12 Market Street/);
      assert.match(chosen.html, /id="home" name="home" type="text" value="12 Market Street"/);

      expectRedirect(await c.post(`/apply/d/${draft}/page/stall`, { trading_name: 'Pies & Co', goods: 'food', days: '4', home: '12 Market Street' }), `/apply/d/${draft}/page/declare`);
      expectRedirect(await c.post(`/apply/d/${draft}/page/declare`, { truth: 'yes' }), `/apply/d/${draft}/details`);
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Pat Baker', applicant_email: 'pat@example.org' }), `/apply/d/${draft}/check`);
      expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const application = await t.db.selectFrom('applications').select(['case_id', 'answers', 'channel']).where('draft_id', '=', draft).executeTakeFirstOrThrow();
      const kept = JSON.parse(open(t.keyring, 'application_answers', application.answers)) as Record<string, string>;
      assert.equal(kept.home, '12 Market Street');
      assert.deepEqual(JSON.parse(kept['home:place']!), { id: Number(id), label: '12 Market Street', lat: 51.51, long: -0.12 });
      const row = await t.db.selectFrom('cases').select(['lat', 'long', 'address_string', 'channel']).where('id', '=', application.case_id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { lat: 51.51, long: -0.12, address_string: '12 Market Street', channel: 'web' });
      assert.equal(application.channel, 'web');

      // Typing another address by hand lets the chosen place go.
      const other = new WebClient(t.baseUrl);
      await other.get(`/apply/${STALLS}/eligibility`);
      const typed = (await other.post(`/apply/${STALLS}/start`)).location!.split('/')[3]!;
      await other.get(`/apply/d/${typed}/page/stall`);
      const found2 = await other.post(`/apply/d/${typed}/address/home`, { page: 'stall', 'home-q': '12 market street' });
      const id2 = /name="home-place" value="(\d+)"/.exec(found2.html)![1]!;
      await other.post(`/apply/d/${typed}/address/home/choose`, { page: 'stall', 'home-q': '12 market street', 'home-place': id2 });
      await other.get(`/apply/d/${typed}/page/stall`);
      await other.post(`/apply/d/${typed}/page/stall`, { trading_name: 'Pots', goods: 'crafts', days: '2', home: 'Flat 2, 9 Canal Row' });
      const page2 = await other.get(`/apply/d/${typed}/page/stall`);
      assert.doesNotMatch(page2.html, /Address chosen from our list/);
      assert.match(page2.html, /value="Flat 2, 9 Canal Row"/);
    });

    test('a renewal from the reminder\'s signed link is prefilled from the last application; what no longer fits is dropped and said; the case records what it renews', async () => {
      const c = new WebClient(t.baseUrl);
      const draft = await fillStall(c, { trading_name: 'Crafty Ltd', goods: 'crafts', days: '20', home: '1 Canal Row' });
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Cass Crafter', applicant_email: 'cass@example.org' }), `/apply/d/${draft}/check`);
      expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const caseId = (await t.db.selectFrom('applications').select('case_id').where('draft_id', '=', draft).executeTakeFirstOrThrow()).case_id;
      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } };
      const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
      const { performCaseAction } = await import('../src/cases/actions.js');
      await performCaseAction(t.db, ctx, caseId, { kind: 'transition', transition: 'review' }, admin, `review-${caseId}`);
      await decideApplication(t.db, ctx, caseId, { outcome: 'approve', text: 'Pitch 7 only', validFrom: '2026-01-01', validUntil: '2026-12-31' }, admin, `decide-${caseId}`);
      const licence = await t.db.selectFrom('licences').select(['id', 'number', 'valid_until']).where('case_id', '=', caseId).executeTakeFirstOrThrow();

      // The form changed since: crafts are no longer sold, and 20 days a month is now too many.
      await publishForm(t.db, t.jurisdiction.id, STALLS, stallForm(['food', 'flowers'], 12), 'test');
      await runLicenceRenewals({ db: t.db, ctx, now: () => new Date(Date.parse(licence.valid_until) - 30 * 86_400_000).toISOString() });
      const [reminder] = (await emailsOf(t, 'licence_renewal_reminder')).filter((e) => e.to === 'cass@example.org');
      const link = new RegExp(`${t.baseUrl}(/apply/renew/${licence.number}\\?token=[0-9a-f.%A-F]+)`).exec(reminder!.text)?.[1];
      assert.ok(link, `the reminder carries a renew link: ${reminder!.text}`);

      // The link is signed and expires; it opens only its own licence.
      const token = decodeURIComponent(link!.split('token=')[1]!);
      assert.equal(checkRenewToken(t.keyring, token), licence.id);
      assert.equal(checkRenewToken(t.keyring, token, Date.now() + 91 * 86_400_000), null, 'it expires');
      assert.equal(checkRenewToken(t.keyring, token.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'))), null, 'a changed signature is refused');
      assert.equal(checkRenewToken(makeKeyring(newKey()), token), null, 'another key did not sign it');
      const stranger = new WebClient(t.baseUrl);
      assert.equal((await stranger.get(`/apply/renew/${licence.number}`)).status, 403, 'no link, not signed in');
      assert.equal((await stranger.get(`/apply/renew/${licence.number}?token=${encodeURIComponent(renewToken(t.keyring, licence.id + 1000))}`)).status, 403, 'a link for another licence');
      assert.equal((await stranger.get('/apply/renew/LIC-0000-999999?token=x')).status, 404);

      const holder = new WebClient(t.baseUrl);
      const start = await holder.get(link!);
      assert.equal(start.status, 200, start.html.slice(0, 1000));
      assert.match(start.html, new RegExp(`Renew licence ${licence.number}`));
      assert.equal((await holder.post(`/apply/renew/${licence.number}`, {})).status, 403, 'starting needs the link too');
      const started = await holder.post(`/apply/renew/${licence.number}`, { token });
      expectRedirect(started, /^\/apply\/d\/[0-9a-f-]{36}\/renewal$/);
      const renewal = started.location!.split('/')[3]!;
      const told = await holder.get(started.location!);
      assert.match(told.html, /Some answers were not carried over/);
      assert.match(told.html, /What you sell/);
      assert.match(told.html, /Days a month/);
      assert.doesNotMatch(told.html, /Trading name/);
      const stall = await holder.get(`/apply/d/${renewal}/page/stall`);
      assert.match(stall.html, /value="Crafty Ltd"/);
      assert.match(stall.html, /value="1 Canal Row"/);
      assert.doesNotMatch(stall.html, /value="20"/);
      expectRedirect(await holder.post(`/apply/d/${renewal}/page/stall`, { trading_name: 'Crafty Ltd', goods: 'flowers', days: '8', home: '1 Canal Row' }), `/apply/d/${renewal}/page/declare`);
      expectRedirect(await holder.post(`/apply/d/${renewal}/page/declare`, { truth: 'yes' }), `/apply/d/${renewal}/check`);
      assert.match((await holder.get(`/apply/d/${renewal}/check`)).html, /Cass Crafter/, 'the holder\'s details are carried over');
      expectRedirect(await holder.post(`/apply/d/${renewal}/check`), `/apply/d/${renewal}/sent`);
      const renewed = await t.db.selectFrom('applications').select(['case_id', 'renews_licence_id', 'form_id']).where('draft_id', '=', renewal).executeTakeFirstOrThrow();
      assert.equal(renewed.renews_licence_id, licence.id);
      const description = await t.db.selectFrom('cases').select('description').where('id', '=', renewed.case_id).executeTakeFirstOrThrow();
      assert.match(description.description ?? '', new RegExp(`renewal of licence ${licence.number}`));
      const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', String(renewed.case_id)).where('action', '=', 'application.renews').executeTakeFirstOrThrow();
      assert.match(String(audit.after), new RegExp(licence.number));
    });

    test('a signed-in applicant renews from their account, without the link; another account cannot', async () => {
      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } };
      const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
      const sam = await signedInAs(t, `sam.${database.name}@example.org`, 'resident', null);
      const c = new WebClient(t.baseUrl);
      c.cookies.set('townhall_session', sam.cookie.split('=')[1]!);
      const draft = await fillStall(c, { trading_name: 'Sam’s Snacks', goods: 'food', days: '6', home: '8 Canal Row' });
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Sam Seller', applicant_email: 'sam.seller@example.org' }), `/apply/d/${draft}/check`);
      expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const caseId = (await t.db.selectFrom('applications').select('case_id').where('draft_id', '=', draft).executeTakeFirstOrThrow()).case_id;
      const { performCaseAction } = await import('../src/cases/actions.js');
      await performCaseAction(t.db, ctx, caseId, { kind: 'transition', transition: 'review' }, admin, `review-${caseId}`);
      await decideApplication(t.db, ctx, caseId, { outcome: 'approve', text: '', validFrom: '2026-01-01', validUntil: '2026-12-31' }, admin, `decide-${caseId}`);
      const licence = await t.db.selectFrom('licences').select(['id', 'number']).where('case_id', '=', caseId).executeTakeFirstOrThrow();

      const other = await signedInAs(t, `other.${database.name}.resident@example.org`, 'resident', null);
      const stranger = new WebClient(t.baseUrl);
      stranger.cookies.set('townhall_session', other.cookie.split('=')[1]!);
      assert.equal((await stranger.get(`/apply/renew/${licence.number}`)).status, 403);
      assert.equal((await c.get(`/apply/renew/${licence.number}`)).status, 200);
      const started = await c.post(`/apply/renew/${licence.number}`, {});
      expectRedirect(started, /^\/apply\/d\/[0-9a-f-]{36}\/renewal$/);
      const told = await c.get(started.location!);
      assert.doesNotMatch(told.html, /Some answers were not carried over/, 'everything still fits');
      const renewal = started.location!.split('/')[3]!;
      const row = await t.db.selectFrom('application_drafts').select(['user_id', 'renews_licence_id']).where('id', '=', renewal).executeTakeFirstOrThrow();
      assert.equal(row.renews_licence_id, licence.id);
      assert.ok(row.user_id !== null, 'the renewal is the account\'s draft');
      assert.equal((await stranger.get(`/apply/d/${renewal}/page/stall`)).status, 403);
      assert.match((await c.get(`/apply/d/${renewal}/page/stall`)).html, /value="Sam’s Snacks"/);
    });

    test('an officer applies for a resident at the counter; the case records the channel and the officer; the resident is emailed', async () => {
      const analyst = await staffClient(t, `analyst.${database.name}@example.org`, 'analyst');
      assert.equal((await analyst.get('/staff/applications/new')).status, 403, 'not a role that takes applications');
      assert.equal((await new WebClient(t.baseUrl).get('/staff/applications/new')).status, 303, 'signed out: sent to sign in');
      const officer = await staffClient(t, `desk.${database.name}@example.org`, 'case_worker');
      const officerId = (await t.db.selectFrom('users').select('id').where('role', '=', 'case_worker').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      const form = await officer.get('/staff/applications/new');
      assert.equal(form.status, 200);
      assert.match(form.html, /Apply for a market stall/);
      const bad = await officer.post('/staff/applications/new', { service: 'nope', channel: 'fax', language: 'xx', name: '', email: 'no' });
      assert.equal(bad.status, 400);
      for (const field of ['service', 'channel', 'language', 'name', 'email']) assert.match(bad.html, new RegExp(`<a href="#${field}">`));
      const started = await officer.post('/staff/applications/new', { service: STALLS, channel: 'counter', language: 'es', name: 'Rosa Díaz', email: 'rosa@example.org', phone: '01632 960 001' });
      expectRedirect(started, /^\/apply\/d\/[0-9a-f-]{36}\/page\/stall$/);
      const draft = started.location!.split('/')[3]!;
      assert.equal((await new WebClient(t.baseUrl).get(started.location!)).status, 403, 'nobody else can open it');
      const colleague = await staffClient(t, `other.${database.name}@example.org`, 'case_worker');
      assert.equal((await colleague.get(started.location!)).status, 403, 'not even another officer');
      await officer.get(started.location!);
      expectRedirect(await officer.post(`/apply/d/${draft}/page/stall`, { trading_name: 'Rosa Flores', goods: 'food', days: '4', home: '5 Canal Row' }), `/apply/d/${draft}/page/declare`);
      expectRedirect(await officer.post(`/apply/d/${draft}/page/declare`, { truth: 'yes' }), `/apply/d/${draft}/check`);
      assert.match((await officer.get('/staff/applications/new')).html, new RegExp(`href="/apply/d/${draft}/check"`), 'the officer\'s unsent applications are listed');
      const check = await officer.get(`/apply/d/${draft}/check`);
      assert.match(check.html, /Rosa Díaz/);
      expectRedirect(await officer.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const application = await t.db.selectFrom('applications').select(['case_id', 'channel', 'assisted_by', 'user_id']).where('draft_id', '=', draft).executeTakeFirstOrThrow();
      assert.deepEqual({ channel: application.channel, assistedBy: application.assisted_by, userId: application.user_id }, { channel: 'counter', assistedBy: officerId, userId: null });
      const row = await t.db.selectFrom('cases').select('channel').where('id', '=', application.case_id).executeTakeFirstOrThrow();
      assert.equal(row.channel, 'counter');
      const submitted = await t.db.selectFrom('case_actions').select('actor').where('case_id', '=', application.case_id).where('action', '=', 'submitted').executeTakeFirstOrThrow();
      assert.equal(submitted.actor, `user:${officerId}`);
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where((eb) => eb.or([eb('entity_id', '=', draft), eb('entity_id', '=', String(application.case_id))])).execute();
      assert.ok(audit.some((a) => a.action === 'application_draft.assisted_started' && a.actor === `user:${officerId}`));
      assert.ok(audit.some((a) => a.action === 'application.assisted' && a.actor === `user:${officerId}`));
      const [received] = (await emailsOf(t, 'application_received')).filter((e) => e.to === 'rosa@example.org');
      assert.ok(received, 'the resident gets the confirmation');
      assert.equal(received!.language, 'es');
    });

    test('drafts are sealed at rest, re-sealed under a new key, and removed by retention and by erasure', async () => {
      const c = new WebClient(t.baseUrl);
      const draft = await fillStall(c, { trading_name: 'Secret Sauce', goods: 'food', days: '3', home: '2 Canal Row' });
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Erin Erase', applicant_email: 'erin@example.org' }), `/apply/d/${draft}/check`);
      const stored = async () => (await t.db.selectFrom('application_drafts').select(['answers', 'contact_email_hash']).where('id', '=', draft).executeTakeFirst());
      const sealed = (await stored())!;
      assert.equal(sealedWith(sealed.answers), t.keyring.current.id);
      assert.ok(!sealed.answers.includes('Secret Sauce') && !sealed.answers.includes('erin@example.org'), 'nothing readable at rest');
      assert.match(open(t.keyring, 'application_draft', sealed.answers), /Secret Sauce/);
      assert.ok(sealed.contact_email_hash);

      // Key rotation: sealed again under the new key, still read by the app.
      const rotated = makeKeyring(newKey(), [...t.keyring.keys.values()]);
      assert.ok(await resealDrafts(t.db, rotated) >= 1);
      assert.equal(sealedWith((await stored())!.answers), rotated.current.id);
      assert.equal(await resealDrafts(t.db, rotated), 0, 'a second run has nothing to do');
      assert.match(open(rotated, 'application_draft', (await stored())!.answers), /Secret Sauce/);
      // Back under the app's own key (it knows no other), which the app then reads.
      await resealDrafts(t.db, makeKeyring(t.keyring.current.key, [rotated.current.key]));
      assert.equal((await c.get(`/apply/d/${draft}/check`)).status, 200);

      // Erasure by the applicant's email removes the unsent draft; sent applications are the case's business.
      const removed: string[] = [];
      const result = await erasePersonalData(t.db, t.keyring, t.jurisdiction.id, 'ERIN@example.org', 'request by email', 'test', { applicationDocuments: { remove: async (key) => { removed.push(key); } } });
      assert.deepEqual(result.applicationDrafts, [draft]);
      assert.equal(await stored(), undefined);
      assert.equal((await c.get(`/apply/d/${draft}/check`)).status, 404);

      // Retention: an unsent draft untouched for its period goes; a recent one stays.
      const old = await fillStall(new WebClient(t.baseUrl), { trading_name: 'Old', goods: 'food', days: '1', home: '3 Canal Row' });
      const recent = await fillStall(new WebClient(t.baseUrl), { trading_name: 'New', goods: 'food', days: '1', home: '4 Canal Row' });
      await t.db.updateTable('application_drafts').set({ updated_at: new Date(Date.now() - (DRAFT_RETENTION_DAYS + 1) * 86_400_000).toISOString() }).where('id', '=', old).execute();
      const run = await anonymiseExpiredReporters(t.db, t.jurisdiction.id, { applicationDocuments: { remove: async () => undefined } });
      assert.equal(run.applicationDrafts, 1);
      const left = (await t.db.selectFrom('application_drafts').select('id').where('id', 'in', [old, recent]).execute()).map((r) => r.id);
      assert.deepEqual(left, [recent]);
      const trail = await t.db.selectFrom('audit_log').select('action').where('entity_id', 'in', [old, draft]).execute();
      assert.deepEqual(trail.map((a) => a.action).sort(), ['application_draft.erased', 'application_draft.expired']);
    });
  });
}
