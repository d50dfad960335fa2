/** Settings pages for workflows: the list, a workflow's draft with its forms, the preview. */
import { roles } from '../identity/roles.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { ANY_STATE } from '../workflow/definition.js';
import { priorities, type EntryAction, type WorkflowDefinition, type WorkflowState, type WorkflowTransition, type WorkflowVersion } from '../workflow/types.js';
import { Checkboxes, Select, TextField } from './common.js';
import { HOURS_PER_WORKING_DAY, targetWords, type WorkflowSummary } from './workflows.js';

export const workflowUrl = (code: string) => `/admin/settings/workflows/${encodeURIComponent(code)}`;

export const entryActionOptions: Array<[string, string]> = [
  ['notify_reporter', 'Tell the reporter and followers'],
  ['assign:auto', 'Assign by the department\'s rule'],
  ['assign:nobody', 'Clear the assignee'],
  ...(['resolution', 'statutory'] as const).flatMap((clock): Array<[string, string]> => [
    [`start_clock:${clock}`, `Start the ${clock} clock`], [`stop_clock:${clock}`, `Stop the ${clock} clock`],
    [`suspend_clock:${clock}`, `Pause the ${clock} clock`], [`resume_clock:${clock}`, `Restart the paused ${clock} clock`],
  ]),
];

export const entryActionValue = (action: EntryAction) => (action.do === 'notify_reporter' ? action.do : action.do === 'assign' ? `assign:${action.to}` : `${action.do}:${action.clock}`);
export const entryActionName = (action: EntryAction) => entryActionOptions.find(([v]) => v === entryActionValue(action))?.[1] ?? action.do;
export const staffRoleOptions: Array<[string, string]> = roles.filter((r) => r !== 'resident').map((r) => [r, r.replace(/_/g, ' ')]);

