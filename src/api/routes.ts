/**
 * The versioned REST API for staff systems, under /api/v1: cases, their actions, services, and
 * webhook subscriptions (webhooks/api-routes.ts). Every route takes a scoped API key
 * ("Authorization: Bearer KEY" or "X-API-Key"); a missing or unknown key is 401, a key without
 * the scope 403. Documented in the OpenAPI document at /openapi.json.
 */
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiKeyRefused } from '../apikeys/apikeys.js';
import { apiKeyAccess, authorisedKey } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, httpStatusOf, invalid } from '../platform/errors.js';
import { perMinute } from '../platform/rate-limit.js';
import { webhookApiRoutes } from '../webhooks/api-routes.js';
import { caseActions, getCase, listCases, listServicesForApi, takeAction, type ActionRequest, type CaseQuery } from './cases-api.js';
import { errorResponses, loose } from './schemas.js';

export const API_PREFIX = '/api/v1';

const send = (reply: FastifyReply, status: number, error: string, message: string, problems: string[] = [message]) =>
  reply.code(status).type('application/json').send({ error, message, problems });

const caseSchema = loose({
  id: Type.String(), serviceCode: Type.String(), serviceName: Type.String(), status: Type.String({ enum: ['open', 'closed'] }), state: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]), priority: Type.String(), description: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]), long: Type.Union([Type.Number(), Type.Null()]), address: Type.Union([Type.String(), Type.Null()]),
  mediaUrls: Type.Array(Type.String()), requestedAt: Type.String(), updatedAt: Type.String(),
  expectedAt: Type.Union([Type.String(), Type.Null()]), closedAt: Type.Union([Type.String(), Type.Null()]),
  staffAnswers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
    description: 'Answers to the service\'s staff-only questions, by question code (list answers by key, dates as ISO 8601 instants). Never in Open311 or on public pages.',
  }),
});
const actionSchema = loose({
  action: Type.String(), actor: Type.String(), status: Type.Union([Type.String(), Type.Null()]), state: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]), at: Type.String(), public: Type.Boolean(),
});
const CASE_FILTERS = ['service_code', 'status', 'requested_after', 'requested_before', 'limit', 'offset', 'api_key'];
const idParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'The service request id' }) });

export async function apiRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error instanceof ApiKeyRefused && error.reason === 'unauthenticated') {
      reply.header('www-authenticate', 'Bearer realm="townhall"');
      return send(reply, 401, 'unauthenticated', `${error.message} Send it as "Authorization: Bearer KEY".`);
    }
    if (error instanceof DomainError) return send(reply, httpStatusOf[error.kind], error.kind, error.message, error.problems);
    if (error.validation) return send(reply, 400, 'invalid', `The request is not valid: ${error.message}. /openapi.json describes every route.`);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error in the REST API');
    return send(reply, status, status === 500 ? 'server_error' : 'bad_request', status === 500
      ? 'Something went wrong on our side and nothing was changed. Please try again later.'
      : status === 415 ? 'Send JSON (application/json).' : error.message);
  });
  app.setNotFoundHandler((request, reply) => send(reply, 404, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]}: /openapi.json lists what there is.`));
  await app.register(rateLimit, { global: false });
  const read = { access: apiKeyAccess('cases:read') };
  const write = { access: apiKeyAccess('cases:write'), rateLimit: perMinute(deps.config.apiRateLimit) };
  const tags = ['Cases API'];

  app.get('/services', {
    config: read,
    schema: { tags, summary: 'Every service, active or not', security: [{ apiKey: [] }], response: { 200: Type.Array(loose({ code: Type.String(), name: Type.String(), active: Type.Boolean() })), ...errorResponses } },
  }, async () => listServicesForApi(deps));

  app.get('/cases', {
    config: read,
    schema: {
      tags, summary: 'Service requests, newest first', security: [{ apiKey: [] }],
      querystring: Type.Object({
        service_code: Type.Optional(Type.String({ maxLength: 1000, description: 'One or more service codes, separated by commas' })),
        status: Type.Optional(Type.String({ maxLength: 20, description: 'open, closed, or open,closed' })),
        requested_after: Type.Optional(Type.String({ maxLength: 40 })),
        requested_before: Type.Optional(Type.String({ maxLength: 40 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
        api_key: Type.Optional(Type.String({ maxLength: 200, description: 'The key, when it cannot be sent as a header' })),
      }, { additionalProperties: false }),
      response: { 200: loose({ cases: Type.Array(caseSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    // Refused, not ignored: a filter Townhall does not know would otherwise return every case.
    const unknown = [...new URLSearchParams(request.url.split('?')[1] ?? '').keys()].filter((name) => !CASE_FILTERS.includes(name));
    if (unknown.length > 0) throw invalid(`Unknown parameter ${unknown.slice(0, 5).join(', ')}; the filters are ${CASE_FILTERS.filter((f) => f !== 'api_key').join(', ')}.`);
    return listCases(deps, request.query as CaseQuery);
  });

  app.get('/cases/:id', {
    config: read,
    schema: { tags, summary: 'One service request', security: [{ apiKey: [] }], params: idParams, response: { 200: caseSchema, ...errorResponses } },
  }, async (request) => getCase(deps, (request.params as { id: string }).id));

  app.get('/cases/:id/actions', {
    config: read,
    schema: { tags, summary: 'Every action on a service request, oldest first', security: [{ apiKey: [] }], params: idParams, response: { 200: Type.Array(actionSchema), ...errorResponses } },
  }, async (request) => caseActions(deps, (request.params as { id: string }).id));

  app.post('/cases/:id/actions', {
    config: write,
    schema: {
      tags, summary: 'Take an action on a service request, as the named member of staff, through the workflow', security: [{ apiKey: [] }], params: idParams,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 150 })) }),
      body: Type.Object({
        operatorId: Type.String({ maxLength: 20, description: 'The user id of the member of staff the action is taken as; their role and department decide what is allowed' }),
        idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 150, description: 'Or the Idempotency-Key header: a retry with the same key does nothing again' })),
        kind: Type.String({ enum: ['claim', 'assign', 'transition', 'set_priority', 'public_update', 'note'] }),
        transition: Type.Optional(Type.String({ maxLength: 100 })),
        reason: Type.Optional(Type.String({ maxLength: 2000 })),
        publicNote: Type.Optional(Type.String({ maxLength: 2000 })),
        text: Type.Optional(Type.String({ maxLength: 4000 })),
        userId: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), Type.Null()])),
        priority: Type.Optional(Type.String({ enum: ['low', 'normal', 'high', 'urgent'] })),
        api_key: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 200: loose({ caseId: Type.String(), actionId: Type.Integer(), repeated: Type.Boolean() }), 201: loose({ caseId: Type.String(), actionId: Type.Integer(), repeated: Type.Boolean() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as Omit<ActionRequest, 'idempotencyKey'> & { idempotencyKey?: string };
    const idempotencyKey = body.idempotencyKey ?? (request.headers['idempotency-key'] as string | undefined);
    if (!idempotencyKey) throw invalid('Give an idempotencyKey (or an Idempotency-Key header), so that a retried request acts once.');
    const result = await takeAction(deps, authorisedKey(request), (request.params as { id: string }).id, { ...body, idempotencyKey });
    return reply.code(result.repeated ? 200 : 201).send(result);
  });

  await webhookApiRoutes(app, deps);
}
