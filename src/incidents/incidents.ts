/**
 * Incidents: a burst water main, a storm, a chemical spill: one place to run the response. An
 * incident is a case of kind 'incident' (made by `submitCase`, changed by appended actions like
 * every case) with its own details beside it: a title, an area, the services whose new reports
 * belong to it, tasks given to departments, residents' reports linked to it, and a closing
 * summary. Its log is its case history: notes officers write, and every link, task and change
 * recorded as an action of the case. Only emergency officers and system administrators run
 * incidents; staff of a task's department read the incident and mark their task done.
 */
import { appendAudit } from '../audit/audit.js';
import { appendCaseRecord } from '../cases/case-records.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import { caseHistory, caseSummaries, openReportsInBox, serviceRequestIds } from '../cases/queries.js';
import { findCase } from '../cases/store.js';
import { submitCase } from '../cases/submit.js';
import type { SubmissionContext } from '../cases/types.js';
import { createService, getService, saveServiceGroup, updateService } from '../catalogue/catalogue.js';
import type { DB } from '../db/connection.js';
import type { Role } from '../identity/roles.js';
import { areaMatcher, boxOfArea, parseAreaText, boxToRing, type Area } from '../places/geometry.js';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.js';
import { isId } from '../platform/ids.js';
import { nowIso } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import { builtInVersion } from '../workflow/store.js';
import * as store from './store.js';
import { INCIDENT_WORKFLOW_CODE, INCIDENT_WORKFLOW_NAME, incidentOfficers, incidentWorkflow } from './workflow.js';

/** The council's internal service every incident is filed under: never offered to residents. */
export const INCIDENT_SERVICE_CODE = 'incident';
const INCIDENT_GROUP_CODE = 'emergency';
export const MAX_TITLE = 200;
export const MAX_TEXT = 4_000;
/** Suggestions: open reports from a day before the incident began. */
const SUGGEST_FROM_MS = 86_400_000;
export const MAX_SUGGESTIONS = 50;

export const runsIncidents = (role: Role | 'system'): boolean => (incidentOfficers as readonly string[]).includes(role);

function officerOnly(actor: WorkflowActor): void {
  if (!runsIncidents(actor.role)) throw forbidden('Only emergency officers and system administrators run incidents.');
}

const fieldsError = (fields: Record<string, string>): DomainError => Object.assign(invalid(Object.values(fields)[0]!, Object.values(fields)), { fields });

/** The internal service and the incidents workflow, made the first time a council opens an incident. */
export async function prepareIncidentService(db: DB, jurisdictionId: string): Promise<void> {
  await builtInVersion(db, jurisdictionId, { code: INCIDENT_WORKFLOW_CODE, name: INCIDENT_WORKFLOW_NAME, definition: incidentWorkflow });
  try {
    await getService(db, jurisdictionId, INCIDENT_SERVICE_CODE);
    return;
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'not_found') throw error;
  }
  await saveServiceGroup(db, jurisdictionId, { code: INCIDENT_GROUP_CODE, name: 'Emergencies' }, 999, 'system');
  try {
    await createService(db, jurisdictionId, {
      code: INCIDENT_SERVICE_CODE, name: 'Emergency incident', description: 'Incidents run by the council\'s emergency officers. Not offered to residents.',
      groupCode: INCIDENT_GROUP_CODE, keywords: [], type: 'realtime', agencyResponsible: null, serviceNotice: null, expectedDays: null,
      active: false, attributes: [], retentionDays: null,
    }, 'system');
    await updateService(db, jurisdictionId, INCIDENT_SERVICE_CODE, {
      name: 'Emergency incident', description: 'Incidents run by the council\'s emergency officers. Not offered to residents.', groupCode: INCIDENT_GROUP_CODE,
      keywords: [], department: null, workflowCode: INCIDENT_WORKFLOW_CODE, expectedDays: null, active: false, serviceNotice: null,
    }, 'system');
  } catch (error) {
    // Another process made it first.
    if (!(error instanceof DomainError) || error.kind !== 'invalid' || !/already exists/.test(error.message)) throw error;
  }
}

