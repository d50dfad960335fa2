/**
 * Webhook subscriptions: who hears about which case events, where. Made by a system
 * administrator (/admin/webhooks) or by a system with a `webhooks:manage` API key. The signing
 * secret is sealed at rest and shown once, when the subscription is made. Every change is audited.
 */
import { appendAudit } from '../audit/audit.js';
import { listServices } from '../catalogue/catalogue.js';
import type { DB } from '../db/connection.js';
import { accountOf } from '../identity/users.js';
import { open, seal, sealedWith, type Keyring } from '../platform/crypto.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { outboundUrlProblem, type OutboundPolicy } from '../platform/outbound.js';
import { retryNow } from '../platform/outbox.js';
import { nowIso } from '../platform/time.js';
import { listDepartments } from '../settings/departments.js';
import { newWebhookSecret } from './signing.js';
import * as store from './store.js';

/** The event types a subscription may choose (the CloudEvents type is "org.townhall.case." and one of these). */
export const webhookEventTypes = [
  'created', 'claim', 'assign', 'transition', 'set_priority', 'public_update', 'note', 'merge', 'move_department',
  'suspend_clock', 'resume_clock', 'extend_clock', 'status_update', 'reopened', 'undo',
] as const;
export const caseKinds = ['service_request', 'application'] as const;

/** Each event type in the words the staff case timeline (staff/timeline.ts) uses for that action. */
export const webhookEventLabels: Record<(typeof webhookEventTypes)[number], string> = {
  created: 'Reported', claim: 'Taken', assign: 'Assigned', transition: 'Moved to another state', set_priority: 'Priority changed',
  public_update: 'Update sent to residents', note: 'Internal note', merge: 'Merged into another case', move_department: 'Moved to another department',
  suspend_clock: 'Clock paused', resume_clock: 'Clock restarted', extend_clock: 'Clock extended', status_update: 'Status update', reopened: 'Reopened', undo: 'Undone',
};

const SECRET_FIELD = 'webhook_subscriptions.secret';
const EMAIL_FIELD = 'webhook_subscriptions.contact_email';

export interface SubscriptionInput {
  name: string;
  url: string;
  eventTypes: string[];
  caseKinds: string[];
  serviceCodes: string[];
  departmentCodes: string[];
  /** Who is told when it is turned off; defaults to the person making it. */
  contactEmail?: string;
}

export interface Subscription {
  id: number;
  name: string;
  url: string;
  eventTypes: string[];
  caseKinds: string[];
  serviceCodes: string[];
  departmentCodes: string[];
  owner: string;
  status: 'active' | 'disabled';
  failingSince: string | null;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
}

const list = (text: string) => JSON.parse(text) as string[];

export function toSubscription(row: store.SubscriptionRow): Subscription {
  return {
    id: row.id, name: row.name, url: row.url, eventTypes: list(row.event_types), caseKinds: list(row.case_kinds), serviceCodes: list(row.service_codes),
    departmentCodes: list(row.department_codes), owner: row.owner, status: row.status, failingSince: row.failing_since,
    consecutiveFailures: row.consecutive_failures, disabledAt: row.disabled_at, disabledReason: row.disabled_reason, createdAt: row.created_at,
  };
}

