/**
 * The GovStack Registration Building Block API under /registration/v1 (app.ts mounts it). Thin:
 * check the input against the published schemas, authorise by API key scope, call
 * registration.ts, present. Errors come back in the spec's systemError shape.
 */
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyRefused } from '../apikeys/apikeys.js';
import { MAX_DOCUMENT_BYTES, type ApplicationRouteOptions } from '../applications/routes.js';
import { openAnswers } from '../applications/sealed.js';
import { diskStorage, noScanner } from '../applications/storage.js';
import { apiKeyAccess, authorisedKey, publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, httpStatusOf, invalid, notFound } from '../platform/errors.js';
import { perMinute } from '../platform/rate-limit.js';
import { nowIso } from '../platform/time.js';
import * as present from './presenters.js';
import {
  applicationOf, completeTask, documentFor, documentUrl, documentUrlsOf, eFormById, REGISTRATION_PATH, serviceById, services, serviceUuid, statistics, submitApplication,
  taskOf, uploadDocument, visibleTo, workflowOf, type RegistrationDeps, type StatisticsQuery,
} from './registration.js';
import { notImplemented, servedDocument, specSchema } from './spec.js';
import { findApplications } from './store.js';

const read = { access: apiKeyAccess('registration:read') };
const hide = { hide: true };
const MAX_PAGE = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (text: string) => DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

const paging = {
  firstResult: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  maxResult: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
  sortBy: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('id')])),
  sortOrder: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
};
type Paging = { firstResult?: number; maxResult?: number; sortOrder?: 'asc' | 'desc' };
const pageOf = (q: Paging) => ({ offset: q.firstResult ?? 0, limit: q.maxResult ?? 20, order: q.sortOrder ?? 'desc' });

/** A value from `data` given as `{ value: "..." }` (the spec's additionalData); undefined when absent. */
function dataText(data: Record<string, unknown>, name: string): string | undefined {
  const given = data[name];
  if (given === undefined) return undefined;
  const value = given !== null && typeof given === 'object' && 'value' in given ? (given as { value: unknown }).value : undefined;
  if (typeof value !== 'string' || [...value].length > 4_000) throw invalid(`data.${name}: give it as { "value": "text" }, at most 4,000 characters.`);
  return value;
}

