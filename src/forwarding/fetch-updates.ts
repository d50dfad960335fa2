/**
 * Client mode, fetching: a scheduled job brings each back office's changes of the cases it was
 * sent back into them, as FixMyStreet's "fetch updates" does. For each back office with cases to
 * watch (open here, or closed here lately: it may reopen them): its servicerequestupdates since
 * the last fetch (a little overlap, for clocks that differ) where it answers that extension, then
 * the cases' own records, many in one call (GET requests.json?service_request_id=a,b,c, in
 * batches), or one GET requests/{id} each where the back office does not take such a list. Each
 * change is applied once (keyed by the case and the back office's update id, or its
 * updated_datetime and status), as an appended public status update with the back office as the
 * actor and an audit entry, so fetching the same range twice changes nothing. Status changes come
 * back in both directions: closed there closes the case here, and reopened there (closed -> open)
 * opens it here again; a change made here (staff closing the case) is not undone, because only
 * a change of the back office's own status (against the one last seen there) is news.
 */
import type { DB } from '../db/connection.js';
import { forwardingApiKey, listForwarding } from '../catalogue/forwarding.js';
import {
  applyBackOfficeUpdate, backOfficesToWatch, recordExternalId, recordFetched, recordRemoteSeen, watchedForwardedCases, type BackOfficeUpdate, type WatchedForward,
} from '../cases/forwarded.js';
import type { PublicStatus } from '../cases/types.js';
import type { CaseChangeDeps } from '../notifications/case-updates.js';
import type { Keyring } from '../platform/crypto.js';
import type { ScheduledJob } from '../platform/jobs.js';
import type { OutboundPolicy } from '../platform/outbound.js';
import { nowIso, parseZonedDateTime } from '../platform/time.js';
import { BackOfficeError, getRequest, getRequests, getUpdates, requestIdOfToken, type BackOfficeAddress, type RemoteRequest } from './client.js';

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

/** Ids per GET requests.json: short enough for any server's address limit. */
const IDS_PER_LIST = 50;
const MAX_LIST_CHARS = 1_500;

