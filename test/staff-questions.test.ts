/**
 * Staff-only questions, on each database: the flag set in the service editor and carried by the
 * catalogue file (its diff names it); hidden from the portal, the public service page, Open311's
 * service definition, GET requests and the public track page, and refused when an Open311 report
 * sends it; answered and changed by staff on the case page, each change an audited case action in
 * words on the timeline, with CSRF, a form key, validation that loses nothing, and refusals for
 * another department and for roles that only read; read back by /api/v1 with a staff key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { getService } from '../src/catalogue/catalogue.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { questionsOf } from '../src/reporting/details.js';
import { checkCatalogueText, serializeCatalogue } from '../src/settings/catalogue-format.js';
import { diffCatalogues, diffText } from '../src/settings/catalogue-diff.js';
import { readCatalogue } from '../src/settings/catalogue-export.js';
import { applyCatalogue } from '../src/settings/catalogue-import.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`staff-only questions on ${database.name}`, () => {
    let t: RunningTownhall;
    const people: Record<string, WebClient> = {};
    let caseId = 0;

    async function as(name: string, role: Role, department: string | null) {
      const user = await createUser(t.db, t.keyring, { email: `${name}@council.example`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      people[name] = browser;
    }

    /** The staff questions' form of the case page, with its key; sent with `fields`. */
    async function answer(name: string, fields: Record<string, string | null>) {
      const browser = people[name]!;
      const page = await browser.get(`/staff/requests/${caseId}`);
      assert.equal(page.status, 200, page.html.slice(0, 300));
      const key = /name="idempotency_key" value="([A-Za-z0-9_-]{22}-staff-answers)"/.exec(page.html)?.[1];
      assert.ok(key, 'the case page has the staff questions form');
      const questions = /name="questions" value="([^"]*)"/.exec(page.html)?.[1] ?? '';
      return { response: await browser.post(`/staff/requests/${caseId}/staff-answers`, { idempotency_key: key, questions, ...fields }), key, questions };
    }

    const staffAnswers = async () => JSON.parse((await t.db.selectFrom('cases').select('staff_answers').where('id', '=', caseId).executeTakeFirstOrThrow()).staff_answers) as Record<string, unknown>;
    const answerActions = () => t.db.selectFrom('case_actions').selectAll().where('case_id', '=', caseId).where('action', '=', 'staff_answer').orderBy('id').execute();

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', '=', GRAFFITI).execute();
      await as('admin', 'system_admin', null);
      await as('worker', 'case_worker', 'roads');
      await as('parks', 'case_worker', 'parks');
      await as('analyst', 'analyst', null);
    });
    after(() => t.close());

    test('the service editor marks a question staff only, and refuses a staff-only question that is required or information only', async () => {
      const admin = people.admin!;
      await admin.get(`/admin/settings/services/${GRAFFITI}`);
      const add = (fields: Record<string, string>) => admin.post(`/admin/settings/services/${GRAFFITI}/attributes`, { datatype: 'string', helpText: '', allowedValues: '', ...fields });
      const grade = await add({ attributeCode: 'grade', attributeDescription: 'Inspection grade', datatype: 'singlevaluelist', allowedValues: '1: Minor\n2: Moderate\n3: Severe', staffOnly: 'yes' });
      assert.equal(grade.status, 303, grade.html.slice(0, 500));
      assert.equal((await add({ attributeCode: 'crew', attributeDescription: 'Crew size', datatype: 'number', staffOnly: 'yes' })).status, 303);
      assert.equal((await add({ attributeCode: 'inspected', attributeDescription: 'Inspected at', datatype: 'datetime', staffOnly: 'yes' })).status, 303);
      const required = await add({ attributeCode: 'permit', attributeDescription: 'Permit number', staffOnly: 'yes', required: 'yes' });
      assert.equal(required.status, 400);
      assert.match(required.html, /staff-only question cannot be required/);
      const note = await add({ attributeCode: 'staffnote', attributeDescription: 'Read this', staffOnly: 'yes', informational: 'yes' });
      assert.equal(note.status, 400);
      assert.match(note.html, /cannot be for staff only/);
      const service = await getService(t.db, t.jurisdiction.id, GRAFFITI);
      assert.deepEqual(service.attributes.filter((a) => a.staffOnly).map((a) => a.code), ['grade', 'crew', 'inspected']);
      assert.ok(!service.attributes.some((a) => a.code === 'permit' || a.code === 'staffnote'), 'nothing refused was saved');
      const page = await admin.get(`/admin/settings/services/${GRAFFITI}`);
      assert.match(page.html, /<td>Staff only<\/td>/);
      // Changing the question keeps the flag only when ticked: untick it and tick it again.
      const edited = await add({ attributeCode: 'grade', attributeDescription: 'Inspection grade', datatype: 'singlevaluelist', allowedValues: '1: Minor\n2: Moderate\n3: Severe' });
      assert.equal(edited.status, 303);
      assert.equal((await getService(t.db, t.jurisdiction.id, GRAFFITI)).attributes.find((a) => a.code === 'grade')!.staffOnly, false);
      assert.equal((await add({ attributeCode: 'grade', attributeDescription: 'Inspection grade', datatype: 'singlevaluelist', allowedValues: '1: Minor\n2: Moderate\n3: Severe', staffOnly: 'yes' })).status, 303);
      assert.equal((await getService(t.db, t.jurisdiction.id, GRAFFITI)).attributes.find((a) => a.code === 'grade')!.staffOnly, true);
    });

    test('residents and Open311 clients never see a staff-only question, and a report cannot answer one', async () => {
      const service = await getService(t.db, t.jurisdiction.id, GRAFFITI);
      assert.ok(!questionsOf(service).some((a) => a.staffOnly), 'the portal\'s report form asks no staff-only question');
      const definition = await (await fetch(`${t.baseUrl}/open311/v2/services/${GRAFFITI}.json`)).text();
      assert.doesNotMatch(definition, /grade|Inspection grade|crew|inspected/);
      const publicPage = await (await fetch(`${t.baseUrl}/services/${GRAFFITI}`)).text();
      assert.doesNotMatch(publicPage, /Inspection grade|Crew size/);
      const refused = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, description: 'Tag', ...inside, 'attribute[grade]': '3' }),
      });
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as Array<{ description: string }>)[0]!.description, /"grade" is answered by council staff on the case; a report cannot set it\./);
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, description: 'Tag on the bridge', ...inside, address_string: '2 Mill Lane', email: 'rita@example.org' }),
      });
      assert.equal(created.status, 201);
      caseId = Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
    });

    test('staff who work the case set and change the answers: one audited action per change, in words on the timeline', async () => {
      const auditBefore = await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'case.staff_answer').execute();
      assert.equal(auditBefore.length, 0);
      const first = await answer('worker', { 'sq-grade': '3', 'sq-crew': '2', 'sq-inspected-date': '2026-03-01', 'sq-inspected-time': '09:30' });
      assert.equal(first.response.status, 303, first.response.html.slice(0, 500));
      assert.equal(first.questions, 'grade,crew,inspected');
      const saved = await staffAnswers();
      assert.equal(saved.grade, '3');
      assert.equal(saved.crew, '2');
      assert.equal(Date.parse(String(saved.inspected)), Date.parse(String(saved.inspected)));
      assert.ok(!Number.isNaN(Date.parse(String(saved.inspected))));
      // The same form again (a double click) changes nothing more.
      const again = await people.worker!.post(`/staff/requests/${caseId}/staff-answers`, { idempotency_key: first.key, questions: first.questions, 'sq-grade': '1' });
      assert.equal(again.status, 303);
      assert.equal((await staffAnswers()).grade, '3');
      assert.equal((await answerActions()).length, 3);

      const second = await answer('worker', { 'sq-grade': '2', 'sq-crew': '2', 'sq-inspected-date': '', 'sq-inspected-time': '' });
      assert.equal(second.response.status, 303);
      const now = await staffAnswers();
      assert.equal(now.grade, '2');
      assert.ok(!('inspected' in now), 'an emptied answer is cleared');
      const actions = await answerActions();
      assert.equal(actions.length, 5, 'grade changed and inspected cleared; crew unchanged is no action');
      assert.ok(actions.every((a) => a.public === 0), 'never public');

      const page = await people.worker!.get(`/staff/requests/${caseId}`);
      assert.match(page.html, /Inspection grade set to Severe/);
      assert.match(page.html, /Crew size set to 2/);
      assert.match(page.html, /Inspection grade changed from Severe to Moderate/);
      assert.match(page.html, /Inspected at cleared \(was /);
      assert.match(page.html, /<option value="2" selected>Moderate<\/option>/);
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'entity_id']).where('action', '=', 'case.staff_answer').execute();
      assert.equal(audit.length, 5);
      assert.ok(audit.every((a) => a.entity_id === String(caseId) && /^user:\d+$/.test(a.actor)));
    });

    test('a wrong answer is refused with a clear 400 next to its field, keeping what was typed and saving nothing', async () => {
      const before = await answerActions();
      const bad = await answer('worker', { 'sq-grade': '2', 'sq-crew': 'two and a half', 'sq-inspected-date': '2026-03-01', 'sq-inspected-time': '' });
      assert.equal(bad.response.status, 400);
      assert.match(bad.response.html, /Crew size.*must be a number/);
      assert.match(bad.response.html, /Give &quot;Inspected at&quot; as a date|Give "Inspected at" as a date/);
      assert.match(bad.response.html, /value="two and a half"/, 'what was typed is shown again');
      assert.match(bad.response.html, /href="#sq-crew"/, 'the error summary links to the field');
      const unknownChoice = await answer('worker', { 'sq-grade': '9' });
      assert.equal(unknownChoice.response.status, 400);
      assert.match(unknownChoice.response.html, /does not allow &quot;9&quot;|does not allow "9"/);
      assert.equal((await answerActions()).length, before.length);
      const noKey = await people.worker!.post(`/staff/requests/${caseId}/staff-answers`, { questions: 'grade', 'sq-grade': '1' });
      assert.equal(noKey.status, 400);
      const noCsrf = await people.worker!.post(`/staff/requests/${caseId}/staff-answers`, { _csrf: null, idempotency_key: 'k'.repeat(22), questions: 'grade', 'sq-grade': '1' });
      assert.equal(noCsrf.status, 403);
      assert.equal((await staffAnswers()).grade, '2');
    });

    test('another department and roles that only read cannot change the answers; the refusal is recorded', async () => {
      const stranger = await people.parks!.get(`/staff/requests/${caseId}`);
      assert.equal(stranger.status, 403);
      const post = await people.parks!.post(`/staff/requests/${caseId}/staff-answers`, { idempotency_key: 'p'.repeat(22), questions: 'grade', 'sq-grade': '1' });
      assert.equal(post.status, 403);
      const reader = await people.analyst!.get(`/staff/requests/${caseId}`);
      assert.equal(reader.status, 200);
      assert.match(reader.html, /Staff questions/);
      assert.doesNotMatch(reader.html, /staff-answers"/, 'no form for a role that only reads');
      const analystPost = await people.analyst!.post(`/staff/requests/${caseId}/staff-answers`, { idempotency_key: 'a'.repeat(22), questions: 'grade', 'sq-grade': '1' });
      assert.equal(analystPost.status, 403);
      assert.equal((await staffAnswers()).grade, '2');
      const denied = await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').where('entity_id', '=', String(caseId)).execute();
      assert.ok(denied.length >= 1);
    });

    test('the answers stay off every public page and Open311, and /api/v1 gives them to staff systems', async () => {
      const track = await (await fetch(`${t.baseUrl}/requests/${caseId}`)).text();
      assert.match(track, /Tag on the bridge/);
      assert.doesNotMatch(track, /Inspection grade|Moderate|Crew size/);
      const open311 = await (await fetch(`${t.baseUrl}/open311/v2/requests/${caseId}.json`)).text();
      assert.doesNotMatch(open311, /grade|Moderate|crew/i);
      const keyed = await (await fetch(`${t.baseUrl}/open311/v2/requests/${caseId}.json?api_key=${t.apiKey}`)).text();
      assert.doesNotMatch(keyed, /grade|Moderate|crew/i);
      const reader = (await createApiKey(t.db, { name: 'staff system', scopes: ['cases:read'] }, 'test')).key;
      const api = await fetch(`${t.baseUrl}/api/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${reader}` } });
      assert.equal(api.status, 200);
      assert.deepEqual(((await api.json()) as { staffAnswers: unknown }).staffAnswers, { grade: '2', crew: '2' });
      const history = await (await fetch(`${t.baseUrl}/api/v1/cases/${caseId}/actions`, { headers: { authorization: `Bearer ${reader}` } })).json() as Array<{ action: string; public: boolean }>;
      assert.ok(history.filter((a) => a.action === 'staff_answer').every((a) => !a.public));
    });

    test('the catalogue file carries the flag; import shows it in the diff and applies it', async () => {
      const current = await readCatalogue(t.db, t.jurisdiction.id);
      const text = serializeCatalogue(current, 'yaml');
      assert.match(text, /code: grade[\s\S]*?staffOnly: true/);
      const wanted = structuredClone(current);
      const crew = wanted.services.find((s) => s.code === GRAFFITI)!.questions.find((q) => q.code === 'crew')!;
      crew.staffOnly = false;
      const checked = checkCatalogueText(serializeCatalogue(wanted, 'json'));
      assert.deepEqual(checked.problems, []);
      const diff = diffText(diffCatalogues(current, checked.catalogue!)).join('\n');
      assert.match(diff, /questions\[crew\]\.staffOnly: true -> false/);
      await applyCatalogue(t.db, t.jurisdiction.id, checked.catalogue!, 'test');
      assert.equal((await getService(t.db, t.jurisdiction.id, GRAFFITI)).attributes.find((a) => a.code === 'crew')!.staffOnly, false);
      const required = structuredClone(current);
      required.services.find((s) => s.code === GRAFFITI)!.questions.find((q) => q.code === 'grade')!.required = true;
      const refused = checkCatalogueText(serializeCatalogue(required, 'yaml'));
      assert.ok(refused.problems.some((p) => /staff-only question cannot be required/.test(p.message)), JSON.stringify(refused.problems));
    });
  });
}
