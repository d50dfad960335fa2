/**
 * Pages for residents' own accounts: create one, confirm the email address, reset a forgotten
 * password, and sign in by a link sent by email. Each link page shows a button: mail scanners
 * open links in emails, so only the button (a POST) uses the link up.
 */
import { describeMinutes } from '../../notifications/email.js';
import { ErrorSummary, Field, PostForm, type FieldErrors } from '../../web/forms.js';
import { LINK_MINUTES, type LinkPurpose } from '../resident-accounts.js';

export function RegisterPage({ csrf, email, errors }: { csrf: string; email?: string; errors: FieldErrors }) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>Create an account</h1>
      <p>You do not need an account to report a problem. With one, you can see the problems you reported and manage your details.</p>
      <PostForm action="/register" csrf={csrf}>
        <Field name="email" label="Email address" type="email" autocomplete="email" hint="We will send you an email to confirm it is yours." value={email} error={errors.email} />
        <Field name="password" label="Create a password" type="password" autocomplete="new-password"
          hint="Use at least 8 characters. A few unusual words together make a password that is easy to remember and hard to guess." error={errors.password} />
        <button type="submit">Create account</button>
      </PostForm>
      <p>Already have an account? <a href="/sign-in">Sign in</a></p>
    </>
  );
}

/** Asks for an email address, to send a reset link or a sign-in link to. */
export function AskForEmailPage({ purpose, csrf, email, error }: { purpose: 'reset_password' | 'email_sign_in'; csrf: string; email?: string; error?: string }) {
  const reset = purpose === 'reset_password';
  return (
    <>
      <ErrorSummary errors={error ? { email: error } : {}} />
      <h1>{reset ? 'Reset your password' : 'Sign in with a link sent to your email'}</h1>
      <p>
        {reset ? 'Enter the email address of your account. We will email you a link to choose a new password.'
          : 'Enter the email address of your account. We will email you a link that signs you in, so you do not need your password.'}
        {' '}The link works for {describeMinutes(LINK_MINUTES[purpose])}.
      </p>
      <PostForm action={reset ? '/account/reset-password' : '/sign-in/email-link'} csrf={csrf}>
        <Field name="email" label="Email address" type="email" autocomplete="email" value={email} error={error} />
        <button type="submit">Send the link</button>
      </PostForm>
      {!reset && <p>Staff sign in with their password and authenticator app on the <a href="/sign-in">sign-in page</a>.</p>}
    </>
  );
}

/** The answer to every request for an email: the same whether or not the address has an account. */
export function CheckYourEmailPage({ purpose, email }: { purpose: 'register' | 'reset_password' | 'email_sign_in'; email: string }) {
  return (
    <>
      <h1>Check your email</h1>
      {purpose === 'register' ? (
        <>
          <p>We have sent an email to <strong>{email}</strong>.</p>
          <p>Open the link in it to confirm your email address. The link works for {describeMinutes(LINK_MINUTES.verify_email)}.</p>
        </>
      ) : (
        <>
          <p>If there is an account for <strong>{email}</strong>, we have sent an email to it.</p>
          <p>Open the link in it to {purpose === 'reset_password' ? 'choose a new password' : 'sign in'}. The link works for {describeMinutes(LINK_MINUTES[purpose])}.</p>
        </>
      )}
      <p>If the email has not arrived after a few minutes, check your spam or junk folder.</p>
      <p><a href="/sign-in">Go to the sign-in page</a></p>
    </>
  );
}

const confirmPages: Record<Exclude<LinkPurpose, 'reset_password'>, { title: string; text: string; button: string; action: string }> = {
  verify_email: { title: 'Confirm your email address', text: 'Confirm that this is your email address to finish creating your account.', button: 'Confirm my email address', action: '/account/verify-email' },
  email_sign_in: { title: 'Sign in', text: 'Continue to sign in to your account on this device.', button: 'Sign in', action: '/sign-in/email-link/confirm' },
};

/** The page an emailed link opens: one button, which uses the link. */
export function ConfirmLinkPage({ purpose, csrf, token }: { purpose: Exclude<LinkPurpose, 'reset_password'>; csrf: string; token: string }) {
  const page = confirmPages[purpose];
  return (
    <>
      <h1>{page.title}</h1>
      <p>{page.text}</p>
      <PostForm action={page.action} csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">{page.button}</button>
      </PostForm>
    </>
  );
}

export function ChoosePasswordPage({ csrf, token, error }: { csrf: string; token: string; error?: string }) {
  return (
    <>
      <ErrorSummary errors={error ? { password: error } : {}} />
      <h1>Choose a new password</h1>
      <p>Use at least 8 characters. A few unusual words together make a password that is easy to remember and hard to guess.</p>
      <p>When you save it, you will be signed out on every device.</p>
      <PostForm action="/account/reset-password/choose" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <Field name="password" label="New password" type="password" autocomplete="new-password" error={error} />
        <button type="submit">Save password</button>
      </PostForm>
    </>
  );
}

/** A link that no longer works, and how to get one that does. */
export function LinkNotUsablePage({ purpose }: { purpose: LinkPurpose }) {
  return (
    <>
      <h1>This link has expired or has already been used</h1>
      {purpose === 'verify_email' && (
        <>
          <p>If you have already confirmed your email address, you can <a href="/sign-in">sign in</a>.</p>
          <p>If not, <a href="/sign-in/email-link">ask for a sign-in link</a>: signing in with it confirms your email address too.</p>
        </>
      )}
      {purpose === 'reset_password' && <p>Each link works once, for {describeMinutes(LINK_MINUTES.reset_password)}. <a href="/account/reset-password">Ask for a new link</a>.</p>}
      {purpose === 'email_sign_in' && <p>Each link works once, for {describeMinutes(LINK_MINUTES.email_sign_in)}. <a href="/sign-in/email-link">Ask for a new link</a>, or <a href="/sign-in">sign in with your password</a>.</p>}
    </>
  );
}

export function DonePage({ what }: { what: 'email_verified' | 'password_reset' }) {
  return what === 'email_verified' ? (
    <>
      <h1>Your email address is confirmed</h1>
      <p>Thank you. Your account is ready.</p>
      <p><a href="/account">Go to your account</a></p>
    </>
  ) : (
    <>
      <h1>Your password has been changed</h1>
      <p>You have been signed out on every device. Sign in with your new password.</p>
      <p><a class="button" href="/sign-in">Sign in</a></p>
    </>
  );
}
