/**
 * Every route states who may call it, as `config.access`, and a route without one cannot even
 * be registered. The rules are enforced here, before the handler runs, so handlers never forget.
 * (Residents' and staff roles join this when identity arrives.)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey, type ApiKeyScope, type AuthenticatedKey } from '../apikeys/apikeys.js';
import type { DB } from '../db/connection.js';

export type Access =
  /** Anyone, signed in or not: public information only. */
  | { kind: 'public' }
  /** A system holding an API key with this scope, sent as the api_key parameter (Open311 style). */
  | { kind: 'api_key'; scope: ApiKeyScope };

export const publicAccess: Access = { kind: 'public' };
export const apiKeyAccess = (scope: ApiKeyScope): Access => ({ kind: 'api_key', scope });

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
    if (!access) throw new Error(`Route ${methods.join(',')} ${route.url} has no access rule: set config.access (see platform/access.ts).`);
    for (const method of methods) routes.push({ method, url: route.url, access });
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (access?.kind !== 'api_key') {
      done();
      return;
    }
    const body = request.body as Record<string, unknown> | undefined;
    const given = body?.api_key ?? (request.query as Record<string, unknown> | undefined)?.api_key;
    authenticateApiKey(db, typeof given === 'string' && given !== '' ? given : undefined, access.scope).then(
      (key) => {
        keysByRequest.set(request, key);
        done();
      },
      (error: Error) => done(error),
    );
  });
}
