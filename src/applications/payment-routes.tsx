/**
 * Paying an application's fee: the applicant's pay button and return page, the provider's signed
 * callback, the sandbox provider's card page, and staff recording a payment at the counter.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applicationKeyOpens } from '../cases/application-links.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess, signedIn } from '../identity/access.js';
import { cookieName, readCookie, setCookie } from '../platform/cookies.js';
import type { RouteDeps } from '../platform/deps.js';
import { parseId } from '../platform/ids.js';
import { forbidden, notFound } from '../platform/errors.js';
import { loadCase } from '../staff/case-data.js';
import { csrfToken } from '../web/csrf.js';
import { formText, PostForm } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { formatMoney } from './fees.js';
import { financeRoutes } from './finance-routes.js';
import { confirmPayment, paymentCallback, recordCounterPayment, startPayment } from './payments.js';
import type { PaymentProvider } from './provider.js';
import { SandboxProvider, SANDBOX_CARDS } from './sandbox.js';
import * as store from './store.js';

export const DRAFT_COOKIE = 'townhall_application';
const staffRoles = ['case_worker', 'supervisor', 'department_admin', 'system_admin'] as const;

/** The cookie that keeps an application's emailed key in this browser, once its link was opened. */
export const applicationKeyCookie = (caseId: number, secure: boolean) => cookieName(`townhall_app_${caseId}`, secure);
const KEPT_SECONDS = 365 * 24 * 3600;
const NO_APPLICATION = 'There is no application with that reference.';

/**
 * The application, if it is this person's: by their account, the draft this browser holds, or a key
 * from one of its emails (in the link, given with `reply` to remember it here; or remembered).
 * A wrong key is the same 404 as a missing application, so a key cannot be tried against a reference.
 */
export function ownApplicationCheck(db: RouteDeps['db'], jurisdictionId: string, secure: boolean) {
  return async (request: FastifyRequest, caseId: number | null, reply?: FastifyReply) => {
    const owner = caseId === null ? undefined : await store.applicationOwner(db, jurisdictionId, caseId);
    const linkKey = reply ? formText(request.query, 'key') : '';
    if (linkKey) {
      if (!owner || !(await applicationKeyOpens(db, owner.case_id, linkKey))) throw notFound(NO_APPLICATION);
      setCookie(reply!, applicationKeyCookie(owner.case_id, secure), linkKey, { secure, path: '/apply', maxAge: KEPT_SECONDS });
      reply!.header('cache-control', 'private, no-store');
      return owner;
    }
    if (!owner) throw notFound(NO_APPLICATION);
    const userId = request.person?.secondFactorDone ? request.person.userId : null;
    const mine = owner.user_id !== null ? userId === owner.user_id : readCookie(request, cookieName(DRAFT_COOKIE, secure)) === owner.draft_id;
    if (mine) return owner;
    const keptKey = readCookie(request, applicationKeyCookie(owner.case_id, secure));
    if (keptKey && (await applicationKeyOpens(db, owner.case_id, keptKey))) return owner;
    throw forbidden('This application is not yours, or it was made in another browser. Sign in, or use the link in the email we sent you.');
  };
}

