/**
 * Client mode, sending: the outbox channel that forwards a case to its service's back office.
 * The delivery loop (notifications/delivery.ts) claims the case's message under a lease, calls
 * `deliver` outside any transaction and records the result: a back office that is down or
 * refuses is tried again after a growing, jittered gap, and the message is dead after the last
 * attempt (the staff case page says why). A case is sent at most once: the message is keyed by
 * the case, a case the back office already took is not sent again, and just before the POST the
 * sender renews its claim on the message (holdClaim: a compare-and-set on its lease), so a worker
 * that outlived its lease, while another took the message over, does not send it as well. The one
 * window no claim closes (the back office took it, and this process died before recording its id)
 * is covered by the Idempotency-Key header (the same key for every attempt of a case), which a
 * back office that honours it (Townhall does) uses to answer a resend with the first case.
 */
import type { DB } from '../db/connection.js';
import { forwardingApiKey, forwardingOf } from '../catalogue/forwarding.js';
import { findForward, FORWARD_MESSAGE_KIND, readForwardMessage, recordForwarded } from '../cases/forwarded.js';
import { getServiceRequest } from '../cases/queries.js';
import { TokenBucket, type ChannelWorker } from '../notifications/delivery.js';
import type { Keyring } from '../platform/crypto.js';
import type { OutboundPolicy } from '../platform/outbound.js';
import { holdClaim, type OutboxMessage } from '../platform/outbox.js';
import { postRequest, TIMEOUT_MS } from './client.js';

/** Who the audit trail names for what client mode does. */
export const FORWARDING_ACTOR = 'system:forwarding';

/** The Idempotency-Key of a case's POST to its back office: the same for every attempt, so a resend is known as one. */
export const forwardIdempotencyKey = (jurisdictionId: string, caseId: number) => `townhall:${jurisdictionId}:case:${caseId}`;

/** How long the sender holds its claim from just before the POST: well past the call's own timeout. */
const HOLD_MS = 3 * TIMEOUT_MS;

export async function sendForwardedCase(db: DB, keyring: Keyring, message: Pick<OutboxMessage, 'id' | 'payload' | 'lease'>, outbound: OutboundPolicy): Promise<void> {
  const { caseId, jurisdictionId } = readForwardMessage(message.payload);
  if (await findForward(db, caseId)) return;
  const request = await getServiceRequest(db, jurisdictionId, String(caseId));
  const forwarding = await forwardingOf(db, jurisdictionId, request.serviceCode);
  if (!forwarding) throw new Error(`The service "${request.serviceCode}" is no longer forwarded to a back office; change its settings, then retry.`);
  const address = { endpointUrl: forwarding.endpointUrl, jurisdictionId: forwarding.remoteJurisdictionId, apiKey: forwardingApiKey(keyring, forwarding), outbound };
  await holdClaim(db, message, HOLD_MS);
  const taken = await postRequest(address, {
    serviceCode: forwarding.remoteServiceCode, description: request.description, lat: request.lat, long: request.long,
    addressString: request.addressString, zipcode: request.zipcode, mediaUrl: request.mediaUrls[0] ?? null,
  }, forwardIdempotencyKey(jurisdictionId, caseId));
  await recordForwarded(db, { caseId, jurisdictionId, backOffice: forwarding.backOffice, endpointUrl: forwarding.endpointUrl, externalId: taken.id, token: taken.token }, FORWARDING_ACTOR);
}

/** The outbox channel of forwarded cases, for the delivery loop (at most `ratePerSecond` sends a second). */
export function forwardingChannel(db: DB, keyring: Keyring, outbound: OutboundPolicy, ratePerSecond = 10): ChannelWorker {
  return {
    kind: FORWARD_MESSAGE_KIND, provider: 'open311', bucket: new TokenBucket(ratePerSecond),
    describe: (message) => ({ caseId: (message.payload as { caseId?: number } | null)?.caseId ?? null }),
    deliver: (message) => sendForwardedCase(db, keyring, message, outbound),
    close: () => {},
  };
}
