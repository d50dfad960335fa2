/**
 * Service requests: a resident's report of a problem, the first kind of case. A case changes
 * only by appending an action, in one transaction with the audit entry and the new state.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { getService, getServiceForReport } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import { withinBounds, type Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { conflict, DomainError, invalid, notFound } from '../platform/errors.js';
import { addDays, nowIso } from '../platform/time.js';
import { caseChanged, type CaseChangeDeps } from '../notifications/case-updates.js';
import { isTrainingJurisdiction } from '../training/space.js';
import { publishEvents } from '../platform/events.js';
import { caseEvents, followOutsideChange, startCaseWorkflow } from '../workflow/engine.js';
import { checkAnswers } from './answers.js';
import { hasContact, sealReporter } from './reporters.js';
import * as store from './store.js';
import type { AttributeAnswers, Channel, HistoricRequest, PublicStatus, ReporterContact } from './types.js';

export const MAX_DESCRIPTION = 4_000;
export const MAX_MEDIA_URLS = 5;

export interface Jurisdiction {
  id: string;
  bounds: Bounds;
  /** IANA time zone: the working day of departments without a calendar of their own (default UTC). */
  timeZone?: string;
}

/** What submitting a request needs besides the request: where, and the keys that seal personal data. */
export interface SubmissionContext {
  jurisdiction: Jurisdiction;
  keyring: Keyring;
}

export interface ServiceRequest {
  id: string;
  serviceCode: string;
  serviceName: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  addressId: string | null;
  zipcode: string | null;
  attributes: AttributeAnswers;
  mediaUrls: string[];
  status: PublicStatus;
  state: string;
  statusNotes: string | null;
  agencyResponsible: string | null;
  serviceNotice: string | null;
  channel: Channel;
  token: string;
  requestedAt: string;
  updatedAt: string;
  expectedAt: string | null;
  closedAt: string | null;
}

export interface NewServiceRequest {
  serviceCode: string;
  description?: string | null;
  lat?: number | null;
  long?: number | null;
  addressString?: string | null;
  addressId?: string | null;
  zipcode?: string | null;
  attributes: AttributeAnswers;
  mediaUrls: string[];
  channel: Channel;
  contact: ReporterContact;
}

export interface Actor {
  /** "api_key:3", "cli", "seed", later "user:42". */
  id: string;
  apiKeyId?: number;
}

/**
 * Checks a new request fully (every problem at once) and stores it with its first action and
 * audit entry. `afterInsert` runs inside the transaction that creates the case (the portal's photos, follow
 * and confirmation email); if it throws, the case is not created.
 */
export async function submitServiceRequest(db: DB, { jurisdiction, keyring }: SubmissionContext, input: NewServiceRequest, actor: Actor,
  afterInsert?: (trx: DB, caseId: number) => Promise<void>): Promise<ServiceRequest> {
  const service = await findServiceForReport(db, jurisdiction.id, input.serviceCode);
  const problems: string[] = [];
  const description = input.description?.trim() || null;
  if (description && [...description].length > MAX_DESCRIPTION) problems.push(`The description must be at most ${MAX_DESCRIPTION} characters; it has ${[...description].length}.`);
  problems.push(...checkLocation(input, jurisdiction.bounds));
  problems.push(...checkMediaUrls(input.mediaUrls));
  problems.push(...checkContact(input.contact));
  const { answers, problems: answerProblems } = checkAnswers(service, input.attributes);
  problems.push(...answerProblems.map((p) => p.message));
  if (problems.length > 0) throw invalid(problems[0] as string, problems);

  const at = nowIso();
  const created = await db.transaction().execute(async (trx) => {
    const inserted = await store.insertCase(trx, {
      jurisdiction_id: jurisdiction.id,
      kind: 'service_request',
      service_code: service.code,
      description,
      lat: input.lat ?? null,
      long: input.long ?? null,
      address_string: input.addressString?.trim() || null,
      address_id: input.addressId?.trim() || null,
      zipcode: input.zipcode?.trim() || null,
      attributes: JSON.stringify(answers),
      media_urls: JSON.stringify(input.mediaUrls),
      status: 'open',
      state: 'submitted',
      status_notes: null,
      agency_responsible: service.agencyResponsible,
      channel: input.channel,
      token: randomUUID(),
      requested_at: at,
      updated_at: at,
      expected_at: service.expectedDays === null ? null : addDays(at, service.expectedDays),
      closed_at: null,
      api_key_id: actor.apiKeyId ?? null,
    }, hasContact(input.contact) ? sealReporter(keyring, input.contact) : null);
    // Its workflow, department, assignee and clocks are part of the submission, not a later change.
    await startCaseWorkflow(trx, { jurisdictionId: jurisdiction.id, timeZone: jurisdiction.timeZone ?? 'UTC' }, inserted.id);
    const row = await trx.selectFrom('cases').selectAll().where('id', '=', inserted.id).executeTakeFirstOrThrow();
    await store.insertAction(trx, {
      caseId: row.id, action: 'submitted', actor: actor.id, idempotencyKey: null, status: row.status, state: row.state,
      description: null, mediaUrl: null, details: { channel: input.channel }, isPublic: true, at,
    });
    await appendAudit(trx, { actor: actor.id, action: 'service_request.submitted', entityType: 'service_request', entityId: String(row.id), after: publicAuditView(row) });
    if (afterInsert) await afterInsert(trx, row.id);
    await publishEvents(trx, caseEvents(row, 'submitted', [row.department_id], null));
    return row;
  });
  return toServiceRequest({ ...created, service_name: service.name, service_notice: service.serviceNotice });
}

