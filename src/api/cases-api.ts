/**
 * The REST API for staff systems (/api/v1): service requests, their history and services to
 * read, and actions on a case, taken through the workflow engine (cases/actions.ts
 * performCaseAction) as the member of staff the system names, like the GovStack API's tasks;
 * an audit entry records which key asked, in the same transaction. Reporters' contact details
 * are never part of it.
 */
import type { AuthenticatedKey } from '../apikeys/apikeys.js';
import { appendAudit } from '../audit/audit.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import { caseHistory, casesForEvents, countServiceRequests, getServiceRequest, searchServiceRequests } from '../cases/queries.js';
import type { AttributeAnswers, PublicStatus, ServiceRequest } from '../cases/types.js';
import { parseStaffAnswers } from '../cases/staff-answers.js';
import { listServices } from '../catalogue/catalogue.js';
import { findUser } from '../identity/store.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import type { CaseActionInput, WorkflowActor } from '../workflow/types.js';

export interface CaseSummary {
  id: string;
  serviceCode: string;
  serviceName: string;
  status: PublicStatus;
  state: string;
  department: string | null;
  priority: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  address: string | null;
  mediaUrls: string[];
  requestedAt: string;
  updatedAt: string;
  expectedAt: string | null;
  closedAt: string | null;
  /** Answers to the service's staff-only questions (staff systems only: never in Open311 or public pages). */
  staffAnswers: AttributeAnswers;
}

const present = (request: ServiceRequest, staff: { department_code: string | null; priority: string; staff_answers: string } | undefined): CaseSummary => ({
  id: request.id, serviceCode: request.serviceCode, serviceName: request.serviceName, status: request.status, state: request.state,
  department: staff?.department_code ?? null, priority: staff?.priority ?? 'normal', description: request.description, lat: request.lat, long: request.long,
  address: request.addressString, mediaUrls: request.mediaUrls, requestedAt: request.requestedAt, updatedAt: request.updatedAt, expectedAt: request.expectedAt, closedAt: request.closedAt,
  staffAnswers: parseStaffAnswers(staff?.staff_answers),
});

export interface CaseQuery {
  service_code?: string;
  status?: string;
  requested_after?: string;
  requested_before?: string;
  limit?: number;
  offset?: number;
}

const timeOf = (value: string | undefined, name: string): string | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) throw invalid(`${name} must be a date and time such as 2026-05-01T09:00:00Z.`);
  return new Date(value).toISOString();
};

export async function listCases(deps: RouteDeps, query: CaseQuery): Promise<{ cases: CaseSummary[]; total: number; limit: number; offset: number }> {
  const jurisdictionId = deps.config.jurisdiction.id;
  const statuses = query.status === undefined ? undefined : query.status.split(',');
  if (statuses && statuses.some((s) => s !== 'open' && s !== 'closed')) throw invalid('status must be open, closed, or both separated by a comma.');
  const search = {
    ...(query.service_code !== undefined ? { serviceCodes: query.service_code.split(',') } : {}),
    ...(statuses ? { statuses: statuses as PublicStatus[] } : {}),
    ...(query.requested_after !== undefined ? { from: timeOf(query.requested_after, 'requested_after')! } : {}),
    ...(query.requested_before !== undefined ? { to: timeOf(query.requested_before, 'requested_before')! } : {}),
  };
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const found = await searchServiceRequests(deps.db, jurisdictionId, { ...search, limit, offset });
  const staff = new Map((await casesForEvents(deps.db, found.map((c) => Number(c.id)))).map((row) => [String(row.id), row]));
  return { cases: found.map((c) => present(c, staff.get(c.id))), total: await countServiceRequests(deps.db, jurisdictionId, search), limit, offset };
}

export async function getCase(deps: RouteDeps, id: string): Promise<CaseSummary> {
  const found = await getServiceRequest(deps.db, deps.config.jurisdiction.id, id);
  const [staff] = await casesForEvents(deps.db, [Number(found.id)]);
  return present(found, staff);
}

export async function caseActions(deps: RouteDeps, id: string) {
  const found = await getServiceRequest(deps.db, deps.config.jurisdiction.id, id);
  return (await caseHistory(deps.db, Number(found.id))).map((entry) => ({
    action: entry.action, actor: entry.actor, status: entry.status, state: entry.state, description: entry.description, at: entry.at, public: entry.public,
  }));
}

/** What a system may ask of a case: the steps staff take on its page, as a named member of staff. */
export interface ActionRequest {
  operatorId: string;
  idempotencyKey: string;
  kind: 'claim' | 'assign' | 'transition' | 'set_priority' | 'public_update' | 'note';
  transition?: string;
  reason?: string;
  publicNote?: string;
  text?: string;
  userId?: number | null;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
}

function engineInput(request: ActionRequest): CaseActionInput {
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw invalid(`A ${request.kind} action needs ${what}.`);
    return value;
  };
  switch (request.kind) {
    case 'claim': return { kind: 'claim' };
    case 'assign': return { kind: 'assign', userId: need<number | null>(request.userId, 'userId (a staff member\'s user id, or null to leave it unassigned)') };
    case 'transition': return {
      kind: 'transition', transition: need(request.transition, 'transition (the workflow step, e.g. "start_work")'),
      ...(request.reason !== undefined ? { reason: request.reason } : {}), ...(request.publicNote !== undefined ? { publicNote: request.publicNote } : {}),
    };
    case 'set_priority': return { kind: 'set_priority', priority: need(request.priority, 'priority (low, normal, high or urgent)') };
    case 'public_update': return { kind: 'public_update', text: need(request.text, 'text') };
    case 'note': return { kind: 'note', text: need(request.text, 'text') };
  }
}

export async function takeAction(deps: RouteDeps, key: AuthenticatedKey, id: string, request: ActionRequest): Promise<{ caseId: string; actionId: number; repeated: boolean }> {
  const { db, config, keyring } = deps;
  const found = await getServiceRequest(db, config.jurisdiction.id, id);
  const input = engineInput(request);
  const userId = parseId(request.operatorId);
  const user = userId === null ? undefined : await findUser(db, userId);
  if (!user || user.status !== 'active' || user.role === 'resident') throw invalid(`operatorId: "${request.operatorId.slice(0, 40)}" is not an active staff member's user id.`);
  const actor: WorkflowActor = { id: `user:${user.id}`, userId: user.id, role: user.role as WorkflowActor['role'], departmentId: user.department_id };
  const ctx: EngineContext = { jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone, notify: { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name } };
  const result = await db.transaction().execute(async (trx) => {
    const done = await performCaseAction(trx, ctx, Number(found.id), input, actor, `api:${key.id}:${request.idempotencyKey}`);
    if (!done.repeated) {
      await appendAudit(trx, {
        actor: `api_key:${key.id}`, action: 'api.case_action', entityType: 'service_request', entityId: found.id,
        after: { kind: request.kind, operator: actor.id, actionId: done.actionId },
      });
    }
    return done;
  });
  if (!result) throw notFound(`There is no service request with id "${id}".`);
  return { caseId: found.id, actionId: result.actionId, repeated: result.repeated };
}

export async function listServicesForApi(deps: RouteDeps) {
  return (await listServices(deps.db, deps.config.jurisdiction.id, { includeInactive: true })).map((s) => ({
    code: s.code, name: s.name, description: s.description, group: s.groupCode, type: s.type, active: s.active,
  }));
}
