/**
 * Cross-site request forgery protection for every form (OWASP synchroniser token pattern): a
 * signed-in person's forms carry their session's token; forms shown before sign-in carry a
 * token that must match a cookie (double submit), which also stops login CSRF. Requests whose
 * Origin is another site are refused outright. API-key routes carry no cookies and are exempt.
 */
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/errors.js';
import { cookieName, readCookie, setCookie } from '../platform/cookies.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const tokensByRequest = new WeakMap<FastifyRequest, string>();

/** The token to put in a form's hidden `_csrf` field. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  if (request.person) return request.person.csrfToken;
  const known = tokensByRequest.get(request) ?? readCookie(request, cookieName('townhall_csrf', secure));
  if (known) return known;
  const token = randomBytes(32).toString('base64url');
  tokensByRequest.set(request, token);
  setCookie(reply, cookieName('townhall_csrf', secure), token, { secure });
  return token;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface FormProtection { publicUrl: () => string; secure: boolean }

/** Requests whose token was checked before their body was read (multipart uploads). */
const checkedBeforeBody = new WeakSet<FastifyRequest>();

/** Why a form is refused (another site's Origin, or a missing or wrong token), or null. */
function refusal(request: FastifyRequest, sent: unknown, options: FormProtection): DomainError | null {
  const origin = request.headers.origin;
  if (origin && origin !== 'null' && origin !== new URL(options.publicUrl()).origin && origin !== `${request.protocol}://${request.host}`) {
    request.log.warn({ event: 'csrf_refused', reason: 'other origin', route: request.routeOptions.url }, 'form from another site refused');
    return new DomainError('forbidden', 'This form was sent from another website, so it was refused. Go back to the page, reload it and try again.');
  }
  const expected = request.person?.csrfToken ?? readCookie(request, cookieName('townhall_csrf', options.secure));
  if (typeof sent !== 'string' || !expected || !same(sent, expected)) {
    request.log.warn({ event: 'csrf_refused', reason: 'token', route: request.routeOptions.url }, 'form without its CSRF token refused');
    return new DomainError('forbidden', 'This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.');
  }
  return null;
}

/**
 * For a file upload, before a byte of its body is read: the token comes in the form's address
 * (`?_csrf=`, see csrfAction) or an `x-csrf-token` header, so a forged or stale upload is
 * refused without receiving the file.
 */
export function checkCsrfBeforeBody(request: FastifyRequest, options: FormProtection): void {
  const query = request.query as Record<string, unknown> | undefined;
  const sent = query?._csrf ?? request.headers['x-csrf-token'];
  const refused = refusal(request, sent, options);
  if (refused) throw refused;
  checkedBeforeBody.add(request);
}

/** A multipart form's action, carrying its token (an upload's token is checked before its body is read). */
export const csrfAction = (action: string, token: string) => `${action}${action.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`;

export function protectForms(app: FastifyInstance, options: FormProtection): void {
  app.addHook('preHandler', (request, _reply, done) => {
    // A route may say why it needs no token (`csrfExempt`: one-click unsubscribe, whose path holds a MAC).
    if (SAFE.has(request.method) || request.routeOptions.config.access?.kind === 'api_key' || typeof (request.routeOptions.config as { csrfExempt?: unknown }).csrfExempt === 'string'
      || checkedBeforeBody.has(request)) {
      done();
      return;
    }
    done(refusal(request, (request.body as Record<string, unknown> | undefined)?._csrf, options) ?? undefined);
  });
}
