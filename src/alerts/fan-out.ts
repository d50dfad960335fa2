/**
 * The fan-out of an approved alert to its subscribers.
 *
 * The approval calls `startAlertFanOut` inside its own transaction: that only records a fan-out
 * to do (a row in `alert_fan_outs`), so the approval stays quick and the fan-out exists if and
 * only if the approval was saved. Then `runAlertFanOuts` (the `alert-fan-out` job, every two
 * seconds in one process at a time, and whoever wants it sooner, right after the approval's
 * commit) walks the subscriptions in chunks, each chunk one transaction:
 *
 * 1. the prefilter, in SQL: the confirmed subscriptions whose latitude lies in the alert's box
 *    (widened by the largest half-height of a subscribed area, read once when the walk starts:
 *    at most MAX_AREA_HALF_SPAN, and nothing for a council whose subscribers all gave an
 *    address), in keyset order (lat, id) along
 *    the index (jurisdiction_id, lat, id), their box overlapping the alert's box;
 * 2. the exact test, in JS (`areaMatcher`): an address when the area holds its point; an area
 *    when the alert's area holds its centre or a corner of its box (so an alert over part of a
 *    neighbourhood reaches the neighbourhood's subscribers when it covers one of those five
 *    points; a sliver between them can be missed, the price of a cheap test);
 * 3. one outbox message per subscription and channel, kind `alert_email` or `alert_sms`, with
 *    the idempotency key `alert:<alertId>:<subscriptionId>:<channel>` and the alert priority,
 *    and the cursor moved past the chunk, in the same transaction.
 * A runner killed mid-way leaves the cursor at the last committed chunk; the next run starts
 * there, and the keys make any repeat a no-op: each subscriber gets each alert once.
 *
 * Only public alerts go out (status Actual, scope Public). An Update or Cancel goes to the people
 * of its own area and of the alert it references (that alert's fan-out area, kept here).
 * The messages carry no personal data: the channel reads the contact when it sends
 * (fan-out-delivery.ts).
 */
import type { DB } from '../db/connection.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { ALERT_PRIORITY, countPrioritisedByKeyPrefix, enqueueMany } from '../platform/outbox.js';
import { areaMatcher, boxOfArea, type Area, type LatLong } from '../places/geometry.js';
import { nowIso } from '../platform/time.js';
import * as store from './fan-out-store.js';
import { largestAreaHalfHeight, subscriptionsInBand, type BandRow } from './subscriptions-store.js';
import type { Alert } from './types.js';

export const ALERT_EMAIL_KIND = 'alert_email';
export const ALERT_SMS_KIND = 'alert_sms';
/** Subscriptions read per transaction. */
export const FAN_OUT_CHUNK = 5_000;

/** What a message needs of its alert, kept with the fan-out (texts.ts words it per language). */
export type AlertForMessages = Pick<Alert, 'id' | 'msgType' | 'infos'>;

/** The payload of an alert message: which alert, which subscription. Nothing personal. */
export interface AlertMessagePayload { alert: number; subscription: number }

export const alertMessageKey = (alertId: number, subscriptionId: number, channel: string) => `alert:${alertId}:${subscriptionId}:${channel}`;

export const isPublicAlert = (alert: Pick<Alert, 'status' | 'scope'>) => alert.status === 'Actual' && alert.scope === 'Public';

const joinAreas = (a: Area, b: Area): Area => ({ polygons: [...a.polygons, ...b.polygons], circles: [...a.circles, ...b.circles] });

/**
 * Records the fan-out of an approved alert, in the approval's transaction. Quick: one read (an
 * Update or Cancel's referenced area) and one insert. Alerts that are not public record nothing.
 */
export async function startAlertFanOut(trx: DB, alert: Alert): Promise<void> {
  if (!isPublicAlert(alert)) return;
  let area = alert.area;
  if (alert.referencesId !== null) {
    const earlier = await store.fanOutArea(trx, alert.referencesId);
    if (earlier) area = joinAreas(area, JSON.parse(earlier) as Area);
  }
  const forMessages: AlertForMessages = { id: alert.id, msgType: alert.msgType, infos: alert.infos };
  await store.insertFanOut(trx, alert.id, JSON.stringify(area), JSON.stringify(forMessages), nowIso());
}

/** Does a subscription's place count as inside the alert's area? (The fan-out's rule, and the account page's.) */
export function placeMatcher(area: Area): (row: Pick<BandRow, 'place_kind' | 'lat' | 'long' | 'min_lat' | 'min_long' | 'max_lat' | 'max_long'>) => boolean {
  const inside = areaMatcher(area);
  return (row) => {
    if (row.place_kind === 'address') return inside({ lat: row.lat, long: row.long });
    const points: LatLong[] = [
      { lat: row.lat, long: row.long },
      { lat: row.min_lat, long: row.min_long }, { lat: row.min_lat, long: row.max_long },
      { lat: row.max_lat, long: row.min_long }, { lat: row.max_lat, long: row.max_long },
    ];
    return points.some(inside);
  };
}

