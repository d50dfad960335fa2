/**
 * Consultations: an officer asks another department (highways, fire, environmental health) for
 * its view on an application, with a question and a date to reply by. The asking is recorded on
 * the case and, where the workflow allows it, takes the case into its `consultation` state (the
 * workflow's `consult` transition). Staff of the department asked see it in their list
 * (/staff/consultations), read the application and reply; the reply joins the case as an action
 * of its history. A consultation not answered by its date is overdue. Every step is audited.
 */
import { appendCaseRecord } from '../cases/case-records.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import { findCase } from '../cases/store.js';
import type { DB } from '../db/connection.js';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.js';
import { isId } from '../platform/ids.js';
import { formatInZone, nowIso } from '../platform/time.js';
import { caseWorkflow } from '../workflow/workflow.js';
import type { WorkflowActor } from '../workflow/types.js';
import * as store from './inspection-store.js';

export const MAX_QUESTION = 2_000;
export const MAX_REPLY = 4_000;
/** The latest reply date an officer may set: a year ahead. */
const MAX_DAYS_AHEAD = 366;

export interface ConsultationRequest { departmentId: number; question: string; dueOn: string }

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isRealDate = (text: string): boolean => DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
/** Today's date where the council is. */
export const todayIn = (timeZone: string, at = nowIso()): string => formatInZone(at, timeZone).slice(0, 10);
const addDaysTo = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Every problem with a consultation request, keyed by the form field it belongs to. */
export function checkConsultation(input: { departmentId: number | null; question: string; dueOn: string }, today: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (input.departmentId === null) problems.department = 'Choose the department to ask.';
  const question = input.question.trim();
  if (!question) problems.question = 'Write the question for the department.';
  else if ([...question].length > MAX_QUESTION) problems.question = `The question must be at most ${MAX_QUESTION.toLocaleString('en-GB')} characters.`;
  if (!input.dueOn) problems.due_on = 'Give the date to reply by.';
  else if (!isRealDate(input.dueOn)) problems.due_on = 'The date to reply by must be a real date, written 2027-03-01.';
  else if (input.dueOn < today) problems.due_on = 'The date to reply by must be today or later.';
  else if (input.dueOn > addDaysTo(today, MAX_DAYS_AHEAD)) problems.due_on = 'The date to reply by must be within a year.';
  return problems;
}

/** Staff of the case's own department (or a system administrator) work its application. */
export function checkCaseWorker(actor: WorkflowActor, caseDepartmentId: number | null): void {
  if (actor.role === 'system_admin') return;
  if (!['case_worker', 'supervisor', 'department_admin'].includes(actor.role)) throw forbidden('Your role can read applications but not work on them.');
  if (caseDepartmentId === null || caseDepartmentId !== actor.departmentId) throw forbidden('This application belongs to another department: only its staff can ask for consultations or book inspections.');
}

/**
 * Takes a workflow transition when the case's workflow offers it from the state the case is in
 * (into consultation, into inspection); otherwise the case stays where it is.
 */
export async function transitionIfOffered(trx: DB, ctx: EngineContext, caseId: number, code: string, input: { reason?: string; publicNote?: string }, actor: WorkflowActor, key: string): Promise<boolean> {
  const current = await findCase(trx, ctx.jurisdictionId, caseId);
  if (!current || current.status !== 'open') return false;
  // Someone of another department (an inspector lent by environmental health) records; the case's own staff move it.
  if (actor.role !== 'system_admin' && (actor.departmentId === null || actor.departmentId !== current.department_id)) return false;
  const version = await caseWorkflow(trx, current);
  const transition = version.definition.transitions.find((t) => t.code === code);
  if (!transition || !transition.from.includes(current.state) || current.state === transition.to) return false;
  await performCaseAction(trx, ctx, caseId, { kind: 'transition', transition: code, ...input }, actor, key);
  return true;
}

export async function askConsultation(db: DB, ctx: EngineContext, caseId: number, request: { departmentId: number | null; question: string; dueOn: string }, actor: WorkflowActor, idempotencyKey: string): Promise<number | null> {
  const problems = checkConsultation(request, todayIn(ctx.timeZone));
  if (Object.keys(problems).length > 0) throw Object.assign(invalid(Object.values(problems)[0]!, Object.values(problems)), { fields: problems });
  return db.transaction().execute(async (trx) => {
    const current = await findCase(trx, ctx.jurisdictionId, caseId);
    if (!current || current.kind !== 'application') throw notFound(`There is no application ${caseId}.`);
    checkCaseWorker(actor, current.department_id);
    if (current.status !== 'open') throw conflict('This application is decided or withdrawn: no more consultations can be asked.');
    const department = isId(request.departmentId) ? await trx.selectFrom('departments').select(['id', 'name']).where('id', '=', request.departmentId).executeTakeFirst() : undefined;
    if (!department) throw Object.assign(invalid('Choose one of the departments listed.'), { fields: { department: 'Choose one of the departments listed.' } });
    if (department.id === current.department_id) throw Object.assign(invalid('Ask another department: this application is already with yours.'), { fields: { department: 'Ask another department: this application is already with yours.' } });
    const question = request.question.trim();
    const at = nowIso();
    const actionId = await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
      action: 'consultation_asked', actor: actor.id, text: `Asked ${department.name}, reply by ${request.dueOn}: ${question}`,
      details: { department: department.id, dueOn: request.dueOn }, audit: { action: 'application.consultation_asked', after: { department: department.id, due_on: request.dueOn } },
      idempotencyKey,
    });
    if (actionId === null) return null;
    const id = await store.insertConsultation(trx, {
      jurisdiction_id: ctx.jurisdictionId, case_id: caseId, department_id: department.id, question, due_on: request.dueOn, asked_by: actor.id, asked_at: at,
    });
    await transitionIfOffered(trx, ctx, caseId, 'consult', { reason: `Consulting ${department.name}` }, actor, `${idempotencyKey}:consult`);
    return id;
  });
}

