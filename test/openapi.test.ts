/** The OpenAPI document describes every public route, with the shape of its answers. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';

describe('OpenAPI document', () => {
  let t: RunningTownhall;
  before(async () => { t = await startTownhall({ name: 'sqlite' }, fixture); });
  after(() => t.close());

  test('lists every API route (not the web pages), and the Open311 answers and errors', async () => {
    const response = await fetch(`${t.baseUrl}/openapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    assert.match(document.openapi, /^3\./);
    const isApi = (url: string) => url.startsWith('/open311/') || url === '/healthz' || url === '/readyz';
    for (const route of t.routes.filter((r) => r.method !== 'HEAD' && isApi(r.url))) {
      // A wildcard (the CORS preflight's /open311/*) is written {*} in the document.
      const path = route.url.replace(/:([a-z_]+)/g, '{$1}').replace(/\*$/, '{*}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} is documented`);
      if (path.startsWith('/open311/v2/')) {
        assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${path} documents its answer`);
        assert.ok(operation.responses['400'] && operation.responses['403'] && operation.responses['404'], `${path} documents its errors`);
      }
    }
  });

  test('is OpenAPI 3.1 that parses, every path it names is a route, and every /api/v1 route is in it with its key and errors', async () => {
    const text = await (await fetch(`${t.baseUrl}/openapi.json`)).text();
    const document = JSON.parse(text) as {
      openapi: string; info: { title: string; version: string }; components?: { securitySchemes?: Record<string, unknown> };
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[]; tags?: string[] }>>;
    };
    assert.equal(document.openapi, '3.1.0');
    assert.ok(document.info.title && document.info.version);
    assert.ok(document.components?.securitySchemes?.apiKey, 'the API key scheme is described');
    const routes = new Set(t.routes.map((r) => `${r.method.toLowerCase()} ${r.url}`));
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        // The document writes a route's parameters as {name}, and a wildcard (/open311/*) as {*}.
        assert.ok(routes.has(`${method} ${path.replace(/\{([a-z_]+)\}/gi, ':$1').replace('{*}', '*')}`), `${method.toUpperCase()} ${path} in the document is a route`);
      }
    }
    const api = t.routes.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/v1/'));
    assert.ok(api.length >= 10);
    for (const route of api) {
      const operation = document.paths[route.url.replace(/:([a-z_]+)/gi, '{$1}')]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.url} is documented`);
      assert.deepEqual(operation.security, [{ apiKey: [] }], `${route.url} names its key`);
      assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${route.url} documents its answer`);
      assert.ok(operation.responses['401'] && operation.responses['403'] && operation.responses['400'], `${route.url} documents its errors`);
    }
    // Every schema in it compiles under JSON Schema 2020-12, OpenAPI 3.1's dialect.
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const ajv = new Ajv2020({ strict: false });
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const response of Object.values(operation.responses) as Array<{ content?: Record<string, { schema?: object }> }>) {
          for (const media of Object.values(response.content ?? {})) if (media.schema) ajv.compile(media.schema);
        }
      }
    }
  });
});
