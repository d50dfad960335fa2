/**
 * Refunding an application's payment, all or part, with a reason, by a supervisor or department
 * administrator of the case's department or a system administrator, through the payment
 * provider (GOV.UK Pay's shape: amount and refund_amount_available; a counter payment is handed
 * back at the counter). The refunds never add up to more than was paid: the amount is set aside
 * on the application in one conditional update before the provider is asked, and given back if
 * the provider refuses. The staff form's key makes a double submit refund once. A refund is
 * audited against its payment (application_refund.requested, .success, .submitted or .error), appended to the case as an action, and told to the applicant by email in their
 * language; they also see it on their application's page.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import { applicationLink } from '../cases/application-links.js';
import { contactForCase } from '../cases/reporters.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { languages, translator } from '../i18n/i18n.js';
import { queueEmail } from '../notifications/email.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import type { FormDefinition } from './definition.js';
import { formatMoney } from './fees.js';
import type { PaymentProvider, RefundStatus } from './provider.js';
import * as store from './store.js';

/** Who may refund (and only on their own department's cases, but for a system administrator). */
export const refundingRoles = ['supervisor', 'department_admin', 'system_admin'] as const;
export const MAX_REFUND_REASON = 1_000;

export interface RefundRequest {
  /** What the officer typed, in pounds: "12.50" or "12". */
  amount: string;
  reason: string;
}

export interface RefundResult {
  refund: store.RefundRow;
  /** The same form was sent before: nothing more was done. */
  repeated: boolean;
}

