/**
 * Client mode, fetching: a scheduled job brings each back office's updates of the cases it was
 * sent back into them, as FixMyStreet's "fetch updates" does. For each back office with open
 * forwarded cases: its servicerequestupdates since the last fetch (a little overlap, for clocks
 * that differ), or, when it does not answer that extension, GET requests/{id} for each open
 * forwarded case (and, beside the feed, for what the feed does not list: see fetchOne). Each
 * update is applied once (keyed by the case and the back office's update id, or its
 * updated_datetime), as an appended public status update with an audit entry, so fetching the
 * same range twice changes nothing.
 */
import type { DB } from '../db/connection.js';
import { forwardingApiKey, listForwarding } from '../catalogue/forwarding.js';
import {
  applyBackOfficeUpdate, backOfficesWithOpenCases, openForwardedCases, recordExternalId, recordFetched, recordRemoteUpdatedAt, type BackOfficeUpdate, type OpenForward,
} from '../cases/forwarded.js';
import type { PublicStatus } from '../cases/types.js';
import type { CaseChangeDeps } from '../notifications/case-updates.js';
import type { Keyring } from '../platform/crypto.js';
import type { ScheduledJob } from '../platform/jobs.js';
import type { OutboundPolicy } from '../platform/outbound.js';
import { nowIso, parseZonedDateTime } from '../platform/time.js';
import { BackOfficeError, getRequest, getUpdates, requestIdOfToken, type BackOfficeAddress } from './client.js';