export interface IncidentInput {
  title: string;
  description: string;
  /** CAP polygons and circles, one per line; or */
  areaText: string;
  /** a named area of the gazetteer, by its place id. */
  placeArea: { name: string; bounds: { minLat: number; minLong: number; maxLat: number; maxLong: number } } | null;
  serviceCodes: string[];
  /** Reports to link at once (a surge flag's). */
  linkReportIds?: number[];
  /** The surge flag the incident answers. */
  surgeFlagId?: number | null;
}

/** Every problem with a new incident, by form field. */
export async function checkIncident(db: DB, jurisdictionId: string, input: IncidentInput): Promise<{ area: Area; areaDescription: string; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  const title = input.title.trim();
  if (!title) fields.title = 'Give the incident a short title, for example "Burst water main, Mission".';
  else if ([...title].length > MAX_TITLE) fields.title = `The title must be at most ${MAX_TITLE} characters.`;
  if ([...input.description.trim()].length > MAX_TEXT) fields.description = `The description must be at most ${MAX_TEXT.toLocaleString('en-GB')} characters.`;
  let area: Area = { polygons: [], circles: [] };
  let areaDescription = '';
  if (input.placeArea) {
    area = { polygons: [boxToRing(input.placeArea.bounds)], circles: [] };
    areaDescription = input.placeArea.name;
  } else {
    const read = parseAreaText(input.areaText);
    if ('problems' in read) fields.area = read.problems.join(' ');
    else { area = read.area; areaDescription = 'Drawn area'; }
  }
  const known = new Set((await db.selectFrom('services').select('code').where('jurisdiction_id', '=', jurisdictionId).where('active', '=', 1).execute()).map((s) => s.code));
  const unknown = input.serviceCodes.filter((c) => !known.has(c));
  if (unknown.length > 0) fields.services = `Choose services from the list; these are not services residents report: ${unknown.slice(0, 3).join(', ')}.`;
  return { area, areaDescription, fields };
}

/** Opens an incident; its case id. */
export async function openIncident(db: DB, ctx: EngineContext, submission: SubmissionContext, input: IncidentInput, actor: WorkflowActor, idempotencyKey: string): Promise<number> {
  officerOnly(actor);
  const checked = await checkIncident(db, ctx.jurisdictionId, input);
  if (Object.keys(checked.fields).length > 0) throw fieldsError(checked.fields);
  await prepareIncidentService(db, ctx.jurisdictionId);
  const box = boxOfArea(checked.area)!;
  const title = input.title.trim();
  return db.transaction().execute(async (trx) => {
    const flag = input.surgeFlagId ? await store.findFlag(trx, ctx.jurisdictionId, input.surgeFlagId) : undefined;
    if (input.surgeFlagId && (!flag || flag.status !== 'new')) throw conflict('That possible incident was already opened or dismissed; reload the incidents page.');
    const made = await submitCase(trx, { ...submission, jurisdiction: { ...submission.jurisdiction, id: ctx.jurisdictionId } }, 'web', {
      kind: 'incident', serviceCode: INCIDENT_SERVICE_CODE, description: input.description.trim() || title,
      lat: (box.minLat + box.maxLat) / 2, long: (box.minLong + box.maxLong) / 2, attributes: {}, mediaUrls: [], contact: {},
    }, {
      actor: { id: actor.id }, idempotencyKey: `incident:${idempotencyKey}`,
      alongside: async (t, row) => {
        await store.insertIncident(t, {
          case_id: row.id, jurisdiction_id: ctx.jurisdictionId, title, area: JSON.stringify(checked.area), area_description: checked.areaDescription,
          min_lat: box.minLat, min_long: box.minLong, max_lat: box.maxLat, max_long: box.maxLong, service_codes: JSON.stringify([...new Set(input.serviceCodes)]), summary: null,
        });
      },
    });
    const caseId = Number(made.id);
    if (flag) await store.updateFlag(trx, flag.id, { status: 'opened', incident_case_id: caseId, decided_by: actor.userId, updated_at: nowIso() });
    const toLink = input.linkReportIds ?? (flag ? JSON.parse(flag.report_ids) as number[] : []);
    if (toLink.length > 0) await link(trx, ctx, caseId, toLink, actor, `${idempotencyKey}:links`);
    return caseId;
  });
}

