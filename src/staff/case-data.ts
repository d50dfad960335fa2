/**
 * Loading a case for a member of staff (refused, and recorded, when it belongs to another
 * department) and gathering everything its page shows.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { applicationPanelView } from '../applications/staff-panel.js';
import { APPLICATION_DECISION_TRANSITIONS } from '../cases/actions.js';
import { forwardingStatus } from '../cases/forwarded.js';
import { caseActionsInOrder, findCaseRow } from '../cases/queries.js';
import { forwardingOf } from '../catalogue/forwarding.js';
import { undoRefusal, undoUntil } from '../cases/undo.js';
import { listServices } from '../catalogue/catalogue.js';
import type { Service, ServiceAttribute } from '../catalogue/types.js';
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
import { caseClocks } from '../sla/clocks.js';
import { nearbyOpenReports } from '../tracking/nearby.js';
import { inTraining, workspaceJurisdiction } from '../training/space.js';
import { availableTransitions } from '../workflow/workflow.js';
import type { Priority } from '../workflow/types.js';
import type { FieldErrors } from '../web/forms.js';
import { actorOf, fillResponseTemplate } from './actions.js';
import type { CaseView, ClockLine, DueLine, ForwardingLine } from './case-page.js';
import { timeline } from './timeline.js';
import { channelLabel, clockTime, dueWords, workingTimeWords } from './words.js';
import * as store from './store.js';
import { applicationWorkView } from '../applications/work-panel.js';
import { staffQuestionsView } from './staff-questions.js';

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

/** The clocks in words, and the one due date staff work to (the resolution clock's, else the case's). */
async function clockLines(db: DB, config: Config, loaded: LoadedCase, formatTime: (iso: string) => string, now: string): Promise<{ clocks: ClockLine[] | null; due: DueLine | null }> {
  const { row } = loaded;
  const fallback = (): DueLine | null => {
    const at = row.status === 'open' ? row.due_at ?? row.expected_at : null;
    if (!at) return null;
    const due = dueWords(new Date(at).toISOString(), now);
    return { at: formatTime(at), words: due.words, overdue: due.overdue, explanation: row.due_at ? 'The time to resolve this case.' : 'The date residents were given.' };
  };
  try {
    const all = await caseClocks(db, row.id);
    // The latest clock of each kind (a reopened case has older, stopped ones).
    const clocks = all.filter((c, i) => all.findIndex((d) => d.kind === c.kind) === i);
    const lines = clocks.map((c): ClockLine => {
      let left = '';
      if (c.status === 'running' && c.dueAt) left = dueWords(c.dueAt, now).words;
      else if (c.status === 'suspended') left = `${workingTimeWords(Math.max(0, c.targetMinutes + c.extendedMinutes - c.usedMinutes))} left when restarted`;
      const status = c.status === 'running' ? 'running' : c.status === 'suspended' ? 'paused' : 'stopped';
      return {
        kind: c.kind, status, due: c.dueAt ? `Due ${formatTime(c.dueAt)}` : 'No due time while paused', left,
        target: `${workingTimeWords(c.targetMinutes)}${c.extendedMinutes > 0 ? ` plus ${workingTimeWords(c.extendedMinutes)} added` : ''}`,
        breached: c.breachedAt !== null, warned: c.warnedAt !== null,
      };
    });
    const resolution = clocks.find((c) => c.kind === 'resolution');
    let due: DueLine | null = null;
    if (resolution && resolution.status === 'running' && resolution.dueAt) {
      const words = dueWords(resolution.dueAt, now);
      due = {
        at: formatTime(resolution.dueAt), words: words.words, overdue: words.overdue,
        explanation: `Resolution target: ${workingTimeWords(resolution.targetMinutes + resolution.extendedMinutes)} from the report, counting working hours only.`,
      };
    } else if (resolution && resolution.status === 'suspended') {
      due = { at: 'Paused', words: `${workingTimeWords(Math.max(0, resolution.targetMinutes + resolution.extendedMinutes - resolution.usedMinutes))} left when the clock restarts`, overdue: false, explanation: 'The resolution clock is paused.' };
    } else if (!resolution) due = fallback();
    return { clocks: lines, due };
  } catch (error) {
    // The SLA module may not be there (or the case has no calendar): the page still shows the rest.
    if (error instanceof Error && /not implemented/.test(error.message)) return { clocks: null, due: fallback() };
    throw error;
  }
}

