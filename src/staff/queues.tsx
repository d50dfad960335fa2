/**
 * The queue page: which queue, filters (a GET form, so a filtered list has its own address),
 * the cases with a checkbox each for bulk actions, and the next page by cursor. Due dates say
 * "Overdue" and "Due soon" in words, never by colour alone.
 */
import { TableWrap } from '../web/forms.js';
import { priorities, type Priority } from '../workflow/types.js';
import type { QueueKind, QueueSort, StaffMember, Department } from './store.js';
import { queueKinds, queueSorts } from './store.js';
import { TrainingBanner } from './views.js';

export const queueNames: Record<QueueKind, string> = {
  mine: 'Assigned to me',
  department: 'My department',
  unassigned: 'Not assigned',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  all: 'All cases',
};
const sortNames: Record<QueueSort, string> = { due: 'Due first', newest: 'Newest first', oldest: 'Oldest first', priority: 'Most urgent first' };

export interface QueueFilters {
  queue: QueueKind;
  service: string;
  status: 'open' | 'closed';
  priority: Priority | '';
  sort: QueueSort;
  q: string;
}

export interface QueueLine {
  id: number;
  service: string;
  address: string;
  state: string;
  priority: Priority;
  assignee: string;
  due: string;
  /** "Overdue", "Due soon" or "". */
  dueWords: string;
}

export interface QueueView {
  filters: QueueFilters;
  /** The queue kinds this person has (a case worker's "my department" is their own). */
  heading: string;
  lines: QueueLine[];
  nextHref: string | null;
  firstHref: string | null;
  services: Array<{ code: string; name: string }>;
  people: StaffMember[];
  departments: Department[];
  transitions: Array<{ code: string; label: string }>;
  liveUrl: string;
  training: boolean;
  csrf: string;
  idempotencyKey: string;
}

export const queueHref = (filters: QueueFilters, cursor?: string) => {
  const query = new URLSearchParams({ queue: filters.queue });
  if (filters.service) query.set('service', filters.service);
  if (filters.status !== 'open') query.set('status', filters.status);
  if (filters.priority) query.set('priority', filters.priority);
  if (filters.sort !== 'due') query.set('sort', filters.sort);
  if (filters.q) query.set('q', filters.q);
  if (cursor) query.set('cursor', cursor);
  return `/staff?${query.toString()}`;
};

