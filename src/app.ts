/**
 * Assembles the Townhall web application: body parsing and limits, the OpenAPI document,
 * health checks, each capability's routes, and the error handler that turns domain errors
 * into answers a person can act on.
 */
import { useEnglishSpelling } from './i18n/i18n.js';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { Config } from './config.js';
import { isReachable, type DB } from './db/connection.js';
import type { Keyring } from './platform/crypto.js';
import { open311Routes } from './open311/routes.js';
import { identityRoutes } from './identity/routes.js';
import { oidcRoutes } from './identity/oidc-routes.js';
import { identifyPeople } from './identity/web-session.js';
import { enforceAccess, publicAccess, SignInNeeded } from './identity/access.js';
import { DomainError, httpStatusOf } from './platform/errors.js';
import { requestSerializer } from './platform/log-redaction.js';
import { refuseNulCharacters } from './platform/nul-guard.js';
import { trackRequests } from './platform/request-context.js';
import { addSecurityHeaders } from './platform/security-headers.js';
import { compressResponses } from './platform/compression.js';
import { protectForms } from './web/csrf.js';
import { renderErrorPage } from './web/error-page.js';
import { wantsPage } from './web/page.js';
import { webRoutes } from './web/routes.js';
import { staffRoutes } from './staff/routes.js';
import { insightsRoutes } from './insights/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { cataloguePages } from './catalogue/pages.js';
import { homePage } from './web/home.js';
import { infoPages } from './web/info-pages.js';
import { reportRoutes } from './reporting/routes.js';
import { mediaRoutes } from './media/routes.js';
import { offlineRoutes } from './offline/routes.js';
import { trackingRoutes } from './tracking/routes.js';
import { subscriptionRoutes } from './alerts/subscription-routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { trainingRoutes } from './training/routes.js';
import { liveRoutes } from './live/routes.js';
import { licenceRoutes } from './licences/routes.js';
import { performanceCostRoutes } from './performance/costs-routes.js';
import { performanceRoutes } from './performance/routes.js';
import { applicationRoutes, type ApplicationRouteOptions } from './applications/routes.js';
import { govstackRoutes } from './govstack/routes.js';
import { apiRoutes, API_PREFIX } from './api/routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { foresightRoutes } from './insights/foresight-routes.js';
import { openDataRoutes } from './opendata/routes.js';
import { alertRoutes } from './alerts/routes.js';
import { showAlertBanners } from './alerts/banner.js';

export interface AppDeps {
  config: Config;
  db: DB;
  /** Seals and opens personal data (see platform/keys.ts for where it comes from). */
  keyring: Keyring;
  logger?: FastifyServerOptions['logger'];
  /** Applications: where documents are kept, what scans them, the payment provider (defaults: local disk, no scanner, the sandbox). */
  applications?: ApplicationRouteOptions;
}