/** Client mode: where the case stands with the back office its service sends cases to, in words. */
async function forwardingLine(db: DB, config: Config, row: CaseRow, formatTime: (iso: string) => string): Promise<ForwardingLine | null> {
  const status = await forwardingStatus(db, row.id);
  if (!status) return null;
  const { forward, message } = status;
  if (forward) {
    const as = forward.externalId !== null ? forward.externalId : `token ${forward.token ?? ''} (its reference is not known yet)`;
    return {
      state: 'sent', words: `Sent to ${forward.backOffice} as ${as} at ${formatTime(forward.sentAt)}`,
      fetched: forward.lastFetchedAt ? `Updates last fetched at ${formatTime(forward.lastFetchedAt)}` : 'Updates not fetched yet',
      fetchError: forward.lastFetchError ? `The last fetch failed: ${forward.lastFetchError}` : null,
    };
  }
  const backOffice = (await forwardingOf(db, row.jurisdiction_id, row.service_code))?.backOffice ?? 'the back office';
  if (!message || message.status === 'sent') return { state: 'sent', words: `Sent to ${backOffice}`, fetched: null, fetchError: null };
  if (message.status === 'dead') {
    return { state: 'failed', words: `Could not send to ${backOffice}: ${message.lastError ?? 'no reason was given'}. Tried ${message.attempts} times; a system administrator can try again from the messages page.`, fetched: null, fetchError: null };
  }
  const max = config.notifications.retry.maxAttempts;
  const next = message.status === 'sending' ? 'now' : message.nextAttemptAt ? `next at ${formatTime(message.nextAttemptAt)}` : 'next soon';
  const reason = message.lastError ? ` Last try: ${message.lastError}` : '';
  return { state: 'waiting', words: `Waiting to send to ${backOffice} (attempt ${Math.min(message.attempts + 1, max)} of ${max}, ${next}).${reason}`, fetched: null, fetchError: null };
}

export interface CaseExtras {
  errors?: FieldErrors; values?: Record<string, string>; publicText?: string; templateId?: string; done?: string | null;
  /** What the staff questions' form sent, shown again with its errors. */
  staffTyped?: Record<string, string | string[]>;
}

/** An answer as the reporter chose it: a list's key becomes the option's label. */
function answerWords(attribute: ServiceAttribute | undefined, value: unknown): string {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  const named = values.map((v) => attribute?.values.find((option) => option.key === v)?.name ?? v);
  return named.map((v) => (v === 'true' ? 'Yes' : v === 'false' ? 'No' : v)).join(', ');
}

