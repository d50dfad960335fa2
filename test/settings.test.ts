/**
 * No-code administration through the pages (a browser without JavaScript), on both databases:
 * services and their questions with preview, workflow drafts published as new versions,
 * departments and their areas, routing rules, business calendars, response templates. Each
 * change is audited; a department administrator reaches only their own department's area,
 * calendar and templates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyAuditChain } from '../src/audit/audit.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const square = (lat: number, long: number, size = 0.01) => ({
  type: 'Polygon', coordinates: [[[long, lat], [long + size, lat], [long + size, lat + size], [long, lat + size], [long, lat]]],
});

for (const database of databasesUnderTest()) {
  describe(`settings on ${database.name}`, () => {
    let t: RunningTownhall;
    let admin: WebClient;
    before(async () => {
      t = await startTownhall(database, {
        groups: [{ code: 'streets', name: 'Streets' }],
        services: [{ code: 'pothole', name: 'Pothole', description: 'A hole in the road.', groupCode: 'streets', keywords: [], type: 'realtime', agencyResponsible: null, serviceNotice: null, expectedDays: 5, attributes: [] }],
      });
      admin = (await as('system_admin', null, 'settings.admin@council.example')).browser;
    });
    after(() => t.close());

    async function as(role: Role, department: string | null, email: string) {
      const user = await createUser(t.db, t.keyring, { email, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      await browser.get('/admin/settings');
      return { browser, id: user.id };
    }
    const audited = async (action: string) => (await t.db.selectFrom('audit_log').select(['actor', 'before', 'after']).where('action', '=', action).execute());

    test('a service is created with a question, previewed first, and the API shows the question', async () => {
      const index = await admin.get('/admin/settings');
      assert.equal(index.status, 200);
      assert.match(index.html, /href="\/admin"/, 'links to staff and roles');
      const form = await admin.get('/admin/settings/new-service');
      assert.equal(form.status, 200);
      const fields = { code: 'fly-posting', name: 'Fly-posting', description: 'Posters stuck where they should not be.', groupCode: 'streets', keywords: 'posters, bills', department: '', workflowCode: '', expectedDays: '3', serviceNotice: 'We remove posters within a week.', active: 'yes' };
      const preview = await admin.post('/admin/settings/services', { ...fields, _action: 'preview' });
      assert.equal(preview.status, 200, preview.html);
      assert.match(preview.html, /Preview: the service&#39;s page as residents will see it|Preview: the service's page as residents will see it/);
      assert.match(preview.html, /Posters stuck where they should not be\./);
      assert.equal((await t.db.selectFrom('services').select('code').where('code', '=', 'fly-posting').execute()).length, 0, 'a preview saves nothing');

      const bad = await admin.post('/admin/settings/services', { ...fields, code: 'bad code!', _action: 'save' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /The code may only contain/);

      const saved = await admin.post('/admin/settings/services', { ...fields, _action: 'save' });
      assert.equal(saved.status, 303, saved.html);
      assert.equal(saved.location, '/admin/settings/services/fly-posting?saved=1');

      const noValues = await admin.post('/admin/settings/services/fly-posting/attributes', { attributeCode: 'surface', attributeDescription: 'What is it stuck to?', datatype: 'singlevaluelist', allowedValues: '' });
      assert.equal(noValues.status, 400);
      assert.match(noValues.html, /A list question needs at least one allowed value/);
      const added = await admin.post('/admin/settings/services/fly-posting/attributes', {
        attributeCode: 'surface', attributeDescription: 'What is it stuck to?', datatype: 'singlevaluelist', allowedValues: 'wall: A wall\nlamp: A lamp post', required: 'yes',
      });
      assert.equal(added.status, 303, added.html);
      await admin.post('/admin/settings/services/fly-posting/attributes', { attributeCode: 'size', attributeDescription: 'How many posters?', datatype: 'number' });
      assert.equal((await admin.post('/admin/settings/services/fly-posting/attributes/move', { attribute: 'size', direction: 'up' })).status, 303);

      const api = await fetch(`${t.baseUrl}/open311/v2/services/fly-posting.json`);
      const definition = (await api.json()) as { attributes: Array<{ code: string; required: boolean; values: Array<{ key: string; name: string }> }> };
      assert.deepEqual(definition.attributes.map((a) => a.code), ['size', 'surface']);
      const surface = definition.attributes.find((a) => a.code === 'surface')!;
      assert.equal(surface.required, true);
      assert.deepEqual(surface.values, [{ key: 'wall', name: 'A wall' }, { key: 'lamp', name: 'A lamp post' }]);

      const page = await admin.get('/admin/settings/services/fly-posting?attribute=surface');
      assert.match(page.html, /Change question surface/);
      const edited = await admin.post('/admin/settings/services/fly-posting', { ...fields, name: 'Fly-posting and stickers', expectedDays: 'soon', _action: 'save' });
      assert.equal(edited.status, 400, 'expected days must be a number');
      assert.equal((await admin.post('/admin/settings/services/fly-posting', { ...fields, name: 'Fly-posting and stickers', _action: 'save' })).status, 303);
      assert.equal((await admin.post('/admin/settings/services/fly-posting/attributes/remove', { attribute: 'size' })).status, 303);
      const after = (await (await fetch(`${t.baseUrl}/open311/v2/services.json`)).json()) as Array<{ service_code: string; service_name: string }>;
      assert.equal(after.find((s) => s.service_code === 'fly-posting')?.service_name, 'Fly-posting and stickers');

      assert.equal((await audited('service.created')).filter((e) => e.actor.startsWith('user:')).length, 1);
      assert.equal((await audited('service.attribute_added')).length, 2);
      const update = (await audited('service.updated'))[0]!;
      assert.match(update.before!, /"name":"Fly-posting"/);
      assert.match(update.after!, /"name":"Fly-posting and stickers"/);
      assert.equal((await audited('service.attribute_removed')).length, 1);
    });

    test('a workflow draft gets a new state and transition, is previewed and published; problems block publishing', async () => {
      const list = await admin.get('/admin/settings/workflows');
      assert.equal(list.status, 200);
      assert.match(list.html, /Standard/);
      assert.equal((await admin.post('/admin/settings/workflows/standard/draft')).status, 303);
      const draftPage = await admin.get('/admin/settings/workflows/standard');
      assert.match(draftPage.html, /Draft version 2/);

      const badState = await admin.post('/admin/settings/workflows/standard/states', { stateCode: 'Awaiting Parts', stateLabel: '', publicStatus: 'open', publicLabel: 'Waiting' });
      assert.equal(badState.status, 400);
      const state = await admin.post('/admin/settings/workflows/standard/states', {
        stateCode: 'awaiting_parts', stateLabel: 'Awaiting parts', publicStatus: 'open', publicLabel: 'Waiting for parts', onEntry: 'notify_reporter',
      });
      assert.equal(state.status, 303, state.html);
      const transition = await admin.post('/admin/settings/workflows/standard/transitions', {
        transitionCode: 'wait_for_parts', transitionLabel: 'Wait for parts', from: 'investigating', to: 'awaiting_parts', roles: 'case_worker', requires: 'public_note',
      });
      assert.equal(transition.status, 303, transition.html);
      const sla = await admin.post('/admin/settings/workflows/standard/sla', { clock: 'resolution', priority: '', slaState: 'awaiting_parts', minutes: '4800', warnAt: '75' });
      assert.equal(sla.status, 303, sla.html);
      // Targets are entered in working days or hours, not minutes.
      const notANumber = await admin.post('/admin/settings/workflows/standard/sla', { clock: 'resolution', priority: 'urgent', slaState: '', amount: 'soon', unit: 'days', warnAt: '80' });
      assert.equal(notANumber.status, 400);
      assert.match(notANumber.html, /working hours or working days/);
      assert.match(notANumber.html, /href="#amount"/);
      const inDays = await admin.post('/admin/settings/workflows/standard/sla', { clock: 'resolution', priority: 'urgent', slaState: '', amount: '2', unit: 'days', warnAt: '80' });
      assert.equal(inDays.status, 303, inDays.html);
      const inHours = await admin.post('/admin/settings/workflows/standard/sla', { clock: 'resolution', priority: 'high', slaState: '', amount: '4', unit: 'hours', warnAt: '80' });
      assert.equal(inHours.status, 303, inHours.html);
      const targets = (await admin.get('/admin/settings/workflows/standard')).html;
      assert.match(targets, /<td>2 working days \(16 hours\)<\/td>/);
      assert.match(targets, /<td>4 working hours<\/td>/);
      assert.match(targets, /<td>10 working days \(80 hours\)<\/td>/, 'a target set in minutes is shown in days');
      assert.doesNotMatch(targets, /in working minutes/);

      // A closed starting state is a problem: the preview lists it and publishing is refused.
      assert.equal((await admin.post('/admin/settings/workflows/standard/initial', { initial: 'closed' })).status, 303);
      const problems = await admin.get('/admin/settings/workflows/standard/preview');
      assert.match(problems.html, /Fix these before publishing/);
      assert.doesNotMatch(problems.html, /Publish version 2/);
      const refused = await admin.post('/admin/settings/workflows/standard/publish');
      assert.equal(refused.status, 400);
      assert.equal((await admin.post('/admin/settings/workflows/standard/initial', { initial: 'submitted' })).status, 303);

      const preview = await admin.get('/admin/settings/workflows/standard/preview');
      assert.equal(preview.status, 200);
      assert.match(preview.html, /No problems found/);
      assert.match(preview.html, /“Wait for parts” → Awaiting parts/);
      assert.match(preview.html, /Cases in “Awaiting parts” can only be closed \(“Close”\): no step moves them on to another open state\./, 'a state with no way out but closing is pointed out');
      assert.doesNotMatch(preview.html, /Cases in “Investigating” can only be closed/);
      // A case opened before publishing keeps the version it started on.
      const before = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: 'pothole', lat: '51.5', long: '-0.1', description: 'Before' }) });
      const beforeId = Number(((await before.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      const versionBefore = (await t.db.selectFrom('cases').select('workflow_version_id').where('id', '=', beforeId).executeTakeFirstOrThrow()).workflow_version_id;
      assert.ok(versionBefore);
      const published = await admin.post('/admin/settings/workflows/standard/publish');
      assert.equal(published.status, 303, published.html);
      const versions = await t.db.selectFrom('workflow_versions').innerJoin('workflows', 'workflows.id', 'workflow_versions.workflow_id')
        .select(['workflow_versions.version', 'workflow_versions.status', 'workflow_versions.definition']).where('workflows.code', '=', 'standard').orderBy('version').execute();
      assert.deepEqual(versions.map((v) => [v.version, v.status]), [[1, 'retired'], [2, 'published']]);
      assert.match(versions[1]!.definition, /awaiting_parts/);
      assert.equal((await audited('workflow.published')).length, 1);
      assert.equal((await t.db.selectFrom('cases').select('workflow_version_id').where('id', '=', beforeId).executeTakeFirstOrThrow()).workflow_version_id, versionBefore, 'the open case keeps version 1');
      const after = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: 'pothole', lat: '51.5', long: '-0.1', description: 'After' }) });
      const afterId = Number(((await after.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
      assert.notEqual((await t.db.selectFrom('cases').select('workflow_version_id').where('id', '=', afterId).executeTakeFirstOrThrow()).workflow_version_id, versionBefore, 'a new case starts on version 2');
      assert.ok((await audited('workflow.draft_state_saved')).length >= 1);

      // A new workflow, assigned to a service.
      assert.equal((await admin.post('/admin/settings/workflows', { code: 'graffiti', name: 'Graffiti removal' })).status, 303);
      assert.equal((await admin.post('/admin/settings/workflows/graffiti/publish')).status, 303);
      const assigned = await admin.post('/admin/settings/services/pothole', { name: 'Pothole', description: 'A hole in the road.', groupCode: 'streets', keywords: '', department: '', workflowCode: 'graffiti', expectedDays: '5', serviceNotice: '', active: 'yes', _action: 'save' });
      assert.equal(assigned.status, 303, assigned.html);
      assert.equal((await t.db.selectFrom('services').select('workflow_code').where('code', '=', 'pothole').executeTakeFirstOrThrow()).workflow_code, 'graffiti');
    });

    test('departments: created, changed, their area uploaded (good and bad GeoJSON); routing rules', async () => {
      assert.equal((await admin.get('/admin/settings/departments')).status, 200);
      assert.equal((await admin.post('/admin/settings/departments', { code: 'Bad Code', name: 'Roads' })).status, 400);
      assert.equal((await admin.post('/admin/settings/departments', { code: 'roads', name: 'Roads' })).status, 303);
      assert.equal((await admin.post('/admin/settings/departments', { code: 'roads', name: 'Roads again' })).status, 409);
      const changed = await admin.post('/admin/settings/departments/roads', { name: 'Roads and footways', calendar: '', assignment: 'round_robin' });
      assert.equal(changed.status, 303, changed.html);
      const roads = await t.db.selectFrom('departments').selectAll().where('code', '=', 'roads').executeTakeFirstOrThrow();
      assert.equal(roads.name, 'Roads and footways');
      assert.equal(roads.assignment, 'round_robin');

      await admin.get('/admin/settings/departments/roads');
      const good = await admin.postMultipart('/admin/settings/departments/roads/area', {}, { areaFile: { bytes: Buffer.from(JSON.stringify({ type: 'Feature', properties: {}, geometry: square(51.5, -0.1) })), filename: 'roads.geojson', type: 'application/geo+json' } });
      assert.equal(good.status, 303, good.html);
      const page = await admin.get('/admin/settings/departments/roads');
      assert.match(page.html, /data-area-map/);
      assert.match(page.html, /5 points/);
      assert.match(page.html, /latitude 51\.50000, longitude -0\.10000/);
      const bad = await admin.postMultipart('/admin/settings/departments/roads/area', { areaText: '{"type": "Point", "coordinates": [0, 51]}' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /error-summary/);
      const notJson = await admin.postMultipart('/admin/settings/departments/roads/area', { areaText: 'not json' });
      assert.equal(notJson.status, 400);
      assert.match(notJson.html, /not valid JSON/);
      const pasted = await admin.postMultipart('/admin/settings/departments/roads/area', { areaText: JSON.stringify(square(51.4, -0.2, 0.02)) });
      assert.equal(pasted.status, 303);
      assert.match((await t.db.selectFrom('departments').select('area').where('code', '=', 'roads').executeTakeFirstOrThrow()).area!, /-0\.2/);
      assert.ok((await audited('department.area_set')).length >= 2);
      assert.equal((await audited('department.updated')).length, 1);

      await admin.get('/admin/settings/routing');
      const rule = await admin.post('/admin/settings/routing', { service: 'pothole', department: String(roads.id), withinArea: 'yes' });
      assert.equal(rule.status, 303, rule.html);
      const noDepartment = await admin.post('/admin/settings/routing', { service: '', department: '' });
      assert.equal(noDepartment.status, 400);
      const [saved] = await t.db.selectFrom('routing_rules').selectAll().execute();
      assert.equal(saved?.within_area, 1);
      assert.equal((await admin.post('/admin/settings/routing/remove', { rule: String(saved!.id) })).status, 303);
      assert.equal((await t.db.selectFrom('routing_rules').selectAll().execute()).length, 0);
    });

    test('business calendars and response templates, with preview; a department administrator only reaches their own', async () => {
      await admin.get('/admin/settings/new-calendar');
      const hours = { day1start: '08:30', day1end: '16:30', day2start: '08:30', day2end: '16:30', day3start: '', day3end: '', day4start: '', day4end: '', day5start: '', day5end: '', day6start: '', day6end: '', day7start: '', day7end: '' };
      const wrong = await admin.post('/admin/settings/calendars', { code: 'parks-hours', name: 'Parks hours', timeZone: 'Europe/London', ...hours, day2end: '07:00', holidays: '2026-12-25\n2026-13-01' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /Tuesday: the day must end after it starts/);
      assert.match(wrong.html, /2026-13-01/);
      const created = await admin.post('/admin/settings/calendars', { code: 'parks-hours', name: 'Parks hours', timeZone: 'Europe/London', ...hours, holidays: '2026-12-25' });
      assert.equal(created.status, 303, created.html);
      const calendar = await t.db.selectFrom('business_calendars').selectAll().where('code', '=', 'parks-hours').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(calendar.working_hours), [{ day: 1, start: '08:30', end: '16:30' }, { day: 2, start: '08:30', end: '16:30' }]);
      assert.equal((await audited('business_calendar.created')).length, 1);

      await admin.post('/admin/settings/departments', { code: 'parks', name: 'Parks' });
      const parks = await t.db.selectFrom('departments').selectAll().where('code', '=', 'parks').executeTakeFirstOrThrow();
      await admin.post('/admin/settings/departments/parks', { name: 'Parks', calendar: String(calendar.id), assignment: 'none' });
      const { browser: parksAdmin } = await as('department_admin', 'parks', 'parks.admin@council.example');
      const { browser: roadsAdmin } = await as('department_admin', 'roads', 'roads.admin@council.example');

      assert.equal((await parksAdmin.get('/admin/settings/departments/parks')).status, 200);
      assert.equal((await parksAdmin.get('/admin/settings/departments/roads')).status, 403);
      assert.equal((await parksAdmin.get('/admin/settings/services')).status, 403, 'services are for system administrators');
      assert.equal((await parksAdmin.post('/admin/settings/departments/parks', { name: 'Renamed', calendar: '', assignment: 'none' })).status, 403);
      const ownArea = await parksAdmin.postMultipart('/admin/settings/departments/parks/area', { areaText: JSON.stringify(square(51.45, -0.15)) });
      assert.equal(ownArea.status, 303, ownArea.html);
      assert.equal((await roadsAdmin.postMultipart('/admin/settings/departments/parks/area', { areaText: JSON.stringify(square(51.45, -0.15)) })).status, 403);

      const ownCalendar = await parksAdmin.get('/admin/settings/calendars/parks-hours');
      assert.equal(ownCalendar.status, 200);
      assert.equal((await parksAdmin.post('/admin/settings/calendars/parks-hours', { name: 'Parks hours', timeZone: 'Europe/London', ...hours, holidays: '2026-12-25\n2026-12-26' })).status, 303);
      assert.equal((await roadsAdmin.get('/admin/settings/calendars/parks-hours')).status, 403);
      assert.equal((await audited('business_calendar.updated')).length, 1);

      // Templates: the system administrator's for everyone, with a preview; each department's own.
      await admin.get('/admin/settings/new-template');
      const templateFields = { name: 'Repair booked', department: '', body: 'Report {reference} ({service}) at {address}: {council} will fix it by {expected_date}.', active: 'yes' };
      const preview = await admin.post('/admin/settings/templates', { ...templateFields, _action: 'preview' });
      assert.equal(preview.status, 200);
      assert.match(preview.html, /Report 1234 \(Pothole\) at 1 High Street: Test Borough Council will fix it by/);
      const unknown = await admin.post('/admin/settings/templates', { ...templateFields, body: 'Hello {name}', _action: 'save' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.html, /Unknown placeholders: \{name\}/);
      const everyone = await admin.post('/admin/settings/templates', { ...templateFields, _action: 'save' });
      assert.equal(everyone.status, 303);
      const everyoneId = everyone.location!.match(/templates\/(\d+)/)![1]!;

      await parksAdmin.get('/admin/settings/new-template');
      const forAll = await parksAdmin.post('/admin/settings/templates', { ...templateFields, department: '', _action: 'save' });
      assert.equal(forAll.status, 400, 'a department administrator cannot write templates for every department');
      const own = await parksAdmin.post('/admin/settings/templates', { ...templateFields, name: 'Tree made safe', department: String(parks.id), _action: 'save' });
      assert.equal(own.status, 303, own.html);
      const list = await parksAdmin.get('/admin/settings/templates');
      assert.match(list.html, /Tree made safe/);
      assert.doesNotMatch(list.html, /Repair booked/);
      assert.equal((await parksAdmin.get(`/admin/settings/templates/${everyoneId}`)).status, 403);
      assert.equal((await parksAdmin.post(`/admin/settings/templates/${everyoneId}`, { ...templateFields, department: String(parks.id), _action: 'save' })).status, 403);
      assert.equal((await roadsAdmin.get(own.location!.split('?')[0]!)).status, 403);
      assert.equal((await audited('response_template.created')).length, 2);

      const chain = await verifyAuditChain(t.db);
      assert.equal(chain.ok, true);
    });
  });
}