export async function govstackRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps, options: ApplicationRouteOptions = {}): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const deps: RegistrationDeps = { db, config, keyring, storage: options.storage ?? diskStorage(config.documentsDir), scanner: options.scanner ?? noScanner };
  const write = { access: apiKeyAccess('registration:write'), rateLimit: perMinute(config.apiRateLimit) };
  const operate = { access: apiKeyAccess('registration:operate'), rateLimit: perMinute(config.apiRateLimit) };

  const systemError = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, problems?: string[]) =>
    reply.code(status).header('cache-control', 'no-store').send({ traceId: String(request.id), code, message, ...(problems && problems.length > 1 ? { problems } : {}) });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    if (error instanceof ApiKeyRefused && error.reason === 'unauthenticated') {
      reply.header('www-authenticate', 'Bearer realm="registration"');
      return systemError(request, reply, 401, 'unauthenticated', `${error.message} Send it as "Authorization: Bearer KEY".`);
    }
    if (error instanceof DomainError) return systemError(request, reply, httpStatusOf[error.kind], error.kind, error.message, error.problems);
    if (error.validation) return systemError(request, reply, 400, 'invalid', `The request is not valid: ${error.message}. The schemas are in ${REGISTRATION_PATH}/openapi.json.`);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error in the GovStack Registration API');
    const message = status === 500 ? 'Something went wrong on our side and nothing was changed. Please try again later.'
      : status === 413 ? `The document or request is too large: send at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`
        : status === 415 ? 'Send JSON (application/json), or a document as multipart/form-data.'
          : status === 429 ? `Too many requests from this address; wait ${reply.getHeader('retry-after') ?? 60} seconds and try again.`
            : error.message;
    return systemError(request, reply, status, status === 500 ? 'server_error' : 'bad_request', message);
  });
  app.setNotFoundHandler((request, reply) => systemError(request, reply, 404, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]}: ${REGISTRATION_PATH}/openapi.json lists what there is.`));
  await app.register(rateLimit, { global: false });

  app.get('/openapi.json', { config: { access: publicAccess }, schema: hide }, async () => servedDocument(config.publicUrl, REGISTRATION_PATH));

  // ==== services and eForms ====
  app.get('/services', { config: read, schema: { ...hide, querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }) } }, async (request) => {
    const name = (request.query as { name?: string }).name?.toLowerCase();
    return (await services(db, jurisdictionId)).filter((f) => !name || f.definition.title.toLowerCase().includes(name)).map((f) => present.service(jurisdictionId, f));
  });
  app.get('/services/:serviceId', { config: read, schema: hide }, async (request) =>
    present.service(jurisdictionId, await serviceById(db, jurisdictionId, (request.params as { serviceId: string }).serviceId)));
  app.get('/services/:serviceId/eForms', { config: read, schema: hide }, async (request) =>
    [present.eFormListItem(await serviceById(db, jurisdictionId, (request.params as { serviceId: string }).serviceId), true)]);
  app.get('/eForms/:eFormId', { config: read, schema: hide }, async (request) => {
    const { form, latest } = await eFormById(db, jurisdictionId, (request.params as { eFormId: string }).eFormId);
    return present.eForm(form, latest);
  });

  // ==== applications ====
  const fileOf = async (row: Awaited<ReturnType<typeof applicationOf>>) =>
    present.applicationFile(jurisdictionId, row, openAnswers(keyring, row.answers), await workflowOf(db, row), await documentUrlsOf(db, config.publicUrl, row.draft_id));

  app.post('/services/:serviceId/applications', { config: write, schema: { ...hide, body: { ...specSchema('applicationFileSubmit'), type: 'object' } } }, async (request) => {
    const body = request.body as { applicantId: string; applicationName?: string; formData?: { eFormId?: string; data?: Record<string, unknown> }; documentUrls?: string[] };
    if (!body.applicantId.trim() || body.applicantId.length > 200) throw invalid('applicantId: give your system\'s id for the applicant, 1 to 200 characters.');
    const key = authorisedKey(request);
    const caseId = await submitApplication(deps, key, (request.params as { serviceId: string }).serviceId, {
      applicantId: body.applicantId.trim(), ...(body.applicationName !== undefined ? { applicationName: body.applicationName } : {}),
      ...(body.formData?.eFormId !== undefined ? { eFormId: body.formData.eFormId } : {}), data: body.formData?.data ?? {}, documentUrls: body.documentUrls ?? [],
    });
    return fileOf(await applicationOf(db, jurisdictionId, key, String(caseId)));
  });

  app.get('/applications', {
    config: read,
    schema: { ...hide, querystring: Type.Object({ serviceId: Type.Optional(Type.String({ format: 'uuid' })), applicantId: Type.Optional(Type.String({ maxLength: 200 })), ...paging }) },
  }, async (request) => {
    const query = request.query as Paging & { serviceId?: string; applicantId?: string };
    const key = authorisedKey(request);
    const serviceCode = query.serviceId ? (await serviceById(db, jurisdictionId, query.serviceId)).serviceCode : undefined;
    const rows = await findApplications(db, jurisdictionId, {
      apiKeyId: visibleTo(key), ...(serviceCode ? { serviceCode } : {}), ...(query.applicantId !== undefined ? { applicantId: query.applicantId } : {}), ...pageOf(query),
    });
    return Promise.all(rows.map(async (row) => present.applicationListItem(jurisdictionId, row, await workflowOf(db, row), await documentUrlsOf(db, config.publicUrl, row.draft_id))));
  });

  app.get('/applications/:fileId', { config: read, schema: hide }, async (request) =>
    fileOf(await applicationOf(db, jurisdictionId, authorisedKey(request), (request.params as { fileId: string }).fileId)));

  app.put('/applications/:fileId', { config: operate, schema: hide }, async (request, reply) => {
    await applicationOf(db, jurisdictionId, authorisedKey(request), (request.params as { fileId: string }).fileId);
    return systemError(request, reply, 501, 'not_implemented', notImplemented['PUT /applications/{fileId}']);
  });

  // ==== documents ====
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5, fieldSize: 1000 } });
    scope.post('/documents', { config: write, schema: { ...hide, querystring: Type.Object({ additionalMetadata: Type.Optional(Type.String({ maxLength: 1000 })) }) } }, async (request, reply) => {
      if (!request.isMultipart()) return systemError(request, reply, 415, 'unsupported_media_type', 'Send the document as multipart/form-data, in a part named "file".');
      const metadata = parseMetadata((request.query as { additionalMetadata?: string }).additionalMetadata);
      const key = authorisedKey(request);
      const part = await request.file({ limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1 }, throwFileSizeLimit: true });
      if (!part) throw invalid('Send the document in a part named "file".');
      const bytes = await part.toBuffer();
      // Past the limit the stream is cut short: a truncated file is refused, never kept in part.
      if (part.file.truncated || bytes.length > MAX_DOCUMENT_BYTES) return systemError(request, reply, 413, 'too_large', `The document is too large: send at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`);
      if (bytes.length === 0) throw invalid('The document is empty.');
      const outcome = await uploadDocument(deps, key, metadata, { bytes, name: part.filename });
      if (!outcome.kept) return systemError(request, reply, 400, 'document_refused', outcome.reason);
      return { code: 200, type: 'document', message: `Kept. Give this url in the application's formData for "${metadata.field}", or in its documentUrls, within the same key.`, url: documentUrl(config.publicUrl, outcome.id) };
    });
  });

  app.get('/documents/:documentId', { config: read, schema: hide }, async (request, reply) => {
    const document = await documentFor(deps, authorisedKey(request), (request.params as { documentId: string }).documentId);
    if (!document) throw notFound('There is no such document.');
    return reply.header('content-type', document.contentType).header('content-disposition', `attachment; filename="${document.filename}"`)
      .header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(document.bytes);
  });

  // ==== tasks ====
  app.get('/tasks', {
    config: read,
    schema: { ...hide, querystring: Type.Object({ mainTaskId: Type.Optional(Type.String({ maxLength: 20 })), fileId: Type.Optional(Type.String({ maxLength: 20 })), assigneeId: Type.Optional(Type.String({ maxLength: 20 })), ...paging }) },
  }, async (request) => {
    const query = request.query as Paging & { mainTaskId?: string; fileId?: string; assigneeId?: string };
    const asNumber = (text: string | undefined, name: string) => {
      if (text === undefined) return undefined;
      if (!/^\d{1,15}$/.test(text)) throw invalid(`${name}: give a number, as the application files and tasks list them.`);
      return Number(text);
    };
    const caseId = asNumber(query.fileId ?? query.mainTaskId, query.fileId !== undefined ? 'fileId' : 'mainTaskId');
    const assignee = asNumber(query.assigneeId, 'assigneeId');
    const rows = await findApplications(db, jurisdictionId, {
      apiKeyId: visibleTo(authorisedKey(request)), openOnly: true, ...(caseId !== undefined ? { caseId } : {}), ...(assignee !== undefined ? { assigneeUserId: assignee } : {}), ...pageOf(query),
    });
    return Promise.all(rows.map(async (row) => present.task(jurisdictionId, row, await workflowOf(db, row))));
  });

  app.get('/tasks/:taskId', { config: read, schema: hide }, async (request) => {
    const row = await taskOf(db, jurisdictionId, authorisedKey(request), (request.params as { taskId: string }).taskId);
    return present.taskWithData(jurisdictionId, row, await workflowOf(db, row));
  });

  app.post('/tasks/:taskId/complete', { config: operate, schema: { ...hide, body: { ...specSchema('additionalData'), type: 'object' } } }, async (request) => {
    const { taskId } = request.params as { taskId: string };
    const data = (request.body as { data?: Record<string, unknown> }).data ?? {};
    const transition = dataText(data, 'transition');
    const operatorId = dataText(data, 'operatorId');
    const problems = [...(transition ? [] : ['data.transition: say which step to take, e.g. { "value": "review" }; GET /tasks/{taskId} lists them.']),
      ...(operatorId ? [] : ['data.operatorId: give the Townhall user id of the staff member taking the step.'])];
    if (problems.length > 0) throw invalid(problems[0]!, problems);
    const header = request.headers['idempotency-key'];
    const idempotencyKey = typeof header === 'string' && /^[A-Za-z0-9_.:-]{8,100}$/.test(header) ? header : `${taskId}:${transition}`;
    const optional = (name: string) => { const v = dataText(data, name); return v !== undefined ? { [name]: v } : {}; };
    for (const name of ['validFrom', 'validUntil']) {
      const date = dataText(data, name);
      if (date !== undefined && !realDate(date)) throw invalid(`data.${name}: give a real date written 2026-04-01.`);
    }
    const key = authorisedKey(request);
    const row = await completeTask(deps, key, taskId, { transition: transition!, operatorId: operatorId!, idempotencyKey, ...optional('note'), ...optional('reason'), ...optional('validFrom'), ...optional('validUntil') });
    const workflow = await workflowOf(db, row);
    return {
      taskId, fileId: String(row.case_id), serviceId: serviceUuid(jurisdictionId, row.service_code), status: present.statusOf(workflow, row.state),
      variables: { result: { data: { state: { value: row.state }, nextTaskId: { value: row.status === 'open' ? `${row.case_id}.${row.state}` : null }, completedAt: { value: nowIso() } } } },
    };
  });

  // ==== statistics ====
  app.get('/data/statistics', {
    config: read,
    schema: {
      ...hide,
      querystring: Type.Object({
        startDate: Type.Optional(Type.String({ maxLength: 10 })), endDate: Type.Optional(Type.String({ maxLength: 10 })),
        registrationName: Type.Optional(Type.String({ maxLength: 200 })), operator: Type.Optional(Type.String({ maxLength: 200 })), role: Type.Optional(Type.String({ maxLength: 40 })),
        timeframe: Type.Optional(Type.Union(['day', 'week', 'month', 'year'].map((t) => Type.Literal(t)))),
      }),
    },
  }, async (request) => {
    const query = request.query as Partial<StatisticsQuery>;
    const problems: string[] = [];
    for (const name of ['startDate', 'endDate'] as const) if (query[name] !== undefined && !realDate(query[name]!)) problems.push(`${name}: give a real date written 2026-04-01.`);
    if (problems.length > 0) throw invalid(problems[0]!, problems);
    const endDate = query.endDate ?? nowIso().slice(0, 10);
    const startDate = query.startDate ?? new Date(Date.parse(`${endDate}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    if (startDate > endDate) throw invalid('startDate must be on or before endDate.');
    if (Date.parse(endDate) - Date.parse(startDate) > 366 * 86_400_000) throw invalid('Ask for at most 366 days at a time.');
    return statistics(db, keyring, jurisdictionId, { ...query, startDate, endDate } as StatisticsQuery);
  });
}

/** additionalMetadata: {"serviceId" or "eFormId", "field"}, saying which application question the document answers. */
function parseMetadata(text: string | undefined): { serviceId?: string; eFormId?: string; field: string } {
  const help = 'Say which question the document answers: additionalMetadata={"serviceId":"...","field":"..."} (or "eFormId" instead of "serviceId").';
  if (!text) throw invalid(help);
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { throw invalid(`additionalMetadata is not JSON. ${help}`); }
  const { serviceId, eFormId, field } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof field !== 'string' || (typeof serviceId !== 'string' && typeof eFormId !== 'string')) throw invalid(help);
  return { field, ...(typeof serviceId === 'string' ? { serviceId } : {}), ...(typeof eFormId === 'string' ? { eFormId } : {}) };
}
