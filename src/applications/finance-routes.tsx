/**
 * Money pages for staff: an application's payments and refunds, with the refund form
 * (supervisors, department administrators of the case's department, system administrators),
 * and the daily reconciliation report, as a page with a date picker and as CSV (system
 * administrators and analysts: Townhall has no finance role of its own).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../identity/access.js';
import { staffRoles } from '../identity/policy.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, invalid } from '../platform/errors.js';
import { todayInZone } from '../platform/time.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from '../staff/actions.js';
import { loadCase, newIdempotencyKey, personDepartmentId } from '../staff/case-data.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { ApplicationPaymentsPage, ReconciliationPage } from './finance-views.js';
import type { PaymentProvider } from './provider.js';
import { reconcileDay, reconciliationCsv } from './reconciliation.js';
import { applicationPayments, checkRefund, refundApplication, refundingRoles } from './refunds.js';

/** Who may read the daily reconciliation: the council's administrators and its analysts. */
export const reconciliationRoles = ['system_admin', 'analyst'] as const;

export async function financeRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps, provider: PaymentProvider): Promise<void> {
  const timeZone = config.jurisdiction.timeZone;
  const hidden = { schema: { hide: true } };

  const showPayments = async (request: FastifyRequest, reply: FastifyReply, caseId: number, extras: { errors?: FieldErrors; amount?: string; reason?: string; done?: string | null; status?: number } = {}) => {
    const view = await applicationPayments(db, engineContextOf(request, config, keyring).jurisdictionId, caseId);
    const person = request.person!;
    const mayRefund = (refundingRoles as readonly string[]).includes(person.role);
    const errors = extras.errors ?? {};
    return renderPage(request, reply, {
      title: `Payments for application ${caseId}`, englishOnly: true, wide: true, status: extras.status ?? (Object.keys(errors).length > 0 ? 400 : 200),
      body: <ApplicationPaymentsPage {...view} timeZone={timeZone} done={extras.done ?? null}
        form={mayRefund ? { csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(), amount: extras.amount ?? '', reason: extras.reason ?? '', errors } : null} />,
    });
  };

  app.get('/staff/applications/:id/payments', { config: { access: signedIn(staffRoles) }, ...hidden }, async (request, reply) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    return showPayments(request, reply, loaded.row.id, { done: formText(request.query, 'done') === 'refunded' ? 'The refund was made. The applicant has been emailed.' : null });
  });

  app.post('/staff/applications/:id/refunds', { config: { access: signedIn([...refundingRoles]) }, ...hidden }, async (request, reply) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    const caseId = loaded.row.id;
    const key = idempotencyKeyOf(request, request.body);
    if (!key) throw invalid('This form has no key: reload the page and refund again.');
    const input = { amount: formText(request.body, 'amount'), reason: formText(request.body, 'reason') };
    const ctx = engineContextOf(request, config, keyring);
    // What is wrong with the form itself, field by field; the limit (paid less refunded) is refundApplication's.
    const problems = checkRefund(input, Number.MAX_SAFE_INTEGER);
    if (problems.amount || problems.reason) return showPayments(request, reply, caseId, { errors: problems as FieldErrors, ...input });
    try {
      await refundApplication(db, ctx, provider, caseId, input, actorOf(request, await personDepartmentId(db, request)), key);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) {
        return showPayments(request, reply, caseId, { errors: { amount: error.message }, ...input, status: error.kind === 'conflict' ? 409 : 400 });
      }
      throw error;
    }
    return reply.redirect(`/staff/applications/${caseId}/payments?done=refunded`, 303);
  });

  const readDay = (request: FastifyRequest): { day: string; given: boolean } => {
    const day = formText(request.query, 'date').trim();
    return day ? { day: day.slice(0, 20), given: true } : { day: todayInZone(timeZone), given: false };
  };

  app.get('/admin/payments', { config: { access: signedIn([...reconciliationRoles]) }, ...hidden }, async (request, reply) => {
    const { day } = readDay(request);
    try {
      const report = await reconcileDay(db, config.jurisdiction.id, day, timeZone);
      return renderPage(request, reply, { title: `Payments on ${day}`, englishOnly: true, wide: true, body: <ReconciliationPage report={report} error={null} typed={day} /> });
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === 'invalid')) throw error;
      return renderPage(request, reply, { title: 'Payments: daily reconciliation', englishOnly: true, status: 400, body: <ReconciliationPage report={null} error={error.message} typed={day} /> });
    }
  });

  app.get('/admin/payments/reconciliation.csv', { config: { access: signedIn([...reconciliationRoles]) }, ...hidden }, async (request, reply) => {
    const { day } = readDay(request);
    const report = await reconcileDay(db, config.jurisdiction.id, day, timeZone);
    return reply.header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="payments-${report.day}.csv"`)
      .type('text/csv; charset=utf-8').send(reconciliationCsv(report));
  });
}
