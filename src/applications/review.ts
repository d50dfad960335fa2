/**
 * Reviewing an application: the applicant's replies (which end a wait for more information and
 * restart the statutory clock), and the decision: approve with conditions and validity dates,
 * or refuse with reasons, by a role allowed to decide. The decision is recorded on the
 * application and taken as the workflow's transition in one transaction, with the applicant's
 * email and, for an approval, the licence itself (src/licences: signed, emailed to the holder).
 */
import { appendAudit } from '../audit/audit.js';
import { applicationLink } from '../cases/application-links.js';
import { recordApplicantReply } from '../cases/applicant-replies.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import type { DB } from '../db/connection.js';
import { languages, translator } from '../i18n/i18n.js';
import { queueEmail } from '../notifications/email.js';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.js';
import { addDays, isCalendarDate, nowIso } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import type { Answers } from './answers.js';
import { licenceNameOf } from './licence-words.js';
import { openAnswers } from './sealed.js';
import type { FormDefinition } from './definition.js';
import * as store from './store.js';
import { deciders } from './workflow.js';
import { contactForCase } from '../cases/reporters.js';
import { issueLicence } from '../licences/licences.js';

export interface Decision {
  outcome: 'approve' | 'refuse';
  /** Approve: conditions, one per line (may be empty). Refuse: the reasons (needed). */
  text: string;
  validFrom?: string;
  validUntil?: string;
}

// A day that exists (2026-13-01 does not: it is refused, not thrown on).
const realDate = (text: string | undefined) => typeof text === 'string' && isCalendarDate(text);

export function checkDecision(decision: Decision): string[] {
  const problems: string[] = [];
  if (decision.outcome !== 'approve' && decision.outcome !== 'refuse') problems.push('Choose whether to approve or refuse the application.');
  if ([...decision.text].length > 4_000) problems.push('The conditions or reasons must be at most 4,000 characters.');
  if (decision.outcome === 'refuse' && !decision.text.trim()) problems.push('Give the reasons for refusing the application: the applicant reads them.');
  if (decision.outcome === 'approve') {
    if (!realDate(decision.validFrom) || !realDate(decision.validUntil)) problems.push('Give the dates the approval is valid from and until, written 2026-04-01.');
    else if (decision.validUntil! < decision.validFrom!) problems.push('The approval must end on or after the day it starts.');
  }
  return problems;
}

export async function decideApplication(db: DB, ctx: EngineContext, caseId: number, decision: Decision, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  const problems = checkDecision(decision);
  if (problems.length > 0) throw invalid(problems[0]!, problems);
  if (actor.role !== 'system_admin' && !deciders.includes(actor.role as never)) throw forbidden('Only a supervisor or a department administrator can decide an application.');
  await db.transaction().execute(async (trx) => {
    const application = await store.findApplication(trx, ctx.jurisdictionId, caseId);
    if (!application) throw notFound(`There is no application ${caseId}.`);
    const text = decision.text.trim();
    const approved = decision.outcome === 'approve';
    await performCaseAction(trx, ctx, caseId, approved ? { kind: 'transition', transition: 'approve', publicNote: text || 'Approved.', decisionRecorded: true }
      : { kind: 'transition', transition: 'refuse', reason: text, publicNote: text, decisionRecorded: true }, actor, idempotencyKey);
    const at = nowIso();
    if (!(await store.recordDecision(trx, caseId, {
      decision: approved ? 'approved' : 'refused', decision_text: text, valid_from: approved ? decision.validFrom! : null, valid_until: approved ? decision.validUntil! : null, decided_by: actor.id, decided_at: at,
    }))) throw conflict(`Application ${caseId} is decided already.`);
    const contact = await reporterOf(trx, ctx, caseId);
    const definition = JSON.parse(application.definition) as FormDefinition;
    const conditions = text.split('\n').map((line) => line.trim()).filter(Boolean);
    // An approval issues the licence in the same transaction: approved means a licence exists.
    if (approved && contact) {
      await issueLicence(trx, {
        caseId, serviceCode: application.service_code, serviceName: licenceNameOf(definition, application.service_name), holderName: contact.name, holderEmail: contact.email,
        permits: definition.licencePermits ?? definition.title, conditions, validFrom: decision.validFrom!, validUntil: decision.validUntil!, language: application.language,
      }, actor, ctx);
    }
    if (contact) {
      const t = translator(languages.find((l) => l.code === application.language) ?? languages[0]!).t;
      const appeal = definition.appealDays ? `\n\n${t('applications.appeal', { date: appealEndsOn(at, definition.appealDays, ctx.timeZone) })}` : '';
      const values = { reference: String(caseId), service: definition.title, council: ctx.notify.council, link: await applicationLink(trx, ctx.notify.publicUrl, caseId, at), text: `${text || '-'}${appeal}` };
      await queueEmail(trx, ctx.notify.keyring, 'application_update', {
        to: contact.email, language: application.language,
        subject: t(approved ? 'applications.email.approvedSubject' : 'applications.email.refusedSubject', values),
        text: t(approved ? 'applications.email.approvedText' : 'applications.email.refusedText', { ...values, from: decision.validFrom ?? '', until: decision.validUntil ?? '' }),
      }, { idempotencyKey: `application:${caseId}:decided` });
    }
  });
}

