/**
 * One case, for the people who work it: what was reported, where, the SLA clocks, every action
 * taken (internal notes marked as such), internal attachments, and a form for each thing they
 * may do. Each form carries a random key made for this page, so sending it twice acts once.
 */
import type { ComponentChildren } from 'preact';
import { ErrorSummary, type FieldErrors } from '../web/forms.js';
import { priorities, type Priority, type WorkflowTransition } from '../workflow/types.js';
import type { Department, ResponseTemplate, StaffMember } from './store.js';
import { TrainingBanner } from './views.js';
import { csrfAction } from '../web/csrf.js';

export interface ClockLine { kind: string; status: string; due: string; left: string; breached: boolean; warned: boolean }
export interface HistoryLine { id: number; at: string; who: string; what: string; text: string | null; isPublic: boolean }
export interface Candidate { id: string; description: string | null; address: string | null; distance: number }

export interface CaseView {
  id: number;
  service: string;
  description: string | null;
  address: string | null;
  lat: number | null;
  long: number | null;
  attributes: Array<[string, string]>;
  stateLabel: string;
  publicLabel: string;
  status: string;
  priority: Priority;
  department: string;
  departmentId: number | null;
  assignee: string | null;
  assignedToMe: boolean;
  workflow: string;
  reported: string;
  expected: string | null;
  mergedInto: number | null;
  photos: string[];
  attachments: Array<{ id: string; name: string; at: string }>;
  clocks: ClockLine[] | null;
  history: HistoryLine[];
  canSeeContact: boolean;
  canAct: boolean;
  transitions: WorkflowTransition[];
  people: StaffMember[];
  departments: Department[];
  templates: ResponseTemplate[];
  candidates: Candidate[];
  /** The public update's text: a template filled in, or what was sent with an error. */
  publicText: string;
  templateId: string;
  values: Record<string, string>;
  errors: FieldErrors;
  done: string | null;
  training: boolean;
  csrf: string;
  idempotencyKey: string;
  liveUrl: string;
  map: { tiles: string; attribution: string };
}

function ActionForm({ view, action, children, label, id }: { view: CaseView; action: string; children?: ComponentChildren; label: string; id?: string }) {
  return (
    <form method="post" action={`/staff/requests/${view.id}/actions`} novalidate id={id ?? `form-${action}`}>
      <input type="hidden" name="_csrf" value={view.csrf} />
      {/* One key per form of this page: sending the same form twice acts once; another form still acts. */}
      <input type="hidden" name="idempotency_key" value={`${view.idempotencyKey}-${id ?? action}`} />
      <input type="hidden" name="action" value={action} />
      {children}
      <button type="submit">{label}</button>
    </form>
  );
}

function FieldError({ view, name }: { view: CaseView; name: string }) {
  const error = view.errors[name];
  return error ? <span class="error-message" id={`${name}-error`}>Error: {error}</span> : null;
}
const describedBy = (view: CaseView, name: string) => (view.errors[name] ? `${name}-error` : undefined);

