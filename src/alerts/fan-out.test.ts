import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { startSmsProvider } from '../../test/sms-provider.js';
import { sink } from '../../test/smtp-sink.js';
import type { DB } from '../db/connection.js';
import { deliverDue } from '../notifications/delivery.js';
import { httpSmsProvider } from '../notifications/sms.js';
import { smtpSender } from '../notifications/smtp.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { claimDue, enqueue, type RetryPolicy } from '../platform/outbox.js';
import { alertDeliveryFigures, alertMessageKey, runAlertFanOuts, startAlertFanOut, startFanOutRunner, wakeAlertFanOut } from './fan-out.js';
import { alertEmailChannel, alertSmsChannel } from './fan-out-delivery.js';
import { sealContact, type PlaceToWatch } from './subscriptions.js';
import { insertSubscription } from './subscriptions-store.js';
import type { Alert } from './types.js';

const JURISDICTION = 'fanout.example';
const keyring = makeKeyring(newKey());
const sender = { publicUrl: 'https://council.example', council: 'City of Port Alder' };
const fast: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 5, backoffCapMs: 20, leaseMs: 5_000 };

// A square over part of the city; a circle elsewhere for the Update's own area.
const square = [{ lat: 37.75, long: -122.45 }, { lat: 37.75, long: -122.40 }, { lat: 37.78, long: -122.40 }, { lat: 37.78, long: -122.45 }, { lat: 37.75, long: -122.45 }];
const inside = { lat: 37.76, long: -122.42 };
const outside = { lat: 37.80, long: -122.48 };

