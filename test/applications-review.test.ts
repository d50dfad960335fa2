/**
 * Reviewing an application from the staff workspace, on each database: the application panel
 * of the case page (answers under the form's labels, documents, fee, payments, decision,
 * licences), who may open an applicant's document, the decision form (prefilled, validated with
 * an error summary, only for those who may decide, with the service's appeal period), a bare
 * approve refused, asking for more information naming answers and documents, messages to the
 * applicant, and the counter payment checked against the officer's department.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishForm } from '../src/applications/applications.js';
import { treeWorks } from '../src/applications/fixture.test-support.js';
import { performCaseAction } from '../src/cases/actions.js';
import type { Role } from '../src/identity/roles.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { DomainError } from '../src/platform/errors.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { applyForTreeWorks, expectRedirect, scannerFor, TREES, treeService } from './application-client.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const DAY = 86_400_000;

function expectError(response: PageResponse, field: string, text: RegExp, status = 400) {
  assert.equal(response.status, status, response.html.slice(0, 3000));
  assert.match(response.html, /class="error-summary"/);
  assert.match(response.html, new RegExp(`<a href="#${field}">`), `the error summary links to #${field}`);
  assert.match(response.html, new RegExp(`id="${field}-error"`), `the message sits at ${field}`);
  assert.match(response.html, text);
}

const key = () => `k${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`.slice(0, 24).padEnd(20, 'x');

for (const database of databasesUnderTest()) {
  describe(`reviewing an application in the staff workspace (${database.name})`, () => {
    let t: RunningTownhall;
    const refused: string[] = [];
    const staff: Record<string, WebClient> = {};
    const day = (offset: number) => new Intl.DateTimeFormat('en-CA', { timeZone: t.jurisdiction.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offset * DAY));
    const emailsOf = async (template: string) =>
      (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute())
        .map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.template === template);
    const caseRow = (id: number) => t.db.selectFrom('cases').select(['state', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    const application = (id: number) => t.db.selectFrom('applications').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
    const ctx = () => ({ jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' } });
    const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };

    async function as(name: string, role: Role, department: string | null) {
      const signed = await signedInAs(t, `${name}@council.example`, role, department);
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', signed.cookie.split('=')[1]!);
      browser.csrf = signed.csrf;
      staff[name] = browser;
    }

    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, treeService], applications: { scanner: scannerFor(refused) }, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await as('worker', 'case_worker', 'parks');
      await as('boss', 'supervisor', 'parks');
      await as('roads', 'case_worker', 'roads');
      await as('roadsBoss', 'supervisor', 'roads');
      await as('analyst', 'analyst', null);
      await t.db.updateTable('services').set({ department_code: 'parks' }).where('code', '=', TREES).execute();
      await publishForm(t.db, t.jurisdiction.id, TREES, { ...treeWorks(), validityDays: 730, appealDays: 28 }, 'test');
    });
    after(async () => t?.close());

    test('the panel shows the application as the officer needs it, and its documents open only for those who may see the case', async () => {
      const applicant = new WebClient(t.baseUrl);
      const { reference, documentId } = await applyForTreeWorks(t, applicant, 'rowan@example.org');
      const page = await staff.worker!.get(`/staff/requests/${reference}`);
      assert.equal(page.status, 200, page.html.slice(0, 2000));
      const html = page.html;
      for (const text of [
        'Apply to work on trees (form version 1)', 'Who are you?', 'The owner', 'Tree 1', 'Species: Oak', 'Work: Fell',
        'When will work start?', 'Area of 3 corners, about', 'around 51.50033, -0.13933',
        `href="/staff/applications/${reference}/documents/${documentId}"`, 'oak.png', 'Passed the safety check', 'Refused by the safety check and not kept: infected.png',
        'Application', '£60.00', 'Not paid yet', 'No payment yet.', 'Record £60.00 paid at the counter',
        `action="/staff/applications/${reference}/request-information"`, 'value="answer:role"', `value="document:${documentId}"`, 'value="answer:tree"',
        `action="/staff/applications/${reference}/message"`,
      ]) assert.ok(html.includes(text), `the panel shows ${text}`);
      assert.doesNotMatch(html, /value="answer:truth"/, 'a declaration is not something to change');
      // The area of the drawn polygon: half of about 69.5 m by 111 m.
      const area = Number(/about ([\d,]+) m²/.exec(html)![1]!.replace(/,/g, ''));
      assert.ok(area > 3_500 && area < 4_200, `area ${area} m²`);
      // A case worker cannot decide: the panel has no decision link for them; an analyst only reads.
      assert.doesNotMatch(html, /id="decide-link"/);
      const read = await staff.analyst!.get(`/staff/requests/${reference}`);
      assert.equal(read.status, 200);
      assert.match(read.html, /Species: Oak/);
      assert.doesNotMatch(read.html, /counter-payment|request-information/, 'an analyst sees no forms');

      // The document: the applicant's browser, staff of the department; nobody else.
      const path = `/staff/applications/${reference}/documents/${documentId}`;
      const fetchAs = (client: WebClient | null, url: string) => fetch(`${t.baseUrl}${url}`, {
        redirect: 'manual', headers: { accept: 'text/html', ...(client ? { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}) },
      });
      const own = await fetchAs(applicant, `/apply/documents/${documentId}`);
      assert.equal(own.status, 200, 'the applicant opens it on their own route');
      const bytes = Buffer.from(await own.arrayBuffer());
      const opened = await fetchAs(staff.worker!, path);
      assert.equal(opened.status, 200, 'staff of the department open it');
      assert.equal(opened.headers.get('content-type'), 'image/png');
      assert.equal(opened.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await opened.arrayBuffer()), bytes);
      assert.equal((await fetchAs(staff.analyst!, path)).status, 200, 'an analyst may see every case, so its documents');
      assert.equal((await fetchAs(staff.roads!, path)).status, 403, 'staff of another department may not');
      const denied = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'access.denied').where('entity_id', '=', String(reference)).execute();
      assert.ok(denied.length >= 1, 'the refusal is audited');
      const other = new WebClient(t.baseUrl);
      const otherApplication = await applyForTreeWorks(t, other, 'someone.else@example.org');
      assert.equal((await fetchAs(other, `/apply/documents/${documentId}`)).status, 403, 'another applicant may not have it');
      assert.ok([401, 403, 303].includes((await fetchAs(other, path)).status), 'nor through the staff route');
      const anonymous = await fetchAs(null, path);
      assert.ok([401, 303].includes(anonymous.status), `anonymous is asked to sign in (${anonymous.status})`);
      assert.equal((await fetchAs(null, `/apply/documents/${documentId}`)).status, 403);
      assert.equal((await fetchAs(staff.worker!, `/staff/applications/${reference}/documents/${otherApplication.documentId}`)).status, 404, 'another application\'s document is not this case\'s');
      assert.equal((await fetchAs(staff.worker!, `/staff/applications/${reference}/documents/not-a-document`)).status, 404);
      const viewed = await t.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'personal_data.viewed').where('entity_id', '=', String(reference)).execute();
      assert.ok(viewed.some((v) => (v.after ?? '').includes('application document')), 'opening a document is recorded');
    });

    test('asking for more information names the answers and documents; the applicant is told; messages join the thread', async () => {
      const applicant = new WebClient(t.baseUrl);
      const { reference, documentId } = await applyForTreeWorks(t, applicant, 'ivy@example.org');
      const ask = (who: string, fields: Record<string, string | string[]>) => {
        const body = new URLSearchParams({ _csrf: staff[who]!.csrf, idempotency_key: key() });
        for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
        return fetch(`${t.baseUrl}/staff/applications/${reference}/request-information`, {
          method: 'POST', redirect: 'manual', body,
          headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: [...staff[who]!.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        }).then(async (r) => ({ status: r.status, html: await r.text(), location: r.headers.get('location'), headers: r.headers }));
      };
      expectError(await ask('worker', { items: 'answer:role', message: '  ' }), 'info_message', /Write what the applicant needs to do/);
      expectError(await ask('worker', { items: ['answer:role', 'answer:nothing'], message: 'Please check.' }), 'info_items', /Choose only answers and documents of this application/);
      assert.equal((await ask('roads', { items: 'answer:role', message: 'Not mine' })).status, 403, 'another department cannot ask');
      assert.equal((await caseRow(reference)).state, 'received', 'nothing changed');

      const asked = await ask('worker', { items: ['answer:role', `document:${documentId}`], message: 'We need a clearer photo and to know who owns the land.' });
      expectRedirect(asked, `/staff/requests/${reference}?done=information`);
      assert.equal((await caseRow(reference)).state, 'more_information');
      const clock = await t.db.selectFrom('case_clocks').select('status').where('case_id', '=', reference).where('kind', '=', 'statutory').executeTakeFirstOrThrow();
      assert.equal(clock.status, 'suspended', 'the statutory clock stops');
      const [email] = (await emailsOf('case_updated')).filter((e) => e.to === 'ivy@example.org');
      assert.ok(email, 'the applicant is emailed');
      for (const text of ['We need a clearer photo', 'What to change:', '- Who are you?', '- Photos of the trees: oak.png']) assert.ok(email!.text.includes(text), `the email says ${text}`);
      const own = await applicant.get(`/apply/applications/${reference}`);
      for (const text of ['We need more information from you', 'What to change:', 'Who are you?', 'Photos of the trees: oak.png']) assert.ok(own.html.includes(text), `the applicant's page says ${text}`);
      const audit = await t.db.selectFrom('audit_log').select('after').where('action', '=', 'application.information_requested').where('entity_id', '=', String(reference)).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(audit.after!), { items: ['answer:role', `document:${documentId}`] });
      assert.match((await staff.worker!.get(`/staff/requests/${reference}?done=information`)).html, /The applicant was asked for more information/);

      // The applicant answers; the officer writes back from the panel.
      expectRedirect(await applicant.post(`/apply/applications/${reference}/reply`, { message: 'I own the land; a new photo is coming.' }), `/apply/applications/${reference}`);
      await staff.worker!.get(`/staff/requests/${reference}`);
      expectError(await staff.worker!.post(`/staff/applications/${reference}/message`, { idempotency_key: key(), message: '' }), 'applicant_message', /Write the message to the applicant/);
      expectRedirect(await staff.worker!.post(`/staff/applications/${reference}/message`, { idempotency_key: key(), message: 'Thank you, we have what we need.' }), `/staff/requests/${reference}?done=message`);
      const thread = await applicant.get(`/apply/applications/${reference}`);
      assert.match(thread.html, /I own the land/);
      assert.match(thread.html, /Thank you, we have what we need/);
      assert.ok((await emailsOf('case_updated')).some((e) => e.to === 'ivy@example.org' && e.text.includes('Thank you, we have what we need')), 'the message is emailed');
      assert.equal((await staff.roads!.post(`/staff/applications/${reference}/message`, { idempotency_key: key(), message: 'Hello' })).status, 403);
    });

    test('the decision form: only for those who may decide, prefilled, validated with an error summary; a bare approve is refused', async () => {
      const applicant = new WebClient(t.baseUrl);
      const { reference } = await applyForTreeWorks(t, applicant, 'hazel@example.org');
      await performCaseAction(t.db, ctx(), reference, { kind: 'transition', transition: 'review' }, admin, `review-${reference}`);
      const path = `/staff/applications/${reference}/decision`;

      // The generic forms of the case page link to the decision form instead of approving or refusing bare.
      const casePage = await staff.boss!.get(`/staff/requests/${reference}`);
      assert.match(casePage.html, new RegExp(`href="${path}\\?outcome=approve"`));
      assert.match(casePage.html, new RegExp(`href="${path}\\?outcome=refuse"`));
      assert.doesNotMatch(casePage.html, /name="transition" value="(approve|refuse)"/);
      assert.match(casePage.html, /id="decide-link"/);
      // A bare approve sent anyway (an old page, a script) is refused by the engine, through the route and directly.
      const bare = await staff.boss!.post(`/staff/requests/${reference}/actions`, { action: 'transition', transition: 'approve', public_note: 'Approved.', confirmed: '1', idempotency_key: key() });
      assert.equal(bare.status, 400, bare.html.slice(0, 2000));
      assert.match(bare.html, /approved or refused on its decision form/);
      await assert.rejects(performCaseAction(t.db, ctx(), reference, { kind: 'transition', transition: 'refuse', reason: 'No', publicNote: 'No' }, admin, `bare-${reference}`),
        (error: unknown) => error instanceof DomainError && error.kind === 'invalid');
      assert.equal((await caseRow(reference)).state, 'under_review');
      assert.equal((await application(reference)).decision, null);

      assert.equal((await staff.worker!.get(path)).status, 403, 'a case worker may not decide');
      assert.equal((await staff.worker!.post(path, { outcome: 'approve', valid_from: day(0), valid_until: day(30), idempotency_key: key() })).status, 403);
      assert.equal((await staff.roadsBoss!.get(path)).status, 403, 'a supervisor of another department may not');
      assert.equal((await staff.roadsBoss!.post(path, { outcome: 'approve', valid_from: day(0), valid_until: day(30), idempotency_key: key() })).status, 403);

      const form = await staff.boss!.get(`${path}?outcome=approve`);
      assert.equal(form.status, 200, form.html.slice(0, 2000));
      assert.match(form.html, new RegExp(`id="valid_from"[^>]*value="${day(0)}"|value="${day(0)}"[^>]*id="valid_from"`), 'valid from today');
      assert.ok(form.html.includes(`value="${day(729)}"`), 'valid for the service\'s 730 days');
      assert.match(form.html, /appeal or objection period of 28 days/);
      assert.match(form.html, /id="outcome" name="outcome" value="approve" checked/);

      expectError(await staff.boss!.post(path, { idempotency_key: key() }), 'outcome', /Choose whether to approve or refuse/);
      expectError(await staff.boss!.post(path, { outcome: 'refuse', reasons: ' ', idempotency_key: key() }), 'reasons', /Give the reasons for refusing/);
      const badDate = await staff.boss!.post(path, { outcome: 'approve', conditions: 'Keep it tidy', valid_from: '2027-02-30', valid_until: day(30), idempotency_key: key() });
      expectError(badDate, 'valid_from', /written 2026-04-01/);
      assert.match(badDate.html, /Keep it tidy/, 'what was typed is kept');
      expectError(await staff.boss!.post(path, { outcome: 'approve', valid_from: day(30), valid_until: day(1), idempotency_key: key() }), 'valid_until', /end on or after/);
      expectError(await staff.boss!.post(path, { outcome: 'approve', conditions: 'x'.repeat(4_001), valid_from: day(0), valid_until: day(1), idempotency_key: key() }), 'conditions', /4,000/);
      assert.equal((await caseRow(reference)).state, 'under_review', 'nothing was decided');

      expectRedirect(await staff.boss!.post(path, { outcome: 'approve', conditions: 'Work only between 8am and 6pm\nKeep the roots protected', valid_from: day(0), valid_until: day(729), idempotency_key: key() }),
        `/staff/requests/${reference}?done=decision`);
      assert.equal((await caseRow(reference)).state, 'issued');
      const decided = await application(reference);
      assert.equal(decided.decision, 'approved');
      const licence = await t.db.selectFrom('licences').select(['id', 'number', 'token']).where('case_id', '=', reference).executeTakeFirstOrThrow();

      // The panel shows the decision, its appeal period and the licence with its links.
      const panel = (await staff.boss!.get(`/staff/requests/${reference}?done=decision`)).html;
      for (const text of ['The decision was recorded', 'Approved', 'Work only between 8am and 6pm', 'Keep the roots protected', 'Appeal or objection until',
        `href="/staff/licences/${licence.id}"`, licence.number, `href="/verify/${licence.token}"`, `href="/licences/${licence.number}/pdf"`, 'Suspend, reinstate or revoke']) assert.ok(panel.includes(text), `the panel shows ${text}`);
      assert.doesNotMatch(panel, /id="decide-link"/, 'a decided application is not decided again');
      assert.match((await staff.boss!.get(path)).html, /is decided/);
      assert.equal((await staff.boss!.post(path, { outcome: 'refuse', reasons: 'Changed my mind', idempotency_key: key() })).status, 409);

      // The applicant's email and page give the last day to appeal: 28 days after the decision.
      const [told] = (await emailsOf('application_update')).filter((e) => e.to === 'hazel@example.org');
      assert.ok(told!.text.includes(`you can appeal or object until ${day(28)}`), told!.text);
      assert.ok((await applicant.get(`/apply/applications/${reference}`)).html.includes(`you can appeal or object until ${day(28)}`));
    });

    test('a refusal is recorded once, and cannot be undone as a plain closure', async () => {
      const applicant = new WebClient(t.baseUrl);
      const { reference } = await applyForTreeWorks(t, applicant, 'rue@example.org');
      await performCaseAction(t.db, ctx(), reference, { kind: 'transition', transition: 'review' }, admin, `review-${reference}`);
      const path = `/staff/applications/${reference}/decision`;
      await staff.boss!.get(`${path}?outcome=refuse`);
      expectRedirect(await staff.boss!.post(path, { outcome: 'refuse', reasons: 'The oak is healthy and protected.', idempotency_key: key() }), `/staff/requests/${reference}?done=decision`);
      assert.deepEqual(await caseRow(reference), { state: 'refused', status: 'closed' });
      const page = await staff.boss!.get(`/staff/requests/${reference}`);
      assert.doesNotMatch(page.html, /id="undo"/, 'no undo is offered');
      const last = await t.db.selectFrom('case_actions').select('id').where('case_id', '=', reference).orderBy('id', 'desc').executeTakeFirstOrThrow();
      const undo = await staff.boss!.post(`/staff/requests/${reference}/undo`, { action_id: String(last.id), idempotency_key: key() });
      assert.ok(undo.status >= 400 && undo.status < 500, `undo refused: ${undo.status}`);
      assert.deepEqual(await caseRow(reference), { state: 'refused', status: 'closed' });
      assert.equal((await t.db.selectFrom('licences').select('id').where('case_id', '=', reference).execute()).length, 0);
    });

    test('a payment at the counter is recorded by staff of the case\'s department only, once, audited', async () => {
      const applicant = new WebClient(t.baseUrl);
      const { reference } = await applyForTreeWorks(t, applicant, 'ash@example.org');
      const path = `/staff/applications/${reference}/counter-payment`;
      assert.equal((await staff.roads!.post(path, {})).status, 403, 'another department\'s officer is refused');
      assert.equal((await staff.analyst!.post(path, {})).status, 403, 'an analyst cannot take payments');
      assert.equal((await new WebClient(t.baseUrl).post(path, { _csrf: null })).status >= 400, true);
      assert.equal((await application(reference)).payment_state, 'due', 'nothing was recorded');
      assert.equal((await staff.worker!.post(`/staff/applications/999999/counter-payment`, {})).status, 404);

      expectRedirect(await staff.worker!.post(path, {}), `/staff/requests/${reference}?done=counter_payment`);
      assert.equal((await application(reference)).payment_state, 'paid');
      assert.equal((await staff.worker!.post(path, {})).status, 409, 'paid once');
      const payments = await t.db.selectFrom('application_payments').select(['channel', 'state', 'amount_pence']).where('case_id', '=', reference).execute();
      assert.deepEqual(payments, [{ channel: 'counter', state: 'success', amount_pence: 6000 }]);
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'application_payment.counter').execute();
      assert.ok(audit.some((a) => /^user:\d+$/.test(a.actor) && JSON.parse(a.after!).caseId === reference), 'audited with who took it');
      const panel = (await staff.worker!.get(`/staff/requests/${reference}?done=counter_payment`)).html;
      assert.match(panel, /The payment at the counter was recorded/);
      assert.match(panel, /£60.00, at the counter, [^<]{5,40}: <strong>Paid<\/strong>/);
      assert.doesNotMatch(panel, /id="counter-payment"/);
    });
  });
}
