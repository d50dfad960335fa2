/**
 * Open311 GeoReport v2 under /open311/v2, plus FixMyStreet's servicerequestupdates extension
 * and the discovery document. Thin: parse -> authorise -> domain -> present.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { perMinute } from '../platform/rate-limit.js';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import { getService, listServices, withServiceText } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import { languages } from '../i18n/languages.js';
import { apiKeyAccess, authorisedKey, publicAccess } from '../identity/access.js';
import { DomainError, httpStatusOf, invalid, notFound } from '../platform/errors.js';
import { isUniqueViolation } from '../db/connection.js';
import { addResidentComment, applyStatusUpdate } from '../cases/outside-updates.js';
import { findRequestIdByToken, getServiceRequest, listStatusUpdates, searchServiceRequests } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import type { RouteDeps } from '../platform/deps.js';
import { discoveryDocument } from './discovery.js';
import { requestSchema, responses, serviceDefinitionSchema, serviceSchema, submittedSchema, tokenSchema, updateSchema } from './schemas.js';
import {
  knownParameters, parseLocale, parseNewRequest, parseRequestSearch, parseStatusUpdate, parseUpdateRange, refuseUnknownParameters, single, type Params,
} from './parse.js';
import { earlierAnswer, idempotencyClaim, IdempotencyKeyReused, IDEMPOTENCY_HEADER, recordAnswer } from './idempotency.js';
import { allowBrowserReads } from './cors.js';
import { separateAttributes } from './attributes.js';
import {
  contentType, renderErrors, renderList, renderObject, requestRow, serviceDefinition, serviceRow, updateRow, type Format,
} from './presenters.js';

const discoverySchema = Type.Object({
  changeset: Type.String(), contact: Type.String(), key_service: Type.String(),
  endpoints: Type.Array(Type.Object({ specification: Type.String(), url: Type.String(), changeset: Type.String(), type: Type.String(), formats: Type.Array(Type.String()) })),
}, { description: 'Where the GeoReport v2 endpoint is and what it speaks (Service Discovery)' });
const format = Type.Union([Type.Literal('json'), Type.Literal('xml')], { description: 'Response format' });
const jurisdiction = Type.Optional(Type.String({ description: 'Ignored when it names this server; refused otherwise.' }));
const tags = ['Open311 GeoReport v2'];
const locale = Type.Optional(Type.String({ description: 'Language of the returned text, e.g. es or es_MX; the council\'s default language when not given or not offered.' }));
/** The languages the council offers besides its default: text in these comes from the translations. */
const offered = languages.map((l) => l.code);

export function formatOf(url: string): Format {
  return /\.xml(\?|$)/.test(url) ? 'xml' : 'json';
}

