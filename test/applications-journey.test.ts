/**
 * Applying for a permit without JavaScript, on each database: eligibility, a multi-page form
 * with a conditional page, a repeatable group, a map area, an upload checked by content and by
 * the scan hook, save and come back through the emailed link (once), your details, check your
 * answers with the fee, send; the case it makes, kept out of Open311; who may see a draft or
 * a document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { publishForm } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { SANDBOX_CARDS, SandboxProvider } from '../src/applications/payments.js';
import { performCaseAction } from '../src/cases/actions.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { open } from '../src/platform/crypto.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const TREES = 'tree-works';
const treeService: ServiceInput = {
  code: TREES, name: 'Tree works', description: 'Permission to work on protected trees', groupCode: 'streets', keywords: ['tree'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 56, attributes: [],
};
const AREA = JSON.stringify({ type: 'Polygon', coordinates: [[[-0.14, 51.50], [-0.13, 51.50], [-0.13, 51.51], [-0.14, 51.50]]] });

function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 3000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

function expectError(response: PageResponse, field: string, text: RegExp) {
  assert.equal(response.status, 400, response.html.slice(0, 3000));
  assert.match(response.html, new RegExp(`<a href="#${field}">`), `error summary links to #${field}`);
  assert.match(response.html, new RegExp(`id="${field}-error"`), `the message sits at ${field}`);
  assert.match(response.html, text);
}

const emailsOf = async (t: RunningTownhall, template: string) =>
  (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute())
    .map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.template === template);

for (const database of databasesUnderTest()) {
  describe(`apply for a permit without JavaScript (${database.name})`, () => {
    let t: RunningTownhall;
    const refused: string[] = [];
    let provider: SandboxProvider;
    before(async () => {
      provider = new SandboxProvider(() => t.db, () => t.baseUrl);
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, treeService], applications: { scanner: scannerFor(refused), payments: provider } });
      await publishForm(t.db, t.jurisdiction.id, TREES, treeWorks(), 'test');
    });
    after(async () => t?.close());

    test('a guest checks eligibility, fills the form, saves, comes back by email, and sends it', async () => {
      const c = new WebClient(t.baseUrl);
      assert.match((await c.get('/apply')).html, /Apply to work on trees/);
      const start = await c.get(`/apply/${TREES}`);
      assert.match(start.html, /What you need/);
      assert.match(start.html, /A photo of each tree/);

      await c.get(`/apply/${TREES}/eligibility`);
      expectError(await c.post(`/apply/${TREES}/eligibility`, { q_protected: 'yes' }), 'q_street', /Select an answer for: Is it a street tree\?/);
      const notNeeded = await c.post(`/apply/${TREES}/eligibility`, { q_protected: 'no', q_street: 'no' });
      assert.match(notNeeded.html, /You do not need to apply/);
      assert.match(notNeeded.html, /You only need permission for protected trees/);
      const other = await c.post(`/apply/${TREES}/eligibility`, { q_protected: 'yes', q_street: 'yes' });
      assert.match(other.html, /href="\/apply\/street-trees"/);
      assert.match((await c.post(`/apply/${TREES}/eligibility`, { q_protected: 'yes', q_street: 'no' })).html, /You need to apply/);

      const started = await c.post(`/apply/${TREES}/start`);
      expectRedirect(started, /^\/apply\/d\/[0-9a-f-]{36}\/page\/applicant$/);
      const draft = started.location!.split('/')[3]!;
      const at = (page: string) => `/apply/d/${draft}/page/${page}`;

      await c.get(at('applicant'));
      expectError(await c.post(at('applicant'), {}), 'role', /Select an answer for: Who are you\?/);
      expectRedirect(await c.post(at('applicant'), { role: 'agent' }), at('agent'));
      expectRedirect(await c.post(at('agent'), { company: 'Oak & Ash Ltd' }), at('trees'));

      // The repeatable group: none is too few; add, remove, add another.
      expectError(await c.post(at('trees'), { done: 'yes' }), 'group', /Add at least 1 tree/);
      expectError(await c.post(at('trees'), { add: 'yes', work: 'fell' }), 'species', /Enter Species/);
      expectRedirect(await c.post(at('trees'), { add: 'yes', species: 'Oak', work: 'fell' }), at('trees'));
      expectRedirect(await c.post(at('trees'), { add: 'yes', species: 'Birch', work: 'prune' }), at('trees'));
      expectRedirect(await c.post(at('trees'), { remove: '1' }), at('trees'));
      expectRedirect(await c.post(at('trees'), { add: 'yes', species: 'Ash', work: 'prune' }), at('trees'));
      const trees = await c.get(at('trees'));
      assert.match(trees.html, /You have added 2 items/);
      assert.doesNotMatch(trees.html, /Birch/);
      expectRedirect(await c.post(at('trees'), { done: 'yes' }), at('where'));

      expectError(await c.post(at('where'), { area: '{"type":"Polygon"}', 'start-day': '30', 'start-month': '2', 'start-year': '2027' }), 'area', /Mark the place on the map/);
      const badDate = await c.post(at('where'), { area: AREA, 'start-day': '30', 'start-month': '2', 'start-year': '2027' });
      expectError(badDate, 'start', /must be a real date/);
      assert.match(badDate.html, /value="30"/, 'what was typed is kept');
      expectRedirect(await c.post(at('where'), { area: AREA, 'start-day': '1', 'start-month': '3', 'start-year': '2027' }), at('photos'));

      // Documents: checked by their content, and by the council's scanner.
      await c.get(at('photos'));
      expectError(await c.post(at('photos'), {}), 'photo', /Upload a file for: Photos of the trees/);
      const upload = (bytes: Buffer, filename: string) => c.postMultipart(`/apply/d/${draft}/documents/photo?page=photos`, {}, { file: { bytes, filename, type: 'image/png' } });
      expectError(await upload(Buffer.from('MZ not a picture'), 'tree.png'), 'photo', /must be a PDF, JPG or PNG/);
      const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 10, g: 120, b: 10 } } }).png().toBuffer();
      expectError(await upload(Buffer.concat([png, Buffer.from('EICAR')]), 'infected.png'), 'photo', /refused by our safety check/);
      assert.deepEqual(refused, ['infected.png']);
      expectRedirect(await upload(png, 'oak.png'), at('photos'));
      const photos = await c.get(at('photos'));
      const documentId = /href="\/apply\/documents\/([0-9a-f-]{36})"/.exec(photos.html)![1]!;
      const served = await fetch(`${t.baseUrl}/apply/documents/${documentId}`, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
      assert.equal((await new WebClient(t.baseUrl).get(`/apply/documents/${documentId}`)).status, 403, 'another browser cannot have it');
      expectRedirect(await c.post(at('photos'), {}), at('declare'));

      // Save and come back later: the link is emailed, works in another browser, once.
      const save = await c.post(`/apply/d/${draft}/save`);
      assert.match(save.html, /We will email you a link back to your application/);
      expectError(await c.post(`/apply/d/${draft}/save`, { resume_email: 'nope' }), 'resume_email', /right form/);
      assert.match((await c.post(`/apply/d/${draft}/save`, { resume_email: 'ruth.applicant@example.org' })).html, /We have sent a link to ruth.applicant@example.org/);
      const [resume] = await emailsOf(t, 'application_resume');
      assert.equal(resume?.to, 'ruth.applicant@example.org');
      const link = /\/apply\/resume\?token=[A-Za-z0-9_-]+/.exec(resume!.text)![0];

      const later = new WebClient(t.baseUrl);
      assert.equal((await later.get(at('declare'))).status, 403, 'a draft is not open to another browser without the link');
      expectRedirect(await later.get(link), at('declare'));
      assert.equal((await new WebClient(t.baseUrl).get(link)).status, 404, 'the link works once');

      await later.get(at('declare'));
      expectError(await later.post(at('declare'), {}), 'truth', /Tick the box to confirm/);
      expectRedirect(await later.post(at('declare'), { truth: 'yes' }), `/apply/d/${draft}/details`);
      await later.get(`/apply/d/${draft}/details`);
      expectError(await later.post(`/apply/d/${draft}/details`, { applicant_name: 'Ruth Green', applicant_email: 'ruth@' }), 'applicant_email', /right form/);
      expectRedirect(await later.post(`/apply/d/${draft}/details`, { applicant_name: 'Ruth Green', applicant_email: 'ruth.applicant@example.org' }), `/apply/d/${draft}/check`);

      // Check your answers: every answer with a change link, and the fee: 60 + 10 (second tree) + 25 (agent).
      const check = await later.get(`/apply/d/${draft}/check`);
      assert.equal(check.status, 200, check.html.slice(0, 2000));
      for (const text of ['Oak &amp; Ash Ltd', 'Oak', 'Ash', 'oak.png', 'Area drawn on the map (3 corners)', 'Ruth Green', '£95.00']) assert.ok(check.html.includes(text), `check page shows ${text}`);
      assert.match(check.html, new RegExp(`href="/apply/d/${draft}/page/agent\\?from=check"`));
      // A change from the check page comes back to it.
      expectRedirect(await later.post(at('agent'), { company: 'Oak and Ash Ltd', from: 'check' }), `/apply/d/${draft}/check`);

      const sent = await later.post(`/apply/d/${draft}/check`);
      expectRedirect(sent, `/apply/d/${draft}/sent`);
      const confirmation = await later.get(`/apply/d/${draft}/sent`);
      const reference = Number(/<strong>(\d+)<\/strong>/.exec(confirmation.html)![1]);
      assert.ok(reference > 0);

      // Sending twice makes one case; the draft is closed to changes.
      expectRedirect(await later.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      expectRedirect(await later.post(at('agent'), { company: 'Changed' }), `/apply/d/${draft}/sent`);
      const cases = await t.db.selectFrom('cases').select(['id', 'kind', 'state', 'lat', 'long']).where('kind', '=', 'application').execute();
      assert.equal(cases.length, 1);
      assert.deepEqual(cases[0], { id: reference, kind: 'application', state: 'received', lat: 51.5, long: -0.14 });
      const application = await t.db.selectFrom('applications').selectAll().where('case_id', '=', reference).executeTakeFirstOrThrow();
      assert.equal(application.fee_pence, 9500);
      assert.equal(application.payment_state, 'due');
      assert.ok(!application.answers.includes('Oak and Ash'), 'the answers are sealed at rest');
      assert.deepEqual(JSON.parse(open(t.keyring, 'application_answers', application.answers)).company, 'Oak and Ash Ltd');
      const audit = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'application').where('entity_id', '=', String(reference)).execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['application.fee_calculated', 'application.submitted']);
      const [received] = await emailsOf(t, 'application_received');
      assert.equal(received?.to, 'ruth.applicant@example.org');
      assert.match(received!.subject, new RegExp(`application ${reference}`));

      // Paying with the sandbox provider: a declined card, then a good one; the return and the callback are checked with the provider.
      assert.equal((await new WebClient(t.baseUrl).post(`/apply/applications/${reference}/pay`, {})).status, 403, 'another browser cannot pay for it');
      const pay = async () => {
        const started = await later.post(`/apply/applications/${reference}/pay`);
        expectRedirect(started, new RegExp(`^${t.baseUrl}/pay/sandbox/sb_[0-9a-f]+$`));
        const page = started.location!.replace(t.baseUrl, '');
        assert.match((await later.get(page)).html, /£95.00/);
        return page;
      };
      const declinedPage = await pay();
      const declined = await later.post(declinedPage, { card: SANDBOX_CARDS.declined });
      expectRedirect(declined, new RegExp(`^${t.baseUrl}/apply/payments/[0-9a-f-]{36}/return$`));
      assert.match((await later.follow(declined)).html, /Your payment did not go through/);
      assert.equal((await t.db.selectFrom('applications').select('payment_state').where('case_id', '=', reference).executeTakeFirstOrThrow()).payment_state, 'due');
      const paidPage = await pay();
      const paid = await later.post(paidPage, { card: SANDBOX_CARDS.success });
      const returnPath = paid.location!.replace(t.baseUrl, '');
      assert.match((await later.get(returnPath)).html, /Payment received/);
      assert.match((await later.get(returnPath)).html, /Payment received/, 'a second return changes nothing and says the same');
      const providerId = paidPage.split('/').pop()!;
      const replay = JSON.stringify({ resource_id: providerId, event_type: 'card_payment_succeeded' });
      const callback = (body: string, signature: string) => fetch(`${t.baseUrl}/apply/payments/callback`, { method: 'POST', headers: { 'content-type': 'application/json', 'pay-signature': signature }, body });
      assert.equal((await callback(replay, provider.sign(replay))).status, 200, 'a replayed callback is accepted and changes nothing');
      assert.equal((await callback(replay, 'f'.repeat(64))).status, 400, 'a forged callback is refused');
      assert.equal((await callback(replay.replace('succeeded', 'failed'), provider.sign(replay))).status, 400, 'a changed body no longer matches its signature');
      const payments = await t.db.selectFrom('application_payments').select(['state']).where('case_id', '=', reference).orderBy('created_at').execute();
      assert.deepEqual(payments.map((p) => p.state).sort(), ['failed', 'success']);
      assert.equal((await t.db.selectFrom('applications').select('payment_state').where('case_id', '=', reference).executeTakeFirstOrThrow()).payment_state, 'paid');
      const payAudit = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'application_payment').orderBy('seq').execute();
      assert.deepEqual(payAudit.map((a) => a.action).filter((a) => a !== 'application_payment.started'), ['application_payment.failed', 'application_payment.success']);
      assert.equal((await later.post(`/apply/applications/${reference}/pay`)).status, 409, 'a paid application is not paid again');

      // An application is personal: Open311 and the public pages do not show it.
      assert.equal((await fetch(`${t.baseUrl}/open311/v2/requests/${reference}.json`)).status, 404);
      const listed = await (await fetch(`${t.baseUrl}/open311/v2/requests.json`)).json() as Array<{ service_request_id: string }>;
      assert.ok(!listed.some((r) => r.service_request_id === String(reference)));
      assert.equal((await fetch(`${t.baseUrl}/requests/${reference}`)).status, 404);
    });

    test('a signed-in resident\'s draft is theirs alone, and saved to their account', async () => {
      const sam = await signedInAs(t, 'sam.resident@example.org', 'resident', null);
      const c = new WebClient(t.baseUrl);
      c.cookies.set('townhall_session', sam.cookie.split('=')[1]!);
      await c.get(`/apply/${TREES}/eligibility`);
      const started = await c.post(`/apply/${TREES}/start`);
      const draft = started.location!.split('/')[3]!;
      await c.get(started.location!);
      expectRedirect(await c.post(`/apply/d/${draft}/page/applicant`, { role: 'owner' }), `/apply/d/${draft}/page/trees`);
      assert.match((await c.post(`/apply/d/${draft}/save`)).html, /Your application has been saved/);
      const account = await c.get('/account/applications');
      assert.match(account.html, new RegExp(`href="/apply/d/${draft}/check"`));

      const guest = new WebClient(t.baseUrl);
      guest.cookies.set('townhall_application', draft);
      assert.equal((await guest.get(`/apply/d/${draft}/page/trees`)).status, 403, 'the draft cookie does not open an account\'s draft');
      const other = await signedInAs(t, 'other.resident@example.org', 'resident', null);
      const stranger = new WebClient(t.baseUrl);
      stranger.cookies.set('townhall_session', other.cookie.split('=')[1]!);
      assert.equal((await stranger.get(`/apply/d/${draft}/page/trees`)).status, 403);
      assert.equal((await c.get('/apply/d/not-a-draft/page/trees')).status, 404);
      assert.equal((await c.get(`/apply/d/${draft}/page/nowhere`)).status, 404);
      assert.equal((await c.get('/apply/no-such-service')).status, 404);
    });

    test('an officer asks for more information (the clock stops), the applicant answers (it restarts), a supervisor approves with a condition', async () => {
      await publishForm(t.db, t.jurisdiction.id, 'graffiti', {
        title: 'Apply for a mural permit', summary: 'Paint a mural on a wall you own.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [], fees: [],
        pages: [{ id: 'wall', title: 'Where is the wall?', fields: [{ id: 'address', type: 'address', label: 'Address of the wall' }] }],
      }, 'test');
      const c = new WebClient(t.baseUrl);
      const result = await c.get('/apply/graffiti/eligibility');
      assert.match(result.html, /You need to apply/);
      const draft = (await c.post('/apply/graffiti/start')).location!.split('/')[3]!;
      await c.get(`/apply/d/${draft}/page/wall`);
      expectRedirect(await c.post(`/apply/d/${draft}/page/wall`, { address: '1 Mural Street' }), `/apply/d/${draft}/details`);
      expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Mo Painter', applicant_email: 'mo@example.org' }), `/apply/d/${draft}/check`);
      assert.match((await c.get(`/apply/d/${draft}/check`)).html, /There is no fee/);
      expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
      const reference = Number(/<strong>(\d+)<\/strong>/.exec((await c.get(`/apply/d/${draft}/sent`)).html)![1]);
      const clock = async () => (await t.db.selectFrom('case_clocks').select('status').where('case_id', '=', reference).where('kind', '=', 'statutory').executeTakeFirstOrThrow()).status;
      assert.equal(await clock(), 'running');

      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } };
      const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
      await performCaseAction(t.db, ctx, reference, { kind: 'transition', transition: 'request_information', publicNote: 'Send us a drawing of the mural.' }, admin, 'ask-1');
      assert.equal(await clock(), 'suspended');
      const [asking] = (await emailsOf(t, 'case_updated')).filter((e) => e.to === 'mo@example.org');
      assert.match(asking!.text, /Send us a drawing of the mural/);
      assert.ok(asking!.text.includes(`/apply/applications/${reference}`), 'the email links to the applicant\'s own page');
      const asked = await c.get(`/apply/applications/${reference}`);
      assert.match(asked.html, /We need more information from you/);
      assert.match(asked.html, /Send us a drawing of the mural/);
      expectError(await c.post(`/apply/applications/${reference}/reply`, { message: '  ' }), 'message', /Write your message/);
      expectRedirect(await c.post(`/apply/applications/${reference}/reply`, { message: 'The drawing is a sunflower, 3 m by 2 m.' }), `/apply/applications/${reference}`);
      assert.equal(await clock(), 'running');
      const state = async () => (await t.db.selectFrom('cases').select('state').where('id', '=', reference).executeTakeFirstOrThrow()).state;
      assert.equal(await state(), 'under_review');
      assert.match((await c.get(`/apply/applications/${reference}`)).html, /The drawing is a sunflower/);

      const decide = async (who: { cookie: string; csrf: string }, fields: Record<string, string>) => fetch(`${t.baseUrl}/staff/applications/${reference}/decision`, {
        method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: who.csrf, idempotency_key: `decide-${Math.random().toString(36).slice(2, 14)}`, ...fields }),
      });
      const analyst = await signedInAs(t, 'ana.lyst@example.org', 'analyst', null);
      assert.equal((await decide(analyst, { outcome: 'approve', valid_from: '2027-01-01', valid_until: '2027-12-31' })).status, 403, 'a role that may not decide is refused');
      const boss = await signedInAs(t, 'sys.admin@example.org', 'system_admin', null);
      // The application is a case in the staff workspace, like any other.
      const casePage = await fetch(`${t.baseUrl}/staff/requests/${reference}`, { headers: { cookie: boss.cookie, accept: 'text/html' } });
      assert.equal(casePage.status, 200);
      assert.match(await casePage.text(), /Under review/);
      assert.equal((await decide(boss, { outcome: 'approve', text: 'x' })).status, 400, 'an approval needs its dates');
      assert.equal((await decide(boss, { outcome: 'refuse', text: '' })).status, 400, 'a refusal needs its reasons');
      assert.equal((await decide(boss, { outcome: 'approve', text: 'No paint on the pavement\nFinish by 31 March', valid_from: '2027-01-01', valid_until: '2027-12-31' })).status, 303);
      assert.equal(await state(), 'issued');
      assert.equal(await clock(), 'stopped');
      assert.equal((await decide(boss, { outcome: 'refuse', text: 'Changed my mind' })).status, 409, 'a decided application is not decided again');

      // The approval issued the licence in the same transaction: signed, emailed, verifiable.
      const licences = await t.db.selectFrom('licences').select(['number', 'token', 'status', 'holder_name', 'permits', 'conditions', 'valid_from', 'valid_until']).where('case_id', '=', reference).execute();
      assert.equal(licences.length, 1);
      const licence = licences[0]!;
      assert.deepEqual({ status: licence.status, holder: licence.holder_name, permits: licence.permits, conditions: JSON.parse(licence.conditions) as unknown },
        { status: 'issued', holder: 'Mo Painter', permits: 'Apply for a mural permit', conditions: ['No paint on the pavement', 'Finish by 31 March'] });
      const [issued] = (await emailsOf(t, 'licence_issued')).filter((e) => e.to === 'mo@example.org');
      assert.ok(issued, 'the holder is emailed their licence');
      const verified = await fetch(`${t.baseUrl}/verify?token=${encodeURIComponent(licence.token)}`, { headers: { accept: 'text/html' } });
      assert.equal(verified.status, 200);
      const verdict = await verified.text();
      assert.match(verdict, new RegExp(licence.number));
      assert.doesNotMatch(verdict, /Not genuine/);
      const [told] = (await emailsOf(t, 'application_update')).filter((e) => e.to === 'mo@example.org');
      assert.match(told!.subject, /is approved/);
      const page = await c.get(`/apply/applications/${reference}`);
      assert.match(page.html, /Valid from 2027-01-01 until 2027-12-31/);
      assert.match(page.html, /No paint on the pavement/);
      assert.ok(page.html.includes(`Your licence is ${licence.number}`) && page.html.includes(`href="/verify/${licence.token}"`), 'the applicant page names the licence and links to its check');
    });

    test('forged forms change nothing', async () => {
      const c = new WebClient(t.baseUrl);
      await c.get(`/apply/${TREES}/eligibility`);
      const started = await c.post(`/apply/${TREES}/start`);
      const draft = started.location!.split('/')[3]!;
      const forged = await c.post(`/apply/d/${draft}/page/applicant`, { role: 'owner', _csrf: 'forged' });
      assert.equal(forged.status, 403);
      const row = await t.db.selectFrom('application_drafts').select('answers').where('id', '=', draft).executeTakeFirstOrThrow();
      // Drafts are sealed at rest: what is stored opens to nothing answered.
      assert.equal(open(t.keyring, 'application_draft', row.answers), '{}');
    });
  });
}

export const scannerFor = (refused: string[]) => async (file: { bytes: Buffer; name: string }) => {
  if (file.bytes.includes('EICAR')) {
    refused.push(file.name);
    return { clean: false as const, reason: 'test signature' };
  }
  return { clean: true as const };
};
