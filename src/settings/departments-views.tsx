/** Settings pages for departments: the list, a department's form, and its area (map and words). */
import type { MapConfig } from '../config.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { Select, TextArea, TextField } from './common.js';
import { areaSummary, assignmentNames, assignmentRules, type Department } from './departments.js';
import { csrfAction } from '../web/csrf.js';

export const departmentUrl = (code: string) => `/admin/settings/departments/${encodeURIComponent(code)}`;

export function DepartmentList({ departments, calendars, csrf, errors, values }: {
  departments: Department[]; calendars: Array<{ id: number | null; name: string }>; csrf: string; errors: FieldErrors; values: { code: string; name: string };
}) {
  const calendarName = (id: number | null) => calendars.find((c) => c.id === id)?.name ?? 'Default (Monday to Friday, 9am to 5pm)';
  return (
    <>
      <h1>Departments</h1>
      <TableWrap label="Departments">
        <table>
          <thead><tr><th scope="col">Department</th><th scope="col">Id</th><th scope="col">Code</th><th scope="col">Calendar</th><th scope="col">New cases assigned</th><th scope="col">Area</th></tr></thead>
          <tbody>
            {departments.map((d) => (
              <tr key={d.code}>
                <td><a href={departmentUrl(d.code)}>{d.name}</a></td><td>{d.id}</td><td><code>{d.code}</code></td><td>{calendarName(d.calendarId)}</td>
                <td>{assignmentNames[d.assignment]}</td><td>{d.area ? 'Yes' : 'None'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h2>Add a department</h2>
      <PostForm action="/admin/settings/departments" csrf={csrf}>
        <TextField name="code" label="Code" hint="Lower-case letters, digits, dashes and underscores, for example highways. It cannot change later." value={values.code} error={errors.code} />
        <TextField name="name" label="Name" value={values.name} error={errors.name} />
        <button type="submit">Add department</button>
      </PostForm>
    </>
  );
}

export function DepartmentForm({ department, calendars, csrf, errors, values }: {
  department: Department; calendars: Array<{ id: number | null; name: string }>; csrf: string; errors: FieldErrors; values: { name: string; calendar: string; assignment: string };
}) {
  return (
    <PostForm action={departmentUrl(department.code)} csrf={csrf}>
      <TextField name="name" label="Name" value={values.name} error={errors.name} />
      <Select name="calendar" label="Business calendar" hint="The working hours and holidays its SLA clocks count." error={errors.calendar}
        options={[['', 'Default (Monday to Friday, 9am to 5pm)'], ...calendars.filter((c) => c.id !== null).map((c): [string, string] => [String(c.id), c.name])]} value={values.calendar} />
      <Select name="assignment" label="Assign new cases" options={assignmentRules.map((r) => [r, assignmentNames[r]])} value={values.assignment} error={errors.assignment} />
      <button type="submit">Save department</button>
    </PostForm>
  );
}

/** The area: on a map with JavaScript; always in words (bounding box and points); and the upload form. */
export function AreaSection({ department, map, csrf, errors, pasted }: { department: Department; map: MapConfig; csrf: string; errors: FieldErrors; pasted: string }) {
  const area = department.area ? JSON.parse(department.area) as unknown : null;
  const summary = area ? areaSummary(area) : null;
  return (
    <section aria-labelledby="area-title">
      <h2 id="area-title">Area covered</h2>
      {summary ? (
        <>
          <div data-area-map="" data-area={department.area!} data-tiles={map.tileUrl} data-attribution={map.attribution} data-label={`Map of the area ${department.name} covers`}></div>
          <dl class="area-summary">
            <dt>Shape</dt><dd>{summary.type === 'MultiPolygon' ? `${summary.polygons} separate parts` : 'One polygon'}, {summary.points} points</dd>
            {summary.box && (
              <>
                <dt>South-west corner</dt><dd>latitude {summary.box[0].toFixed(5)}, longitude {summary.box[1].toFixed(5)}</dd>
                <dt>North-east corner</dt><dd>latitude {summary.box[2].toFixed(5)}, longitude {summary.box[3].toFixed(5)}</dd>
              </>
            )}
          </dl>
          <script src="/assets/area-map.js" defer></script>
        </>
      ) : <p>No area yet: routing rules that need the case to be inside the department's area never match it.</p>}
      <h3>Upload a new area</h3>
      <form method="post" action={csrfAction(`${departmentUrl(department.code)}/area`, csrf)} enctype="multipart/form-data" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <div class={errors.areaFile ? 'field-error' : undefined}>
          <label for="areaFile">A GeoJSON file</label>
          <span class="hint" id="areaFile-hint">A Polygon or MultiPolygon in longitude and latitude (WGS 84), or a Feature or FeatureCollection of them, as exported by mapping tools. At most 1 MB.</span>
          {errors.areaFile && <span class="error-message" id="areaFile-error">Error: {errors.areaFile}</span>}
          <input type="file" id="areaFile" name="areaFile" accept=".geojson,.json,application/geo+json,application/json" aria-describedby={errors.areaFile ? 'areaFile-hint areaFile-error' : 'areaFile-hint'} />
        </div>
        <TextArea name="areaText" label="Or paste the GeoJSON" value={pasted} rows={6} />
        <button type="submit">Upload area</button>
      </form>
      {summary && (
        <PostForm action={`${departmentUrl(department.code)}/area`} csrf={csrf}>
          <input type="hidden" name="remove" value="yes" />
          <button type="submit" class="secondary">Remove the area</button>
        </PostForm>
      )}
    </section>
  );
}
