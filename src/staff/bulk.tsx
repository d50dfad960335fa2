/**
 * Bulk actions from a queue: the same action applied to each chosen case through the workflow
 * engine, one case at a time (each its own transaction, so one refusal stops nothing else).
 * Each action has its own button, so the one pressed is the one done (choosing a person and
 * pressing "Assign" assigns to them). Assigning, moving on and moving to another department are
 * confirmed on a page listing the cases first; the result says what changed on each case. Taking
 * cases, changing their priority, assigning and closing them can then be undone from the result
 * page for a short time (cases/undo.ts): reversible, so undo rather than one more confirmation.
 */
import type { ComponentChildren } from 'preact';
import { parseId } from '../platform/ids.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/errors.js';
import type { RouteDeps } from '../platform/deps.js';
import { inTraining, workspaceJurisdiction } from '../training/space.js';
import { performCaseAction } from '../cases/actions.js';
import { findCaseRow } from '../cases/queries.js';
import type { CaseRow } from '../db/schema.js';
import { priorities, type CaseActionInput, type Priority } from '../workflow/types.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from './actions.js';
import { loadCase, newIdempotencyKey, personDepartmentId, servicesByCode, staffAccess } from './case-data.js';
import { undoableAction, undoCaseAction, UNDO_WINDOW_MS } from '../cases/undo.js';
import * as store from './store.js';
import { TrainingBanner } from './views.js';
import { casesCount, clockTime, priorityLabel } from './words.js';

export const MAX_BULK = 200;

