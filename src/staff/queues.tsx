/**
 * The queue page: which queue, filters (a GET form, so a filtered list has its own address),
 * the cases with a checkbox each for bulk actions, and the next page by cursor. Due dates say
 * "Overdue" and "Due soon" in words, never by colour alone.
 */
import { TableWrap } from '../web/forms.js';
import { priorities, type Priority } from '../workflow/types.js';
import type { QueueKind, QueueSort, StaffMember, Department } from './store.js';
import { COUNT_CAP, queueKinds } from './store.js';
import { TrainingBanner } from './views.js';
import { casesCount, priorityLabel } from './words.js';

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
  /** The due time, short ("Fri 18 Dec 2025, 13:49"), or ''. */
  due: string;
  /** "2 days overdue", "due in 5 hours" (open cases only), or ''. */
  dueWords: string;
  overdue: boolean;
  dueSoon: boolean;
}

export interface QueueView {
  filters: QueueFilters;
  /** Whose cases these are ("Cases of Public Works."). */
  heading: string;
  /** Search results come from every queue the person may see. */
  searching: boolean;
  /** The name colleagues see for this person. */
  me: string;
  counts: Record<QueueKind, number>;
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

/** A queue's count for its tab: "1,000+" at the cap. */
const countWords = (count: number) => (count >= COUNT_CAP ? `${COUNT_CAP.toLocaleString('en-GB')}+` : String(count));

/** A column heading that sorts the queue: a link (works without scripts), aria-sort on the current one. */
function SortHeading({ view, label, sorts }: { view: QueueView; label: string; sorts: Array<{ sort: QueueSort; direction: 'ascending' | 'descending' }> }) {
  const f = view.filters;
  const current = sorts.find((s) => s.sort === f.sort);
  // The next click: the other direction of this column, or its first.
  const next = current ? sorts[(sorts.indexOf(current) + 1) % sorts.length]! : sorts[0]!;
  const arrow = current ? (current.direction === 'ascending' ? ' ▲' : ' ▼') : '';
  return (
    <th scope="col" role="columnheader" aria-sort={current?.direction}>
      <a href={queueHref({ ...f, sort: next.sort })}>{label}<span aria-hidden="true">{arrow}</span><span class="visually-hidden">{`, sort ${sortNames[next.sort].toLowerCase()}`}</span></a>
    </th>
  );
}

export function QueuePage({ view }: { view: QueueView }) {
  const f = view.filters;
  const title = view.searching ? `Search: “${f.q}”` : queueNames[f.queue];
  return (
    <>
      {view.training && <TrainingBanner />}
      <div class="queue-head">
        <h1>{title}</h1>
        <p class="hint">{view.heading} {view.searching ? `${casesCount(view.lines.length)} found in every queue you can see${view.nextHref ? ' (first page)' : ''}.` : view.counts[f.queue] >= COUNT_CAP ? `${COUNT_CAP.toLocaleString('en-GB')} or more cases in this queue.` : `${casesCount(view.counts[f.queue])} in this queue.`}</p>
        <p class="hint">You appear as <a href="/staff/name">{view.me}</a>{!view.training && <> · <a href="/staff/training">Practise in the training space</a></>} · <a href="/staff/consultations">Consultations for your department</a> · <a href="/staff/alerts">Emergency alerts</a> · <a href="/staff/incidents">Incidents</a></p>
        <ShortcutHelp page="queue" />
      </div>
      <nav aria-label="Queues" class="queue-tabs">
        <ul>
          {queueKinds.map((kind) => {
            const label = <>{queueNames[kind]} <span class="count">{countWords(view.counts[kind])}</span></>;
            return (
              <li key={kind}>{kind === f.queue && !view.searching
                ? <a href={queueHref({ ...f, queue: kind, q: '' })} aria-current="page">{label}</a>
                : <a href={queueHref({ ...f, queue: kind, q: '' })}>{label}</a>}</li>
            );
          })}
        </ul>
      </nav>

      <form method="get" action="/staff" class="filter-bar" role="search" aria-label="Find cases">
        <input type="hidden" name="queue" value={f.queue} />
        {f.sort !== 'due' && <input type="hidden" name="sort" value={f.sort} />}
        <div class="field grow">
          <label for="q">Search every queue</label>
          <input id="q" name="q" type="search" value={f.q} spellcheck={false} placeholder="Reference, address or words" />
        </div>
        <div class="field">
          <label for="service">Service</label>
          <select id="service" name="service">
            <option value="">Any service</option>
            {view.services.map((s) => <option key={s.code} value={s.code} selected={s.code === f.service}>{s.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="status">Open or closed</label>
          <select id="status" name="status">
            <option value="open" selected={f.status === 'open'}>Open</option>
            <option value="closed" selected={f.status === 'closed'}>Closed</option>
          </select>
        </div>
        <div class="field">
          <label for="priority">Priority</label>
          <select id="priority" name="priority">
            <option value="">Any priority</option>
            {priorities.map((p) => <option key={p} value={p} selected={p === f.priority}>{priorityLabel(p)}</option>)}
          </select>
        </div>
        <button type="submit">Show cases</button>
        {(f.q || f.service || f.priority || f.status !== 'open') && <a class="clear" href={queueHref({ queue: f.queue, service: '', status: 'open', priority: '', sort: f.sort, q: '' })}>Clear filters</a>}
      </form>

      <form method="post" action="/staff/bulk" novalidate id="bulk-form">
        <input type="hidden" name="_csrf" value={view.csrf} />
        <input type="hidden" name="idempotency_key" value={view.idempotencyKey} />
        <input type="hidden" name="back" value={queueHref(f)} />
        {view.lines.length === 0 ? <p data-staff-live={view.liveUrl}>There are no cases in this queue{f.q ? ' that match your search' : ''}.</p> : (
          <TableWrap label="Cases">
            {/* The roles are the table's own, written out: on a phone the rows are laid out as cards (staff.css), which some browsers take as no longer a table. */}
            <table data-staff-live={view.liveUrl} class="queue" id="queue-table" role="table">
              <caption class="visually-hidden">{title}: {casesCount(view.lines.length)} on this page</caption>
              <thead role="rowgroup"><tr role="row">
                <th scope="col" role="columnheader"><span class="visually-hidden">Select</span></th>
                <SortHeading view={view} label="Reference" sorts={[{ sort: 'newest', direction: 'descending' }, { sort: 'oldest', direction: 'ascending' }]} />
                <th scope="col" role="columnheader">Service</th><th scope="col" role="columnheader">Address</th><th scope="col" role="columnheader">State</th>
                <SortHeading view={view} label="Priority" sorts={[{ sort: 'priority', direction: 'descending' }]} />
                <th scope="col" role="columnheader">Assigned to</th>
                <SortHeading view={view} label="Due" sorts={[{ sort: 'due', direction: 'ascending' }]} />
              </tr></thead>
              <tbody role="rowgroup">
                {view.lines.map((c) => (
                  <tr key={c.id} data-case={String(c.id)} class={c.overdue ? 'overdue' : undefined} role="row">
                    <td role="cell"><input type="checkbox" name="case" value={String(c.id)} id={`case-${c.id}`} aria-label={`Select case ${c.id}`} /></td>
                    <td role="cell"><a href={`/staff/requests/${c.id}`} class="case-link">#{c.id}</a></td>
                    <td role="cell">{c.service}</td>
                    <td role="cell"><span class="clip" title={c.address}>{c.address}</span></td>
                    <td role="cell">{c.state}</td>
                    <td role="cell" class={`priority priority-${c.priority}`}>{priorityLabel(c.priority)}</td>
                    <td role="cell">{c.assignee || <span class="hint">Nobody</span>}</td>
                    <td role="cell" class="due">
                      {c.dueWords ? <><strong class={c.overdue ? 'late' : c.dueSoon ? 'soon' : undefined}>{c.dueWords[0]!.toUpperCase() + c.dueWords.slice(1)}</strong> <span class="hint">{c.due}</span></> : (c.due || <span class="hint">No due date</span>)}
                    </td>
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
      <script src="/assets/staff-keys.js" defer></script>
    </>
  );
}

/** The keyboard shortcuts, written on the page; the script switches them on (and off again, for assistive technology). */
export function ShortcutHelp({ page }: { page: 'queue' | 'case' }) {
  return (
    <details class="shortcuts">
      <summary>Keyboard shortcuts</summary>
      <p>With JavaScript on, single keys move you around. They do nothing while you type in a field.</p>
      <ul>
        <li><kbd>j</kbd> next case, <kbd>k</kbd> previous case{page === 'queue' ? ' (Enter opens it)' : ' (in the queue you came from)'}</li>
        <li><kbd>c</kbd> take (claim) the {page === 'queue' ? 'chosen ' : ''}case</li>
        <li><kbd>r</kbd> reply: write an update residents will see</li>
      </ul>
      <p class="shortcut-switch" hidden>
        <input type="checkbox" id="shortcuts-off" /> <label for="shortcuts-off">Turn single-key shortcuts off (for example, with speech input)</label>
      </p>
    </details>
  );
}

function BulkControls({ view }: { view: QueueView }) {
  // Each action has its own button: the one pressed says what to do, so choosing a person assigns to them.
  return (
    <fieldset class="bulk-bar">
      <legend>Do this to the selected cases</legend>
      <BulkChoice name="assignee" label="Assign to" placeholder="Choose a person" action="assign" button="Assign" primary
        options={[{ value: 'none', label: 'Nobody (unassign)' }, ...view.people.map((p) => ({ value: String(p.id), label: p.name }))]} />
      <BulkChoice name="priority" label="Priority" placeholder="Choose a priority" action="set_priority" button="Set priority"
        options={priorities.map((p) => ({ value: p, label: priorityLabel(p) }))} />
      <BulkChoice name="transition" label="Step" placeholder="Choose a step" action="transition" button="Move on"
        options={view.transitions.map((t) => ({ value: t.code, label: t.label }))} />
      <BulkChoice name="department" label="Department" placeholder="Choose a department" action="move_department" button="Move"
        options={view.departments.map((d) => ({ value: String(d.id), label: d.name }))} />
      <div class="bulk-action grow">
        <label for="bulk-reason">Reason (for a move, or a step that needs one)</label>
        <input id="bulk-reason" name="reason" type="text" />
      </div>
      <div class="bulk-action">
        <button type="submit" name="bulk_action" value="claim" class="secondary">Take them myself</button>
      </div>
    </fieldset>
  );
}

/** One bulk action that needs a choice: its list (the first option asks for one) and its own button. */
function BulkChoice({ name, label, placeholder, options, action, button, primary }: {
  name: string; label: string; placeholder: string; options: Array<{ value: string; label: string }>; action: string; button: string; primary?: boolean;
}) {
  return (
    <div class="bulk-action">
      <label for={`bulk-${name}`}>{label}</label>
      <select id={`bulk-${name}`} name={name}>
        <option value="">{placeholder}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <button type="submit" name="bulk_action" value={action} class={primary ? undefined : 'secondary'}>{button}</button>
    </div>
  );
}
