/**
 * The pages of residents' own accounts: register, confirm the email address, reset a forgotten
 * password, sign in by emailed link. Thin handlers: read the form, call resident-accounts.ts,
 * answer. Every POST is rate-limited per address like sign-in; GETs change nothing (a link's
 * page only shows the button that uses it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { perMinute } from '../platform/rate-limit.js';
import { translate, type MessageKey } from '../i18n/i18n.js';
import type { Sender } from '../notifications/email.js';
import { publicAccess } from './access.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import {
  FormProblems, linkIsUsable, LinkNotUsable, registerResident, requestEmailSignIn, requestPasswordReset, resetPassword, useEmailSignIn,
  verifyEmail, type LinkPurpose,
} from './resident-accounts.js';
import type { RouteDeps } from '../platform/deps.js';
import {
  AskForEmailPage, CheckYourEmailPage, ChoosePasswordPage, ConfirmLinkPage, DonePage, LinkNotUsablePage, RegisterPage,
  confirmTitle,
} from './views/resident.js';
import { beginSession, homeFor } from './web-session.js';

/** The form's problems, each in the person's language when it is a known sentence (they come from resident-accounts.ts in English). */
const problemsIn = (request: FastifyRequest, fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([name, message]) => [name, translate(request).known(message)]));
const title = (request: FastifyRequest, key: MessageKey) => translate(request).t(key);


