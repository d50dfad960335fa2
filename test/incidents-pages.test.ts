/**
 * Incidents through their pages, as a browser without JavaScript uses them (issue 15): who may
 * open and run one, bad input answered on the page with nothing made, reports in the area
 * suggested and linked, tasks given and done by their department, the log, closing; an incident
 * never shows as a public report. Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const keyOf = (html: string) => /name="idempotency_key" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1] ?? '';
const around = `${Number(inside.lat) - 0.01},${Number(inside.long) - 0.01} ${Number(inside.lat) - 0.01},${Number(inside.long) + 0.01} ${Number(inside.lat) + 0.01},${Number(inside.long) + 0.01} ${Number(inside.lat) + 0.01},${Number(inside.long) - 0.01} ${Number(inside.lat) - 0.01},${Number(inside.long) - 0.01}`;

for (const database of databasesUnderTest()) {
  describe(`incident pages on ${database.name}`, () => {
    let t: RunningTownhall;
    const people: Record<string, WebClient> = {};
    const as = async (name: string, role: Role, department: string | null) => {
      const user = await createUser(t.db, t.keyring, { email: `${name}@council.example`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      people[name] = new WebClient(t.baseUrl);
      people[name]!.cookies.set('townhall_session', token);
    };
    const report = async (description: string, where = inside) => {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, description, ...where, email: 'rita@example.org' }) });
      const [row] = (await response.json()) as Array<{ service_request_id: string }>;
      return Number(row!.service_request_id);
    };
    const count = async (table: 'cases' | 'incident_tasks') => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await as('officer', 'emergency_officer', null);
      await as('worker', 'case_worker', 'roads');
      await as('parks', 'case_worker', 'parks');
    });
    after(() => t.close());

    test('only emergency officers open incidents; bad input is answered on the page and nothing is made', async () => {
      assert.equal((await people.worker!.get('/staff/incidents/new')).status, 403);
      assert.equal((await people.worker!.get('/staff/incidents')).status, 200, 'other staff read incidents');
      const page = await people.officer!.get('/staff/incidents/new');
      assert.equal(page.status, 200);
      const before = await count('cases');
      const bad = await people.officer!.post('/staff/incidents', { idempotency_key: keyOf(page.html), title: 'Gas leak', area_place: '', area: '51.49,-0.15 51.51,-0.13 51.49,-0.13 51.51,-0.15 51.49,-0.15' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /crosses itself/);
      assert.match(bad.html, /value="Gas leak"/, 'what was typed is kept');
      const noCsrf = await people.officer!.post('/staff/incidents', { _csrf: null, idempotency_key: keyOf(page.html), title: 'Gas leak', area: around });
      assert.equal(noCsrf.status, 403);
      assert.equal(await count('cases'), before);
    });

    test('an officer opens an incident, links the reports in its area, gives two tasks, logs and closes it', async () => {
      const first = await report('Water pouring out of the pavement');
      const second = await report('No water since this morning');
      const far = await report('Far away', { lat: '51.65', long: '0.2' });
      const page = await people.officer!.get('/staff/incidents/new');
      const made = await people.officer!.post('/staff/incidents', { idempotency_key: keyOf(page.html), title: 'Burst water main', description: 'Main burst under the high street', area_place: '', area: around });
      assert.equal(made.status, 303, made.html);
      const id = Number(/\/staff\/incidents\/(\d+)$/.exec(made.headers.get('location') ?? '')?.[1]);
      assert.ok(id > 0);
      let view = await people.officer!.get(`/staff/incidents/${id}`);
      for (const r of [first, second]) assert.match(view.html, new RegExp(`name="reports" value="${r}"`), `report ${r} is suggested`);
      assert.doesNotMatch(view.html, new RegExp(`name="reports" value="${far}"`));
      assert.equal((await people.officer!.post(`/staff/incidents/${id}/links`, { idempotency_key: keyOf(view.html), report_ids: `${first}, ${second}` })).status, 303);

      view = await people.officer!.get(`/staff/incidents/${id}`);
      const departments = await t.db.selectFrom('departments').select(['id', 'code']).execute();
      const roads = departments.find((d) => d.code === 'roads')!.id;
      const parks = departments.find((d) => d.code === 'parks')!.id;
      const tasksBefore = await count('incident_tasks');
      assert.equal((await people.officer!.post(`/staff/incidents/${id}/tasks`, { idempotency_key: keyOf(view.html), task_title: 'Close the high street', department: String(roads), owner: '', due: '2099-01-01T17:00' })).status, 303);
      view = await people.officer!.get(`/staff/incidents/${id}`);
      assert.equal((await people.officer!.post(`/staff/incidents/${id}/tasks`, { idempotency_key: keyOf(view.html), task_title: 'Clear the park path', department: String(parks), owner: '', due: '' })).status, 303);
      const badTask = await people.officer!.post(`/staff/incidents/${id}/tasks`, { idempotency_key: keyOf(view.html), task_title: '', department: '', owner: '', due: 'tomorrow' });
      assert.equal(badTask.status, 400);
      assert.match(badTask.html, /Say what the department must do|due time/);
      assert.equal(await count('incident_tasks'), tasksBefore + 2);

      const tasks = await t.db.selectFrom('incident_tasks').select(['id', 'department_id']).where('case_id', '=', id).orderBy('id').execute();
      const parksTask = tasks.find((x) => x.department_id === parks)!.id;
      const roadsTask = tasks.find((x) => x.department_id === roads)!.id;
      const parksView = await people.parks!.get(`/staff/incidents/${id}`);
      assert.equal(parksView.status, 200);
      assert.equal((await people.parks!.post(`/staff/incidents/${id}/tasks/${roadsTask}`, { idempotency_key: keyOf(parksView.html), status: 'done' })).status, 403, 'not their department\'s task');
      assert.equal((await people.parks!.post(`/staff/incidents/${id}/tasks/${parksTask}`, { idempotency_key: keyOf(parksView.html), status: 'done' })).status, 303);
      assert.equal((await people.parks!.post(`/staff/incidents/${id}/log`, { idempotency_key: keyOf(parksView.html), entry: 'hello' })).status, 403);

      view = await people.officer!.get(`/staff/incidents/${id}`);
      assert.equal((await people.officer!.post(`/staff/incidents/${id}/log`, { idempotency_key: keyOf(view.html), entry: 'Supply restored to half the street' })).status, 303);
      view = await people.officer!.get(`/staff/incidents/${id}`);
      assert.match(view.html, /Supply restored to half the street/);
      assert.match(view.html, /Close the high street/);
      assert.match(view.html, /<td>Done<\/td>/);
      assert.equal((await people.officer!.post(`/staff/incidents/${id}/close`, { idempotency_key: keyOf(view.html), summary: 'Main repaired overnight.' })).status, 303);
      view = await people.officer!.get(`/staff/incidents/${id}`);
      assert.match(view.html, /Closing summary/);

      // Found from the workspace, it opens on its own page; it is never a public report.
      const fromQueue = await people.officer!.get(`/staff/requests/${id}`);
      assert.equal(fromQueue.status, 303);
      assert.equal(fromQueue.headers.get('location'), `/staff/incidents/${id}`);
      assert.equal((await fetch(`${t.baseUrl}/open311/v2/requests/${id}.json`)).status, 404);
      const all = (await (await fetch(`${t.baseUrl}/open311/v2/requests.json`)).json()) as Array<{ service_request_id: string }>;
      assert.ok(!all.some((r) => Number(r.service_request_id) === id));
      const audit = (await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'incident').where('entity_id', '=', String(id)).execute()).map((a) => a.action);
      for (const action of ['incident.submitted', 'incident.reports_linked', 'incident.task_added', 'incident.task_status']) assert.ok(audit.includes(action), action);
    });
  });
}
