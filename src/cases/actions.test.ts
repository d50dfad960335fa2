import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest } from '../../test/database.js';
import { DomainError, type ErrorKind } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { standardDefinition } from '../workflow/standard.js';
import type { CaseActionInput, WorkflowActor } from '../workflow/types.js';
import { availableTransitions, checkDefinition, publicLabelFor, workflowForService, workflowVersion } from '../workflow/workflow.js';
import { performCaseAction } from './actions.js';
import { caseRow, count, ctx, jurisdiction, openCouncil, type Council } from './fixture.test-support.js';
import { startCaseWorkflow } from './lifecycle.js';
import { applyStatusUpdate, reopenCase } from './outside-updates.js';

const refused = (kind: ErrorKind, pattern?: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.kind === kind && (!pattern || pattern.test(error.message));

let keys = 0;
const key = () => `k${++keys}`;

test('the standard workflow is a valid definition, and a broken one is explained in plain words', () => {
  assert.deepEqual(checkDefinition(standardDefinition), []);
  const problems = checkDefinition({ initial: 'nowhere', states: [{ code: 'Open', label: '', publicStatus: 'maybe', publicLabel: 'x', onEntry: [] }], transitions: [{ code: 'go', label: 'Go', from: ['x'], to: 'y', roles: ['resident'], requires: ['love'] }], sla: [{ clock: 'resolution', priority: null, state: null, minutes: 0, warnAt: 2 }] });
  assert.ok(problems.length >= 8, problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('"nowhere"')));
  assert.deepEqual(checkDefinition('nope'), ['The workflow must be an object with initial, states, transitions and sla.']);
});

test('"*" transitions apply from any state, even one the workflow does not know, but never into the same state', () => {
  const worker: WorkflowActor = { id: 'user:1', userId: 1, role: 'case_worker', departmentId: 1 };
  assert.ok(availableTransitions(standardDefinition, 'waiting_for_contractor', worker).some((t) => t.code === 'close'));
  assert.ok(!availableTransitions(standardDefinition, 'closed', worker).some((t) => t.code === 'close'));
  assert.ok(!availableTransitions(standardDefinition, 'fixed', worker).some((t) => t.code === 'reopen'), 'reopening is for supervisors');
  assert.equal(publicLabelFor(standardDefinition, 'not_council'), "Not the council's responsibility");
  assert.equal(publicLabelFor(standardDefinition, 'waiting_for_contractor'), 'Waiting for contractor');
});

