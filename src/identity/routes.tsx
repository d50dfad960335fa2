/**
 * Sign-in and sign-out. Thin handlers: read the form, call sign-in.ts, start or upgrade the
 * session, send the person on. Attempts are rate-limited per address here and counted per
 * account in the database (lockout).
 */
import rateLimit from '@fastify/rate-limit';
import { perMinute } from '../platform/rate-limit.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess, secondFactorPending } from './access.js';
import type { RouteDeps } from '../platform/deps.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { clearDraftCookie } from '../reporting/drafts.js';
import { accountRoutes } from './account-routes.js';
import { residentRoutes } from './resident-routes.js';
import { adminRoutes } from './admin-routes.js';
import { audiences } from './oidc-config.js';
import { isStaff } from './roles.js';
import { upgradeSession } from './sessions.js';
import { checkPassword, checkSecondFactor, confirmTotp, totpEnrolment } from './sign-in.js';
import { RecoveryCodes, SecondFactorForm, SignInForm, type SignInProvider } from './views/sign-in.js';
import { beginSession, endCurrentSession, homeFor, setSessionCookie } from './web-session.js';
import { sameSitePath } from '../platform/next-path.js';

/** Only a path on this site, fit for a Location header: never another host (an open redirect would help phishing). */
export function safeNext(value: unknown): string {
  return sameSitePath(value) ?? '';
}

type Form = Record<string, unknown>;

export async function identityRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      // Security events for the log (ASVS 16.3.1): someone is guessing from one address.
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'sign-in attempts rate-limited'),
    });
    signInRoutes(scope, deps);
    await accountRoutes(scope, deps);
    await residentRoutes(scope, deps);
    await adminRoutes(scope, deps);
  });
}

function signInRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): void {
  const attempts = perMinute(config.signInRateLimit);
  // Single sign-on buttons for the providers the council configured (see oidc.ts).
  const providers = (request: FastifyRequest, next = ''): SignInProvider[] => audiences.flatMap((audience) => {
    const provider = config.oidc[audience];
    if (!provider) return [];
    const label = audience === 'staff' ? translate(request).t('signIn.staffProvider', { name: provider.name }) : provider.name;
    return [{ href: `/sign-in/oidc/${audience}${next ? `?next=${encodeURIComponent(next)}` : ''}`, label }];
  });
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);

  app.get('/sign-in', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as Form).next);
    if (request.person?.secondFactorDone) return reply.redirect(next || homeFor(request.person.role), 303);
    return renderPage(request, reply, { title: translate(request).t('signIn.title'), body: <SignInForm csrf={csrf(request, reply)} next={next} errors={{}} providers={providers(request, next)} /> });
  });

  app.post('/sign-in', { config: { access: publicAccess, rateLimit: attempts }, schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as Form).next);
    const email = formText(request.body, 'email').trim();
    const password = formText(request.body, 'password');
    const { t } = translate(request);
    const show = (errors: Record<string, string>, status: number) =>
      renderPage(request, reply, { title: t('signIn.title'), status, body: <SignInForm csrf={csrf(request, reply)} next={next} email={email} errors={errors} providers={providers(request, next)} /> });
    const errors: Record<string, string> = {};
    if (!email) errors.email = t('signIn.enterEmail');
    if (!password) errors.password = t('signIn.enterPassword');
    if (Object.keys(errors).length) return show(errors, 400);
    const result = await checkPassword(db, keyring, email, password, request.ip);
    if (!result.ok) {
      if (result.reason === 'locked') {
        reply.header('retry-after', String(result.retryAfterSeconds ?? 900));
        return show({ email: t('signIn.locked', { minutes: Math.ceil((result.retryAfterSeconds ?? 900) / 60) }) }, 429);
      }
      return show({ email: t('signIn.wrong') }, 400);
    }
    const staff = isStaff(result.user.role);
    await beginSession(db, request, reply, result.user, { method: 'password', secondFactor: false });
    if (staff) return reply.redirect(`/sign-in/second-factor${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
    return reply.redirect(next || homeFor(result.user.role), 303);
  });

  app.get('/sign-in/second-factor', { config: { access: secondFactorPending }, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    if (person.secondFactorDone) return reply.redirect(homeFor(person.role), 303);
    const enrolment = await enrolmentFor(person.userId);
    const { t } = translate(request);
    return renderPage(request, reply, { title: t(enrolment ? 'secondFactor.setUpTitle' : 'secondFactor.enterTitle'), body:  <SecondFactorForm csrf={csrf(request, reply)} errors={{}} enrolment={enrolment} /> });
  });

  app.post('/sign-in/second-factor', { config: { access: secondFactorPending, rateLimit: attempts }, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const next = safeNext((request.query as Form).next) || homeFor(person.role);
    if (person.secondFactorDone) return reply.redirect(next, 303);
    const enrolment = await enrolmentFor(person.userId);
    const { t } = translate(request);
    const show = (message: string, status: number) =>
      renderPage(request, reply, { title: t('secondFactor.enterTitle'), status, body: <SecondFactorForm csrf={csrf(request, reply)} errors={{ code: message }} enrolment={enrolment} /> });
    const code = formText(request.body, 'code').trim();
    if (!code) return show(t('secondFactor.enterCode'), 400);
    const result = await checkSecondFactor(db, keyring, person.userId, code, request.ip);
    if (!result.ok) {
      if (result.reason === 'locked') {
        await endCurrentSession(db, request, reply);
        reply.header('retry-after', String(result.retryAfterSeconds ?? 900));
        const minutes = Math.ceil((result.retryAfterSeconds ?? 900) / 60);
        return renderPage(request, reply, { title: t('secondFactor.lockedTitle'), status: 429, body: <><h1>{t('secondFactor.lockedTitle')}</h1><p>{t('secondFactor.locked', { minutes })}</p></> });
      }
      return show(t(enrolment ? 'secondFactor.wrongSetUp' : 'secondFactor.wrong'), 400);
    }
    const upgraded = await upgradeSession(db, person.sessionToken);
    if (!upgraded) return reply.redirect('/sign-in', 303);
    setSessionCookie(request, reply, upgraded.token);
    const codes = enrolment ? await confirmTotp(db, person.userId, request.ip) : null;
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${person.userId}`, action: 'user.signed_in', entityType: 'user', entityId: String(person.userId),
      after: { method: 'password', second_factor: result.recoveryCodeUsed ? 'recovery_code' : 'totp', address: request.ip },
    }));
    if (codes) {
      request.person = { ...person, secondFactorDone: true, sessionToken: upgraded.token, csrfToken: upgraded.csrfToken };
      return renderPage(request, reply, { title: t('recovery.title'), body: <RecoveryCodes codes={codes} next={next} /> });
    }
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    await endCurrentSession(db, request, reply);
    // A shared device must not keep the previous person's report in progress.
    clearDraftCookie(request, reply);
    const { t } = translate(request);
    return renderPage(request, reply, { title: t('signOut.title'), body: <><h1>{t('signOut.title')}</h1><p><a href="/sign-in">{t('signOut.again')}</a></p></> });
  });

  const enrolmentFor = (userId: number) => totpEnrolment(db, keyring, userId, config.jurisdiction.name);
}
