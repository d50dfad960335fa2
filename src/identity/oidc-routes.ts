/**
 * The browser's side of single sign-on: GET /sign-in/oidc/:audience sends the person to their
 * identity provider, and GET /sign-in/oidc/:audience/callback brings them back signed in. The
 * rules are in oidc.ts; these handlers check the input, call it, and answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { publicAccess } from './access.js';
import { readCookie, setCookie } from '../platform/cookies.js';
import type { RouteDeps } from '../platform/deps.js';
import { translate } from '../i18n/i18n.js';
import { renderPage } from '../web/page.js';
import {
  accountFor, ATTEMPT_MINUTES, callbackPath, finishSignIn, openAttempt, providerDiscovery, safeNextPath, sealAttempt,
  SignInRefused, startSignIn,
} from './oidc.js';
import { isAudience, type OidcProviderConfig } from './oidc-config.js';
import { isStaff } from './roles.js';
import { beginSession, homeFor } from './web-session.js';

/** Holds the sealed sign-in attempt between leaving for the provider and coming back. */
// Over https the __Secure- prefix (not __Host-: the cookie is kept to the sign-in path).
const attemptCookie = (secure: boolean) => (secure ? '__Secure-townhall_oidc' : 'townhall_oidc');
const ATTEMPT_COOKIE_PATH = '/sign-in/oidc';

interface AudienceParams {
  audience: string;
}

export async function oidcRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { db, config, keyring } = deps;
  const discover = providerDiscovery();
  // Read when answering, not now: the public address may be settled after the routes (as in tests).
  const secure = () => config.publicUrl.startsWith('https:');
  const providerFor = (audience: string): OidcProviderConfig | undefined => (isAudience(audience) ? config.oidc[audience] : undefined);

  app.get<{ Params: AudienceParams; Querystring: { next?: unknown } }>('/sign-in/oidc/:audience', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const provider = providerFor(request.params.audience);
    if (!provider) return reply.callNotFound();
    try {
      const configuration = await discover(provider);
      const { redirectTo, attempt } = await startSignIn(configuration, provider.audience, { publicUrl: config.publicUrl, next: safeNextPath(request.query.next) });
      // Nothing is stored on the server for a GET anyone can send: the attempt rides in the cookie.
      setCookie(reply, attemptCookie(secure()), sealAttempt(keyring, attempt), { secure: secure(), path: ATTEMPT_COOKIE_PATH, maxAge: ATTEMPT_MINUTES * 60 });
      return reply.header('cache-control', 'no-store').redirect(redirectTo.href, 303);
    } catch (error) {
      return refusalPage(request, reply, error);
    }
  });

  app.get<{ Params: AudienceParams }>('/sign-in/oidc/:audience/callback', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const provider = providerFor(request.params.audience);
    if (!provider) return reply.callNotFound();
    const attempt = openAttempt(keyring, readCookie(request, attemptCookie(secure())), provider.audience);
    // One use only, whatever happens next.
    setCookie(reply, attemptCookie(secure()), '', { secure: secure(), path: ATTEMPT_COOKIE_PATH, maxAge: 0 });
    try {
      if (!attempt) {
        throw new SignInRefused('attempt_missing', 'This sign-in has expired or was started in another browser, so you are not signed in. Start again from the sign-in page.', 400);
      }
      const configuration = await discover(provider);
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const identity = await finishSignIn(configuration, attempt, new URL(`${config.publicUrl}${callbackPath(provider.audience)}${query}`));
      const account = await accountFor(db, keyring, provider.audience, identity, { address: request.ip });
      // Staff: the council's identity provider enforces their second factor (MFA is its policy,
      // and the reason staff single sign-on exists), so Townhall does not ask for a TOTP code too.
      await beginSession(db, request, reply, account, { method: 'oidc', secondFactor: isStaff(account.role) });
      return reply.header('cache-control', 'no-store').redirect(attempt.next ?? homeFor(account.role), 303);
    } catch (error) {
      return refusalPage(request, reply, error);
    }
  });
}

/** A short page saying in plain words why the person is not signed in, with the way back. */
function refusalPage(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof SignInRefused)) throw error;
  if (error.status >= 500) request.log.warn({ reason: error.reason }, 'single sign-on provider not answering');
  else request.log.info({ reason: error.reason }, 'single sign-on refused');
  // The reason (error.message) comes from oidc.ts in English; the title and the way back are translated.
  const { t } = translate(request);
  const title = t(error.status >= 500 ? 'oidc.unavailable' : 'oidc.refused');
  return renderPage(request, reply, {
    title,
    status: error.status,
    body: [
      h('h1', null, title),
      h('p', null, error.message),
      h('p', null, h('a', { href: '/sign-in' }, t('oidc.back'))),
    ],
  });
}