export async function caseView(db: DB, config: Config, keyring: Keyring, request: FastifyRequest, loaded: LoadedCase, extras: CaseExtras): Promise<CaseView> {
  const { row } = loaded;
  const person = request.person!;
  const now = nowIso();
  const formatTime = (iso: string) => formatForPeople(iso, config.jurisdiction.timeZone);
  const workflow = (await store.workflowVersions(db, [row.workflow_version_id])).get(row.workflow_version_id ?? -1);
  const definition = workflow?.definition;
  const state = definition?.states.find((s) => s.code === row.state);
  const actor = actorOf(request, await personDepartmentId(db, request));
  let transitions: CaseView['transitions'] = [];
  if (definition && row.status === 'open') {
    try {
      transitions = availableTransitions(definition, row.state, actor).map((t) => {
        const target = definition.states.find((s) => s.code === t.to);
        // An application is approved or refused on its decision form, never by a bare transition (cases/actions.ts).
        const decision = row.kind === 'application' && APPLICATION_DECISION_TRANSITIONS.includes(t.code);
        // Booking an inspection and asking another department take their own forms (applications/inspection-views.tsx), which enter those states.
        const ownForm = row.kind === 'application' ? ({ inspect: '#book-inspection', consult: '#ask-consultation' } as Record<string, string>)[t.code] : undefined;
        const href = decision ? `/staff/applications/${row.id}/decision?outcome=${t.code}` : ownForm;
        return { ...t, closing: target?.publicStatus === 'closed', toLabel: target?.label ?? t.to, ...(href ? { href } : {}) };
      });
    } catch { transitions = []; }
  }
  const actions = await caseActionsInOrder(db, row.id);
  const departments = await store.listDepartments(db);
  const history = await timeline(db, keyring, actions, { definition, departments, formatTime, extraUserIds: row.assigned_user_id !== null ? [row.assigned_user_id] : [] });
  // The person's own last change, while they can still undo it (see cases/undo.ts).
  const last = actions.at(-1);
  const undoable = last && caseWorkingRoles.includes(person.role) && undoRefusal(last, last.id, actor, now, definition) === null ? last : null;
  const undo = undoable ? { actionId: undoable.id, what: history.lines.find((l) => l.id === undoable.id)?.what ?? 'your last change', until: clockTime(undoUntil(undoable), config.jurisdiction.timeZone) } : null;
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
  let attributes: Array<[string, string]>;
  try {
    const answers = JSON.parse(row.attributes) as Record<string, unknown>;
    const byCode = new Map((loaded.service?.attributes ?? []).map((a) => [a.code, a]));
    attributes = Object.entries(answers).map(([code, value]) => [byCode.get(code)?.description ?? code.replace(/_/g, ' '), answerWords(byCode.get(code), value)]);
  } catch { attributes = []; }
  const { clocks, due } = await clockLines(db, config, loaded, formatTime, now);
  const application = row.kind === 'application' ? await applicationPanelView(db, keyring, {
    jurisdictionId: row.jurisdiction_id, caseId: row.id, timeZone: config.jurisdiction.timeZone, canAct,
    canDecide: transitions.some((t) => APPLICATION_DECISION_TRANSITIONS.includes(t.code)), canRequestInformation: transitions.some((t) => t.code === 'request_information'),
    names: async (actorId) => {
      const userId = /^user:(\d+)$/.exec(actorId)?.[1];
      return userId ? (await store.userNames(db, keyring, [Number(userId)])).get(Number(userId)) ?? `staff member ${userId}` : 'the system';
    },
  }) : null;
  return {
    id: row.id, service: serviceName, description: row.description, address: row.address_string, lat: row.lat, long: row.long, attributes,
    stateLabel: state?.label ?? store.staffLabelOf(definition, row.state, row.status), publicLabel: store.publicLabelOf(definition, row.state, row.status), status: row.status,
    priority: row.priority as Priority, department: departments.find((d) => d.id === loaded.departmentId)?.name ?? loaded.department ?? 'None yet',
    departmentId: loaded.departmentId,
    assigneeId: row.assigned_user_id,
    assignee: row.assigned_user_id === null ? null : history.names.get(row.assigned_user_id) ?? `staff member ${row.assigned_user_id}`,
    assignedToMe: row.assigned_user_id === person.userId,
    workflow: workflow ? `${workflow.name}, version ${workflow.version}` : 'None',
    reported: `${formatTime(row.requested_at)}, ${channelLabel(row.channel)}`, due, mergedInto: row.merged_into, externalId: row.external_id,
    forwarding: await forwardingLine(db, config, row, formatTime),
    photos: media.filter((m) => m.internal === 0).map((m) => `/media/${m.id}`),
    attachments: media.filter((m) => m.internal === 1).map((m) => ({ id: m.id, name: m.file_name ?? 'file', at: formatTime(m.created_at) })),
    clocks,
    history: history.lines,
    canSeeContact: may(person, { action: 'case.view_contact', record: { department: loaded.department } }),
    canAct, transitions,
    people: canAct ? await store.caseWorkers(db, keyring, loaded.departmentId) : [],
    departments: canAct ? departments : [], templates, candidates, publicText, templateId: chosen ? String(chosen.id) : '',
    values: extras.values ?? {}, errors: extras.errors ?? {}, done: extras.done ?? null, undo,
    training: inTraining(request), csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(),
    liveUrl: `/staff/events?topic=staff:case:${row.id}`,
    map: { tiles: request.server.site.map.tileUrl, attribution: request.server.site.map.attribution },
    application,
    staffQuestions: staffQuestionsView(loaded.service, row.staff_answers, config.jurisdiction.timeZone, extras.staffTyped ? { typed: extras.staffTyped, errors: extras.errors ?? {} } : undefined),
    applicationWork: row.kind === 'application' ? await applicationWorkView(db, keyring, { jurisdictionId: row.jurisdiction_id, caseId: row.id, departmentId: loaded.departmentId, open: row.status === 'open' },
      { actor, csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(), timeZone: config.jurisdiction.timeZone }) : null,
  };
}