for (const database of databasesUnderTest()) {
  describe(`the workflow engine on ${database.name}`, () => {
    let c: Council;
    before(async () => { c = await openCouncil(database); });
    after(() => c.t.cleanup());
    const act = (caseId: number, input: CaseActionInput, actor: WorkflowActor, k = key()) => performCaseAction(c.db, ctx, caseId, input, actor, k);

    test('a new case starts on the standard workflow, in its service\'s department, with a running clock and someone to work it', async () => {
      const id = await c.report();
      const row = await caseRow(c.db, id);
      assert.equal(row.state, 'submitted');
      assert.equal(row.department_id, c.roads);
      assert.ok(row.workflow_version_id);
      assert.ok(row.due_at, 'the resolution clock is running');
      assert.ok([c.worker.userId, c.colleague.userId, c.supervisor.userId].includes(row.assigned_user_id), 'round-robin gave it to someone in roads');
      const version = await workflowVersion(c.db, row.workflow_version_id!);
      assert.equal(version.workflowCode, 'standard');
      assert.equal(version.status, 'published');
      const queued = await c.db.selectFrom('events').select(['topic', 'data']).where('topic', '=', `staff:department:${c.roads}`).execute();
      assert.ok(queued.some((e) => JSON.parse(e.data).caseId === id));
    });

    test('a step that needs a note is refused without one and changes nothing; with it the case moves, the reporter is told and the public hears', async () => {
      const id = await c.report();
      const before = { actions: await count(c.db, 'case_actions'), audit: await count(c.db, 'audit_log'), row: await caseRow(c.db, id) };
      await assert.rejects(act(id, { kind: 'transition', transition: 'schedule', publicNote: '  ' }, c.worker), refused('invalid', /note for the public/));
      assert.equal(await count(c.db, 'case_actions'), before.actions);
      assert.equal(await count(c.db, 'audit_log'), before.audit);
      assert.deepEqual(await caseRow(c.db, id), before.row);
      const outbox = await count(c.db, 'outbox');
      await act(id, { kind: 'transition', transition: 'schedule', publicNote: 'A crew comes on Monday.' }, c.worker);
      const row = await caseRow(c.db, id);
      assert.equal(row.state, 'action_scheduled');
      assert.equal(row.status, 'open');
      assert.equal(row.status_notes, 'A crew comes on Monday.');
      assert.equal(await count(c.db, 'outbox'), outbox + 1, 'the reporter is emailed');
      const publicEvent = await c.db.selectFrom('events').selectAll().where('topic', '=', `case:${id}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(Object.keys(JSON.parse(publicEvent.data)).sort(), ['publicLabel', 'state', 'status', 'updatedAt']);
      assert.ok(!publicEvent.data.includes('resident@example.org'));
    });

    test('fixing closes the case and stops its clock; only a supervisor reopens it, and the clock runs again', async () => {
      const id = await c.report();
      await act(id, { kind: 'transition', transition: 'fix' }, c.worker);
      let row = await caseRow(c.db, id);
      assert.equal(row.status, 'closed');
      assert.ok(row.closed_at);
      assert.equal(row.due_at, null);
      await assert.rejects(act(id, { kind: 'transition', transition: 'reopen', reason: 'Still there' }, c.worker), refused('forbidden'));
      await assert.rejects(act(id, { kind: 'transition', transition: 'reopen' }, c.supervisor), refused('invalid', /reason/));
      await act(id, { kind: 'transition', transition: 'reopen', reason: 'Still there' }, c.supervisor);
      row = await caseRow(c.db, id);
      assert.equal(row.status, 'open');
      assert.equal(row.closed_at, null);
      assert.ok(row.due_at);
      const details = await c.db.selectFrom('case_actions').select('details').where('case_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(details.details), { transition: 'reopen', from: 'fixed', to: 'reopened', reason: 'Still there' });
    });

    test('an action sent twice with the same key is done once; the key cannot be reused for another case', async () => {
      const id = await c.report();
      const other = await c.report();
      const first = await act(id, { kind: 'note', text: 'Called the contractor' }, c.worker, 'same-key');
      const actions = await count(c.db, 'case_actions');
      const again = await act(id, { kind: 'note', text: 'Called the contractor' }, c.worker, 'same-key');
      assert.deepEqual(again, { caseId: id, actionId: first.actionId, repeated: true });
      assert.equal(await count(c.db, 'case_actions'), actions);
      await assert.rejects(act(other, { kind: 'note', text: 'x' }, c.worker, 'same-key'), refused('conflict'));
    });

    test('the same action sent twice at the same moment is done once', async () => {
      const id = await c.report();
      const actions = await count(c.db, 'case_actions');
      const results = await Promise.all([1, 2, 3].map(() => act(id, { kind: 'public_update', text: 'On our list' }, c.worker, `race-${id}`)));
      assert.equal(results.filter((r) => !r.repeated).length, 1);
      assert.equal(await count(c.db, 'case_actions'), actions + 1);
    });

    test('staff act only on their own department\'s cases; analysts and jobs are limited', async () => {
      const id = await c.report();
      await assert.rejects(act(id, { kind: 'claim' }, c.parksWorker), refused('forbidden', /another department/));
      await assert.rejects(act(id, { kind: 'note', text: 'x' }, c.analyst), refused('forbidden'));
      await assert.rejects(act(id, { kind: 'transition', transition: 'fix' }, c.system), refused('forbidden'));
      await act(id, { kind: 'note', text: 'Overdue: escalated' }, c.system);
      await act(id, { kind: 'set_priority', priority: 'urgent' }, c.system);
      await assert.rejects(act(id, { kind: 'assign', userId: c.colleague.userId }, c.worker), refused('forbidden'));
      await assert.rejects(act(id, { kind: 'assign', userId: c.parksWorker.userId }, c.supervisor), refused('invalid', /another department/));
      if ((await caseRow(c.db, id)).assigned_user_id !== c.colleague.userId) await act(id, { kind: 'assign', userId: c.colleague.userId }, c.supervisor);
      await act(id, { kind: 'claim' }, c.worker);
      assert.equal((await caseRow(c.db, id)).assigned_user_id, c.worker.userId);
      await act(id, { kind: 'transition', transition: 'investigate' }, c.admin);
      const audit = await c.db.selectFrom('audit_log').select(['actor', 'action']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(audit, { actor: c.admin.id, action: 'case.transition' });
    });

    test('merging closes the duplicate, points it at the original and carries its followers over', async () => {
      const original = await c.report('Hole by the school');
      const duplicate = await c.report('Same hole');
      await c.db.insertInto('case_followers').values({ case_id: duplicate, user_id: c.analyst.userId!, reason: 'follower', created_at: nowIso() }).execute();
      await assert.rejects(act(duplicate, { kind: 'merge', intoCaseId: duplicate }, c.worker), refused('invalid', /itself/));
      await assert.rejects(act(duplicate, { kind: 'merge', intoCaseId: 999_999 }, c.worker), refused('not_found'));
      await act(duplicate, { kind: 'merge', intoCaseId: original }, c.worker);
      const row = await caseRow(c.db, duplicate);
      assert.equal(row.state, 'duplicate');
      assert.equal(row.status, 'closed');
      assert.equal(row.merged_into, original);
      assert.equal(row.status_notes, `This problem was already reported as case ${original}.`);
      const followers = await c.db.selectFrom('case_followers').select('user_id').where('case_id', '=', original).execute();
      assert.deepEqual(followers.map((f) => f.user_id), [c.analyst.userId]);
      const third = await c.report();
      await assert.rejects(act(third, { kind: 'merge', intoCaseId: duplicate }, c.worker), refused('conflict', /merge into that one/));
    });

    test('a case in another jurisdiction cannot be reached or merged into', async () => {
      const id = await c.report();
      await assert.rejects(performCaseAction(c.db, { ...ctx, jurisdictionId: `${jurisdiction.id}.training` }, id, { kind: 'note', text: 'x' }, c.worker, key()), refused('not_found'));
    });

    test('a supervisor moves a case to another department with a reason; it leaves its assignee behind', async () => {
      const id = await c.report();
      await assert.rejects(act(id, { kind: 'move_department', departmentId: c.parks, reason: 'Tree roots' }, c.worker), refused('forbidden'));
      await assert.rejects(act(id, { kind: 'move_department', departmentId: c.parks, reason: ' ' }, c.supervisor), refused('invalid', /reason/));
      await act(id, { kind: 'move_department', departmentId: c.parks, reason: 'Tree roots' }, c.supervisor);
      const row = await caseRow(c.db, id);
      assert.equal(row.department_id, c.parks);
      assert.equal(row.assigned_user_id, null, 'parks assigns nobody automatically');
      await act(id, { kind: 'claim' }, c.parksWorker);
      await assert.rejects(act(id, { kind: 'note', text: 'x' }, c.worker), refused('forbidden'));
    });

    test('clocks are stopped and started again with a reason', async () => {
      const id = await c.report();
      await assert.rejects(act(id, { kind: 'suspend_clock', clock: 'resolution', reason: '' }, c.supervisor), refused('invalid'));
      await act(id, { kind: 'suspend_clock', clock: 'resolution', reason: 'Waiting for the resident' }, c.supervisor);
      assert.equal((await caseRow(c.db, id)).due_at, null);
      await act(id, { kind: 'resume_clock', clock: 'resolution' }, c.supervisor);
      const resumed = (await caseRow(c.db, id)).due_at;
      assert.ok(resumed);
      await act(id, { kind: 'extend_clock', clock: 'resolution', minutes: 60, reason: 'Parts on order' }, c.supervisor);
      assert.ok(Date.parse((await caseRow(c.db, id)).due_at!) > Date.parse(resumed));
    });

    test('a case in a state an outside system set can still be closed', async () => {
      const id = await c.report();
      await c.db.updateTable('cases').set({ state: 'waiting_for_contractor' }).where('id', '=', id).execute();
      await act(id, { kind: 'transition', transition: 'close', reason: 'Done by the contractor' }, c.worker);
      assert.equal((await caseRow(c.db, id)).state, 'closed');
    });

    test('a back office closing a case stops its clock, a reopening starts it again, and both are heard live', async () => {
      const id = await c.report();
      const events = await count(c.db, 'events');
      await applyStatusUpdate(c.db, jurisdiction.id, { updateId: `bo-${id}`, requestId: String(id), status: 'closed', state: 'fixed', updatedAt: nowIso(), description: 'Filled', mediaUrl: null },
        { id: 'test' }, ctx.notify, ctx.timeZone);
      assert.equal((await caseRow(c.db, id)).due_at, null);
      const published = await c.db.selectFrom('events').select(['topic', 'data']).where('id', '>', events).execute();
      assert.ok(published.some((e) => e.topic === `case:${id}` && JSON.parse(e.data).publicLabel === 'Fixed'));
      assert.ok(published.some((e) => e.topic === `staff:department:${c.roads}`));
      await reopenCase(c.db, jurisdiction.id, id, { description: 'Not fixed', details: {} }, { id: 'test' }, ctx.timeZone);
      const row = await caseRow(c.db, id);
      assert.equal(row.state, 'reopened');
      assert.ok(row.due_at);
    });

    test('publishing a new version does not change the version an open case keeps', async () => {
      const id = await c.report();
      const kept = (await caseRow(c.db, id)).workflow_version_id!;
      const current = await workflowForService(c.db, jurisdiction.id, 'pothole');
      const changed = { ...current.definition, states: current.definition.states.map((s) => (s.code === 'investigating' ? { ...s, publicLabel: 'Being looked at' } : s)) };
      const at = nowIso();
      const v2 = await c.db.insertInto('workflow_versions').values({ workflow_id: current.workflowId, version: current.version + 1, definition: JSON.stringify(changed), status: 'published', created_by: 'test', created_at: at, published_at: at }).returning('id').executeTakeFirstOrThrow();
      await act(id, { kind: 'transition', transition: 'investigate' }, c.worker);
      assert.equal((await caseRow(c.db, id)).workflow_version_id, kept);
      const event = await c.db.selectFrom('events').select('data').where('topic', '=', `case:${id}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.data).publicLabel, 'Investigating');
      const fresh = await c.report();
      assert.equal((await caseRow(c.db, fresh)).workflow_version_id, v2.id);
      // Later cases of every test use the new version: put the old one back in front.
      await c.db.updateTable('workflow_versions').set({ status: 'retired' }).where('id', '=', v2.id).execute();
    });

    test('training cases never email residents', async () => {
      const training = `${jurisdiction.id}.training`;
      const at = nowIso();
      const inserted = await c.db.insertInto('cases').values({
        jurisdiction_id: training, kind: 'service_request', service_code: 'pothole', description: 'Practice', lat: 51, long: 0, address_string: null, address_id: null, zipcode: null,
        attributes: '{}', media_urls: '[]', status: 'open', state: 'submitted', status_notes: null, agency_responsible: null, channel: 'api', token: `t-${at}`,
        requested_at: at, updated_at: at, expected_at: null, closed_at: null, api_key_id: null, department_id: c.roads,
      }).returning('id').executeTakeFirstOrThrow();
      await c.db.insertInto('case_reporters').values({ case_id: inserted.id, email_hash: null, email: null, first_name: null, last_name: null, phone: null, device_id: null, account_id: null }).execute();
      await startCaseWorkflow(c.db, { jurisdictionId: training, timeZone: ctx.timeZone }, inserted.id);
      const outbox = await count(c.db, 'outbox');
      await performCaseAction(c.db, { ...ctx, jurisdictionId: training }, inserted.id, { kind: 'public_update', text: 'We are on it.' }, c.worker, key());
      assert.equal(await count(c.db, 'outbox'), outbox);
      const version = await workflowVersion(c.db, (await caseRow(c.db, inserted.id)).workflow_version_id!);
      assert.equal(version.workflowCode, 'standard', 'the training space gets its own standard workflow');
    });
  });
}