async function incidentCase(db: DB, jurisdictionId: string, caseId: number) {
  const current = isId(caseId) ? await findCase(db, jurisdictionId, caseId) : undefined;
  const details = current?.kind === 'incident' ? await store.findIncident(db, caseId) : undefined;
  if (!current || !details) throw notFound(`There is no incident ${caseId}.`);
  return { current, details };
}

/** A note in the incident's log. */
export async function addLogEntry(db: DB, ctx: EngineContext, caseId: number, text: string, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  officerOnly(actor);
  const note = text.trim();
  if (!note) throw fieldsError({ entry: 'Write what happened, for example "Road closed at 14:10 by the police".' });
  if ([...note].length > MAX_TEXT) throw fieldsError({ entry: `A log entry must be at most ${MAX_TEXT.toLocaleString('en-GB')} characters.` });
  await incidentCase(db, ctx.jurisdictionId, caseId);
  await performCaseAction(db, ctx, caseId, { kind: 'note', text: note }, actor, idempotencyKey);
}

async function link(trx: DB, ctx: EngineContext, caseId: number, reportIds: readonly number[], actor: WorkflowActor, idempotencyKey: string): Promise<number> {
  const ids = await serviceRequestIds(trx, ctx.jurisdictionId, reportIds.filter(isId));
  if (ids.length === 0) throw fieldsError({ reports: 'Choose reports to link: residents\' reports of this council, by their reference numbers.' });
  const fresh = await store.insertLinks(trx, caseId, ids, actor.userId ?? 0, nowIso());
  if (fresh.length === 0) return 0;
  await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
    kind: 'incident', action: 'incident_reports_linked', actor: actor.id, text: `Linked ${fresh.length === 1 ? 'report' : 'reports'} ${fresh.join(', ')}`,
    details: { reports: fresh }, audit: { action: 'incident.reports_linked', after: { reports: fresh } }, idempotencyKey,
  });
  return fresh.length;
}

/** Links residents' reports to the incident; how many were not linked before. */
export async function linkReports(db: DB, ctx: EngineContext, caseId: number, reportIds: readonly number[], actor: WorkflowActor, idempotencyKey: string): Promise<number> {
  officerOnly(actor);
  await incidentCase(db, ctx.jurisdictionId, caseId);
  return db.transaction().execute((trx) => link(trx, ctx, caseId, reportIds, actor, idempotencyKey));
}

export async function unlinkReport(db: DB, ctx: EngineContext, caseId: number, reportId: number, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  officerOnly(actor);
  await incidentCase(db, ctx.jurisdictionId, caseId);
  await db.transaction().execute(async (trx) => {
    if (!await store.deleteLink(trx, caseId, reportId)) throw notFound(`Report ${reportId} is not linked to this incident.`);
    await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
      kind: 'incident', action: 'incident_report_unlinked', actor: actor.id, text: `Report ${reportId} is no longer linked`,
      details: { report: reportId }, audit: { action: 'incident.report_unlinked', after: { report: reportId } }, idempotencyKey,
    });
  });
}

export interface TaskInput { departmentId: number | null; title: string; ownerUserId: number | null; dueAt: string | null }