async function findServiceForReport(db: DB, jurisdictionId: string, code: string): Promise<Service> {
  let service: Service;
  try {
    service = await getServiceForReport(db, jurisdictionId, code);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') throw notFound(`There is no service with code "${code}". GET services lists the codes.`);
    throw error;
  }
  if (!service.active) throw invalid(`The service "${code}" no longer takes new reports.`);
  return service;
}

function checkLocation(input: NewServiceRequest, bounds: Bounds): string[] {
  const hasLat = input.lat !== undefined && input.lat !== null;
  const hasLong = input.long !== undefined && input.long !== null;
  if (hasLat !== hasLong) return ['Give both lat and long, or neither.'];
  if (!hasLat && !input.addressString?.trim() && !input.addressId?.trim()) {
    return ['Say where the problem is: give lat and long, an address_string or an address_id.'];
  }
  if (hasLat && hasLong) {
    const lat = input.lat as number;
    const long = input.long as number;
    if (!Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) {
      return ['lat must be a number from -90 to 90 and long a number from -180 to 180 (WGS84 degrees).'];
    }
    if (!withinBounds(bounds, lat, long)) {
      return [`The location ${lat}, ${long} is outside the area this council covers (lat ${bounds.minLat} to ${bounds.maxLat}, long ${bounds.minLong} to ${bounds.maxLong}).`];
    }
  }
  const problems: string[] = [];
  if ((input.addressString?.length ?? 0) > 500) problems.push('address_string must be at most 500 characters.');
  if ((input.addressId?.length ?? 0) > 200) problems.push('address_id must be at most 200 characters.');
  if ((input.zipcode?.length ?? 0) > 20) problems.push('zipcode must be at most 20 characters.');
  return problems;
}

function checkMediaUrls(urls: string[]): string[] {
  if (urls.length > MAX_MEDIA_URLS) return [`At most ${MAX_MEDIA_URLS} media URLs can be attached.`];
  for (const url of urls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch { /* reported below */ }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || url.length > 2000) {
      return [`media_url must be an http or https address of at most 2,000 characters; got "${url.slice(0, 100)}".`];
    }
  }
  return [];
}

function checkContact(contact: ReporterContact): string[] {
  const problems: string[] = [];
  if (contact.email && (contact.email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.email))) problems.push(`"${contact.email.slice(0, 100)}" is not an email address.`);
  if (contact.phone && !/^[+0-9 ().-]{3,30}$/.test(contact.phone)) problems.push('phone may contain only digits, spaces, brackets, dots, dashes and a leading +, at most 30 characters.');
  for (const [name, value] of [['first_name', contact.firstName], ['last_name', contact.lastName], ['device_id', contact.deviceId], ['account_id', contact.accountId]] as const) {
    if (value && value.length > 200) problems.push(`${name} must be at most 200 characters.`);
  }
  return problems;
}

/** What the audit trail keeps of a case: its public fields and who works it, never the reporter's details. */
const publicAuditView = store.auditViewOfCase;

