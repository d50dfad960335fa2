/**
 * The three file uploads (a resident's photo, a staff attachment, a department's area) on every
 * database under test: a refused upload (no access, another department, a read-only role, no or
 * a wrong CSRF token) is answered before its body is read, and a body that is not a well-formed
 * multipart form answers 400 with words a person can act on, never 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { Role } from '../src/identity/roles.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

type Session = SignedIn;

/**
 * Sends the headers and the first bytes of a body that says it is much longer, and never sends
 * the rest: only a server that answers without reading the body answers at all.
 */
function answerWithoutBody(url: string, headers: Record<string, string>): Promise<{ status: number; body: string } | 'no answer'> {
  return new Promise((resolve, reject) => {
    const boundary = 'townhall-test-boundary';
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(4_000_000) } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => { clearTimeout(timer); resolve({ status: response.statusCode ?? 0, body }); req.destroy(); });
    });
    const timer = setTimeout(() => { req.destroy(); resolve('no answer'); }, 5_000);
    req.on('error', (error) => { clearTimeout(timer); if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error); });
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n${'x'.repeat(1000)}`);
  });
}

for (const database of databasesUnderTest()) {
  describe(`file uploads on ${database.name}`, () => {
    let t: RunningTownhall;
    let requestId = '';
    const people: Record<string, Session> = {};

    const person = (email: string, role: Role, department: string | null) => signedInAs(t, email, role, department);

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      people.worker = await person('worker@example.org', 'case_worker', 'public-works');
      people.otherWorker = await person('other@example.org', 'case_worker', 'parks');
      people.analyst = await person('analyst@example.org', 'analyst', null);
      people.admin = await person('admin@example.org', 'system_admin', null);
      people.parksAdmin = await person('parks.admin@example.org', 'department_admin', 'parks');
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'reporter@example.org' }),
      });
      requestId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    });
    after(() => t.close());

    const anonymousToken = 'upload-test-anonymous-token-0123456789abcdef';
    const uploads = () => [
      { name: 'staff attachment', path: `/staff/requests/${requestId}/attachments`, who: people.worker! },
      { name: 'department area', path: '/admin/settings/departments/public-works/area', who: people.admin! },
      { name: 'photo', path: '/report/photos', who: { cookie: `townhall_csrf=${anonymousToken}`, csrf: anonymousToken } },
    ];
    const withToken = (path: string, token: string) => `${path}?_csrf=${encodeURIComponent(token)}`;

    test('an upload that would be refused is refused before its body is read', async () => {
      const refusals: Array<[string, string, Record<string, string>, number]> = [
        ['signed out: staff attachment', `/staff/requests/${requestId}/attachments`, {}, 401],
        ['another department: staff attachment', withToken(`/staff/requests/${requestId}/attachments`, people.otherWorker!.csrf), { cookie: people.otherWorker!.cookie }, 403],
        ['read-only role: staff attachment', withToken(`/staff/requests/${requestId}/attachments`, people.analyst!.csrf), { cookie: people.analyst!.cookie }, 403],
        ['no CSRF token: staff attachment', `/staff/requests/${requestId}/attachments`, { cookie: people.worker!.cookie }, 403],
        ['wrong CSRF token: staff attachment', withToken(`/staff/requests/${requestId}/attachments`, 'x'.repeat(43)), { cookie: people.worker!.cookie }, 403],
        ['another department: area', withToken('/admin/settings/departments/public-works/area', people.parksAdmin!.csrf), { cookie: people.parksAdmin!.cookie }, 403],
        ['a case worker: area', withToken('/admin/settings/departments/public-works/area', people.worker!.csrf), { cookie: people.worker!.cookie }, 403],
        ['no CSRF token: area', '/admin/settings/departments/public-works/area', { cookie: people.admin!.cookie }, 403],
        ['no CSRF token: photo', '/report/photos', { cookie: `townhall_csrf=${anonymousToken}` }, 403],
        ['no CSRF cookie: photo', withToken('/report/photos', anonymousToken), {}, 403],
        ['another site: photo', withToken('/report/photos', anonymousToken), { cookie: `townhall_csrf=${anonymousToken}`, origin: 'https://evil.example' }, 403],
      ];
      for (const [name, path, headers, status] of refusals) {
        const answer = await answerWithoutBody(`${t.baseUrl}${path}`, { accept: 'text/html', ...headers });
        assert.notEqual(answer, 'no answer', `${name}: answered without waiting for the body`);
        if (answer !== 'no answer') assert.equal(answer.status, status, `${name}: ${answer.body.slice(0, 200)}`);
      }
      const attachments = await t.db.selectFrom('media').select('id').where('internal', '=', 1).execute();
      assert.equal(attachments.length, 0, 'nothing was stored');
    });

    test('a malformed multipart body answers 400 with a clear message, never 500', async () => {
      const cutShort = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nabc';
      const bodies: Array<[string, string, string]> = [
        ['no boundary', 'multipart/form-data', cutShort],
        ['a part cut short', 'multipart/form-data; boundary=b', cutShort],
        ['a header cut short', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-da'],
        ['garbage', 'multipart/form-data; boundary=b', '\u0000\u0001 not a form at all'],
        ['a boundary that never comes', 'multipart/form-data; boundary=zzz', cutShort],
      ];
      const failures: string[] = [];
      for (const upload of uploads()) {
        for (const [name, type, body] of bodies) {
          const response = await fetch(`${t.baseUrl}${withToken(upload.path, upload.who.csrf)}`, {
            method: 'POST', headers: { accept: 'text/html', cookie: upload.who.cookie, 'content-type': type }, body, redirect: 'manual',
          });
          const html = await response.text();
          if (response.status !== 400) failures.push(`${upload.name}, ${name}: ${response.status}`);
          else if (!/could not be read/.test(html)) failures.push(`${upload.name}, ${name}: 400 without the message`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('a well-formed upload with its token in the address still works', async () => {
      const form = new FormData();
      form.set('file', new Blob([Buffer.from('Survey: 2 m wide\n')], { type: 'text/plain' }), 'survey.txt');
      const worker = people.worker!;
      const response = await fetch(`${t.baseUrl}${withToken(`/staff/requests/${requestId}/attachments`, worker.csrf)}`, {
        method: 'POST', headers: { accept: 'text/html', cookie: worker.cookie }, body: form, redirect: 'manual',
      });
      assert.equal(response.status, 303, await response.text());
      const page = await (await fetch(`${t.baseUrl}/staff/requests/${requestId}`, { headers: { cookie: worker.cookie } })).text();
      assert.match(page, /survey\.txt/);
      assert.match(page, new RegExp(`action="/staff/requests/${requestId}/attachments\\?_csrf=`), 'the form carries its token in its address');
    });
  });
}