export async function residentRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const attempts = perMinute(config.signInRateLimit);
  const open = { config: { access: publicAccess }, schema: { hide: true } };
  const limited = { config: { access: publicAccess, rateLimit: attempts }, schema: { hide: true } };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  // Read when answering: the public address may be settled after the routes are (as in tests).
  const sender = (): Sender => ({ publicUrl: config.publicUrl, council: config.jurisdiction.name });
  const linkGone = (request: FastifyRequest, reply: FastifyReply, purpose: LinkPurpose) =>
    renderPage(request, reply, { title: title(request, 'linkGone.title'), status: 400, body: <LinkNotUsablePage purpose={purpose} /> });

  app.get('/register', open, async (request, reply) => {
    if (request.person?.secondFactorDone) return reply.redirect(homeFor(request.person.role), 303);
    return renderPage(request, reply, { title: title(request, 'register.title'), body: <RegisterPage csrf={csrf(request, reply)} errors={{}} /> });
  });

  app.post('/register', limited, async (request, reply) => {
    const email = formText(request.body, 'email').trim();
    try {
      await registerResident(db, keyring, { email, password: formText(request.body, 'password'), language: translate(request).language.code }, sender());
    } catch (error) {
      if (!(error instanceof FormProblems)) throw error;
      return renderPage(request, reply, { title: title(request, 'register.title'), status: 400, body: <RegisterPage csrf={csrf(request, reply)} email={email} errors={problemsIn(request, error.fields)} /> });
    }
    return renderPage(request, reply, { title: title(request, 'checkEmail.title'), body: <CheckYourEmailPage purpose="register" email={email} /> });
  });

  // The link in the confirmation email.
  app.get('/account/verify-email', open, async (request, reply) => {
    const token = formText(request.query, 'token');
    if (!(await linkIsUsable(db, token, 'verify_email'))) return linkGone(request, reply, 'verify_email');
    return renderPage(request, reply, { title: title(request, confirmTitle('verify_email')), body: <ConfirmLinkPage purpose="verify_email" csrf={csrf(request, reply)} token={token} /> });
  });

  app.post('/account/verify-email', limited, async (request, reply) => {
    let user;
    try {
      user = await verifyEmail(db, formText(request.body, 'token'));
    } catch (error) {
      if (!(error instanceof LinkNotUsable)) throw error;
      return linkGone(request, reply, 'verify_email');
    }
    // Confirming the address signs the person in: they should not have to type it all again.
    await beginSession(db, request, reply, user, { method: 'email_link', secondFactor: false });
    return renderPage(request, reply, { title: title(request, 'done.verifiedTitle'), body: <DonePage what="email_verified" /> });
  });

  // Forgotten password: ask for the address, then choose a new password from the emailed link.
  const askForEmail = (purpose: 'reset_password' | 'email_sign_in', titleKey: MessageKey) => ({
    show: (request: FastifyRequest, reply: FastifyReply) =>
      renderPage(request, reply, { title: title(request, titleKey), body: <AskForEmailPage purpose={purpose} csrf={csrf(request, reply)} /> }),
    send: async (request: FastifyRequest, reply: FastifyReply) => {
      const email = formText(request.body, 'email').trim();
      try {
        await (purpose === 'reset_password' ? requestPasswordReset : requestEmailSignIn)(db, keyring, email, sender());
      } catch (error) {
        if (!(error instanceof FormProblems)) throw error;
        return renderPage(request, reply, { title: title(request, titleKey), status: 400,
          body: <AskForEmailPage purpose={purpose} csrf={csrf(request, reply)} email={email} error={problemsIn(request, error.fields).email} /> });
      }
      return renderPage(request, reply, { title: title(request, 'checkEmail.title'), body: <CheckYourEmailPage purpose={purpose} email={email} /> });
    },
  });

  const reset = askForEmail('reset_password', 'askEmail.resetTitle');
  app.get('/account/reset-password', open, reset.show);
  app.post('/account/reset-password', limited, reset.send);

  app.get('/account/reset-password/choose', open, async (request, reply) => {
    const token = formText(request.query, 'token');
    if (!(await linkIsUsable(db, token, 'reset_password'))) return linkGone(request, reply, 'reset_password');
    return renderPage(request, reply, { title: title(request, 'choose.title'), body: <ChoosePasswordPage csrf={csrf(request, reply)} token={token} /> });
  });

  app.post('/account/reset-password/choose', limited, async (request, reply) => {
    const token = formText(request.body, 'token');
    try {
      await resetPassword(db, keyring, token, formText(request.body, 'password'));
    } catch (error) {
      if (error instanceof LinkNotUsable) return linkGone(request, reply, 'reset_password');
      if (!(error instanceof FormProblems)) throw error;
      return renderPage(request, reply, { title: title(request, 'choose.title'), status: 400,
        body: <ChoosePasswordPage csrf={csrf(request, reply)} token={token} error={problemsIn(request, error.fields).password} /> });
    }
    // Every session ended with the reset, this browser's too: it is no longer signed in.
    request.person = null;
    return renderPage(request, reply, { title: title(request, 'done.resetTitle'), body: <DonePage what="password_reset" /> });
  });

  // Passwordless sign-in, for residents: ask for a link, then open it and press the button.
  const emailLink = askForEmail('email_sign_in', 'askEmail.linkTitle');
  app.get('/sign-in/email-link', open, async (request, reply) => {
    if (request.person?.secondFactorDone) return reply.redirect(homeFor(request.person.role), 303);
    return emailLink.show(request, reply);
  });
  app.post('/sign-in/email-link', limited, emailLink.send);

  app.get('/sign-in/email-link/confirm', open, async (request, reply) => {
    const token = formText(request.query, 'token');
    if (!(await linkIsUsable(db, token, 'email_sign_in'))) return linkGone(request, reply, 'email_sign_in');
    return renderPage(request, reply, { title: title(request, confirmTitle('email_sign_in')), body: <ConfirmLinkPage purpose="email_sign_in" csrf={csrf(request, reply)} token={token} /> });
  });

  app.post('/sign-in/email-link/confirm', limited, async (request, reply) => {
    let user;
    try {
      user = await useEmailSignIn(db, formText(request.body, 'token'));
    } catch (error) {
      if (!(error instanceof LinkNotUsable)) throw error;
      return linkGone(request, reply, 'email_sign_in');
    }
    await beginSession(db, request, reply, user, { method: 'email_link', secondFactor: false });
    return reply.redirect(homeFor(user.role), 303);
  });
}