export async function paymentRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps, provider: PaymentProvider): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const secure = app.site.secure;
  const route = { config: { access: publicAccess }, schema: { hide: true } };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, secure);
  const userOf = (request: FastifyRequest) => (request.person?.secondFactorDone ? request.person.userId : null);
  const caseIdOf = parseId;

  const ownApplication = ownApplicationCheck(db, jurisdictionId, secure);

  app.post('/apply/applications/:id/pay', route, async (request, reply) => {
    const owner = await ownApplication(request, caseIdOf((request.params as { id: string }).id));
    const userId = userOf(request);
    const next = await startPayment(db, provider, jurisdictionId, owner.case_id, config.publicUrl, userId === null ? 'applicant:guest' : `user:${userId}`);
    return reply.redirect(next, 303);
  });

  app.get('/apply/payments/:payment/return', route, async (request, reply) => {
    const paymentId = (request.params as { payment: string }).payment;
    const payment = /^[0-9a-f-]{36}$/.test(paymentId) ? await store.findPayment(db, paymentId) : undefined;
    if (!payment) throw notFound('There is no such payment.');
    await ownApplication(request, payment.case_id);
    const userId = userOf(request);
    const { outcome, caseId } = await confirmPayment(db, provider, paymentId, userId === null ? 'applicant:guest' : `user:${userId}`);
    const { t, language } = translate(request);
    const paid = outcome === 'paid';
    const title = t(paid ? 'applications.pay.paidTitle' : outcome === 'pending' ? 'applications.pay.pendingTitle' : 'applications.pay.failedTitle');
    return renderPage(request, reply, {
      title,
      body: (
        <>
          <h1>{title}</h1>
          <p>{paid ? t('applications.pay.paidText', { amount: formatMoney(payment.amount_pence, language.code), reference: caseId }) : t('applications.pay.failedText')}</p>
          {!paid && <PostForm action={`/apply/applications/${caseId}/pay`} csrf={csrf(request, reply)}><button type="submit">{t('applications.sent.payButton')}</button></PostForm>}
        </>
      ),
    });
  });

  // The provider's callback: signed, so it carries no CSRF token; its raw body is what was signed.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 10_000 }, (_request, body, done) => done(null, body));
    scope.post('/apply/payments/callback', { config: { access: publicAccess, csrfExempt: 'the payment provider signs its callbacks (HMAC of the body)' }, schema: { hide: true } }, async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const signature = request.headers['pay-signature'];
      const result = await paymentCallback(db, provider, body, typeof signature === 'string' ? signature : undefined);
      if (result === 'forged') return reply.code(400).send({ error: 'invalid', message: 'The signature does not match: nothing was changed.' });
      if (result === 'unknown') return reply.code(404).send({ error: 'not_found', message: 'No payment here has that id.' });
      return reply.code(200).send({ status: 'recorded' });
    });
  });

  if (provider instanceof SandboxProvider) {
    app.get('/pay/sandbox/:id', route, async (request, reply) => {
      const id = (request.params as { id: string }).id;
      const payment = await provider.pending(id);
      if (!payment) throw notFound('There is no payment waiting here: it was paid, declined or cancelled already.');
      const { t, language } = translate(request);
      return renderPage(request, reply, {
        title: t('applications.pay.cardTitle'),
        body: (
          <>
            <h1>{t('applications.pay.cardTitle')}</h1>
            <p class="notice">{t('applications.pay.sandbox', { success: SANDBOX_CARDS.success, declined: SANDBOX_CARDS.declined })}</p>
            <p>{payment.description}: <strong>{formatMoney(payment.amount, language.code)}</strong></p>
            <PostForm action={`/pay/sandbox/${id}`} csrf={csrf(request, reply)}>
              <label for="card">{t('applications.pay.card')}</label>
              <input id="card" name="card" inputmode="numeric" autocomplete="cc-number" spellcheck={false} />
              <button type="submit">{t('applications.pay.confirm')}</button>
            </PostForm>
            <PostForm action={`/pay/sandbox/${id}/cancel`} csrf={csrf(request, reply)}><button type="submit" class="secondary">{t('applications.pay.cancel')}</button></PostForm>
          </>
        ),
      });
    });
    app.post('/pay/sandbox/:id', route, async (request, reply) => {
      const id = (request.params as { id: string }).id;
      const paid = await provider.pay(id, formText(request.body, 'card'));
      if (!paid) throw notFound('There is no payment waiting here: it was paid, declined or cancelled already.');
      // As a real provider does, the sandbox tells the service by a signed callback too.
      const body = JSON.stringify({ resource_id: id, event_type: paid.state === 'success' ? 'card_payment_succeeded' : 'card_payment_failed' });
      await paymentCallback(db, provider, body, provider.sign(body));
      return reply.redirect(paid.returnUrl, 303);
    });
    app.post('/pay/sandbox/:id/cancel', route, async (request, reply) => {
      const returnUrl = await provider.cancel((request.params as { id: string }).id);
      if (!returnUrl) throw notFound('There is no payment waiting here.');
      return reply.redirect(returnUrl, 303);
    });
  }

  app.post('/staff/applications/:id/counter-payment', { config: { access: signedIn([...staffRoles]) }, schema: { hide: true } }, async (request, reply) => {
    // As every case route: another department's case is refused (and the refusal audited).
    const { row } = await loadCase(db, config, request, (request.params as { id: string }).id);
    if (row.kind !== 'application') throw notFound(`Case ${row.id} is not an application.`);
    await recordCounterPayment(db, row.jurisdiction_id, row.id, `user:${request.person!.userId}`);
    return reply.redirect(`/staff/requests/${row.id}?done=counter_payment`, 303);
  });

  await financeRoutes(app, { db, config, keyring }, provider);
}
