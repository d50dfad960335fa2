/**
 * One case, for the people who work it: what was reported, where, the SLA clocks, every action
 * taken (internal notes marked as such), internal attachments, and a form for each thing they
 * may do. Each form carries a random key made for this page, so sending it twice acts once.
 */
import type { ComponentChildren } from 'preact';
import { ErrorSummary, type FieldErrors } from '../web/forms.js';
import { priorities, type Priority, type WorkflowTransition } from '../workflow/types.js';
import type { Department, ResponseTemplate, StaffMember } from './store.js';
import type { HistoryLine } from './timeline.js';
import { ShortcutHelp } from './queues.js';
import { TrainingBanner } from './views.js';
import { priorityLabel } from './words.js';
import { csrfAction } from '../web/csrf.js';
import { ApplicationPanel, type ApplicationPanelView } from '../applications/staff-panel.js';
import { ApplicationWork, type ApplicationWorkView } from '../applications/inspection-views.js';
import { StaffQuestions, type StaffQuestionsView } from './staff-questions.js';

export interface DueLine { at: string; words: string; overdue: boolean; explanation: string }
export interface ClockLine { kind: string; status: string; due: string; left: string; target: string; breached: boolean; warned: boolean }
export interface Candidate { id: string; description: string | null; address: string | null; distance: number }

/** Client mode: the case's standing with its back office. */
export interface ForwardingLine {
  state: 'sent' | 'waiting' | 'failed';
  words: string;
  fetched: string | null;
  fetchError: string | null;
}

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
  assigneeId: number | null;
  assignee: string | null;
  assignedToMe: boolean;
  workflow: string;
  reported: string;
  /** The one due date staff work to, explained. */
  due: DueLine | null;
  mergedInto: number | null;
  /** Its id in the system it was imported from, if it was. */
  externalId: string | null;
  forwarding: ForwardingLine | null;
  photos: string[];
  attachments: Array<{ id: string; name: string; at: string }>;
  clocks: ClockLine[] | null;
  history: HistoryLine[];
  canSeeContact: boolean;
  canAct: boolean;
  /** `href`: a step taken on a page of its own (an application's decision form), linked instead of a button. */
  transitions: Array<WorkflowTransition & { closing: boolean; toLabel: string; href?: string }>;
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
  /** The person's own last change, while they can still undo it. */
  undo: { actionId: number; what: string; until: string } | null;
  training: boolean;
  csrf: string;
  idempotencyKey: string;
  liveUrl: string;
  map: { tiles: string; attribution: string };
  /** An application's own panel (cases of kind 'application'), or null. */
  application: ApplicationPanelView | null;
  /** An application's consultations and inspections (applications/work-panel.ts); null for other kinds of case. */
  applicationWork?: ApplicationWorkView | null;
  /** The service's staff-only questions and their answers; null when it asks none. */
  staffQuestions?: StaffQuestionsView | null;
}

function ActionForm({ view, action, children, label, id, buttonClass, shortcut }: { view: CaseView; action: string; children?: ComponentChildren; label: string; id?: string; buttonClass?: string; shortcut?: string }) {
  return (
    <form method="post" action={`/staff/requests/${view.id}/actions`} novalidate id={id ?? `form-${action}`}>
      <input type="hidden" name="_csrf" value={view.csrf} />
      {/* One key per form of this page: sending the same form twice acts once; another form still acts. */}
      <input type="hidden" name="idempotency_key" value={`${view.idempotencyKey}-${id ?? action}`} />
      <input type="hidden" name="action" value={action} />
      {children}
      <button type="submit" class={buttonClass} data-shortcut={shortcut}>{label}</button>
    </form>
  );
}

/** "Undo" for the person's own last change: a plain form, so it works without JavaScript. */
function UndoForm({ view }: { view: CaseView }) {
  const undo = view.undo!;
  return (
    <form method="post" action={`/staff/requests/${view.id}/undo`} class="undo-form" novalidate>
      <input type="hidden" name="_csrf" value={view.csrf} />
      <input type="hidden" name="idempotency_key" value={`${view.idempotencyKey}-undo`} />
      <input type="hidden" name="action_id" value={String(undo.actionId)} />
      <p>Your last change: {undo.what}. You can undo it until {undo.until}, unless someone changes the case first.</p>
      <button type="submit" class="secondary" id="undo">Undo this change</button>
    </form>
  );
}