export async function open311Routes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const zone = config.jurisdiction.timeZone;
  const jurisdictionId = config.jurisdiction.id;

  const send = (reply: FastifyReply, fmt: Format, body: string, status = 200) =>
    reply.code(status).header('content-type', contentType(fmt)).send(body);

  /** The spec lets a server serve several jurisdictions; this one serves exactly one. */
  const checkJurisdiction = (params: Params) => {
    const given = single(params, 'jurisdiction_id');
    if (given !== undefined && given !== jurisdictionId) throw notFound(`This server serves jurisdiction "${jurisdictionId}", not "${given.slice(0, 100)}".`);
  };

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request: FastifyRequest, reply: FastifyReply) => {
    const fmt = formatOf(request.url);
    if (error instanceof DomainError) {
      // A reused idempotency key is 422 (the request is well formed but cannot be this key's);
      // other conflicts stay 400, as FixMyStreet's receiver answers a known update_id.
      const status = error instanceof IdempotencyKeyReused ? 422 : error.kind === 'conflict' ? 400 : httpStatusOf[error.kind];
      return send(reply, fmt, renderErrors(fmt, status, error.problems), status);
    }
    // A format other than json or xml in the path: there is no such resource.
    if ((error as { validationContext?: string }).validationContext === 'params') {
      return send(reply, fmt, renderErrors(fmt, 404, [`There is no ${request.url.split('?')[0]}: Open311 resources end in .json or .xml.`]), 404);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error in Open311 API');
    const message = status === 500 ? 'Something went wrong on our side and nothing was changed. Please try again later.'
      : status === 413 ? `The request is too large; send at most ${config.bodyLimit} bytes.`
        : status === 429 ? `Too many requests from this address; wait ${reply.getHeader('retry-after') ?? 60} seconds and try again.`
        : status === 415 ? 'Send the request as application/x-www-form-urlencoded, as Open311 GeoReport v2 asks.'
          : error.message;
    return send(reply, fmt, renderErrors(fmt, status, [message]), status);
  });

  app.setNotFoundHandler((request, reply) => {
    const fmt = formatOf(request.url);
    const message = `There is no ${request.method} ${request.url.split('?')[0]}. Open311 endpoints end in .json or .xml; see /open311/discovery.json.`;
    return send(reply, fmt, renderErrors(fmt, 404, [message]), 404);
  });

  // Writes are limited per client address; reads are cheap and cacheable.
  await app.register(rateLimit, { global: false });
  const writeLimit = perMinute(config.apiRateLimit);
  const readable = { access: publicAccess };

  allowBrowserReads(app);

  // The discovery document, where the spec puts it and beside the endpoint (clients given the endpoint's address look there).
  for (const path of ['/discovery.:format', '/v2/discovery.:format']) {
    app.get(path, { config: readable, schema: { tags, summary: 'Discovery document', params: Type.Object({ format }), response: responses(discoverySchema) } },
      async (request, reply) => {
        const fmt = (request.params as { format: Format }).format;
        refuseUnknownParameters(request.query as Params, knownParameters.discovery, 'The discovery document');
        return send(reply, fmt, discoveryDocument(fmt, config));
      });
  }

  app.get('/v2/services.:format', {
    config: readable,
    schema: { tags, summary: 'List services', params: Type.Object({ format }), response: responses(Type.Array(serviceSchema)), querystring: Type.Object({ jurisdiction_id: jurisdiction, locale }) },
  }, async (request, reply) => {
    const fmt = (request.params as { format: Format }).format;
    refuseUnknownParameters(request.query as Params, knownParameters.services, 'GET services');
    checkJurisdiction(request.query as Params);
    const language = parseLocale(request.query as Params, offered);
    const services = (await listServices(db, jurisdictionId)).map((s) => (language ? localizeService(s, language) : s));
    return send(reply, fmt, renderList(fmt, 'services', 'service', services.map(serviceRow)));
  });

  app.get('/v2/services/:service_code.:format', {
    config: readable,
    schema: {
      tags, summary: 'Service definition (attributes)', params: Type.Object({ service_code: Type.String(), format }), response: responses(serviceDefinitionSchema),
      querystring: Type.Object({ jurisdiction_id: jurisdiction, locale }),
    },
  }, async (request, reply) => {
    const { service_code, format: fmt } = request.params as { service_code: string; format: Format };
    refuseUnknownParameters(request.query as Params, knownParameters.service, 'GET a service definition');
    checkJurisdiction(request.query as Params);
    const language = parseLocale(request.query as Params, offered);
    const service = await getService(db, jurisdictionId, service_code);
    if (!service.active) throw notFound(`The service "${service_code}" no longer takes reports.`);
    return send(reply, fmt, renderObject(fmt, 'service_definition', serviceDefinition(language ? localizeService(service, language) : service)));
  });

  app.get('/v2/requests.:format', {
    config: readable,
    schema: {
      tags, summary: 'Search service requests', params: Type.Object({ format }), response: responses(Type.Array(requestSchema)),
      querystring: Type.Object({
        service_request_id: Type.Optional(Type.String({ description: 'Comma-separated ids; overrides every other filter' })),
        service_code: Type.Optional(Type.String({ description: 'Comma-separated service codes' })),
        status: Type.Optional(Type.String({ description: 'open, closed or open,closed' })),
        start_date: Type.Optional(Type.String({ description: 'ISO 8601 with zone' })),
        end_date: Type.Optional(Type.String({ description: 'ISO 8601 with zone; at most 90 days after start_date' })),
        updated_after: Type.Optional(Type.String({ description: 'Requests last updated at or after this time (ISO 8601 with zone)' })),
        updated_before: Type.Optional(Type.String({ description: 'Requests last updated at or before this time (ISO 8601 with zone); at most 90 days after updated_after' })),
        page: Type.Optional(Type.String({ description: 'Page number from 1 (extension)' })),
        page_size: Type.Optional(Type.String({ description: 'Results per page, at most 1000 (extension)' })),
        jurisdiction_id: jurisdiction,
        locale,
      }),
    },
  }, async (request, reply) => {
    const fmt = (request.params as { format: Format }).format;
    const params = request.query as Params;
    refuseUnknownParameters(params, knownParameters.requests, 'GET requests');
    checkJurisdiction(params);
    const language = parseLocale(params, offered);
    const found = await searchServiceRequests(db, jurisdictionId, parseRequestSearch(params));
    const results = language ? await withServiceText(db, jurisdictionId, language, found) : found;
    return send(reply, fmt, renderList(fmt, 'service_requests', 'request', results.map((r) => requestRow(r, zone))));
  });

  app.post('/v2/requests.:format', {
    config: { rateLimit: writeLimit, access: apiKeyAccess('open311:submit') },
    schema: { tags, summary: 'Submit a service request (form-encoded; attribute[code]=value)', params: Type.Object({ format }), response: responses(Type.Array(submittedSchema), 201) },
  }, async (request, reply) => {
    const fmt = (request.params as { format: Format }).format;
    const body = bodyParams(request);
    checkJurisdiction(body);
    const key = authorisedKey(request);
    const settings = config.open311;
    // A retry of a request already made gets the first answer, whichever process made it.
    const claim = idempotencyClaim(request.headers[IDEMPOTENCY_HEADER], body, settings.externalIdAttribute);
    const replay = async (answer: { caseId: number; statusCode: number }) => {
      const made = await getServiceRequest(db, jurisdictionId, String(answer.caseId));
      const row = { service_request_id: made.id, token: made.token, service_notice: made.serviceNotice, account_id: null };
      reply.header('idempotent-replayed', 'true');
      return send(reply, fmt, renderList(fmt, 'service_requests', 'request', [row]), answer.statusCode);
    };
    if (claim) {
      const earlier = await earlierAnswer(db, key.id, claim);
      if (earlier) return replay(earlier);
    }
    const parsed = parseNewRequest(body);
    const externalId = settings.externalIdAttribute ? single(body, `attribute[${settings.externalIdAttribute}]`) : undefined;
    const { answers, extra } = await separateAttributes(db, jurisdictionId, parsed.serviceCode, parsed.attributes, settings);
    const input = { ...parsed, attributes: answers };
    // `locale`, as the service lists take it: the language the reporter's messages are written in.
    const language = parseLocale(body, offered);
    // A reporter who gave an email address is told the reference, in the same transaction.
    const sender = { publicUrl: config.publicUrl, council: config.jurisdiction.name };
    const sentAlongside = { ...(externalId !== undefined ? { externalId } : {}), ...(Object.keys(extra).length > 0 ? { attributes: extra } : {}) };
    let created;
    try {
      created = await submitCase(db, { jurisdiction: config.jurisdiction, keyring }, 'api', input, {
        actor: { id: `api_key:${key.id}`, apiKeyId: key.id },
        ...(language ? { reporterLanguage: language } : {}),
        ...(input.contact.email ? { acknowledge: { email: input.contact.email, sender, ...(language ? { language } : {}) } } : {}),
        ...(Object.keys(sentAlongside).length > 0 ? { sentAlongside } : {}),
        ...(claim ? { alongside: (trx, row) => recordAnswer(trx, key.id, claim, { caseId: row.id, statusCode: 201 }, settings.idempotencyHours) } : {}),
      });
    } catch (error) {
      // The same request, sent twice at once: the one that lost the race answers as the winner did.
      if (!claim || !isUniqueViolation(error)) throw error;
      const earlier = await earlierAnswer(db, key.id, claim);
      if (!earlier) throw error;
      return replay(earlier);
    }
    const row = { service_request_id: created.id, token: created.token, service_notice: created.serviceNotice, account_id: null };
    return send(reply, fmt, renderList(fmt, 'service_requests', 'request', [row]), 201);
  });

  app.get('/v2/requests/:service_request_id.:format', {
    config: readable,
    schema: { tags, summary: 'One service request', params: Type.Object({ service_request_id: Type.String(), format }), response: responses(Type.Array(requestSchema)) },
  }, async (request, reply) => {
    const { service_request_id, format: fmt } = request.params as { service_request_id: string; format: Format };
    refuseUnknownParameters(request.query as Params, knownParameters.request, 'GET a service request');
    checkJurisdiction(request.query as Params);
    const language = parseLocale(request.query as Params, offered);
    const stored = await getServiceRequest(db, jurisdictionId, service_request_id);
    const [found] = language ? await withServiceText(db, jurisdictionId, language, [stored]) : [stored];
    return send(reply, fmt, renderList(fmt, 'service_requests', 'request', [requestRow(found!, zone)]));
  });

  app.get('/v2/tokens/:token.:format', {
    config: readable,
    schema: { tags, summary: 'Service request id from a token', params: Type.Object({ token: Type.String(), format }), response: responses(Type.Array(tokenSchema)) },
  }, async (request, reply) => {
    const { token, format: fmt } = request.params as { token: string; format: Format };
    refuseUnknownParameters(request.query as Params, knownParameters.token, 'GET a token');
    checkJurisdiction(request.query as Params);
    const id = await findRequestIdByToken(db, jurisdictionId, token);
    return send(reply, fmt, renderList(fmt, 'service_requests', 'request', [{ service_request_id: id, token }]));
  });

  app.get('/v2/servicerequestupdates.:format', {
    config: readable,
    schema: {
      tags, summary: 'Status updates in a date range (FixMyStreet extension)', params: Type.Object({ format }), response: responses(Type.Array(updateSchema)),
      querystring: Type.Object({ start_date: Type.Optional(Type.String()), end_date: Type.Optional(Type.String()), page: Type.Optional(Type.String()), page_size: Type.Optional(Type.String()), jurisdiction_id: jurisdiction }),
    },
  }, async (request, reply) => {
    const fmt = (request.params as { format: Format }).format;
    const params = request.query as Params;
    refuseUnknownParameters(params, knownParameters.updates, 'GET servicerequestupdates');
    checkJurisdiction(params);
    const updates = await listStatusUpdates(db, jurisdictionId, parseUpdateRange(params));
    return send(reply, fmt, renderList(fmt, 'service_request_updates', 'request_update', updates.map((u) => updateRow(u, zone))));
  });

  app.post('/v2/servicerequestupdates.:format', {
    config: { rateLimit: writeLimit, access: apiKeyAccess('open311:update') },
    schema: { tags, summary: 'A back office posts a status update (FixMyStreet extension)', params: Type.Object({ format }), response: responses(Type.Array(Type.Object({ update_id: Type.String() })), 201) },
  }, async (request, reply) => {
    const fmt = (request.params as { format: Format }).format;
    const body = bodyParams(request);
    checkJurisdiction(body);
    const key = authorisedKey(request);
    const { extra, ...update } = parseStatusUpdate(body);
    if (Object.keys(extra).length > 0 && config.open311.unknownAttributes === 'refuse') {
      const codes = Object.keys(extra);
      throw invalid(`An update has no questions, so attribute${codes.length > 1 ? 's' : ''} ${codes.slice(0, 5).map((c) => `"${c.slice(0, 40)}"`).join(', ')}${codes.length > 5 ? ` and ${codes.length - 5} more` : ''} cannot be taken: `
        + 'this council does not keep attributes Townhall has no field for. Send the update without them.');
    }
    const actor = { id: `api_key:${key.id}`, apiKeyId: key.id };
    const withExtra = { ...update, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
    // A key that acts for a front end passes on residents' comments: they never change the case's status.
    const applied = key.scopes.includes('open311:front-end')
      ? await addResidentComment(db, jurisdictionId, withExtra, actor)
      // The public address is read now: it may be settled after the routes are (as in tests).
      : await applyStatusUpdate(db, jurisdictionId, withExtra, actor, { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name }, config.jurisdiction.timeZone);
    if (applied.replayed) reply.header('idempotent-replayed', 'true');
    return send(reply, fmt, renderList(fmt, 'service_request_updates', 'request_update', [{ update_id: applied.updateId }]), 201);
  });
}

/** Form bodies give strings; a JSON body is accepted too, as long as its values are plain. */
function bodyParams(request: FastifyRequest): Params {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('Send the parameters as a form (application/x-www-form-urlencoded).');
  const params: Params = {};
  const scalar = (name: string, value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw invalid(`${name} must be text, not ${value === null ? 'null' : typeof value}.`);
  };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    params[name] = Array.isArray(value) ? value.map((v) => scalar(name, v)) : scalar(name, value);
  }
  return params;
}
