/**
 * Guests follow a report by email ("this is my problem too" without an account), on both
 * databases: the form on the report's page, the confirmation email over a real SMTP conversation,
 * the link's page and its button, the case's emails to the guest (in their language, with
 * one-click unsubscribe) until they stop them; expired, used and forged links; the per-address
 * and per-client limits; the same answer whatever the address; a closed report; a merged
 * duplicate's guests; the subject access export, erasure and retention.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { performCaseAction } from '../src/cases/actions.js';
import { EMAILS_PER_ADDRESS_PER_DAY, GUEST_LINK_MINUTES, REQUESTS_PER_CLIENT_PER_HOUR, requestGuestFollow, confirmGuestFollow } from '../src/cases/guest-followers.js';
import { anonymiseExpiredReporters } from '../src/jobs/retention.js';
import { deliverDue, emailChannel } from '../src/notifications/delivery.js';
import { smtpSender } from '../src/notifications/smtp.js';
import { lookupHash } from '../src/platform/crypto.js';
import type { RetryPolicy } from '../src/platform/outbox.js';
import { nowIso } from '../src/platform/time.js';
import { erasePersonalData, exportPersonalData } from '../src/privacy/privacy.js';
import { ctx as workflowCtx, keyring as workflowKeyring, openCouncil, type Council } from '../src/cases/fixture.test-support.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { headerOf, partOf } from './notifications-mime.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { sink } from './smtp-sink.js';
import { WebClient } from './web-client.js';

const fast: RetryPolicy = { maxAttempts: 4, backoffBaseMs: 5, backoffCapMs: 20, leaseMs: 5_000 };
const linkIn = (text: string) => /\/follow\/confirm\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null;

for (const database of databasesUnderTest()) {
  describe(`guests follow reports by email on ${database.name}`, () => {
    let t: RunningTownhall;
    const mail = sink();
    let smtpUrl = '';
    let seq = 0;

    before(async () => {
      // The per-minute limit of the web forms is Fastify's (tested with sign-in); the limits here are the database's own.
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      smtpUrl = await mail.listen();
    });
    after(async () => {
      await mail.close();
      await t.close();
    });

    async function report(extra: Record<string, string> = {}): Promise<string> {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: `${++seq} Mill Lane`, description: 'Paint on the wall', ...extra }),
      });
      assert.equal(response.status, 201);
      return ((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    }
    const notify = () => ({ keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name });
    const update = (id: string, status: 'open' | 'closed', state: string, note: string | null) => applyStatusUpdate(t.db, t.jurisdiction.id,
      { updateId: `g${++seq}`, requestId: id, status, state, updatedAt: nowIso(), description: note, mediaUrl: null }, { id: 'test' }, notify());
    /** Delivers what waits in the outbox over SMTP; the emails the sink accepted meanwhile. */
    async function deliver() {
      const before = mail.accepted.length;
      const sender = smtpSender({ smtpUrl, from: 'noreply@council.example' }, t.jurisdiction.name, { colour: null })!;
      const result = await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, [emailChannel(t.keyring, sender, 1000)], { batch: 100 });
      sender.close();
      assert.equal(result.failed, 0);
      return mail.accepted.slice(before);
    }
    const to = (emails: Awaited<ReturnType<typeof deliver>>, address: string) => emails.filter((m) => m.to.toLowerCase().includes(address.toLowerCase()));
    const ask = async (id: string, email: string, client = new WebClient(t.baseUrl), lang = '') => {
      await client.get(`/requests/${id}${lang ? `?lang=${lang}` : ''}`);
      return { client, page: await client.post(`/requests/${id}/follow-by-email`, { email }) };
    };
    const followerRows = (id: string) => t.db.selectFrom('guest_followers').selectAll().where('case_id', '=', Number(id)).execute();

    test('ask, confirm by the emailed link, get the case\'s emails with one-click unsubscribe, stop them', async () => {
      const id = await report();
      const guest = new WebClient(t.baseUrl);
      const page = await guest.get(`/requests/${id}`);
      assert.match(page.html, /<h3>This is my problem too<\/h3>/);
      assert.match(page.html, new RegExp(`<form method="post" action="/requests/${id}/follow-by-email" novalidate><input type="hidden" name="_csrf" value="[^"]+"`));
      assert.match(page.html, /<label for="email">Email address<\/label>/);
      assert.match(page.html, /<input id="email" name="email" type="email"[^>]*autocomplete="email"/);
      assert.match(page.headers.get('cache-control') ?? '', /private/, 'the page carries this browser\'s token: never a shared cache');

      const address = `guest.${database.name}@example.org`;
      const asked = await guest.post(`/requests/${id}/follow-by-email`, { email: `  ${address.toUpperCase()} ` });
      assert.equal(asked.status, 200);
      assert.match(asked.html, /<h1>Check your email<\/h1>/);
      assert.match(asked.html, /We will not send you anything about this report until you confirm/);
      const [row] = await followerRows(id);
      assert.ok(row, 'a row waits for confirmation');
      assert.equal(row.confirmed_at, null);
      assert.ok(!row.email.includes('example.org'), 'the address is sealed');
      assert.equal(row.email_hash, lookupHash(t.keyring, 'email', address));
      assert.equal(row.language, 'en');

      // Nothing is followed until the link is used: a change now emails no guest.
      await update(id, 'open', 'in_progress', 'Before confirming');
      const delivered = await deliver();
      const confirmation = to(delivered, address.toUpperCase());
      assert.equal(confirmation.length, 1, `only the confirmation email: ${JSON.stringify(delivered.map((m) => [m.to, m.subject]))}`);
      assert.match(confirmation[0]!.subject, new RegExp(`Confirm you want updates about report ${id}`));
      const token = linkIn(confirmation[0]!.text)!;
      assert.ok(token, confirmation[0]!.text);
      assert.match(confirmation[0]!.text, /The link works once, for 7 days/);
      assert.ok(!row.token_hash!.includes(token), 'only a hash of the token is kept');

      // The link's page changes nothing (a mail scanner may open it); its button confirms.
      const opened = await guest.get(`/follow/confirm?token=${token}`);
      assert.equal(opened.status, 200);
      assert.match(opened.html, /<h1>Confirm you want updates<\/h1>/);
      assert.equal((await followerRows(id))[0]!.confirmed_at, null);
      const confirmed = await guest.post('/follow/confirm', { token });
      assert.equal(confirmed.status, 200);
      assert.match(confirmed.html, /<h1>You will get updates about this report<\/h1>/);
      assert.ok((await followerRows(id))[0]!.confirmed_at, 'confirmed');
      // Used again (a second click, or the page opened again): nothing changes, and it says so.
      const again = await guest.post('/follow/confirm', { token });
      assert.equal(again.status, 200);
      assert.match(again.html, /You already get updates about this report/);
      assert.match((await guest.get(`/follow/confirm?token=${token}`)).html, /You already get updates about this report/);
      const audits = await t.db.selectFrom('audit_log').select(['action', 'after', 'context']).where('entity_id', '=', id).where('action', 'like', 'service_request.guest%').orderBy('seq').execute();
      assert.deepEqual(audits.map((a) => a.action), ['service_request.guest_follow_requested', 'service_request.guest_follow_confirmed']);
      for (const entry of audits) assert.ok(!`${entry.after}`.toLowerCase().includes(address), 'the audit names the address only by its keyed hash');
      assert.match(audits[0]!.context ?? '', /"address"/, 'with the client address of the request');

      // A public change reaches the guest, with the one-click unsubscribe headers and link.
      await update(id, 'open', 'action_scheduled', 'A crew comes on Monday.');
      const news = to(await deliver(), address.toUpperCase());
      assert.equal(news.length, 1);
      assert.match(news[0]!.text, /A crew comes on Monday\./);
      assert.match(news[0]!.text, new RegExp(`about Graffiti \\(reference ${id}\\) has been updated`));
      const unsubscribe = /<([^>]+)>/.exec(headerOf(news[0]!.raw, 'List-Unsubscribe') ?? '')?.[1] ?? '';
      assert.match(unsubscribe, new RegExp(`^${t.baseUrl}/unsubscribe/g\\.${id}\\.\\d+\\.[0-9a-f]{32}$`));
      assert.equal(headerOf(news[0]!.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.ok(partOf(news[0]!.raw, 'text/html')!.includes(unsubscribe), 'the link in the HTML part too');

      // A forged unsubscribe link stops nothing.
      const forged = unsubscribe.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
      assert.equal((await fetch(forged, { method: 'POST' })).status, 404);
      // The mail program's one-click POST (no cookie, no token) stops them.
      const stopped = await fetch(unsubscribe, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      assert.equal(stopped.status, 200);
      assert.match(await stopped.text(), new RegExp(`href="/requests/${id}"`));
      assert.ok((await followerRows(id))[0]!.unsubscribed_at);
      await update(id, 'closed', 'fixed', 'Cleaned.');
      assert.equal(to(await deliver(), address.toUpperCase()).length, 0, 'no email after unsubscribing');
      // The old link, used and since unsubscribed, does not follow again.
      const used = await guest.get(`/follow/confirm?token=${token}`);
      assert.equal(used.status, 400);
      assert.match(used.html, /This link has expired or has already been used/);
    });

    test('closure email, and a Spanish guest is written to in Spanish', async () => {
      const id = await report();
      const address = `invitado.${database.name}@example.org`;
      const { client, page } = await ask(id, address, new WebClient(t.baseUrl), 'es');
      assert.match(page.html, /<h1>Consulte su correo electrónico<\/h1>|<html lang="es"/);
      const [confirmation] = to(await deliver(), address);
      assert.match(confirmation!.text, /Para recibirlas, abra este enlace y confirme/);
      assert.match(confirmation!.text, /durante 7 días/);
      await client.post('/follow/confirm', { token: linkIn(confirmation!.text)! });
      await update(id, 'closed', 'fixed', 'Limpiado.');
      const [closing] = to(await deliver(), address);
      assert.ok(closing, 'the guest is told of the closure');
      assert.match(closing!.text, /se ha cerrado/);
      assert.doesNotMatch(closing!.text, /cuenta/, 'no word of an account page they do not have');
      assert.match(headerOf(closing!.raw, 'List-Unsubscribe') ?? '', /\/unsubscribe\/g\./);
    });

    test('no enumeration: the same answer whether the address is new, waiting or already following; the owner is told', async () => {
      const id = await report();
      const known = `known.${database.name}@example.org`;
      const first = await ask(id, known);
      await first.client.post('/follow/confirm', { token: linkIn(to(await deliver(), known)[0]!.text)! });
      const fresh = `fresh.${database.name}@example.org`;
      const forFresh = (await ask(id, fresh)).page;
      const forKnown = (await ask(id, known)).page;
      assert.equal(forKnown.status, forFresh.status);
      const body = (html: string, email: string) => (/<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '').replace(email, 'ADDRESS');
      assert.equal(body(forKnown.html, known), body(forFresh.html, fresh), 'the pages are the same but for the address');
      const emails = await deliver();
      assert.match(to(emails, known)[0]!.subject, /You already get updates about report/);
      assert.equal(linkIn(to(emails, known)[0]!.text), null, 'no link to use');
      assert.match(to(emails, fresh)[0]!.subject, /Confirm you want updates/);
      assert.equal((await followerRows(id)).length, 2);
    });

    test('expired and forged links get a clear page, never a 500; a new request replaces the old link', async () => {
      const id = await report();
      const address = `late.${database.name}@example.org`;
      const { client } = await ask(id, address);
      const oldToken = linkIn(to(await deliver(), address)[0]!.text)!;
      await t.db.updateTable('guest_followers').set({ requested_at: new Date(Date.now() - GUEST_LINK_MINUTES * 60_000 - 1000).toISOString() }).where('case_id', '=', Number(id)).execute();
      for (const page of [await client.get(`/follow/confirm?token=${oldToken}`), await client.post('/follow/confirm', { token: oldToken })]) {
        assert.equal(page.status, 400);
        assert.match(page.html, /This link has expired or has already been used/);
        assert.match(page.html, /Each link works once, for 7 days/);
      }
      assert.equal((await followerRows(id))[0]!.confirmed_at, null, 'an expired link confirms nothing');
      for (const forged of [randomBytes(32).toString('base64url'), 'x', '', '<script>', 'a'.repeat(5000)]) {
        const page = await client.get(`/follow/confirm?token=${encodeURIComponent(forged)}`);
        assert.equal(page.status, 400, forged);
        assert.equal((await client.post('/follow/confirm', { token: forged })).status, 400);
      }
      // Asking again sends a new link; the old one stays dead.
      await ask(id, address, client);
      const newToken = linkIn(to(await deliver(), address)[0]!.text)!;
      assert.notEqual(newToken, oldToken);
      assert.equal((await client.post('/follow/confirm', { token: oldToken })).status, 400);
      assert.match((await client.post('/follow/confirm', { token: newToken })).html, /You will get updates about this report/);
      // Without the page's token the form is refused.
      assert.equal((await client.post('/follow/confirm', { token: newToken, _csrf: 'wrong' })).status, 403);
    });

    test('a wrong address gets a GOV.UK-style error at the field and in a summary; a closed report cannot be followed', async () => {
      const id = await report();
      const client = new WebClient(t.baseUrl);
      await client.get(`/requests/${id}`);
      for (const [typed, message] of [['not-an-email', 'Enter an email address in the correct format, like name@example.com'], ['', 'Enter your email address']] as const) {
        const page = await client.post(`/requests/${id}/follow-by-email`, { email: typed });
        assert.equal(page.status, 400);
        assert.match(page.html, /<title>Error: /);
        assert.match(page.html, new RegExp(`<div class="error-summary"[^>]*>.*<a href="#email">${message}</a>`, 's'));
        assert.match(page.html, new RegExp(`<span class="error-message" id="email-error">.*${message}</span>`));
        assert.match(page.html, /<input id="email" name="email" type="email" value(="[^"]*")? [^>]*aria-describedby="email-hint email-error" aria-invalid="true"/);
        assert.ok(typed === '' || page.html.includes(`value="${typed}"`), 'what they typed is kept');
      }
      const es = new WebClient(t.baseUrl);
      await es.get(`/requests/${id}?lang=es`);
      assert.match((await es.post(`/requests/${id}/follow-by-email`, { email: 'nope' })).html, /Escriba una dirección de correo|correo/);
      assert.equal((await followerRows(id)).length, 0);

      await update(id, 'closed', 'fixed', null);
      const closed = await client.get(`/requests/${id}`);
      assert.match(closed.html, /This report is closed, so it can no longer be followed\./);
      assert.doesNotMatch(closed.html, /follow-by-email/);
      const refused = await client.post(`/requests/${id}/follow-by-email`, { email: 'late@example.org' });
      assert.equal(refused.status, 409);
      assert.match(refused.html, /This report is closed, so it can no longer be followed\./);
      assert.equal((await client.post('/requests/999999/follow-by-email', { email: 'x@example.org' })).status, 404);
    });

    test('limits: a few confirmation emails per address a day, and so many requests per client an hour', async () => {
      await t.db.deleteFrom('guest_follow_requests').execute();
      const address = `bombed.${database.name}@example.org`;
      const ids = await Promise.all([1, 2, 3, 4, 5].map(() => report()));
      const answers = [];
      for (const id of ids) answers.push((await ask(id, address)).page);
      assert.ok(answers.every((a) => a.status === 200 && /Check your email/.test(a.html)), 'the person asking sees no difference');
      assert.equal(to(await deliver(), address).length, EMAILS_PER_ADDRESS_PER_DAY, 'the address gets only so many');
      const refusals = await t.db.selectFrom('audit_log').select('after').where('action', '=', 'service_request.guest_follow_requested').where('after', 'like', '%enough emails%').execute();
      assert.equal(refusals.length, ids.length - EMAILS_PER_ADDRESS_PER_DAY, 'each refusal is recorded');

      await t.db.deleteFrom('guest_follow_requests').execute();
      const id = await report();
      const client = new WebClient(t.baseUrl);
      await client.get(`/requests/${id}`);
      for (let i = 0; i < REQUESTS_PER_CLIENT_PER_HOUR; i++) assert.equal((await client.post(`/requests/${id}/follow-by-email`, { email: `many${i}.${database.name}@example.org` })).status, 200);
      const tooMany = await client.post(`/requests/${id}/follow-by-email`, { email: `one.more.${database.name}@example.org` });
      assert.equal(tooMany.status, 429);
      assert.match(tooMany.html, /You have tried too many times/);
      await deliver();
      await t.db.deleteFrom('guest_follow_requests').execute();
    });

    test('subject access export, erasure and retention cover guests\' addresses', async () => {
      const address = `private.${database.name}@example.org`;
      const open = await report();
      const closing = await report();
      for (const id of [open, closing]) {
        const { client } = await ask(id, address);
        await client.post('/follow/confirm', { token: linkIn(to(await deliver(), address)[0]!.text)! });
      }
      const exported = await exportPersonalData(t.db, t.keyring, t.jurisdiction.id, address, 'test');
      assert.deepEqual(exported.guestFollows.map((f) => f.serviceRequestId), [open, closing]);
      assert.ok(exported.guestFollows.every((f) => f.confirmedAt && f.language === 'en'));

      // Retention: a case closed past its service's period loses its guests; an unused link, once expired, goes too.
      await t.db.updateTable('services').set({ retention_days: 30 }).where('code', '=', GRAFFITI).execute();
      await update(closing, 'closed', 'fixed', null);
      await t.db.updateTable('cases').set({ closed_at: new Date(Date.now() - 31 * 86_400_000).toISOString() }).where('id', '=', Number(closing)).execute();
      const waiting = await report();
      await ask(waiting, `never.${database.name}@example.org`);
      await t.db.updateTable('guest_followers').set({ requested_at: new Date(Date.now() - GUEST_LINK_MINUTES * 60_000 - 1000).toISOString() }).where('case_id', '=', Number(waiting)).execute();
      const result = await anonymiseExpiredReporters(t.db, t.jurisdiction.id);
      await t.db.updateTable('services').set({ retention_days: null }).where('code', '=', GRAFFITI).execute();
      assert.ok(result.guestFollowers >= 2, JSON.stringify(result));
      assert.equal((await followerRows(closing)).length, 0);
      assert.equal((await followerRows(waiting)).length, 0);
      assert.equal((await followerRows(open)).length, 1, 'an open case keeps its guests');

      await deliver(); // the closing case's last email went out before its guests were deleted
      const erased = await erasePersonalData(t.db, t.keyring, t.jurisdiction.id, address, 'request by email', 'test');
      assert.deepEqual(erased.unfollowed, [open]);
      assert.equal((await followerRows(open)).length, 0);
      assert.equal(await t.db.selectFrom('guest_follow_requests').select('id').where('email_hash', '=', lookupHash(t.keyring, 'email', address)).executeTakeFirst(), undefined);
      await update(open, 'open', 'in_progress', 'After erasure');
      assert.equal(to(await deliver(), address).length, 0);
    });
  });

  describe(`the follow-by-email forms' per-minute limit on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '2' } });
    });
    after(() => t.close());

    test('more requests than the limit from one client address get 429 with Retry-After, on the form and the link\'s button', async () => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 Mill Lane' }) });
      const id = ((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      const client = new WebClient(t.baseUrl);
      await client.get(`/requests/${id}`);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await client.post(`/requests/${id}/follow-by-email`, { email: `minute${i}@example.org` })).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      const limited = await client.post(`/requests/${id}/follow-by-email`, { email: 'minute@example.org' });
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(limited.html, /You have tried too many times/);
      const confirms = [];
      for (let i = 0; i < 3; i++) confirms.push((await client.post('/follow/confirm', { token: randomBytes(32).toString('base64url') })).status);
      assert.deepEqual(confirms, [400, 400, 429]);
    });
  });

  describe(`a merged duplicate's guests on ${database.name}`, () => {
    let c: Council;
    before(async () => {
      c = await openCouncil(database);
    });
    after(() => c.t.cleanup());

    test('confirmed guests follow the case it was merged into; a waiting link confirms there; an unsubscribed one stays so', async () => {
      const original = await c.report('Hole by the school');
      const duplicate = await c.report('Same hole');
      const sender = { publicUrl: 'https://townhall.example', council: 'Test Council' };
      const ask = (caseId: number, email: string, client = '192.0.2.1') =>
        requestGuestFollow(c.db, workflowKeyring, sender, { jurisdictionId: workflowCtx.jurisdictionId, caseId, email, language: 'en', client });
      const tokens = new Map<string, string>();
      for (const email of ['both@example.org', 'dup@example.org', 'waiting@example.org', 'stopped@example.org']) {
        await ask(duplicate, email);
        const outbox = await c.db.selectFrom('outbox').select('payload').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const { openQueuedEmail } = await import('../src/notifications/email.js');
        tokens.set(email, linkIn(openQueuedEmail(workflowKeyring, JSON.parse(outbox.payload)).text)!);
      }
      for (const email of ['both@example.org', 'dup@example.org', 'stopped@example.org']) assert.equal((await confirmGuestFollow(c.db, tokens.get(email)!)).state, 'usable');
      await c.db.updateTable('guest_followers').set({ unsubscribed_at: nowIso() }).where('email_hash', '=', lookupHash(workflowKeyring, 'email', 'stopped@example.org')).execute();
      await ask(original, 'both@example.org');

      await performCaseAction(c.db, workflowCtx, duplicate, { kind: 'merge', intoCaseId: original }, c.worker, 'merge-guests');
      const rows = await c.db.selectFrom('guest_followers').select(['email_hash', 'confirmed_at', 'unsubscribed_at']).where('case_id', '=', original).execute();
      const byHash = (email: string) => rows.find((r) => r.email_hash === lookupHash(workflowKeyring, 'email', email));
      assert.ok(byHash('dup@example.org')?.confirmed_at, 'a confirmed guest of the duplicate follows the original');
      assert.ok(byHash('both@example.org')?.confirmed_at, 'a guest still waiting on the original counts as confirmed, having confirmed on the duplicate');
      assert.equal(byHash('stopped@example.org'), undefined, 'an address that unsubscribed is not carried over');
      assert.equal((await confirmGuestFollow(c.db, tokens.get('waiting@example.org')!)).state, 'usable', 'a waiting link moved with its row');
      const waiting = await c.db.selectFrom('guest_followers').select(['case_id', 'confirmed_at']).where('email_hash', '=', lookupHash(workflowKeyring, 'email', 'waiting@example.org')).execute();
      assert.deepEqual(waiting.map((w) => w.case_id), [original]);
      assert.ok(waiting[0]!.confirmed_at);
    });
  });
}
