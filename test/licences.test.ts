/**
 * Licences over HTTP: the published key set, /verify in three languages (genuine, tampered,
 * malformed, revoked), the PDF for its holder and for staff, the staff status changes (CSRF,
 * roles, departments) and the public register with its open data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueLicence, type IssuedLicence } from '../src/licences/licences.js';
import { setLicenceRegister } from '../src/licences/register.js';
import type { WorkflowActor } from '../src/workflow/types.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

const system: WorkflowActor = { id: 'system:test', userId: null, role: 'system', departmentId: null };
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

for (const database of databasesUnderTest()) {
  describe(`licences over HTTP on ${database.name}`, () => {
    let t: RunningTownhall;
    let licence: IssuedLicence;
    let caseId = 0;
    let worker: SignedIn;
    let otherDepartment: SignedIn;
    let analyst: SignedIn;
    const ctx = () => ({ jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.config.jurisdiction.name } });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.baseUrl}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      // Signing staff in makes their departments, so the case is routed to one.
      worker = await signedInAs(t, 'worker@example.org', 'case_worker', 'public-works');
      otherDepartment = await signedInAs(t, 'parks@example.org', 'case_worker', 'parks');
      analyst = await signedInAs(t, 'analyst@example.org', 'analyst', null);
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'applicant@example.org' }),
      });
      caseId = Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      licence = await issueLicence(t.db, {
        caseId, serviceCode: GRAFFITI, serviceName: 'Market stall', holderName: 'Ana <b>García</b>', holderEmail: 'ana@example.org',
        permits: 'A stall at the Saturday market, pitch 12', conditions: ['No amplified music', 'Leave the pitch clean'],
        validFrom: dateIn(-1), validUntil: dateIn(365), language: 'es',
      }, system, ctx());
    });
    after(() => t.close());

    test('the key set is published: public Ed25519 keys with their kid, nothing private', async () => {
      const response = await fetch(`${t.baseUrl}/.well-known/licence-keys.json`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /application\/jwk-set\+json/);
      const set = (await response.json()) as { keys: Array<Record<string, string>> };
      assert.equal(set.keys.length, 1);
      assert.deepEqual(Object.keys(set.keys[0]!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      assert.equal(set.keys[0]!.crv, 'Ed25519');
    });

    test('/verify: the form, a genuine licence in each language, a tampered one, and bad input', async () => {
      const form = await get('/verify');
      assert.equal(form.status, 200);
      assert.match(await form.text(), /<textarea id="token" name="token"/);
      const english = await (await get(`/verify/${licence.token}`)).text();
      assert.match(english, /Genuine and valid/);
      assert.ok(english.includes(licence.number) && english.includes('pitch 12') && english.includes('Leave the pitch clean'));
      assert.ok(english.includes('Ana &lt;b>García&lt;/b>') || english.includes('Ana &lt;b&gt;García&lt;/b&gt;'), english.slice(english.indexOf('Ana'), english.indexOf('Ana') + 40));
      assert.match(await (await get(`/verify?token=${encodeURIComponent(licence.token)}&lang=es`)).text(), /Auténtica y válida/);
      assert.match(await (await get(`/verify/${licence.token}?lang=ar`)).text(), /أصلية وصالحة/);

      const [header, payload, signature] = licence.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const keys = Object.keys(claims).sort();
      const changed = { ...claims, permits: 'Every pitch' };
      const canonical = `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(changed[k])}`).join(',')}}`;
      const tampered = await get(`/verify/${header}.${Buffer.from(canonical).toString('base64url')}.${signature}`);
      assert.equal(tampered.status, 200);
      const tamperedText = await tampered.text();
      assert.match(tamperedText, /Not genuine/);
      assert.ok(!tamperedText.includes('Every pitch'), 'nothing of a forged licence is shown');

      for (const junk of ['not-a-token', 'a.b.c', `${licence.token}x.y`]) {
        const response = await get(`/verify?token=${encodeURIComponent(junk)}`);
        assert.equal(response.status, 400, junk);
        assert.match(await response.text(), /This is not a licence code/);
      }
      const tooLong = await get(`/verify?token=${'a'.repeat(9_000)}`);
      assert.ok(tooLong.status === 400 || tooLong.status === 414, String(tooLong.status));
      const json = await fetch(`${t.baseUrl}/verify/${licence.token}`, { headers: { accept: 'application/json' } });
      const answer = (await json.json()) as { verdict: string; licence: { sub: string } };
      assert.equal(answer.verdict, 'valid');
      assert.equal(answer.licence.sub, licence.number);
    });

    test('the PDF: its holder by the link in their email, staff who may see the case, nobody else', async () => {
      const key = new URL(licence.holderLink).searchParams.get('key')!;
      const path = `/licences/${licence.number}/pdf`;
      const holder = await get(`${path}?key=${encodeURIComponent(key)}`);
      assert.equal(holder.status, 200);
      assert.equal(holder.headers.get('content-type'), 'application/pdf');
      const bytes = Buffer.from(await holder.arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      assert.equal((await get(`${path}?key=${encodeURIComponent(`${key}x`)}`)).status, 404);
      assert.equal((await get(path)).status, 404, 'no key, not signed in');
      assert.equal((await get(path, { cookie: worker.cookie })).status, 200);
      assert.equal((await get(path, { cookie: analyst.cookie })).status, 200, 'roles that see every case');
      assert.equal((await get(path, { cookie: otherDepartment.cookie })).status, 403);
      assert.equal((await get(`/licences/LIC-1999-000001/pdf`, { cookie: worker.cookie })).status, 404);
    });

    test('staff suspend, reinstate and revoke with a reason; /verify follows at once', async () => {
      const page = `/staff/licences/${licence.licenceId}`;
      const shown = await get(page, { cookie: worker.cookie });
      assert.equal(shown.status, 200);
      assert.match(await shown.text(), /Suspend the licence/);
      assert.equal((await get(page, { cookie: otherDepartment.cookie })).status, 403);
      assert.equal((await get('/staff/licences/999999', { cookie: worker.cookie })).status, 404);
      assert.equal((await get('/staff/licences/abc', { cookie: worker.cookie })).status, 404);
      const post = (who: SignedIn, fields: Record<string, string>) => fetch(`${t.baseUrl}${page}/status`, {
        method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, accept: 'text/html' }, body: new URLSearchParams({ _csrf: who.csrf, ...fields }),
      });
      assert.equal((await post({ ...worker, csrf: 'wrong' }, { change: 'suspend', reason: 'x' })).status, 403, 'CSRF');
      assert.equal((await post(analyst, { change: 'suspend', reason: 'x' })).status, 403, 'analysts only look');
      assert.equal((await post(otherDepartment, { change: 'suspend', reason: 'x' })).status, 403, 'another department');
      const noReason = await post(worker, { change: 'suspend', reason: ' ' });
      assert.equal(noReason.status, 400);
      assert.match(await noReason.text(), /Enter the reason/);
      assert.equal((await post(worker, { change: 'explode', reason: 'x' })).status, 400);
      assert.equal((await post(worker, { change: 'reinstate', reason: 'not suspended' })).status, 409);

      const suspended = await post(worker, { change: 'suspend', reason: 'Complaint from neighbours' });
      assert.equal(suspended.status, 303);
      assert.match(await (await get(`/verify/${licence.token}`)).text(), /Genuine, but suspended/);
      assert.equal((await post(worker, { change: 'reinstate', reason: 'Complaint not upheld' })).status, 303);
      assert.match(await (await get(`/verify/${licence.token}`)).text(), /Genuine and valid/);
      assert.equal((await post(worker, { change: 'revoke', reason: 'Pitch sublet' })).status, 303);
      assert.match(await (await get(`/verify/${licence.token}?lang=es`)).text(), /Auténtica, pero revocada/);
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', licence.number).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['licence.issued', 'licence.suspended', 'licence.reinstated', 'licence.revoked']);
      assert.match(audit[1]!.actor, /^user:\d+$/);
      const list = await (await get(`/staff/licences?number=${caseId}`, { cookie: worker.cookie })).text();
      assert.ok(list.includes(licence.number));
      assert.equal((await get(`/staff/licences?number=${caseId}`, { cookie: otherDepartment.cookie })).status, 404);
    });

    test('the public register: only public services, names only where published, searchable, paged, as CSV and JSON', async () => {
      const empty = await (await get('/licences')).text();
      assert.match(empty, /No licences match/);
      await setLicenceRegister(t.db, t.jurisdiction.id, GRAFFITI, { publicRegister: true, publishHolderName: false }, 'test');
      const html = await (await get('/licences')).text();
      assert.ok(html.includes(licence.number));
      assert.ok(!html.includes('García'), 'no holder name unless the service publishes it');
      const json = (await (await get('/licences.json', { accept: 'application/json' })).json()) as { total: number; licences: Array<Record<string, unknown>> };
      assert.equal(json.total, 1);
      assert.equal(json.licences[0]!.holder, null);
      assert.equal(json.licences[0]!.status, 'revoked');
      assert.ok(!JSON.stringify(json).includes('ana@example.org'));
      await setLicenceRegister(t.db, t.jurisdiction.id, GRAFFITI, { publicRegister: true, publishHolderName: true }, 'test');
      const csv = await (await get('/licences.csv')).text();
      assert.match(csv, /^number,service_code,service,holder,permits,conditions,valid_from,valid_until,status,issued_at\r\n/);
      assert.ok(csv.includes('Ana <b>García</b>'));
      assert.ok((await (await get('/licences?q=saturday')).text()).includes(licence.number));
      assert.ok((await (await get('/licences?q=garc')).text()).includes(licence.number), 'published names are searchable');
      assert.ok(!(await (await get('/licences?q=nothing-like-it')).text()).includes(licence.number));
      assert.equal((await get('/licences?page=abc')).status, 400);
      assert.equal((await get('/licences?page=0')).status, 400);
      assert.equal((await get(`/licences?q=${'x'.repeat(101)}`)).status, 400);
      await assert.rejects(setLicenceRegister(t.db, t.jurisdiction.id, GRAFFITI, { publicRegister: false, publishHolderName: true }, 'test'), /only be published in a public register/);
    });
  });
}