export async function getServiceRequest(db: DB, jurisdictionId: string, id: string): Promise<ServiceRequest> {
  const row = /^\d{1,15}$/.test(id) ? await store.findCase(db, jurisdictionId, Number(id)) : undefined;
  if (!row) throw notFound(`There is no service request with id "${id}".`);
  return toServiceRequest(row);
}

export async function findRequestIdByToken(db: DB, jurisdictionId: string, token: string): Promise<string> {
  const row = await store.findCaseByToken(db, jurisdictionId, token);
  if (!row) throw notFound(`There is no service request with token "${token}".`);
  return String(row.id);
}

export interface RequestSearch {
  ids?: string[];
  serviceCodes?: string[];
  statuses?: PublicStatus[];
  from?: string;
  to?: string;
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
    ...(search.within ? { within: search.within } : {}),
    ...(search.located ? { located: true } : {}),
  };
}

export async function searchServiceRequests(db: DB, jurisdictionId: string, search: RequestSearch): Promise<ServiceRequest[]> {
  const ids = search.ids?.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  const rows = await store.searchCases(db, jurisdictionId, { ...(ids ? { ids } : {}), ...caseFilters(search), limit: search.limit, offset: search.offset });
  return rows.map(toServiceRequest);
}

/** How many requests a search finds, ignoring its ids, limit and offset (for paging). */
export async function countServiceRequests(db: DB, jurisdictionId: string, search: Omit<RequestSearch, 'ids' | 'limit' | 'offset'>): Promise<number> {
  return store.countMatchingCases(db, jurisdictionId, caseFilters(search));
}

export interface StatusUpdate {
  /** The back office's own id for this update: applied once, a repeat is refused. */
  updateId: string;
  requestId: string;
  status: PublicStatus;
  /** The detailed state, e.g. "action_scheduled", "fixed", "duplicate". */
  state: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
}

/** An update as Townhall lists it: the same fields, with Townhall's own update id. */
export type AppliedUpdate = StatusUpdate;

/**
 * Applies a status update from an outside system (an Open311 back office) as an appended action.
 * The update is public, so the reporter and followers are emailed about it (in the same transaction).
 */
export async function applyStatusUpdate(db: DB, jurisdictionId: string, update: StatusUpdate, actor: Actor, notify: CaseChangeDeps, timeZone = 'UTC'): Promise<AppliedUpdate> {
  const idempotencyKey = `open311-update:${update.updateId}`;
  return db.transaction().execute(async (trx) => {
    const current = /^\d{1,15}$/.test(update.requestId) ? await store.findCase(trx, jurisdictionId, Number(update.requestId)) : undefined;
    if (!current) throw notFound(`There is no service request with id "${update.requestId}".`);
    if (await store.actionByIdempotencyKey(trx, idempotencyKey)) throw conflict(`The update with update_id "${update.updateId}" was already received; it was not applied again.`);
    const receivedAt = nowIso();
    const changes = {
      status: update.status,
      state: update.state,
      status_notes: update.description ?? current.status_notes,
      // The back office's time of its latest update: for a closed request, when it was closed.
      updated_at: update.updatedAt,
      closed_at: update.status === 'closed' ? (current.status === 'closed' ? current.closed_at : update.updatedAt) : null,
    };
    const actionId = await store.insertAction(trx, {
      caseId: current.id, action: 'status_update', actor: actor.id, idempotencyKey, status: update.status, state: update.state,
      description: update.description, mediaUrl: update.mediaUrl, details: { updateId: update.updateId, receivedAt }, isPublic: true, at: update.updatedAt,
    });
    const after = await store.updateCase(trx, current.id, changes);
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.status_updated', entityType: 'service_request', entityId: String(current.id),
      before: publicAuditView(current), after: { ...publicAuditView(after), action_id: actionId, update_id: update.updateId },
    });
    // Practice cases never reach residents.
    if (!isTrainingJurisdiction(jurisdictionId)) await caseChanged(trx, notify, { caseId: current.id, actionId, serviceName: current.service_name, closed: update.status === 'closed', note: update.description });
    await followOutsideChange(trx, { jurisdictionId, timeZone }, current, after, 'status_update');
    return { ...update, updateId: String(actionId) };
  });
}

/** The action that closed a case: its latest public action that set the status to closed (undefined if none). */
export async function closingActionId(db: DB, caseId: number): Promise<number | undefined> {
  const row = await db.selectFrom('case_actions').select('id')
    .where('case_id', '=', caseId).where('public', '=', 1).where('status', '=', 'closed')
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id;
}