/** The calendar day (YYYY-MM-DD) an instant falls on in the council's time zone. */
export const dayIn = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const dayAfter = (day: string, days: number) => addDays(`${day}T00:00:00Z`, days).slice(0, 10);

/** The last day to appeal or object: `appealDays` after the day of the decision, in the council's time zone. */
export const appealEndsOn = (decidedAt: string, appealDays: number, timeZone: string) => dayAfter(dayIn(decidedAt, timeZone), appealDays);

/** What the decision form starts with: valid from today for the service's validity period (a year unless it says). */
export function decisionDefaults(definition: FormDefinition, now: string, timeZone: string): { validFrom: string; validUntil: string } {
  const today = dayIn(now, timeZone);
  return { validFrom: today, validUntil: dayAfter(today, (definition.validityDays ?? 365) - 1) };
}

async function reporterOf(db: DB, ctx: EngineContext, caseId: number): Promise<{ name: string; email: string } | null> {
  const contact = await contactForCase(db, ctx.notify.keyring, caseId);
  if (!contact?.email) return null;
  return { name: [contact.firstName, contact.lastName].filter(Boolean).join(' '), email: contact.email };
}

/** The applicant's message on their case; it ends a wait for more information. */
export async function applicantReplies(db: DB, ctx: Pick<EngineContext, 'jurisdictionId' | 'timeZone'>, caseId: number, text: string, actor: string): Promise<{ resumed: boolean }> {
  return recordApplicantReply(db, ctx, caseId, { text, actor, waitingState: 'more_information', resumeState: 'under_review' });
}

/** Something the officer may ask the applicant to change: an answer (a field or a repeatable group) or a document. */
export interface ChangeableItem { key: string; label: string }

/** The answers and documents of an application an officer can name in a request for more information, in form order. */
export function changeableItems(definition: FormDefinition, answers: Answers, documents: Array<{ id: string; field: string; filename: string }>): ChangeableItem[] {
  const items: ChangeableItem[] = [];
  for (const page of definition.pages) {
    if (page.group) {
      if (answers[page.group.id] !== undefined) items.push({ key: `answer:${page.group.id}`, label: `${page.title} (every ${page.group.itemName})` });
      continue;
    }
    for (const field of page.fields ?? []) {
      if (field.type === 'file') {
        for (const d of documents.filter((doc) => doc.field === field.id)) items.push({ key: `document:${d.id}`, label: `${field.label}: ${d.filename}` });
      } else if (field.type !== 'declaration' && answers[field.id] !== undefined) items.push({ key: `answer:${field.id}`, label: field.label });
    }
  }
  return items;
}

export const MAX_MESSAGE = 3_000;

/**
 * The officer asks the applicant for more information: the answers and documents to change,
 * named from the form, and a message. The case waits for more information (its statutory clock
 * stops: the workflow's entry actions), and the applicant's email and page carry the message
 * with the named items, in one transaction with an audit entry listing them.
 */
export async function requestInformation(db: DB, ctx: EngineContext, caseId: number, request: { items: string[]; message: string }, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  const message = request.message.trim();
  const problems: Record<string, string> = {};
  if (!message) problems.message = 'Write what the applicant needs to do: they read it in their email and on their page.';
  else if ([...message].length > MAX_MESSAGE) problems.message = `The message must be at most ${MAX_MESSAGE.toLocaleString('en-GB')} characters.`;
  await db.transaction().execute(async (trx) => {
    const application = await store.findApplication(trx, ctx.jurisdictionId, caseId);
    if (!application) throw notFound(`There is no application ${caseId}.`);
    const definition = JSON.parse(application.definition) as FormDefinition;
    const known = changeableItems(definition, openAnswers(ctx.notify.keyring, application.answers), await store.documentsOfDraft(trx, application.draft_id));
    const chosen = [...new Set(request.items)];
    const named = chosen.map((key) => known.find((item) => item.key === key));
    if (named.some((item) => !item)) problems.items = 'Choose only answers and documents of this application: reload the page and try again.';
    if (Object.keys(problems).length > 0) throw invalid(Object.values(problems)[0]!, Object.entries(problems).map(([field, text]) => `${field}: ${text}`));
    const t = translator(languages.find((l) => l.code === application.language) ?? languages[0]!).t;
    const list = named.length > 0 ? `\n\n${t('applications.info.change')}\n${named.map((item) => `- ${item!.label}`).join('\n')}` : '';
    await performCaseAction(trx, ctx, caseId, { kind: 'transition', transition: 'request_information', publicNote: `${message}${list}` }, actor, idempotencyKey);
    await appendAudit(trx, { actor: actor.id, action: 'application.information_requested', entityType: 'application', entityId: String(caseId), after: { items: chosen } });
  });
}

/** An officer's message to the applicant on the case's thread (the applicant's page and email show it). */
export async function messageApplicant(db: DB, ctx: EngineContext, caseId: number, text: string, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  const message = text.trim();
  if (!message) throw invalid('Write the message to the applicant.');
  if ([...message].length > MAX_MESSAGE) throw invalid(`The message must be at most ${MAX_MESSAGE.toLocaleString('en-GB')} characters.`);
  await db.transaction().execute(async (trx) => {
    if (!(await store.findApplication(trx, ctx.jurisdictionId, caseId))) throw notFound(`There is no application ${caseId}.`);
    await performCaseAction(trx, ctx, caseId, { kind: 'public_update', text: message }, actor, idempotencyKey);
  });
}