/** The action the bulk form asks for, or a message saying what is missing. */
export function bulkInput(body: unknown): { input: CaseActionInput } | { message: string } {
  const text = (name: string) => formText(body, name).trim();
  switch (text('bulk_action')) {
    case 'claim': return { input: { kind: 'claim' } };
    case 'assign': {
      const to = text('assignee');
      if (to === 'none') return { input: { kind: 'assign', userId: null } };
      const chosen = parseId(to);
      if (chosen === null) return { message: 'Choose the person to assign the cases to (or “Nobody” to unassign them).' };
      return { input: { kind: 'assign', userId: chosen } };
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

/** Actions that change who or where a case is, or its state: confirmed before they are done. */
const confirmed = new Set<CaseActionInput['kind']>(['assign', 'transition', 'move_department']);

export interface BulkOutcome { id: number; done: boolean; message: string; /** The change, while it can be undone. */ undoable?: number }

export function bulkRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): void {
  /** Words for the state of a case, its assignee, its department: what the result page compares. */
  async function describer(request: FastifyRequest) {
    const departments = await store.listDepartments(db);
    const names = new Map<number, string>();
    const name = async (id: number | null) => {
      if (id === null) return 'nobody';
      if (!names.has(id)) for (const [k, v] of await store.userNames(db, keyring, [id])) names.set(k, v);
      return names.get(id) ?? `staff member ${id}`;
    };
    const stateOf = async (row: CaseRow) => store.staffLabelOf((await store.workflowVersions(db, [row.workflow_version_id])).get(row.workflow_version_id ?? -1)?.definition, row.state, row.status);
    const department = (id: number | null) => departments.find((d) => d.id === id)?.name ?? 'no department';
    const change = async (input: CaseActionInput, before: CaseRow, after: CaseRow | undefined): Promise<string> => {
      if (!after) return 'Done.';
      switch (input.kind) {
        case 'claim': case 'assign':
          return after.assigned_user_id === null ? `Unassigned (was ${await name(before.assigned_user_id)}).` : `Assigned to ${await name(after.assigned_user_id)} (was ${await name(before.assigned_user_id)}).`;
        case 'set_priority': return `Priority changed from ${priorityLabel(before.priority)} to ${priorityLabel(after.priority)}.`;
        case 'transition': return `Moved from ${await stateOf(before)} to ${await stateOf(after)}.`;
        case 'move_department': return `Moved to ${department(after.department_id)} (was ${department(before.department_id)}); now assigned to ${await name(after.assigned_user_id)}.`;
        default: return 'Done.';
      }
    };
    return { name, change, department, jurisdictionId: workspaceJurisdiction(request, config) };
  }

  app.post('/staff/bulk', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const chosen = [...new Set(([] as unknown[]).concat(body?.case ?? []).filter((v): v is string => parseId(v) !== null))];
    const back = formText(body, 'back').startsWith('/staff') ? formText(body, 'back') : '/staff';
    const training = inTraining(request);
    const page = (title: string, content: ComponentChildren, status = 200) => renderPage(request, reply, {
      title, englishOnly: true, status, body: <>{training && <TrainingBanner />}{content}</>,
    });
    const problem = (message: string) => page('Bulk action', <><h1>Bulk action</h1><div class="error-summary" role="alert" tabindex={-1}><p>{message}</p></div><p><a href={back}>Back to the queue</a></p></>, 400);
    if (chosen.length === 0) return problem('Select at least one case, then choose what to do.');
    if (chosen.length > MAX_BULK) return problem(`Select at most ${MAX_BULK} cases at a time.`);
    const parsed = bulkInput(body);
    if ('message' in parsed) return problem(parsed.message);
    const key = idempotencyKeyOf(request, body);
    if (!key) return problem('This form is out of date. Go back, reload the page and try again.');
    const words = await describer(request);
    const input = parsed.input;
    // The cases this person may see (another department's are left out here, and refused below).
    const rows: CaseRow[] = [];
    for (const id of chosen) {
      try {
        rows.push((await loadCase(db, config, request, id)).row);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const stepLabel = async (code: string) => {
      const versions = await store.workflowVersions(db, rows.map((r) => r.workflow_version_id));
      for (const version of versions.values()) for (const t of version.definition.transitions) if (t.code === code) return t.label;
      return code.replace(/_/g, ' ');
    };
    const what = input.kind === 'assign' ? (input.userId === null ? 'Unassign' : `Assign to ${await words.name(input.userId)}`)
      : input.kind === 'move_department' ? `Move to ${words.department(input.departmentId)}`
        : input.kind === 'transition' ? `Move on: ${await stepLabel(input.transition)}`
          : input.kind === 'set_priority' ? `Set the priority to ${priorityLabel(input.priority)}` : 'Take them myself';

    if (confirmed.has(input.kind) && formText(body, 'confirmed') !== '1') {
      const services = await servicesByCode(db, config);
      const lines = await Promise.all(rows.map(async (r) => ({ id: r.id, text: `${services.get(r.service_code)?.name ?? r.service_code}${r.address_string ? `, ${r.address_string}` : ''}; assigned to ${await words.name(r.assigned_user_id)}` })));
      return page('Confirm the bulk action', (
        <>
          <p><a href={back}>Back to the queue</a></p>
          <h1>{what}: {casesCount(chosen.length)}?</h1>
          {rows.length < chosen.length && <p>Not found, or another department's, so they will be refused: {chosen.filter((id) => !rows.some((r) => String(r.id) === id)).map((id) => `#${id}`).join(', ')}.</p>}
          <ul class="bulk-cases">{lines.map((l) => <li key={l.id}><a href={`/staff/requests/${l.id}`}>#{l.id}</a> {l.text}</li>)}</ul>
          <form method="post" action="/staff/bulk" novalidate>
            {Object.entries(body ?? {}).filter(([name]) => name !== 'case' && name !== 'confirmed').map(([name, value]) =>
              typeof value === 'string' ? <input key={name} type="hidden" name={name} value={value} /> : null)}
            {chosen.map((id) => <input key={id} type="hidden" name="case" value={id} />)}
            <input type="hidden" name="confirmed" value="1" />
            <button type="submit">{`${what}: ${casesCount(chosen.length)}`}</button>
            <a class="button secondary" href={back}>Cancel</a>
          </form>
        </>
      ));
    }

    const ctx = engineContextOf(request, config, keyring);
    const actor = actorOf(request, await personDepartmentId(db, request));
    const outcomes: BulkOutcome[] = [];
    for (const id of chosen) {
      try {
        const loaded = await loadCase(db, config, request, id);
        const result = await performCaseAction(db, ctx, loaded.row.id, input, actor, `${key}:${input.kind}:${id}`);
        const after = await findCaseRow(db, loaded.row.jurisdiction_id, loaded.row.id);
        const definition = (await store.workflowVersions(db, [loaded.row.workflow_version_id])).get(loaded.row.workflow_version_id ?? -1)?.definition;
        const undoable = result.repeated ? null : await undoableAction(db, loaded.row.id, actor, definition);
        outcomes.push({
          id: Number(id), done: true, message: result.repeated ? 'Already done (this form was sent before).' : await words.change(input, loaded.row, after),
          ...(undoable?.id === result.actionId ? { undoable: result.actionId } : {}),
        });
      } catch (error) {
        // A failure on one case is reported on its line; the cases already changed stay reported as changed.
        if (!(error instanceof DomainError)) request.log.error({ err: error, caseId: id }, 'bulk action failed on one case');
        outcomes.push({ id: Number(id), done: false, message: error instanceof DomainError ? error.message : 'Not changed: something went wrong on our side with this case. Try it again on its own page.' });
      }
    }
    const undoable = outcomes.filter((o) => o.undoable !== undefined);
    return page('Bulk action', (
      <>
        <h1>{what}</h1>
        <ResultTable outcomes={outcomes} verb="changed" />
        {undoable.length > 0 && (
          <form method="post" action="/staff/bulk/undo" class="undo-form" novalidate>
            <input type="hidden" name="_csrf" value={request.person!.csrfToken} />
            <input type="hidden" name="idempotency_key" value={newIdempotencyKey()} />
            <input type="hidden" name="back" value={back} />
            {undoable.map((o) => <input key={o.id} type="hidden" name="undo" value={`${o.id}:${o.undoable!}`} />)}
            <p>Made by mistake? You can undo {undoable.length === 1 ? 'this change' : `these ${undoable.length} changes`} until {clockTime(new Date(Date.now() + UNDO_WINDOW_MS).toISOString(), config.jurisdiction.timeZone)}, on each case nobody has changed since.</p>
            <button type="submit" class="secondary">Undo {undoable.length === 1 ? 'this change' : `all ${undoable.length} changes`}</button>
          </form>
        )}
        <p><a href={back}>Back to the queue</a></p>
      </>
    ));
  });

  // Undoing a bulk action: each case's change undone on its own (one refusal stops nothing else), with the result case by case.
  app.post('/staff/bulk/undo', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const back = formText(body, 'back').startsWith('/staff') ? formText(body, 'back') : '/staff';
    const pairs = [...new Set(([] as unknown[]).concat(body?.undo ?? []).filter((v): v is string => typeof v === 'string'))]
      .map((v) => /^(\d{1,15}):(\d{1,15})$/.exec(v)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ caseId: m[1]!, actionId: Number(m[2]) }));
    const page = (content: ComponentChildren, status = 200) => renderPage(request, reply, {
      title: 'Undo the bulk action', englishOnly: true, status, body: <>{inTraining(request) && <TrainingBanner />}{content}</>,
    });
    const problem = (message: string) => page(<><h1>Undo the bulk action</h1><div class="error-summary" role="alert" tabindex={-1}><p>{message}</p></div><p><a href={back}>Back to the queue</a></p></>, 400);
    if (pairs.length === 0) return problem('There is nothing to undo: go back to the queue and make the change you need.');
    if (pairs.length > MAX_BULK) return problem(`Undo at most ${MAX_BULK} changes at a time.`);
    const key = idempotencyKeyOf(request, body);
    if (!key) return problem('This form is out of date. Go back, reload the page and try again.');
    const ctx = engineContextOf(request, config, keyring);
    const actor = actorOf(request, await personDepartmentId(db, request));
    const outcomes: BulkOutcome[] = [];
    for (const { caseId, actionId } of pairs) {
      try {
        const loaded = await loadCase(db, config, request, caseId);
        const result = await undoCaseAction(db, ctx, loaded.row.id, actionId, actor, `${key}:undo:${caseId}`);
        outcomes.push({ id: Number(caseId), done: true, message: result.repeated ? 'Already undone (this form was sent before).' : 'Undone: put back as it was.' });
      } catch (error) {
        if (!(error instanceof DomainError)) request.log.error({ err: error, caseId }, 'bulk undo failed on one case');
        outcomes.push({ id: Number(caseId), done: false, message: error instanceof DomainError ? error.message : 'Not undone: something went wrong on our side with this case. Look at it on its own page.' });
      }
    }
    return page(<><h1>Undo the bulk action</h1><ResultTable outcomes={outcomes} verb="undone" /><p><a href={back}>Back to the queue</a></p></>);
  });
}

/** What happened on each case, and how many changed (or were undone) and how many not. */
function ResultTable({ outcomes, verb }: { outcomes: BulkOutcome[]; verb: 'changed' | 'undone' }) {
  const done = outcomes.filter((o) => o.done).length;
  const label = verb === 'changed' ? 'Changed' : 'Undone';
  return (
    <>
      <div class="notice" role="status"><p>{casesCount(done)} {verb}{outcomes.length - done > 0 ? `; ${casesCount(outcomes.length - done)} not ${verb}` : ''}.</p></div>
      <table class="bulk-result">
        <caption class="visually-hidden">What happened on each case</caption>
        <thead><tr><th scope="col">Case</th><th scope="col">Result</th><th scope="col">What changed</th></tr></thead>
        <tbody>
          {outcomes.map((o) => (
            <tr key={o.id}><td><a href={`/staff/requests/${o.id}`}>#{o.id}</a></td><td>{o.done ? label : <strong>Not {verb}</strong>}</td><td>{o.message}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
