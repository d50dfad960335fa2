/** The sign-in pages: email and password, then for staff the authenticator code. */
import { useTranslator } from '../../i18n/i18n.js';
import { ErrorSummary, Field, PostForm, type FieldErrors } from '../../web/forms.js';
import type { TotpEnrolment } from '../sign-in.js';

export interface SignInProvider {
  href: string;
  label: string;
}

export function SignInForm({ csrf, next, email, errors, providers }: { csrf: string; next: string; email?: string; errors: FieldErrors; providers: SignInProvider[] }) {
  const { t, rich } = useTranslator();
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('signIn.title')}</h1>
      <PostForm action={`/sign-in${next !== '' ? `?next=${encodeURIComponent(next)}` : ''}`} csrf={csrf}>
        <Field name="email" label={t('signIn.email')} type="email" autocomplete="username" value={email} error={errors.email} />
        <Field name="password" label={t('signIn.password')} type="password" autocomplete="current-password" error={errors.password} />
        <button type="submit">{t('signIn.button')}</button>
      </PostForm>
      <p><a href="/account/reset-password">{t('signIn.forgotten')}</a></p>
      <p>{rich('signIn.emailLink', { link: (c) => <a href="/sign-in/email-link">{c}</a> })}</p>
      <p>{rich('signIn.register', { link: (c) => <a href="/register">{c}</a> })}</p>
      {providers.length > 0 && (
        <>
          <h2>{t('signIn.orWith')}</h2>
          {providers.map((p) => <p key={p.href}><a class="button secondary" href={p.href}>{p.label}</a></p>)}
        </>
      )}
    </>
  );
}

export function SecondFactorForm({ csrf, errors, enrolment }: { csrf: string; errors: FieldErrors; enrolment: TotpEnrolment | null }) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={errors} />
      {enrolment ? (
        <>
          <h1>{t('secondFactor.setUpTitle')}</h1>
          <p>{t('secondFactor.setUpIntro')}</p>
          <ol>
            <li>{t('secondFactor.step1')}</li>
            <li>{t('secondFactor.step2')}</li>
          </ol>
          {/* The SVG is drawn by the qrcode library from a URI we built; it holds no outside text. */}
          <div class="qr" role="img" aria-label={t('secondFactor.qrLabel')} dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
          <details>
            <summary>{t('secondFactor.cannotScan')}</summary>
            <p>{t('secondFactor.enterKey')} <span class="secret" dir="ltr">{enrolment.secret}</span></p>
            <p>{t('secondFactor.openAddress')} <code dir="ltr">{enrolment.uri}</code></p>
          </details>
        </>
      ) : (
        <>
          <h1>{t('secondFactor.enterTitle')}</h1>
          <p>{t('secondFactor.enterIntro')}</p>
        </>
      )}
      <PostForm action="/sign-in/second-factor" csrf={csrf}>
        <Field name="code" label={t(enrolment ? 'secondFactor.codeFromApp' : 'secondFactor.code')} hint={enrolment ? undefined : t('secondFactor.codeHint')}
          autocomplete="one-time-code" inputmode={enrolment ? 'numeric' : 'text'} className="code" error={errors.code} />
        <button type="submit">{t('secondFactor.continue')}</button>
      </PostForm>
    </>
  );
}

export function RecoveryCodes({ codes, next }: { codes: string[]; next: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('recovery.title')}</h1>
      <div class="notice"><p>{t('recovery.notice')}</p></div>
      <ol class="codes" dir="ltr">{codes.map((c) => <li key={c}>{c}</li>)}</ol>
      <p><a class="button" href={next}>{t('recovery.continue')}</a></p>
    </>
  );
}
