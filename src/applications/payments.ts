/**
 * Paying an application's fee through a provider shaped like GOV.UK Pay: create a payment (amount,
 * reference, return address), send the applicant to the provider's page, and, on their return
 * and on the provider's signed callback, ask the provider for the payment's state. A payment
 * succeeds once: a second return, a replayed or forged callback, or a payment that the provider
 * says is for another reference or amount changes nothing. Staff may record a payment taken at
 * the counter (audited). The provider interface is in provider.ts; the built-in sandbox, with its
 * own card page for the demo and tests, in sandbox.ts; refunds in refunds.ts.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { conflict, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import type { PaymentProvider } from './provider.js';
import * as store from './store.js';

export type { PaymentProvider, ProviderPayment, ProviderState, RefundRefusal, RefundStatus } from './provider.js';
export { SANDBOX_CARDS, SandboxProvider } from './sandbox.js';

/** Starts paying an application's fee: the provider's page to send the applicant to. */
export async function startPayment(db: DB, provider: PaymentProvider, jurisdictionId: string, caseId: number, publicUrl: string, actor: string): Promise<string> {
  const application = await store.findApplication(db, jurisdictionId, caseId);
  if (!application) throw notFound(`There is no application ${caseId}.`);
  if (application.payment_state !== 'due') throw conflict(application.payment_state === 'paid' ? 'This application is paid already.' : 'This application has no fee to pay.');
  const id = randomUUID();
  const created = await provider.createPayment({ amount: application.fee_pence, reference: id, description: `${application.service_name}: application ${caseId}`, returnUrl: `${publicUrl}/apply/payments/${id}/return` });
  await db.transaction().execute(async (trx) => {
    await store.insertPayment(trx, { id, case_id: caseId, provider: provider.name, provider_payment_id: created.providerId, amount_pence: application.fee_pence, state: 'created', channel: 'online', created_at: nowIso(), finished_at: null });
    await appendAudit(trx, { actor, action: 'application_payment.started', entityType: 'application_payment', entityId: id, after: { caseId, amount: application.fee_pence, provider: provider.name } });
  });
  return created.nextUrl;
}

export type PaymentOutcome = 'paid' | 'failed' | 'cancelled' | 'pending' | 'already_finished';

/**
 * Asks the provider how a payment went and records it, once. The provider's answer must name
 * this payment's reference and amount; anything else changes nothing.
 */
export async function confirmPayment(db: DB, provider: PaymentProvider, paymentId: string, actor: string): Promise<{ outcome: PaymentOutcome; caseId: number }> {
  const payment = await store.findPayment(db, paymentId);
  if (!payment || payment.provider !== provider.name || payment.provider_payment_id === null) throw notFound('There is no such payment.');
  if (payment.state !== 'created') return { outcome: payment.state === 'success' ? 'paid' : 'already_finished', caseId: payment.case_id };
  const told = await provider.getPayment(payment.provider_payment_id);
  if (!told || told.reference !== payment.id || told.amount !== payment.amount_pence) {
    await appendAudit(db, { actor, action: 'application_payment.mismatch', entityType: 'application_payment', entityId: payment.id, after: { told: told ? { reference: told.reference, amount: told.amount } : null } });
    return { outcome: 'pending', caseId: payment.case_id };
  }
  if (told.state === 'created') return { outcome: 'pending', caseId: payment.case_id };
  const outcome = await db.transaction().execute(async (trx) => {
    if (!(await store.finishPayment(trx, payment.id, told.state as 'success' | 'failed' | 'cancelled', nowIso()))) return 'already_finished' as const;
    if (told.state === 'success') await store.markPaid(trx, payment.case_id);
    await appendAudit(trx, { actor, action: `application_payment.${told.state}`, entityType: 'application_payment', entityId: payment.id, after: { caseId: payment.case_id, amount: payment.amount_pence } });
    return told.state === 'success' ? 'paid' as const : told.state as 'failed' | 'cancelled';
  });
  return { outcome, caseId: payment.case_id };
}

/** The provider's callback: its signature checked, then the payment it names confirmed with the provider. */
export async function paymentCallback(db: DB, provider: PaymentProvider, body: string, signature: string | undefined): Promise<'recorded' | 'forged' | 'unknown'> {
  const providerId = provider.verifyCallback(body, signature);
  if (!providerId) return 'forged';
  const payment = await store.findPaymentByProviderId(db, provider.name, providerId);
  if (!payment) return 'unknown';
  await confirmPayment(db, provider, payment.id, `payment_provider:${provider.name}`);
  return 'recorded';
}

/** A payment taken at the council's counter, recorded by staff: audited with who took it. */
export async function recordCounterPayment(db: DB, jurisdictionId: string, caseId: number, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const application = await store.findApplication(trx, jurisdictionId, caseId);
    if (!application) throw notFound(`There is no application ${caseId}.`);
    if (!(await store.markPaid(trx, caseId))) throw conflict(application.payment_state === 'paid' ? 'This application is paid already.' : 'This application has no fee to pay.');
    const id = randomUUID();
    const at = nowIso();
    await store.insertPayment(trx, { id, case_id: caseId, provider: 'counter', provider_payment_id: null, amount_pence: application.fee_pence, state: 'success', channel: 'counter', created_at: at, finished_at: at });
    await appendAudit(trx, { actor, action: 'application_payment.counter', entityType: 'application_payment', entityId: id, after: { caseId, amount: application.fee_pence } });
  });
}