/** Gives a department a task; the task's id. */
export async function addTask(db: DB, ctx: EngineContext, caseId: number, input: TaskInput, actor: WorkflowActor, idempotencyKey: string): Promise<number | null> {
  officerOnly(actor);
  const fields: Record<string, string> = {};
  const title = input.title.trim();
  if (!title) fields.task_title = 'Say what the department must do, for example "Close Valencia Street between 16th and 17th".';
  else if ([...title].length > MAX_TITLE) fields.task_title = `A task must be at most ${MAX_TITLE} characters.`;
  const department = isId(input.departmentId) ? await db.selectFrom('departments').select(['id', 'name']).where('id', '=', input.departmentId).executeTakeFirst() : undefined;
  if (!department) fields.department = 'Choose the department that does the task.';
  if (input.ownerUserId !== null) {
    const owner = isId(input.ownerUserId) ? await db.selectFrom('users').select(['id', 'department_id', 'status']).where('id', '=', input.ownerUserId).executeTakeFirst() : undefined;
    if (!owner || owner.status !== 'active') fields.owner = 'Choose the owner from the list of staff.';
    else if (department && owner.department_id !== department.id) fields.owner = `The owner must work in ${department.name}.`;
  }
  if (input.dueAt !== null && (Number.isNaN(Date.parse(input.dueAt)) || input.dueAt < new Date(Date.now() - 60_000).toISOString())) fields.due = 'The due time must be a real date and time from now on.';
  if (Object.keys(fields).length > 0) throw fieldsError(fields);
  const { current } = await incidentCase(db, ctx.jurisdictionId, caseId);
  if (current.status !== 'open') throw conflict('This incident is closed: reopen it to give new tasks.');
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const recorded = await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
      kind: 'incident', action: 'incident_task_added', actor: actor.id, text: `Task for ${department!.name}: ${title}`,
      details: { department: department!.id, owner: input.ownerUserId, due: input.dueAt }, audit: { action: 'incident.task_added', after: { department: department!.id, owner: input.ownerUserId, due: input.dueAt } }, idempotencyKey,
    });
    if (recorded === null) return null;
    return store.insertTask(trx, { case_id: caseId, department_id: department!.id, title, owner_user_id: input.ownerUserId, due_at: input.dueAt, status: 'open', created_by: actor.userId ?? 0, created_at: at, updated_at: at });
  });
}

/** Marks a task done, cancelled or open again: officers, or staff of the task's department. */
export async function setTaskStatus(db: DB, ctx: EngineContext, caseId: number, taskId: number, status: 'open' | 'done' | 'cancelled', actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  await incidentCase(db, ctx.jurisdictionId, caseId);
  const task = isId(taskId) ? await store.findTask(db, caseId, taskId) : undefined;
  if (!task) throw notFound(`There is no task ${taskId} in this incident.`);
  if (!runsIncidents(actor.role) && (actor.departmentId === null || actor.departmentId !== task.department_id)) throw forbidden('Only emergency officers and the staff of the task\'s department can change this task.');
  if (status === 'cancelled' && !runsIncidents(actor.role)) throw forbidden('Only emergency officers cancel tasks.');
  if (task.status === status) return;
  await db.transaction().execute(async (trx) => {
    const recorded = await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
      kind: 'incident', action: 'incident_task_status', actor: actor.id, text: `Task "${task.title}": ${status === 'done' ? 'done' : status === 'cancelled' ? 'cancelled' : 'open again'}`,
      details: { task: taskId, status }, audit: { action: 'incident.task_status', after: { task: taskId, from: task.status, to: status } }, idempotencyKey,
    });
    if (recorded !== null) await store.setTaskStatus(trx, taskId, status, nowIso());
  });
}

/** Closes the incident with its summary (the workflow's close, the summary its reason). */
export async function closeIncident(db: DB, ctx: EngineContext, caseId: number, summary: string, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  officerOnly(actor);
  const text = summary.trim();
  if (!text) throw fieldsError({ summary: 'Write the closing summary: what happened, what was done, what is left to others.' });
  if ([...text].length > MAX_TEXT) throw fieldsError({ summary: `The summary must be at most ${MAX_TEXT.toLocaleString('en-GB')} characters.` });
  const { current } = await incidentCase(db, ctx.jurisdictionId, caseId);
  if (current.status !== 'open') throw conflict('This incident is already closed.');
  await db.transaction().execute(async (trx) => {
    await store.setSummary(trx, caseId, text);
    await performCaseAction(trx, ctx, caseId, { kind: 'transition', transition: 'close', reason: text }, actor, idempotencyKey);
  });
}

