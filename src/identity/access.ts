/**
 * Every route states who may call it, as `config.access`, and a route without one cannot even
 * be registered. The rules are enforced here, before the handler runs, so handlers never forget.
 * People in a browser are known by their session (identity/web-session.ts sets request.person
 * first); systems by their API key.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey, type ApiKeyScope, type AuthenticatedKey } from '../apikeys/apikeys.js';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { DomainError, forbidden } from '../platform/errors.js';
import type { Role } from './roles.js';

export type Access =
  /** Anyone, signed in or not: public information only. */
  | { kind: 'public' }
  /** A system holding an API key with this scope, sent as the api_key parameter (Open311 style). */
  | { kind: 'api_key'; scope: ApiKeyScope }
  /** A signed-in person in one of these roles (staff: with the second factor checked). */
  | { kind: 'signed_in'; roles: readonly Role[] | 'any' }
  /** Staff between their password and their second factor: only the second-factor pages. */
  | { kind: 'second_factor_pending' };

export const publicAccess: Access = { kind: 'public' };
export const apiKeyAccess = (scope: ApiKeyScope): Access => ({ kind: 'api_key', scope });
export const signedIn = (roles: readonly Role[] | 'any' = 'any'): Access => ({ kind: 'signed_in', roles });
export const secondFactorPending: Access = { kind: 'second_factor_pending' };

/** Not signed in, or the second factor is still to come: pages send the person to sign in. */
export class SignInNeeded extends DomainError {
  constructor(public readonly secondFactorOnly: boolean) {
    super('unauthenticated', secondFactorOnly ? 'Enter the code from your authenticator app to go on.' : 'Sign in to see this page.');
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export interface RouteSummary {
  method: string;
  url: string;
  access: Access;
}

const routesByApp = new WeakMap<FastifyInstance, RouteSummary[]>();

/** Every route registered on the app, with its access rule (for the access-matrix test and docs). */
export const registeredRoutes = (app: FastifyInstance): RouteSummary[] => routesByApp.get(app) ?? [];

/** The API key that authorised this request, once the access check has passed. */
const keysByRequest = new WeakMap<FastifyRequest, AuthenticatedKey>();
export function authorisedKey(request: FastifyRequest): AuthenticatedKey {
  const key = keysByRequest.get(request);
  if (!key) throw new Error(`No API key was checked for ${request.method} ${request.url}: its route's access rule is not api_key.`);
  return key;
}

export function enforceAccess(app: FastifyInstance, db: DB): void {
  const routes: RouteSummary[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new Error(`Route ${methods.join(',')} ${route.url} has no access rule: set config.access (see identity/access.ts).`);
    for (const method of methods) routes.push({ method, url: route.url, access });
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (access?.kind === 'signed_in' || access?.kind === 'second_factor_pending') {
      checkPerson(db, request, access).then(() => done(), (error: Error) => done(error));
      return;
    }
    done();
  });
  // A key is checked before the body is validated against the route's schema, so a caller
  // without a valid key learns nothing of what the route would accept.
  app.addHook('preValidation', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (access?.kind !== 'api_key') {
      done();
      return;
    }
    const body = request.body as Record<string, unknown> | undefined;
    const given = body?.api_key ?? (request.query as Record<string, unknown> | undefined)?.api_key ?? keyInHeader(request);
    authenticateApiKey(db, typeof given === 'string' && given !== '' ? given : undefined, access.scope).then(
      (key) => {
        keysByRequest.set(request, key);
        done();
      },
      (error: Error) => {
        // A security event for the log (ASVS 16.3.2): counted there, not in the audit trail,
        // which anyone without a key could otherwise fill.
        request.log.warn({ event: 'api_key_refused', route: request.routeOptions.url, reason: error.message }, 'API key refused');
        done(error);
      },
    );
  });
}

/**
 * The route's rule for a person, checked early: a file upload runs it before its body is read,
 * so someone who may not upload never gets to send the file (the usual check runs again later
 * and finds nothing new).
 */
export async function checkRouteAccess(db: DB, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access?.kind === 'signed_in' || access?.kind === 'second_factor_pending') await checkPerson(db, request, access);
}

async function checkPerson(db: DB, request: FastifyRequest, access: Extract<Access, { kind: 'signed_in' | 'second_factor_pending' }>): Promise<void> {
  const person = request.person;
  if (!person) throw new SignInNeeded(false);
  if (access.kind === 'second_factor_pending') return;
  if (!person.secondFactorDone) throw new SignInNeeded(true);
  if (access.roles === 'any' || access.roles.includes(person.role)) return;
  // A refusal of a signed-in person is worth knowing about: it is how probing shows up.
  await db.transaction().execute((trx) => appendAudit(trx, {
    actor: `user:${person.userId}`, action: 'access.denied', entityType: 'route',
    entityId: `${request.method} ${request.routeOptions.url ?? ''}`, after: { role: person.role },
  }));
  throw forbidden('You do not have access to this page. If you need it for your work, ask your administrator.');
}

/** A key sent as a header (JSON APIs): `Authorization: Bearer KEY` or `X-API-Key: KEY`. */
function keyInHeader(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
}
