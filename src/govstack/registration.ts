/**
 * The GovStack Registration Building Block over Townhall's application services: services and
 * their eForms, applications sent and read, their documents, their workflow tasks, statistics.
 * Every change goes through the functions the web journey and the staff workspace use
 * (applications/, cases/): this module keeps only the sender's applicant id and which key
 * uploaded which documents.
 */
import { createHash } from 'node:crypto';
import { currentForm, formVersion, listApplicationServices, sendApplication, startDraft, saveDraft, loadDraft, type ApplicationForm } from '../applications/applications.js';
import { firstIncompletePage } from '../applications/answers.js';
import { addDocument, documentRecord, documentsOf, moveDocuments, readDocument } from '../applications/documents.js';
import { decideApplication } from '../applications/review.js';
import type { DocumentScanner, DocumentStorage } from '../applications/storage.js';
import type { AuthenticatedKey } from '../apikeys/apikeys.js';
import { appendAudit } from '../audit/audit.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { findUser } from '../identity/store.js';
import { listUsers } from '../identity/users.js';
import type { Keyring } from '../platform/crypto.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { availableTransitions, caseWorkflow, staffLabelFor } from '../workflow/workflow.js';
import type { WorkflowActor, WorkflowDefinition } from '../workflow/types.js';
import { readEFormData } from './eforms.js';
import * as store from './store.js';

export interface RegistrationDeps {
  db: DB;
  config: Config;
  keyring: Keyring;
  storage: DocumentStorage;
  scanner: DocumentScanner;
}

/** Where the API is mounted: documents are named by URLs under it. */
export const REGISTRATION_PATH = '/registration/v1';

/**
 * A service's id as GovStack wants it (a UUID), derived from the jurisdiction and the service
 * code (a name-based UUID, version 5 layout), so it is the same on every server and restart.
 */
