/**
 * The pages of consultations and inspections: the section on an application's staff case page
 * (its consultations and inspections, with the forms to ask and to book), the list of
 * consultations waiting for a department, a consultation with the application read-only and the
 * reply form, and the inspection page, made for a phone on site (one column, large targets,
 * plain forms that work without JavaScript).
 */
import type { ComponentChildren } from 'preact';
import { csrfAction } from '../web/csrf.js';
import { ErrorSummary, ErrorText, describedBy, type FieldErrors } from '../web/forms.js';
import type { Answer } from './answers.js';
import type { ChecklistItem, FieldDefinition } from './definition.js';
import { answerWords } from './views.js';

export interface ConsultationLine {
  id: number; departmentName: string; question: string; dueOn: string; askedAt: string; reply: string | null; repliedAt: string | null; overdue: boolean;
}
export interface InspectionLine {
  id: string; when: string; durationMinutes: number; place: string; inspector: string; status: 'booked' | 'cancelled' | 'done'; outcome: 'pass' | 'fail' | null; photos: number;
}
export interface Choice { id: number; name: string }

/** What the application's case page shows of its consultations and inspections. */
export interface ApplicationWorkView {
  caseId: number;
  /** Staff of the application's department who may ask and book, while it is open. */
  canAct: boolean;
  consultations: ConsultationLine[];
  inspections: InspectionLine[];
  departments: Choice[];
  inspectors: Choice[];
  hasChecklist: boolean;
  csrf: string;
  idempotencyKey: string;
  today: string;
  errors: FieldErrors;
  values: Record<string, string>;
}

const outcomeWords = { pass: 'Passed', fail: 'Failed' } as const;
const statusWords = (line: InspectionLine) => (line.status === 'done' ? outcomeWords[line.outcome ?? 'fail'] : line.status === 'cancelled' ? 'Cancelled' : 'Booked');

function Text({ name, label, value, error, hint, type = 'text', inputmode }: { name: string; label: string; value?: string; error?: string; hint?: string; type?: string; inputmode?: 'numeric' }) {
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={name}>{label}</label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      <ErrorText id={name} error={error} />
      <input id={name} name={name} type={type as 'text'} value={value ?? ''} inputmode={inputmode} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)} />
    </div>
  );
}

function Select({ name, label, options, chosen, error, empty }: { name: string; label: string; options: Choice[]; chosen?: string; error?: string; empty: string }) {
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={name}>{label}</label>
      <ErrorText id={name} error={error} />
      <select id={name} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(error && `${name}-error`)}>
        <option value="">{empty}</option>
        {options.map((o) => <option key={o.id} value={String(o.id)} selected={chosen === String(o.id)}>{o.name}</option>)}
      </select>
    </div>
  );
}

function Form({ action, csrf, keyed, children, id }: { action: string; csrf: string; keyed?: string; children: ComponentChildren; id?: string }) {
  return (
    <form method="post" action={action} novalidate id={id}>
      <input type="hidden" name="_csrf" value={csrf} />
      {keyed && <input type="hidden" name="idempotency_key" value={keyed} />}
      {children}
    </form>
  );
}

/** The slot fields, shared by booking and changing an inspection. */
function SlotFields({ view, prefix = '' }: { view: Pick<ApplicationWorkView, 'inspectors' | 'errors' | 'values' | 'today'>; prefix?: string }) {
  const e = view.errors;
  const v = view.values;
  return (
    <>
      <Text name={`${prefix}date`} label="Date" hint={`Written 2027-03-01. Today is ${view.today}.`} type="date" value={v[`${prefix}date`]} error={e[`${prefix}date`]} />
      <Text name={`${prefix}time`} label="Start time (24-hour clock)" hint="For example 09:30 or 14:00." type="time" value={v[`${prefix}time`]} error={e[`${prefix}time`]} />
      <Text name={`${prefix}duration`} label="Length in minutes" inputmode="numeric" value={v[`${prefix}duration`] ?? '60'} error={e[`${prefix}duration`]} />
      <Text name={`${prefix}place`} label="Place" hint="The address the inspector goes to." value={v[`${prefix}place`]} error={e[`${prefix}place`]} />
      <Select name={`${prefix}inspector`} label="Inspector" options={view.inspectors} chosen={v[`${prefix}inspector`]} error={e[`${prefix}inspector`]} empty="Choose an inspector" />
    </>
  );
}

