import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest } from '../../test/database.js';
import { DomainError, type ErrorKind } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import type { CaseActionInput, WorkflowActor } from '../workflow/types.js';
import { standardDefinition } from '../workflow/standard.js';
import { performCaseAction } from './actions.js';
import { caseRow, count, ctx, openCouncil, type Council } from './fixture.test-support.js';
import { CORRECTION_NOTE, UNDO_WINDOW_MS, undoableAction, undoCaseAction, undoRefusal } from './undo.js';

const refused = (kind: ErrorKind, pattern?: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.kind === kind && (!pattern || pattern.test(error.message));

let keys = 0;
const key = () => `undo-k${++keys}`;

test('only the maker, within the window, of the latest change, and only closures among steps, can be undone', () => {
  const action = { id: 7, action: 'transition', actor: 'user:1', created_at: '2026-12-07T10:00:00.000Z', details: JSON.stringify({ transition: 'fix', from: 'investigating', to: 'fixed' }), public: 1 };
  const me = { id: 'user:1' };
  const soon = '2026-12-07T10:05:00.000Z';
  assert.equal(undoRefusal(action, 7, me, soon, standardDefinition), null);
  assert.match(undoRefusal(action, 7, { id: 'user:2' }, soon, standardDefinition)!, /only the person/i);
  assert.match(undoRefusal(action, 8, me, soon, standardDefinition)!, /changed since/);
  assert.match(undoRefusal(action, 7, me, new Date(Date.parse(action.created_at) + UNDO_WINDOW_MS + 1).toISOString(), standardDefinition)!, /10 minutes/);
  const moveOn = { ...action, details: JSON.stringify({ transition: 'investigate', from: 'submitted', to: 'investigating' }) };
  assert.match(undoRefusal(moveOn, 7, me, soon, standardDefinition)!, /only closing/i);
  assert.match(undoRefusal({ ...action, action: 'merge' }, 7, me, soon, standardDefinition)!, /cannot be undone/);
  assert.match(undoRefusal({ ...action, action: 'undo' }, 7, me, soon, standardDefinition)!, /cannot be undone/);
});

for (const database of databasesUnderTest()) {
  describe(`undoing a change on ${database.name}`, () => {
    let c: Council;
    before(async () => { c = await openCouncil(database); });
    after(() => c.t.cleanup());
    const act = (caseId: number, input: CaseActionInput, actor: WorkflowActor) => performCaseAction(c.db, ctx, caseId, input, actor, key());
    const outbox = (caseId: number, actionId: number) => c.db.selectFrom('outbox').select(['id', 'status', 'idempotency_key'])
      .where('idempotency_key', 'like', `case:${caseId}:action:${actionId}:%`).execute();

    test('marking fixed, undone before the email went: the case is open in its old state with its clock, the email is withdrawn, and history keeps both', async () => {
      const id = await c.report();
      await act(id, { kind: 'transition', transition: 'investigate' }, c.worker);
      const before = await caseRow(c.db, id);
      const fixed = await act(id, { kind: 'transition', transition: 'fix' }, c.worker);
      assert.equal((await caseRow(c.db, id)).status, 'closed');
      assert.ok((await outbox(id, fixed.actionId)).length > 0, 'closing queued the reporter\'s email');
      const actionsBefore = await count(c.db, 'case_actions');

      const undone = await undoCaseAction(c.db, ctx, id, fixed.actionId, c.worker, key());
      const row = await caseRow(c.db, id);
      assert.equal(row.status, 'open');
      assert.equal(row.state, 'investigating');
      assert.equal(row.closed_at, null);
      assert.equal(row.assigned_user_id, before.assigned_user_id);
      assert.equal(row.due_at === null ? null : new Date(row.due_at).toISOString(), before.due_at === null ? null : new Date(before.due_at).toISOString(), 'the resolution clock runs again, due when it was due');
      assert.equal((await outbox(id, fixed.actionId)).length, 0, 'the unsent email is withdrawn');
      assert.equal((await outbox(id, undone.actionId)).length, 0, 'and no correction is needed: nobody was told');
      assert.equal(await count(c.db, 'case_actions'), actionsBefore + 1, 'an undo appends; nothing is deleted');
      const undoAction = await c.db.selectFrom('case_actions').selectAll().where('id', '=', undone.actionId).executeTakeFirstOrThrow();
      assert.equal(undoAction.action, 'undo');
      assert.equal(undoAction.public, 1);
      assert.equal(undoAction.status, 'open');
      const audit = await c.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', String(id)).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(audit.action, 'case.undo');
      assert.equal(JSON.parse(audit.after!).detail_undoes, fixed.actionId);
      assert.ok(JSON.parse(audit.after!).messages_withdrawn > 0);

      // The same form again does nothing more; the undo itself cannot be undone.
      assert.equal((await undoCaseAction(c.db, ctx, id, fixed.actionId, c.worker, `${undoAction.idempotency_key!.replace(/^staff:/, '')}`)).repeated, true);
      assert.equal(await undoableAction(c.db, id, c.worker, standardDefinition), null);
    });

    test('a closure whose email had already gone is undone with one correction to the reporter', async () => {
      const id = await c.report();
      const fixed = await act(id, { kind: 'transition', transition: 'fix' }, c.worker);
      await c.db.updateTable('outbox').set({ status: 'sent', sent_at: nowIso(), attempts: 1 }).where('idempotency_key', 'like', `case:${id}:action:${fixed.actionId}:%`).execute();
      const undone = await undoCaseAction(c.db, ctx, id, fixed.actionId, c.worker, key());
      assert.equal((await outbox(id, fixed.actionId)).length > 0, true, 'a sent message is never withdrawn');
      const correction = await outbox(id, undone.actionId);
      assert.equal(correction.length, 1, 'one correction, to the reporter');
      const audit = await c.db.selectFrom('audit_log').select('after').where('entity_id', '=', String(id)).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(audit.after!).correction_sent, true);
      assert.equal((await caseRow(c.db, id)).status_notes, null, 'the public note is put back as it was');
      assert.ok(CORRECTION_NOTE.includes('by mistake'));
    });

    test('taking, assigning and a priority change are put back; internal, so nobody is emailed', async () => {
      const id = await c.report();
      const start = await caseRow(c.db, id);
      const outboxBefore = await count(c.db, 'outbox');
      const taker = start.assigned_user_id === c.worker.userId ? c.colleague : c.worker;
      const took = await act(id, { kind: 'claim' }, taker);
      await undoCaseAction(c.db, ctx, id, took.actionId, taker, key());
      assert.equal((await caseRow(c.db, id)).assigned_user_id, start.assigned_user_id);
      const assigned = await act(id, { kind: 'assign', userId: null }, c.supervisor);
      await undoCaseAction(c.db, ctx, id, assigned.actionId, c.supervisor, key());
      assert.equal((await caseRow(c.db, id)).assigned_user_id, start.assigned_user_id);
      const urgent = await act(id, { kind: 'set_priority', priority: 'urgent' }, c.worker);
      await undoCaseAction(c.db, ctx, id, urgent.actionId, c.worker, key());
      assert.equal((await caseRow(c.db, id)).priority, start.priority);
      assert.equal(await count(c.db, 'outbox'), outboxBefore);
    });

    test('refused: someone else\'s change, a change with a newer one after it, and a merge', async () => {
      const id = await c.report();
      const urgent = await act(id, { kind: 'set_priority', priority: 'urgent' }, c.worker);
      await assert.rejects(undoCaseAction(c.db, ctx, id, urgent.actionId, c.colleague, key()), refused('forbidden', /only the person/i));
      await act(id, { kind: 'note', text: 'Called the contractor' }, c.colleague);
      await assert.rejects(undoCaseAction(c.db, ctx, id, urgent.actionId, c.worker, key()), refused('conflict', /changed since/));
      assert.equal((await caseRow(c.db, id)).priority, 'urgent', 'a refused undo changes nothing');
      const other = await c.report();
      const merged = await act(id, { kind: 'merge', intoCaseId: other }, c.worker);
      await assert.rejects(undoCaseAction(c.db, ctx, id, merged.actionId, c.worker, key()), refused('conflict', /cannot be undone/));
      await assert.rejects(undoCaseAction(c.db, ctx, id, 999_999, c.worker, key()), refused('not_found'));
      await assert.rejects(undoCaseAction(c.db, ctx, id, merged.actionId, c.parksWorker, key()), refused('forbidden'));
    });
  });
}
