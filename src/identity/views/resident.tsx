/**
 * Pages for residents' own accounts: create one, confirm the email address, reset a forgotten
 * password, and sign in by a link sent by email. Each link page shows a button: mail scanners
 * open links in emails, so only the button (a POST) uses the link up.
 */
import type { ComponentChildren } from 'preact';
import { useTranslator, type MessageKey } from '../../i18n/i18n.js';
import { ErrorSummary, Field, PostForm, type FieldErrors } from '../../web/forms.js';
import { LINK_MINUTES, type LinkPurpose } from '../resident-accounts.js';

export function RegisterPage({ csrf, email, errors }: { csrf: string; email?: string; errors: FieldErrors }) {
  const { t, rich } = useTranslator();
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('register.title')}</h1>
      <p>{t('register.intro')}</p>
      <PostForm action="/register" csrf={csrf}>
        <Field name="email" label={t('register.email')} type="email" autocomplete="email" hint={t('register.emailHint')} value={email} error={errors.email} />
        <Field name="password" label={t('register.password')} type="password" autocomplete="new-password" hint={t('password.advice')} error={errors.password} />
        <button type="submit">{t('register.button')}</button>
      </PostForm>
      <p>{rich('register.already', { link: (c) => <a href="/sign-in">{c}</a> })}</p>
    </>
  );
}

/** Asks for an email address, to send a reset link or a sign-in link to. */
export function AskForEmailPage({ purpose, csrf, email, error }: { purpose: 'reset_password' | 'email_sign_in'; csrf: string; email?: string; error?: string }) {
  const { t, rich, duration } = useTranslator();
  const reset = purpose === 'reset_password';
  return (
    <>
      <ErrorSummary errors={error ? { email: error } : {}} />
      <h1>{t(reset ? 'askEmail.resetTitle' : 'askEmail.linkTitle')}</h1>
      <p>{t(reset ? 'askEmail.resetIntro' : 'askEmail.linkIntro')} {t('askEmail.linkWorks', { duration: duration(LINK_MINUTES[purpose]) })}</p>
      <PostForm action={reset ? '/account/reset-password' : '/sign-in/email-link'} csrf={csrf}>
        <Field name="email" label={t('askEmail.email')} type="email" autocomplete="email" value={email} error={error} />
        <button type="submit">{t('askEmail.send')}</button>
      </PostForm>
      {!reset && <p>{rich('askEmail.staff', { link: (c) => <a href="/sign-in">{c}</a> })}</p>}
    </>
  );
}

/** The answer to every request for an email: the same whether or not the address has an account. */
export function CheckYourEmailPage({ purpose, email }: { purpose: 'register' | 'reset_password' | 'email_sign_in'; email: string }) {
  const { t, rich, duration } = useTranslator();
  const strong = (c: ComponentChildren[]) => <strong><bdi>{c}</bdi></strong>;
  return (
    <>
      <h1>{t('checkEmail.title')}</h1>
      {purpose === 'register' ? (
        <>
          <p>{rich('checkEmail.sent', { email, strong })}</p>
          <p>{t('checkEmail.openToConfirm', { duration: duration(LINK_MINUTES.verify_email) })}</p>
        </>
      ) : (
        <>
          <p>{rich('checkEmail.sentIfAccount', { email, strong })}</p>
          <p>{t('checkEmail.openTo', { purpose, duration: duration(LINK_MINUTES[purpose]) })}</p>
        </>
      )}
      <p>{t('checkEmail.spam')}</p>
      <p><a href="/sign-in">{t('checkEmail.signIn')}</a></p>
    </>
  );
}

const confirmPages: Record<Exclude<LinkPurpose, 'reset_password'>, { title: MessageKey; text: MessageKey; button: MessageKey; action: string }> = {
  verify_email: { title: 'confirm.verifyTitle', text: 'confirm.verifyText', button: 'confirm.verifyButton', action: '/account/verify-email' },
  email_sign_in: { title: 'confirm.signInTitle', text: 'confirm.signInText', button: 'confirm.signInButton', action: '/sign-in/email-link/confirm' },
};
export const confirmTitle = (purpose: Exclude<LinkPurpose, 'reset_password'>): MessageKey => confirmPages[purpose].title;

/** The page an emailed link opens: one button, which uses the link. */
export function ConfirmLinkPage({ purpose, csrf, token }: { purpose: Exclude<LinkPurpose, 'reset_password'>; csrf: string; token: string }) {
  const { t } = useTranslator();
  const page = confirmPages[purpose];
  return (
    <>
      <h1>{t(page.title)}</h1>
      <p>{t(page.text)}</p>
      <PostForm action={page.action} csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">{t(page.button)}</button>
      </PostForm>
    </>
  );
}

export function ChoosePasswordPage({ csrf, token, error }: { csrf: string; token: string; error?: string }) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={error ? { password: error } : {}} />
      <h1>{t('choose.title')}</h1>
      <p>{t('password.advice')}</p>
      <p>{t('choose.signedOut')}</p>
      <PostForm action="/account/reset-password/choose" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <Field name="password" label={t('password.new')} type="password" autocomplete="new-password" error={error} />
        <button type="submit">{t('password.save')}</button>
      </PostForm>
    </>
  );
}

/** A link that no longer works, and how to get one that does. */
export function LinkNotUsablePage({ purpose }: { purpose: LinkPurpose }) {
  const { t, rich, duration } = useTranslator();
  return (
    <>
      <h1>{t('linkGone.heading')}</h1>
      {purpose === 'verify_email' && (
        <>
          <p>{rich('linkGone.verifyDone', { link: (c) => <a href="/sign-in">{c}</a> })}</p>
          <p>{rich('linkGone.verifyAsk', { link: (c) => <a href="/sign-in/email-link">{c}</a> })}</p>
        </>
      )}
      {purpose === 'reset_password' && (
        <p>{rich('linkGone.reset', { duration: duration(LINK_MINUTES.reset_password), link: (c) => <a href="/account/reset-password">{c}</a> })}</p>
      )}
      {purpose === 'email_sign_in' && (
        <p>{rich('linkGone.signIn', {
          duration: duration(LINK_MINUTES.email_sign_in),
          link: (c) => <a href="/sign-in/email-link">{c}</a>,
          password: (c) => <a href="/sign-in">{c}</a>,
        })}</p>
      )}
    </>
  );
}

export function DonePage({ what }: { what: 'email_verified' | 'password_reset' }) {
  const { t } = useTranslator();
  return what === 'email_verified' ? (
    <>
      <h1>{t('done.verified')}</h1>
      <p>{t('done.verifiedText')}</p>
      <p><a href="/account">{t('done.toAccount')}</a></p>
    </>
  ) : (
    <>
      <h1>{t('done.reset')}</h1>
      <p>{t('done.resetText')}</p>
      <p><a class="button" href="/sign-in">{t('done.signIn')}</a></p>
    </>
  );
}
