/** The sign-in pages: email and password, then for staff the authenticator code. */
import { ErrorSummary, Field, PostForm, type FieldErrors } from '../../web/forms.js';
import type { TotpEnrolment } from '../sign-in.js';

export interface SignInProvider {
  href: string;
  label: string;
}

export function SignInForm({ csrf, next, email, errors, providers }: { csrf: string; next: string; email?: string; errors: FieldErrors; providers: SignInProvider[] }) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>Sign in</h1>
      <PostForm action={`/sign-in${next !== '' ? `?next=${encodeURIComponent(next)}` : ''}`} csrf={csrf}>
        <Field name="email" label="Email address" type="email" autocomplete="username" value={email} error={errors.email} />
        <Field name="password" label="Password" type="password" autocomplete="current-password" error={errors.password} />
        <button type="submit">Sign in</button>
      </PostForm>
      <p><a href="/account/reset-password">I have forgotten my password</a></p>
      <p><a href="/sign-in/email-link">Sign in with a link sent to your email</a> (residents)</p>
      <p><a href="/register">Create an account</a>. You can also report a problem without one.</p>
      {providers.length > 0 && (
        <>
          <h2>Or sign in with</h2>
          {providers.map((p) => <p key={p.href}><a class="button secondary" href={p.href}>{p.label}</a></p>)}
        </>
      )}
    </>
  );
}

export function SecondFactorForm({ csrf, errors, enrolment }: { csrf: string; errors: FieldErrors; enrolment: TotpEnrolment | null }) {
  return (
    <>
      <ErrorSummary errors={errors} />
      {enrolment ? (
        <>
          <h1>Set up your authenticator app</h1>
          <p>Staff accounts need a second step at sign-in. Use an authenticator app on your phone, for example one from your council's IT team.</p>
          <ol>
            <li>In the app, choose to add an account and scan this QR code.</li>
            <li>Then enter the 6-digit code the app shows.</li>
          </ol>
          {/* The SVG is drawn by the qrcode library from a URI we built; it holds no outside text. */}
          <div class="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
          <details>
            <summary>I cannot scan the code</summary>
            <p>Enter this key in the app instead: <span class="secret">{enrolment.secret}</span></p>
            <p>Or open this address on your phone: <code>{enrolment.uri}</code></p>
          </details>
        </>
      ) : (
        <>
          <h1>Enter your code</h1>
          <p>Open your authenticator app and enter the 6-digit code it shows for this council. If you have lost your phone, enter one of your recovery codes.</p>
        </>
      )}
      <PostForm action="/sign-in/second-factor" csrf={csrf}>
        <Field name="code" label={enrolment ? 'Code from the app' : 'Code'} hint={enrolment ? undefined : 'For example 123456, or a recovery code like abcde-fghjk'}
          autocomplete="one-time-code" inputmode={enrolment ? 'numeric' : 'text'} className="code" error={errors.code} />
        <button type="submit">Continue</button>
      </PostForm>
    </>
  );
}

export function RecoveryCodes({ codes, next }: { codes: string[]; next: string }) {
  return (
    <>
      <h1>Your recovery codes</h1>
      <div class="notice"><p>Keep these codes somewhere safe, such as a password manager. Each one works once, if you lose your authenticator app. We will not show them again.</p></div>
      <ol class="codes">{codes.map((c) => <li key={c}>{c}</li>)}</ol>
      <p><a class="button" href={next}>I have saved my codes, continue</a></p>
    </>
  );
}
