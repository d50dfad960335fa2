/**
 * Settings: workflows (system administrators). "New draft" copies the published version; the
 * draft is edited with forms, previewed with its problems, and published when it has none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRole, type Role } from '../identity/roles.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid } from '../platform/errors.js';
import { PostForm, type FieldErrors } from '../web/forms.js';
import { priorities, type EntryAction, type Priority, type RequiredField, type SlaTarget, type WorkflowState, type WorkflowTransition } from '../workflow/types.js';
import { actorOf, attempt, csrfOf, field, fieldList, param, settingsPage, systemAdminOnly } from './common.js';
import {
  changeDraft, checkSlaTarget, checkState, checkTransition, createWorkflow, draftProblems, draftVersion, listWorkflows, publishDraft, publishedVersion,
  putSlaTarget, putState, putTransition, removeSlaTarget, removeState, removeTransition, setInitial, startDraft,
  draftWarnings, targetMinutes,
} from './workflows.js';
import {
  DraftEditor, emptySla, emptyState, emptyTransition, entryActionOptions, SlaTable, StatesTable, stateValuesOf, TransitionsTable, transitionValuesOf,
  WorkflowDiagram, WorkflowList, workflowUrl, type DraftForms,
} from './workflows-views.js';

const hidden = { hide: true };

function parseEntryAction(value: string): EntryAction | null {
  if (!entryActionOptions.some(([v]) => v === value)) return null;
  const [kind, arg] = value.split(':') as [string, string | undefined];
  if (kind === 'notify_reporter') return { do: 'notify_reporter' };
  if (kind === 'assign') return { do: 'assign', to: arg === 'auto' ? 'auto' : 'nobody' };
  return { do: kind as 'start_clock', clock: arg === 'statutory' ? 'statutory' : 'resolution' };
}

/** Maps each problem of a checker to the form field it is about. */
function errorsFrom(problems: string[], fields: Array<[RegExp, string]>, fallback: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const key = fields.find(([pattern]) => pattern.test(problem))?.[1] ?? fallback;
    errors[key] ??= problem;
  }
  return errors;
}

