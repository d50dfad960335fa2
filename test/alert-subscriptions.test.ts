/**
 * Alert subscriptions through the pages, without JavaScript, on both databases: the public form
 * (place found by a GET search, channel, contact, language), the emailed link's page and its
 * button, the texted code's page, the stop link (one-click, no CSRF token), and a resident's
 * /account/alerts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openQueuedEmail } from '../src/notifications/email.js';
import { openQueuedSms } from '../src/notifications/sms.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { importPlaces } from '../src/places/places.js';
import { approveAlert, draftAlert } from '../src/alerts/alerts.js';
import { unsubscribeToken } from '../src/alerts/subscriptions.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`alert subscription pages on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      const b = t.jurisdiction.bounds;
      const lat = (b.minLat + b.maxLat) / 2;
      const long = (b.minLong + b.maxLong) / 2;
      await importPlaces(t.db, t.jurisdiction.id, [
        { kind: 'address', name: '10 Juniper Road', lat, long, bounds: null },
        { kind: 'area', name: 'Juniper Heights', lat, long, bounds: { minLat: lat - 0.005, minLong: long - 0.005, maxLat: lat + 0.005, maxLong: long + 0.005 } },
      ]);
    });
    after(async () => { await t.close(); });

    const lastPayload = async (kind: string) => JSON.parse((await t.db.selectFrom('outbox').select('payload').where('kind', '=', kind).orderBy('id', 'desc').executeTakeFirstOrThrow()).payload) as unknown;

    test('by email: search, choose, confirm by the emailed link, stop by the link in a message', async () => {
      const client = new WebClient(t.baseUrl);
      const form = await client.get('/alerts/subscribe?q=Juniper&lang=es');
      assert.equal(form.status, 200);
      assert.match(form.html, /10 Juniper Road/);
      assert.match(form.html, /Juniper Heights/);
      const placeId = /name="place" value="(\d+)"/.exec(form.html)![1]!;
      const refused = await client.post('/alerts/subscribe', { q: 'Juniper', place: placeId, channel: 'email', contact: 'nope', language: 'es' });
      assert.equal(refused.status, 400);
      assert.match(refused.html, /error-summary|Error/i);
      const asked = await client.post('/alerts/subscribe', { q: 'Juniper', place: placeId, channel: 'email', contact: 'vecina@example.org', language: 'es' });
      assert.equal(asked.status, 200);
      assert.match(asked.html, /Revise su correo/);
      const email = openQueuedEmail(t.keyring, await lastPayload('email'));
      assert.equal(email.to, 'vecina@example.org');
      const path = /(\/alerts\/subscribe\/confirm\?token=[A-Za-z0-9_-]+)/.exec(email.text)![1]!;
      const page = await client.get(path);
      assert.match(page.html, /<form method="post" action="\/alerts\/subscribe\/confirm"/);
      const row = () => t.db.selectFrom('alert_subscriptions').select(['id', 'confirmed_at', 'unsubscribed_at']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal((await row()).confirmed_at, null, 'opening the link confirms nothing');
      const done = await client.post('/alerts/subscribe/confirm', { token: new URL(`${t.baseUrl}${path}`).searchParams.get('token')! });
      assert.equal(done.status, 200);
      assert.ok((await row()).confirmed_at);
      // A mail program's one-click POST: no cookie, no CSRF token.
      const stop = await fetch(`${t.baseUrl}/alerts/unsubscribe/${unsubscribeToken(t.keyring, (await row()).id)}`, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      assert.equal(stop.status, 200);
      assert.ok((await row()).unsubscribed_at);
      assert.equal((await client.get(path)).status, 400, 'a used link says it no longer works');
      const forged = await new WebClient(t.baseUrl).get('/alerts/unsubscribe/s.1.00000000000000000000000000000000');
      assert.equal(forged.status, 404);
    });

    test('by text message: the code page starts it', async () => {
      const client = new WebClient(t.baseUrl);
      const form = await client.get('/alerts/subscribe?q=Juniper');
      const placeId = /name="place" value="(\d+)"/.exec(form.html)![1]!;
      const asked = await client.post('/alerts/subscribe', { q: 'Juniper', place: placeId, channel: 'sms', contact: '+1 415 555 0123', language: 'en' });
      assert.equal(asked.status, 303);
      const codePage = await client.get(asked.location!);
      assert.match(codePage.html, /six-digit code/);
      const code = /(\d{6})/.exec(openQueuedSms(t.keyring, await lastPayload('sms')).body)![1]!;
      const wrong = await client.post('/alerts/subscribe/code', { s: /name="s" value="(\d+)"/.exec(codePage.html)![1]!, code: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      const right = await client.post('/alerts/subscribe/code', { s: /name="s" value="(\d+)"/.exec(codePage.html)![1]!, code });
      assert.equal(right.status, 200);
      assert.match(right.html, /You will get emergency alerts/);
    });

    test('a resident adds and stops alerts at /account/alerts', async () => {
      const user = await createUser(t.db, t.keyring, { email: `alerts.${database.name}@example.org`, role: 'resident', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('resident'), secondFactor: true });
      const client = new WebClient(t.baseUrl);
      client.cookies.set('townhall_session', token);
      const page = await client.get('/account/alerts?q=Juniper');
      assert.equal(page.status, 200);
      const placeId = /name="place" value="(\d+)"/.exec(page.html)![1]!;
      const added = await client.post('/account/alerts', { place: placeId });
      assert.equal(added.status, 200);
      assert.match(added.html, /You will get emergency alerts for (10 Juniper Road|Juniper Heights)\./);
      // In the app: an alert approved over the place is listed on the account's page, in the resident's language.
      const officer = async (n: number) => ({ userId: Number((await createUser(t.db, t.keyring, { email: `officer${n}.${database.name}@example.org`, role: 'emergency_officer', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test')).id), role: 'emergency_officer' as const });
      const [first, second] = [await officer(1), await officer(2)];
      const words = { categories: ['Health'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', instruction: '', web: '', contact: '' };
      const b = t.jurisdiction.bounds;
      const alert = await draftAlert(t.db, {
        msgType: 'Alert', status: 'Actual', scope: 'Public', referencesId: null, areaDescription: 'The whole council',
        polygons: [`${b.minLat},${b.minLong} ${b.minLat},${b.maxLong} ${b.maxLat},${b.maxLong} ${b.maxLat},${b.minLong} ${b.minLat},${b.minLong}`], circles: [], onset: null,
        expires: new Date(Date.now() + 3_600_000).toISOString(),
        infos: [{ language: 'en', event: 'Storm', headline: 'Storm tonight: stay indoors', description: 'High winds.', ...words }, { language: 'es', event: 'Tormenta', headline: 'Tormenta esta noche: quédese en casa', description: 'Vientos fuertes.', ...words }],
      }, first, { sender: t.jurisdiction.id });
      await approveAlert(t.db, alert.id, second);
      const inApp = await client.get('/account/alerts?lang=es');
      assert.match(inApp.html, new RegExp(`<a href="/alerts/${alert.id}" lang="es">Tormenta esta noche: quédese en casa</a>`));
      const id = /action="\/account\/alerts\/(\d+)\/stop"/.exec(added.html)![1]!;
      const stopped = await client.post(`/account/alerts/${id}/stop`);
      assert.equal(stopped.status, 303);
      assert.match((await client.get('/account/alerts?lang=en')).html, /do not get emergency alerts/);
    });
  });
}