export function QueuePage({ view }: { view: QueueView }) {
  const f = view.filters;
  return (
    <>
      {view.training && <TrainingBanner />}
      <h1>{queueNames[f.queue]}</h1>
      <p class="hint">{view.heading}</p>
      {!view.training && <p><a href="/staff/training">Practise in the training space</a> (cases there never reach residents).</p>}
      <nav aria-label="Queues">
        <ul class="queue-links">
          {queueKinds.map((kind) => (
            <li key={kind}>{kind === f.queue ? <strong aria-current="page">{queueNames[kind]}</strong> : <a href={queueHref({ ...f, queue: kind })}>{queueNames[kind]}</a>}</li>
          ))}
        </ul>
      </nav>

      <form method="get" action="/staff" class="filters">
        <input type="hidden" name="queue" value={f.queue} />
        <fieldset>
          <legend>Find cases</legend>
          <label for="q">Reference, address or words in the description</label>
          <input id="q" name="q" type="search" value={f.q} spellcheck={false} />
          <label for="service">Service</label>
          <select id="service" name="service">
            <option value="">Any service</option>
            {view.services.map((s) => <option key={s.code} value={s.code} selected={s.code === f.service}>{s.name}</option>)}
          </select>
          <label for="status">Open or closed</label>
          <select id="status" name="status">
            <option value="open" selected={f.status === 'open'}>Open</option>
            <option value="closed" selected={f.status === 'closed'}>Closed</option>
          </select>
          <label for="priority">Priority</label>
          <select id="priority" name="priority">
            <option value="">Any priority</option>
            {priorities.map((p) => <option key={p} value={p} selected={p === f.priority}>{p}</option>)}
          </select>
          <label for="sort">Order</label>
          <select id="sort" name="sort">
            {queueSorts.map((s) => <option key={s} value={s} selected={s === f.sort}>{sortNames[s]}</option>)}
          </select>
          <button type="submit">Show cases</button>
        </fieldset>
      </form>

      <form method="post" action="/staff/bulk" novalidate>
        <input type="hidden" name="_csrf" value={view.csrf} />
        <input type="hidden" name="idempotency_key" value={view.idempotencyKey} />
        <input type="hidden" name="back" value={queueHref(f)} />
        {view.lines.length === 0 ? <p data-staff-live={view.liveUrl}>There are no cases in this queue{f.q ? ' that match your search' : ''}.</p> : (
          <TableWrap label="Cases">
            <table data-staff-live={view.liveUrl}>
              <caption class="visually-hidden">{queueNames[f.queue]}: {view.lines.length} cases on this page</caption>
              <thead><tr>
                <th scope="col">Select</th><th scope="col">Reference</th><th scope="col">Service</th><th scope="col">Address</th>
                <th scope="col">State</th><th scope="col">Priority</th><th scope="col">Assigned to</th><th scope="col">Due</th>
              </tr></thead>
              <tbody>
                {view.lines.map((c) => (
                  <tr key={c.id}>
                    <td><input type="checkbox" name="case" value={String(c.id)} id={`case-${c.id}`} aria-label={`Select case ${c.id}`} /></td>
                    <td><a href={`/staff/requests/${c.id}`}>#{c.id}</a></td>
                    <td>{c.service}</td>
                    <td>{c.address}</td>
                    <td>{c.state}</td>
                    <td>{c.priority}</td>
                    <td>{c.assignee || 'Nobody'}</td>
                    <td>{c.dueWords && <strong>{c.dueWords}: </strong>}{c.due || 'No due date'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <p class="pages">
          {view.firstHref && <a href={view.firstHref}>First page</a>}{view.firstHref && view.nextHref && ' '}
          {view.nextHref && <a href={view.nextHref} rel="next">Next page</a>}
        </p>
        {view.lines.length > 0 && <BulkControls view={view} />}
      </form>
      <script src="/assets/staff-live.js" defer></script>
    </>
  );
}

function BulkControls({ view }: { view: QueueView }) {
  return (
    <fieldset>
      <legend>Do this to the selected cases</legend>
      <label for="bulk_action">Action</label>
      <select id="bulk_action" name="bulk_action">
        <option value="claim">Take them myself</option>
        <option value="assign">Assign to a person</option>
        <option value="set_priority">Set the priority</option>
        <option value="transition">Move them on</option>
        <option value="move_department">Move to another department</option>
      </select>
      <label for="bulk-assignee">Person (to assign)</label>
      <select id="bulk-assignee" name="assignee">
        <option value="">Nobody</option>
        {view.people.map((p) => <option key={p.id} value={String(p.id)}>{p.email}</option>)}
      </select>
      <label for="bulk-priority">Priority (to set)</label>
      <select id="bulk-priority" name="priority">
        {priorities.map((p) => <option key={p} value={p} selected={p === 'normal'}>{p}</option>)}
      </select>
      <label for="bulk-transition">Step (to move on)</label>
      <select id="bulk-transition" name="transition">
        <option value="">Choose a step</option>
        {view.transitions.map((t) => <option key={t.code} value={t.code}>{t.label}</option>)}
      </select>
      <label for="bulk-department">Department (to move to)</label>
      <select id="bulk-department" name="department">
        <option value="">Choose a department</option>
        {view.departments.map((d) => <option key={d.id} value={String(d.id)}>{d.name}</option>)}
      </select>
      <label for="bulk-reason">Reason (for moving to another department, or a step that needs one)</label>
      <input id="bulk-reason" name="reason" type="text" />
      <button type="submit">Apply to the selected cases</button>
    </fieldset>
  );
}

export interface BulkOutcome { id: number; done: boolean; message: string }

export function BulkResultPage({ outcomes, back, training }: { outcomes: BulkOutcome[]; back: string; training: boolean }) {
  const done = outcomes.filter((o) => o.done).length;
  return (
    <>
      {training && <TrainingBanner />}
      <h1>Bulk action</h1>
      <div class="notice" role="status"><p>{done} of {outcomes.length} cases done; {outcomes.length - done} refused.</p></div>
      <ul>
        {outcomes.map((o) => (
          <li key={o.id}><a href={`/staff/requests/${o.id}`}>Case #{o.id}</a>: {o.done ? 'done' : 'refused'}. {o.message}</li>
        ))}
      </ul>
      <p><a href={back}>Back to the queue</a></p>
    </>
  );
}
