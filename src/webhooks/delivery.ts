/**
 * Delivering webhooks: a channel of the outbox's delivery loop (notifications/delivery.ts), so
 * deliveries are claimed under a lease, retried with jittered backoff and dead-lettered after the
 * last attempt like every other message. Each attempt POSTs the delivery's CloudEvent in
 * structured mode (application/cloudevents+json), signed as Standard Webhooks says (signing.ts);
 * any 2xx answer is a success. Failures are counted on the subscription: one failing for long
 * enough and often enough is turned off, audited, and its contact emailed through the outbox.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { queueEmail, type Sender } from '../notifications/email.js';
import { TokenBucket, type ChannelWorker } from '../notifications/delivery.js';
import type { Keyring } from '../platform/crypto.js';
import { outboundRequest, OutboundRefused, OutboundTimeout, type OutboundPolicy } from '../platform/outbound.js';
import { nowIso } from '../platform/time.js';
import { WEBHOOK_KIND } from './dispatch.js';
import { signedHeaders } from './signing.js';
import * as store from './store.js';
import { contactOf, secretOf } from './subscriptions.js';

export interface WebhookDeliveryOptions {
  ratePerSecond: number;
  disableAfterFailures: number;
  disableAfterMs: number;
  /** How long a receiver may take to answer. */
  timeoutMs?: number;
  sender: Sender;
  /** Whether private addresses and plain http may be sent to (TOWNHALL_ALLOW_PRIVATE_WEBHOOKS). */
  outbound: OutboundPolicy;
}

/** A failed attempt, in words kept on the outbox row (never the receiver's answer body). */
class DeliveryFailed extends Error {}

export function webhookChannel(db: DB, keyring: Keyring, options: WebhookDeliveryOptions): ChannelWorker {
  return {
    kind: WEBHOOK_KIND, provider: 'http', bucket: new TokenBucket(options.ratePerSecond),
    describe: (message) => ({ subscriptionId: (message.payload as { subscriptionId?: number } | null)?.subscriptionId ?? null }),
    async deliver(message) {
      const delivery = await store.deliveryByOutboxId(db, message.id);
      if (!delivery) throw new DeliveryFailed('The delivery record is missing.');
      if (delivery.status !== 'active') throw new DeliveryFailed('The subscription is turned off; turn it back on and send the delivery again.');
      const headers = { 'content-type': 'application/cloudevents+json', 'user-agent': 'Townhall-Webhooks/1', ...signedHeaders(secretOf(keyring, delivery.secret), `evt_${delivery.event_id}`, delivery.body) };
      let code: number | null = null;
      let failure: string | null = null;
      try {
        // Checked again at every attempt, on the address connected to: DNS may have changed since the subscription was saved.
        const response = await outboundRequest(delivery.url, { method: 'POST', headers, body: delivery.body, timeoutMs: options.timeoutMs ?? 10_000, ignoreBody: true }, options.outbound);
        code = response.status;
        if (code < 200 || code > 299) failure = `The receiver answered HTTP ${code}.`;
      } catch (error) {
        const cause = (error as { code?: string }).code;
        failure = error instanceof OutboundRefused ? `Not sent: ${error.message}`
          : error instanceof OutboundTimeout ? 'The receiver did not answer in time.' : `The receiver could not be reached${cause ? ` (${cause})` : ''}.`;
      }
      await store.recordResponse(db, delivery.id, code);
      if (failure === null) {
        await recordSuccess(db, delivery.subscription_id);
        return;
      }
      await recordFailure(db, keyring, delivery.subscription_id, options);
      throw new DeliveryFailed(failure);
    },
    close: () => {},
  };
}

async function recordSuccess(db: DB, subscriptionId: number): Promise<void> {
  await db.updateTable('webhook_subscriptions').set({ consecutive_failures: 0, failing_since: null })
    .where('id', '=', subscriptionId).where('consecutive_failures', '>', 0).execute();
}

/** Counts a failure; turns the subscription off when it has failed long and often enough. */
async function recordFailure(db: DB, keyring: Keyring, subscriptionId: number, options: WebhookDeliveryOptions): Promise<void> {
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('webhook_subscriptions').set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), failing_since: eb.fn.coalesce('failing_since', eb.val(at)) }))
      .where('id', '=', subscriptionId).execute();
    const row = await store.findSubscription(trx, subscriptionId);
    if (!row || row.status !== 'active' || row.consecutive_failures < options.disableAfterFailures) return;
    if (Date.parse(at) - Date.parse(row.failing_since ?? at) < options.disableAfterMs) return;
    const reason = `${row.consecutive_failures} deliveries in a row failed since ${row.failing_since}.`;
    const turnedOff = await trx.updateTable('webhook_subscriptions').set({ status: 'disabled', disabled_at: at, disabled_reason: reason, updated_at: at })
      .where('id', '=', subscriptionId).where('status', '=', 'active').executeTakeFirst();
    if (Number(turnedOff.numUpdatedRows) === 0) return;
    await appendAudit(trx, {
      actor: 'system:webhooks', action: 'webhook_subscription.disabled', entityType: 'webhook_subscription', entityId: String(subscriptionId),
      before: { status: 'active' }, after: { status: 'disabled', reason },
    });
    const link = `${options.sender.publicUrl}/admin/webhooks/${subscriptionId}`;
    await queueEmail(trx, keyring, 'webhook_disabled', {
      to: contactOf(keyring, row),
      subject: `Webhook "${row.name}" was turned off`,
      text: [
        `Townhall stopped sending case events to the webhook "${row.name}" (${row.url}).`,
        `${reason} Events are no longer sent to it.`,
        'When the receiver works again, a system administrator can turn the webhook back on and send the missed events again (dead-lettered deliveries since a time) from its page:',
        link,
        `${options.sender.council} case workspace`,
      ].join('\n\n'),
    }, { idempotencyKey: `webhook-disabled:${subscriptionId}:${at}` });
  });
}