export async function reopenIncident(db: DB, ctx: EngineContext, caseId: number, reason: string, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  officerOnly(actor);
  if (!reason.trim()) throw fieldsError({ reason: 'Say why the incident is reopened.' });
  await incidentCase(db, ctx.jurisdictionId, caseId);
  await performCaseAction(db, ctx, caseId, { kind: 'transition', transition: 'reopen', reason: reason.trim() }, actor, idempotencyKey);
}

/** Dismisses a possible incident (a surge flag) that needs none. */
export async function dismissSurge(db: DB, jurisdictionId: string, flagId: number, actor: WorkflowActor): Promise<void> {
  officerOnly(actor);
  await db.transaction().execute(async (trx) => {
    const flag = isId(flagId) ? await store.findFlag(trx, jurisdictionId, flagId) : undefined;
    if (!flag) throw notFound(`There is no possible incident ${flagId}.`);
    if (flag.status !== 'new') throw conflict('That possible incident was already opened or dismissed.');
    await store.updateFlag(trx, flag.id, { status: 'dismissed', decided_by: actor.userId, updated_at: nowIso() });
    await appendAudit(trx, { actor: actor.id, action: 'surge_flag.dismissed', entityType: 'surge_flag', entityId: String(flag.id), after: { service: flag.service_code, area: flag.area_name, reports: flag.reports } });
  });
}

/** Everything the incident page shows. */
export async function incidentView(db: DB, jurisdictionId: string, caseId: number) {
  const { current, details } = await incidentCase(db, jurisdictionId, caseId);
  const area = JSON.parse(details.area) as Area;
  const services = JSON.parse(details.service_codes) as string[];
  const inArea = areaMatcher(area);
  const box = { minLat: details.min_lat, minLong: details.min_long, maxLat: details.max_lat, maxLong: details.max_long };
  const since = new Date(Date.parse(current.requested_at) - SUGGEST_FROM_MS).toISOString();
  const [log, tasks, linkedIds] = await Promise.all([caseHistory(db, caseId), store.tasksOf(db, caseId), store.linkedReportIds(db, caseId)]);
  const linked = await caseSummaries(db, jurisdictionId, linkedIds);
  const isLinked = new Set(linkedIds);
  // Candidates from the box, then the exact area; linked ones left out.
  const candidates = current.status === 'open' ? await openReportsInBox(db, jurisdictionId, box, since, services, MAX_SUGGESTIONS * 4 + isLinked.size) : [];
  const suggestions = candidates.filter((r) => !isLinked.has(Number(r.id)) && r.lat !== null && r.long !== null && inArea({ lat: r.lat, long: r.long })).slice(0, MAX_SUGGESTIONS);
  return { current, details, area, services, log: log.reverse(), tasks, linked, suggestions };
}

/** The newest incidents, open ones first, with their case's state. */
export async function listIncidents(db: DB, jurisdictionId: string) {
  const rows = await store.listIncidents(db, jurisdictionId);
  const cases = new Map((await caseSummaries(db, jurisdictionId, rows.map((r) => r.case_id))).map((c) => [Number(c.id), c]));
  return rows.flatMap((r) => {
    const c = cases.get(r.case_id);
    return c ? [{ ...r, status: c.status, requested_at: c.requested_at }] : [];
  }).sort((a, b) => (a.status === b.status ? b.case_id - a.case_id : a.status === 'open' ? -1 : 1));
}
export const possibleIncidents = store.newFlags;
export const surgeFlag = store.findFlag;
