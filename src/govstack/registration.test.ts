/**
 * The GovStack Registration API on each database: every operation, each answer checked against
 * the published schemas (read from the shared specs, not from our copy), scopes (401 without a
 * valid key, 403 without the scope), bad bodies with messages, and which key sees what.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { loadDraft, publishForm, saveDraft, sendApplication, startDraft } from '../applications/applications.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { treeWorks } from '../applications/fixture.test-support.js';
import { createApiKey, revokeApiKey, type ApiKeyScope } from '../apikeys/apikeys.js';
import type { ServiceInput } from '../catalogue/types.js';
import { createUser } from '../identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../../test/harness.js';
import { fixture } from '../../test/open311/fixture-catalogue.js';
import { serviceUuid } from './registration.js';
import { sharedFile } from '../../test/shared-files.js';

const TREES = 'tree-works';
const treeService: ServiceInput = {
  code: TREES, name: 'Tree works', description: 'Permission to work on protected trees', groupCode: 'streets', keywords: ['tree'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 56, attributes: [],
};
const AREA = JSON.stringify({ type: 'Polygon', coordinates: [[[-0.14, 51.50], [-0.13, 51.50], [-0.13, 51.51], [-0.14, 51.50]]] });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

type Json = Record<string, unknown>;
const published = (name: string) => JSON.parse(readFileSync(sharedFile(`specs/govstack-registration/${name}`), 'utf8')) as Json & { components: { schemas: Json } };
const registrationSpec = published('GovStack_Registration_BB_API.json');
const statisticsSpec = published('GovStack_Registration_BB_API_statistics.json');

// The spec's own schemas, its references resolved; OpenAPI words a JSON Schema validator does not know are ignored (strict: false).
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema({ components: registrationSpec.components }, 'registration');
ajv.addSchema({ components: statisticsSpec.components }, 'statistics');
function conforms(value: unknown, ref: string, array = false, document = 'registration') {
  const schema = array ? { type: 'array', items: { $ref: `${document}#/components/schemas/${ref}` } } : { $ref: `${document}#/components/schemas/${ref}` };
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${ref}${array ? '[]' : ''}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(value).slice(0, 1500)}`);
}

for (const database of databasesUnderTest()) {
  describe(`GovStack Registration API (${database.name})`, () => {
    let t: RunningTownhall;
    const keys: Record<string, string> = {};
    const keyIds: Record<string, number> = {};
    let serviceId = '';
    let eFormId = '';
    let adminId = '';
    let otherDepartmentWorker = '';
    let fileId = '';
    const base = () => `${t.baseUrl}/registration/v1`;

    const call = async (method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base()}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let json: unknown = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: response.status, json: json as Json & Json[], text, headers: response.headers };
    };
    const upload = async (key: string, metadata: unknown, bytes: Buffer, name = 'plan.pdf') => {
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(bytes)]), name);
      const query = metadata === undefined ? '' : `?additionalMetadata=${encodeURIComponent(typeof metadata === 'string' ? metadata : JSON.stringify(metadata))}`;
      const response = await fetch(`${base()}/documents${query}`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
      return { status: response.status, json: (await response.json()) as Json };
    };
    const applicationBody = (photoUrls: string[], changes: Json = {}) => ({
      applicantId: 'applicant-42', applicationName: 'Oak pruning',
      formData: {
        eFormId,
        data: {
          role: { value: 'owner' }, pensioner: { value: 'no' }, tree: { value: [{ species: 'Oak', work: 'prune' }, { species: 'Ash', work: 'fell' }] },
          area: { value: AREA }, start: { value: '2026-05-01' }, photo: { value: photoUrls }, truth: { value: 'yes' },
          applicant: { value: { name: 'Amya Yuko', email: 'amya@example.org' } },
          ...changes,
        },
      },
    });
    const casesCount = async () => Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      t = await startTownhall(database, { ...fixture, services: [...fixture.services, treeService] });
      await publishForm(t.db, t.jurisdiction.id, TREES, treeWorks(), 'test');
      const make = async (name: string, scopes?: ApiKeyScope[]) => {
        const created = await createApiKey(t.db, { name, ...(scopes ? { scopes } : {}) }, 'test');
        keyIds[name] = Number(created.id);
        keys[name] = created.key;
      };
      await make('reader', ['registration:read']);
      await make('writer', ['registration:read', 'registration:write']);
      await make('other writer', ['registration:read', 'registration:write']);
      await make('operator', ['registration:read', 'registration:operate']);
      await make('default');
      const revoked = await createApiKey(t.db, { name: 'revoked', scopes: ['registration:read'] }, 'test');
      await revokeApiKey(t.db, revoked.id, 'test');
      keys.revoked = revoked.key;
      const options = { publicUrl: t.baseUrl, issuer: 'Test' };
      adminId = (await createUser(t.db, t.keyring, { email: 'admin@example.org', role: 'system_admin', departmentCode: null }, options, 'test')).id;
      otherDepartmentWorker = (await createUser(t.db, t.keyring, { email: 'parks@example.org', role: 'case_worker', departmentCode: 'parks' }, options, 'test')).id;
      serviceId = serviceUuid(t.jurisdiction.id, TREES);
    });
    after(async () => t?.close());

    test('keys: none, unknown or revoked is 401; a key without the scope is 403; new keys get only the Open311 scopes', async () => {
      for (const key of [null, 'th_not-a-real-key', keys.revoked!]) {
        const answer = await call('GET', '/services', key);
        assert.equal(answer.status, 401, String(key));
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
        conforms(answer.json, 'systemError');
      }
      const refused = await call('GET', '/services', keys.default!);
      assert.equal(refused.status, 403);
      assert.match(String(refused.json.message), /registration:read/);
      assert.equal((await call('GET', '/services', null, undefined, { 'x-api-key': keys.reader! })).status, 200, 'X-API-Key works too');
      assert.equal((await fetch(`${base()}/services?api_key=${keys.reader}`)).status, 200, 'and api_key, as Open311 takes it');
    });

    test('services and eForms conform to the spec; the eForm is the form as a JSON Schema', async () => {
      const list = await call('GET', '/services', keys.reader!);
      assert.equal(list.status, 200);
      conforms(list.json, 'service', true);
      const tree = list.json.find((s) => (s as Json).id === serviceId) as Json;
      assert.equal(tree.name, 'Apply to work on trees');
      assert.deepEqual(await call('GET', '/services?name=nothing-like-this', keys.reader!).then((r) => r.json), []);
      const one = await call('GET', `/services/${serviceId}`, keys.reader!);
      conforms(one.json, 'service');
      const missing = await call('GET', '/services/00000000-0000-5000-8000-000000000000', keys.reader!);
      assert.equal(missing.status, 404);
      conforms(missing.json, 'systemError');

      const forms = await call('GET', `/services/${serviceId}/eForms`, keys.reader!);
      conforms(forms.json, 'EFormListItem', true);
      eFormId = String((forms.json[0] as Json).eFormId);
      const form = await call('GET', `/eForms/${eFormId}`, keys.reader!);
      conforms(form.json, 'EForm');
      const schema = form.json.schema as { properties: Record<string, Json>; required: string[] };
      assert.ok(schema.required.includes('truth') && schema.required.includes('tree') && schema.required.includes('applicant'));
      assert.ok(!schema.required.includes('company'), 'a field on a conditional page is not always required');
      assert.deepEqual((schema.properties.role as { properties: { value: { enum: string[] } } }).properties.value.enum, ['owner', 'agent']);
      // The eForm's schema is itself a schema a validator compiles, and the body we send below satisfies it.
      assert.ok(ajv.compile(schema)(applicationBody(['http://x/registration/v1/documents/00000000-0000-4000-8000-000000000000']).formData.data));
      assert.equal((await call('GET', '/eForms/999999', keys.reader!)).status, 404);
    });

    test('documents: uploaded with their question, checked by content; refused without the scope', async () => {
      assert.equal((await upload(keys.reader!, { serviceId, field: 'photo' }, PDF)).status, 403);
      const noMetadata = await upload(keys.writer!, undefined, PDF);
      assert.equal(noMetadata.status, 400);
      assert.match(String(noMetadata.json.message), /additionalMetadata/);
      assert.equal((await upload(keys.writer!, { serviceId, field: 'role' }, PDF)).status, 400, 'not a document question');
      const wrongType = await upload(keys.writer!, { serviceId, field: 'photo' }, Buffer.from([0, 1, 2, 3, 4, 5]));
      assert.equal(wrongType.status, 400);
      assert.match(String(wrongType.json.message), /PDF, JPEG or PNG/);
      const tooBig = await upload(keys.writer!, { serviceId, field: 'photo' }, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
      assert.equal(tooBig.status, 413);
      assert.match(String(tooBig.json.message), /too large/);
      const kept = await upload(keys.writer!, { eFormId, field: 'photo' }, PDF);
      assert.equal(kept.status, 200, JSON.stringify(kept.json));
      conforms(kept.json, 'uploadResponse');
      const url = String(kept.json.url);
      const path = new URL(url).pathname.replace('/registration/v1', '');
      const own = await fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${keys.writer}` } });
      assert.equal(own.status, 200);
      assert.deepEqual(Buffer.from(await own.arrayBuffer()), PDF);
      assert.equal((await call('GET', path, keys['other writer']!)).status, 404, 'another key never reads it');
      assert.equal((await call('GET', path, keys.operator!)).status, 404, 'nor does an operator before it is sent');
    });

    test('bad application bodies: 4xx with every problem, and nothing written', async () => {
      const before = await casesCount();
      const post = (body: unknown, key = keys.writer!) => call('POST', `/services/${serviceId}/applications`, key, body);
      const noApplicant = await post({ formData: { data: {} } });
      assert.equal(noApplicant.status, 400);
      assert.match(String(noApplicant.json.message), /applicantId/);
      conforms(noApplicant.json, 'systemError');
      assert.equal((await post('[1,2]')).status, 400);
      assert.equal((await post('{"applicantId": ')).status, 400, 'broken JSON');
      const bare = await post({ applicantId: 'a', formData: { data: { role: 'owner' } } });
      assert.equal(bare.status, 400, 'each answer is an object, as the spec says');
      const wrong = await post(applicationBody([], { role: { value: 'king' }, start: { value: '2026-02-30' }, colour: { value: 'red' } }));
      assert.equal(wrong.status, 400);
      const problems = (wrong.json.problems as string[]).join('\n');
      assert.match(problems, /data\.colour: this form has no such question/);
      assert.match(problems, /data\.role: /);
      assert.match(problems, /data\.start: /);
      const incomplete = await post(applicationBody([]));
      assert.equal(incomplete.status, 400);
      assert.match(String(incomplete.json.message), /not complete.*Photos/);
      const stranger = await upload(keys['other writer']!, { serviceId, field: 'photo' }, PDF);
      const foreign = await post(applicationBody([String(stranger.json.url)]));
      assert.equal(foreign.status, 400);
      assert.match(String(foreign.json.message), /not a document this key uploaded/);
      assert.equal((await post(applicationBody([]), keys.operator!)).status, 403, 'an operator key does not apply');
      assert.equal((await post({ ...applicationBody([]), formData: { ...applicationBody([]).formData, eFormId: '999' } })).status, 409);
      assert.equal(await casesCount(), before, 'no case was made');
    });

    test('an application is sent through the journey\'s functions, and read back by the keys that may', async () => {
      const photo = await upload(keys.writer!, { serviceId, field: 'photo' }, PDF);
      const sent = await call('POST', `/services/${serviceId}/applications`, keys.writer!, applicationBody([String(photo.json.url)]), { 'information-mediator-client': 'eGovStack/GOV/90000009/townhall' });
      assert.equal(sent.status, 200, sent.text);
      conforms(sent.json, 'applicationFileResponse');
      fileId = String(sent.json.fileId);
      assert.deepEqual(sent.json.status, { code: 'PENDING', title: 'Received' });
      const data = (sent.json.applicationData as { formData: { data: Json }; applicantId: string; documentUrls: string[] });
      assert.equal(data.applicantId, 'applicant-42');
      assert.deepEqual(data.formData.data.role, { value: 'owner' });
      assert.equal(data.formData.data.applicant, undefined, 'the applicant\'s details are not given back');
      assert.deepEqual(data.documentUrls, [photo.json.url]);

      const row = await t.db.selectFrom('cases').innerJoin('applications', 'applications.case_id', 'cases.id').selectAll().where('cases.id', '=', Number(fileId)).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'application');
      assert.equal(row.channel, 'api');
      assert.equal(row.fee_pence, 7000, 'the fee as the journey calculates it: 6000 + one more tree');
      const audit = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', fileId).execute();
      assert.ok(audit.some((a) => a.action === 'govstack.application_sent'));
      assert.ok(audit.some((a) => a.action === 'application.fee_calculated'));

      const path = new URL(String(photo.json.url)).pathname.replace('/registration/v1', '');
      assert.equal((await fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${keys.operator}` } })).status, 200, 'an operator reads a sent application\'s document');
      assert.equal((await call('GET', path, keys['other writer']!)).status, 404);

      const mine = await call('GET', '/applications', keys.writer!);
      conforms(mine.json, 'applicantApplicationFileListResponse', true);
      assert.deepEqual(mine.json.map((a) => (a as Json).fileId), [fileId]);
      assert.deepEqual((await call('GET', '/applications', keys['other writer']!)).json, [], 'another key sees none of it');
      assert.equal((await call('GET', `/applications/${fileId}`, keys['other writer']!)).status, 404);
      assert.equal((await call('GET', `/applications/${fileId}`, keys.operator!)).status, 200);
      assert.equal((await call('GET', `/applications?applicantId=someone-else`, keys.operator!)).json.length, 0);
      assert.equal((await call('GET', `/applications?applicantId=applicant-42&serviceId=${serviceId}`, keys.operator!)).json.length, 1);
      assert.equal((await call('GET', '/applications?maxResult=0', keys.operator!)).status, 400);
      assert.equal((await call('GET', '/applications?sortBy=colour', keys.operator!)).status, 400);
      assert.equal((await call('PUT', `/applications/${fileId}`, keys.operator!, applicationBody([]))).status, 501);
      assert.equal((await call('PUT', `/applications/${fileId}`, keys.writer!, applicationBody([]))).status, 403);
    });

    test('tasks: the application\'s step, completed through the workflow engine as a named staff member', async () => {
      const taskId = `${fileId}.received`;
      const listed = await call('GET', `/tasks?fileId=${fileId}`, keys.operator!);
      conforms(listed.json, 'userTaskResponse', true);
      assert.deepEqual(listed.json.map((x) => (x as Json).taskId), [taskId]);
      assert.deepEqual((await call('GET', '/tasks', keys['other writer']!)).json, []);
      const one = await call('GET', `/tasks/${taskId}`, keys.writer!);
      conforms(one.json, 'dataUserTaskResponse');
      assert.ok(((one.json.formVariables as { transition: { enum: string[] } }).transition.enum).includes('check'));

      const complete = (id: string, data: Json, key = keys.operator!) => call('POST', `/tasks/${id}/complete`, key, { data });
      assert.equal((await complete(taskId, { transition: { value: 'check' }, operatorId: { value: adminId } }, keys.writer!)).status, 403);
      const missing = await complete(taskId, {});
      assert.equal(missing.status, 400);
      assert.equal((missing.json.problems as string[]).length, 2);
      assert.equal((await complete(taskId, { transition: { value: 'check' }, operatorId: { value: '999999' } })).status, 400);
      assert.equal((await complete(taskId, { transition: { value: 'check' }, operatorId: { value: otherDepartmentWorker } })).status, 403, 'the engine checks the person');
      const checked = await complete(taskId, { transition: { value: 'check' }, operatorId: { value: adminId } });
      assert.equal(checked.status, 200, checked.text);
      conforms(checked.json, 'completedTaskResponse');
      assert.equal((await complete(taskId, { transition: { value: 'check' }, operatorId: { value: adminId } })).status, 409, 'a task is done once');
      const noNote = await complete(`${fileId}.checking`, { transition: { value: 'request_information' }, operatorId: { value: adminId } });
      assert.equal(noNote.status, 400);
      assert.match(String(noNote.json.message), /note for the public/);
      const sentBack = await complete(`${fileId}.checking`, { transition: { value: 'request_information' }, operatorId: { value: adminId }, note: { value: 'Send a clearer photo.' } });
      assert.deepEqual(sentBack.json.status, { code: 'SENDBACK', title: 'More information needed' });
      await complete(`${fileId}.more_information`, { transition: { value: 'information_received' }, operatorId: { value: adminId } });
      const badDates = await complete(`${fileId}.under_review`, { transition: { value: 'approve' }, operatorId: { value: adminId }, validFrom: { value: '2026-13-01' } });
      assert.equal(badDates.status, 400);
      const approved = await complete(`${fileId}.under_review`, { transition: { value: 'approve' }, operatorId: { value: adminId }, note: { value: 'Work only on weekdays.' }, validFrom: { value: '2026-05-01' }, validUntil: { value: '2027-04-30' } });
      assert.equal(approved.status, 200, approved.text);
      assert.deepEqual(approved.json.status, { code: 'APPROVED', title: 'Approved' });
      const licence = await t.db.selectFrom('licences').select('case_id').where('case_id', '=', Number(fileId)).executeTakeFirst();
      assert.ok(licence, 'the approval issued the licence');
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', fileId).where('action', '=', 'govstack.task_completed').execute();
      assert.equal(audit.length, 4);
      const read = await call('GET', `/applications/${fileId}`, keys.writer!);
      assert.equal(read.json.ended, true);
      assert.equal((await call('GET', `/tasks/${fileId}.issued`, keys.operator!)).status, 404, 'an ended application has no task');
    });

    test('statistics conform to the spec, count the decisions, and refuse bad dates', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const all = await call('GET', '/data/statistics', keys.reader!);
      assert.equal(all.status, 200);
      conforms(all.json, 'inline_response_200', true, 'statistics');
      assert.deepEqual({ ...all.json[0], references: undefined }, { processed: 2, approved: 1, sentBack: 1, rejected: 0, references: undefined });
      const byDay = await call('GET', `/data/statistics?startDate=${today}&endDate=${today}&timeframe=day&registrationName=Tree%20works`, keys.reader!);
      conforms(byDay.json, 'inline_response_200', true, 'statistics');
      assert.equal(byDay.json.length, 1);
      assert.equal((byDay.json[0] as Json).approved, 1);
      assert.equal(((byDay.json[0] as { references: Json }).references).timeframeDay, true);
      assert.equal((await call('GET', `/data/statistics?registrationName=Street%20parties`, keys.reader!)).json[0]!.processed, 0);
      assert.equal((await call('GET', `/data/statistics?role=case_worker`, keys.reader!)).json[0]!.processed, 0, 'the steps were a system admin\'s');
      assert.equal((await call('GET', `/data/statistics?role=system_admin`, keys.reader!)).json[0]!.processed, 2);
      const weeks = await call('GET', '/data/statistics?startDate=2026-01-01&endDate=2026-01-31&timeframe=week', keys.reader!);
      assert.equal(weeks.json.length, 5);
      assert.equal((await call('GET', '/data/statistics?startDate=2026-02-30', keys.reader!)).status, 400);
      assert.equal((await call('GET', '/data/statistics?timeframe=fortnight', keys.reader!)).status, 400);
      assert.equal((await call('GET', '/data/statistics?startDate=2020-01-01&endDate=2026-01-01', keys.reader!)).status, 400);
    });

    test('another jurisdiction\'s applications are never seen, not even by the key that sent them or an operator', async () => {
      const other = { ...t.jurisdiction, id: 'elsewhere.example' };
      await saveServiceGroup(t.db, other.id, { code: 'streets', name: 'Streets' }, 0, 'test');
      await createService(t.db, other.id, treeService, 'test');
      const form = await publishForm(t.db, other.id, TREES, {
        ...treeWorks(), eligibility: [], fees: [],
        pages: [{ id: 'about', title: 'About', fields: [{ id: 'note', type: 'text', label: 'What work?' }, { id: 'truth', type: 'declaration', label: 'I confirm' }] }],
      }, 'test');
      const draft = (await loadDraft(t.db, t.keyring, other.id, await startDraft(t.db, t.keyring, other.id, form, null, 'en')))!;
      const filled = { ...draft, answers: { note: 'Secret work', truth: 'yes' }, contact: { name: 'Someone Else', email: 'else@example.org' } };
      await saveDraft(t.db, t.keyring, filled);
      const { request } = await sendApplication(t.db, { jurisdiction: other, keyring: t.keyring, sender: { publicUrl: t.baseUrl, council: 'Elsewhere' } }, filled, 'api', { id: `api_key:${keyIds.writer}`, apiKeyId: keyIds.writer } as { id: string });
      for (const key of [keys.writer!, keys.operator!]) {
        assert.equal((await call('GET', `/applications/${request.id}`, key)).status, 404);
        assert.ok(!(await call('GET', '/applications?maxResult=100', key)).json.some((a) => (a as Json).fileId === request.id));
        assert.ok(!(await call('GET', '/tasks?maxResult=100', key)).json.some((a) => (a as Json).fileId === request.id));
        assert.equal((await call('GET', `/tasks/${request.id}.received`, key)).status, 404);
        assert.doesNotMatch((await call('GET', '/services', key)).text, /elsewhere/i);
      }
      assert.equal((await call('GET', `/services/${serviceUuid(other.id, TREES)}`, keys.operator!)).status, 404);
      assert.equal((await call('GET', `/eForms/${form.id}`, keys.operator!)).status, 404);
    });

    test('the served document is the published one, with this server, the key and the 501', async () => {
      const served = await call('GET', '/openapi.json', null);
      assert.equal(served.status, 200);
      assert.equal((served.json.servers as Json[])[0]!.url, `${t.baseUrl}/registration/v1`);
      assert.ok((served.json.paths as Json)['/data/statistics']);
      assert.ok(((served.json.paths as Record<string, Record<string, { responses: Json }>>)['/applications/{fileId}']!.put!.responses)['501']);
      assert.deepEqual(served.json.components && (served.json.components as Json).schemas && ((served.json.components as { schemas: Json }).schemas.service), registrationSpec.components.schemas.service);
      const unknown = await call('GET', '/nothing-here', keys.reader!);
      assert.equal(unknown.status, 404);
      conforms(unknown.json, 'systemError');
    });
  });
}

test('our copy of the GovStack documents is the published one, unchanged', () => {
  for (const name of ['GovStack_Registration_BB_API.json', 'GovStack_Registration_BB_API_statistics.json']) {
    assert.equal(readFileSync(new URL(`./spec/${name}`, import.meta.url), 'utf8'), readFileSync(sharedFile(`specs/govstack-registration/${name}`), 'utf8'));
  }
});
