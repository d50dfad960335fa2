/**
 * The applicant's page of their application (its state, fee, decision with any appeal period,
 * and messages, with a reply form while it is open). The staff side is staff-routes.tsx.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caseHistory } from '../cases/queries.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { parseId } from '../platform/ids.js';
import { perMinute } from '../platform/rate-limit.js';
import { DomainError } from '../platform/errors.js';
import { csrfToken } from '../web/csrf.js';
import { ErrorSummary, formText, PostForm, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { licencesOfCase, verifyLinkOf } from '../licences/licences.js';
import { applicationSummary } from './applications.js';
import { formatMoney } from './fees.js';
import { ApplicantRefunds } from './finance-views.js';
import { ownApplicationCheck } from './payment-routes.js';
import { refundsForApplicant } from './refunds.js';
import { appealEndsOn, applicantReplies } from './review.js';
import * as store from './store.js';

export async function reviewRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const secure = app.site.secure;
  const ownApplication = ownApplicationCheck(db, jurisdictionId, secure);
  const route = { config: { access: publicAccess }, schema: { hide: true } };
  const caseIdOf = parseId;

  const showApplication = async (request: FastifyRequest, reply: Parameters<typeof renderPage>[1], caseId: number, errors: FieldErrors) => {
    const { t, language } = translate(request);
    const summary = await applicationSummary(db, jurisdictionId, caseId);
    const decision = await store.decisionOf(db, caseId);
    const licences = decision?.decision === 'approved' ? await licencesOfCase(db, jurisdictionId, caseId) : [];
    const refunds = await refundsForApplicant(db, caseId);
    const thread = (await caseHistory(db, caseId)).filter((a) => a.action === 'applicant_reply' || (a.public && a.description));
    const csrf = csrfToken(request, reply, secure);
    const title = t('applications.page.title', { reference: caseId });
    return renderPage(request, reply, {
      title, status: Object.keys(errors).length > 0 ? 400 : 200,
      body: (
        <>
          <ErrorSummary errors={errors} />
          <span class="caption">{summary.serviceName}</span>
          <h1>{title}</h1>
          <dl class="summary">
            <div class="summary-row"><dt>{t('applications.page.state')}</dt><dd>{t(`applications.state.${stateKey(summary.state)}`)}</dd></div>
            <div class="summary-row"><dt>{t('applications.check.fee')}</dt><dd>{summary.fee === 0 ? t('applications.check.noFee') : `${formatMoney(summary.fee, language.code)} (${t(summary.paymentState === 'paid' ? 'applications.page.paid' : 'applications.page.unpaid')})`}</dd></div>
          </dl>
          <ApplicantRefunds refunds={refunds} timeZone={config.jurisdiction.timeZone} />
          {summary.paymentState === 'due' && <PostForm action={`/apply/applications/${caseId}/pay`} csrf={csrf}><button type="submit">{t('applications.sent.payButton')}</button></PostForm>}
          {decision?.decision && (
            <section>
              <h2>{t(decision.decision === 'approved' ? 'applications.page.approved' : 'applications.page.refused')}</h2>
              {decision.decision === 'approved' && <p>{t('applications.page.valid', { from: decision.valid_from ?? '', until: decision.valid_until ?? '' })}</p>}
              {decision.decision_text && <ul class="list bullet">{decision.decision_text.split('\n').filter((l) => l.trim()).map((line) => <li key={line}>{line}</li>)}</ul>}
              {summary.appealDays !== null && decision.decided_at && <p>{t('applications.appeal', { date: appealEndsOn(decision.decided_at, summary.appealDays, config.jurisdiction.timeZone) })}</p>}
              {licences.map((licence) => (
                <p key={licence.id}>{t('applications.page.licence', { number: licence.number })} <a href={verifyLinkOf('', licence.token)}>{t('applications.page.checkLicence', { number: licence.number })}</a></p>
              ))}
            </section>
          )}
          <h2>{t('applications.page.messages')}</h2>
          {thread.length === 0 ? <p>{t('applications.page.noMessages')}</p> : (
            <ol class="list">{thread.map((m, n) => <li key={n}><strong>{t(m.action === 'applicant_reply' ? 'applications.page.fromYou' : 'applications.page.fromCouncil')}</strong> <bdi class="report-description">{m.description}</bdi></li>)}</ol>
          )}
          {summary.status === 'open' && (
            <PostForm action={`/apply/applications/${caseId}/reply`} csrf={csrf}>
              <div class={errors.message ? 'field-error' : undefined}>
                <label for="message">{t(summary.state === 'more_information' ? 'applications.page.answer' : 'applications.page.write')}</label>
                {errors.message && <span class="error-message" id="message-error">{t('form.errorPrefix')} {errors.message}</span>}
                <textarea id="message" name="message" rows={5} aria-invalid={errors.message ? 'true' : undefined} aria-describedby={errors.message ? 'message-error' : undefined} />
              </div>
              <button type="submit">{t('applications.page.send')}</button>
            </PostForm>
          )}
        </>
      ),
    });
  };

  // The page opens with the key from an email too: limited per client, in a scope of its own (the
  // plugin counts only where it is registered), so keys cannot be tried quickly.
  const limit = perMinute(config.signInRateLimit);
  // Only the openings that carry a key count: moving about one's own page is not limited.
  const keyedOpenings = limit && { ...limit, allowList: (request: FastifyRequest) => !formText(request.query, 'key') };
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'application page rate-limited'),
    });
    scope.get('/apply/applications/:id', { config: { access: publicAccess, rateLimit: keyedOpenings }, schema: { hide: true } }, async (request, reply) => {
      const owner = await ownApplication(request, caseIdOf((request.params as { id: string }).id), reply);
      return showApplication(request, reply, owner.case_id, {});
    });
  });

  app.post('/apply/applications/:id/reply', route, async (request, reply) => {
    const owner = await ownApplication(request, caseIdOf((request.params as { id: string }).id));
    const userId = request.person?.secondFactorDone ? request.person.userId : null;
    try {
      await applicantReplies(db, { jurisdictionId, timeZone: config.jurisdiction.timeZone }, owner.case_id, formText(request.body, 'message'), userId === null ? 'applicant:guest' : `user:${userId}`);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return showApplication(request, reply, owner.case_id, { message: translate(request).known(error.message) });
      throw error;
    }
    return reply.redirect(`/apply/applications/${owner.case_id}`, 303);
  });
}

const stateKeys = ['received', 'checking', 'more_information', 'under_review', 'consultation', 'inspection', 'decision', 'issued', 'refused', 'withdrawn'] as const;
const stateKey = (state: string): (typeof stateKeys)[number] => ((stateKeys as readonly string[]).includes(state) ? state as (typeof stateKeys)[number] : 'under_review');