/** Every problem with a new subscription at once. */
async function check(db: DB, jurisdictionId: string, input: SubscriptionInput, outbound: OutboundPolicy): Promise<string[]> {
  const problems: string[] = [];
  const name = input.name.trim();
  if (name === '' || name.length > 100) problems.push('Give the subscription a name of 1 to 100 characters that says who receives it, e.g. "Highways contractor".');
  let url: URL | null = null;
  try {
    url = new URL(input.url.trim());
  } catch {
    // Reported below.
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || input.url.length > 2000) problems.push('Give the address events are sent to, starting with https://, at most 2000 characters.');
  else if (url.username || url.password) problems.push('The address must not hold a user name or password: the signature proves who sends the events.');
  else {
    const refused = await outboundUrlProblem(input.url, outbound, 'The webhook address');
    if (refused) problems.push(refused);
  }
  const unknownTypes = input.eventTypes.filter((t) => !(webhookEventTypes as readonly string[]).includes(t));
  if (unknownTypes.length > 0) problems.push(`Unknown event type ${unknownTypes.slice(0, 5).join(', ')}; the types are ${webhookEventTypes.join(', ')}.`);
  const unknownKinds = input.caseKinds.filter((k) => !(caseKinds as readonly string[]).includes(k));
  if (unknownKinds.length > 0) problems.push(`Unknown case kind ${unknownKinds.slice(0, 5).join(', ')}; the kinds are ${caseKinds.join(', ')}.`);
  if (input.serviceCodes.length > 0) {
    const known = new Set((await listServices(db, jurisdictionId, { includeInactive: true })).map((s) => s.code));
    const unknown = input.serviceCodes.filter((c) => !known.has(c));
    if (unknown.length > 0) problems.push(`There is no service ${unknown.slice(0, 5).join(', ')}.`);
  }
  if (input.departmentCodes.length > 0) {
    const known = new Set((await listDepartments(db)).map((d) => d.code));
    const unknown = input.departmentCodes.filter((c) => !known.has(c));
    if (unknown.length > 0) problems.push(`There is no department ${unknown.slice(0, 5).join(', ')}.`);
  }
  const email = input.contactEmail?.trim();
  if (email !== undefined && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)) problems.push('Give the email address told when the subscription is turned off after failing.');
  for (const values of [input.eventTypes, input.caseKinds, input.serviceCodes, input.departmentCodes]) {
    if (values.length > 200) problems.push('A filter may name at most 200 values.');
  }
  return problems;
}

/** Makes a subscription; returns it with its secret, which is never shown again. */
export async function createSubscription(db: DB, keyring: Keyring, jurisdictionId: string, input: SubscriptionInput, actor: string, outbound: OutboundPolicy): Promise<{ subscription: Subscription; secret: string }> {
  const problems = await check(db, jurisdictionId, input, outbound);
  let contactEmail = input.contactEmail?.trim();
  if (contactEmail === undefined && /^user:\d+$/.test(actor)) contactEmail = (await accountOf(db, keyring, Number(actor.slice(5)))).email;
  if (contactEmail === undefined) problems.push('Give contactEmail: the address told when the subscription is turned off after failing.');
  if (problems.length > 0) throw invalid(problems[0]!, problems);
  const secret = newWebhookSecret();
  const at = nowIso();
  const unique = (values: string[]) => JSON.stringify([...new Set(values)]);
  const id = await db.transaction().execute(async (trx) => {
    const created = await store.insertSubscription(trx, {
      name: input.name.trim(), url: input.url.trim(), secret: seal(keyring, SECRET_FIELD, secret),
      event_types: unique(input.eventTypes), case_kinds: unique(input.caseKinds), service_codes: unique(input.serviceCodes), department_codes: unique(input.departmentCodes),
      owner: actor, contact_email: seal(keyring, EMAIL_FIELD, contactEmail!), status: 'active', failing_since: null,
      disabled_at: null, disabled_reason: null, created_at: at, updated_at: at,
    });
    await appendAudit(trx, {
      actor, action: 'webhook_subscription.created', entityType: 'webhook_subscription', entityId: String(created),
      after: { name: input.name.trim(), url: input.url.trim(), eventTypes: input.eventTypes, caseKinds: input.caseKinds, serviceCodes: input.serviceCodes, departmentCodes: input.departmentCodes },
    });
    return created;
  });
  return { subscription: await getSubscription(db, String(id)), secret };
}

export async function listSubscriptions(db: DB): Promise<Subscription[]> {
  return (await store.listSubscriptionRows(db)).map(toSubscription);
}

async function rowOf(db: DB, id: string): Promise<store.SubscriptionRow> {
  const number = /^\d{1,9}$/.test(id) ? Number(id) : null;
  const row = number === null ? undefined : await store.findSubscription(db, number);
  if (!row) throw notFound(`There is no webhook subscription ${id.slice(0, 20)}.`);
  return row;
}

export const getSubscription = async (db: DB, id: string): Promise<Subscription> => toSubscription(await rowOf(db, id));

/** The signing secret (for the delivery worker). */
export const secretOf = (keyring: Keyring, sealed: string): string => open(keyring, SECRET_FIELD, sealed);
export const contactOf = (keyring: Keyring, row: Pick<store.SubscriptionRow, 'contact_email'>): string => open(keyring, EMAIL_FIELD, row.contact_email);

