/**
 * Reading cases: one by id or token, searches and counts for the Open311 API and the public
 * pages, the public updates, and a case's history. Readers outside the case module use these.
 */
import { parseId } from '../platform/ids.js';
import type { Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import { notFound } from '../platform/errors.js';
import type { AppliedUpdate } from './outside-updates.js';
import * as store from './store.js';
import type { AttributeAnswers, Channel, PublicStatus, ServiceRequest } from './types.js';

/** The case row alone, in the jurisdiction (the staff case page). */
export { findCaseRow } from './store.js';

export async function getServiceRequest(db: DB, jurisdictionId: string, id: string): Promise<ServiceRequest> {
  const caseId = parseId(id);
  const row = caseId !== null ? await store.findPublicCase(db, jurisdictionId, caseId) : undefined;
  // An application is personal: it is never shown where service requests are (Open311, public pages).
  if (!row || row.kind !== 'service_request') throw notFound(`There is no service request with id "${id}".`);
  return toServiceRequest(row);
}

export async function findRequestIdByToken(db: DB, jurisdictionId: string, token: string): Promise<string> {
  const row = await store.findCaseByToken(db, jurisdictionId, token);
  if (!row || row.kind !== 'service_request') throw notFound(`There is no service request with token "${token}".`);
  return String(row.id);
}

export interface RequestSearch {
  ids?: string[];
  serviceCodes?: string[];
  statuses?: PublicStatus[];
  from?: string;
  to?: string;
  /** Only requests last updated in this range (Open311 updated_after, updated_before); the latest update first. */
  updatedFrom?: string;
  updatedTo?: string;
  /** Only requests located inside this box (an area of the public reports page). */
  within?: Bounds;
  /** Only requests with a map position. */
  located?: boolean;
  limit: number;
  offset: number;
}

/** A search's filters as the store takes them: only those given. */
function caseFilters(search: Omit<RequestSearch, 'ids' | 'limit' | 'offset'>) {
  return {
    ...(search.serviceCodes ? { serviceCodes: search.serviceCodes } : {}),
    ...(search.statuses ? { statuses: search.statuses } : {}),
    ...(search.from ? { requestedFrom: search.from } : {}),
    ...(search.to ? { requestedTo: search.to } : {}),
    ...(search.updatedFrom ? { updatedFrom: search.updatedFrom } : {}),
    ...(search.updatedTo ? { updatedTo: search.updatedTo } : {}),
    ...(search.within ? { within: search.within } : {}),
    ...(search.located ? { located: true } : {}),
  };
}

export async function searchServiceRequests(db: DB, jurisdictionId: string, search: RequestSearch): Promise<ServiceRequest[]> {
  const ids = search.ids?.map(parseId).filter((id): id is number => id !== null);
  const rows = await store.searchCases(db, jurisdictionId, { ...(ids ? { ids } : {}), ...caseFilters(search), limit: search.limit, offset: search.offset });
  return rows.map(toServiceRequest);
}

/** How many requests a search finds, ignoring its ids, limit and offset (for paging). */
export async function countServiceRequests(db: DB, jurisdictionId: string, search: Omit<RequestSearch, 'ids' | 'limit' | 'offset'>): Promise<number> {
  return store.countMatchingCases(db, jurisdictionId, caseFilters(search));
}

export async function listStatusUpdates(db: DB, jurisdictionId: string, range: { from: string; to: string; limit: number; offset: number }): Promise<AppliedUpdate[]> {
  const rows = await store.selectPublicUpdates(db, jurisdictionId, range);
  return rows.map((row) => ({
    updateId: String(row.id),
    requestId: String(row.case_id),
    status: (row.status ?? 'open') as PublicStatus,
    // The status as its sender named it, where Townhall's state for it is another word.
    state: sentStatusOf(row.details) ?? row.state ?? '',
    updatedAt: row.created_at,
    description: row.description,
    mediaUrl: row.media_url,
  }));
}

function sentStatusOf(details: string): string | undefined {
  try {
    const sent = (JSON.parse(details) as { sentStatus?: unknown }).sentStatus;
    return typeof sent === 'string' ? sent : undefined;
  } catch {
    return undefined;
  }
}

/** The action that closed a case: its latest public action that set the status to closed (undefined if none). */
export async function closingActionId(db: DB, caseId: number): Promise<number | undefined> {
  return (await store.closingAction(db, caseId))?.id;
}

export function toServiceRequest(row: store.PublicCase): ServiceRequest {
  return {
    id: String(row.id),
    serviceCode: row.service_code,
    serviceName: row.service_name,
    description: row.description,
    lat: row.lat,
    long: row.long,
    addressString: row.address_string,
    addressId: row.address_id,
    zipcode: row.zipcode,
    attributes: JSON.parse(row.attributes) as AttributeAnswers,
    mediaUrls: JSON.parse(row.media_urls) as string[],
    status: row.status as PublicStatus,
    state: row.state,
    statusNotes: row.status_notes,
    agencyResponsible: row.agency_responsible,
    serviceNotice: row.service_notice,
    channel: row.channel as Channel,
    token: row.token,
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    expectedAt: row.expected_at,
    closedAt: row.closed_at,
  };
}

export interface CaseHistoryEntry {
  action: string;
  actor: string;
  status: string | null;
  state: string | null;
  description: string | null;
  at: string;
  public: boolean;
}

/** Every action appended to a case, oldest first. */
export async function caseHistory(db: DB, caseId: number): Promise<CaseHistoryEntry[]> {
  const rows = await store.selectActions(db, caseId);
  return rows.map((row) => ({ action: row.action, actor: row.actor, status: row.status, state: row.state, description: row.description, at: row.created_at, public: row.public === 1 }));
}

/** Open cases whose workflow has not started (imported ones), oldest first. */
export async function openCasesWithoutWorkflow(db: DB, jurisdictionId: string): Promise<number[]> {
  const rows = await db.selectFrom('cases').select('id').where('jurisdiction_id', '=', jurisdictionId)
    .where('status', '=', 'open').where('workflow_version_id', 'is', null).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** The case a submission's idempotency key made, and when (undefined: none yet). */
export async function caseSubmittedWithKey(db: DB, key: string): Promise<{ caseId: number; at: string } | undefined> {
  const row = await store.actionByIdempotencyKey(db, key);
  return row ? { caseId: row.case_id, at: row.created_at } : undefined;
}

/** Every action on a case in the order they were appended, with their details (the staff case page). */
export async function caseActionsInOrder(db: DB, caseId: number) {
  return db.selectFrom('case_actions').select(['id', 'action', 'actor', 'status', 'state', 'description', 'details', 'public', 'created_at'])
    .where('case_id', '=', caseId).orderBy('id').execute();
}

/** What a public case stream needs to start (its status and last update), in the jurisdiction. */
export async function caseStatus(db: DB, jurisdictionId: string, id: number): Promise<{ id: number; status: string; state: string; updatedAt: string } | undefined> {
  return db.selectFrom('cases').select(['id', 'status', 'state', 'updated_at as updatedAt'])
    .where('id', '=', id).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
}

/** The department a case is worked by, and its service's own department (for who may watch it live). */
export async function caseDepartments(db: DB, jurisdictionId: string, id: number) {
  return db.selectFrom('cases')
    .leftJoin('services', (join) => join.onRef('services.code', '=', 'cases.service_code').onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id'))
    .leftJoin('departments', 'departments.id', 'cases.department_id')
    .select(['cases.id', 'services.department_code', 'cases.department_id', 'departments.code as case_department'])
    .where('cases.id', '=', id).where('cases.jurisdiction_id', '=', jurisdictionId)
    .executeTakeFirst();
}

/**
 * Closed cases of a service that still hold reporter details and were closed on or before the
 * cutoff, longest closed first (retention).
 */
export async function closedCasesWithReporters(db: DB, jurisdictionId: string, serviceCode: string, cutoff: string, limit: number) {
  return db.selectFrom('cases')
    .innerJoin('case_reporters', 'case_reporters.case_id', 'cases.id')
    .select(['cases.id', 'cases.closed_at'])
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .where('cases.service_code', '=', serviceCode)
    .where('cases.status', '=', 'closed')
    .where('cases.closed_at', '<=', cutoff)
    .orderBy('cases.closed_at')
    .limit(limit)
    .execute();
}

/** What an outside system hears about cases that changed (webhooks): no reporter, no text. */
export async function casesForEvents(db: DB, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('cases')
    .leftJoin('departments', 'departments.id', 'cases.department_id')
    .select(['cases.id', 'cases.jurisdiction_id', 'cases.kind', 'cases.service_code', 'departments.code as department_code', 'cases.status', 'cases.state',
      'cases.priority', 'cases.requested_at', 'cases.updated_at', 'cases.closed_at', 'cases.staff_answers'])
    .where('cases.id', 'in', ids).execute();
}

// ---- Cases by place and time, for incidents and surge detection (read-only) ----

const summaryColumns = ['cases.id', 'cases.kind', 'cases.service_code', 'services.name as service_name', 'cases.description', 'cases.address_string', 'cases.lat', 'cases.long', 'cases.status', 'cases.requested_at'] as const;
const withService = (db: DB) => db.selectFrom('cases')
  .innerJoin('services', (join) => join.onRef('services.jurisdiction_id', '=', 'cases.jurisdiction_id').onRef('services.code', '=', 'cases.service_code'));

/** Cases by id with their service's name, newest first: the lines of a list of linked cases. */
export async function caseSummaries(db: DB, jurisdictionId: string, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return withService(db).select([...summaryColumns]).where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.id', 'in', [...ids])
    .orderBy('cases.requested_at', 'desc').orderBy('cases.id', 'desc').execute();
}

/** Which of these ids are residents' reports (never applications or incidents) of the jurisdiction. */
export async function serviceRequestIds(db: DB, jurisdictionId: string, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('cases').select('id').where('jurisdiction_id', '=', jurisdictionId).where('kind', '=', 'service_request').where('id', 'in', [...ids]).execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Residents' open reports in a box since a time, of the given services (all when none), newest
 * first: candidates the caller checks against an exact area. Reads the (jurisdiction,
 * requested_at) index range, then the box.
 */
export function openReportsInBox(db: DB, jurisdictionId: string, box: Bounds, since: string, serviceCodes: readonly string[], limit: number) {
  let query = withService(db).select([...summaryColumns])
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.kind', '=', 'service_request').where('cases.status', '=', 'open')
    .where('cases.requested_at', '>=', since)
    .where('cases.lat', '>=', box.minLat).where('cases.lat', '<=', box.maxLat).where('cases.long', '>=', box.minLong).where('cases.long', '<=', box.maxLong);
  if (serviceCodes.length > 0) query = query.where('cases.service_code', 'in', [...serviceCodes]);
  return query.orderBy('cases.requested_at', 'desc').limit(limit).execute();
}

/** Residents' reports with a place made between two times (the surge job's hour). */
export const reportsMadeBetween = (db: DB, jurisdictionId: string, from: string, to: string) => db.selectFrom('cases')
  .select(['id', 'service_code', 'lat', 'long', 'requested_at'])
  .where('jurisdiction_id', '=', jurisdictionId).where('kind', '=', 'service_request')
  .where('requested_at', '>=', from).where('requested_at', '<', to).where('lat', 'is not', null).execute();

/** The places of one service's reports in a box between two times (a past week's same hour). */
export const serviceReportPlaces = (db: DB, jurisdictionId: string, serviceCode: string, box: Bounds, from: string, to: string) => db.selectFrom('cases')
  .select(['lat', 'long'])
  .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('kind', '=', 'service_request')
  .where('requested_at', '>=', from).where('requested_at', '<', to)
  .where('lat', '>=', box.minLat).where('lat', '<=', box.maxLat).where('long', '>=', box.minLong).where('long', '<=', box.maxLong).execute();