export function serviceUuid(jurisdictionId: string, serviceCode: string): string {
  const hash = createHash('sha1').update(`townhall:${jurisdictionId}:${serviceCode}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const services = (db: DB, jurisdictionId: string) => listApplicationServices(db, jurisdictionId);

export async function serviceById(db: DB, jurisdictionId: string, serviceId: string): Promise<ApplicationForm> {
  const found = (await services(db, jurisdictionId)).find((form) => serviceUuid(jurisdictionId, form.serviceCode) === serviceId.toLowerCase());
  if (!found) throw notFound(`There is no service with id "${serviceId.slice(0, 60)}": GET /services lists them.`);
  return found;
}

/** An eForm by its id (the form version's number); only forms of services that take applications now. */
export async function eFormById(db: DB, jurisdictionId: string, eFormId: string): Promise<{ form: ApplicationForm; latest: boolean }> {
  const id = /^\d{1,9}$/.test(eFormId) ? Number(eFormId) : null;
  const form = id === null ? undefined : await formVersion(db, jurisdictionId, id);
  if (!form || !(await services(db, jurisdictionId)).some((s) => s.serviceCode === form.serviceCode)) throw notFound(`There is no eForm "${eFormId.slice(0, 60)}": GET /services/{serviceId}/eForms lists them.`);
  const latest = await currentForm(db, jurisdictionId, form.serviceCode);
  return { form, latest: latest.id === form.id };
}

// ==== applications ====

export interface NewApplication {
  applicantId: string;
  applicationName?: string;
  eFormId?: string;
  data: Record<string, unknown>;
  documentUrls: string[];
}

const DOCUMENT_URL = /\/documents\/([0-9a-f-]{36})$/;
export const documentUrl = (publicUrl: string, id: string) => `${publicUrl}${REGISTRATION_PATH}/documents/${id}`;

/**
 * Sends an application for a service as its applicant's system: the answers are read by the
 * journey's own readers, the documents (uploaded before, by this key) are moved into a new draft,
 * and the draft is sent by `sendApplication`, as the web journey sends it. Nothing is written
 * until every problem has been found.
 */
export async function submitApplication(deps: RegistrationDeps, key: AuthenticatedKey, serviceId: string, input: NewApplication): Promise<number> {
  const { db, config } = deps;
  const jurisdictionId = config.jurisdiction.id;
  const form = await serviceById(db, jurisdictionId, serviceId);
  if (input.eFormId !== undefined && input.eFormId !== String(form.id)) {
    throw conflict(`New applications to this service use eForm "${form.id}", not "${input.eFormId.slice(0, 60)}": read it with GET /eForms/${form.id}.`);
  }
  const read = readEFormData(form.definition, input.data);
  const problems = [...read.problems];
  const urls = [...new Set([...Object.values(read.documents).flat(), ...input.documentUrls])];
  const documents: Array<{ id: string; draftId: string; field: string }> = [];
  for (const url of urls) {
    const id = DOCUMENT_URL.exec(url)?.[1];
    const record = id ? await documentRecord(db, jurisdictionId, id) : undefined;
    const owner = record ? await store.uploadOwner(db, record.draftId) : undefined;
    if (!record || owner !== key.id || record.caseId !== null) { problems.push(`documentUrls: "${url.slice(0, 120)}" is not a document this key uploaded and has not yet sent.`); continue; }
    const field = form.definition.pages.flatMap((p) => p.fields ?? []).find((f) => f.id === record.field && f.type === 'file');
    if (!field) { problems.push(`documentUrls: "${url.slice(0, 120)}" was uploaded for "${record.field}", which this form does not ask for.`); continue; }
    documents.push({ id: record.id, draftId: record.draftId, field: record.field });
  }
  const counts: Record<string, number> = {};
  for (const d of documents) counts[d.field] = (counts[d.field] ?? 0) + 1;
  for (const page of form.definition.pages) for (const field of page.fields ?? []) {
    if (field.type === 'file' && (counts[field.id] ?? 0) > (field.maxFiles ?? 1)) problems.push(`data.${field.id}: at most ${field.maxFiles ?? 1} documents.`);
  }
  if (problems.length === 0) {
    const missing = firstIncompletePage(form.definition, read.answers, counts);
    if (missing) problems.push(`The application is not complete: answer the page "${missing.title}" (${missing.id}).`);
  }
  if (problems.length > 0) throw invalid(problems[0]!, problems);

  const actor = { id: `api_key:${key.id}`, apiKeyId: key.id };
  const draftId = await startDraft(db, deps.keyring, jurisdictionId, form, null, 'en');
  const draft = (await loadDraft(db, deps.keyring, jurisdictionId, draftId))!;
  if (documents.length > 0) await moveDocuments(db, draft, documents, actor.id);
  const filled = { ...draft, answers: read.answers, contact: read.contact };
  await saveDraft(db, deps.keyring, filled);
  const sent = await sendApplication(db, { jurisdiction: config.jurisdiction, keyring: deps.keyring, sender: { publicUrl: config.publicUrl, council: config.jurisdiction.name } }, filled, 'api', actor);
  const caseId = Number(sent.request.id);
  await db.transaction().execute(async (trx) => {
    await store.insertApplicant(trx, { case_id: caseId, api_key_id: key.id, applicant_id: input.applicantId, created_at: nowIso() });
    await appendAudit(trx, { actor: actor.id, action: 'govstack.application_sent', entityType: 'application', entityId: String(caseId), after: { applicantId: input.applicantId, documents: documents.length } });
  });
  return caseId;
}

/** Which applications a key sees: an operator's key all of the jurisdiction's, any other key those it sent. */
export const visibleTo = (key: AuthenticatedKey): number | null => (key.scopes.includes('registration:operate') ? null : key.id);

export async function applicationOf(db: DB, jurisdictionId: string, key: AuthenticatedKey, fileId: string): Promise<store.ApplicationRow> {
  const caseId = /^\d{1,15}$/.test(fileId) ? Number(fileId) : null;
  const [row] = caseId === null ? [] : await store.findApplications(db, jurisdictionId, { apiKeyId: visibleTo(key), caseId, offset: 0, limit: 1, order: 'asc' });
  // Another key's application is "not found", not "forbidden": its existence is not told either.
  if (!row) throw notFound(`There is no application file "${fileId.slice(0, 60)}" that this key may read.`);
  return row;
}

export async function documentUrlsOf(db: DB, publicUrl: string, draftId: string): Promise<Record<string, string[]>> {
  const urls: Record<string, string[]> = {};
  for (const d of await documentsOf(db, draftId)) (urls[d.field] ??= []).push(documentUrl(publicUrl, d.id));
  return urls;
}

// ==== documents ====

export type UploadOutcome = { kept: true; id: string } | { kept: false; reason: string };

/**
 * Keeps an uploaded document for an application still to be sent: in a draft of its own (held
 * for this key), through the journey's `addDocument` (content check, count, the scan hook).
 */
export async function uploadDocument(deps: RegistrationDeps, key: AuthenticatedKey, target: { serviceId?: string; eFormId?: string; field: string }, upload: { bytes: Buffer; name: string }): Promise<UploadOutcome> {
  const { db, config } = deps;
  const jurisdictionId = config.jurisdiction.id;
  const form = target.eFormId !== undefined ? (await eFormById(db, jurisdictionId, target.eFormId)).form : await serviceById(db, jurisdictionId, target.serviceId ?? '');
  const field = form.definition.pages.flatMap((p) => p.fields ?? []).find((f) => f.id === target.field && f.type === 'file');
  if (!field) throw invalid(`The form "${form.definition.title}" asks for no document "${target.field.slice(0, 60)}"; its eForm lists the document questions (x-document).`);
  const draftId = await startDraft(db, deps.keyring, jurisdictionId, form, null, 'en');
  await db.transaction().execute((trx) => store.insertUpload(trx, { draft_id: draftId, api_key_id: key.id, created_at: nowIso() }));
  const draft = (await loadDraft(db, deps.keyring, jurisdictionId, draftId))!;
  const outcome = await addDocument(db, deps, { ...draft, userId: null }, field, upload);
  if (outcome !== 'kept') {
    const reasons = { wrong_type: 'The file is not a PDF, JPEG or PNG (its content was read, not its name).', too_many: 'Too many documents for this question.', refused_by_scanner: 'The council\'s scanner refused the file; it was not kept.' };
    return { kept: false, reason: reasons[outcome] };
  }
  const [document] = await documentsOf(db, draftId);
  return { kept: true, id: document!.id };
}

/** A document's bytes, to a key that may read its application (or that uploaded it and has not yet sent it). */
export async function documentFor(deps: RegistrationDeps, key: AuthenticatedKey, id: string) {
  const { db, config } = deps;
  const record = await documentRecord(db, config.jurisdiction.id, id);
  const missing = () => notFound(`There is no document "${id.slice(0, 60)}" that this key may read.`);
  if (!record) throw missing();
  if (record.caseId === null) {
    if ((await store.uploadOwner(db, record.draftId)) !== key.id) throw missing();
  } else {
    await applicationOf(db, config.jurisdiction.id, key, String(record.caseId)).catch(() => { throw missing(); });
  }
  return readDocument(db, deps.storage, config.jurisdiction.id, id);
}

// ==== tasks ====

/** A task: the step an open application waits at, "<fileId>.<state>"; it is done once the application leaves that state. */
export const taskIdOf = (row: Pick<store.ApplicationRow, 'case_id' | 'state'>) => `${row.case_id}.${row.state}`;

export async function taskOf(db: DB, jurisdictionId: string, key: AuthenticatedKey, taskId: string): Promise<store.ApplicationRow> {
  const match = /^(\d{1,15})\.([a-z_]{1,40})$/.exec(taskId);
  const row = match ? await applicationOf(db, jurisdictionId, key, match[1]!).catch(() => undefined) : undefined;
  if (!row || row.status !== 'open') throw notFound(`There is no open task "${taskId.slice(0, 60)}" that this key may read.`);
  if (row.state !== match![2]) throw conflict(`Task "${taskId}" is done: the application has moved on to "${row.state}" (task "${taskIdOf(row)}").`);
  return row;
}

export const workflowOf = async (db: DB, row: store.ApplicationRow): Promise<WorkflowDefinition> => (await caseWorkflow(db, row)).definition;

/** The steps an operator with a deciding role could take from here (the engine checks the person's own role on completing). */
export function nextSteps(definition: WorkflowDefinition, state: string) {
  const anyone: WorkflowActor = { id: 'system:listing', userId: null, role: 'system_admin', departmentId: null };
  return availableTransitions(definition, state, anyone).map((t) => ({ code: t.code, label: t.label, to: t.to, roles: t.roles, requires: t.requires }));
}

export const stateLabel = (definition: WorkflowDefinition, state: string) => staffLabelFor(definition, state);

export interface TaskCompletion {
  transition: string;
  /** The Townhall staff member the step is taken as: their role and department are checked by the engine. */
  operatorId: string;
  note?: string;
  reason?: string;
  validFrom?: string;
  validUntil?: string;
  idempotencyKey: string;
}

/**
 * Completes a task: the workflow step taken through the engine (performCaseAction), or, for
 * approve and refuse, through the decision (decideApplication, which issues the licence), as the
 * named staff member; an audit entry records the key that asked.
 */
export async function completeTask(deps: RegistrationDeps, key: AuthenticatedKey, taskId: string, completion: TaskCompletion): Promise<store.ApplicationRow> {
  const { db, config, keyring } = deps;
  const jurisdictionId = config.jurisdiction.id;
  const row = await taskOf(db, jurisdictionId, key, taskId);
  const userId = /^\d{1,15}$/.test(completion.operatorId) ? Number(completion.operatorId) : null;
  const user = userId === null ? undefined : await findUser(db, userId);
  if (!user || user.status !== 'active' || user.role === 'resident') throw invalid(`data.operatorId: "${completion.operatorId.slice(0, 40)}" is not an active staff member's user id.`);
  const actor: WorkflowActor = { id: `user:${user.id}`, userId: user.id, role: user.role as WorkflowActor['role'], departmentId: user.department_id };
  const ctx: EngineContext = { jurisdictionId, timeZone: config.jurisdiction.timeZone, notify: { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name } };
  const idempotencyKey = `govstack:${key.id}:${completion.idempotencyKey}`;
  const audit = { actor: `api_key:${key.id}`, action: 'govstack.task_completed', entityType: 'application' as const, entityId: String(row.case_id), after: { taskId, transition: completion.transition, operator: actor.id } };
  if (completion.transition === 'approve' || completion.transition === 'refuse') {
    await decideApplication(db, ctx, row.case_id, {
      outcome: completion.transition, text: (completion.transition === 'approve' ? completion.note : completion.reason ?? completion.note) ?? '',
      ...(completion.validFrom !== undefined ? { validFrom: completion.validFrom } : {}), ...(completion.validUntil !== undefined ? { validUntil: completion.validUntil } : {}),
    }, actor, idempotencyKey);
    await db.transaction().execute((trx) => appendAudit(trx, audit));
  } else {
    await db.transaction().execute(async (trx) => {
      await performCaseAction(trx, ctx, row.case_id, {
        kind: 'transition', transition: completion.transition,
        ...(completion.reason !== undefined ? { reason: completion.reason } : {}), ...(completion.note !== undefined ? { publicNote: completion.note } : {}),
      }, actor, idempotencyKey);
      await appendAudit(trx, audit);
    });
  }
  return applicationOf(db, jurisdictionId, key, String(row.case_id));
}

// ==== statistics ====

export interface StatisticsQuery {
  startDate: string;
  endDate: string;
  registrationName?: string;
  operator?: string;
  role?: string;
  timeframe?: 'day' | 'week' | 'month' | 'year';
}

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The periods a range is split into: one for the whole range without a timeframe. Dates are UTC days, both ends included. */
export function periods(start: string, end: string, timeframe: StatisticsQuery['timeframe']): Array<{ start: string; end: string }> {
  const out: Array<{ start: string; end: string }> = [];
  let from = start;
  while (from <= end) {
    let next: string;
    if (!timeframe) next = addDays(end, 1);
    else if (timeframe === 'day') next = addDays(from, 1);
    else if (timeframe === 'week') next = addDays(from, 7);
    else if (timeframe === 'month') { const d = new Date(`${from}T00:00:00Z`); next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10); }
    else next = `${Number(from.slice(0, 4)) + 1}-01-01`;
    const last = addDays(next, -1);
    out.push({ start: from, end: last < end ? last : end });
    from = next;
  }
  return out;
}

