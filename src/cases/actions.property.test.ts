/**
 * Random sequences of staff actions (valid and invalid) against a real database: whatever
 * happens, a case is always in a state of its workflow, shows that state's public status, is
 * closed exactly when closed_at is set, and every accepted action leaves exactly one action row
 * and one audit entry while a refused one changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { databasesUnderTest } from '../../test/database.js';
import { DomainError } from '../platform/errors.js';
import { priorities, type CaseActionInput, type WorkflowActor, type WorkflowDefinition } from '../workflow/types.js';
import { availableTransitions, stateOf, workflowVersion } from '../workflow/workflow.js';
import { performCaseAction } from './actions.js';
import { caseRow, count, ctx, openCouncil, type Council } from './fixture.test-support.js';

type Who = 'worker' | 'colleague' | 'supervisor' | 'parksWorker' | 'admin' | 'analyst' | 'system';
type Step =
  | { type: 'transition'; valid: boolean; pick: number; reason: string; note: string }
  | { type: 'claim' }
  | { type: 'assign'; to: 'worker' | 'colleague' | 'parksWorker' | null }
  | { type: 'priority'; priority: (typeof priorities)[number] }
  | { type: 'note'; text: string }
  | { type: 'public_update'; text: string }
  | { type: 'merge'; intoSelf: boolean }
  | { type: 'move'; to: 'roads' | 'parks'; reason: string }
  | { type: 'clock'; suspend: boolean; reason: string };

const words = fc.constantFrom('', '  ', 'Checked on site');
const step: fc.Arbitrary<{ who: Who; step: Step }> = fc.record({
  who: fc.constantFrom<Who>('worker', 'worker', 'colleague', 'supervisor', 'supervisor', 'parksWorker', 'admin', 'analyst', 'system'),
  step: fc.oneof(
    { weight: 5, arbitrary: fc.record({ type: fc.constant('transition' as const), valid: fc.boolean(), pick: fc.nat(20), reason: words, note: words }) },
    fc.constant({ type: 'claim' as const }),
    fc.record({ type: fc.constant('assign' as const), to: fc.constantFrom('worker' as const, 'colleague' as const, 'parksWorker' as const, null) }),
    fc.record({ type: fc.constant('priority' as const), priority: fc.constantFrom(...priorities) }),
    fc.record({ type: fc.constant('note' as const), text: words }),
    fc.record({ type: fc.constant('public_update' as const), text: words }),
    fc.record({ type: fc.constant('merge' as const), intoSelf: fc.boolean() }),
    fc.record({ type: fc.constant('move' as const), to: fc.constantFrom('roads' as const, 'parks' as const), reason: words }),
    fc.record({ type: fc.constant('clock' as const), suspend: fc.boolean(), reason: words }),
  ) as fc.Arbitrary<Step>,
});

function toInput(c: Council, definition: WorkflowDefinition, ids: { self: number; other: number }, s: Step, state: string, actor: WorkflowActor): CaseActionInput {
  switch (s.type) {
    case 'transition': {
      const open = availableTransitions(definition, state, actor);
      const code = s.valid && open.length > 0 ? open[s.pick % open.length]!.code : ['fix', 'reopen', 'close', 'schedule', 'teleport'][s.pick % 5]!;
      return { kind: 'transition', transition: code, reason: s.reason, publicNote: s.note };
    }
    case 'claim': return { kind: 'claim' };
    case 'assign': return { kind: 'assign', userId: s.to === null ? null : c[s.to].userId };
    case 'priority': return { kind: 'set_priority', priority: s.priority };
    case 'note': return { kind: 'note', text: s.text };
    case 'public_update': return { kind: 'public_update', text: s.text };
    case 'merge': return { kind: 'merge', intoCaseId: s.intoSelf ? ids.self : ids.other };
    case 'move': return { kind: 'move_department', departmentId: c[s.to], reason: s.reason };
    case 'clock': return s.suspend ? { kind: 'suspend_clock', clock: 'resolution', reason: s.reason } : { kind: 'resume_clock', clock: 'resolution' };
  }
}

for (const database of databasesUnderTest()) {
  describe(`random staff actions on ${database.name}`, () => {
    let c: Council;
    before(async () => { c = await openCouncil(database); });
    after(() => c.t.cleanup());

    test('keep every case consistent, and refused actions change nothing', async () => {
      let keys = 0;
      const tally = new Map<string, number>();
      const runs = database.name === 'sqlite' ? 50 : 12;
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const caseId = await c.report();
        const other = await c.report('Another hole');
        const version = await workflowVersion(c.db, (await caseRow(c.db, caseId)).workflow_version_id!);
        const definition = version.definition;
        for (const { who, step: s } of steps) {
          const actor = c[who] as WorkflowActor;
          const current = await caseRow(c.db, caseId);
          const input = toInput(c, definition, { self: caseId, other }, s, current.state, actor);
          const before = { row: current, actions: await count(c.db, 'case_actions'), audit: await count(c.db, 'audit_log'), events: await count(c.db, 'events') };
          let accepted = true;
          try {
            const result = await performCaseAction(c.db, ctx, caseId, input, actor, `prop-${database.name}-${++keys}`);
            assert.equal(result.repeated, false);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            accepted = false;
          }
          const after = await caseRow(c.db, caseId);
          if (accepted) tally.set(input.kind, (tally.get(input.kind) ?? 0) + 1);
          if (accepted) {
            assert.equal(await count(c.db, 'case_actions'), before.actions + 1, `${input.kind} appends one action`);
            assert.equal(await count(c.db, 'audit_log'), before.audit + 1, `${input.kind} writes one audit entry`);
          } else {
            assert.deepEqual(after, before.row, `a refused ${input.kind} leaves the case as it was`);
            assert.equal(await count(c.db, 'case_actions'), before.actions);
            assert.equal(await count(c.db, 'audit_log'), before.audit);
            assert.equal(await count(c.db, 'events'), before.events);
          }
          const state = stateOf(definition, after.state);
          assert.ok(state, `"${after.state}" is a state of the workflow`);
          assert.equal(after.status, state.publicStatus);
          assert.equal(after.closed_at !== null, after.status === 'closed');
          if (after.status === 'closed') assert.equal(after.due_at, null, 'a closed case has no clock running');
          assert.equal(after.workflow_version_id, version.id, 'the case keeps its version');
        }
      }), { numRuns: runs });
      // Not a vacuous test: the sequences really moved cases through the workflow.
      assert.ok((tally.get('transition') ?? 0) > 0 && tally.size >= 3, JSON.stringify([...tally]));
      if (process.env.TOWNHALL_TEST_VERBOSE) console.log(database.name, JSON.stringify([...tally]));

    });
  });
}
