/**
 * Hostile values in every place a route reads a record's number or a date: path, query string,
 * form body and the queue cursor. Ids past the 32-bit columns (2,147,483,648 and up), negative,
 * zero, non-numeric and huge; dates at the calendar's edges. Every route is walked with them, as
 * an administrator with a valid CSRF token (so the request reaches the handler), on every
 * database under test: each must answer 4xx (or a page/redirect that names no such record),
 * never 500. A path id that cannot exist is "not found".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../src/apikeys/apikeys.js';
import type { Role } from '../src/identity/roles.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { plainRequest } from './plain-http.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';

/** Record numbers no row can have; each one must be refused, not passed to the database. */
export const hostileIds = ['2147483648', '9223372036854775808', '99999999999999999999999999999', '-1', '0', 'abc', '1.5', '1e3', '€'];
/** Dates a calendar (or a database's timestamp type) cannot hold, or no sane record has. */
export const hostileDates = ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z', '275760-09-13T00:00:00Z'];

/** Fields of forms and query strings that carry a record's number, by the routes that read them. */
const idFields = ['id', 'q', 'reference', 'case', 'to', 'assignee', 'department', 'template', 'template_id', 'rule', 'place', 'calendar', 'cursor', 'since', 'page',
  'service_request_id', 'merge_into', 'merge_reference', 'index', 'session', 'user', 'photo', 'attachment'];
/** Fields that handlers read before any other, tried alone. */
const aloneFields = ['to', 'department', 'template', 'case', 'q', 'cursor', 'since', 'service_request_id', 'start_date', 'end_date', 'updated_datetime'];
const dateFields = ['start_date', 'end_date', 'updated_datetime', 'requested_datetime', 'expected_datetime', 'date', 'since', 'until', 'from'];

type Session = SignedIn;

