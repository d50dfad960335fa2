/** The feedback pages: the question form, the thank-you page, and why an answer cannot be given. */
import { useTranslator, type MessageKey } from '../i18n/i18n.js';
import { ErrorSummary, PostForm, type FieldErrors } from '../web/forms.js';
import type { Refusal } from './feedback.js';

export interface FormValues {
  fixed: string;
  satisfaction: string;
  comment: string;
}

interface CaseRef {
  id: string;
  serviceName: string;
}

const satisfactionLabels: MessageKey[] = ['feedback.satisfaction1', 'feedback.satisfaction2', 'feedback.satisfaction3', 'feedback.satisfaction4', 'feedback.satisfaction5'];

/** A group of radios in a fieldset; the first radio's id is the field's name, so the error summary links to it. */
function Radios({ name, legend, hint, options, value, error }: {
  name: string; legend: string; hint?: string; options: Array<{ value: string; label: string }>; value: string; error?: string | undefined;
}) {
  const { t } = useTranslator();
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field-error' : undefined}>
      <fieldset class="feedback-radios" aria-describedby={describedBy}>
        <legend>{legend}</legend>
        {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
        {error && <span class="error-message" id={`${name}-error`}>{t('form.errorPrefix')} {error}</span>}
        {options.map((option, index) => {
          const id = index === 0 ? name : `${name}-${option.value}`;
          return (
            <div class="feedback-radio" key={option.value}>
              <input type="radio" id={id} name={name} value={option.value} checked={value === option.value} />
              <label for={id}>{option.label}</label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

export function FeedbackForm({ request, csrf, feedbackKey, values, errors, maxComment }: {
  request: CaseRef; csrf: string; feedbackKey: string; values: FormValues; errors: FieldErrors; maxComment: number;
}) {
  const { t } = useTranslator();
  const commentDescribedBy = ['comment-hint', errors.comment ? 'comment-error' : ''].filter(Boolean).join(' ');
  return (
    <>
      <ErrorSummary errors={errors} />
      <span class="feedback-caption">{t('feedback.caseLabel', { id: request.id, service: request.serviceName })}</span>
      <h1>{t('feedback.title')}</h1>
      <p>{t('feedback.intro')}</p>
      <PostForm action={`/requests/${request.id}/feedback`} csrf={csrf}>
        {feedbackKey && <input type="hidden" name="key" value={feedbackKey} />}
        <Radios name="fixed" legend={t('feedback.fixed')} hint={t('feedback.fixedHint')} value={values.fixed} error={errors.fixed}
          options={[{ value: 'yes', label: t('feedback.fixedYes') }, { value: 'no', label: t('feedback.fixedNo') }]} />
        <Radios name="satisfaction" legend={t('feedback.satisfaction')} value={values.satisfaction} error={errors.satisfaction}
          options={satisfactionLabels.map((key, index) => ({ value: String(index + 1), label: t(key) }))} />
        <div class={errors.comment ? 'field-error' : undefined}>
          <label for="comment">{t('feedback.comment')}</label>
          <span class="hint" id="comment-hint">{t('feedback.commentHint', { max: maxComment })}</span>
          {errors.comment && <span class="error-message" id="comment-error">{t('form.errorPrefix')} {errors.comment}</span>}
          <textarea id="comment" name="comment" rows={5} aria-describedby={commentDescribedBy} aria-invalid={errors.comment ? 'true' : undefined}>{values.comment}</textarea>
        </div>
        <button type="submit">{t('feedback.send')}</button>
      </PostForm>
      <p><a href={`/requests/${request.id}`}>{t('feedback.seeReport')}</a></p>
    </>
  );
}

export function ThanksPage({ request, reopened }: { request: CaseRef; reopened: boolean }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('feedback.thanksTitle')}</h1>
      <p>{t(reopened ? 'feedback.thanksReopened' : 'feedback.thanksFixed')}</p>
      <p><a href={`/requests/${request.id}`}>{t('feedback.seeReport')}</a></p>
    </>
  );
}

export const refusalTitles: Record<Refusal, MessageKey> = {
  not_found: 'feedback.notFoundTitle',
  not_closed: 'feedback.notClosedTitle',
  not_allowed: 'feedback.refusedTitle',
  already_answered: 'feedback.alreadyTitle',
};

/** Why no answer can be given now, and what the person can do instead. */
export function RefusalPage({ refusal, caseId, signInNext }: { refusal: Refusal; caseId?: string | undefined; signInNext: string }) {
  const { t, rich } = useTranslator();
  return (
    <>
      <h1>{t(refusalTitles[refusal])}</h1>
      {refusal === 'not_found' && <p>{t('feedback.notFoundText')}</p>}
      {refusal === 'not_closed' && <p>{t('feedback.notClosedText')}</p>}
      {refusal === 'not_allowed' && <p>{rich('feedback.refusedText', { link: (c) => <a href={`/sign-in?next=${encodeURIComponent(signInNext)}`}>{c}</a> })}</p>}
      {refusal === 'already_answered' && <p>{t('feedback.alreadyText')}</p>}
      {caseId && <p><a href={`/requests/${caseId}`}>{t('feedback.seeReport')}</a></p>}
    </>
  );
}
