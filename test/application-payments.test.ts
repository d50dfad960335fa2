/**
 * Payments beyond the first one, on each database: the sandbox provider shared by two app
 * processes on one database; refunds (limits, double submits, who may, audit, the case action,
 * the applicant's email and page); counter payments checked against the officer's department;
 * the daily reconciliation report (page, CSV, CLI) checked against the payments made here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { publishForm } from '../src/applications/applications.js';
import { SANDBOX_CARDS, SandboxProvider, sandboxSecret } from '../src/applications/sandbox.js';
import { buildApp } from '../src/app.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { parseCsv } from '../src/platform/csv.js';
import { todayInZone } from '../src/platform/time.js';
import { runTownhall } from './cli-run.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { applyAsGuest, expectRedirect, feeForm, feeService } from './payments-support.js';
import { WebClient } from './web-client.js';

const PARTY = 'street-party';
const STALL = 'market-stall';
const service = (code: string, name: string) => feeService(code, name, 'licensing');
const form = feeForm;

const staffClient = (baseUrl: string, who: SignedIn) => {
  const c = new WebClient(baseUrl);
  c.cookies.set('townhall_session', who.cookie.split('=')[1]!);
  return c;
};
const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)?.[1];

for (const database of databasesUnderTest()) {
  describe(`payments, refunds and reconciliation (${database.name})`, () => {
    let t: RunningTownhall;
    let second: FastifyInstance;
    let secondUrl: string;
    let people: Record<'supervisor' | 'caseWorker' | 'otherSupervisor' | 'admin' | 'analyst', SignedIn>;
    /** What this test did, by service: the reconciliation must say the same. */
    const made: Record<string, { applications: number; fees: number; payments: number; online: number; counter: number; refunds: number; refunded: number }> = {};
    const tally = (code: string) => (made[code] ??= { applications: 0, fees: 0, payments: 0, online: 0, counter: 0, refunds: 0, refunded: 0 });
    const fees: Record<string, number> = { [PARTY]: 4000, [STALL]: 2500 };

    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services] });
      // Staff first: making them makes their departments.
      people = {
        supervisor: await signedInAs(t, 'sue.pervisor@example.org', 'supervisor', 'licensing'),
        caseWorker: await signedInAs(t, 'casey.worker@example.org', 'case_worker', 'licensing'),
        otherSupervisor: await signedInAs(t, 'parker.parks@example.org', 'supervisor', 'parks'),
        admin: await signedInAs(t, 'sys.admin@example.org', 'system_admin', null),
        analyst: await signedInAs(t, 'ana.lyst@example.org', 'analyst', null),
      };
      const { createService } = await import('../src/catalogue/catalogue.js');
      await createService(t.db, t.jurisdiction.id, service(PARTY, 'Street party'), 'test');
      await createService(t.db, t.jurisdiction.id, service(STALL, '=Market stall'), 'test');
      await publishForm(t.db, t.jurisdiction.id, PARTY, form('Close a street for a party', fees[PARTY]!), 'test');
      await publishForm(t.db, t.jurisdiction.id, STALL, form('Run a market stall', fees[STALL]!), 'test');
      // A second app process on the same database, as behind a load balancer.
      const config = { ...t.config };
      second = await buildApp({ config, db: t.db, keyring: t.keyring, logger: false });
      await second.listen({ port: 0, host: '127.0.0.1' });
      secondUrl = config.publicUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await second?.close();
      await t?.close();
    });

    /** An applicant (in Spanish) sends an application; its reference. */
    async function apply(c: WebClient, code: string): Promise<number> {
      const reference = await applyAsGuest(c, code, 'es');
      tally(code).applications += 1;
      tally(code).fees += fees[code]!;
      return reference;
    }
    const paymentState = async (reference: number) => (await t.db.selectFrom('applications').select('payment_state').where('case_id', '=', reference).executeTakeFirstOrThrow()).payment_state;

    /** Pays online: started on the first process, the card page and its answer on the second. */
    async function payAcrossProcesses(c: WebClient, reference: number): Promise<{ providerId: string; returnPath: string }> {
      await c.get(`/apply/applications/${reference}`);
      const started = await c.post(`/apply/applications/${reference}/pay`);
      expectRedirect(started, new RegExp(`^${t.baseUrl}/pay/sandbox/sb_[0-9a-f]{32}$`));
      const providerId = started.location!.split('/').pop()!;
      const other = new WebClient(secondUrl);
      for (const [name, value] of c.cookies) other.cookies.set(name, value);
      const card = await other.get(`/pay/sandbox/${providerId}`);
      assert.equal(card.status, 200, 'the other process knows the payment');
      assert.match(card.html, /40,00|40\.00/);
      const paid = await other.post(`/pay/sandbox/${providerId}`, { card: SANDBOX_CARDS.success });
      expectRedirect(paid, new RegExp(`^${t.baseUrl}/apply/payments/[0-9a-f-]{36}/return$`));
      tally(PARTY).payments += 1;
      tally(PARTY).online += fees[PARTY]!;
      return { providerId, returnPath: paid.location!.replace(t.baseUrl, '') };
    }

    test('a payment made on one app process is paid on another and checked on either', async () => {
      const c = new WebClient(t.baseUrl);
      const reference = await apply(c, PARTY);
      const { providerId, returnPath } = await payAcrossProcesses(c, reference);
      assert.equal(await paymentState(reference), 'paid', 'the second process\'s callback recorded it');
      assert.match((await c.get(returnPath)).html, /Pago recibido|Payment received/, 'the return to the first process asks the provider and finds it paid');
      const stored = await t.db.selectFrom('sandbox_payments').select(['state', 'amount_pence']).where('id', '=', providerId).executeTakeFirstOrThrow();
      assert.deepEqual(stored, { state: 'success', amount_pence: 4000 });
      assert.equal((await new WebClient(secondUrl).get(`/pay/sandbox/${providerId}`)).status, 404, 'a finished payment has no card page on either process');

      // A callback signed on one process is accepted by the other (the secret comes from the council's keys); a forged one is not.
      const body = JSON.stringify({ resource_id: providerId, event_type: 'card_payment_succeeded' });
      const signer = new SandboxProvider(t.db, () => t.baseUrl, sandboxSecret(t.keyring));
      const callback = (signature: string) => fetch(`${secondUrl}/apply/payments/callback`, { method: 'POST', headers: { 'content-type': 'application/json', 'pay-signature': signature }, body });
      assert.equal((await callback(signer.sign(body))).status, 200);
      assert.equal((await callback(new SandboxProvider(t.db, () => t.baseUrl).sign(body))).status, 400, 'another secret is refused');
      const payments = await t.db.selectFrom('application_payments').select('state').where('case_id', '=', reference).execute();
      assert.deepEqual(payments.map((p) => p.state), ['success'], 'paid once');
    });

    test('refunds: who may, the limit, a double submit, the audit, the case action, the applicant told in their language', async () => {
      const applicant = new WebClient(t.baseUrl);
      const reference = await apply(applicant, PARTY);
      const page = `/staff/applications/${reference}/payments`;
      const refunds = `/staff/applications/${reference}/refunds`;
      const sue = staffClient(t.baseUrl, people.supervisor);
      assert.equal((await sue.get(page)).status, 200);
      assert.equal(keyOf((await sue.get(page)).html), undefined, 'nothing is paid, so there is no refund form');
      const early = await sue.post(refunds, { idempotency_key: 'early-refund-key-0001', amount: '10', reason: 'Too soon' });
      assert.equal(early.status, 409, 'an unpaid application has nothing to refund');
      assert.match(early.html, /has no payment to refund/);
      const { providerId } = await payAcrossProcesses(applicant, reference);

      const shown = await sue.get(page);
      assert.match(shown.html, /Left to refund<\/dt><dd>£40\.00/);
      const key = keyOf(shown.html)!;
      assert.ok(key, 'a supervisor of the department gets the refund form');

      // Who may: the department's case worker sees the page without the form and cannot post; another department is refused both.
      const casey = staffClient(t.baseUrl, people.caseWorker);
      const asWorker = await casey.get(page);
      assert.equal(asWorker.status, 200);
      assert.equal(keyOf(asWorker.html), undefined);
      assert.equal((await casey.post(refunds, { idempotency_key: key, amount: '1', reason: 'x' })).status, 403);
      const parker = staffClient(t.baseUrl, people.otherSupervisor);
      assert.equal((await parker.get(page)).status, 403);
      parker.csrf = people.otherSupervisor.csrf;
      const foreign = await parker.post(refunds, { idempotency_key: 'parks-refund-key-0001', amount: '1', reason: 'Not mine' });
      assert.equal(foreign.status, 403, 'another department\'s supervisor is refused');
      assert.match(foreign.html, /another department/);

      // Bad input: each problem at its field, nothing refunded.
      for (const [fields, field, message] of [
        [{ amount: 'ten pounds', reason: 'Shorter party' }, 'amount', /pounds and pence/],
        [{ amount: '', reason: 'Shorter party' }, 'amount', /Enter the amount/],
        [{ amount: '0', reason: 'Shorter party' }, 'amount', /more than £0\.00/],
        [{ amount: '5', reason: '   ' }, 'reason', /Enter the reason/],
        [{ amount: '5', reason: 'x'.repeat(1001) }, 'reason', /1000 characters or fewer/],
      ] as const) {
        const response = await sue.post(refunds, { idempotency_key: key, ...fields });
        assert.equal(response.status, 400, JSON.stringify(fields));
        assert.match(response.html, new RegExp(`<a href="#${field}">`));
        assert.match(response.html, message);
      }
      const tooMuch = await sue.post(refunds, { idempotency_key: key, amount: '40.01', reason: 'Shorter party' });
      assert.equal(tooMuch.status, 400);
      assert.match(tooMuch.html, /at most £40\.00/);
      assert.equal((await t.db.selectFrom('application_refunds').select('id').where('case_id', '=', reference).execute()).length, 0, 'no refund was recorded');

      // A part refund, sent twice (one after the other, then two at once): each refunds once.
      expectRedirect(await sue.post(refunds, { idempotency_key: key, amount: '15.00', reason: 'The party was shortened to one afternoon' }), `${page}?done=refunded`);
      expectRedirect(await sue.post(refunds, { idempotency_key: key, amount: '15.00', reason: 'The party was shortened to one afternoon' }), `${page}?done=refunded`);
      const next = keyOf((await sue.get(page)).html)!;
      assert.notEqual(next, key);
      const twice = await Promise.all([1, 2].map(() => sue.post(refunds, { idempotency_key: next, amount: '5', reason: 'Road sign not needed' })));
      assert.deepEqual(twice.map((r) => r.status), [303, 303]);
      tally(PARTY).refunds += 2;
      tally(PARTY).refunded += 2000;
      const afterTwo = await sue.get(page);
      assert.match(afterTwo.html, /Left to refund<\/dt><dd>£20\.00/);
      const over = await sue.post(refunds, { idempotency_key: keyOf(afterTwo.html)!, amount: '20.50', reason: 'All of it' });
      assert.equal(over.status, 400);
      assert.match(over.html, /at most £20\.00/, 'no more than paid less earlier refunds');

      // The system administrator refunds the rest, with a double click: the second finds nothing left, and is answered as the first.
      const admin = staffClient(t.baseUrl, people.admin);
      const adminKey = keyOf((await admin.get(page)).html)!;
      const rest = await Promise.all([1, 2].map(() => admin.post(refunds, { idempotency_key: adminKey, amount: '20', reason: 'Party cancelled by the council' })));
      for (const response of rest) expectRedirect(response, `${page}?done=refunded`);
      tally(PARTY).refunds += 1;
      tally(PARTY).refunded += 2000;
      const done = await admin.get(page);
      assert.match(done.html, /Left to refund<\/dt><dd>£0\.00/);
      assert.equal(keyOf(done.html), undefined, 'nothing is left, so there is no form');

      const rows = await t.db.selectFrom('application_refunds').select(['amount_pence', 'status', 'provider', 'requested_by']).where('case_id', '=', reference).orderBy('created_at').execute();
      assert.deepEqual(rows.map((r) => [r.amount_pence, r.status, r.provider]), [[1500, 'success', 'sandbox'], [500, 'success', 'sandbox'], [2000, 'success', 'sandbox']]);
      const application = await t.db.selectFrom('applications').select('refunded_pence').where('case_id', '=', reference).executeTakeFirstOrThrow();
      assert.equal(application.refunded_pence, 4000);
      // The provider's own books agree.
      const atProvider = await t.db.selectFrom('sandbox_refunds').select('amount_pence').where('payment_id', '=', providerId).execute();
      assert.deepEqual(atProvider.map((r) => r.amount_pence).sort((a, b) => a - b), [500, 1500, 2000]);
      assert.equal((await new SandboxProvider(t.db, () => t.baseUrl).getPayment(providerId))?.refundSummary?.amountAvailable, 0);

      // Audited against the payment, and appended to the case.
      const payment = await t.db.selectFrom('application_payments').select('id').where('case_id', '=', reference).where('state', '=', 'success').executeTakeFirstOrThrow();
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'application_payment').where('entity_id', '=', payment.id).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action).filter((a) => a.startsWith('application_refund.')),
        ['application_refund.requested', 'application_refund.success', 'application_refund.requested', 'application_refund.success', 'application_refund.requested', 'application_refund.success']);
      const notes = await t.db.selectFrom('case_actions').select(['action', 'description']).where('case_id', '=', reference).where('action', '=', 'note').orderBy('id').execute();
      assert.deepEqual(notes.map((n) => n.description), [
        'Refund of £15.00: The party was shortened to one afternoon', 'Refund of £5.00: Road sign not needed', 'Refund of £20.00: Party cancelled by the council',
      ]);

      // The applicant is emailed in their language, once a refund, and sees them on their page.
      const emails = (await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute())
        .map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload))).filter((e) => e.event === 'application_refund' && e.subject.includes(String(reference)));
      assert.equal(emails.length, 3);
      assert.ok(emails.every((e) => e.to === 'pat.host@example.org' && e.language === 'es'));
      assert.match(emails[0]!.subject, /Le hemos devuelto 15,00/);
      assert.match(emails[0]!.text, /The party was shortened to one afternoon/);
      const own = await applicant.get(`/apply/applications/${reference}`);
      assert.match(own.html, /Devoluciones/);
      assert.match(own.html, /15,00\s*(£|GBP) devueltos el \d+ de \p{L}+ de \d{4}/u);
      assert.match(own.html, /Party cancelled by the council/);
    });

    test('a counter payment is checked against the officer\'s department, and refunded at the counter', async () => {
      const reference = await apply(new WebClient(t.baseUrl), STALL);
      const counter = `/staff/applications/${reference}/counter-payment`;
      const post = (who: SignedIn) => fetch(`${t.baseUrl}${counter}`, {
        method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: who.csrf }),
      });
      const denied = await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').where('entity_id', '=', String(reference)).execute();
      assert.equal((await post(people.otherSupervisor)).status, 403, 'an officer of another department is refused');
      assert.equal(await paymentState(reference), 'due');
      assert.equal((await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').where('entity_id', '=', String(reference)).execute()).length, denied.length + 1, 'the refusal is audited');
      assert.equal((await post(people.caseWorker)).status, 303, 'the department\'s case worker records it');
      assert.equal(await paymentState(reference), 'paid');
      assert.equal((await post(people.caseWorker)).status, 409, 'not twice');
      tally(STALL).payments += 1;
      tally(STALL).counter += fees[STALL]!;

      const admin = staffClient(t.baseUrl, people.admin);
      const page = await admin.get(`/staff/applications/${reference}/payments`);
      assert.match(page.html, /At the counter/);
      expectRedirect(await admin.post(`/staff/applications/${reference}/refunds`, { idempotency_key: keyOf(page.html)!, amount: '2.50', reason: 'Half a pitch' }), `/staff/applications/${reference}/payments?done=refunded`);
      tally(STALL).refunds += 1;
      tally(STALL).refunded += 250;
      const refund = await t.db.selectFrom('application_refunds').select(['provider', 'status', 'amount_pence']).where('case_id', '=', reference).executeTakeFirstOrThrow();
      assert.deepEqual(refund, { provider: 'counter', status: 'success', amount_pence: 250 });
    });

    test('the daily reconciliation (page, CSV, command) adds up to the payments made here', async () => {
      const day = todayInZone(t.jurisdiction.timeZone);
      const analyst = staffClient(t.baseUrl, people.analyst);
      const csvResponse = await fetch(`${t.baseUrl}/admin/payments/reconciliation.csv?date=${day}`, { headers: { cookie: people.analyst.cookie } });
      assert.equal(csvResponse.status, 200);
      assert.match(csvResponse.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(csvResponse.headers.get('content-disposition') ?? '', new RegExp(`payments-${day}\\.csv`));
      const csv = await csvResponse.text();
      const [header, ...rows] = parseCsv(csv);
      assert.deepEqual(header, ['date', 'service_code', 'service', 'applications_with_fee', 'fees_calculated', 'payments', 'paid_online', 'paid_at_counter', 'paid_total', 'refunds', 'refunded', 'net_received']);
      const pounds = (pence: number) => (pence / 100).toFixed(2);
      const expected = (code: string, name: string, m: (typeof made)[string]) =>
        [day, code, name, String(m.applications), pounds(m.fees), String(m.payments), pounds(m.online), pounds(m.counter), pounds(m.online + m.counter), String(m.refunds), pounds(m.refunded), pounds(m.online + m.counter - m.refunded)];
      const total = Object.values(made).reduce((sum, m) => ({
        applications: sum.applications + m.applications, fees: sum.fees + m.fees, payments: sum.payments + m.payments, online: sum.online + m.online,
        counter: sum.counter + m.counter, refunds: sum.refunds + m.refunds, refunded: sum.refunded + m.refunded,
      }));
      assert.deepEqual(rows, [
        expected(STALL, '\'=Market stall', made[STALL]!),
        expected(PARTY, 'Street party', made[PARTY]!),
        expected('TOTAL', 'All services', total),
      ], 'by service (a name that starts like a formula is kept as text), then the totals');
      assert.equal(made[PARTY]!.applications, 2);
      assert.equal(total.online + total.counter - total.refunded, 4000 + 4000 + 2500 - 4000 - 250);

      const page = await analyst.get(`/admin/payments?date=${day}`);
      assert.equal(page.status, 200);
      assert.match(page.html, /=Market stall/);
      assert.ok(page.html.includes(`href="/admin/payments/reconciliation.csv?date=${day}"`));
      const bad = await analyst.get('/admin/payments?date=2026-02-30');
      assert.equal(bad.status, 400);
      assert.match(bad.html, /YYYY-MM-DD/);
      assert.equal((await fetch(`${t.baseUrl}/admin/payments/reconciliation.csv?date=yesterday`, { headers: { cookie: people.analyst.cookie } })).status, 400);
      assert.equal((await staffClient(t.baseUrl, people.supervisor).get(`/admin/payments?date=${day}`)).status, 403, 'a supervisor does not read the council\'s books');

      const quiet = parseCsv(await (await fetch(`${t.baseUrl}/admin/payments/reconciliation.csv?date=2020-01-01`, { headers: { cookie: people.admin.cookie } })).text());
      assert.deepEqual(quiet.slice(1), [['2020-01-01', 'TOTAL', 'All services', '0', '0.00', '0', '0.00', '0.00', '0.00', '0', '0.00', '0.00']]);

      const env = {
        DATABASE_URL: t.config.databaseUrl, TOWNHALL_JURISDICTION_ID: t.jurisdiction.id, TOWNHALL_JURISDICTION_NAME: t.jurisdiction.name,
        TOWNHALL_TIME_ZONE: t.jurisdiction.timeZone, TOWNHALL_ENCRYPTION_KEY: t.keyring.current.key.toString('base64'),
      };
      const run = await runTownhall(['payments', 'reconcile', '--date', day], env);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, csv, 'the command prints the same CSV as the page downloads');
      const wrong = await runTownhall(['payments', 'reconcile', '--date', '2026-13-01'], env);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /YYYY-MM-DD/);
      assert.equal((await runTownhall(['payments', 'nonsense'], env)).code, 2);
    });
  });
}