export function WorkflowList({ workflows, csrf, errors, values }: { workflows: WorkflowSummary[]; csrf: string; errors: FieldErrors; values: { code: string; name: string } }) {
  return (
    <>
      <h1>Workflows</h1>
      <p>The states a case goes through and who may move it. Changes are made on a draft and published as a new version; open cases keep the version they started on.</p>
      <TableWrap label="Workflows">
        <table>
          <thead><tr><th scope="col">Workflow</th><th scope="col">Code</th><th scope="col">Published version</th><th scope="col">Draft</th></tr></thead>
          <tbody>
            {workflows.map((w) => (
              <tr key={w.code}>
                <td><a href={workflowUrl(w.code)}>{w.name}</a></td><td><code>{w.code}</code></td>
                <td>{w.published ? `Version ${w.published.version}` : 'None yet'}</td><td>{w.draft ? `Version ${w.draft.version} (not published)` : 'None'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h2>Create a workflow</h2>
      <p>It starts as a draft copied from the standard workflow. Publish it, then choose it on a service's page.</p>
      <PostForm action="/admin/settings/workflows" csrf={csrf}>
        <TextField name="code" label="Code" hint="Lower-case letters, digits, dashes and underscores, for example graffiti." value={values.code} error={errors.code} />
        <TextField name="name" label="Name" value={values.name} error={errors.name} />
        <button type="submit">Create workflow</button>
      </PostForm>
    </>
  );
}

export interface StateFormValues { code: string; label: string; publicStatus: string; publicLabel: string; onEntry: string[] }
export interface TransitionFormValues { code: string; label: string; from: string[]; to: string; roles: string[]; requires: string[] }
export interface SlaFormValues { clock: string; priority: string; state: string; amount: string; unit: string; minutes: string; warnAt: string }

export const stateValuesOf = (s: WorkflowState): StateFormValues => ({ code: s.code, label: s.label, publicStatus: s.publicStatus, publicLabel: s.publicLabel, onEntry: s.onEntry.map(entryActionValue) });
export const transitionValuesOf = (t: WorkflowTransition): TransitionFormValues => ({ code: t.code, label: t.label, from: t.from, to: t.to, roles: t.roles, requires: t.requires });
export const emptyState: StateFormValues = { code: '', label: '', publicStatus: 'open', publicLabel: '', onEntry: [] };
export const emptyTransition: TransitionFormValues = { code: '', label: '', from: [], to: '', roles: ['case_worker', 'supervisor', 'department_admin'], requires: [] };
export const emptySla: SlaFormValues = { clock: 'resolution', priority: '', state: '', amount: '', unit: 'days', minutes: '', warnAt: '80' };

export interface DraftForms { state: StateFormValues; transition: TransitionFormValues; sla: SlaFormValues }

function RemoveButton({ action, csrf, name, value, label }: { action: string; csrf: string; name: string; value: string; label: string }) {
  return (
    <PostForm action={action} csrf={csrf}>
      <input type="hidden" name={name} value={value} />
      <button type="submit" class="secondary">Remove<span class="skip-link"> {label}</span></button>
    </PostForm>
  );
}

export function StatesTable({ definition, base, csrf }: { definition: WorkflowDefinition; base?: string; csrf?: string }) {
  return (
    <TableWrap label="States">
      <table>
        <thead><tr><th scope="col">State</th><th scope="col">Code</th><th scope="col">Residents see</th><th scope="col">On entry</th>{base && <th scope="col"><span class="hint">Actions</span></th>}</tr></thead>
        <tbody>
          {definition.states.map((s) => (
            <tr key={s.code}>
              <td>{s.label}{s.code === definition.initial && ' (new cases start here)'}</td><td><code>{s.code}</code></td>
              <td>{s.publicLabel} ({s.publicStatus})</td><td>{s.onEntry.map(entryActionName).join('; ') || 'Nothing'}</td>
              {base && csrf && <td><a href={`${base}?state=${encodeURIComponent(s.code)}#state-form`}>Change<span class="skip-link"> state {s.code}</span></a>
                <RemoveButton action={`${base}/states/remove`} csrf={csrf} name="state" value={s.code} label={`state ${s.code}`} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function TransitionsTable({ definition, base, csrf }: { definition: WorkflowDefinition; base?: string; csrf?: string }) {
  const label = (code: string) => (code === ANY_STATE ? 'any state' : definition.states.find((s) => s.code === code)?.label ?? code);
  return (
    <TableWrap label="Transitions">
      <table>
        <thead><tr><th scope="col">Button</th><th scope="col">Code</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Who</th><th scope="col">Asks for</th>{base && <th scope="col"><span class="hint">Actions</span></th>}</tr></thead>
        <tbody>
          {definition.transitions.map((t) => (
            <tr key={t.code}>
              <td>{t.label}</td><td><code>{t.code}</code></td><td>{t.from.map(label).join(', ')}</td><td>{label(t.to)}</td>
              <td>{t.roles.map((r) => r.replace(/_/g, ' ')).join(', ')}</td><td>{t.requires.map((r) => r.replace(/_/g, ' ')).join(', ') || 'Nothing'}</td>
              {base && csrf && <td><a href={`${base}?transition=${encodeURIComponent(t.code)}#transition-form`}>Change<span class="skip-link"> transition {t.code}</span></a>
                <RemoveButton action={`${base}/transitions/remove`} csrf={csrf} name="transition" value={t.code} label={`transition ${t.code}`} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function SlaTable({ definition, base, csrf }: { definition: WorkflowDefinition; base?: string; csrf?: string }) {
  if (definition.sla.length === 0) return <p>No SLA targets: cases have no due time.</p>;
  return (
    <TableWrap label="SLA targets">
      <table>
        <thead><tr><th scope="col">Clock</th><th scope="col">Priority</th><th scope="col">Starting in</th><th scope="col">Target</th><th scope="col">Warn at</th>{base && <th scope="col"><span class="hint">Actions</span></th>}</tr></thead>
        <tbody>
          {definition.sla.map((s, index) => (
            <tr key={index}>
              <td>{s.clock}</td><td>{s.priority ?? 'any'}</td><td>{s.state ?? 'any state'}</td><td>{targetWords(s.minutes)}</td><td>{Math.round(s.warnAt * 100)}%</td>
              {base && csrf && <td><RemoveButton action={`${base}/sla/remove`} csrf={csrf} name="index" value={String(index)} label={`SLA target ${index + 1}`} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The draft's editor: its tables, then a form each to add or change a state, a transition, an SLA target. */
export function DraftEditor({ draft, csrf, forms, errors, editingState, editingTransition }: {
  draft: WorkflowVersion; csrf: string; forms: DraftForms; errors: FieldErrors; editingState: boolean; editingTransition: boolean;
}) {
  const base = workflowUrl(draft.workflowCode);
  const d = draft.definition;
  const stateOptions = d.states.map((s): [string, string] => [s.code, `${s.label} (${s.code})`]);
  return (
    <>
      <h2>Draft version {draft.version}</h2>
      <p>Nothing here affects cases until you publish. <a href={`${base}/preview`}>Preview the draft and check it</a></p>
      <h3>States</h3>
      <StatesTable definition={d} base={base} csrf={csrf} />
      <PostForm action={`${base}/initial`} csrf={csrf}>
        <Select name="initial" label="New cases start in" options={stateOptions} value={d.initial} error={errors.initial} />
        <button type="submit" class="secondary">Save starting state</button>
      </PostForm>
      <h3 id="state-form">{editingState ? `Change state ${forms.state.code}` : 'Add a state'}</h3>
      <PostForm action={`${base}/states`} csrf={csrf}>
        {editingState ? <input type="hidden" name="stateCode" value={forms.state.code} />
          : <TextField name="stateCode" label="State code" hint="Lower-case letters, digits and underscores, for example awaiting_parts." value={forms.state.code} error={errors.stateCode} />}
        <TextField name="stateLabel" label="Label for staff" value={forms.state.label} error={errors.stateLabel} />
        <Select name="publicStatus" label="Open311 status" options={[['open', 'Open'], ['closed', 'Closed']]} value={forms.state.publicStatus} error={errors.publicStatus} />
        <TextField name="publicLabel" label="Label residents see" hint="For example: Waiting for parts." value={forms.state.publicLabel} error={errors.publicLabel} />
        <Checkboxes name="onEntry" legend="When a case enters this state" options={entryActionOptions} values={forms.state.onEntry} error={errors.onEntry} />
        <button type="submit">{editingState ? 'Save state' : 'Add state'}</button>
      </PostForm>

      <h3>Transitions</h3>
      <TransitionsTable definition={d} base={base} csrf={csrf} />
      <h3 id="transition-form">{editingTransition ? `Change transition ${forms.transition.code}` : 'Add a transition'}</h3>
      <PostForm action={`${base}/transitions`} csrf={csrf}>
        {editingTransition ? <input type="hidden" name="transitionCode" value={forms.transition.code} />
          : <TextField name="transitionCode" label="Transition code" hint="Lower-case letters, digits and underscores, for example wait_for_parts." value={forms.transition.code} error={errors.transitionCode} />}
        <TextField name="transitionLabel" label="Button label" hint="What staff press, for example: Wait for parts." value={forms.transition.label} error={errors.transitionLabel} />
        <Checkboxes name="from" legend="Can be taken from" options={[[ANY_STATE, 'Any state'], ...stateOptions]} values={forms.transition.from} error={errors.from} />
        <Select name="to" label="Leads to" options={[['', 'Choose a state'], ...stateOptions]} value={forms.transition.to} error={errors.to} />
        <Checkboxes name="roles" legend="Who may take it" options={staffRoleOptions} values={forms.transition.roles} error={errors.roles} />
        <Checkboxes name="requires" legend="Staff must give" options={[['reason', 'A reason (kept internal)'], ['public_note', 'A note residents see']]} values={forms.transition.requires} />
        <button type="submit">{editingTransition ? 'Save transition' : 'Add transition'}</button>
      </PostForm>

      <h3>SLA targets</h3>
      <SlaTable definition={d} base={base} csrf={csrf} />
      <h3 id="sla-form">Add an SLA target</h3>
      <PostForm action={`${base}/sla`} csrf={csrf}>
        <Select name="clock" label="Clock" options={[['resolution', 'Resolution (the service standard)'], ['statutory', 'Statutory (a deadline set by law)']]} value={forms.sla.clock} />
        <Select name="priority" label="Priority" options={[['', 'Any priority'], ...priorities.map((p): [string, string] => [p, p])]} value={forms.sla.priority} />
        <Select name="slaState" label="When the clock starts in" options={[['', 'Any state'], ...stateOptions]} value={forms.sla.state} error={errors.slaState} />
        <TextField name="amount" label="Target" hint={`A number of working hours or working days (a working day counts as ${HOURS_PER_WORKING_DAY} working hours), for example 5 days or 4 hours.`} inputmode="numeric" value={forms.sla.amount} error={errors.amount} />
        <Select name="unit" label="Counted in" options={[['days', 'Working days'], ['hours', 'Working hours']]} value={forms.sla.unit} />
        <TextField name="warnAt" label="Warn when this percentage of the time is used" inputmode="numeric" value={forms.sla.warnAt} error={errors.warnAt} />
        <button type="submit">Add SLA target</button>
      </PostForm>
    </>
  );
}

/** States as boxes and transitions as arrows, in text: readable without a diagram library or JavaScript. */
export function WorkflowDiagram({ definition }: { definition: WorkflowDefinition }) {
  return (
    <ol class="workflow-diagram">
      {definition.states.map((s) => {
        const out = definition.transitions.filter((t) => t.to !== s.code && (t.from.includes(s.code) || t.from.includes(ANY_STATE)));
        return (
          <li key={s.code}>
            <strong>{s.label}</strong> <span class="hint">({s.publicStatus}; residents see “{s.publicLabel}”)</span>
            {out.length === 0 ? <p>No way out{s.publicStatus === 'closed' ? ': a final state.' : '.'}</p> : (
              <ul>{out.map((t) => <li key={t.code}>“{t.label}” → {definition.states.find((x) => x.code === t.to)?.label ?? t.to}</li>)}</ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