export async function fetchBackOfficeUpdates(deps: FetchDeps): Promise<FetchResult> {
  const result: FetchResult = { backOffices: 0, applied: 0, failed: 0 };
  const settings = await listForwarding(deps.db, deps.jurisdictionId);
  for (const office of await backOfficesToWatch(deps.db, deps.jurisdictionId)) {
    result.backOffices++;
    const setting = settings.find((s) => s.endpointUrl === office.endpointUrl);
    const address: BackOfficeAddress = { endpointUrl: office.endpointUrl, jurisdictionId: setting?.remoteJurisdictionId ?? null, apiKey: setting ? forwardingApiKey(deps.keyring, setting) : null, outbound: deps.outbound };
    const cases = await watchedForwardedCases(deps.db, deps.jurisdictionId, office.endpointUrl);
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
async function learnIds(deps: FetchDeps, address: BackOfficeAddress, cases: WatchedForward[]): Promise<void> {
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
 * extension: comments and status changes, each with its own id), then the cases' own records,
 * for changes the feed does not list (a back office may list there only some of its changes:
 * Townhall lists the updates systems posted, not its staff's steps).
 */
async function fetchOne(deps: FetchDeps, address: BackOfficeAddress, cases: WatchedForward[], earliestSentAt: string): Promise<number> {
  const known = cases.filter((c) => c.externalId !== null);
  if (known.length === 0) return 0;
  const cursor = await deps.db.selectFrom('forwarding_cursors').selectAll().where('endpoint_url', '=', address.endpointUrl).executeTakeFirst();
  let applied = 0;
  if (cursor?.updates_supported !== 0) applied += await fetchFeed(deps, address, known, cursor?.fetched_to ?? earliestSentAt);
  return applied + await fetchRecords(deps, address, known, cursor?.list_supported ?? null);
}

/** Whether what the back office now says of a case is a change of its own, and what it changes here. */
function statusNews(forward: WatchedForward, status: PublicStatus): boolean {
  if (status === forward.status) return false;
  // Never seen there before (cases forwarded before it was kept): closing is news, reopening cannot be told from our own closing.
  if (forward.remoteStatus === null) return status === 'closed';
  return status !== forward.remoteStatus;
}

async function fetchFeed(deps: FetchDeps, address: BackOfficeAddress, cases: WatchedForward[], fetchedTo: string): Promise<number> {
  const byExternalId = new Map(cases.map((c) => [c.externalId!, c]));
  const to = nowIso();
  const from = new Date(Math.max(Date.parse(fetchedTo) - OVERLAP_MS, Date.parse(to) - MAX_RANGE_MS)).toISOString();
  let updates;
  try {
    updates = await getUpdates(address, from, to);
  } catch (error) {
    // A back office without FixMyStreet's extension: the cases' own records are enough, from now on.
    if (!(error instanceof BackOfficeError && (error.status === 404 || error.status === 501))) throw error;
    await saveCursor(deps.db, address.endpointUrl, 0, null);
    return 0;
  }
  let applied = 0;
  // Oldest first, so the case ends in the back office's latest state.
  updates.sort((a, b) => (parseZonedDateTime(a.updatedAt) ?? '').localeCompare(parseZonedDateTime(b.updatedAt) ?? ''));
  const seen = new Set<WatchedForward>();
  for (const update of updates) {
    const forward = byExternalId.get(update.requestId);
    const updatedAt = parseZonedDateTime(update.updatedAt);
    if (!forward || !updatedAt) continue;
    const { status, state } = readRemoteStatus(update.status);
    // An update at or before the latest one seen there (the overlap, given again) says nothing new of its status.
    const fresh = forward.remoteUpdatedAt === null || updatedAt > forward.remoteUpdatedAt;
    // The back office's record of taking the case is not news here.
    const taking = state === 'submitted' && !update.description;
    // A case open here takes every update; a closed one only the back office's reopening, or a note on its closing.
    const wanted = forward.status === 'open' ? !taking : fresh && (statusNews(forward, status) || (status === 'closed' && update.description !== null));
    if (wanted) {
      const change: BackOfficeUpdate = { remoteUpdateId: update.updateId, status, state, updatedAt, description: update.description, mediaUrl: update.mediaUrl };
      if (await applyBackOfficeUpdate(deps.db, deps.jurisdictionId, forward, change, deps.notify, deps.timeZone)) applied++;
      forward.status = status;
      if (update.description !== null) forward.statusNotes = update.description;
    }
    if (fresh) {
      forward.remoteStatus = status;
      forward.remoteUpdatedAt = updatedAt;
      seen.add(forward);
    }
  }
  for (const forward of seen) await recordRemoteSeen(deps.db, forward.caseId, { updatedAt: forward.remoteUpdatedAt, status: forward.remoteStatus! });
  await saveCursor(deps.db, address.endpointUrl, 1, to);
  return applied;
}

/** The cases' records: in lists of ids where the back office takes them, else one GET each. */
async function fetchRecords(deps: FetchDeps, address: BackOfficeAddress, cases: WatchedForward[], listSupported: number | null): Promise<number> {
  const records = new Map<string, RemoteRequest>();
  let left = cases;
  if (listSupported !== 0) {
    for (const batch of idBatches(cases.map((c) => c.externalId!))) {
      const listed = await getRequests(address, batch);
      if (listed === null) {
        await saveListSupport(deps.db, address.endpointUrl, 0);
        deps.log?.info({ backOffice: address.endpointUrl }, 'the back office does not answer a list of service_request_id: its cases are asked for one by one');
        break;
      }
      for (const [id, record] of listed) records.set(id, record);
      if (listSupported === null && records.size > 0) {
        await saveListSupport(deps.db, address.endpointUrl, 1);
        listSupported = 1;
      }
    }
    // What a list did not answer (the back office no longer lists it, or lists are not taken) is asked for on its own.
    left = cases.filter((c) => !records.has(c.externalId!));
  }
  for (const forward of left) records.set(forward.externalId!, await getRequest(address, forward.externalId!));
  let applied = 0;
  for (const forward of cases) applied += await applyRecord(deps, forward, records.get(forward.externalId!)!);
  return applied;
}

function idBatches(ids: string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const id of ids) {
    if (current.length > 0 && (current.length >= IDS_PER_LIST || chars + id.length + 1 > MAX_LIST_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(id);
    chars += id.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * One case's record as the back office now has it: news when its status changed there since last
 * seen (either way), or, for a case open here and there, when it says other notes than the case.
 */
async function applyRecord(deps: FetchDeps, forward: WatchedForward, remote: RemoteRequest): Promise<number> {
  const updatedAt = remote.updatedAt ? parseZonedDateTime(remote.updatedAt) : null;
  if (!updatedAt) return 0;
  const { status, state } = readRemoteStatus(remote.status);
  const moved = updatedAt !== forward.remoteUpdatedAt;
  // Not only when the record's time moved: the back office gives times to the second, so a note
  // added in the same second as the record last seen would be missed for good. A note applied
  // before is known by its update key (the time and status), so our own staff's notes here are
  // never overwritten by a note already brought back.
  const notes = status === 'open' && forward.status === 'open' && remote.statusNotes !== null && remote.statusNotes !== forward.statusNotes;
  let applied = 0;
  if (statusNews(forward, status) || notes) {
    // Times are often to the second, so two changes may share one: the status is part of the key.
    const change: BackOfficeUpdate = { remoteUpdateId: `at:${updatedAt}:${status}`, status, state, updatedAt, description: remote.statusNotes, mediaUrl: null };
    if (await applyBackOfficeUpdate(deps.db, deps.jurisdictionId, forward, change, deps.notify, deps.timeZone)) applied++;
  }
  if (moved || status !== forward.remoteStatus) await recordRemoteSeen(deps.db, forward.caseId, { updatedAt, status });
  return applied;
}

async function saveListSupport(db: DB, endpointUrl: string, supported: 0 | 1): Promise<void> {
  await db.insertInto('forwarding_cursors').values({ endpoint_url: endpointUrl, updates_supported: null, fetched_to: null, list_supported: supported })
    .onConflict((oc) => oc.column('endpoint_url').doUpdateSet({ list_supported: supported })).execute();
}

async function saveCursor(db: DB, endpointUrl: string, updatesSupported: 0 | 1, fetchedTo: string | null): Promise<void> {
  await db.insertInto('forwarding_cursors').values({ endpoint_url: endpointUrl, updates_supported: updatesSupported, fetched_to: fetchedTo })
    .onConflict((oc) => oc.column('endpoint_url').doUpdateSet({ updates_supported: updatesSupported, fetched_to: fetchedTo })).execute();
}

/** The scheduled job: one process at a time fetches, every `everyMs`. */
export const forwardingJobs = (deps: FetchDeps, everyMs: number): ScheduledJob[] => [{ name: 'forwarding-fetch-updates', everyMs, run: () => fetchBackOfficeUpdates(deps) }];