/** What a run did: `scanned` rows read in the band, `tested` of them in the box and tested exactly (`matchMs` spent on that test). */
export interface FanOutProgress { alerts: number; chunks: number; scanned: number; tested: number; matched: number; queued: number; matchMs: number }

/**
 * Walks every pending fan-out to its end, a chunk per transaction. `stopAfterChunks` (tests: a
 * runner killed mid-way) stops early, leaving the rest to the next run.
 */
export async function runAlertFanOuts(db: DB, jurisdictionId: string, options: { chunk?: number; stopAfterChunks?: number } = {}): Promise<FanOutProgress> {
  const chunk = options.chunk ?? FAN_OUT_CHUNK;
  const progress: FanOutProgress = { alerts: 0, chunks: 0, scanned: 0, tested: 0, matched: 0, queued: 0, matchMs: 0 };
  for (const alertId of await store.pendingFanOuts(db)) {
    progress.alerts++;
    for (;;) {
      if (options.stopAfterChunks !== undefined && progress.chunks >= options.stopAfterChunks) return progress;
      const done = await db.transaction().execute(async (trx) => {
        const row = await store.fanOutForUpdate(trx, alertId);
        if (!row || row.finished_at !== null) return true;
        const area = JSON.parse(row.area) as Area;
        const box = boxOfArea(area);
        if (!box) {
          await store.advanceFanOut(trx, alertId, null, 0, 0, nowIso());
          return true;
        }
        const cursor = row.cursor_lat === null || row.cursor_id === null ? null : { lat: Number(row.cursor_lat), id: row.cursor_id };
        let margin = row.margin === null ? null : Number(row.margin);
        if (margin === null) {
          margin = await largestAreaHalfHeight(trx, jurisdictionId);
          await store.setMargin(trx, alertId, margin);
        }
        const band = await subscriptionsInBand(trx, jurisdictionId, box, margin, cursor, chunk);
        const matchStarted = performance.now();
        const inside = band.rows.filter(placeMatcher(area));
        progress.matchMs += performance.now() - matchStarted;
        progress.scanned += band.scanned;
        const queued = await enqueueMany(trx, inside.map((s) => ({
          kind: s.channel === 'email' ? ALERT_EMAIL_KIND : ALERT_SMS_KIND,
          payload: { alert: alertId, subscription: s.id } satisfies AlertMessagePayload,
          idempotencyKey: alertMessageKey(alertId, s.id, s.channel),
          priority: ALERT_PRIORITY,
        })));
        const finished = band.scanned < chunk;
        await store.advanceFanOut(trx, alertId, band.last, inside.length, queued, finished ? nowIso() : null);
        progress.chunks++;
        progress.tested += band.rows.length;
        progress.matched += inside.length;
        progress.queued += queued;
        return finished;
      });
      if (done) break;
    }
  }
  return progress;
}

/** The job: every two seconds, in one process at a time (its lease). */
export const alertFanOutJob = (db: DB, jurisdictionId: string): ScheduledJob => ({
  name: 'alert-fan-out', everyMs: 2_000,
  run: () => runAlertFanOuts(db, jurisdictionId),
});

// The process's own runner, started by `serve`, so an approval need not wait for the job's next turn.
let wake: (() => void) | null = null;

/**
 * Runs the pending fan-outs now, in this process, without waiting (the approval calls it after
 * its transaction commits). A second runner at the same time is harmless: each chunk holds the
 * fan-out's row, reads the cursor the other left, and the keys keep every message once. Does
 * nothing where no runner was started (the CLI, tests): the job picks the fan-out up instead.
 */
export function wakeAlertFanOut(): void {
  wake?.();
}

/** Starts this process's runner for wakeAlertFanOut; returns what stops it. */
export function startFanOutRunner(db: DB, jurisdictionId: string, log: { error(obj: object, msg: string): void }): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = runAlertFanOuts(db, jurisdictionId)
      .catch((error: unknown) => log.error({ err: error }, 'alert fan-out failed; the job will carry on from where it stopped'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  wake = run;
  return async () => {
    if (wake === run) wake = null;
    again = false;
    while (running) await running;
  };
}

/**
 * An alert's delivery figures for its page: subscribers matched so far, and its messages queued
 * (waiting or being tried again), sent and failed (given up on).
 */
/** An alert's messages: subscribers matched, and its messages queued, sent and failed. */
export interface AlertDeliveryFigures { subscribers: number; queued: number; sent: number; failed: number }

export async function alertDeliveryFigures(db: DB, alertId: number): Promise<AlertDeliveryFigures> {
  const row = await store.fanOut(db, alertId);
  if (!row) return { subscribers: 0, queued: 0, sent: 0, failed: 0 };
  const counts = await countPrioritisedByKeyPrefix(db, `alert:${alertId}:`);
  return { subscribers: Number(row.subscribers), queued: counts.queued + counts.sending + counts.failed, sent: counts.sent, failed: counts.dead };
}

/** The alert as its messages need it (delivery reads it once per alert). */
export async function alertForMessages(db: DB, alertId: number): Promise<AlertForMessages | undefined> {
  const row = await store.fanOut(db, alertId);
  return row ? JSON.parse(row.alert) as AlertForMessages : undefined;
}
