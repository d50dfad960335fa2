/**
 * Open data for everyone (issue 14), public and read-only:
 *   /open-data                                     the page that lists the datasets, in plain words
 *   /open-data/requests.csv | .json | .geojson     service requests, streamed (filters: from, to, service, area, bbox, status, profile)
 *   /open-data/services.csv | .json                the service catalogue
 *   /open-data/performance.csv | .json             the published performance figures, month by month (filters: service, from, to)
 *   /data.json                                     DCAT-US 1.1 catalogue
 *   /catalog.jsonld                                DCAT-AP catalogue as JSON-LD
 *   /api/3/action/{action}                         the CKAN Action API subset (ckan.ts)
 * Downloads are limited per client address (a few at once, and per minute) and overall, so
 * exports cannot take the server's connections or memory from everyone else.
 */
import { Readable } from 'node:stream';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listServices } from '../catalogue/catalogue.js';
import { publicAccess } from '../identity/access.js';
import { listAreas } from '../places/places.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { perMinute } from '../platform/rate-limit.js';
import { datasets, dcatAp, dcatUs } from './catalog.js';
import { CkanError, runAction } from './ckan.js';
import { mediaTypes, readExportRequest, requestsDownload, servicesDownload, type Format } from './export.js';
import { ExportSlots } from './limits.js';
import { figuresFor, performanceDocument, performanceRows, readPerformanceRequest } from './performance.js';
import { openDataPage } from './views.js';
import { getOpenDataSettings } from './settings.js';
import { openDataSettingsRoutes } from './settings-routes.js';

/** Downloads of requests running at once, per client address and in all. */
export const EXPORTS_PER_CLIENT = 2;
export const EXPORTS_IN_ALL = 8;
/** Downloads and API calls per client address per minute. */
export const DOWNLOADS_PER_MINUTE = 30;
export const API_CALLS_PER_MINUTE = 300;

const publicRead = { access: publicAccess };

export async function openDataRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'open data requests rate-limited'),
    });
    publicRoutes(scope, deps);
  });
  await openDataSettingsRoutes(app, deps);
}

