/**
 * Assembles the Townhall web application: body parsing and limits, the OpenAPI document,
 * health checks, each capability's routes, and the error handler that turns domain errors
 * into answers a person can act on.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { Config } from './config.js';
import { isReachable, type DB } from './db/connection.js';
import type { Keyring } from './platform/crypto.js';
import { open311Routes } from './open311/routes.js';
import { enforceAccess, publicAccess } from './platform/access.js';
import { DomainError, httpStatusOf } from './platform/errors.js';
import { refuseNulCharacters } from './platform/nul-guard.js';
import { addSecurityHeaders } from './platform/security-headers.js';

export interface AppDeps {
  config: Config;
  db: DB;
  /** Seals and opens personal data (see platform/keys.ts for where it comes from). */
  keyring: Keyring;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp({ config, db, keyring, logger }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Leave no request hanging forever on a slow client.
    requestTimeout: 30_000,
  });

  addSecurityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  enforceAccess(app, db);
  refuseNulCharacters(app);
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${config.jurisdiction.name}: Townhall API`, version: '2', description: 'Open311 GeoReport v2 and Townhall extensions.' },
      servers: [{ url: config.publicUrl }],
    },
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof DomainError) {
      const status = httpStatusOf[error.kind];
      return reply.code(status).send({ error: error.kind, message: error.message, problems: error.problems });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error');
    return reply.code(status).send({
      error: status === 500 ? 'server_error' : 'bad_request',
      message: status === 500 ? 'Something went wrong on our side and nothing was changed. Please try again later.' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `There is no ${request.method} ${request.url.split('?')[0]} on this server.` }));

  app.get('/healthz', { config: { access: publicAccess }, schema: { tags: ['Operations'], summary: 'The process is alive' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: publicAccess }, schema: { tags: ['Operations'], summary: 'The database is reachable' } }, async (_request, reply) => {
    const ready = await isReachable(db);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unreachable' });
  });
  app.get('/openapi.json', { config: { access: publicAccess }, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => open311Routes(scope, { db, config, keyring }), { prefix: '/open311' });
  return app;
}