/**
 * Reopens a closed case for staff to look at again (the reporter says the problem is not fixed):
 * an appended public action, the case's new state and an audit entry, in the caller's
 * transaction when there is one. The reason given is public; keep personal details out of it.
 */
export async function reopenCase(db: DB, jurisdictionId: string, caseId: number, reopening: { description: string; details: Record<string, unknown> }, actor: Actor, timeZone = 'UTC'): Promise<void> {
  const run = async (trx: DB) => {
    const current = await store.findCase(trx, jurisdictionId, caseId);
    if (!current) throw notFound(`There is no service request with id "${caseId}".`);
    if (current.status !== 'closed') throw conflict(`Service request ${caseId} is not closed, so it cannot be reopened.`);
    const at = nowIso();
    const actionId = await store.insertAction(trx, {
      caseId, action: 'reopened', actor: actor.id, idempotencyKey: null, status: 'open', state: 'reopened',
      description: reopening.description, mediaUrl: null, details: reopening.details, isPublic: true, at,
    });
    const after = await store.updateCase(trx, caseId, { status: 'open', state: 'reopened', status_notes: reopening.description, closed_at: null, updated_at: at, merged_into: null });
    await appendAudit(trx, {
      actor: actor.id, action: 'service_request.reopened', entityType: 'service_request', entityId: String(caseId),
      before: publicAuditView(current), after: { ...publicAuditView(after), action_id: actionId },
    });
    await followOutsideChange(trx, { jurisdictionId, timeZone }, current, after, 'reopened');
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
}

export async function listStatusUpdates(db: DB, jurisdictionId: string, range: { from: string; to: string; limit: number; offset: number }): Promise<AppliedUpdate[]> {
  const rows = await store.selectPublicUpdates(db, jurisdictionId, range);
  return rows.map((row) => ({
    updateId: String(row.id),
    requestId: String(row.case_id),
    status: (row.status ?? 'open') as PublicStatus,
    state: row.state ?? '',
    updatedAt: row.created_at,
    description: row.description,
    mediaUrl: row.media_url,
  }));
}

export function toServiceRequest(row: store.CaseWithService): ServiceRequest {
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

/** Loads the demo's history: each request with its submission, its closing update and audit entries. */
export async function importHistoricRequests(db: DB, jurisdictionId: string, history: HistoricRequest[], actor: Actor): Promise<number> {
  const services = new Map<string, Service>();
  await db.transaction().execute(async (trx) => {
    for (const item of history) {
      let service = services.get(item.serviceCode);
      if (!service) services.set(item.serviceCode, service = await getService(trx, jurisdictionId, item.serviceCode));
      const row = await store.insertCase(trx, {
        jurisdiction_id: jurisdictionId, kind: 'service_request', service_code: item.serviceCode, description: item.description,
        lat: item.lat, long: item.long, address_string: item.addressString, address_id: null, zipcode: null,
        attributes: JSON.stringify(item.attributes), media_urls: '[]',
        status: item.closedAt ? 'closed' : 'open', state: item.closedAt ? 'closed' : 'submitted',
        status_notes: item.closedAt ? item.statusNotes : null, agency_responsible: item.agencyResponsible ?? service.agencyResponsible,
        channel: item.channel, token: randomUUID(), requested_at: item.requestedAt, updated_at: item.closedAt ?? item.requestedAt,
        expected_at: service.expectedDays === null ? null : addDays(item.requestedAt, service.expectedDays),
        closed_at: item.closedAt, api_key_id: null,
      }, null);
      await store.insertAction(trx, { caseId: row.id, action: 'submitted', actor: actor.id, idempotencyKey: null, status: 'open', state: 'submitted', description: null, mediaUrl: null, details: { channel: item.channel }, isPublic: true, at: item.requestedAt });
      if (item.closedAt) {
        await store.insertAction(trx, { caseId: row.id, action: 'status_update', actor: actor.id, idempotencyKey: null, status: 'closed', state: 'closed', description: item.statusNotes, mediaUrl: null, details: {}, isPublic: true, at: item.closedAt });
      }
      await appendAudit(trx, { actor: actor.id, action: 'service_request.imported', entityType: 'service_request', entityId: String(row.id), after: publicAuditView(row) });
    }
  });
  return history.length;
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