function publicRoutes(app: FastifyInstance, { db, config }: RouteDeps): void {
  const jurisdictionId = config.jurisdiction.id;
  const slots = new ExportSlots(EXPORTS_PER_CLIENT, EXPORTS_IN_ALL);
  const tooMany = (reply: FastifyReply, message: string) => reply.code(429).header('retry-after', '30').send({ error: 'too_many_requests', message });

  app.get('/open-data', { config: publicRead, schema: { hide: true } }, async (request, reply) => {
    const settings = await getOpenDataSettings(db, config);
    return openDataPage(request, reply, { settings, datasets: await datasets(db, config, settings), areas: await listAreas(db, jurisdictionId), services: await listServices(db, jurisdictionId) });
  });

  // The page's form (no JavaScript): checked like a download, then the browser is sent to the file.
  app.get('/open-data/download', { config: publicRead, schema: { hide: true } }, async (request, reply) => {
    const query = { ...(request.query as Record<string, unknown>) };
    const format = query.format ?? 'csv';
    delete query.format;
    for (const [key, value] of Object.entries(query)) if (value === '') delete query[key];
    if (format !== 'csv' && format !== 'json' && format !== 'geojson') throw new DomainError('invalid', 'Choose CSV, JSON or GeoJSON.');
    await readExportRequest(db, config, query, await listServices(db, jurisdictionId, { includeInactive: true }));
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return reply.redirect(`/open-data/requests.${format}${params.size > 0 ? `?${params}` : ''}`, 303);
  });

  const download = (format: Format) => async (request: FastifyRequest, reply: FastifyReply) => {
    const services = await listServices(db, jurisdictionId, { includeInactive: true });
    const exportRequest = await readExportRequest(db, config, request.query as Record<string, unknown>, services);
    const slot = slots.take(request.ip);
    if ('refused' in slot) {
      return tooMany(reply, slot.refused === 'client'
        ? `You already have ${EXPORTS_PER_CLIENT} downloads running. Wait for one to finish, then try again.`
        : 'Many downloads are running at the moment. Try again in a minute.');
    }
    const finish = slot.release;
    const settings = await getOpenDataSettings(db, config).catch((error: unknown) => { finish(); throw error; });
    const body = Readable.from(requestsDownload(db, config, settings, services, exportRequest, format), { objectMode: false });
    body.on('error', (error) => request.log.error({ err: error }, 'open data download failed part way'));
    body.on('close', finish);
    reply.raw.on('close', finish);
    const name = exportRequest.profile === 'nyc311' ? `requests-nyc311.${format}` : `requests.${format}`;
    return reply
      .header('content-type', `${mediaTypes[format]}; charset=utf-8`)
      .header('content-disposition', `${format === 'csv' ? 'attachment' : 'inline'}; filename="${name}"`)
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(body);
  };
  const limitedDownload = { config: { ...publicRead, rateLimit: perMinute(DOWNLOADS_PER_MINUTE) }, schema: { hide: true } };
  app.get('/open-data/requests.csv', limitedDownload, download('csv'));
  app.get('/open-data/requests.json', limitedDownload, download('json'));
  app.get('/open-data/requests.geojson', limitedDownload, download('geojson'));

  const services = (format: 'csv' | 'json') => async (request: FastifyRequest, reply: FastifyReply) => {
    const unknown = Object.keys(request.query as object);
    if (unknown.length > 0) throw new DomainError('invalid', `Unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. This download takes none.`);
    return reply
      .header('content-type', `${mediaTypes[format]}; charset=utf-8`)
      .header('content-disposition', `${format === 'csv' ? 'attachment' : 'inline'}; filename="services.${format}"`)
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(await servicesDownload(db, config, format));
  };
  app.get('/open-data/services.csv', limitedDownload, services('csv'));
  app.get('/open-data/services.json', limitedDownload, services('json'));

  // The performance pages' own figures (kept a few minutes), laid out as rows: small, so sent whole.
  const performance = (format: 'csv' | 'json') => async (request: FastifyRequest, reply: FastifyReply) => {
    const catalogue = await listServices(db, jurisdictionId, { includeInactive: true });
    const figures = await figuresFor(db, config);
    const wanted = readPerformanceRequest(request.query as Record<string, unknown>, catalogue, figures.months);
    const rows = performanceRows(figures, wanted, new Map(catalogue.map((s) => [s.code, s.name])));
    return reply
      .header('content-type', `${mediaTypes[format]}; charset=utf-8`)
      .header('content-disposition', `${format === 'csv' ? 'attachment' : 'inline'}; filename="performance.${format}"`)
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(performanceDocument(rows, format));
  };
  app.get('/open-data/performance.csv', limitedDownload, performance('csv'));
  app.get('/open-data/performance.json', limitedDownload, performance('json'));

  const limitedApi = { config: { ...publicRead, rateLimit: perMinute(API_CALLS_PER_MINUTE) }, schema: { hide: true } };
  app.get('/data.json', limitedApi, async (_request, reply) => {
    const settings = await getOpenDataSettings(db, config);
    return reply.header('content-type', 'application/json; charset=utf-8').header('access-control-allow-origin', '*')
      .send(JSON.stringify(dcatUs(config, settings, await datasets(db, config, settings))));
  });
  app.get('/catalog.jsonld', limitedApi, async (_request, reply) => {
    const settings = await getOpenDataSettings(db, config);
    return reply.header('content-type', 'application/ld+json; charset=utf-8').header('access-control-allow-origin', '*')
      .send(JSON.stringify(dcatAp(config, settings, await datasets(db, config, settings))));
  });

  // CKAN's own error shape for every problem, the rate limit's included.
  app.get('/api/3/action/:action', limitedApi, async (request, reply) => {
    const action = (request.params as { action: string }).action;
    const base = config.publicUrl.replace(/\/$/, '');
    const help = `${base}/api/3/action/help_show?name=${encodeURIComponent(action.slice(0, 60))}`;
    reply.header('access-control-allow-origin', '*');
    try {
      const settings = await getOpenDataSettings(db, config);
      const result = await runAction({
        db, config, settings, datasets: await datasets(db, config, settings), services: await listServices(db, jurisdictionId, { includeInactive: true }),
      }, action, request.query as Record<string, unknown>);
      return reply.send({ help, success: true, result });
    } catch (error) {
      if (!(error instanceof CkanError)) throw error;
      return reply.code(error.status).send({ help, success: false, error: { __type: error.type, message: error.message, ...error.fields } });
    }
  });
}