export async function buildApp({ config, db, keyring, logger, applications }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel, serializers: { req: requestSerializer } },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Unique across processes and restarts, so an audit entry's request id finds its log lines.
    genReqId: () => randomUUID(),
    // Leave no request hanging forever on a slow client.
    requestTimeout: 30_000,
  });

  const secure = config.publicUrl.startsWith('https:');
  app.decorate('site', { council: config.jurisdiction.name, secure, branding: config.branding, map: config.map });
  useEnglishSpelling(config.englishSpelling);
  addSecurityHeaders(app, { https: secure, tileUrl: config.map.tileUrl });
  compressResponses(app);
  // Order matters: who is asking, then may they, then did the form come from us.
  trackRequests(app);
  identifyPeople(app, { db, secure });
  enforceAccess(app, db);
  protectForms(app, { publicUrl: () => config.publicUrl, secure });
  refuseNulCharacters(app);
  // The emergency alert banner every page shows while an alert is in force (handed to the page kit as data).
  showAlertBanners(app, db);
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${config.jurisdiction.name}: Townhall API`, version: '2', description: 'Open311 GeoReport v2 and Townhall extensions; the REST API for staff systems under /api/v1 (cases, actions, services, webhooks), with scoped API keys.' },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A scoped API key (townhall api-key create): cases:read, cases:write, webhooks:manage' } } },
    },
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const page = wantsPage(request);
    if (error instanceof SignInNeeded && page) {
      if (error.secondFactorOnly) return reply.redirect('/sign-in/second-factor', 303);
      if (request.method === 'GET') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    if (error instanceof DomainError) {
      const status = httpStatusOf[error.kind];
      if (page) return renderErrorPage(request, reply, status, error.message);
      return reply.code(status).send({ error: error.kind, message: error.message, problems: error.problems });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error');
    if (page) {
      return renderErrorPage(request, reply, status, status === 500
        ? 'Something went wrong on our side and nothing was changed. Please try again later.'
        : status === 429 ? 'You have tried too many times. Wait a few minutes, then try again.' : error.message);
    }
    return reply.code(status).send({
      error: status === 500 ? 'server_error' : 'bad_request',
      message: status === 500 ? 'Something went wrong on our side and nothing was changed. Please try again later.' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) => wantsPage(request)
    ? renderErrorPage(request, reply, 404, 'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.')
    : reply.code(404).send({ error: 'not_found', message: `There is no ${request.method} ${request.url.split('?')[0]} on this server.` }));

  app.get('/healthz', { config: { access: publicAccess }, schema: { tags: ['Operations'], summary: 'The process is alive' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: publicAccess }, schema: { tags: ['Operations'], summary: 'The database is reachable' } }, async (_request, reply) => {
    const ready = await isReachable(db);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unreachable' });
  });
  app.get('/openapi.json', { config: { access: publicAccess }, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => open311Routes(scope, { db, config, keyring }), { prefix: '/open311' });
  webRoutes(app);
  await identityRoutes(app, { db, config, keyring });
  await staffRoutes(app, { db, config, keyring });
  await oidcRoutes(app, { db, config, keyring });
  // The resident portal.
  const deps = { db, config, keyring };
  await homePage(app, deps);
  await infoPages(app, deps);
  await cataloguePages(app, deps);
  await reportRoutes(app, deps);
  await mediaRoutes(app, deps);
  await offlineRoutes(app, deps);
  await trackingRoutes(app, deps);
  await feedbackRoutes(app, deps);
  // Emergency alert subscriptions: /alerts/subscribe, its confirmations and stop links, /account/alerts.
  await subscriptionRoutes(app, deps);
  // Permit and licence applications.
  await applicationRoutes(app, deps, applications);
  // The GovStack Registration Building Block API over the same application services.
  await app.register(async (scope) => govstackRoutes(scope, deps, applications), { prefix: '/registration/v1' });
  // The REST API for staff systems, and webhook subscriptions by API and at /admin/webhooks.
  await app.register(async (scope) => apiRoutes(scope, deps), { prefix: API_PREFIX });
  await webhookRoutes(app, deps);
  // The staff workspace's settings, messages, training space and live updates.
  await settingsRoutes(app, deps);
  await notificationRoutes(app, deps);
  await trainingRoutes(app, deps);
  await liveRoutes(app, deps);
  // Staff analytics: hotspots and the forecast.
  await foresightRoutes(app, deps);
  // Staff analytics, read from the rollups (src/insights).
  await insightsRoutes(app, deps);
  await incidentRoutes(app, deps);
  // Licences: /verify, the register, the published keys, the staff licence pages.
  await licenceRoutes(app, deps);
  // Published performance: the public pages and the costs per channel they use.
  await performanceRoutes(app, deps);
  await performanceCostRoutes(app, deps);
  // Open data: downloads, the DCAT catalogues, the CKAN API and the council's open data settings.
  await openDataRoutes(app, deps);
  // Emergency alerts: the public pages and feeds, the staff drafting and two-person approval.
  await alertRoutes(app, deps);
  return app;
}
