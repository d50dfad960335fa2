/**
 * Feedback when a case closes: GET shows the question, POST records the answer. Both routes are
 * public: the check is inside, since the reporter proves who they are either by the key in the
 * closing email's link or by being signed in as the case's reporter.
 */
import { withServiceText } from '../catalogue/catalogue.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { csrfToken } from '../web/csrf.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { AlreadyAnswered, feedbackEligibility, MAX_COMMENT, parseFeedbackForm, recordFeedback, type Proof, type Refusal } from './feedback.js';
import { FeedbackForm, RefusalPage, refusalTitles, ThanksPage, type FormValues } from './views.js';

const refusalStatus: Record<Refusal, number> = { not_found: 404, not_closed: 409, not_allowed: 403, already_answered: 200 };

export async function feedbackRoutes(app: FastifyInstance, { db, keyring, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const route = { config: { access: publicAccess }, schema: { hide: true } };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  const proofOf = (request: FastifyRequest, key: string): Proof => ({
    key: key || undefined,
    userId: request.person?.secondFactorDone ? request.person.userId : undefined,
  });
  const refuse = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal, caseId: string | undefined) =>
    renderPage(request, reply, {
      title: translate(request).t(refusalTitles[refusal]), status: refusalStatus[refusal],
      body: <RefusalPage refusal={refusal} caseId={caseId} signInNext={`/requests/${caseId ?? ''}/feedback`} />,
    });
  const showForm = async (request: FastifyRequest, reply: FastifyReply, caseRef: { id: string; serviceCode: string; serviceName: string }, key: string, values: FormValues, errors: FieldErrors) => {
    // The service named in the reader's language.
    const [shown] = await withServiceText(db, jurisdictionId, translate(request).language.code, [caseRef]);
    return renderPage(request, reply, {
      title: translate(request).t('feedback.title'), status: Object.keys(errors).length > 0 ? 400 : 200,
      body: <FeedbackForm request={shown!} csrf={csrf(request, reply)} feedbackKey={key} values={values} errors={errors} maxComment={MAX_COMMENT} />,
    });
  };

  app.get('/requests/:id/feedback', route, async (request, reply) => {
    const { id } = request.params as { id: string };
    const key = formText(request.query, 'key');
    const eligible = await feedbackEligibility(db, keyring, jurisdictionId, id, proofOf(request, key));
    if (!eligible.ok) return refuse(request, reply, eligible.refusal, eligible.request?.id);
    return showForm(request, reply, eligible.request, key, { fixed: '', satisfaction: '', comment: '' }, {});
  });

  app.post('/requests/:id/feedback', route, async (request, reply) => {
    const { id } = request.params as { id: string };
    const key = formText(request.body, 'key');
    const proof = proofOf(request, key);
    const eligible = await feedbackEligibility(db, keyring, jurisdictionId, id, proof);
    if (!eligible.ok) return refuse(request, reply, eligible.refusal, eligible.request?.id);
    const values = { fixed: formText(request.body, 'fixed'), satisfaction: formText(request.body, 'satisfaction'), comment: formText(request.body, 'comment') };
    const parsed = parseFeedbackForm(values);
    if (!parsed.ok) {
      const { t } = translate(request);
      const errors = Object.fromEntries(Object.entries(parsed.errors).map(([field, problem]) => [field, t(problem.key, problem.values)]));
      return showForm(request, reply, eligible.request, key, values, errors);
    }
    // Who answered, for the audit trail: the account, or whoever held the emailed link.
    const actor = eligible.provedBy === 'account' ? `user:${String(proof.userId)}` : 'reporter:emailed-link';
    try {
      const { reopened } = await recordFeedback(db, keyring, jurisdictionId, eligible, parsed.answer, actor, config.jurisdiction.timeZone);
      return renderPage(request, reply, { title: translate(request).t('feedback.thanksTitle'), body: <ThanksPage request={(await withServiceText(db, jurisdictionId, translate(request).language.code, [eligible.request]))[0]!} reopened={reopened} /> });
    } catch (error) {
      if (error instanceof AlreadyAnswered) return refuse(request, reply, 'already_answered', eligible.request.id);
      throw error;
    }
  });
}