export interface Consultation {
  id: number;
  caseId: number;
  departmentId: number;
  departmentName: string;
  question: string;
  dueOn: string;
  askedBy: string;
  askedAt: string;
  reply: string | null;
  repliedBy: string | null;
  repliedAt: string | null;
  overdue: boolean;
}

const overdue = (dueOn: string, answered: boolean, today: string) => !answered && dueOn < today;

export async function consultationsOfCase(db: DB, caseId: number, timeZone: string): Promise<Consultation[]> {
  const today = todayIn(timeZone);
  return (await store.consultationsOfCase(db, caseId)).map((q) => ({
    id: q.id, caseId, departmentId: q.department_id, departmentName: q.department_name, question: q.question, dueOn: q.due_on, askedBy: q.asked_by, askedAt: q.asked_at,
    reply: q.reply, repliedBy: q.replied_by, repliedAt: q.replied_at, overdue: overdue(q.due_on, q.reply !== null, today),
  }));
}

/** The consultations waiting for a department's reply (every department's: null), overdue ones flagged. */
export async function consultationsWaiting(db: DB, jurisdictionId: string, departmentId: number | null, timeZone: string) {
  const today = todayIn(timeZone);
  return (await store.openConsultations(db, jurisdictionId, departmentId)).map((q) => ({
    id: q.id, caseId: q.case_id, question: q.question, dueOn: q.due_on, askedAt: q.asked_at, departmentName: q.department_name, serviceName: q.service_name, overdue: overdue(q.due_on, false, today),
  }));
}

/**
 * A consultation, for someone who may read it: staff of the department asked, staff of the
 * application's own department, and system administrators. Anyone else is refused.
 */
export async function consultationFor(db: DB, jurisdictionId: string, id: number, reader: { role: string; departmentId: number | null }, timeZone: string) {
  const row = await store.findConsultation(db, jurisdictionId, id);
  if (!row) throw notFound(`There is no consultation ${id}.`);
  const asked = reader.departmentId !== null && reader.departmentId === row.department_id;
  const owning = reader.departmentId !== null && reader.departmentId === row.case_department_id;
  if (reader.role !== 'system_admin' && !asked && !owning) throw forbidden('This consultation is for another department.');
  return {
    id: row.id, caseId: row.case_id, departmentId: row.department_id, departmentName: row.department_name, question: row.question, dueOn: row.due_on,
    askedBy: row.asked_by, askedAt: row.asked_at, reply: row.reply, repliedBy: row.replied_by, repliedAt: row.replied_at,
    overdue: overdue(row.due_on, row.reply !== null, todayIn(timeZone)),
    /** Only the department asked replies (a system administrator may reply for it). */
    mayReply: row.reply === null && (asked || reader.role === 'system_admin') && ['case_worker', 'supervisor', 'department_admin', 'system_admin'].includes(reader.role),
  };
}

/** The department's reply: kept on the consultation and appended to the application's case, once. */
export async function replyToConsultation(db: DB, jurisdictionId: string, id: number, text: string, actor: WorkflowActor, timeZone: string): Promise<void> {
  const consultation = await consultationFor(db, jurisdictionId, id, actor, timeZone);
  const reply = text.trim();
  if (!reply) throw invalid('Write your department\'s reply.');
  if ([...reply].length > MAX_REPLY) throw invalid(`The reply must be at most ${MAX_REPLY.toLocaleString('en-GB')} characters.`);
  if (consultation.reply !== null) throw conflict('This consultation has been answered already.');
  if (!consultation.mayReply) throw forbidden('Only staff of the department asked can reply to this consultation.');
  await db.transaction().execute(async (trx) => {
    const at = nowIso();
    if (!(await store.recordReply(trx, id, { reply, replied_by: actor.id, replied_at: at }))) throw conflict('This consultation has been answered already.');
    await appendCaseRecord(trx, jurisdictionId, consultation.caseId, {
      action: 'consultation_reply', actor: actor.id, text: `Reply from ${consultation.departmentName}: ${reply}`,
      details: { consultation: id, department: consultation.departmentId }, audit: { action: 'application.consultation_replied', after: { consultation: id, department: consultation.departmentId } },
      idempotencyKey: null,
    });
  });
}