for (const database of databasesUnderTest()) {
  describe(`hostile ids and dates on ${database.name}`, () => {
    let t: RunningTownhall;
    let admin: Session;
    let worker: Session;
    let resident: Session;
    /** Emergency alerts' drafting and approval are theirs (and system administrators'). */
    let officer: Session;
    let requestId = '';
    /** A key for the REST API's routes (/api/v1), so a request reaches the handler that reads the number. */
    let staffSystemKey = '';

    const person = (email: string, role: Role, department: string | null) => signedInAs(t, email, role, department);

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      admin = await person('admin@example.org', 'system_admin', null);
      worker = await person('worker@example.org', 'case_worker', 'public-works');
      resident = await person('resident@example.org', 'resident', null);
      officer = await person('officer@example.org', 'emergency_officer', null);
      staffSystemKey = (await createApiKey(t.db, { name: 'staff system', scopes: ['cases:read', 'cases:write', 'webhooks:manage'] }, 'test')).key;
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'reporter@example.org' }),
      });
      requestId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    });
    after(() => t.close());

    /** Sends one request as the given person (or anonymously with a matching CSRF cookie). */
    async function send(method: string, path: string, fields: Record<string, string>, who: Session | null) {
      const csrf = who?.csrf ?? 'hostile-test-csrf-token-0123456789';
      // Uncompressed, and over plain node:http rather than fetch: compressing every answer of the
      // walk and decompressing it again cost a fifth of its CPU, fetch itself another, and
      // neither tests anything here (compression.test.ts tests compression).
      const headers: Record<string, string> = { accept: 'text/html', 'accept-encoding': 'identity', cookie: who ? who.cookie : `townhall_csrf=${csrf}` };
      if (method === 'GET' || method === 'HEAD') {
        const query = new URLSearchParams(fields).toString();
        return plainRequest(`${t.baseUrl}${path}${query ? `?${query}` : ''}`, { method, headers });
      }
      return plainRequest(`${t.baseUrl}${path}`, { method, headers, body: new URLSearchParams({ _csrf: csrf, api_key: t.apiKey, ...fields }) });
    }

    // Left out: streams (they stay open) and the training space's start and reset, which take no
    // input and rebuild the space each time.
    const routes = () => t.routes.filter((r) => r.method !== 'HEAD' && !r.url.includes('*') && r.url !== '/staff/events' && !r.url.endsWith('/events')
      && !['/staff/training/start', '/staff/training/reset'].includes(r.url));
    const fill = (pattern: string, id: string) => pattern.replace(':format', 'json').replace(':service_code', POTHOLE).replace(':service_request_id', id)
      .replace(':token', 'not-a-token').replace(':audience', 'staff').replace(':id', id).replace(':code', 'public-works')
      .replace(':event', 'case_update').replace(':channel', 'email').replace(':language', 'en');
    const callersFor = (url: string): Array<Session | null> => (url.startsWith('/staff/alerts') ? [officer] : url.startsWith('/staff') ? [worker] : url.startsWith('/admin') ? [admin] : url.startsWith('/account') ? [resident] : [null]);

    test('every route with a record number in its path answers 4xx for one that cannot exist, never 500', async () => {
      const failures: string[] = [];
      // Event streams too: a number that names no case is refused before the stream opens.
      const withIds = t.routes.filter((r) => r.method !== 'HEAD' && /:id|:service_request_id/.test(r.url));
      for (const route of withIds) {
        for (const id of hostileIds) {
          for (const who of callersFor(route.url)) {
            const path = fill(route.url, encodeURIComponent(id));
            const response = await send(route.method, path, route.url.startsWith('/api/v1/') ? { api_key: staffSystemKey } : {}, who);
            await response.arrayBuffer();
            if (response.status >= 500) failures.push(`${route.method} ${path}: ${response.status}`);
            else if (route.method === 'GET' && response.status !== 404) failures.push(`${route.method} ${path}: ${response.status}, not 404`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });

    test('a live stream given a Last-Event-ID or since past any event answers, never 500', async () => {
      for (const [header, since] of [['2147483648', ''], ['99999999999999999999', ''], ['', '9999-12-31T23:59:59Z'], ['-1', '2147483648']] as const) {
        const controller = new AbortController();
        const headers: Record<string, string> = { accept: 'text/event-stream', ...(header ? { 'last-event-id': header } : {}) };
        const response = await fetch(`${t.baseUrl}/requests/${requestId}/events${since ? `?since=${encodeURIComponent(since)}` : ''}`, { headers, signal: controller.signal });
        assert.equal(response.status, 200, `Last-Event-ID ${header}, since ${since}`);
        const reader = response.body!.getReader();
        const first = await reader.read(); // the stream's opening lines: it was opened, not failed
        assert.ok(!first.done, 'the stream stays open');
        controller.abort();
        await reader.cancel().catch(() => {});
      }
      assert.equal((await fetch(`${t.baseUrl}/readyz`)).status, 200, 'the server is still up');
    });

    test('a queue cursor made by hand with an id or a date no row can have starts from the first page', async () => {
      const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const cursors = [
        { p: 0, k: [2147483648] }, { p: 0, k: [-1] }, { p: 0, k: [1e300] }, { p: 1, k: ['9999-12-31T23:59:59Z', 2147483648] },
        { p: 1, k: ['+275760-09-13T00:00:00.000Z', 1] }, { p: 1, k: ['0001-01-01T00:00:00Z', 1] }, { p: 2, k: [99999999999] },
      ];
      for (const value of cursors) {
        for (const sort of ['', 'due', 'newest', 'oldest']) {
          const response = await send('GET', '/staff', { queue: 'all', cursor: cursor(value), ...(sort ? { sort } : {}) }, worker);
          assert.equal(response.status, 200, `${JSON.stringify(value)} ${sort}`);
          await response.arrayBuffer();
        }
      }
    });

    test('forms that choose a record by its number refuse one that cannot exist with 4xx', async () => {
      const forms: Array<[string, string, (id: string) => Record<string, string>, Session]> = [
        ['staff: assign', `/staff/requests/${requestId}/actions`, (id) => ({ action: 'assign', assignee: id }), worker],
        ['staff: reply from a template', `/staff/requests/${requestId}/actions`, (id) => ({ action: 'public_update', public_text: 'Hello', template_id: id }), worker],
        ['staff: merge by reference', `/staff/requests/${requestId}/actions`, (id) => ({ action: 'merge', merge_reference: id }), worker],
        ['staff: merge into a nearby case', `/staff/requests/${requestId}/actions`, (id) => ({ action: 'merge', merge_into: id }), worker],
        ['staff: move department', `/staff/requests/${requestId}/actions`, (id) => ({ action: 'move_department', department: id, move_reason: 'Wrong team' }), worker],
        ['bulk: assign', '/staff/bulk', (id) => ({ bulk_action: 'assign', assignee: id, case: requestId }), worker],
        ['bulk: move department', '/staff/bulk', (id) => ({ bulk_action: 'move_department', department: id, reason: 'Wrong team', case: requestId }), worker],
        ['bulk: claim a case that cannot exist', '/staff/bulk', (id) => ({ bulk_action: 'claim', case: id }), worker],
        ['admin: new staff member in a department', '/admin/users', (id) => ({ email: 'new.person@example.org', role: 'case_worker', department: id }), admin],
        ['settings: template for a department', '/admin/settings/templates', (id) => ({ name: 'T', department: id, body: 'Hello', active: 'on' }), admin],
        ['settings: routing rule to a department', '/admin/settings/routing', (id) => ({ department: id }), admin],
        ['settings: remove a routing rule', '/admin/settings/routing/remove', (id) => ({ rule: id }), admin],
        ['settings: department calendar', '/admin/settings/departments/public-works', (id) => ({ name: 'Public works', assignment: 'none', calendar: id }), admin],
      ];
      const failures: string[] = [];
      for (const [name, path, fields, who] of forms) {
        // A department is named by its id or its code: there, letters are a code, not a bad id.
        for (const id of name.startsWith('admin: new staff') ? hostileIds.filter((v) => /^\d+$/.test(v)) : hostileIds) {
          const response = await send('POST', path, fields(id), who);
          await response.arrayBuffer();
          if (response.status < 400 || response.status >= 500) failures.push(`${name} (${id}): ${response.status}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('every route answers hostile record numbers and dates in its query string or form with 4xx or a page, never 500', async () => {
      const failures: string[] = [];
      for (const route of routes()) {
        const path = fill(route.url, route.url.startsWith('/admin/users') ? '1' : requestId);
        // Each hostile id in every id field at once, each hostile date in every date field at
        // once, then the fields most often read alone (so one refusal cannot hide another).
        const tries: Array<Record<string, string>> = [
          ...hostileIds.map((value) => Object.fromEntries(idFields.map((name) => [name, value]))),
          ...hostileDates.map((value) => Object.fromEntries(dateFields.map((name) => [name, value]))),
          ...aloneFields.map((name) => ({ [name]: dateFields.includes(name) ? '9999-12-31T23:59:59Z' : '2147483648' })),
        ];
        for (const fields of tries) {
          for (const who of callersFor(route.url)) {
            const response = await send(route.method, path, fields, who);
            await response.arrayBuffer();
            if (response.status >= 500) failures.push(`${route.method} ${path} ${JSON.stringify(fields).slice(0, 80)}: ${response.status}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
