/** The incidents pages in the staff workspace: the list with possible incidents, a new incident, one incident. */
import type { CaseHistoryEntry } from '../cases/queries.js';
import { circleToRing, formatAreaText, type Area, type LatLong } from '../places/geometry.js';
import { ErrorSummary, PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { Select, TextArea, TextField } from '../settings/common.js';
import type { incidentView, listIncidents, possibleIncidents } from './incidents.js';

type IncidentLine = Awaited<ReturnType<typeof listIncidents>>[number];
type Possible = Awaited<ReturnType<typeof possibleIncidents>>[number];
type View = Awaited<ReturnType<typeof incidentView>>;
type When = (iso: string) => string;
const Key = ({ value }: { value: string }) => <input type="hidden" name="idempotency_key" value={value} />;

export function IncidentsPage({ incidents, possible, when, canRun, csrf, newKey }: { incidents: IncidentLine[]; possible: Possible[]; when: When; canRun: boolean; csrf: string; newKey: () => string }) {
  return (
    <>
      <p><a href="/staff">Back to the queues</a></p>
      <h1>Incidents</h1>
      {canRun && <p><a class="button" href="/staff/incidents/new">Open an incident</a></p>}
      <h2>Possible incidents</h2>
      {possible.length === 0 ? <p>No unusual number of reports in the last hours.</p> : (
        <TableWrap label="Possible incidents">
          <table class="dense">
            <thead><tr><th scope="col">Service</th><th scope="col">Area</th><th scope="col">Reports</th><th scope="col">Usually</th><th scope="col">Between</th>{canRun && <th scope="col">Action</th>}</tr></thead>
            <tbody>
              {possible.map((p) => (
                <tr key={p.id}>
                  <td>{p.service_name}</td><td>{p.area_name}</td><td>{p.reports}</td><td>{p.expected.toFixed(1)} an hour</td>
                  <td>{when(p.window_start)} and {when(p.window_end)}</td>
                  {canRun && (
                    <td>
                      <a href={`/staff/incidents/new?surge=${p.id}`} aria-label={`Open an incident: ${p.service_name} in ${p.area_name}`}>Open an incident</a>
                      <PostForm action={`/staff/incidents/surges/${p.id}/dismiss`} csrf={csrf}><Key value={newKey()} /><button type="submit" class="secondary" aria-label={`Dismiss: ${p.service_name} in ${p.area_name}`}>Dismiss</button></PostForm>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>All incidents</h2>
      {incidents.length === 0 ? <p>There are no incidents.</p> : (
        <TableWrap label="Incidents">
          <table class="dense">
            <thead><tr><th scope="col">Incident</th><th scope="col">Area</th><th scope="col">Status</th><th scope="col">Open tasks</th><th scope="col">Linked reports</th><th scope="col">Opened</th></tr></thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.case_id}>
                  <td><a href={`/staff/incidents/${i.case_id}`}>{i.title}</a></td><td>{i.area_description}</td>
                  <td>{i.status === 'open' ? 'Active' : 'Closed'}</td><td>{Number(i.open_tasks ?? 0)}</td><td>{Number(i.reports ?? 0)}</td><td>{when(i.requested_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

export interface NewIncidentValues { title: string; description: string; area_place: string; area: string; services: string[]; surge: string }

export function NewIncidentPage({ values, errors, areas, services, csrf, idempotencyKey, surge, map }: {
  map: { tileUrl: string; attribution: string; bounds: { minLat: number; minLong: number; maxLat: number; maxLong: number } };
  values: NewIncidentValues; errors: FieldErrors; areas: Array<{ id: number; name: string }>; services: Array<{ code: string; name: string }>; csrf: string; idempotencyKey: string;
  surge: { serviceName: string; areaName: string; reports: number } | null;
}) {
  return (
    <>
      <p><a href="/staff/incidents">Back to incidents</a></p>
      <h1>Open an incident</h1>
      <ErrorSummary errors={errors} />
      {surge && <p>For the {surge.reports} reports of {surge.serviceName} in {surge.areaName}: they will be linked to the incident.</p>}
      <PostForm action="/staff/incidents" csrf={csrf}>
        <Key value={idempotencyKey} />
        <input type="hidden" name="surge" value={values.surge} />
        <TextField name="title" label="Title" hint='Short and specific, for example "Burst water main, Mission District".' value={values.title} error={errors.title} />
        <TextArea name="description" label="What is happening (optional)" value={values.description} error={errors.description} />
        <Select name="area_place" label="Area" hint="A named area, or choose “Drawn or typed area” and give it below." options={[['', 'Drawn or typed area'], ...areas.map((a) => [String(a.id), a.name] as [string, string])]} value={values.area_place} error={errors.area_place} />
        <TextArea name="area" label="Drawn or typed area" hint="One shape per line: a polygon as “latitude,longitude” pairs ending where it starts, or a circle as “latitude,longitude radius-in-km”; or paste a GeoJSON area exported from a GIS. Drawing on the map fills this in." value={values.area} error={errors.area} rows={3} />
        {/* The map loads only when asked (map.js); without JavaScript the button stays hidden and the field is typed. */}
        <button type="button" class="secondary" id="area-map-button" hidden>Draw the area on a map</button>
        <div class="map" data-map="draw" data-shape="area" data-format="cap" data-field="area" data-map-button="area-map-button"
          data-bounds={`${map.bounds.minLat},${map.bounds.minLong},${map.bounds.maxLat},${map.bounds.maxLong}`} data-tiles={map.tileUrl} data-attribution={map.attribution} tabindex={-1}></div>
        <fieldset class={errors.services ? 'field-error' : undefined}>
          <legend>Services whose new reports belong to it</legend>
          <p class="hint" id="services-hint">New reports of these services in the area are suggested for linking. None chosen: every service.</p>
          {errors.services && <p class="error-message" id="services-error">{errors.services}</p>}
          <div class="checkbox-columns">
            {services.map((s) => (
              <label key={s.code} class="checkbox"><input type="checkbox" name="services" value={s.code} checked={values.services.includes(s.code)} /> {s.name}</label>
            ))}
          </div>
        </fieldset>
        <button type="submit">Open the incident</button>
      </PostForm>
      <script src="/assets/map.js" defer></script>
    </>
  );
}

/** The area, linked reports and suggestions drawn in the area's own box: a sketch, with the tables below it as its text. */
export function SituationMap({ area, linked, suggested, alerts }: { area: Area; linked: LatLong[]; suggested: LatLong[]; alerts: Array<{ area: Area }> }) {
  const rings = [...area.polygons, ...area.circles.map((c) => circleToRing(c))];
  const alertRings = alerts.flatMap((a) => [...a.area.polygons, ...a.area.circles.map((c) => circleToRing(c))]);
  const all = [...rings.flat(), ...alertRings.flat(), ...linked, ...suggested];
  if (all.length === 0) return null;
  const lats = all.map((p) => p.lat); const longs = all.map((p) => p.long);
  const minLat = Math.min(...lats); const maxLat = Math.max(...lats); const minLong = Math.min(...longs); const maxLong = Math.max(...longs);
  const w = 600; const h = 360; const pad = 16;
  const scale = Math.min((w - 2 * pad) / Math.max(maxLong - minLong, 1e-6), (h - 2 * pad) / Math.max(maxLat - minLat, 1e-6));
  const x = (p: LatLong) => (pad + (p.long - minLong) * scale).toFixed(1);
  const y = (p: LatLong) => (h - pad - (p.lat - minLat) * scale).toFixed(1);
  const path = (ring: LatLong[]) => ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p)},${y(p)}`).join('') + 'Z';
  return (
    <figure class="situation-map">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`The incident's area with ${linked.length} linked reports, ${suggested.length} suggested reports and ${alerts.length} alerts`}>
        {alertRings.map((r, i) => <path key={`a${i}`} d={path(r)} fill="#f3d9a4" fill-opacity="0.5" stroke="#8a5a00" stroke-dasharray="6 4" />)}
        {rings.map((r, i) => <path key={`r${i}`} d={path(r)} fill="#d2e3f3" fill-opacity="0.6" stroke="#1d4f91" stroke-width="2" />)}
        {suggested.map((p, i) => <circle key={`s${i}`} cx={x(p)} cy={y(p)} r="5" fill="#fff" stroke="#505a5f" stroke-width="2" />)}
        {linked.map((p, i) => <circle key={`l${i}`} cx={x(p)} cy={y(p)} r="5" fill="#b10e1e" stroke="#fff" />)}
      </svg>
      <figcaption>Blue: the incident's area. Red dots: linked reports. White dots: suggested reports. Dashed: alerts.</figcaption>
    </figure>
  );
}

const actionWords: Record<string, string> = {
  submitted: 'Incident opened', note: 'Log entry', incident_reports_linked: 'Reports linked', incident_report_unlinked: 'Report unlinked',
  incident_task_added: 'Task given', incident_task_status: 'Task changed', transition: 'Status changed',
};

export function IncidentPage({ view, errors, values, when, canRun, departments, staff, csrf, newKey, alerts, userDepartment }: {
  view: View; errors: FieldErrors; values: Record<string, string>; when: When; canRun: boolean; csrf: string; newKey: () => string;
  departments: Array<{ id: number; name: string }>; staff: Array<{ id: number; name: string; department: string }>; alerts: Array<{ id: number; headline: string; area: Area }>;
  userDepartment: number | null;
}) {
  const { current, details } = view;
  const open = current.status === 'open';
  const point = (r: { lat: number | null; long: number | null }) => (r.lat === null || r.long === null ? [] : [{ lat: r.lat, long: r.long }]);
  const logLine = (l: CaseHistoryEntry) => actionWords[l.action] ?? (l.state === 'closed' ? 'Incident closed' : l.action.replace(/_/g, ' '));
  return (
    <>
      <p><a href="/staff/incidents">Back to incidents</a></p>
      <h1>{details.title}</h1>
      <ErrorSummary errors={errors} />
      <p><strong>{open ? 'Active' : 'Closed'}</strong> · opened {when(current.requested_at)} · area: {details.area_description} · incident {current.id}</p>
      {current.description && current.description !== details.title && <p>{current.description}</p>}
      {details.summary && <div class="notice"><h2>Closing summary</h2><p>{details.summary}</p></div>}
      <SituationMap area={view.area} linked={view.linked.flatMap(point)} suggested={view.suggestions.flatMap(point)} alerts={alerts} />
      {alerts.length > 0 && <p>Alerts over this area: {alerts.map((a, i) => <>{i > 0 && ', '}<a href={`/staff/alerts/${a.id}`}>{a.headline}</a></>)}</p>}
      <details><summary>The area as CAP text</summary><pre>{formatAreaText(view.area)}</pre></details>

      <h2>Tasks</h2>
      {view.tasks.length === 0 ? <p>No tasks yet.</p> : (
        <TableWrap label="Tasks">
          <table class="dense">
            <thead><tr><th scope="col">Task</th><th scope="col">Department</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col">Change</th></tr></thead>
            <tbody>
              {view.tasks.map((t) => (
                <tr key={t.id}>
                  <td>{t.title}</td><td>{t.department_name}</td><td>{t.owner_name ?? t.owner_email ?? 'Not given'}</td>
                  <td>{t.due_at ? when(t.due_at) : 'No due time'}</td><td>{t.status === 'open' ? 'Open' : t.status === 'done' ? 'Done' : 'Cancelled'}</td>
                  <td>
                    {(canRun || userDepartment === t.department_id) && open && (
                      <PostForm action={`/staff/incidents/${current.id}/tasks/${t.id}`} csrf={csrf}>
                        <Key value={newKey()} />
                        {t.status === 'open'
                          ? <><button type="submit" name="status" value="done" class="secondary" aria-label={`Mark done: ${t.title}`}>Mark done</button>{canRun && <> <button type="submit" name="status" value="cancelled" class="secondary" aria-label={`Cancel the task: ${t.title}`}>Cancel</button></>}</>
                          : <button type="submit" name="status" value="open" class="secondary" aria-label={`Open again: ${t.title}`}>Open again</button>}
                      </PostForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canRun && open && (
        <PostForm action={`/staff/incidents/${current.id}/tasks`} csrf={csrf}>
          <h3>Give a task</h3>
          <Key value={newKey()} />
          <TextField name="task_title" label="Task" value={values.task_title} error={errors.task_title} />
          <Select name="department" label="Department" options={[['', 'Choose a department'], ...departments.map((d) => [String(d.id), d.name] as [string, string])]} value={values.department} error={errors.department} />
          <Select name="owner" label="Owner (optional)" options={[['', 'Nobody yet'], ...staff.map((s) => [String(s.id), `${s.name} (${s.department})`] as [string, string])]} value={values.owner} error={errors.owner} />
          <div class={errors.due ? 'field-error' : undefined}>
            <label for="due">Due (optional)</label>
            {errors.due && <p class="error-message" id="due-error">{errors.due}</p>}
            <input id="due" name="due" type="datetime-local" value={values.due ?? ''} aria-describedby={errors.due ? 'due-error' : undefined} />
          </div>
          <button type="submit">Give the task</button>
        </PostForm>
      )}

      <h2>Linked reports</h2>
      {view.linked.length === 0 ? <p>No reports linked.</p> : (
        <TableWrap label="Linked reports">
          <table class="dense">
            <thead><tr><th scope="col">Report</th><th scope="col">Service</th><th scope="col">Where</th><th scope="col">Reported</th><th scope="col">Status</th>{canRun && open && <th scope="col">Unlink</th>}</tr></thead>
            <tbody>
              {view.linked.map((r) => (
                <tr key={r.id}>
                  <td><a href={`/staff/requests/${r.id}`}>{r.id}</a></td><td>{r.service_name}</td><td>{r.address_string ?? 'On the map'}</td><td>{when(r.requested_at)}</td><td>{r.status === 'open' ? 'Open' : 'Closed'}</td>
                  {canRun && open && <td><PostForm action={`/staff/incidents/${current.id}/links/${r.id}/remove`} csrf={csrf}><Key value={newKey()} /><button type="submit" class="secondary" aria-label={`Unlink report ${r.id}`}>Unlink</button></PostForm></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canRun && open && (
        <>
          <h2>Suggested reports</h2>
          <p>Open reports in the area{view.services.length > 0 ? ' of the incident\'s services' : ''} since a day before it began, not yet linked.</p>
          {view.suggestions.length === 0 ? <p>None at the moment.</p> : (
            <PostForm action={`/staff/incidents/${current.id}/links`} csrf={csrf}>
              <Key value={newKey()} />
              <fieldset>
                <legend>Reports to link</legend>
                {view.suggestions.map((r) => (
                  <label key={r.id} class="checkbox"><input type="checkbox" name="reports" value={String(r.id)} checked /> {r.id}: {r.service_name}, {r.address_string ?? 'on the map'}, {when(r.requested_at)}</label>
                ))}
              </fieldset>
              <button type="submit">Link the chosen reports</button>
            </PostForm>
          )}
          <PostForm action={`/staff/incidents/${current.id}/links`} csrf={csrf}>
            <Key value={newKey()} />
            <TextField name="report_ids" label="Link reports by reference" hint="Their numbers, separated by commas or spaces." value={values.report_ids} error={errors.reports} />
            <button type="submit" class="secondary">Link</button>
          </PostForm>
        </>
      )}

      <h2>Log</h2>
      {canRun && open && (
        <PostForm action={`/staff/incidents/${current.id}/log`} csrf={csrf}>
          <Key value={newKey()} />
          <TextArea name="entry" label="New log entry" value={values.entry} error={errors.entry} rows={2} />
          <button type="submit">Add to the log</button>
        </PostForm>
      )}
      <ol class="incident-log">
        {view.log.map((l, i) => (
          <li key={i}><time dateTime={l.at}>{when(l.at)}</time> · <strong>{logLine(l)}</strong>{l.description ? `: ${l.description}` : ''}</li>
        ))}
      </ol>

      {canRun && (open ? (
        <PostForm action={`/staff/incidents/${current.id}/close`} csrf={csrf}>
          <h2>Close the incident</h2>
          <Key value={newKey()} />
          <TextArea name="summary" label="Closing summary" hint="What happened, what was done, what is left to others." value={values.summary} error={errors.summary} />
          <button type="submit" class="warning">Close the incident</button>
        </PostForm>
      ) : (
        <PostForm action={`/staff/incidents/${current.id}/reopen`} csrf={csrf}>
          <h2>Reopen the incident</h2>
          <Key value={newKey()} />
          <TextField name="reason" label="Why it is reopened" value={values.reason} error={errors.reason} />
          <button type="submit" class="secondary">Reopen</button>
        </PostForm>
      ))}
    </>
  );
}
