import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { openQueuedEmail } from '../notifications/email.js';
import { openQueuedSms } from '../notifications/sms.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import {
  alertSubscriptionsOf, confirmByCode, confirmByLink, eraseAlertSubscriptionsOf, pruneUnconfirmedSubscriptions, CONFIRMATIONS_PER_CONTACT_PER_DAY, endAccountSubscription, listAccountSubscriptions, MAX_CODE_ATTEMPTS, placeToWatch,
  readUnsubscribeToken, REQUESTS_PER_CLIENT_PER_HOUR, requestSubscription, subscribeAccount, unsubscribeByToken, unsubscribeToken, type PlaceToWatch,
} from './subscriptions.js';

const JURISDICTION = 'subs.example';
const keyring = makeKeyring(newKey());
const sender = { publicUrl: 'https://council.example', council: 'City of Port Alder' };
const home: PlaceToWatch = placeToWatch({ id: 11, kind: 'address', name: '10 Elm Street', lat: 37.76, long: -122.42, bounds: null });

for (const database of databasesUnderTest()) {
  describe(`alert subscriptions on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => { t = await createTestDatabase(database); });
    after(async () => { await t.cleanup(); });

    const lastMessage = async (kind: 'email' | 'sms') => {
      const row = await t.db.selectFrom('outbox').select('payload').where('kind', '=', kind).orderBy('id', 'desc').executeTakeFirstOrThrow();
      return JSON.parse(row.payload) as unknown;
    };

    test('by email: the emailed link confirms it; the contact is sealed at rest; a second click says already', async () => {
      const answer = await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'email', contact: ' Ana@Example.org ', language: 'es', client: '10.0.0.1' });
      assert.deepEqual(answer, { next: 'check_email' });
      const row = await t.db.selectFrom('alert_subscriptions').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(row.confirmed_at, null);
      assert.doesNotMatch(row.contact, /example/i);
      const email = openQueuedEmail(keyring, await lastMessage('email'));
      assert.equal(email.to, 'Ana@Example.org');
      assert.match(email.subject, /Confirme/);
      const token = /token=([A-Za-z0-9_-]+)/.exec(email.text)?.[1];
      assert.ok(token);
      assert.equal(await confirmByLink(t.db, token), 'confirmed');
      assert.equal(await confirmByLink(t.db, token), 'gone', 'a used link no longer works');
      assert.equal(await confirmByLink(t.db, 'x'.repeat(40)), 'gone');
      const confirmed = await t.db.selectFrom('alert_subscriptions').select(['confirmed_at', 'language']).where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.ok(confirmed.confirmed_at);
      assert.equal(confirmed.language, 'es');
      // Asking again for the same place answers the same and adds no second subscription.
      await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'email', contact: 'ana@example.org', language: 'es', client: '10.0.0.1' });
      const count = await t.db.selectFrom('alert_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('contact_hash', '=', row.contact_hash).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    test('by text message: the texted code confirms it; wrong codes are counted and then the code stops working', async () => {
      const answer = await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'sms', contact: '+1 (415) 555-0100', language: 'en', client: '10.0.0.2' });
      assert.equal(answer.next, 'enter_code');
      const id = (answer as { subscriptionId: number }).subscriptionId;
      const sms = openQueuedSms(keyring, await lastMessage('sms'));
      assert.equal(sms.to, '+14155550100');
      const code = /(\d{6})/.exec(sms.body)![1]!;
      const wrong = code === '000000' ? '111111' : '000000';
      assert.equal(await confirmByCode(t.db, id, wrong), 'wrong');
      assert.equal(await confirmByCode(t.db, id, code), 'confirmed');
      assert.equal(await confirmByCode(t.db, id, code), 'already');

      const other = await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'sms', contact: '+14155550101', language: 'en', client: '10.0.0.2' });
      const otherId = (other as { subscriptionId: number }).subscriptionId;
      for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) assert.equal(await confirmByCode(t.db, otherId, wrong), 'wrong');
      const otherCode = /(\d{6})/.exec(openQueuedSms(keyring, await lastMessage('sms')).body)![1]!;
      assert.equal(await confirmByCode(t.db, otherId, otherCode), 'gone', 'after too many wrong codes even the right one is refused');
    });

    test('bad contacts are refused with words a person can act on; a too-large area is refused', async () => {
      await assert.rejects(requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'email', contact: 'not an address', language: 'en', client: '10.0.0.3' }), (e: unknown) => e instanceof DomainError && /correct format/.test(e.message));
      await assert.rejects(requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'sms', contact: '12', language: 'en', client: '10.0.0.3' }), (e: unknown) => e instanceof DomainError && /international form/.test(e.message));
      assert.throws(() => placeToWatch({ id: 1, kind: 'area', name: 'Everywhere', lat: 0, long: 0, bounds: { minLat: -10, minLong: -10, maxLat: 10, maxLong: 10 } }), /too large/);
      const area = placeToWatch({ id: 2, kind: 'area', name: 'Mission', lat: 37.76, long: -122.42, bounds: { minLat: 37.75, minLong: -122.43, maxLat: 37.77, maxLong: -122.40 } });
      assert.equal(area.kind, 'area');
      assert.ok(Math.abs(area.lat - 37.76) < 1e-9);
    });

    test('rate limits: a few confirmations per contact a day, so many requests per client an hour', async () => {
      const before = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'email').executeTakeFirstOrThrow();
      for (let i = 0; i < CONFIRMATIONS_PER_CONTACT_PER_DAY + 2; i++) {
        const answer = await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'email', contact: 'busy@example.org', language: 'en', client: `10.1.0.${i}` });
        assert.deepEqual(answer, { next: 'check_email' });
      }
      const afterwards = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'email').executeTakeFirstOrThrow();
      assert.equal(Number(afterwards.n) - Number(before.n), CONFIRMATIONS_PER_CONTACT_PER_DAY);
      let last;
      for (let i = 0; i <= REQUESTS_PER_CLIENT_PER_HOUR; i++) last = await requestSubscription(t.db, keyring, sender, { jurisdictionId: JURISDICTION, place: home, channel: 'email', contact: `p${i}@example.org`, language: 'en', client: '10.9.9.9' });
      assert.deepEqual(last, { next: 'too_many' });
    });

    test('the unsubscribe link stops it, twice is harmless, a forged one does nothing; account subscriptions', async () => {
      const now = new Date().toISOString();
      const user = await t.db.insertInto('users').values({
        email: `resident.${database.name}@example.org`, email_hash: `hash-${database.name}`, role: 'resident', department_id: null, password_hash: null, totp_secret: null, totp_confirmed: 0,
        status: 'active', created_at: now, updated_at: now, email_verified_at: now, locked_until: null, totp_last_step: null, display_name: null,
      }).returning('id').executeTakeFirstOrThrow();
      const id = await subscribeAccount(t.db, keyring, { jurisdictionId: JURISDICTION, userId: user.id, email: `resident.${database.name}@example.org`, place: home, language: 'ar' });
      assert.deepEqual((await listAccountSubscriptions(t.db, JURISDICTION, user.id)).map((s) => [s.id, s.confirmed, s.language]), [[id, true, 'ar']]);
      const token = unsubscribeToken(keyring, id);
      assert.equal(readUnsubscribeToken(keyring, token), id);
      assert.equal(readUnsubscribeToken(keyring, token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))), null);
      assert.equal(readUnsubscribeToken(makeKeyring(newKey()), token), null);
      assert.equal(await unsubscribeByToken(t.db, keyring, token), true);
      assert.equal(await unsubscribeByToken(t.db, keyring, token), true);
      assert.deepEqual(await listAccountSubscriptions(t.db, JURISDICTION, user.id), []);
      const again = await subscribeAccount(t.db, keyring, { jurisdictionId: JURISDICTION, userId: user.id, email: `resident.${database.name}@example.org`, place: home, language: 'en' });
      assert.equal(again, id, 'subscribing again renews the same subscription');
      await assert.rejects(endAccountSubscription(t.db, user.id + 1000, id), (e: unknown) => e instanceof DomainError && e.kind === 'not_found');
      await endAccountSubscription(t.db, user.id, id);
      assert.deepEqual(await listAccountSubscriptions(t.db, JURISDICTION, user.id), []);
      const audit = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'alert_subscription').execute();
      assert.ok(audit.some((a) => a.action === 'alert_subscription.ended'));
    });

    test('the subject access export lists an address\'s subscriptions; erasure deletes them', async () => {
      const listed = await alertSubscriptionsOf(t.db, keyring, JURISDICTION, 'ana@example.org');
      assert.deepEqual(listed.map((s) => [s.place, s.channel, s.language, s.confirmedAt !== null]), [['10 Elm Street', 'email', 'es', true]]);
      assert.equal(await t.db.transaction().execute((trx) => eraseAlertSubscriptionsOf(trx, keyring, JURISDICTION, 'ANA@example.org ')), 1);
      assert.deepEqual(await alertSubscriptionsOf(t.db, keyring, JURISDICTION, 'ana@example.org'), []);
    });

    test('retention: unconfirmed and stopped subscriptions go once their links have long stopped working; confirmed ones stay', async () => {
      const count = async () => Number((await t.db.selectFrom('alert_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const confirmed = Number((await t.db.selectFrom('alert_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('confirmed_at', 'is not', null).where('unsubscribed_at', 'is', null).executeTakeFirstOrThrow()).n);
      assert.ok(await count() > confirmed);
      assert.equal(await pruneUnconfirmedSubscriptions(t.db), 0, 'nothing is old yet');
      await pruneUnconfirmedSubscriptions(t.db, Date.now() + 15 * 86_400_000);
      assert.equal(await count(), confirmed);
    });
  });
}