/** "12.50" or "£12" in pence; null when it is not an amount of money. */
export function penceOf(text: string): number | null {
  const match = /^£?\s*(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** What is paid and what may still be refunded on an application. */
export async function refundableOf(db: DB, jurisdictionId: string, caseId: number): Promise<{ paid: number; refunded: number; available: number; payment: store.PaymentRow | undefined }> {
  const application = await store.findApplication(db, jurisdictionId, caseId);
  if (!application) throw notFound(`There is no application ${caseId}.`);
  const payment = await store.successfulPayment(db, caseId);
  const paid = payment?.amount_pence ?? 0;
  return { paid, refunded: application.refunded_pence, available: Math.max(0, paid - application.refunded_pence), payment };
}

/** Each problem with a refund form, by field, in words the officer can act on. */
export function checkRefund(input: RefundRequest, available: number): { amount?: string; reason?: string } {
  const problems: { amount?: string; reason?: string } = {};
  const pence = penceOf(input.amount);
  if (input.amount.trim() === '') problems.amount = 'Enter the amount to refund, for example 12.50.';
  else if (pence === null) problems.amount = 'Enter the amount in pounds and pence, for example 12.50.';
  else if (pence <= 0) problems.amount = 'The amount to refund must be more than £0.00.';
  else if (pence > available) problems.amount = available === 0 ? 'Nothing is left to refund on this application.' : `You can refund at most ${formatMoney(available)}: what was paid, less the refunds already made.`;
  const reason = input.reason.trim();
  if (!reason) problems.reason = 'Enter the reason for the refund: the applicant reads it.';
  else if ([...reason].length > MAX_REFUND_REASON) problems.reason = `The reason must be ${MAX_REFUND_REASON} characters or fewer.`;
  return problems;
}

export async function refundApplication(db: DB, ctx: EngineContext, provider: PaymentProvider, caseId: number, input: RefundRequest, actor: WorkflowActor, idempotencyKey: string): Promise<RefundResult> {
  if (actor.role !== 'system_admin' && !(refundingRoles as readonly string[]).includes(actor.role)) throw forbidden('Only a supervisor, a department administrator or a system administrator can refund a payment.');
  const application = await store.findApplication(db, ctx.jurisdictionId, caseId);
  if (!application) throw notFound(`There is no application ${caseId}.`);
  if (actor.role !== 'system_admin' && (application.department_id === null || application.department_id !== actor.departmentId)) {
    throw forbidden(`Application ${caseId} belongs to another department: only that department can refund it.`);
  }
  const key = `refund:${idempotencyKey}`;
  const earlier = await store.refundByKey(db, key);
  if (earlier) return repeatOf(earlier, caseId);
  let reserved: { payment: store.PaymentRow; amount: number; reason: string; refund: store.RefundRow; availableBefore: number };
  try {
    reserved = await reserveRefund(db, ctx, caseId, input, actor, key);
  } catch (error) {
    // The same form sent twice at once: the other one set the amount aside first, so this one
    // finds too little left, or trips on the key. Either way it is answered as the first was.
    if (error instanceof DomainError || isUniqueViolation(error)) {
      const other = await store.refundByKey(db, key);
      if (other) return repeatOf(other, caseId);
    }
    throw error;
  }
  const { payment, amount, reason, refund, availableBefore } = reserved;

  let status: RefundStatus;
  let providerRefundId: string | null = null;
  let problem: string | null = null;
  if (payment.channel === 'counter') status = 'success';
  else if (payment.provider !== provider.name || payment.provider_payment_id === null) {
    status = 'error';
    problem = `The payment was taken by ${payment.provider}, which this server does not reach.`;
  } else {
    try {
      const answer = await provider.refund(payment.provider_payment_id, { amount, refundAmountAvailable: availableBefore });
      if ('refused' in answer) {
        status = 'error';
        problem = answer.refused === 'amount_available_mismatch' ? 'The payment provider counts the refunds differently from us.' : `The payment provider refused it (${answer.refused.replace(/_/g, ' ')}).`;
      } else {
        status = answer.status;
        providerRefundId = answer.refundId;
      }
    } catch (error) {
      status = 'error';
      problem = `The payment provider could not be reached (${(error as Error).message.slice(0, 200)}).`;
    }
  }

  const finished = await db.transaction().execute(async (trx) => {
    const at = nowIso();
    await store.finishRefund(trx, refund.id, { status, provider_refund_id: providerRefundId, finished_at: status === 'submitted' ? null : at });
    if (status === 'error') {
      await store.releaseRefund(trx, caseId, amount);
      await appendAudit(trx, { actor: actor.id, action: 'application_refund.error', entityType: 'application_payment', entityId: payment.id, after: { refundId: refund.id, caseId, amount, problem } });
      return { ...refund, status, finished_at: at };
    }
    await appendAudit(trx, { actor: actor.id, action: `application_refund.${status}`, entityType: 'application_payment', entityId: payment.id, after: { refundId: refund.id, caseId, amount, reason, providerRefundId } });
    const money = formatMoney(amount);
    await performCaseAction(trx, ctx, caseId, { kind: 'note', text: `Refund of ${money}${status === 'submitted' ? ' asked of the payment provider' : ''}: ${reason}` }, actor, `refund:${refund.id}`);
    const contact = await contactForCase(trx, ctx.notify.keyring, caseId);
    if (contact?.email) {
      const t = translator(languages.find((l) => l.code === application.language) ?? languages[0]!).t;
      const service = (JSON.parse(application.definition) as FormDefinition).title;
      const values = { reference: String(caseId), service, amount: formatMoney(amount, application.language), reason, link: await applicationLink(trx, ctx.notify.publicUrl, caseId, at), council: ctx.notify.council };
      await queueEmail(trx, ctx.notify.keyring, 'application_update', {
        to: contact.email, language: application.language,
        subject: t('applications.email.refundSubject', values), text: t('applications.email.refundText', values),
      }, { idempotencyKey: `application:${caseId}:refund:${refund.id}`, event: 'application_refund' });
    }
    return { ...refund, status, provider_refund_id: providerRefundId, finished_at: status === 'submitted' ? null : at };
  });
  if (finished.status === 'error') throw conflict(`Nothing was refunded: ${problem ?? 'the payment provider refused the refund.'}`);
  return { refund: finished, repeated: false };
}

/** Checks the refund and sets its amount aside on the application, with the refund row (status submitted), in one transaction. */
async function reserveRefund(db: DB, ctx: EngineContext, caseId: number, input: RefundRequest, actor: WorkflowActor, key: string) {
  const { available, payment } = await refundableOf(db, ctx.jurisdictionId, caseId);
  if (!payment) throw conflict(`Application ${caseId} has no payment to refund.`);
  const problems = checkRefund(input, available);
  if (problems.amount || problems.reason) throw invalid((problems.amount ?? problems.reason)!, [problems.amount, problems.reason].filter((p): p is string => Boolean(p)));
  const amount = penceOf(input.amount)!;
  const reason = input.reason.trim();
  const refund: store.RefundRow = {
    id: randomUUID(), case_id: caseId, payment_id: payment.id, amount_pence: amount, reason, status: 'submitted', provider: payment.provider,
    provider_refund_id: null, idempotency_key: key, requested_by: actor.id, created_at: nowIso(), finished_at: null,
  };
  // The provider is asked outside any transaction, so the amount is set aside first.
  const availableBefore = await db.transaction().execute(async (trx) => {
    const before = (await refundableOf(trx, ctx.jurisdictionId, caseId)).available;
    if (!(await store.reserveRefund(trx, caseId, amount))) throw conflict(`You can refund at most ${formatMoney(before)}: what was paid, less the refunds already made. Nothing was refunded.`);
    await store.insertRefund(trx, refund);
    await appendAudit(trx, { actor: actor.id, action: 'application_refund.requested', entityType: 'application_payment', entityId: payment.id, after: { refundId: refund.id, caseId, amount, reason } });
    return before;
  });
  return { payment, amount, reason, refund, availableBefore };
}

function repeatOf(earlier: store.RefundRow, caseId: number): RefundResult {
  if (earlier.case_id !== caseId) throw conflict('That form was already sent for another application. Reload the page and try again.');
  return { refund: earlier, repeated: true };
}

/** The refunds an applicant sees: those done or on their way. */
export async function refundsForApplicant(db: DB, caseId: number) {
  return (await store.refundsOf(db, caseId)).filter((r) => r.status !== 'error').map((r) => ({ amount: r.amount_pence, reason: r.reason, status: r.status, at: r.finished_at ?? r.created_at }));
}


/** An application's payments and refunds, with what is paid and still refundable: the staff payments page. */
export async function applicationPayments(db: DB, jurisdictionId: string, caseId: number) {
  const application = await store.findApplication(db, jurisdictionId, caseId);
  if (!application) throw notFound(`Case ${caseId} is not an application, so it has no payments.`);
  const { paid, refunded, available } = await refundableOf(db, jurisdictionId, caseId);
  return {
    caseId, serviceName: application.service_name, fee: application.fee_pence, paid, refunded, available,
    payments: await store.paymentsOf(db, caseId), refunds: await store.refundsOf(db, caseId),
  };
}
