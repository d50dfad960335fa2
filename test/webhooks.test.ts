/**
 * Webhooks end to end on each database: a real HTTP receiver (a node http server) gets signed
 * CloudEvents of case changes, fails (answers 500, then is down), and after recovery receives
 * every event, each successfully once; a subscription failing long enough is turned off with an
 * email to its owner; dead-lettered deliveries are sent again from the console's replay.
 * The signature is checked here from the Standard Webhooks text, not with Townhall's signing code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverDue } from '../src/notifications/delivery.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { createUser } from '../src/identity/users.js';
import type { RetryPolicy } from '../src/platform/outbox.js';
import { dispatchCaseEvents } from '../src/webhooks/dispatch.js';
import { webhookChannel } from '../src/webhooks/delivery.js';
import { createSubscription, listDeliveries, replayDeliveries, setSubscriptionActive, getSubscription } from '../src/webhooks/subscriptions.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

interface Received { id: string; timestamp: string; signature: string; contentType: string; body: string; answered: number }

/** A receiver that answers as told: 204, 500, or is not listening at all. */
class Receiver {
  received: Received[] = [];
  answer = 204;
  private server: Server | null = null;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({
          id: String(request.headers['webhook-id']), timestamp: String(request.headers['webhook-timestamp']), signature: String(request.headers['webhook-signature']),
          contentType: String(request.headers['content-type']), body: Buffer.concat(chunks).toString('utf8'), answered: this.answer,
        });
        response.writeHead(this.answer).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => { this.server?.closeAllConnections(); this.server?.close(() => resolve()); });
    this.server = null;
  }
  get url() { return `http://127.0.0.1:${this.port}/hooks`; }
  /** Successful receipts per webhook-id. */
  successes(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received.filter((r) => r.answered >= 200 && r.answered < 300)) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    return counts;
  }
}

/** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" under the bytes of the secret after "whsec_"; the header lists "v1,<sig>" entries. */
function verify(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest();
  return r.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const policy: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 1, backoffCapMs: 2, leaseMs: 60_000 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const database of databasesUnderTest()) {
  describe(`webhooks on ${database.name}`, () => {
    let t: RunningTownhall;
    const receiver = new Receiver();
    let adminId = '';
    before(async () => {
      // The receiver is plain http on 127.0.0.1: the allowance for tests and closed networks.
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_ALLOW_PRIVATE_WEBHOOKS: '1' } });
      await receiver.start();
      adminId = (await createUser(t.db, t.keyring, { email: 'admin@example.org', role: 'system_admin', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test')).id;
      // The first pass places the dispatcher at the end of the log.
      await dispatchCaseEvents(t.db, { publicUrl: t.baseUrl, jurisdictionId: t.jurisdiction.id });
    });
    after(async () => {
      await receiver.stop();
      await t.close();
    });

    const report = async (description: string) => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', description, email: 'reporter@example.org' }),
      });
      assert.equal(response.status, 201);
      return ((await response.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    };
    const dispatch = () => dispatchCaseEvents(t.db, { publicUrl: t.baseUrl, jurisdictionId: t.jurisdiction.id });
    const channel = (options: { disableAfterFailures?: number } = {}) => webhookChannel(t.db, t.keyring, {
      ratePerSecond: 1000, disableAfterFailures: options.disableAfterFailures ?? 100, disableAfterMs: 0, timeoutMs: 2000, sender: { publicUrl: t.baseUrl, council: 'Test Borough Council' }, outbound: t.config.outbound,
    });
    const deliver = async (options: { disableAfterFailures?: number } = {}) => {
      await pause(10);
      return deliverDue({ db: t.db, keyring: t.keyring, policy }, [channel(options)]);
    };

    test('signed CloudEvents reach the receiver; failures (500, down) are retried and each event succeeds once after recovery', async () => {
      const { subscription, secret } = await createSubscription(t.db, t.keyring, t.jurisdiction.id, {
        name: 'Contractor', url: receiver.url, eventTypes: ['created'], caseKinds: ['service_request'], serviceCodes: [GRAFFITI], departmentCodes: [],
      }, `user:${adminId}`, t.config.outbound);
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      const stored = await t.db.selectFrom('webhook_subscriptions').select('secret').where('id', '=', subscription.id).executeTakeFirstOrThrow();
      assert.ok(!stored.secret.includes(secret.slice(6)), 'the secret is sealed at rest');

      const first = await report('Tag on the bus shelter');
      assert.equal(await dispatch(), 1);
      assert.deepEqual(await deliver(), { sent: 1, failed: 0, dead: 0 });
      const got = receiver.received[0]!;
      assert.equal(got.contentType, 'application/cloudevents+json');
      assert.ok(verify(secret, got), 'the signature verifies');
      assert.ok(!verify(secret, { ...got, body: got.body.replace('Tag', 'Tog') + ' ' }), 'a changed body does not verify');
      assert.ok(Math.abs(Number(got.timestamp) - Date.now() / 1000) < 60);
      const event = JSON.parse(got.body) as Record<string, unknown> & { data: Record<string, unknown> };
      assert.equal(event.specversion, '1.0');
      assert.equal(event.type, 'org.townhall.case.created');
      assert.equal(event.subject, first);
      assert.equal(event.id, got.id);
      assert.equal(event.source, `${t.baseUrl}/api/v1/cases`);
      assert.ok(!Number.isNaN(Date.parse(String(event.time))));
      assert.equal(event.data.caseId, Number(first));
      assert.equal(event.data.serviceCode, GRAFFITI);
      assert.doesNotMatch(got.body, /reporter@example\.org/, 'no personal data');

      // The receiver fails with 500, then is down.
      receiver.answer = 500;
      const second = await report('Paint on the wall');
      const third = await report('Sticker on the lamp post');
      assert.equal(await dispatch(), 2);
      assert.deepEqual(await deliver(), { sent: 0, failed: 2, dead: 0 });
      let deliveries = await listDeliveries(t.db, String(subscription.id));
      assert.deepEqual(deliveries.map((d) => [d.caseId, d.status, d.attempts, d.lastResponseCode]), [[Number(third), 'failed', 1, 500], [Number(second), 'failed', 1, 500], [Number(first), 'sent', 1, 204]]);
      assert.ok(deliveries[0]!.nextAttemptAt, 'the next try is known');
      await receiver.stop();
      assert.deepEqual(await deliver(), { sent: 0, failed: 2, dead: 0 });
      deliveries = await listDeliveries(t.db, String(subscription.id));
      assert.deepEqual(deliveries.slice(0, 2).map((d) => [d.attempts, d.lastResponseCode]), [[2, null], [2, null]]);
      assert.match(deliveries[0]!.lastError ?? '', /could not be reached/);

      // Recovery: every event arrives, each successfully exactly once.
      receiver.answer = 204;
      await receiver.start();
      assert.deepEqual(await deliver(), { sent: 2, failed: 0, dead: 0 });
      assert.deepEqual(await deliver(), { sent: 0, failed: 0, dead: 0 });
      const successes = receiver.successes();
      assert.equal(successes.size, 3);
      assert.ok([...successes.values()].every((n) => n === 1), 'each event succeeded once');
      assert.ok(receiver.received.every((r) => verify(secret, r)));
      // A retried delivery is the same CloudEvent: the failed attempts carried the id (and body) of the one that succeeded, so receivers deduplicate on it.
      const failedAttempts = receiver.received.filter((r) => r.answered === 500);
      assert.equal(failedAttempts.length, 2);
      for (const attempt of failedAttempts) {
        const success = receiver.received.find((r) => r.answered === 204 && r.id === attempt.id);
        assert.ok(success, `the retry of ${attempt.id} came with another id`);
        assert.equal(success.body, attempt.body);
        assert.equal((JSON.parse(success.body) as { id: string }).id, attempt.id);
      }
      assert.equal((await getSubscription(t.db, String(subscription.id))).consecutiveFailures, 0);
      // Filters: another service's case is not sent to this subscription.
      assert.equal(await dispatch(), 0);
    });

    test('a subscription failing long enough is turned off, its owner emailed; dead deliveries are replayed', async () => {
      const dead = new Receiver();
      await dead.start();
      const deadUrl = dead.url;
      await dead.stop();
      const { subscription } = await createSubscription(t.db, t.keyring, t.jurisdiction.id, {
        name: 'Gone away', url: deadUrl, eventTypes: [], caseKinds: [], serviceCodes: [], departmentCodes: [], contactEmail: 'owner@example.org',
      }, 'api_key:1', t.config.outbound);
      // Only this subscription hears of the next cases: the first test's is turned off.
      for (const row of await t.db.selectFrom('webhook_subscriptions').select('id').where('id', '!=', subscription.id).execute()) await setSubscriptionActive(t.db, String(row.id), false, 'test');
      await report('Graffiti A');
      await report('Graffiti B');
      assert.equal(await dispatch(), 2);
      // Three attempts each: the fifth failure in a row turns it off (disableAfterMs is 0 here).
      for (let i = 0; i < 3; i++) await deliver({ disableAfterFailures: 5 });
      const gone = await getSubscription(t.db, String(subscription.id));
      assert.equal(gone.status, 'disabled');
      assert.match(gone.disabledReason ?? '', /5 deliveries in a row failed/);
      const notices = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'email').execute();
      const notice = notices.map((n) => openQueuedEmail(t.keyring, JSON.parse(n.payload))).find((e) => e.template === 'webhook_disabled');
      assert.ok(notice, 'a notice is queued');
      assert.equal(notice.to, 'owner@example.org');
      assert.match(notice.text, new RegExp(`/admin/webhooks/${subscription.id}`));
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'webhook_subscription').where('entity_id', '=', String(subscription.id)).execute();
      assert.deepEqual(audit.map((a) => [a.action, a.actor]), [['webhook_subscription.created', 'api_key:1'], ['webhook_subscription.disabled', 'system:webhooks']]);

      const { subscription: flaky, secret } = await createSubscription(t.db, t.keyring, t.jurisdiction.id, {
        name: 'Flaky', url: receiver.url, eventTypes: ['created'], caseKinds: [], serviceCodes: [], departmentCodes: [],
      }, `user:${adminId}`, t.config.outbound);
      receiver.answer = 503;
      const before = receiver.received.length;
      await report('Graffiti C');
      await report('Graffiti D');
      assert.equal(await dispatch(), 2, 'a turned-off subscription gets no new deliveries');
      for (let i = 0; i < 3; i++) await deliver();
      // The flaky receiver used every attempt: its deliveries are dead-lettered.
      const flakyDeliveries = await listDeliveries(t.db, String(flaky.id));
      assert.deepEqual(flakyDeliveries.map((d) => [d.status, d.attempts, d.lastResponseCode]), [['dead', 3, 503], ['dead', 3, 503]]);
      assert.equal((await getSubscription(t.db, String(flaky.id))).status, 'active', 'under the threshold it stays on');
      receiver.answer = 200;
      // One delivery, then all dead ones since a time.
      assert.equal(await replayDeliveries(t.db, String(flaky.id), { deliveryId: String(flakyDeliveries[1]!.id) }, `user:${adminId}`), 1);
      assert.deepEqual(await deliver(), { sent: 1, failed: 0, dead: 0 });
      assert.equal(await replayDeliveries(t.db, String(flaky.id), { since: new Date(Date.now() - 3600_000).toISOString() }, `user:${adminId}`), 1);
      assert.deepEqual(await deliver(), { sent: 1, failed: 0, dead: 0 });
      const flakyIds = new Set(flakyDeliveries.map((d) => `evt_${d.eventId}`));
      const mine = receiver.received.slice(before).filter((r) => flakyIds.has(r.id) && r.answered === 200);
      assert.equal(mine.length, 2);
      assert.ok(mine.every((r) => verify(secret, r)));
      // A turned-off subscription is not replayed until it is turned back on.
      await assert.rejects(replayDeliveries(t.db, String(subscription.id), { since: '2020-01-01T00:00:00Z' }, 'test'), /turned off/);
      await setSubscriptionActive(t.db, String(subscription.id), true, `user:${adminId}`);
      assert.equal((await getSubscription(t.db, String(subscription.id))).consecutiveFailures, 0);
      await assert.rejects(replayDeliveries(t.db, String(flaky.id), { since: 'yesterday' }, 'test'), /Give the time/);
    });

    test('a delivery is checked again when sent: an address no longer allowed is not connected to', async () => {
      const watched = new Receiver();
      await watched.start();
      try {
        const { subscription } = await createSubscription(t.db, t.keyring, t.jurisdiction.id, {
          name: 'Moved inside', url: watched.url.replace('http:', 'https:'), eventTypes: ['created'], caseKinds: [], serviceCodes: [], departmentCodes: [], contactEmail: 'owner@example.org',
        }, 'api_key:1', t.config.outbound);
        // Only this subscription hears of the next case.
        for (const row of await t.db.selectFrom('webhook_subscriptions').select('id').where('id', '!=', subscription.id).execute()) await setSubscriptionActive(t.db, String(row.id), false, 'test');
        await report('Scrawl on the phone box');
        assert.equal(await dispatch(), 1);
        // This process sends without the allowance: the saved address (127.0.0.1) is refused before connecting.
        const strict = webhookChannel(t.db, t.keyring, { ratePerSecond: 1000, disableAfterFailures: 100, disableAfterMs: 0, timeoutMs: 2000, sender: { publicUrl: t.baseUrl, council: 'Test' }, outbound: { allowPrivateAddresses: false } });
        await pause(10);
        const result = await deliverDue({ db: t.db, keyring: t.keyring, policy }, [strict]);
        assert.equal(result.sent, 0);
        const [delivery] = await listDeliveries(t.db, String(subscription.id));
        assert.equal(delivery!.status, 'failed');
        assert.match(delivery!.lastError ?? '', /^Not sent: The address 127\.0\.0\.1 is a private, local or reserved address/);
        assert.equal(watched.received.length, 0);
        await setSubscriptionActive(t.db, String(subscription.id), false, 'test');
      } finally {
        await watched.stop();
      }
    });
  });
}

describe('webhook secrets under a rotated key', () => {
  test('are sealed again under the new key and still open', async () => {
    const [database] = databasesUnderTest();
    const t = await startTownhall(database!, fixture);
    try {
      const { subscription, secret } = await createSubscription(t.db, t.keyring, t.jurisdiction.id, {
        name: 'Rotated', url: 'https://receiver.example/hooks', eventTypes: [], caseKinds: [], serviceCodes: [], departmentCodes: [], contactEmail: 'ops@receiver.example',
      }, 'test', t.config.outbound);
      const { makeKeyring, newKey } = await import('../src/platform/crypto.js');
      const { resealSubscriptions, secretOf } = await import('../src/webhooks/subscriptions.js');
      const rotated = makeKeyring(newKey(), [t.keyring.current.key]);
      assert.equal(await resealSubscriptions(t.db, rotated), 1);
      assert.equal(await resealSubscriptions(t.db, rotated), 0, 'once');
      const row = await t.db.selectFrom('webhook_subscriptions').select('secret').where('id', '=', subscription.id).executeTakeFirstOrThrow();
      assert.equal(secretOf(makeKeyring(rotated.current.key), row.secret), secret, 'opens with the new key alone');
    } finally {
      await t.close();
    }
  });
});
