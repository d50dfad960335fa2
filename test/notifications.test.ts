/**
 * Notifications end to end, on both databases: case emails in a real SMTP conversation (text and
 * HTML parts, branding, one-click unsubscribe headers) and the unsubscribe itself; text messages
 * through a fake provider that fails then recovers (backoff in milliseconds, one Idempotency-Key);
 * dead letters and the staff retry; templates edited, previewed and reset; the development
 * mailbox; the Open311 acknowledgement; the resident's choices and in-app messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { caseChanged } from '../src/notifications/case-updates.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { deliverDue, emailChannel, smsChannel } from '../src/notifications/delivery.js';
import { devMailSender, smtpSender } from '../src/notifications/smtp.js';
import { httpSmsProvider } from '../src/notifications/sms.js';
import type { RetryPolicy } from '../src/platform/outbox.js';
import { follow } from '../src/cases/followers.js';
import { reporterToTell } from '../src/cases/reporters.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { headerOf, partOf } from './notifications-mime.js';
import { WebClient } from './web-client.js';
import { EMAIL_PREVIEW_POLICY } from '../src/notifications/routes.js';

const fast: RetryPolicy = { maxAttempts: 4, backoffBaseMs: 5, backoffCapMs: 20, leaseMs: 5_000 };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FROM = 'noreply@council.example';

for (const database of databasesUnderTest()) {
  describe(`notifications on ${database.name}`, () => {
    let t: RunningTownhall;
    let seq = 0;
    const received: string[] = [];
    let smtp: SMTPServer;
    let smtpUrl = '';

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0', TOWNHALL_BRAND_COLOUR: '#1d4ed8' } });
      smtp = new SMTPServer({
        authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
        onData(stream, _session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => { received.push(Buffer.concat(chunks).toString('utf8')); callback(); });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => smtp.close(resolve));
      await t.close();
    });

    async function signedIn(role: Role): Promise<{ client: WebClient; userId: number; email: string }> {
      const email = `${role}.${++seq}.${database.name}@example.org`;
      const user = await createUser(t.db, t.keyring, { email, role, departmentCode: role === 'supervisor' ? 'public-works' : null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const client = new WebClient(t.baseUrl);
      client.cookies.set('townhall_session', token);
      return { client, userId: Number(user.id), email };
    }
    async function report(email: string | null): Promise<number> {
      const fields: Record<string, string> = { api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', lat: String(t.jurisdiction.bounds.minLat + 0.001), long: String(t.jurisdiction.bounds.minLong + 0.001) };
      if (email) fields.email = email;
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams(fields) });
      assert.equal(response.status, 201, await response.clone().text());
      return Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    }
    const deps = () => ({ keyring: t.keyring, publicUrl: t.baseUrl, council: t.config.jurisdiction.name });
    const change = (caseId: number, actionId: number, note: string | null, closed = false) =>
      t.db.transaction().execute(async (trx) => caseChanged(trx, deps(), { caseId, actionId, serviceName: 'Graffiti', closed, note, reporter: await reporterToTell(trx, t.keyring, caseId) }));
    const deliverEmail = async () => {
      const sender = smtpSender({ smtpUrl, from: FROM }, t.config.jurisdiction.name, { colour: t.config.branding.colour })!;
      const result = await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, [emailChannel(t.keyring, sender, 1000)], { batch: 50 });
      sender.close();
      return result;
    };

    test('an Open311 request with an email is acknowledged; case emails arrive as text and branded HTML with one-click unsubscribe, which works', async () => {
      const address = `reporter.${database.name}@example.org`;
      const id = await report(address);
      await change(id, 9001, 'A crew is booked for Tuesday.');
      await change(id, 9001, 'A crew is booked for Tuesday.'); // the same event again: queued once
      const before = received.length;
      assert.equal((await deliverEmail()).failed, 0);
      const mine = received.slice(before).filter((m) => headerOf(m, 'To')?.includes(address));
      assert.equal(mine.length, 2, 'the acknowledgement and one update');
      const ack = mine.find((m) => /received your report/.test(headerOf(m, 'Subject') ?? ''))!;
      assert.ok(partOf(ack, 'text/plain')!.includes(`${t.baseUrl}/requests/${id}`), 'the tracking link');
      assert.match(headerOf(ack, 'Subject')!, new RegExp(`reference ${id}`));
      const update = mine.find((m) => m !== ack)!;
      const text = partOf(update, 'text/plain')!;
      const html = partOf(update, 'text/html')!;
      assert.ok(text.includes('A crew is booked for Tuesday.') && text.includes(`(reference ${id})`));
      assert.ok(html.includes('#1d4ed8') && html.includes(t.config.jurisdiction.name), 'branded with the council colour and name');
      assert.ok(html.includes('A crew is booked for Tuesday.'));
      const unsubscribe = /^<(.+)>$/.exec(headerOf(update, 'List-Unsubscribe') ?? '')?.[1] ?? '';
      assert.ok(unsubscribe.startsWith(`${t.baseUrl}/unsubscribe/`), `List-Unsubscribe: ${headerOf(update, 'List-Unsubscribe')}`);
      assert.equal(headerOf(update, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.match(headerOf(update, 'Message-ID') ?? '', /^<townhall\.outbox\.\d+@council\.example>$/);

      const page = await fetch(unsubscribe);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post"/);
      // The mail program's one-click POST: no cookie, no CSRF token.
      const clicked = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(clicked.status, 200);
      const row = await t.db.selectFrom('case_reporters').select('unsubscribed_at').where('case_id', '=', id).executeTakeFirstOrThrow();
      assert.ok(row.unsubscribed_at);
      assert.equal(await change(id, 9002, 'More news.'), 0, 'no more emails to that reporter');
      const forged = await fetch(`${unsubscribe.slice(0, -4)}0000`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(forged.status, 404, 'a token whose MAC does not match stops nothing');
      assert.equal((await fetch(`${t.baseUrl}/unsubscribe/not-a-token`)).status, 404);
    });

    /**
     * A saved number gets a code by text message (through the outbox's SMS channel) and nothing
     * else until the resident enters it: delivered here by a real HTTP provider, read from what
     * it received, and entered on the page.
     */
    async function confirmNumber(resident: { client: { get(path: string): Promise<{ html: string }>; post(path: string, fields: Record<string, string>): Promise<{ status: number; location: string | null; html: string }> } }, number: string) {
      const received: string[] = [];
      const provider = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        request.on('end', () => { received.push(body); response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"code"}'); });
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      const channel = smsChannel(t.keyring, httpSmsProvider(`http://127.0.0.1:${(provider.address() as AddressInfo).port}`, 'Council'), 1000);
      const codeMessage = () => received.map((body) => JSON.parse(body) as { to: string; body: string }).find((m) => m.to === number && /confirm/.test(m.body));
      for (let i = 0; i < 50 && !codeMessage(); i++) {
        await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, [channel]);
        await wait(10);
      }
      provider.close();
      const sent = codeMessage();
      assert.ok(sent, 'the code was texted to the number');
      const code = /(\d{6})/.exec(sent.body)?.[1];
      assert.ok(code, sent.body);
      const page = await resident.client.get('/account/notifications');
      assert.match(page.html, /Confirm your mobile number/);
      const wrong = await resident.client.post('/account/notifications', { _action: 'confirm_phone', phone_code: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /not the one we sent/);
      const confirmed = await resident.client.post('/account/notifications', { _action: 'confirm_phone', phone_code: code });
      assert.equal(confirmed.location, '/account/notifications?saved=1');
      assert.doesNotMatch((await resident.client.get('/account/notifications')).html, /Confirm your mobile number/);
    }

    test('messages in the resident\'s language: an Open311 locale for the acknowledgement and updates; an account\'s language from the pages they use', async () => {
      // A guest through Open311 with locale=es_MX: the acknowledgement and the update in Spanish, the language kept with the report.
      const address = `hablante.${database.name}@example.org`;
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({
        api_key: t.apiKey, service_code: GRAFFITI, address_string: '2 High Street', lat: String(t.jurisdiction.bounds.minLat + 0.001), long: String(t.jurisdiction.bounds.minLong + 0.001), email: address, locale: 'es_MX',
      }) });
      assert.equal(response.status, 201);
      const id = Number(((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      assert.equal((await t.db.selectFrom('case_reporters').select('language').where('case_id', '=', id).executeTakeFirstOrThrow()).language, 'es');
      await change(id, 9201, 'Limpieza el martes.');
      const before = received.length;
      assert.equal((await deliverEmail()).failed, 0);
      const subjects = received.slice(before).filter((m) => headerOf(m, 'To')?.includes(address)).map((m) => headerOf(m, 'Subject'));
      assert.deepEqual(subjects.sort(), [`Hay novedades sobre el aviso ${id} a ${t.config.jurisdiction.name}`, `Hemos recibido su aviso (referencia ${id})`]);
      // A locale that is not a language tag is refused; one the council does not offer gets the default.
      const bad = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '3 High Street', locale: 'es MX!' }) });
      assert.equal(bad.status, 400);

      // A resident who chose their messages on the Arabic pages gets them in Arabic; in Spanish after choosing again on the Spanish pages.
      const resident = await signedIn('resident');
      assert.equal((await t.db.selectFrom('users').select('language').where('id', '=', resident.userId).executeTakeFirstOrThrow()).language, null);
      await resident.client.get('/account/notifications?lang=ar');
      assert.equal((await resident.client.post('/account/notifications', { onUpdate: 'yes', onClose: 'yes' })).location, '/account/notifications?saved=1');
      const followed = await report(null);
      await follow(t.db, followed, resident.userId, 'follower');
      await change(followed, 9202, 'Cleaning booked.');
      await resident.client.get('/account/notifications?lang=es');
      await resident.client.post('/account/notifications', { onUpdate: 'yes', onClose: 'yes' });
      await change(followed, 9203, 'Done on Tuesday.');
      const inApp = await t.db.selectFrom('notifications').select('text').where('user_id', '=', resident.userId).orderBy('id').execute();
      // (In Arabic each value is isolated, U+2068 … U+2069, so numbers and English read right.)
      assert.deepEqual(inApp.map((m) => m.text), [`جديد بشأن البلاغ \u2068${followed}\u2069: \u2068Cleaning booked.\u2069`, `Novedades del aviso ${followed}: Done on Tuesday.`]);
      const emails = received.length;
      await deliverEmail();
      assert.deepEqual(received.slice(emails).filter((m) => headerOf(m, 'To')?.includes(resident.email)).map((m) => /lang="(\w+)"/.exec(partOf(m, 'text/html') ?? '')?.[1]), ['ar', 'es']);
    });

    test('a number is not texted until it is confirmed with the code sent to it', async () => {
      const resident = await signedIn('resident');
      await resident.client.get('/account/notifications');
      await resident.client.post('/account/notifications', { smsOnUpdate: 'yes', phone: '+44 7700 900999' });
      const id = await report(null);
      await follow(t.db, id, resident.userId, 'follower');
      const before = await t.db.selectFrom('outbox').select('id').where('kind', '=', 'sms').execute();
      await change(id, 9050, 'Not texted yet.');
      const after = await t.db.selectFrom('outbox').select('id').where('kind', '=', 'sms').execute();
      assert.equal(after.length, before.length, 'no text message to an unconfirmed number');
      await confirmNumber(resident, '+447700900999');
      await change(id, 9051, 'Texted now.');
      assert.equal((await t.db.selectFrom('outbox').select('id').where('kind', '=', 'sms').execute()).length, after.length + 1, 'confirmed: texted');
    });

    test('a resident chooses text messages (number checked), gets in-app messages, and an SMS provider that fails then recovers sends once', async () => {
      const resident = await signedIn('resident');
      await resident.client.get('/account/notifications');
      const bad = await resident.client.post('/account/notifications', { onUpdate: 'yes', smsOnUpdate: 'yes', phone: '12' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /country code/);
      const none = await resident.client.post('/account/notifications', { smsOnUpdate: 'yes', phone: '' });
      assert.equal(none.status, 400);
      const saved = await resident.client.post('/account/notifications', { onUpdate: 'yes', smsOnUpdate: 'yes', phone: '+44 7700 900123' });
      assert.equal(saved.location, '/account/notifications?saved=1');
      await confirmNumber(resident, '+447700900123');
      const id = await report(null);
      await follow(t.db, id, resident.userId, 'follower');
      await change(id, 9100, 'Cleaning booked.');
      const shown = await resident.client.get('/account/notifications');
      assert.match(shown.html, /\+44 7700 900123|\+447700900123/);
      assert.match(shown.html, new RegExp(`News about report ${id}: Cleaning booked\\.`), 'the in-app message');

      const calls: Array<{ headers: IncomingHttpHeaders; body: string; url: string }> = [];
      const provider = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        request.on('end', () => {
          calls.push({ headers: request.headers, body, url: request.url ?? '' });
          response.writeHead(calls.length <= 2 ? 503 : 201, { 'content-type': 'application/json' }).end(calls.length <= 2 ? '{"error":"busy +447700900123"}' : '{"id":"m1"}');
        });
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      const base = `http://sender:s3cret@127.0.0.1:${(provider.address() as AddressInfo).port}/api`;
      const channel = smsChannel(t.keyring, httpSmsProvider(base, '+15550001111'), 1000);
      for (let i = 0; i < 50; i++) {
        const pass = await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, [channel]);
        if (pass.sent > 0) break;
        await wait(10);
      }
      provider.close();
      assert.equal(calls.length, 3, 'two failures, then delivered, then nothing more');
      assert.equal(new Set(calls.map((c) => c.headers['idempotency-key'])).size, 1, 'the same Idempotency-Key on every attempt');
      assert.match(String(calls[0]!.headers['idempotency-key']), new RegExp(`^case:${id}:action:9100:sms:`));
      assert.equal(calls[0]!.headers.authorization, `Basic ${Buffer.from('sender:s3cret').toString('base64')}`);
      assert.equal(calls[0]!.url, '/api/messages');
      const body = JSON.parse(calls[2]!.body) as { to: string; from: string; body: string };
      assert.equal(body.to, '+447700900123');
      assert.equal(body.from, '+15550001111');
      assert.match(body.body, new RegExp(`report ${id}`));
      const row = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'sms').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 3);
      assert.equal(row.provider, 'http');
      assert.ok(!JSON.stringify(row).includes('447700900123'), 'the number is sealed in the outbox');
    });

    test('after the last attempt a message is dead; staff see it masked and a system administrator retries it (audited)', async () => {
      const resident = await signedIn('resident');
      await resident.client.get('/account/notifications');
      await resident.client.post('/account/notifications', { smsOnClose: 'yes', phone: '+15551234567' });
      await confirmNumber(resident, '+15551234567');
      const id = await report(null);
      await follow(t.db, id, resident.userId, 'follower');
      await change(id, 9200, null, true);
      const down = createServer((_request, response) => { response.writeHead(500).end('down'); });
      await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
      const channel = smsChannel(t.keyring, httpSmsProvider(`http://127.0.0.1:${(down.address() as AddressInfo).port}`, 'Council'), 1000);
      let dead = 0;
      for (let i = 0; i < 50 && dead === 0; i++) {
        dead += (await deliverDue({ db: t.db, keyring: t.keyring, policy: { ...fast, maxAttempts: 2 } }, [channel])).dead;
        await wait(10);
      }
      down.close();
      const row = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'sms').where('status', '=', 'dead').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(row.attempts, 2);
      assert.match(row.last_error ?? '', /500/);

      const supervisor = await signedIn('supervisor');
      assert.equal((await supervisor.client.get('/admin/messages?status=dead')).status, 403, 'the outbox spans every department: system administrators only');
      assert.equal((await supervisor.client.post(`/admin/messages/${row.id}/retry`, { _csrf: null })).status, 403);

      const admin = await signedIn('system_admin');
      const looked = await admin.client.get('/admin/messages?status=dead');
      assert.equal(looked.status, 200);
      assert.ok(looked.html.includes('+15••••••567'), 'the number masked');
      assert.ok(!looked.html.includes('+15551234567'));
      const retried = await admin.client.post(`/admin/messages/${row.id}/retry`);
      assert.equal(retried.status, 200);
      assert.match(retried.html, /will be tried again now/);
      const after = await t.db.selectFrom('outbox').select(['status']).where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(after.status, 'queued');
      const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'outbox.retried').where('entity_id', '=', String(row.id)).execute();
      assert.equal(audit.length, 1);
      assert.equal((await admin.client.post(`/admin/messages/${row.id}/retry`)).status, 409, 'a queued message is not retried');
      assert.equal((await admin.client.get('/admin/messages/999999999')).status, 404);
    });

    test('templates: edited with a preview, checked, used by the next message, reset (each audited)', async () => {
      const admin = await signedIn('system_admin');
      const list = await admin.client.get('/admin/messages/templates');
      assert.equal(list.status, 200);
      assert.match(list.html, /status_changed/);
      const path = '/admin/messages/templates/public_update/email/en';
      const form = await admin.client.get(path);
      assert.equal(form.status, 200);
      assert.match(form.html, /A crew is booked for Tuesday\./, 'the preview with sample values');
      const wrong = await admin.client.post(path, { subject: 'News {nope}', body: 'x', do: 'save' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /\{nope\}/);
      const preview = await admin.client.post(path, { subject: 'Update on {reference}', body: 'Hello from {council}: {note}', do: 'preview' });
      assert.equal(preview.status, 200);
      assert.match(preview.html, /Hello from Springfield Council: A crew is booked for Tuesday\./);
      const saved = await admin.client.post(path, { subject: 'Update on {reference}', body: 'Hello from {council}: {note}\n\n{link}', do: 'save' });
      assert.equal(saved.status, 303);

      const address = `templated.${database.name}@example.org`;
      const id = await report(address);
      await change(id, 9300, 'Edited wording.');
      const before = received.length;
      await deliverEmail();
      const mail = received.slice(before).find((m) => headerOf(m, 'To')?.includes(address) && headerOf(m, 'Subject') === `Update on ${id}`);
      assert.ok(mail, 'the edited template was used');
      assert.match(partOf(mail, 'text/plain')!, new RegExp(`Hello from ${t.config.jurisdiction.name}: Edited wording\\.`));

      const reset = await admin.client.post(`${path}/reset`);
      assert.equal(reset.location, '/admin/messages/templates?reset=1');
      assert.equal((await t.db.selectFrom('message_templates').selectAll().where('event', '=', 'public_update').execute()).length, 0);
      const audited = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'message_template').execute();
      assert.deepEqual(audited.map((a) => a.action).slice(-2), ['message_template.saved', 'message_template.reset']);
      assert.equal((await admin.client.get('/admin/messages/templates/nope/email/en')).status, 404);
      assert.equal((await (await signedIn('supervisor')).client.get(path)).status, 403);
    });

    test('the development mailbox keeps emails, marked sent by "dev", readable by a system administrator', async () => {
      const address = `dev.${database.name}@example.org`;
      const id = await report(address);
      const result = await deliverDue({ db: t.db, keyring: t.keyring, policy: fast }, [emailChannel(t.keyring, devMailSender(), 1000)], { batch: 100 });
      assert.ok(result.sent >= 1);
      const rows = await t.db.selectFrom('outbox').selectAll().where('provider', '=', 'dev').orderBy('id', 'desc').execute();
      const admin = await signedIn('system_admin');
      const pages = await Promise.all(rows.slice(0, 5).map((r) => admin.client.get(`/admin/messages/${r.id}`)));
      const page = pages.find((p) => p.html.includes(`reference ${id}`));
      assert.ok(page, 'the text is shown');
      assert.ok(page.html.includes('d•••@example.org') && !page.html.includes(address), 'the address masked');
      const html = await admin.client.get(`/admin/messages/${rows[0]!.id}/html`);
      assert.equal(html.status, 200);
      assert.match(html.html, /#1d4ed8/);
      assert.equal(html.headers.get('content-security-policy'), EMAIL_PREVIEW_POLICY, 'the preview keeps its own stricter policy, not the site-wide one');
    });
  });
}