export interface FetchDeps {
  db: DB;
  keyring: Keyring;
  jurisdictionId: string;
  timeZone: string;
  notify: CaseChangeDeps;
  /** Whether back offices at private addresses or plain http may be called (TOWNHALL_ALLOW_PRIVATE_WEBHOOKS). */
  outbound: OutboundPolicy;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** How far back each fetch reaches before the last one ended: back offices' clocks differ, and updates commit late. */
const OVERLAP_MS = 10 * 60_000;
/** GeoReport servers answer at most about 90 days of updates at once. */
const MAX_RANGE_MS = 89 * 86_400_000;

/** Statuses (FixMyStreet's and Open311's) that close a case; any other leaves it open. */
const closingStatuses = new Set([
  'closed', 'fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'internal_referral', 'unable_to_fix',
  'cancelled', 'canceled', 'resolved', 'completed', 'done', 'not_responsible', 'wont_fix',
]);

/** A back office's status word as Townhall's public status and detailed state. */
export function readRemoteStatus(status: string): { status: PublicStatus; state: string } {
  const state = status.trim().toLowerCase().replace(/[\s-]+/g, '_').slice(0, 60);
  return { status: closingStatuses.has(state) ? 'closed' : 'open', state };
}

export interface FetchResult {
  backOffices: number;
  applied: number;
  failed: number;
}

export async function fetchBackOfficeUpdates(deps: FetchDeps): Promise<FetchResult> {
  const result: FetchResult = { backOffices: 0, applied: 0, failed: 0 };
  const settings = await listForwarding(deps.db, deps.jurisdictionId);
  for (const office of await backOfficesWithOpenCases(deps.db, deps.jurisdictionId)) {
    result.backOffices++;
    const setting = settings.find((s) => s.endpointUrl === office.endpointUrl);
    const address: BackOfficeAddress = { endpointUrl: office.endpointUrl, jurisdictionId: setting?.remoteJurisdictionId ?? null, apiKey: setting ? forwardingApiKey(deps.keyring, setting) : null, outbound: deps.outbound };
    const cases = await openForwardedCases(deps.db, deps.jurisdictionId, office.endpointUrl);
    const started = nowIso();
    try {
      await learnIds(deps, address, cases);
      result.applied += await fetchOne(deps, address, cases, office.earliestSentAt);
      await recordFetched(deps.db, cases.map((c) => c.caseId), started, null);
    } catch (error) {
      result.failed++;
      const reason = error instanceof Error ? error.message : String(error);
      deps.log?.warn({ backOffice: office.endpointUrl, reason }, 'could not fetch a back office\'s updates; they will be fetched next time');
      await recordFetched(deps.db, cases.map((c) => c.caseId), started, reason);
    }
  }
  if (result.applied > 0) deps.log?.info(result, 'back office updates applied to forwarded cases');
  return result;
}

/** Cases the back office answered with a token only: their id, once it has one. */
async function learnIds(deps: FetchDeps, address: BackOfficeAddress, cases: OpenForward[]): Promise<void> {
  for (const forward of cases) {
    if (forward.externalId !== null || forward.token === null) continue;
    const id = await requestIdOfToken(address, forward.token);
    if (id) {
      await recordExternalId(deps.db, forward.caseId, id);
      forward.externalId = id;
    }
  }
}

/**
 * One back office's round: its servicerequestupdates feed when it answers one (FixMyStreet's
 * extension: comments and status changes, each with its own id), then each open case's own
 * record (GET requests/{id}), for changes the feed does not list (a back office may list there
 * only some of its changes: Townhall lists the updates systems posted, not its staff's steps).
 * A record is news only when its updated_datetime moved and it says something the case does not
 * (another public status, other notes), so a change the feed already brought is not applied twice.
 */
async function fetchOne(deps: FetchDeps, address: BackOfficeAddress, cases: OpenForward[], earliestSentAt: string): Promise<number> {
  if (!cases.some((c) => c.externalId !== null)) return 0;
  const cursor = await deps.db.selectFrom('forwarding_cursors').selectAll().where('endpoint_url', '=', address.endpointUrl).executeTakeFirst();
  let applied = 0;
  if (cursor?.updates_supported !== 0) applied += await fetchFeed(deps, address, cases, cursor?.fetched_to ?? earliestSentAt);
  // The feed may have closed some: what is still open, as it now stands.
  const stillOpen = (await openForwardedCases(deps.db, deps.jurisdictionId, address.endpointUrl)).filter((c) => c.externalId !== null);
  return applied + await fetchEach(deps, address, stillOpen);
}

async function fetchFeed(deps: FetchDeps, address: BackOfficeAddress, cases: OpenForward[], fetchedTo: string): Promise<number> {
  const byExternalId = new Map(cases.filter((c) => c.externalId !== null).map((c) => [c.externalId!, c]));
  const to = nowIso();
  const from = new Date(Math.max(Date.parse(fetchedTo) - OVERLAP_MS, Date.parse(to) - MAX_RANGE_MS)).toISOString();
  let updates;
  try {
    updates = await getUpdates(address, from, to);
  } catch (error) {
    // A back office without FixMyStreet's extension: each case's own record is enough, from now on.
    if (!(error instanceof BackOfficeError && (error.status === 404 || error.status === 501))) throw error;
    await saveCursor(deps.db, address.endpointUrl, 0, null);
    return 0;
  }
  let applied = 0;
  // Oldest first, so the case ends in the back office's latest state.
  updates.sort((a, b) => (parseZonedDateTime(a.updatedAt) ?? '').localeCompare(parseZonedDateTime(b.updatedAt) ?? ''));
  for (const update of updates) {
    const forward = byExternalId.get(update.requestId);
    const updatedAt = parseZonedDateTime(update.updatedAt);
    if (!forward || !updatedAt) continue;
    const { status, state } = readRemoteStatus(update.status);
    // The back office's record of taking the case is not news here.
    if (state === 'submitted' && !update.description) continue;
    const change: BackOfficeUpdate = { remoteUpdateId: update.updateId, status, state, updatedAt, description: update.description, mediaUrl: update.mediaUrl };
    if (await applyBackOfficeUpdate(deps.db, deps.jurisdictionId, forward, change, deps.notify, deps.timeZone)) applied++;
  }
  await saveCursor(deps.db, address.endpointUrl, 1, to);
  return applied;
}

/** GET requests/{id} for each open case: news when its updated_datetime moved and it differs from the case. */
async function fetchEach(deps: FetchDeps, address: BackOfficeAddress, cases: OpenForward[]): Promise<number> {
  let applied = 0;
  for (const forward of cases) {
    const remote = await getRequest(address, forward.externalId!);
    const updatedAt = remote.updatedAt ? parseZonedDateTime(remote.updatedAt) : null;
    if (!updatedAt) continue;
    const { status, state } = readRemoteStatus(remote.status);
    // Closed there while open here is always news. Other notes are news only when the record moved
    // (otherwise our own staff changed the notes here). Times are often to the second, so two
    // changes may share one: the status is part of the key.
    const moved = updatedAt !== forward.remoteUpdatedAt;
    const news = status === 'closed' || (moved && remote.statusNotes !== null && remote.statusNotes !== forward.statusNotes);
    if (news) {
      const change: BackOfficeUpdate = { remoteUpdateId: `at:${updatedAt}:${status}`, status, state, updatedAt, description: remote.statusNotes, mediaUrl: null };
      if (await applyBackOfficeUpdate(deps.db, deps.jurisdictionId, forward, change, deps.notify, deps.timeZone)) applied++;
    }
    if (moved) await recordRemoteUpdatedAt(deps.db, forward.caseId, updatedAt);
  }
  return applied;
}

async function saveCursor(db: DB, endpointUrl: string, updatesSupported: 0 | 1, fetchedTo: string | null): Promise<void> {
  await db.insertInto('forwarding_cursors').values({ endpoint_url: endpointUrl, updates_supported: updatesSupported, fetched_to: fetchedTo })
    .onConflict((oc) => oc.column('endpoint_url').doUpdateSet({ updates_supported: updatesSupported, fetched_to: fetchedTo })).execute();
}

/** The scheduled job: one process at a time fetches, every `everyMs`. */
export const forwardingJobs = (deps: FetchDeps, everyMs: number): ScheduledJob[] => [{ name: 'forwarding-fetch-updates', everyMs, run: () => fetchBackOfficeUpdates(deps) }];