/**
 * How many applications were approved, sent back for more information and refused in each
 * period (processed is their sum), by the workflow steps taken: optionally only one service (by
 * its name), one operator (by display name or email) or one role.
 */
export async function statistics(db: DB, keyring: Keyring, jurisdictionId: string, query: StatisticsQuery) {
  const actions = await store.decisionActions(db, jurisdictionId, `${query.startDate}T00:00:00.000Z`, `${addDays(query.endDate, 1)}T00:00:00.000Z`);
  let people: Map<string, { name: string; email: string; role: string }> | undefined;
  if (query.operator !== undefined || query.role !== undefined) {
    people = new Map((await listUsers(db, keyring)).map((u) => [`user:${u.id}`, { name: (u.displayName ?? '').toLowerCase(), email: u.email.toLowerCase(), role: u.role }]));
  }
  const wanted = actions.filter((a) => {
    if (query.registrationName !== undefined && a.service_name.toLowerCase() !== query.registrationName.toLowerCase()) return false;
    if (!people) return true;
    const person = people.get(a.actor);
    if (!person) return false;
    if (query.operator !== undefined && person.name !== query.operator.toLowerCase() && person.email !== query.operator.toLowerCase()) return false;
    return query.role === undefined || person.role === query.role;
  });
  return periods(query.startDate, query.endDate, query.timeframe).map((period) => {
    const inPeriod = wanted.filter((a) => a.created_at.slice(0, 10) >= period.start && a.created_at.slice(0, 10) <= period.end);
    const count = (state: string) => inPeriod.filter((a) => a.state === state).length;
    const approved = count('issued'), sentBack = count('more_information'), rejected = count('refused');
    return {
      processed: approved + sentBack + rejected, approved, sentBack, rejected,
      references: {
        startDate: period.start, endDate: period.end,
        ...(query.registrationName !== undefined ? { registrationName: query.registrationName } : {}),
        ...(query.operator !== undefined ? { operator: query.operator } : {}), ...(query.role !== undefined ? { role: query.role } : {}),
        timeframeDay: query.timeframe === 'day', timeframeWeek: query.timeframe === 'week', timeframeMonth: query.timeframe === 'month', timeframeYear: query.timeframe === 'year',
      },
    };
  });
}
