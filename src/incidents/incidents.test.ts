import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest } from '../../test/database.js';
import { ctx, jurisdiction, keyring, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { getServiceRequest, searchServiceRequests } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import { importPlaces } from '../places/places.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import { addLogEntry, addTask, closeIncident, dismissSurge, incidentView, linkReports, openIncident, possibleIncidents, setTaskStatus, unlinkReport, type IncidentInput } from './incidents.js';
import { detectSurges, isSurge, poissonTail, usualLevel } from './surge.js';

const submission = { jurisdiction: { ...jurisdiction, name: 'Test Council' }, keyring } as never;
const around = '50.9,-0.1 50.9,0.1 51.1,0.1 51.1,-0.1 50.9,-0.1';
const input = (over: Partial<IncidentInput> = {}): IncidentInput => ({ title: 'Burst water main', description: 'No water in the centre', areaText: around, placeArea: null, serviceCodes: ['pothole'], ...over });
let keys = 0;
const key = () => `incident-test-${++keys}-${Math.random().toString(36).slice(2)}`;
const refusal = async (run: Promise<unknown>): Promise<DomainError> => {
  try { await run; } catch (error) { if (error instanceof DomainError) return error; throw error; }
  assert.fail('expected a refusal');
};

async function officerOf(c: Council, role = 'emergency_officer'): Promise<WorkflowActor> {
  const at = nowIso();
  const row = await c.db.insertInto('users').values({
    email: `officer-${Math.random()}@example.org`, email_hash: `h-${Math.random()}`, role, department_id: null, password_hash: null, totp_secret: null,
    totp_confirmed: 0, status: 'active', created_at: at, updated_at: at, email_verified_at: null, locked_until: null, totp_last_step: null,
  }).returning('id').executeTakeFirstOrThrow();
  return { id: `user:${row.id}`, userId: row.id, role: role as WorkflowActor['role'], departmentId: null };
}

for (const database of databasesUnderTest()) {
  describe(`incidents on ${database.name}`, () => {
    let c: Council;
    let officer: WorkflowActor;
    before(async () => { c = await openCouncil(database); officer = await officerOf(c); });
    after(async () => { await c.t.cleanup(); });

    test('an officer opens an incident: a case of kind incident, audited; others and bad input are refused, nothing made', async () => {
      const before = Number((await c.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal((await refusal(openIncident(c.db, ctx, submission, input(), c.worker, key()))).kind, 'forbidden');
      const bad = await refusal(openIncident(c.db, ctx, submission, input({ title: ' ', areaText: '50.9,-0.1 51.1,0.1 50.9,0.1 51.1,-0.1 50.9,-0.1', serviceCodes: ['nope'] }), officer, key()));
      const fields = (bad as unknown as { fields: Record<string, string> }).fields;
      assert.match(fields.title!, /title/);
      assert.match(fields.area!, /crosses itself/);
      assert.match(fields.services!, /nope/);
      assert.equal(Number((await c.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), before);

      const id = await openIncident(c.db, ctx, submission, input(), officer, key());
      const row = await c.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'incident');
      assert.equal(row.state, 'active');
      const audit = await c.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(id)).execute();
      assert.ok(audit.some((a) => a.action === 'incident.submitted'));
      // Never a public report: not listed, not found by Open311.
      assert.ok(!(await searchServiceRequests(c.db, jurisdiction.id, { limit: 1000, offset: 0 })).some((r) => Number(r.id) === id));
      await assert.rejects(getServiceRequest(c.db, jurisdiction.id, String(id)), /no service request/);
    });

    test('reports in the area are suggested, linked and unlinked; the log records each step', async () => {
      const inside = await c.report('Water coming up through the road');
      const outside = Number((await submitCase(c.db, { jurisdiction, keyring }, 'api', { serviceCode: 'pothole', description: 'Far away', lat: 51.5, long: 0.5, attributes: {}, mediaUrls: [], contact: {} }, { actor: { id: 'test' } })).id);
      const id = await openIncident(c.db, ctx, submission, input({ title: 'Flooding' }), officer, key());
      let view = await incidentView(c.db, jurisdiction.id, id);
      const suggested = view.suggestions.map((s) => Number(s.id));
      assert.ok(suggested.includes(inside));
      assert.ok(!suggested.includes(outside));
      assert.equal(await linkReports(c.db, ctx, id, [inside], officer, key()), 1);
      assert.equal(await linkReports(c.db, ctx, id, [inside], officer, key()), 0, 'linked once');
      await assert.rejects(linkReports(c.db, ctx, id, [id], officer, key()), /residents' reports/);
      view = await incidentView(c.db, jurisdiction.id, id);
      assert.deepEqual(view.linked.map((r) => Number(r.id)), [inside]);
      assert.ok(!view.suggestions.some((s) => Number(s.id) === inside));
      await addLogEntry(c.db, ctx, id, 'Police closed the road at 14:10', officer, key());
      await unlinkReport(c.db, ctx, id, inside, officer, key());
      view = await incidentView(c.db, jurisdiction.id, id);
      assert.equal(view.linked.length, 0);
      const actions = view.log.map((l) => l.action);
      for (const a of ['submitted', 'incident_reports_linked', 'note', 'incident_report_unlinked']) assert.ok(actions.includes(a), a);
    });

    test('tasks go to departments with owners and due times; the department marks its task done; closing needs a summary', async () => {
      const id = await openIncident(c.db, ctx, submission, input({ title: 'Storm' }), officer, key());
      const due = new Date(Date.now() + 3_600_000).toISOString();
      const wrongOwner = await refusal(addTask(c.db, ctx, id, { departmentId: c.parks, title: 'Clear trees', ownerUserId: c.worker.userId, dueAt: due }, officer, key()));
      assert.match((wrongOwner as unknown as { fields: Record<string, string> }).fields.owner!, /must work in Parks/);
      const roadsTask = (await addTask(c.db, ctx, id, { departmentId: c.roads, title: 'Close Valencia Street', ownerUserId: c.worker.userId, dueAt: due }, officer, key()))!;
      const parksTask = (await addTask(c.db, ctx, id, { departmentId: c.parks, title: 'Clear fallen trees', ownerUserId: null, dueAt: null }, officer, key()))!;
      assert.equal((await refusal(setTaskStatus(c.db, ctx, id, parksTask, 'done', c.worker, key()))).kind, 'forbidden');
      await setTaskStatus(c.db, ctx, id, parksTask, 'done', c.parksWorker, key());
      const view = await incidentView(c.db, jurisdiction.id, id);
      assert.deepEqual(view.tasks.map((t) => [t.id, t.status, t.department_name]), [[roadsTask, 'open', 'Roads'], [parksTask, 'done', 'Parks']]);
      await assert.rejects(closeIncident(c.db, ctx, id, '  ', officer, key()), /closing summary/);
      await closeIncident(c.db, ctx, id, 'Main repaired; supply back at 18:00.', officer, key());
      const closed = await incidentView(c.db, jurisdiction.id, id);
      assert.equal(closed.current.status, 'closed');
      assert.equal(closed.details.summary, 'Main repaired; supply back at 18:00.');
      await assert.rejects(addTask(c.db, ctx, id, { departmentId: c.roads, title: 'More', ownerUserId: null, dueAt: null }, officer, key()), /closed/);
    });
  });

  describe(`surge detection on ${database.name}`, () => {
    let c: Council;
    let officer: WorkflowActor;
    before(async () => {
      c = await openCouncil(database);
      officer = await officerOf(c);
      await importPlaces(c.db, jurisdiction.id, [
        { kind: 'area', name: 'Centre', lat: 51, long: 0, bounds: { minLat: 50.95, minLong: -0.05, maxLat: 51.05, maxLong: 0.05 } },
        { kind: 'area', name: 'North', lat: 51.5, long: 0, bounds: { minLat: 51.4, minLong: -0.1, maxLat: 51.6, maxLong: 0.1 } },
      ]);
    });
    after(async () => { await c.t.cleanup(); });

    test('the usual level and the Poisson tail', () => {
      assert.ok(Math.abs(poissonTail(1, 2) - (1 - Math.exp(-2))) < 1e-12);
      assert.equal(poissonTail(0, 3), 1);
      assert.equal(usualLevel([]), 0.5, 'no history is not "usually zero"');
      assert.equal(usualLevel([2, 4]), 3);
      assert.equal(isSurge(4, 0.1), false, 'fewer than five is never a surge');
      assert.equal(isSurge(15, 0.5), true);
      assert.equal(isSurge(15, 12), false, 'a busy place at its usual level');
    });

    test('fifteen reports in an hour in one area are flagged once, extended while they last, and opened as an incident linking them', async () => {
      const now = Date.now();
      const reportAt = async (lat: number, minutesAgo: number) => Number((await submitCase(c.db, { jurisdiction, keyring }, 'api', {
        serviceCode: 'pothole', description: 'No water', lat, long: 0, attributes: {}, mediaUrls: [], contact: {},
      }, { actor: { id: 'test' }, history: { requestedAt: new Date(now - minutesAgo * 60_000).toISOString(), closedAt: null, statusNotes: null, agencyResponsible: null } })).id);
      // The usual level: about one report an hour in the north at this hour of the week.
      for (let week = 1; week <= 8; week++) for (let i = 0; i < 3; i++) await reportAt(51.5, week * 7 * 1440 + 30 - i * 60);
      for (let i = 0; i < 15; i++) await reportAt(51, 5 + i * 3);
      for (let i = 0; i < 2; i++) await reportAt(51.5, 10 + i);
      const first = await detectSurges(c.db, jurisdiction.id, new Date(now).toISOString());
      assert.deepEqual([first.flagged, first.extended], [1, 0]);
      const flags = await possibleIncidents(c.db, jurisdiction.id);
      assert.equal(flags.length, 1);
      assert.deepEqual([flags[0]!.area_name, flags[0]!.reports, flags[0]!.service_name], ['Centre', 15, 'Pothole']);
      const again = await detectSurges(c.db, jurisdiction.id, new Date(now + 5 * 60_000).toISOString());
      assert.deepEqual([again.flagged, again.extended], [0, 1]);
      assert.equal((await possibleIncidents(c.db, jurisdiction.id)).length, 1);

      const id = await openIncident(c.db, ctx, submission, input({ title: 'No water in the centre', surgeFlagId: flags[0]!.id }), officer, key());
      assert.equal((await incidentView(c.db, jurisdiction.id, id)).linked.length, 15);
      assert.equal((await possibleIncidents(c.db, jurisdiction.id)).length, 0);
      await assert.rejects(openIncident(c.db, ctx, submission, input({ surgeFlagId: flags[0]!.id }), officer, key()), /already opened/);
      await assert.rejects(dismissSurge(c.db, jurisdiction.id, flags[0]!.id, officer), /already opened/);
    });
  });
}
