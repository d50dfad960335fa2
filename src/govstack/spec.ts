/**
 * The published GovStack Registration Building Block OpenAPI documents (copied unchanged into
 * ./spec/, MIT and Apache-2.0 as they declare): request bodies are checked against their
 * schemas, and the document this server serves is built from them, with its address, its API
 * key and what it does not do.
 */
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

const load = (name: string) => JSON.parse(readFileSync(new URL(`./spec/${name}`, import.meta.url), 'utf8')) as Json & { paths: Json; components: { schemas: Json } };
export const registrationSpec = load('GovStack_Registration_BB_API.json');
export const statisticsSpec = load('GovStack_Registration_BB_API_statistics.json');

/** A component schema with its references resolved and the OpenAPI-only words (example, xml) left out, for JSON Schema validators. */
export function specSchema(name: string, spec: { components: { schemas: Json } } = registrationSpec): Json {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const ref = (value as { $ref?: string }).$ref;
    if (typeof ref === 'string') return resolve(spec.components.schemas[ref.replace('#/components/schemas/', '')]);
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'example' && k !== 'xml').map(([k, v]) => [k, resolve(v)]));
  };
  return resolve(spec.components.schemas[name]) as Json;
}

/** What this server answers 501 to, and why: said in the served document too. */
export const notImplemented = {
  'PUT /applications/{fileId}': 'Townhall keeps an application\'s answers as the applicant sent them; staff do not rewrite them. Operators move an application on through its tasks (POST /tasks/{taskId}/complete), and ask the applicant for more information through the "request_information" step.',
};

/** The document served at /registration/v1/openapi.json: both published documents, with this server's address and key. */
export function servedDocument(publicUrl: string, basePath: string): Json {
  const base = structuredClone(registrationSpec);
  const paths = { ...(base.paths as Json), ...(structuredClone(statisticsSpec.paths) as Json) };
  const put = (paths['/applications/{fileId}'] as Json | undefined)?.put as Json | undefined;
  if (put) put.responses = { ...(put.responses as Json), 501: { description: notImplemented['PUT /applications/{fileId}'] } };
  paths['/documents/{documentId}'] = {
    get: {
      tags: ['Applicant', 'Operator'], summary: 'Read a document (Townhall extension)', operationId: 'getDocument',
      description: 'The document a documentUrl names: to the key that uploaded it until its application is sent, then to the keys that may read the application.',
      parameters: [{ name: 'documentId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: { description: 'The document (PDF, JPEG or PNG)' }, 404: { description: 'No such document for this key' } },
    },
  };
  return {
    ...base,
    info: { ...(base.info as Json), description: `${(base.info as Json).description as string} Served by Townhall: application services are the services, each service's current form is its eForm, and an application's workflow step is its task.` },
    servers: [{ url: `${publicUrl}${basePath}` }],
    paths,
    components: {
      ...base.components,
      schemas: { ...base.components.schemas, ...structuredClone(statisticsSpec.components.schemas) },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Townhall API key (townhall api-key create --scope registration:read ...), as "Authorization: Bearer KEY" or "X-API-Key: KEY".' } },
    },
    security: [{ apiKey: [] }],
  };
}
