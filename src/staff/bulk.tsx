/**
 * Bulk actions from a queue: the same action applied to each chosen case through the workflow
 * engine, one case at a time (each its own transaction, so one refusal stops nothing else), with
 * a line per case saying what was done and what was refused, and why.
 */
import { parseId } from '../platform/ids.js';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../platform/errors.js';
import type { RouteDeps } from '../platform/deps.js';
import { inTraining } from '../training/space.js';
import { performCaseAction } from '../cases/actions.js';
import { priorities, type CaseActionInput, type Priority } from '../workflow/types.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from './actions.js';
import { loadCase, personDepartmentId, staffAccess } from './case-data.js';
import { BulkResultPage, type BulkOutcome } from './queues.js';

export const MAX_BULK = 200;

/** The action the bulk form asks for, or a message saying what is missing. */
export function bulkInput(body: unknown, userId: number): { input: CaseActionInput } | { message: string } {
  const text = (name: string) => formText(body, name).trim();
  switch (text('bulk_action')) {
    case 'claim': return { input: { kind: 'claim' } };
    case 'assign': {
      const to = text('assignee');
      const chosen = parseId(to);
      if (to !== '' && chosen === null) return { message: 'Choose the person to assign the cases to.' };
      return { input: { kind: 'assign', userId: to === '' ? null : to === String(userId) ? userId : chosen } };
    }
    case 'set_priority': {
      const priority = text('priority') as Priority;
      return priorities.includes(priority) ? { input: { kind: 'set_priority', priority } } : { message: 'Choose a priority.' };
    }
    case 'transition': {
      const transition = text('transition');
      if (!/^[a-z0-9_]{1,64}$/.test(transition)) return { message: 'Choose the step to move the cases on to.' };
      const reason = text('reason').slice(0, 4_000);
      return { input: { kind: 'transition', transition, ...(reason ? { reason } : {}) } };
    }
    case 'move_department': {
      const department = text('department');
      const departmentId = parseId(department);
      if (departmentId === null) return { message: 'Choose the department to move the cases to.' };
      const reason = text('reason');
      if (!reason) return { message: 'Say why the cases belong to the other department.' };
      return { input: { kind: 'move_department', departmentId, reason: reason.slice(0, 4_000) } };
    }
    default: return { message: 'Choose what to do with the selected cases.' };
  }
}

/** What a bulk action did to one case, in words. */
function whatChanged(input: CaseActionInput): string {
  switch (input.kind) {
    case 'claim': return 'Assigned to you.';
    case 'assign': return input.userId === null ? 'Unassigned.' : 'Assigned as chosen.';
    case 'set_priority': return `Priority set to ${input.priority}.`;
    case 'transition': return 'Moved on to the chosen step.';
    case 'move_department': return 'Moved to the chosen department.';
    default: return 'Changed.';
  }
}

export function bulkRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): void {
  app.post('/staff/bulk', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const chosen = ([] as unknown[]).concat(body?.case ?? []).filter((v): v is string => parseId(v) !== null);
    const back = formText(body, 'back').startsWith('/staff') ? formText(body, 'back') : '/staff';
    const training = inTraining(request);
    const page = (outcomes: BulkOutcome[], status = 200, problem?: string) => renderPage(request, reply, {
      title: 'Bulk action', englishOnly: true, status,
      body: problem
        ? <><h1>Bulk action</h1><div class="error-summary" role="alert" tabindex={-1}><p>{problem}</p></div><p><a href={back}>Back to the queue</a></p></>
        : <BulkResultPage outcomes={outcomes} back={back} training={training} />,
    });
    if (chosen.length === 0) return page([], 400, 'Select at least one case, then choose what to do.');
    if (chosen.length > MAX_BULK) return page([], 400, `Select at most ${MAX_BULK} cases at a time.`);
    const parsed = bulkInput(body, request.person!.userId);
    if ('message' in parsed) return page([], 400, parsed.message);
    const key = idempotencyKeyOf(request, body);
    if (!key) return page([], 400, 'This form is out of date. Go back, reload the page and try again.');
    const ctx = engineContextOf(request, config, keyring);
    const actor = actorOf(request, await personDepartmentId(db, request));
    const outcomes: BulkOutcome[] = [];
    // Each case changes in its own transaction: one that fails (refused, or an error on our side)
    // is left as it was and said so, and the cases before and after it keep their changes. So
    // the page always says, case by case, what changed, never "nothing was changed" after some did.
    for (const id of [...new Set(chosen)]) {
      try {
        const loaded = await loadCase(db, config, request, id);
        const result = await performCaseAction(db, ctx, loaded.row.id, parsed.input, actor, `${key}:${parsed.input.kind}:${id}`);
        outcomes.push({ id: Number(id), done: true, message: result.repeated ? 'Already done (this form was sent before).' : whatChanged(parsed.input) });
      } catch (error) {
        if (error instanceof DomainError) {
          outcomes.push({ id: Number(id), done: false, message: error.message });
          continue;
        }
        request.log.error({ err: error, caseId: id }, 'bulk action failed on one case');
        outcomes.push({ id: Number(id), done: false, message: 'Not changed: something went wrong on our side with this case. Try it again on its own page.' });
      }
    }
    return page(outcomes);
  });
}