export function AskConsultationForm({ view }: { view: ApplicationWorkView }) {
  const e = view.errors;
  return (
    <Form action={`/staff/applications/${view.caseId}/consultations`} csrf={view.csrf} keyed={`${view.idempotencyKey}-consult`} id="ask-consultation">
      <Select name="department" label="Department to ask" options={view.departments} chosen={view.values.department} error={e.department} empty="Choose a department" />
      <div class={e.question ? 'field-error' : undefined}>
        <label for="question">Question</label>
        <ErrorText id="question" error={e.question} />
        <textarea id="question" name="question" rows={3} aria-invalid={e.question ? 'true' : undefined} aria-describedby={describedBy(e.question && 'question-error')}>{view.values.question ?? ''}</textarea>
      </div>
      <Text name="due_on" label="Reply by" hint="Written 2027-03-01." type="date" value={view.values.due_on} error={e.due_on} />
      <button type="submit" class="secondary">Ask the department</button>
    </Form>
  );
}

export function BookInspectionForm({ view }: { view: ApplicationWorkView }) {
  return (
    <Form action={`/staff/applications/${view.caseId}/inspections`} csrf={view.csrf} keyed={`${view.idempotencyKey}-inspect`} id="book-inspection">
      <SlotFields view={view} />
      <p class="hint">The applicant is emailed an invitation to add to their calendar.</p>
      <button type="submit" class="secondary">Book the inspection</button>
    </Form>
  );
}

/** The section of an application's case page. */
export function ApplicationWork({ view }: { view: ApplicationWorkView }) {
  const has = (...names: string[]) => names.some((n) => view.errors[n] !== undefined);
  return (
    <section aria-labelledby="application-work-heading" id="application-work">
      <h2 id="application-work-heading">Consultations and inspections</h2>
      <h3>Consultations</h3>
      {view.consultations.length === 0 ? <p class="hint">No department has been asked.</p> : (
        <ul class="consultations">
          {view.consultations.map((q) => (
            <li key={q.id}>
              <p><strong>{q.departmentName}</strong>, reply by {q.dueOn}{q.overdue && <> <strong class="late">Overdue</strong></>}{q.reply === null && !q.overdue && ' (waiting)'}</p>
              <p>Asked: {q.question}</p>
              {q.reply !== null ? <p>Reply ({q.repliedAt}): {q.reply}</p> : null}
            </li>
          ))}
        </ul>
      )}
      {view.canAct && (
        <details open={has('department', 'question', 'due_on')}>
          <summary>Ask another department</summary>
          <AskConsultationForm view={view} />
        </details>
      )}
      <h3>Inspections</h3>
      {!view.hasChecklist && <p class="hint">This service has no inspection checklist: the inspector records the outcome and notes only.</p>}
      {view.inspections.length === 0 ? <p class="hint">No inspection booked.</p> : (
        <ul class="inspections">
          {view.inspections.map((i) => (
            <li key={i.id}>
              <a href={`/staff/inspections/${i.id}`}>{i.when}</a>, {i.durationMinutes} minutes, {i.place}, with {i.inspector}: <strong>{statusWords(i)}</strong>
              {i.photos > 0 && ` (${i.photos} ${i.photos === 1 ? 'photo' : 'photos'})`}
            </li>
          ))}
        </ul>
      )}
      {view.canAct && (
        <details open={has('date', 'time', 'duration', 'place', 'inspector')}>
          <summary>Book an inspection</summary>
          <BookInspectionForm view={view} />
        </details>
      )}
    </section>
  );
}

