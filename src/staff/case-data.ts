/**
 * Loading a case for a member of staff (refused, and recorded, when it belongs to another
 * department) and gathering everything its page shows.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { caseActionsInOrder, findCaseRow } from '../cases/queries.js';
import { listServices } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import type { Role } from '../identity/roles.js';
import { caseListScope, may, staffRoles } from '../identity/policy.js';
import { signedIn } from '../identity/access.js';
import type { Keyring } from '../platform/crypto.js';
import { forbidden, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { formatForPeople, nowIso } from '../platform/time.js';
import { calendarForDepartment, workingMinutesBetween } from '../sla/calendar.js';
import { caseClocks } from '../sla/clocks.js';
import { nearbyOpenReports } from '../tracking/nearby.js';
import { inTraining, workspaceJurisdiction } from '../training/space.js';
import { availableTransitions } from '../workflow/workflow.js';
import type { Priority } from '../workflow/types.js';
import type { FieldErrors } from '../web/forms.js';
import { actorOf, fillResponseTemplate } from './actions.js';
import type { CaseView, ClockLine, HistoryLine } from './case-page.js';
import * as store from './store.js';

/** Roles that work cases (and so may act on them); analysts and emergency officers only read. */
export const caseWorkingRoles: readonly Role[] = ['case_worker', 'supervisor', 'department_admin', 'system_admin'];

export interface LoadedCase {
  row: CaseRow;
  /** The department's code (for the access rules) and id. */
  department: string | null;
  departmentId: number | null;
  service: Service | undefined;
}

/** Every workspace route: staff who passed their second factor; the record-level rule is loadCase's. */
export const staffAccess = { access: signedIn(staffRoles) };

export const newIdempotencyKey = () => randomBytes(16).toString('base64url');

export async function servicesByCode(db: DB, config: Config): Promise<Map<string, Service>> {
  // Training cases use the real catalogue's services.
  return new Map((await listServices(db, config.jurisdiction.id, { includeInactive: true })).map((s) => [s.code, s]));
}

/** The catalogue once per request: a bulk action loads many cases. */
const servicesOfRequest = new WeakMap<FastifyRequest, Promise<Map<string, Service>>>();
function servicesOnce(db: DB, config: Config, request: FastifyRequest): Promise<Map<string, Service>> {
  let services = servicesOfRequest.get(request);
  if (!services) servicesOfRequest.set(request, services = servicesByCode(db, config));
  return services;
}