export function CasePage({ view }: { view: CaseView }) {
  const v = view;
  return (
    <div data-staff-live={v.liveUrl}>
      <p><a href="/staff">Back to the queues</a></p>
      {v.training && <TrainingBanner />}
      <ErrorSummary errors={v.errors} />
      {v.done && <div class="notice" role="status"><p>{v.done}</p></div>}
      <h1>Case #{v.id}: {v.service}</h1>
      <dl class="summary">
        <dt>State</dt><dd>{v.stateLabel} (residents see: “{v.publicLabel}”)</dd>
        <dt>Priority</dt><dd>{v.priority}</dd>
        <dt>Department</dt><dd>{v.department}</dd>
        <dt>Assigned to</dt><dd>{v.assignee ?? 'Nobody'}</dd>
        <dt>Workflow</dt><dd>{v.workflow}</dd>
        <dt>Reported</dt><dd>{v.reported}</dd>
        {v.expected && <><dt>Expected by</dt><dd>{v.expected}</dd></>}
        <dt>Description</dt><dd>{v.description ?? 'None given'}</dd>
        <dt>Address</dt><dd>{v.address ?? 'No address'}</dd>
        {v.attributes.map(([name, value]) => <><dt key={`dt-${name}`}>{name}</dt><dd key={`dd-${name}`}>{value}</dd></>)}
        {v.mergedInto !== null && <><dt>Merged into</dt><dd><a href={`/staff/requests/${v.mergedInto}`}>Case #{v.mergedInto}</a></dd></>}
      </dl>

      {v.lat !== null && v.long !== null && (
        <>
          <p>Location: {v.lat.toFixed(6)}, {v.long.toFixed(6)}.{' '}
            <a href={`https://www.openstreetmap.org/?mlat=${v.lat}&mlon=${v.long}#map=18/${v.lat}/${v.long}`}>Open the place on a map</a></p>
          {/* A small map when scripts run (the same map script as the public pages); the coordinates above without. */}
          <div class="map map-small" data-map="show" data-points-url={`/staff/requests/${v.id}/location.geojson`} data-tiles={v.map.tiles} data-attribution={v.map.attribution}></div>
          <script src="/assets/map.js" defer></script>
        </>
      )}

      <h2>Time to resolve</h2>
      {v.clocks === null ? <p>The SLA clocks cannot be shown just now.</p> : v.clocks.length === 0 ? <p>No clock is running for this case.</p> : (
        <ul>
          {v.clocks.map((c) => (
            <li key={c.kind}><strong>{c.kind === 'resolution' ? 'Resolution' : 'Statutory deadline'}</strong>: {c.status}. {c.due}{c.left && `; ${c.left}`}
              {c.breached && <strong> Breached: the time ran out.</strong>}{!c.breached && c.warned && <strong> Warning: nearly out of time.</strong>}</li>
          ))}
        </ul>
      )}

      {v.photos.length > 0 && (
        <>
          <h2>Photos</h2>
          <ul class="photos">{v.photos.map((src, i) => <li key={src}><a href={src}><img src={src} alt={`Photo ${i + 1} from the reporter`} width={240} /></a></li>)}</ul>
        </>
      )}

      <h2>Reporter</h2>
      {v.canSeeContact
        ? <p><a href={`/staff/requests/${v.id}/contact`}>Show the reporter's contact details</a> (this is recorded)</p>
        : <p class="hint">The reporter's contact details are only for the department working this case.</p>}

      {v.canAct && <Actions view={v} />}

      <h2 id="attachments">Internal files</h2>
      {v.attachments.length === 0 ? <p>No files attached.</p> : (
        <ul>{v.attachments.map((a) => <li key={a.id}><a href={`/staff/attachments/${a.id}`}>{a.name}</a> ({a.at})</li>)}</ul>
      )}
      {v.canAct && (
        <form method="post" action={csrfAction(`/staff/requests/${v.id}/attachments`, v.csrf)} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={v.csrf} />
          <label for="file">Attach a file (PDF, JPG, PNG or plain text, up to 5 MB; staff only)</label>
          <FieldError view={v} name="file" />
          <input id="file" name="file" type="file" accept=".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain" aria-describedby={describedBy(v, 'file')} />
          <button type="submit">Attach the file</button>
        </form>
      )}

      <h2>History</h2>
      <ol class="history">
        {v.history.map((h) => (
          <li key={h.id}>
            <p><strong>{h.what}</strong> by {h.who}, {h.at}{!h.isPublic && <> <strong class="internal">(Internal — never shown to the public)</strong></>}</p>
            {h.text && <p>{h.text}</p>}
          </li>
        ))}
      </ol>
      <script src="/assets/staff-live.js" defer></script>
    </div>
  );
}

function Actions({ view: v }: { view: CaseView }) {
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Work on this case</h2>
      {v.status === 'open' && !v.assignedToMe && <ActionForm view={v} action="claim" label="Take this case" />}

      {v.transitions.length > 0 && <h3>Move the case on</h3>}
      {v.transitions.map((t) => (
        <ActionForm key={t.code} view={v} action="transition" label={t.label} id={`transition-${t.code}`}>
          <input type="hidden" name="transition" value={t.code} />
          {t.requires.includes('reason') && (
            <><label for={`reason-${t.code}`}>Reason (for “{t.label}”, internal)</label>
              <textarea id={`reason-${t.code}`} name="reason" rows={2}>{v.values[`reason-${t.code}`] ?? ''}</textarea></>
          )}
          {t.requires.includes('public_note') && (
            <><label for={`public-note-${t.code}`}>Update for residents (for “{t.label}”)</label>
              <textarea id={`public-note-${t.code}`} name="public_note" rows={3}>{v.values[`public-note-${t.code}`] ?? v.publicText}</textarea></>
          )}
        </ActionForm>
      ))}

      <h3 id="public-update">Public update</h3>
      {v.templates.length > 0 && (
        <form method="get" action={`/staff/requests/${v.id}#public-update`}>
          <label for="template">Start from a response template</label>
          <select id="template" name="template">
            {v.templates.map((t) => <option key={t.id} value={String(t.id)} selected={String(t.id) === v.templateId}>{t.name}</option>)}
          </select>
          <button type="submit" class="secondary">Use template</button>
        </form>
      )}
      <ActionForm view={v} action="public_update" label="Send the update">
        <input type="hidden" name="template_id" value={v.templateId} />
        <label for="public_text">Update residents will see</label>
        <span class="hint">Sent to the reporter and followers, and shown on the public page.</span>
        <FieldError view={v} name="public_text" />
        <textarea id="public_text" name="public_text" rows={4} aria-describedby={describedBy(v, 'public_text')}>{v.publicText}</textarea>
      </ActionForm>

      <h3>Internal note</h3>
      <ActionForm view={v} action="note" label="Add the note">
        <label for="note_text">Note for staff (never shown to the public)</label>
        <FieldError view={v} name="note_text" />
        <textarea id="note_text" name="note_text" rows={3} aria-describedby={describedBy(v, 'note_text')}>{v.values.note_text ?? ''}</textarea>
      </ActionForm>

      <h3>Assign and prioritise</h3>
      <ActionForm view={v} action="assign" label="Assign">
        <label for="assignee">Assign to</label>
        <FieldError view={v} name="assignee" />
        <select id="assignee" name="assignee" aria-describedby={describedBy(v, 'assignee')}>
          <option value="">Nobody</option>
          {v.people.map((p) => <option key={p.id} value={String(p.id)}>{p.email}</option>)}
        </select>
      </ActionForm>
      <ActionForm view={v} action="set_priority" label="Set the priority">
        <label for="priority">Priority</label>
        <FieldError view={v} name="priority" />
        <select id="priority" name="priority">{priorities.map((p) => <option key={p} value={p} selected={p === v.priority}>{p}</option>)}</select>
      </ActionForm>

      <h3>Duplicate of another case</h3>
      <ActionForm view={v} action="merge" label="Merge into that case">
        {v.candidates.length > 0 ? (
          <fieldset>
            <legend>Open cases of the same service nearby</legend>
            {v.candidates.map((c) => (
              <div key={c.id} class="choice">
                <input type="radio" name="merge_into" id={`merge-${c.id}`} value={c.id} />
                <label for={`merge-${c.id}`}>#{c.id}, {c.distance} m away: {c.address ?? ''} {c.description ? `“${c.description.slice(0, 80)}”` : ''}</label>
              </div>
            ))}
          </fieldset>
        ) : <p class="hint">No open case of this service within 250 m.</p>}
        <label for="merge_reference">Or the reference of the case this one duplicates</label>
        <FieldError view={v} name="merge_reference" />
        <input id="merge_reference" name="merge_reference" type="text" inputmode="numeric" value={v.values.merge_reference ?? ''} aria-describedby={describedBy(v, 'merge_reference')} />
      </ActionForm>

      <h3>Another department</h3>
      <ActionForm view={v} action="move_department" label="Move the case">
        <label for="department">Department</label>
        <FieldError view={v} name="department" />
        <select id="department" name="department" aria-describedby={describedBy(v, 'department')}>
          <option value="">Choose a department</option>
          {v.departments.filter((d) => d.id !== v.departmentId).map((d) => <option key={d.id} value={String(d.id)}>{d.name}</option>)}
        </select>
        <label for="move_reason">Why it belongs there</label>
        <FieldError view={v} name="move_reason" />
        <input id="move_reason" name="move_reason" type="text" value={v.values.move_reason ?? ''} aria-describedby={describedBy(v, 'move_reason')} />
      </ActionForm>

      <h3>Clocks</h3>
      <ClockForms view={v} />
    </section>
  );
}

function ClockSelect({ view, action }: { view: CaseView; action: string }) {
  return (
    <>
      <label for={`${action}-clock`}>Clock</label>
      <FieldError view={view} name={`${action}-clock`} />
      <select id={`${action}-clock`} name="clock"><option value="resolution">Resolution</option><option value="statutory">Statutory deadline</option></select>
    </>
  );
}

function ClockForms({ view: v }: { view: CaseView }) {
  return (
    <>
      <ActionForm view={v} action="suspend_clock" label="Pause the clock">
        <ClockSelect view={v} action="suspend_clock" />
        <label for="suspend_clock-reason">Why (for example, waiting for the resident)</label>
        <FieldError view={v} name="suspend_clock-reason" />
        <input id="suspend_clock-reason" name="clock_reason" type="text" aria-describedby={describedBy(v, 'suspend_clock-reason')} />
      </ActionForm>
      <ActionForm view={v} action="resume_clock" label="Restart the clock">
        <ClockSelect view={v} action="resume_clock" />
      </ActionForm>
      <ActionForm view={v} action="extend_clock" label="Extend the clock">
        <ClockSelect view={v} action="extend_clock" />
        <label for="extend_clock-hours">Working hours to add</label>
        <FieldError view={v} name="extend_clock-hours" />
        <input id="extend_clock-hours" name="extend_hours" type="text" inputmode="numeric" aria-describedby={describedBy(v, 'extend_clock-hours')} />
        <label for="extend_clock-reason">Why</label>
        <FieldError view={v} name="extend_clock-reason" />
        <input id="extend_clock-reason" name="clock_reason" type="text" aria-describedby={describedBy(v, 'extend_clock-reason')} />
      </ActionForm>
    </>
  );
}