export async function workflowSettingsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;

  const showList = async (request: FastifyRequest, reply: FastifyReply, values = { code: '', name: '' }, errors: FieldErrors = {}, status?: number) =>
    settingsPage(request, reply, {
      title: 'Workflows', errors, status, back: { href: '/admin/settings', label: 'Settings' },
      body: <WorkflowList workflows={await listWorkflows(db, jurisdictionId)} csrf={csrfOf(request, reply)} errors={errors} values={values} />,
    });

  app.get('/admin/settings/workflows', { config: systemAdminOnly, schema: hidden }, async (request, reply) => showList(request, reply));
  app.post('/admin/settings/workflows', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const values = { code: field(request.body, 'code'), name: field(request.body, 'name') };
    const created = await attempt(() => createWorkflow(db, jurisdictionId, values, actorOf(request)), 'code');
    if (!created.ok) return showList(request, reply, values, created.errors.code && /name/.test(created.errors.code) && !/code/.test(created.errors.code) ? { name: created.errors.code } : created.errors, created.status);
    return reply.redirect(workflowUrl(values.code), 303);
  });

  const showWorkflow = async (request: FastifyRequest, reply: FastifyReply, extra: { forms?: Partial<DraftForms>; errors?: FieldErrors; status?: number } = {}) => {
    const code = param(request, 'code');
    await listWorkflows(db, jurisdictionId); // makes sure "standard" exists
    const published = await publishedVersion(db, jurisdictionId, code);
    const draft = await draftVersion(db, jurisdictionId, code);
    const csrf = csrfOf(request, reply);
    const query = request.query as Record<string, unknown>;
    const chosenState = draft?.definition.states.find((s) => s.code === query.state);
    const chosenTransition = draft?.definition.transitions.find((t) => t.code === query.transition);
    const forms: DraftForms = {
      state: extra.forms?.state ?? (chosenState ? stateValuesOf(chosenState) : emptyState),
      transition: extra.forms?.transition ?? (chosenTransition ? transitionValuesOf(chosenTransition) : emptyTransition),
      sla: extra.forms?.sla ?? emptySla,
    };
    const name = (draft ?? published)?.workflowName ?? code;
    const errors = extra.errors ?? {};
    return settingsPage(request, reply, {
      title: `Workflow: ${name}`, errors, status: extra.status, back: { href: '/admin/settings/workflows', label: 'All workflows' },
      body: (
        <>
          <h1>Workflow: {name}</h1>
          {field(request.query, 'published') && <div class="notice" role="status"><p>Published as version {field(request.query, 'published')}. New cases start on it; open cases keep their version.</p></div>}
          <h2>Published version</h2>
          {published ? (
            <>
              <p>Version {published.version}: {published.definition.states.length} states and {published.definition.transitions.length} transitions.</p>
              <details><summary>Its states and transitions</summary><StatesTable definition={published.definition} /><TransitionsTable definition={published.definition} /><SlaTable definition={published.definition} /></details>
            </>
          ) : <p>None yet: services using this workflow start on the standard one until a version is published.</p>}
          {draft ? (
            <DraftEditor draft={draft} csrf={csrf} forms={forms} errors={errors} editingState={draft.definition.states.some((s) => s.code === forms.state.code)}
              editingTransition={draft.definition.transitions.some((t) => t.code === forms.transition.code)} />
          ) : (
            <PostForm action={`${workflowUrl(code)}/draft`} csrf={csrf}>
              <p>To change it, start a draft: a copy of the published version that you edit, check and publish.</p>
              <button type="submit">New draft</button>
            </PostForm>
          )}
        </>
      ),
    });
  };

  app.get('/admin/settings/workflows/:code', { config: systemAdminOnly, schema: hidden }, async (request, reply) => showWorkflow(request, reply));

  app.post('/admin/settings/workflows/:code/draft', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    await startDraft(db, jurisdictionId, param(request, 'code'), actorOf(request));
    return reply.redirect(workflowUrl(param(request, 'code')), 303);
  });

  /** Saves one edit to the draft; a refusal is shown on the workflow's page at the right field. */
  const edit = async (request: FastifyRequest, reply: FastifyReply, what: string, change: Parameters<typeof changeDraft>[4], errorField: string, anchor: string, forms?: Partial<DraftForms>) => {
    const done = await attempt(() => changeDraft(db, jurisdictionId, param(request, 'code'), what, change, actorOf(request)), errorField);
    if (!done.ok) return showWorkflow(request, reply, { errors: done.errors, status: done.status, forms });
    return reply.redirect(`${workflowUrl(param(request, 'code'))}#${anchor}`, 303);
  };

  app.post('/admin/settings/workflows/:code/states', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const body = request.body;
    const values = { code: field(body, 'stateCode'), label: field(body, 'stateLabel'), publicStatus: field(body, 'publicStatus'), publicLabel: field(body, 'publicLabel'), onEntry: fieldList(body, 'onEntry') };
    const onEntry = values.onEntry.map(parseEntryAction);
    const state: WorkflowState = { code: values.code, label: values.label, publicStatus: values.publicStatus === 'closed' ? 'closed' : 'open', publicLabel: values.publicLabel, onEntry: onEntry.filter((a): a is EntryAction => a !== null) };
    const errors = errorsFrom(checkState(state), [[/code/, 'stateCode'], [/for staff/, 'stateLabel'], [/residents/, 'publicLabel']], 'stateCode');
    if (values.publicStatus !== 'open' && values.publicStatus !== 'closed') errors.publicStatus = 'Choose open or closed.';
    if (onEntry.includes(null)) errors.onEntry = 'Choose entry actions from the list.';
    if (Object.keys(errors).length > 0) return showWorkflow(request, reply, { errors, forms: { state: values } });
    return edit(request, reply, 'state_saved', (d) => putState(d, state), 'stateCode', 'state-form', { state: values });
  });

  app.post('/admin/settings/workflows/:code/states/remove', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    edit(request, reply, 'state_removed', (d) => removeState(d, field(request.body, 'state')), 'stateCode', 'state-form'));

  app.post('/admin/settings/workflows/:code/initial', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    edit(request, reply, 'initial_changed', (d) => setInitial(d, field(request.body, 'initial')), 'initial', 'state-form'));

  app.post('/admin/settings/workflows/:code/transitions', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const body = request.body;
    const values = { code: field(body, 'transitionCode'), label: field(body, 'transitionLabel'), from: fieldList(body, 'from'), to: field(body, 'to'), roles: fieldList(body, 'roles'), requires: fieldList(body, 'requires') };
    const transition: WorkflowTransition = {
      code: values.code, label: values.label, from: values.from, to: values.to,
      roles: values.roles.filter((r): r is Role => isRole(r) && r !== 'resident'),
      requires: values.requires.filter((r): r is RequiredField => r === 'reason' || r === 'public_note'),
    };
    const draft = await draftVersion(db, jurisdictionId, param(request, 'code'));
    if (!draft) throw invalid('There is no draft to change: start one with "New draft".');
    const errors = errorsFrom(checkTransition(transition, draft.definition), [[/code/, 'transitionCode'], [/label/, 'transitionLabel'], [/taken from|"from"/, 'from'], [/leads to/, 'to'], [/role/, 'roles']], 'transitionCode');
    if (transition.roles.length !== values.roles.length) errors.roles = 'Choose staff roles from the list.';
    if (Object.keys(errors).length > 0) return showWorkflow(request, reply, { errors, forms: { transition: values } });
    return edit(request, reply, 'transition_saved', (d) => putTransition(d, transition), 'transitionCode', 'transition-form', { transition: values });
  });

  app.post('/admin/settings/workflows/:code/transitions/remove', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    edit(request, reply, 'transition_removed', (d) => removeTransition(d, field(request.body, 'transition')), 'transitionCode', 'transition-form'));

  app.post('/admin/settings/workflows/:code/sla', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const body = request.body;
    // The target in working hours or days ("amount" and "unit"); "minutes" is still read from older forms and scripts.
    const values = { clock: field(body, 'clock'), priority: field(body, 'priority'), state: field(body, 'slaState'), amount: field(body, 'amount'), unit: field(body, 'unit') === 'days' ? 'days' : 'hours', minutes: field(body, 'minutes'), warnAt: field(body, 'warnAt') };
    const target: SlaTarget = {
      clock: values.clock === 'statutory' ? 'statutory' : 'resolution',
      priority: (priorities as readonly string[]).includes(values.priority) ? values.priority as Priority : null,
      state: values.state || null,
      minutes: values.amount === '' && /^\d{1,6}$/.test(values.minutes) ? Number(values.minutes) : targetMinutes(values.amount, values.unit),
      warnAt: /^\d{1,2}$/.test(values.warnAt) ? Number(values.warnAt) / 100 : NaN,
    };
    const draft = await draftVersion(db, jurisdictionId, param(request, 'code'));
    if (!draft) throw invalid('There is no draft to change: start one with "New draft".');
    const errors = errorsFrom(checkSlaTarget(target, draft.definition), [[/target/, 'amount'], [/Warn/, 'warnAt'], [/state/, 'slaState']], 'amount');
    if (Object.keys(errors).length > 0) return showWorkflow(request, reply, { errors, forms: { sla: values } });
    return edit(request, reply, 'sla_saved', (d) => putSlaTarget(d, target), 'amount', 'sla-form', { sla: values });
  });

  app.post('/admin/settings/workflows/:code/sla/remove', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    edit(request, reply, 'sla_removed', (d) => removeSlaTarget(d, Number(field(request.body, 'index'))), 'amount', 'sla-form'));

  const showPreview = async (request: FastifyRequest, reply: FastifyReply, status = 200) => {
    const code = param(request, 'code');
    const draft = await draftVersion(db, jurisdictionId, code);
    if (!draft) return reply.redirect(workflowUrl(code), 303);
    const problems = draftProblems(draft.definition);
    const warnings = draftWarnings(draft.definition);
    const csrf = csrfOf(request, reply);
    return settingsPage(request, reply, {
      title: `Preview: ${draft.workflowName} version ${draft.version}`, status, back: { href: workflowUrl(code), label: 'Back to the draft' },
      body: (
        <>
          <h1>Preview: {draft.workflowName}, draft version {draft.version}</h1>
          {problems.length > 0 ? (
            <div class="error-summary" role="alert" aria-labelledby="problems-title" tabindex={-1}>
              <h2 id="problems-title">Fix these before publishing</h2>
              <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
            </div>
          ) : <div class="notice" role="status"><p>No problems found: this draft can be published.</p></div>}
          {warnings.length > 0 && (
            <div class="notice warning-notice" aria-labelledby="warnings-title">
              <h2 id="warnings-title">Check these (publishing is still allowed)</h2>
              <ul>{warnings.map((w) => <li key={w}>{w}</li>)}</ul>
            </div>
          )}
          <h2>How a case moves</h2>
          <WorkflowDiagram definition={draft.definition} />
          <h2>States</h2>
          <StatesTable definition={draft.definition} />
          <h2>Transitions</h2>
          <TransitionsTable definition={draft.definition} />
          <h2>SLA targets</h2>
          <SlaTable definition={draft.definition} />
          {problems.length === 0 && (
            <PostForm action={`${workflowUrl(code)}/publish`} csrf={csrf}>
              <p>Publishing makes it the version new cases start on. Open cases keep the version they started on.</p>
              <button type="submit">Publish version {draft.version}</button>
            </PostForm>
          )}
        </>
      ),
    });
  };

  app.get('/admin/settings/workflows/:code/preview', { config: systemAdminOnly, schema: hidden }, async (request, reply) => showPreview(request, reply));

  app.post('/admin/settings/workflows/:code/publish', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const code = param(request, 'code');
    const published = await attempt(() => publishDraft(db, jurisdictionId, code, actorOf(request)), 'publish');
    if (!published.ok) return showPreview(request, reply, published.status);
    return reply.redirect(`${workflowUrl(code)}?published=${published.value}`, 303);
  });
}