/** The case, when this person may see it; another department's case is refused and the refusal audited. */
export async function loadCase(db: DB, config: Config, request: FastifyRequest, id: string): Promise<LoadedCase> {
  const caseId = parseId(id);
  if (caseId === null) throw notFound(`There is no case ${id.slice(0, 20)}.`);
  const row = await findCaseRow(db, workspaceJurisdiction(request, config), caseId);
  if (!row) throw notFound(`There is no case ${id}. Check the reference.`);
  const service = (await servicesOnce(db, config, request)).get(row.service_code);
  let department = service?.department ?? null;
  let departmentId = row.department_id;
  if (departmentId !== null) {
    const found = await db.selectFrom('departments').select('code').where('id', '=', departmentId).executeTakeFirst();
    department = found?.code ?? null;
  } else departmentId = await store.departmentIdOf(db, department);
  const person = request.person!;
  if (!may(person, { action: 'case.view', record: { department } })) {
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${person.userId}`, action: 'access.denied', entityType: 'service_request', entityId: id, after: { reason: 'another department' },
    }));
    throw forbidden('This case belongs to another department. Ask a supervisor if you need to work on it.');
  }
  return { row, department, departmentId, service };
}

/** The person's own department id (null for roles that see every department). */
export async function personDepartmentId(db: DB, request: FastifyRequest): Promise<number | null> {
  const scope = caseListScope(request.person!);
  return 'allDepartments' in scope ? null : store.departmentIdOf(db, scope.department);
}

const actionWords: Record<string, string> = {
  created: 'Reported', submitted: 'Reported', claim: 'Taken', claimed: 'Taken', assign: 'Assigned', assigned: 'Assigned', transition: 'Moved on',
  set_priority: 'Priority changed', priority_set: 'Priority changed', public_update: 'Public update', note: 'Internal note', merge: 'Merged', merged: 'Merged',
  move_department: 'Moved to another department', suspend_clock: 'Clock paused', resume_clock: 'Clock restarted', extend_clock: 'Clock extended',
  attachment_added: 'File attached', status_update: 'Status update', reopened: 'Reopened',
};
const words = (action: string) => actionWords[action] ?? action.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function duration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const hours = Math.floor(m / 60);
  return hours > 0 ? `${hours} h ${m % 60} min` : `${m} min`;
}

async function clockLines(db: DB, config: Config, loaded: LoadedCase, formatTime: (iso: string) => string): Promise<ClockLine[] | null> {
  try {
    const clocks = await caseClocks(db, loaded.row.id);
    const calendar = await calendarForDepartment(db, loaded.departmentId, config.jurisdiction.timeZone);
    const now = nowIso();
    return clocks.map((c) => {
      let left = '';
      if (c.status === 'running' && c.dueAt) {
        left = c.dueAt > now ? `${duration(workingMinutesBetween(calendar, now, c.dueAt))} of working time left` : `overdue by ${duration(workingMinutesBetween(calendar, c.dueAt, now))} of working time`;
      } else if (c.status === 'suspended') left = `${duration(c.targetMinutes + c.extendedMinutes - c.usedMinutes)} of working time left when restarted`;
      const status = c.status === 'running' ? 'running' : c.status === 'suspended' ? 'paused' : 'stopped';
      return { kind: c.kind, status, due: c.dueAt ? `Due ${formatTime(c.dueAt)} (${calendar.timeZone})` : 'No due time while paused', left, breached: c.breachedAt !== null, warned: c.warnedAt !== null };
    });
  } catch (error) {
    // The SLA module may not be there (or the case has no calendar): the page still shows the rest.
    if (error instanceof Error && /not implemented/.test(error.message)) return null;
    throw error;
  }
}

export interface CaseExtras { errors?: FieldErrors; values?: Record<string, string>; publicText?: string; templateId?: string; done?: string | null }

export async function caseView(db: DB, config: Config, keyring: Keyring, request: FastifyRequest, loaded: LoadedCase, extras: CaseExtras): Promise<CaseView> {
  const { row } = loaded;
  const person = request.person!;
  const formatTime = (iso: string) => formatForPeople(iso, config.jurisdiction.timeZone);
  const workflow = (await store.workflowVersions(db, [row.workflow_version_id])).get(row.workflow_version_id ?? -1);
  const state = workflow?.definition.states.find((s) => s.code === row.state);
  const actor = actorOf(request, await personDepartmentId(db, request));
  let transitions: CaseView['transitions'] = [];
  if (workflow && row.status === 'open') {
    try {
      transitions = availableTransitions(workflow.definition, row.state, actor);
    } catch { transitions = []; }
  }
  const actions = await caseActionsInOrder(db, row.id);
  const actorIds = actions.map((a) => /^user:(\d+)$/.exec(a.actor)?.[1]).filter((x): x is string => !!x).map(Number);
  const emails = await store.userEmails(db, keyring, [...actorIds, ...(row.assigned_user_id !== null ? [row.assigned_user_id] : [])]);
  const who = (actorId: string) => {
    const user = /^user:(\d+)$/.exec(actorId);
    if (user) return emails.get(Number(user[1])) ?? `staff member ${user[1]}`;
    if (actorId.startsWith('system')) return 'Townhall (automatic)';
    return actorId.startsWith('api_key') ? 'a connected system' : 'the reporter';
  };
  const history: HistoryLine[] = actions.map((a) => ({ id: a.id, at: formatTime(a.created_at), who: who(a.actor), what: words(a.action), text: a.description, isPublic: a.public === 1 }));
  const media = await store.caseMedia(db, row.id);
  const canAct = caseWorkingRoles.includes(person.role);
  const templates = canAct ? await store.templatesFor(db, config.jurisdiction.id, loaded.departmentId) : [];
  const chosen = templates.find((t) => String(t.id) === extras.templateId);
  const serviceName = loaded.service?.name ?? row.service_code;
  const publicText = extras.publicText ?? (chosen ? fillResponseTemplate(chosen.body, {
    reference: String(row.id), service: serviceName, address: row.address_string ?? '', expectedAt: row.expected_at, council: config.jurisdiction.name, timeZone: config.jurisdiction.timeZone,
  }) : '');
  const candidates = canAct && row.lat !== null && row.long !== null && row.status === 'open'
    ? (await nearbyOpenReports(db, row.jurisdiction_id, { serviceCode: row.service_code, lat: row.lat, long: row.long, radiusMetres: 250, limit: 6 }))
      .filter((c) => c.id !== String(row.id)).slice(0, 5).map((c) => ({ id: c.id, description: c.description, address: c.addressString, distance: c.distance }))
    : [];
  const departments = canAct ? await store.listDepartments(db) : [];
  let attributes: Array<[string, string]>;
  try {
    const answers = JSON.parse(row.attributes) as Record<string, unknown>;
    const described = new Map((loaded.service?.attributes ?? []).map((a) => [a.code, a.description]));
    attributes = Object.entries(answers).map(([code, value]) => [described.get(code) ?? code, Array.isArray(value) ? value.join(', ') : String(value)]);
  } catch { attributes = []; }
  return {
    id: row.id, service: serviceName, description: row.description, address: row.address_string, lat: row.lat, long: row.long, attributes,
    stateLabel: state?.label ?? row.state, publicLabel: store.publicLabelOf(workflow?.definition, row.state, row.status), status: row.status,
    priority: row.priority as Priority, department: departments.find((d) => d.id === loaded.departmentId)?.name ?? loaded.department ?? 'None yet',
    departmentId: loaded.departmentId,
    assignee: row.assigned_user_id === null ? null : emails.get(row.assigned_user_id) ?? `staff member ${row.assigned_user_id}`,
    assignedToMe: row.assigned_user_id === person.userId,
    workflow: workflow ? `${workflow.name}, version ${workflow.version}` : 'None',
    reported: `${formatTime(row.requested_at)} (${row.channel})`, expected: row.expected_at ? formatTime(row.expected_at) : null, mergedInto: row.merged_into,
    photos: media.filter((m) => m.internal === 0).map((m) => `/media/${m.id}`),
    attachments: media.filter((m) => m.internal === 1).map((m) => ({ id: m.id, name: m.file_name ?? 'file', at: formatTime(m.created_at) })),
    clocks: await clockLines(db, config, loaded, formatTime),
    history,
    canSeeContact: may(person, { action: 'case.view_contact', record: { department: loaded.department } }),
    canAct, transitions,
    people: canAct ? await store.caseWorkers(db, keyring, loaded.departmentId) : [],
    departments, templates, candidates, publicText, templateId: chosen ? String(chosen.id) : '',
    values: extras.values ?? {}, errors: extras.errors ?? {}, done: extras.done ?? null,
    training: inTraining(request), csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(),
    liveUrl: `/staff/events?topic=staff:case:${row.id}`,
    map: { tiles: request.server.site.map.tileUrl, attribution: request.server.site.map.attribution },
  };
}
