/**
 * What every page promises a browser: hostile text a resident typed is shown as text on staff
 * pages, the security headers are all there (and no CORS), and after sign-in only a path on
 * this site is followed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNext } from '../src/identity/routes.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

const HOSTILE = `<script>alert('x')</script><img src=x onerror=alert(1)>"'><b>`;

for (const database of databasesUnderTest()) {
  describe(`pages and hostile input on ${database.name}`, () => {
    let t: RunningTownhall;
    let caseId = '';
    let cookie = '';
    before(async () => {
      t = await startTownhall(database, fixture);
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      // The department exists before the report, so routing gives the case to it.
      const worker = await createUser(t.db, t.keyring, { email: 'worker@example.org', role: 'case_worker', departmentCode: 'public-works' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: HOSTILE, description: HOSTILE, first_name: HOSTILE, email: 'h@example.org' }),
      });
      caseId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      cookie = `townhall_session=${(await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true })).token}`;
    });
    after(() => t.close());

    test('text a resident typed is shown as text on every staff page, never as markup', async () => {
      for (const path of ['/staff?queue=department', `/staff/requests/${caseId}`, `/staff/requests/${caseId}/contact`]) {
        const response = await fetch(`${t.baseUrl}${path}`, { headers: { cookie, accept: 'text/html' } });
        assert.equal(response.status, 200, path);
        const html = await response.text();
        assert.ok(!html.includes('<script>alert') && !html.includes('<img src=x') && !html.includes('<b>'), `${path} has no injected markup`);
        assert.ok(html.includes('&lt;script>alert'), `${path} shows the text escaped`);
      }
    });

    test('every page carries the security headers, no-store when personal, and no CORS', async () => {
      for (const [path, personal] of [['/', false], ['/sign-in', true], ['/staff', true]] as const) {
        const response = await fetch(`${t.baseUrl}${path}`, { headers: { cookie, accept: 'text/html', origin: 'https://elsewhere.example' } });
        const csp = response.headers.get('content-security-policy') ?? '';
        for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
          assert.ok(csp.includes(directive), `${path}: CSP has ${directive}`);
        }
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(response.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
        assert.equal(response.headers.get('access-control-allow-origin'), null, 'no CORS: other sites cannot read pages');
        assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
        if (personal) assert.equal(response.headers.get('cache-control'), 'no-store', `${path} is not cached`);
      }
    });
  });
}

test('after sign-in only a path on this site is followed', () => {
  for (const good of ['/account', '/staff/requests/12?tab=notes']) assert.equal(safeNext(good), good);
  assert.equal(safeNext('/€'), '/%E2%82%AC', 'characters outside ASCII are percent-encoded, fit for a Location header');
  for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/a b', '', 42, undefined, `/${'a'.repeat(600)}`]) {
    assert.equal(safeNext(bad), '', String(bad));
  }
});
