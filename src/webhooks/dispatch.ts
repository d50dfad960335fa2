/**
 * From the event log to webhook deliveries. Every change to a case publishes, in its own
 * transaction, one event on the staff-wide topic (workflow/entry.ts caseEvents); the live hub
 * reads the same log. The dispatcher reads it from where it stopped, and for each event and each
 * active subscription whose filters match, writes the delivery (its CloudEvent fixed once) and
 * its outbox message, and moves its place on, all in one transaction: an event is turned into
 * deliveries once, even with several processes (on PostgreSQL the place is a locked row).
 *
 * The event log's ids become visible in commit order (platform/events.ts), so "after the last id
 * read" misses nothing. On its first run the dispatcher starts at the log's end: a council
 * turning webhooks on is not sent a week of history.
 */
import type { DB } from '../db/connection.js';
import { dialectOf } from '../db/connection.js';
import { casesForEvents } from '../cases/queries.js';
import { topics } from '../platform/events.js';
import { enqueue } from '../platform/outbox.js';
import * as store from './store.js';
import { toSubscription, type Subscription } from './subscriptions.js';

/** The outbox kind of a webhook delivery. */
export const WEBHOOK_KIND = 'webhook';
const BATCH = 200;

export interface CaseEventData {
  caseId: number;
  kind: string;
  serviceCode: string;
  department: string | null;
  status: string;
  state: string;
  priority: string;
  action: string;
  requestedAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** The case in the REST API. */
  url: string;
}

/** The CloudEvents 1.0 type of a case action. */
export const eventTypeOf = (action: string): string => (action === 'submitted' ? 'created' : action);

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: CaseEventData;
}

function matches(subscription: Subscription, type: string, data: CaseEventData, eventAt: string): boolean {
  if (eventAt < subscription.createdAt) return false;
  if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(type)) return false;
  if (subscription.caseKinds.length > 0 && !subscription.caseKinds.includes(data.kind)) return false;
  if (subscription.serviceCodes.length > 0 && !subscription.serviceCodes.includes(data.serviceCode)) return false;
  if (subscription.departmentCodes.length > 0 && (data.department === null || !subscription.departmentCodes.includes(data.department))) return false;
  return true;
}

/** One pass: turns the events not yet read into deliveries. Returns how many deliveries were queued. */
export async function dispatchCaseEvents(db: DB, options: { publicUrl: string; jurisdictionId: string }): Promise<number> {
  const postgres = dialectOf(db) === 'postgres';
  return db.transaction().execute(async (trx) => {
    const cursor = await store.dispatchCursor(trx, postgres);
    if (cursor === undefined) {
      await store.saveDispatchCursor(trx, await store.lastEventId(trx), false);
      return 0;
    }
    const events = await store.eventsAfter(trx, cursor, topics.allStaff, BATCH);
    if (events.length === 0) return 0;
    const subscriptions = (await store.activeSubscriptions(trx)).map(toSubscription);
    let queued = 0;
    if (subscriptions.length > 0) {
      const parsed = events.map((event) => ({ event, data: JSON.parse(event.data) as { caseId?: number; action?: string } }));
      const ids = [...new Set(parsed.map((p) => p.data.caseId).filter((id): id is number => typeof id === 'number'))];
      const cases = new Map((await casesForEvents(trx, ids)).map((row) => [row.id, row]));
      for (const { event, data } of parsed) {
        const row = typeof data.caseId === 'number' ? cases.get(data.caseId) : undefined;
        if (!row || row.jurisdiction_id !== options.jurisdictionId || typeof data.action !== 'string') continue;
        const type = eventTypeOf(data.action);
        const eventData: CaseEventData = {
          caseId: row.id, kind: row.kind, serviceCode: row.service_code, department: row.department_code, status: row.status, state: row.state,
          priority: row.priority, action: data.action, requestedAt: row.requested_at, updatedAt: row.updated_at, closedAt: row.closed_at,
          url: `${options.publicUrl}/api/v1/cases/${row.id}`,
        };
        const cloudEvent: CloudEvent = {
          specversion: '1.0', id: `evt_${event.id}`, source: `${options.publicUrl}/api/v1/cases`, type: `org.townhall.case.${type}`,
          subject: String(row.id), time: event.created_at, datacontenttype: 'application/json', data: eventData,
        };
        const body = JSON.stringify(cloudEvent);
        for (const subscription of subscriptions) {
          if (!matches(subscription, type, eventData, event.created_at)) continue;
          const outboxId = await enqueue(trx, WEBHOOK_KIND, { subscriptionId: subscription.id, eventId: event.id }, { idempotencyKey: `webhook:${subscription.id}:${event.id}` });
          await store.insertDelivery(trx, { subscription_id: subscription.id, event_id: event.id, event_type: type, case_id: row.id, outbox_id: outboxId, body, created_at: event.created_at });
          queued++;
        }
      }
    }
    await store.saveDispatchCursor(trx, events[events.length - 1]!.id, true);
    return queued;
  });
}