let nextAlert = 1;
function alertOf(overrides: Partial<Alert> = {}): Alert {
  const id = nextAlert++;
  return {
    id, identifier: `urn:test:${id}`, sender: 'council', msgType: 'Alert', status: 'Actual', scope: 'Public', referencesId: null, areaDescription: 'Mission',
    area: { polygons: [square], circles: [] }, onset: null, expires: '2099-01-01T00:00:00.000Z', sent: new Date().toISOString(), stage: 'approved', draftedBy: 1, approvedBy: 2,
    infos: [{ language: 'en', categories: ['Health'], event: 'Boil water', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', headline: 'Boil water before drinking', description: 'A main burst.', instruction: 'Boil tap water for one minute.', web: null, contact: null },
      { language: 'es', categories: ['Health'], event: 'Hervir agua', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', headline: 'Hierva el agua antes de beberla', description: 'Se rompió una tubería.', instruction: 'Hierva el agua un minuto.', web: null, contact: null }],
    createdAt: new Date().toISOString(), ...overrides,
  };
}

const at = (p: { lat: number; long: number }, name = 'an address'): PlaceToWatch => ({ id: null, kind: 'address', name, lat: p.lat, long: p.long, box: { minLat: p.lat, minLong: p.long, maxLat: p.lat, maxLong: p.long } });

async function subscribe(db: DB, place: PlaceToWatch, channel: 'email' | 'sms', contact: string, options: { confirmed?: boolean; language?: string } = {}): Promise<number> {
  const now = new Date().toISOString();
  return db.transaction().execute((trx) => insertSubscription(trx, {
    jurisdiction_id: JURISDICTION, user_id: null, place_id: place.id, place_kind: place.kind, place_name: place.name, lat: place.lat, long: place.long,
    min_lat: place.box.minLat, min_long: place.box.minLong, max_lat: place.box.maxLat, max_long: place.box.maxLong, channel, ...sealContact(keyring, channel, contact),
    language: options.language ?? 'en', token_hash: null, requested_at: now, confirmed_at: options.confirmed === false ? null : now, unsubscribed_at: null, created_at: now,
  }));
}

const approve = (db: DB, alert: Alert) => db.transaction().execute((trx) => startAlertFanOut(trx, alert));
const keysOf = async (db: DB, alertId: number) => (await db.selectFrom('outbox').select('idempotency_key').where('idempotency_key', 'like', `alert:${alertId}:%`).execute()).map((r) => r.idempotency_key!).sort();

for (const database of databasesUnderTest()) {
  describe(`alert fan-out on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => { t = await createTestDatabase(database); });
    after(async () => { await t.cleanup(); });

    test('confirmed subscribers inside get it, once per channel; outside and unconfirmed never', async () => {
      const emailIn = await subscribe(t.db, at(inside), 'email', 'in@example.org');
      const smsIn = await subscribe(t.db, at(inside), 'sms', '+14155550100');
      await subscribe(t.db, at(outside), 'email', 'out@example.org');
      await subscribe(t.db, at(inside), 'email', 'unconfirmed@example.org', { confirmed: false });
      // A neighbourhood whose centre lies outside the square, but a corner of its box inside.
      const area: PlaceToWatch = { id: 7, kind: 'area', name: 'Hills', lat: 37.79, long: -122.46, box: { minLat: 37.77, minLong: -122.48, maxLat: 37.81, maxLong: -122.44 } };
      const areaSub = await subscribe(t.db, area, 'email', 'hills@example.org');
      const alert = alertOf();
      await approve(t.db, alert);
      await runAlertFanOuts(t.db, JURISDICTION, { chunk: 2 });
      assert.deepEqual(await keysOf(t.db, alert.id), [alertMessageKey(alert.id, emailIn, 'email'), alertMessageKey(alert.id, smsIn, 'sms'), alertMessageKey(alert.id, areaSub, 'email')].sort());
      const figures = await alertDeliveryFigures(t.db, alert.id);
      assert.deepEqual(figures, { subscribers: 3, queued: 3, sent: 0, failed: 0 });
      const rows = await t.db.selectFrom('outbox').select(['priority', 'payload']).where('idempotency_key', 'like', `alert:${alert.id}:%`).execute();
      assert.ok(rows.every((r) => Number(r.priority) === 10 && !/example\.org|\+1415/.test(r.payload)), 'alert messages are prioritised and hold no contact');
    });

    test('exactly once across a runner killed mid-way and a rerun; Test and Exercise alerts send nothing', async () => {
      for (let i = 0; i < 30; i++) await subscribe(t.db, at({ lat: 37.751 + i * 0.0009, long: -122.41 }), 'email', `many${i}@example.org`);
      const alert = alertOf();
      await approve(t.db, alert);
      await approve(t.db, alert);
      const first = await runAlertFanOuts(t.db, JURISDICTION, { chunk: 4, stopAfterChunks: 3 });
      assert.equal(first.chunks, 3);
      const partial = (await keysOf(t.db, alert.id)).length;
      assert.ok(partial > 0 && partial < 33, `part done: ${partial}`);
      // The cursor is rewound as if the last chunk's commit was lost after its messages were written: the keys keep it once.
      await t.db.updateTable('alert_fan_outs').set({ cursor_lat: null, cursor_id: null }).where('alert_id', '=', alert.id).execute();
      await runAlertFanOuts(t.db, JURISDICTION, { chunk: 4 });
      await runAlertFanOuts(t.db, JURISDICTION, { chunk: 4 });
      const keys = await keysOf(t.db, alert.id);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(keys.length, 33, 'the 30 new subscribers and the three of the first test');
      for (const status of ['Test', 'Exercise'] as const) {
        const quiet = alertOf({ status });
        await approve(t.db, quiet);
        await runAlertFanOuts(t.db, JURISDICTION);
        assert.deepEqual(await keysOf(t.db, quiet.id), []);
      }
    });

    test('an Update reaches the people of the alert it follows and of its own area', async () => {
      const circleSub = await subscribe(t.db, at({ lat: 37.70, long: -122.50 }), 'email', 'circle@example.org');
      const original = alertOf();
      await approve(t.db, original);
      await runAlertFanOuts(t.db, JURISDICTION);
      const update = alertOf({ msgType: 'Update', referencesId: original.id, area: { polygons: [], circles: [{ center: { lat: 37.70, long: -122.50 }, radiusKm: 1 }] } });
      await approve(t.db, update);
      await runAlertFanOuts(t.db, JURISDICTION);
      const before = (await keysOf(t.db, original.id)).map((k) => k.split(':').slice(2).join(':'));
      const now = (await keysOf(t.db, update.id)).map((k) => k.split(':').slice(2).join(':'));
      assert.deepEqual(now.sort(), [...before, `${circleSub}:email`].sort());
    });

    test('woken right after the approval, the process runs the fan-out at once', async () => {
      const stop = startFanOutRunner(t.db, JURISDICTION, { error: () => {} });
      const alert = alertOf();
      await approve(t.db, alert);
      wakeAlertFanOut();
      wakeAlertFanOut();
      await stop();
      assert.ok((await keysOf(t.db, alert.id)).length > 0);
      assert.notEqual((await t.db.selectFrom('alert_fan_outs').select('finished_at').where('alert_id', '=', alert.id).executeTakeFirstOrThrow()).finished_at, null);
    });

    test('the priority lane: alert messages are claimed before older routine ones', async () => {
      // Leave only fresh messages due.
      await t.db.updateTable('outbox').set({ status: 'sent' }).execute();
      await t.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 3; i++) await enqueue(trx, 'email', { routine: i }, { idempotencyKey: `routine:${database.name}:${i}` });
        await enqueue(trx, 'alert_email', { alert: 999, subscription: 1 }, { idempotencyKey: 'alert:999:1:email', priority: 10 });
      });
      const claimed = await claimDue(t.db, 2);
      assert.deepEqual(claimed.map((m) => m.kind), ['alert_email', 'email']);
      assert.equal(claimed[0]!.priority, 10);
    });

    test('in process: the subscriber inside receives the alert over SMTP and by text message; the one outside nothing', async () => {
      await t.db.updateTable('outbox').set({ status: 'sent' }).execute();
      const mail = sink();
      const smtpUrl = await mail.listen();
      const provider = await startSmsProvider();
      const texts = provider.texts;
      try {
        const spot = { lat: 37.7612, long: -122.4188 };
        await subscribe(t.db, at(spot, '10 Elm Street'), 'email', 'resident.in@example.org', { language: 'es' });
        await subscribe(t.db, at(spot, '10 Elm Street'), 'sms', '+14155550142');
        await subscribe(t.db, at({ lat: 37.82, long: -122.37 }), 'email', 'resident.out@example.org');
        await subscribe(t.db, at({ lat: 37.82, long: -122.37 }), 'sms', '+14155550199');
        const alert = alertOf({ area: { polygons: [], circles: [{ center: spot, radiusKm: 0.5 }] } });
        await approve(t.db, alert);
        await runAlertFanOuts(t.db, JURISDICTION);
        const email = smtpSender({ smtpUrl, from: 'alerts@council.example' }, sender.council)!;
        const workers = [alertEmailChannel(t.db, keyring, sender, email, 1000), alertSmsChannel(t.db, keyring, sender, httpSmsProvider(provider.url, 'Council'), 1000)];
        for (let i = 0; i < 20 && (await alertDeliveryFigures(t.db, alert.id)).queued > 0; i++) await deliverDue({ db: t.db, keyring, policy: fast }, workers);
        email.close();
        // The earlier tests' subscribers at `inside` are within the circle too: only this test's are checked.
        const mine = mail.accepted.filter((m) => m.to.startsWith('resident.'));
        assert.deepEqual(mine.map((m) => m.to), ['resident.in@example.org']);
        assert.match(mine[0]!.subject, /Hierva el agua/);
        assert.match(mine[0]!.text, /https:\/\/council\.example\/alerts\/\d+/);
        assert.match(mine[0]!.raw, /List-Unsubscribe:\s+<https:\/\/council\.example\/alerts\/unsubscribe\/s\.\d+\.[0-9a-f]{32}>/);
        const myTexts = texts.filter((m) => m.to.startsWith('+141555501') && m.to !== '+14155550100');
        assert.deepEqual(myTexts.map((m) => m.to), ['+14155550142']);
        assert.ok([...myTexts[0]!.body].length <= 160);
        const figures = await alertDeliveryFigures(t.db, alert.id);
        assert.equal(figures.queued, 0);
        assert.equal(figures.failed, 0);
        assert.equal(figures.sent, figures.subscribers);
        assert.equal(figures.sent, mail.accepted.length + texts.length);
      } finally {
        await provider.close();
        await mail.close();
      }
    });
  });
}