function FieldError({ view, name }: { view: CaseView; name: string }) {
  const error = view.errors[name];
  return error ? <span class="error-message" id={`${name}-error`}>Error: {error}</span> : null;
}
const describedBy = (view: CaseView, name: string) => (view.errors[name] ? `${name}-error` : undefined);

/** The next likely steps: taking the case and moving it on without closing it, then marking it fixed. */
export function primaryTransitions(view: Pick<CaseView, 'transitions'>) {
  const open = view.transitions.filter((t) => !t.closing);
  const firstClosing = view.transitions.find((t) => t.closing && !t.requires.includes('reason'));
  return firstClosing ? [...open, firstClosing] : open;
}

export function CasePage({ view }: { view: CaseView }) {
  const v = view;
  const primary = primaryTransitions(v);
  const others = v.transitions.filter((t) => !primary.includes(t));
  return (
    <div data-staff-live={v.liveUrl} class="case-page" data-case={String(v.id)}>
      <p class="case-nav"><a href="/staff" id="back-to-queue">Back to the queues</a> <span class="queue-steps" hidden></span></p>
      {v.training && <TrainingBanner />}
      <ErrorSummary errors={v.errors} />
      {v.done && <div class="notice" role="status"><p>{v.done}</p>{v.undo && <UndoForm view={v} />}</div>}
      {!v.done && v.undo && <div class="notice undo-notice"><UndoForm view={v} /></div>}
      <div class="case-head">
        <h1>Case #{v.id}: {v.service}</h1>
        <ShortcutHelp page="case" />
      </div>
      <dl class="summary case-summary">
        <div><dt>State</dt><dd>{v.stateLabel} <span class="hint">(residents see “{v.publicLabel}”)</span></dd></div>
        <div><dt>Priority</dt><dd class={`priority priority-${v.priority}`}>{priorityLabel(v.priority)}</dd></div>
        <div><dt>Assigned to</dt><dd>{v.assignee ?? 'Nobody'}</dd></div>
        <div><dt>Department</dt><dd>{v.department}</dd></div>
        <div class="due-cell"><dt>Due</dt><dd>{v.due
          ? <>{v.due.at}{v.due.words && <>, <strong class={v.due.overdue ? 'late' : undefined}>{v.due.words}</strong></>}<span class="hint">{v.due.explanation}</span></>
          : v.status === 'open' ? 'No due date' : 'Closed'}</dd></div>
        <div><dt>Reported</dt><dd>{v.reported}</dd></div>
        {v.externalId !== null && <div><dt>Reference in the old system</dt><dd id="external-id">{v.externalId}</dd></div>}
        {v.forwarding && <div class="forwarding-cell" id="forwarding"><dt>Back office</dt><dd>{v.forwarding.state === 'failed' ? <strong class="late">{v.forwarding.words}</strong> : v.forwarding.words}
          {v.forwarding.fetched && <span class="hint">{v.forwarding.fetched}</span>}{v.forwarding.fetchError && <span class="hint">{v.forwarding.fetchError}</span>}</dd></div>}
        {v.mergedInto !== null && <div><dt>Merged into</dt><dd><a href={`/staff/requests/${v.mergedInto}`}>Case #{v.mergedInto}</a></dd></div>}
      </dl>

      {v.canAct && (
        <section class="primary-actions" aria-labelledby="actions-heading">
          <h2 id="actions-heading" class="visually-hidden">Work on this case</h2>
          {v.status === 'open' && !v.assignedToMe && <ActionForm view={v} action="claim" label="Take this case" shortcut="c" />}
          {primary.map((t) => (t.href ? <a key={t.code} class={t.closing ? 'button secondary' : 'button'} href={t.href} id={`transition-${t.code}`}>{t.label}</a> : (
            <ActionForm key={t.code} view={v} action="transition" label={t.label} id={`transition-${t.code}`} buttonClass={t.closing ? 'secondary' : undefined}>
              <input type="hidden" name="transition" value={t.code} />
            </ActionForm>
          )))}
          <a class="button secondary" href="#public-update" data-shortcut="r">Reply to residents</a>
          <a class="button secondary" href="#note">Add an internal note</a>
        </section>
      )}

      <div class="case-columns">
        <div class="case-main">
          {v.application && <ApplicationPanel view={v.application} csrf={v.csrf} idempotencyKey={v.idempotencyKey} />}
          {v.applicationWork && <ApplicationWork view={v.applicationWork} />}
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">History <span class="h-note">(newest first)</span></h2>
            <ol class="timeline" reversed>
              {v.history.map((h) => (
                <li key={h.id} class={h.isPublic ? undefined : 'internal'}>
                  <p class="what"><strong>{h.what}</strong>{!h.isPublic && <> <span class="tag">Internal</span></>}</p>
                  <p class="meta">{h.who} · <time>{h.at}</time></p>
                  {h.detail && <p class="detail">{h.detail}</p>}
                  {h.text && <p class="text">{h.text}</p>}
                </li>
              ))}
            </ol>
          </section>
          {v.canAct && <Replies view={v} />}
        </div>
        <div class="case-side">
          <CaseDetails view={v} />
          {v.canAct && <MoreActions view={v} others={others} />}
        </div>
      </div>
      <script src="/assets/staff-live.js" defer></script>
      <script src="/assets/staff-keys.js" defer></script>
    </div>
  );
}

function CaseDetails({ view: v }: { view: CaseView }) {
  return (
    <section aria-labelledby="details-heading">
      <h2 id="details-heading">What was reported</h2>
      <dl class="summary compact">
        <dt>Description</dt><dd>{v.description ?? 'None given'}</dd>
        <dt>Address</dt><dd>{v.address ?? 'No address'}</dd>
        {v.attributes.map(([name, value]) => <><dt key={`dt-${name}`}>{name}</dt><dd key={`dd-${name}`}>{value}</dd></>)}
        <dt>Workflow</dt><dd>{v.workflow}</dd>
      </dl>
      {v.lat !== null && v.long !== null && (
        <>
          <p class="hint">Location: {v.lat.toFixed(6)}, {v.long.toFixed(6)}.{' '}
            <a href={`https://www.openstreetmap.org/?mlat=${v.lat}&mlon=${v.long}#map=18/${v.lat}/${v.long}`}>Open the place on a map</a></p>
          {/* A small map when scripts run (the same map script as the public pages); the coordinates above without. */}
          <div class="map map-small" data-map="show" data-points-url={`/staff/requests/${v.id}/location.geojson`} data-tiles={v.map.tiles} data-attribution={v.map.attribution}></div>
          <script src="/assets/map.js" defer></script>
        </>
      )}
      {v.photos.length > 0 && (
        <>
          <h3>Photos</h3>
          <ul class="photos">{v.photos.map((src, i) => <li key={src}><a href={src}><img src={src} alt={`Photo ${i + 1} from the reporter`} width={240} /></a></li>)}</ul>
        </>
      )}
      {/* Beside what was reported: the council's own answers about the case. */}
      {v.staffQuestions && <StaffQuestions view={v.staffQuestions} caseId={v.id} canAct={v.canAct} csrf={v.csrf} idempotencyKey={v.idempotencyKey} />}
      <h3>Reporter</h3>
      {v.canSeeContact
        ? <p><a href={`/staff/requests/${v.id}/contact`}>Show the reporter's contact details</a> (this is recorded)</p>
        : <p class="hint">The reporter's contact details are only for the department working this case.</p>}
      <h3>Time to resolve</h3>
      {v.clocks === null ? <p>The SLA clocks cannot be shown just now.</p> : v.clocks.length === 0 ? <p>No clock is running for this case.</p> : (
        <ul class="clocks">
          {v.clocks.map((c) => (
            <li key={c.kind}><strong>{c.kind === 'resolution' ? 'Resolution' : 'Statutory deadline'}</strong>: {c.status}, target {c.target}. {c.due}{c.left && `, ${c.left}`}.
              {c.breached && <strong> The time ran out.</strong>}{!c.breached && c.warned && <strong> Nearly out of time.</strong>}</li>
          ))}
        </ul>
      )}
      <h3 id="attachments">Internal files</h3>
      {v.attachments.length === 0 ? <p class="hint">No files attached.</p> : (
        <ul>{v.attachments.map((a) => <li key={a.id}><a href={`/staff/attachments/${a.id}`}>{a.name}</a> ({a.at})</li>)}</ul>
      )}
      {v.canAct && (
        <form method="post" action={csrfAction(`/staff/requests/${v.id}/attachments`, v.csrf)} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={v.csrf} />
          <label for="file">Attach a file (PDF, JPG, PNG or plain text, up to 5 MB; staff only)</label>
          <FieldError view={v} name="file" />
          <input id="file" name="file" type="file" accept=".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain" aria-describedby={describedBy(v, 'file')} />
          <button type="submit" class="secondary">Attach the file</button>
        </form>
      )}
    </section>
  );
}

function Replies({ view: v }: { view: CaseView }) {
  return (
    <>
      <h2 id="public-update">Reply to residents</h2>
      {v.templates.length > 0 && (
        <form method="get" action={`/staff/requests/${v.id}#public-update`} class="inline-form">
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

      <h2 id="note">Internal note</h2>
      <ActionForm view={v} action="note" label="Add the note" buttonClass="secondary">
        <label for="note_text">Note for staff (never shown to the public)</label>
        <FieldError view={v} name="note_text" />
        <textarea id="note_text" name="note_text" rows={3} aria-describedby={describedBy(v, 'note_text')}>{v.values.note_text ?? ''}</textarea>
      </ActionForm>
    </>
  );
}

/** Everything else, grouped and folded away; open when one of its forms has an error to show. */
function MoreActions({ view: v, others }: { view: CaseView; others: CaseView['transitions'] }) {
  const has = (...names: string[]) => names.some((name) => Object.keys(v.errors).some((key) => key.startsWith(name)));
  return (
    <section aria-labelledby="more-heading" class="more-actions">
      <h2 id="more-heading">More actions</h2>
      <details open={has('assignee', 'priority')}>
        <summary>Assign or change the priority</summary>
        <ActionForm view={v} action="assign" label="Assign" buttonClass="secondary">
          <label for="assignee">Assign to</label>
          <FieldError view={v} name="assignee" />
          <select id="assignee" name="assignee" aria-describedby={describedBy(v, 'assignee')}>
            <option value="" selected={v.assigneeId === null}>Nobody</option>
            {v.people.map((p) => <option key={p.id} value={String(p.id)} selected={p.id === v.assigneeId}>{p.name}</option>)}
            {v.assigneeId !== null && !v.people.some((p) => p.id === v.assigneeId) && <option value={String(v.assigneeId)} selected>{v.assignee}</option>}
          </select>
        </ActionForm>
        <ActionForm view={v} action="set_priority" label="Set the priority" buttonClass="secondary">
          <label for="priority">Priority</label>
          <FieldError view={v} name="priority" />
          <select id="priority" name="priority">{priorities.map((p) => <option key={p} value={p} selected={p === v.priority}>{priorityLabel(p)}</option>)}</select>
        </ActionForm>
      </details>

      {others.length > 0 && (
        <details open={others.some((t) => has(`transition-${t.code}`, `reason-${t.code}`))}>
          <summary>Close the case another way</summary>
          {others.map((t) => (t.href ? <p key={t.code}><a class="button secondary" href={t.href} id={`transition-${t.code}`}>{t.label}</a></p> : (
            <ActionForm key={t.code} view={v} action="transition" label={t.label} id={`transition-${t.code}`} buttonClass="secondary">
              <input type="hidden" name="transition" value={t.code} />
              <FieldError view={v} name={`transition-${t.code}`} />
            </ActionForm>
          )))}
        </details>
      )}

      <details open={has('merge')}>
        <summary>Duplicate of another case</summary>
        <ActionForm view={v} action="merge" label="Merge into that case" buttonClass="secondary">
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
      </details>

      <details open={has('department', 'move_reason')}>
        <summary>Move to another department</summary>
        <ActionForm view={v} action="move_department" label="Move the case" buttonClass="secondary">
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
      </details>

      <details open={has('suspend_clock', 'resume_clock', 'extend_clock')}>
        <summary>Pause, restart or extend a clock</summary>
        <ClockForms view={v} />
      </details>
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
      <ActionForm view={v} action="suspend_clock" label="Pause the clock" buttonClass="secondary">
        <ClockSelect view={v} action="suspend_clock" />
        <label for="suspend_clock-reason">Why (for example, waiting for the resident)</label>
        <FieldError view={v} name="suspend_clock-reason" />
        <input id="suspend_clock-reason" name="clock_reason" type="text" aria-describedby={describedBy(v, 'suspend_clock-reason')} />
      </ActionForm>
      <ActionForm view={v} action="resume_clock" label="Restart the clock" buttonClass="secondary">
        <ClockSelect view={v} action="resume_clock" />
      </ActionForm>
      <ActionForm view={v} action="extend_clock" label="Extend the clock" buttonClass="secondary">
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