/** A form's page of its own, shown again with its errors when it was sent with a problem. */
export function FormAgainPage({ title, caseId, errors, children }: { title: string; caseId: number; errors: FieldErrors; children: ComponentChildren }) {
  return (
    <>
      <p><a href={`/staff/requests/${caseId}`}>Back to case {caseId}</a></p>
      <ErrorSummary errors={errors} />
      <h1>{title}</h1>
      {children}
    </>
  );
}

export interface WaitingConsultation { id: number; caseId: number; question: string; dueOn: string; departmentName: string; serviceName: string; overdue: boolean }

export function ConsultationsPage({ lines, department }: { lines: WaitingConsultation[]; department: string }) {
  const overdue = lines.filter((l) => l.overdue).length;
  return (
    <>
      <p><a href="/staff">Back to the queues</a></p>
      <h1>Consultations waiting for a reply</h1>
      <p>Other departments ask {department} for a view on these applications. {lines.length === 0 ? 'None is waiting.' : `${lines.length} waiting${overdue > 0 ? `, ${overdue} overdue` : ''}.`}</p>
      {lines.length > 0 && (
        <ul class="consultation-list">
          {lines.map((l) => (
            <li key={l.id}>
              <a href={`/staff/consultations/${l.id}`}>Application {l.caseId}: {l.serviceName}</a>
              {' '}for {l.departmentName}, reply by {l.dueOn}{l.overdue && <> <strong class="late">Overdue</strong></>}
              <br /><span class="hint">{l.question.length > 160 ? `${l.question.slice(0, 160)}…` : l.question}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export interface AnswerLine { label: string; answer: string }

/** The application's answers in words, page by page (the applicant's contact details are not part of them). */
export function answerLines(pages: Array<{ title: string; fields: FieldDefinition[]; group?: { itemName: string; fields: FieldDefinition[]; id: string } }>, answers: Record<string, Answer>, t: Parameters<typeof answerWords>[2]): Array<{ title: string; lines: AnswerLine[] }> {
  return pages.map((page) => {
    const lines: AnswerLine[] = [];
    if (page.group) {
      const items = Array.isArray(answers[page.group.id]) ? answers[page.group.id] as Array<Record<string, string | string[]>> : [];
      items.forEach((item, n) => {
        const words = page.group!.fields.filter((f) => item[f.id] !== undefined).map((f) => `${f.label}: ${answerWords(f, item[f.id]!, t)}`).join('; ');
        lines.push({ label: `${page.group!.itemName} ${n + 1}`, answer: words });
      });
    }
    for (const field of page.fields) {
      const answer = answers[field.id];
      if (answer === undefined || field.type === 'file') continue;
      lines.push({ label: field.label, answer: answerWords(field, answer, t) });
    }
    return { title: page.title, lines };
  }).filter((p) => p.lines.length > 0);
}

export function ConsultationPage({ consultation, serviceName, state, answers, csrf, errors, typed }: {
  consultation: { id: number; caseId: number; departmentName: string; question: string; dueOn: string; reply: string | null; repliedAt: string | null; overdue: boolean; mayReply: boolean; askedBy: string };
  serviceName: string; state: string; answers: Array<{ title: string; lines: AnswerLine[] }>; csrf: string; errors: FieldErrors; typed: string;
}) {
  const q = consultation;
  return (
    <>
      <p><a href="/staff/consultations">Back to the consultations</a></p>
      <ErrorSummary errors={errors} />
      <span class="caption">{serviceName}</span>
      <h1>Consultation on application {q.caseId}</h1>
      <dl class="summary">
        <div class="summary-row"><dt>Asked of</dt><dd>{q.departmentName}</dd></div>
        <div class="summary-row"><dt>Reply by</dt><dd>{q.dueOn}{q.overdue && <> <strong class="late">Overdue</strong></>}</dd></div>
        <div class="summary-row"><dt>Where the application is</dt><dd>{state}</dd></div>
      </dl>
      <h2>The question</h2>
      <p>{q.question}</p>
      <h2>The application</h2>
      {answers.map((page) => (
        <section key={page.title}>
          <h3>{page.title}</h3>
          <dl class="summary">{page.lines.map((line, n) => <div class="summary-row" key={n}><dt>{line.label}</dt><dd><bdi>{line.answer}</bdi></dd></div>)}</dl>
        </section>
      ))}
      <h2>Your department's reply</h2>
      {q.reply !== null ? <p>Replied {q.repliedAt}: {q.reply}</p> : q.mayReply ? (
        <form method="post" action={`/staff/consultations/${q.id}/reply`} novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <div class={errors.reply ? 'field-error' : undefined}>
            <label for="reply">Reply</label>
            <span class="hint" id="reply-hint">The officer working the application reads it; it joins the application's case.</span>
            <ErrorText id="reply" error={errors.reply} />
            <textarea id="reply" name="reply" rows={6} aria-invalid={errors.reply ? 'true' : undefined} aria-describedby={describedBy('reply-hint', errors.reply && 'reply-error')}>{typed}</textarea>
          </div>
          <button type="submit">Send the reply</button>
        </form>
      ) : <p>Waiting for {q.departmentName} to reply.</p>}
    </>
  );
}

export interface InspectionPageView {
  id: string; caseId: number; serviceName: string; when: string; durationMinutes: number; place: string; inspector: string;
  status: 'booked' | 'cancelled' | 'done'; outcome: 'pass' | 'fail' | null; notes: string | null;
  checklist: ChecklistItem[]; results: Record<string, string>; photos: string[];
  canAct: boolean; csrf: string; idempotencyKey: string; errors: FieldErrors; values: Record<string, string>;
  inspectors: Choice[]; today: string; done: string | null;
}

const itemWords = { pass: 'Pass', fail: 'Fail', not_applicable: 'Not applicable' } as const;

/** The inspection, for the inspector on site: the checklist with pass, fail or not applicable per item, notes, photos, outcome. */
export function InspectionPage({ view }: { view: InspectionPageView }) {
  const v = view;
  const e = v.errors;
  const booked = v.status === 'booked';
  return (
    <div class="inspection-record">
      <p><a href={`/staff/requests/${v.caseId}`}>Back to application {v.caseId}</a></p>
      <ErrorSummary errors={e} />
      {v.done && <div class="notice" role="status"><p>{v.done}</p></div>}
      <span class="caption">{v.serviceName}</span>
      <h1>Inspection for application {v.caseId}</h1>
      <dl class="summary">
        <div class="summary-row"><dt>When</dt><dd>{v.when}, {v.durationMinutes} minutes</dd></div>
        <div class="summary-row"><dt>Where</dt><dd>{v.place}</dd></div>
        <div class="summary-row"><dt>Inspector</dt><dd>{v.inspector}</dd></div>
        <div class="summary-row"><dt>Result</dt><dd>{v.status === 'done' ? outcomeWords[v.outcome ?? 'fail'] : v.status === 'cancelled' ? 'Cancelled' : 'Not recorded yet'}</dd></div>
      </dl>
      <h2>Photos</h2>
      {v.photos.length === 0 ? <p class="hint">No photos yet.</p> : (
        <ul class="photos">{v.photos.map((id, n) => <li key={id}><a href={`/staff/attachments/${id}`}>Photo {n + 1}</a></li>)}</ul>
      )}
      {booked && v.canAct && (
        <form method="post" action={csrfAction(`/staff/inspections/${v.id}/photos`, v.csrf)} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={v.csrf} />
          <div class={e.photo ? 'field-error' : undefined}>
            <label for="photo">Add a photo (JPG or PNG, up to 10 MB)</label>
            <span class="hint" id="photo-hint">Add photos before you record the result. On a phone this can open the camera.</span>
            <ErrorText id="photo" error={e.photo} />
            <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" aria-describedby={describedBy('photo-hint', e.photo && 'photo-error')} />
          </div>
          <button type="submit" class="secondary">Add the photo</button>
        </form>
      )}
      <h2>Checklist</h2>
      {booked && v.canAct ? (
        <form method="post" action={`/staff/inspections/${v.id}/result`} novalidate>
          <input type="hidden" name="_csrf" value={v.csrf} />
          <input type="hidden" name="idempotency_key" value={`${v.idempotencyKey}-result`} />
          {v.checklist.length === 0 && <p class="hint">This service has no checklist: record the outcome and your notes.</p>}
          {v.checklist.map((item) => {
            const name = `item_${item.id}`;
            return (
              <div class={e[name] ? 'field-error' : undefined} key={item.id}>
                <fieldset class="choices checklist-item" aria-describedby={describedBy(item.hint && `${name}-hint`, e[name] && `${name}-error`)}>
                  <legend>{item.label}</legend>
                  {item.hint && <span class="hint" id={`${name}-hint`}>{item.hint}</span>}
                  <ErrorText id={name} error={e[name]} />
                  {(['pass', 'fail', 'not_applicable'] as const).map((value, n) => {
                    const id = n === 0 ? name : `${name}-${value}`;
                    return (
                      <div class="choice" key={value}>
                        <input type="radio" id={id} name={name} value={value} checked={v.values[name] === value} />
                        <label for={id}>{itemWords[value]}</label>
                      </div>
                    );
                  })}
                </fieldset>
              </div>
            );
          })}
          <div class={e.notes ? 'field-error' : undefined}>
            <label for="notes">Notes</label>
            <ErrorText id="notes" error={e.notes} />
            <textarea id="notes" name="notes" rows={5} aria-describedby={describedBy(e.notes && 'notes-error')}>{v.values.notes ?? ''}</textarea>
          </div>
          <div class={e.outcome ? 'field-error' : undefined}>
            <fieldset class="choices checklist-item" aria-describedby={describedBy(e.outcome && 'outcome-error')}>
              <legend>Outcome of the inspection</legend>
              <ErrorText id="outcome" error={e.outcome} />
              <div class="choice"><input type="radio" id="outcome" name="outcome" value="pass" checked={v.values.outcome === 'pass'} /><label for="outcome">Passed</label></div>
              <div class="choice"><input type="radio" id="outcome-fail" name="outcome" value="fail" checked={v.values.outcome === 'fail'} /><label for="outcome-fail">Failed</label></div>
            </fieldset>
          </div>
          <button type="submit" class="wide-button">Record the result</button>
        </form>
      ) : (
        <ul class="checklist-results">
          {v.checklist.map((item) => <li key={item.id}>{item.label}: <strong>{v.results[item.id] ? itemWords[v.results[item.id] as keyof typeof itemWords] ?? v.results[item.id] : 'Not recorded'}</strong></li>)}
          {v.notes && <li>Notes: {v.notes}</li>}
        </ul>
      )}
      {booked && v.canAct && (
        <>
          <h2>Change or cancel</h2>
          <details open={['change_date', 'change_time', 'change_duration', 'change_place', 'change_inspector'].some((n) => e[n] !== undefined)}>
            <summary>Move the inspection</summary>
            <form method="post" action={`/staff/inspections/${v.id}/change`} novalidate>
              <input type="hidden" name="_csrf" value={v.csrf} />
              <SlotFields view={v} prefix="change_" />
              <p class="hint">The applicant is emailed the changed invitation.</p>
              <button type="submit" class="secondary">Move the inspection</button>
            </form>
          </details>
          <details open={e.cancel_reason !== undefined}>
            <summary>Cancel the inspection</summary>
            <form method="post" action={`/staff/inspections/${v.id}/cancel`} novalidate>
              <input type="hidden" name="_csrf" value={v.csrf} />
              <Text name="cancel_reason" label="Why it is cancelled (the applicant reads this)" value={v.values.cancel_reason} error={e.cancel_reason} />
              <button type="submit" class="secondary">Cancel the inspection</button>
            </form>
          </details>
        </>
      )}
    </div>
  );
}
