/**
 * Client mode, fetching: a scheduled job brings each back office's updates of the cases it was
 * sent back into them, as FixMyStreet's "fetch updates" does. For each back office with open
 * forwarded cases: its servicerequestupdates since the last fetch (a little overlap, for clocks
 * that differ), or, when it does not answer that extension, GET requests/{id} for each open
 * forwarded case. Each update is applied once (keyed by the case and the back office's update
 * id, or its updated_datetime), as an appended public status update with an audit entry, so
 * fetching the same range twice changes nothing.
 */
import type { DB } from '../db/connection.js';
import { forwardingApiKey, listForwarding } from '../catalogue/forwarding.js';
import {
  applyBackOfficeUpdate, backOfficesWithOpenCases, openForwardedCases, recordExternalId, recordFetched, type BackOfficeUpdate, type CaseForward,
} from '../cases/forwarded.js';
import type { PublicStatus } from '../cases/types.js';
import type { CaseChangeDeps } from '../notifications/case-updates.js';
import type { Keyring } from '../platform/crypto.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { nowIso, parseZonedDateTime } from '../platform/time.js';
import { BackOfficeError, getRequest, getUpdates, requestIdOfToken, type BackOfficeAddress } from './client.js';

export interface FetchDeps {
  db: DB;
  keyring: Keyring;
  jurisdictionId: string;
  timeZone: string;
  notify: CaseChangeDeps;
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
    const address: BackOfficeAddress = { endpointUrl: office.endpointUrl, jurisdictionId: setting?.remoteJurisdictionId ?? null, apiKey: setting ? forwardingApiKey(deps.keyring, setting) : null };
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
async function learnIds(deps: FetchDeps, address: BackOfficeAddress, cases: CaseForward[]): Promise<void> {
  for (const forward of cases) {
    if (forward.externalId !== null || forward.token === null) continue;
    const id = await requestIdOfToken(address, forward.token);
    if (id) {
      await recordExternalId(deps.db, forward.caseId, id);
      forward.externalId = id;
    }
  }
}

async function fetchOne(deps: FetchDeps, address: BackOfficeAddress, cases: CaseForward[], earliestSentAt: string): Promise<number> {
  const byExternalId = new Map(cases.filter((c) => c.externalId !== null).map((c) => [c.externalId!, c]));
  if (byExternalId.size === 0) return 0;
  const cursor = await deps.db.selectFrom('forwarding_cursors').selectAll().where('endpoint_url', '=', address.endpointUrl).executeTakeFirst();
  const to = nowIso();
  if (cursor?.updates_supported !== 0) {
    const since = Date.parse(cursor?.fetched_to ?? earliestSentAt) - OVERLAP_MS;
    const from = new Date(Math.max(since, Date.parse(to) - MAX_RANGE_MS)).toISOString();
    let updates;
    try {
      updates = await getUpdates(address, from, to);
    } catch (error) {
      // A back office without FixMyStreet's extension: ask for each case instead, from now on.
      if (!(error instanceof BackOfficeError && (error.status === 404 || error.status === 501))) throw error;
      await saveCursor(deps.db, address.endpointUrl, 0, cursor?.fetched_to ?? null);
      return fetchEach(deps, address, [...byExternalId.values()]);
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
  return fetchEach(deps, address, [...byExternalId.values()]);
}

/** GET requests/{id} for each case: a change of its updated_datetime is an update. */
async function fetchEach(deps: FetchDeps, address: BackOfficeAddress, cases: CaseForward[]): Promise<number> {
  let applied = 0;
  for (const forward of cases) {
    const remote = await getRequest(address, forward.externalId!);
    const updatedAt = remote.updatedAt ? parseZonedDateTime(remote.updatedAt) : null;
    if (!updatedAt || updatedAt === forward.remoteUpdatedAt) continue;
    const { status, state } = readRemoteStatus(remote.status);
    // Still open with nothing said: the back office has only taken the case.
    if (status === 'open' && !remote.statusNotes && forward.remoteUpdatedAt === null) {
      await deps.db.updateTable('case_forwards').set({ remote_updated_at: updatedAt }).where('case_id', '=', forward.caseId).execute();
      continue;
    }
    const change: BackOfficeUpdate = { remoteUpdateId: `at:${updatedAt}`, status, state, updatedAt, description: remote.statusNotes, mediaUrl: null };
    if (await applyBackOfficeUpdate(deps.db, deps.jurisdictionId, forward, change, deps.notify, deps.timeZone)) applied++;
  }
  return applied;
}

async function saveCursor(db: DB, endpointUrl: string, updatesSupported: 0 | 1, fetchedTo: string | null): Promise<void> {
  await db.insertInto('forwarding_cursors').values({ endpoint_url: endpointUrl, updates_supported: updatesSupported, fetched_to: fetchedTo })
    .onConflict((oc) => oc.column('endpoint_url').doUpdateSet({ updates_supported: updatesSupported, fetched_to: fetchedTo })).execute();
}

/** The scheduled job: one process at a time fetches, every `everyMs`. */
export const forwardingJobs = (deps: FetchDeps, everyMs: number): ScheduledJob[] => [{ name: 'forwarding-fetch-updates', everyMs, run: () => fetchBackOfficeUpdates(deps) }];
