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
});