/** Turns a subscription off (by hand) or back on (its failures forgotten); audited. */
export async function setSubscriptionActive(db: DB, id: string, active: boolean, actor: string): Promise<Subscription> {
  const row = await rowOf(db, id);
  if ((row.status === 'active') === active) return toSubscription(row);
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    await store.updateSubscription(trx, row.id, active
      ? { status: 'active', disabled_at: null, disabled_reason: null, failing_since: null, consecutive_failures: 0, updated_at: at }
      : { status: 'disabled', disabled_at: at, disabled_reason: 'Turned off by hand.', updated_at: at });
    await appendAudit(trx, {
      actor, action: active ? 'webhook_subscription.enabled' : 'webhook_subscription.disabled', entityType: 'webhook_subscription', entityId: String(row.id),
      before: { status: row.status }, after: { status: active ? 'active' : 'disabled' },
    });
  });
  return getSubscription(db, id);
}

export interface DeliverySummary {
  id: number;
  eventId: number;
  eventType: string;
  caseId: number;
  status: string;
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export async function listDeliveries(db: DB, id: string, limit = 100): Promise<DeliverySummary[]> {
  const row = await rowOf(db, id);
  return (await store.deliveriesOf(db, row.id, limit)).map((d) => ({
    id: d.id, eventId: d.event_id, eventType: d.event_type, caseId: d.case_id, status: d.status, attempts: d.attempts, lastResponseCode: d.last_response_code,
    lastError: d.last_error, nextAttemptAt: d.next_attempt_at, deliveredAt: d.sent_at, createdAt: d.created_at,
  }));
}

/**
 * Sends again: one delivery (failed or dead: tried now), or every dead-lettered delivery made
 * since a time. A turned-off subscription must be turned back on first. Returns how many.
 */
export async function replayDeliveries(db: DB, id: string, which: { deliveryId: string } | { since: string }, actor: string): Promise<number> {
  const row = await rowOf(db, id);
  if (row.status !== 'active') throw conflict('This subscription is turned off: turn it back on before sending its events again.');
  let outboxIds: Array<{ id: number; outbox_id: number }>;
  if ('deliveryId' in which) {
    const deliveryId = /^\d{1,9}$/.test(which.deliveryId) ? Number(which.deliveryId) : null;
    const delivery = deliveryId === null ? undefined : await store.findDelivery(db, row.id, deliveryId);
    if (!delivery) throw notFound(`Subscription ${row.id} has no delivery ${which.deliveryId.slice(0, 20)}.`);
    if (delivery.status !== 'failed' && delivery.status !== 'dead') throw conflict(`Delivery ${delivery.id} is ${delivery.status}: only a failed or dead-lettered delivery is sent again.`);
    outboxIds = [delivery];
  } else {
    const since = Date.parse(which.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(which.since) || Number.isNaN(since)) throw invalid('Give the time to send dead-lettered deliveries from, as 2026-05-01T09:00 or 2026-05-01T09:00:00Z.');
    outboxIds = await store.deadDeliveriesSince(db, row.id, new Date(since).toISOString());
  }
  let replayed = 0;
  await db.transaction().execute(async (trx) => {
    for (const delivery of outboxIds) if (await retryNow(trx, delivery.outbox_id)) replayed++;
    await appendAudit(trx, {
      actor, action: 'webhook_subscription.replayed', entityType: 'webhook_subscription', entityId: String(row.id),
      after: { ...which, deliveries: outboxIds.map((d) => d.id), replayed },
    });
  });
  return replayed;
}

/** `townhall keys rotate`: every subscription's secret and contact sealed under the current key. Returns how many changed. */
export async function resealSubscriptions(db: DB, keyring: Keyring): Promise<number> {
  let changed = 0;
  await db.transaction().execute(async (trx) => {
    for (const row of await store.listSubscriptionRows(trx)) {
      if (sealedWith(row.secret) === keyring.current.id && sealedWith(row.contact_email) === keyring.current.id) continue;
      await store.updateSubscription(trx, row.id, {
        secret: seal(keyring, SECRET_FIELD, open(keyring, SECRET_FIELD, row.secret)),
        contact_email: seal(keyring, EMAIL_FIELD, open(keyring, EMAIL_FIELD, row.contact_email)),
      });
      changed++;
    }
  });
  return changed;
}
