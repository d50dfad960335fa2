/**
 * Settings: departments. System administrators add them and change name, calendar and how new
 * cases are assigned; a department administrator changes only their own department's area.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { forbidden } from '../platform/errors.js';
import { MAX_AREA_BYTES } from '../routing/areas.js';
import { saveDepartmentArea } from '../routing/store.js';
import type { FieldErrors } from '../web/forms.js';
import { listCalendars } from './calendars.js';
import { actorOf, attempt, csrfOf, field, isSystemAdmin, param, settingsAdmins, settingsPage, systemAdminOnly } from './common.js';
import { assignmentRules, createDepartment, getDepartment, listDepartments, updateDepartment, type AssignmentRule } from './departments.js';
import { AreaSection, DepartmentForm, DepartmentList, departmentUrl } from './departments-views.js';
import { parseId } from '../platform/ids.js';
import { acceptUploads } from '../media/uploads.js';

const hidden = { hide: true };

/** A department administrator sees and changes their own department only (record level). */
export function mayChangeDepartment(request: FastifyRequest, code: string): boolean {
  return isSystemAdmin(request) || (request.person?.role === 'department_admin' && request.person.department === code);
}

export async function departmentSettingsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const calendars = async () => (await listCalendars(db)).map((c) => ({ id: c.id, name: c.name }));

  const showList = async (request: FastifyRequest, reply: FastifyReply, values = { code: '', name: '' }, errors: FieldErrors = {}, status?: number) =>
    settingsPage(request, reply, {
      title: 'Departments', errors, status, back: { href: '/admin/settings', label: 'Settings' },
      body: <DepartmentList departments={await listDepartments(db)} calendars={await calendars()} csrf={csrfOf(request, reply)} errors={errors} values={values} />,
    });

  app.get('/admin/settings/departments', { config: systemAdminOnly, schema: hidden }, async (request, reply) => showList(request, reply));
  app.post('/admin/settings/departments', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const values = { code: field(request.body, 'code'), name: field(request.body, 'name') };
    const created = await attempt(() => createDepartment(db, values, actorOf(request)), /name/.test(values.name) || values.name === '' ? 'name' : 'code');
    if (!created.ok) {
      const message = Object.values(created.errors)[0]!;
      return showList(request, reply, values, /code/i.test(message) ? { code: message } : { name: message }, created.status);
    }
    return reply.redirect(departmentUrl(values.code), 303);
  });

  const showDepartment = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; status?: number; values?: { name: string; calendar: string; assignment: string }; pasted?: string } = {}) => {
    const code = param(request, 'code');
    if (!mayChangeDepartment(request, code)) throw forbidden('Department administrators can change only their own department\'s settings.');
    const department = await getDepartment(db, code);
    const csrf = csrfOf(request, reply);
    const errors = extra.errors ?? {};
    const values = extra.values ?? { name: department.name, calendar: department.calendarId === null ? '' : String(department.calendarId), assignment: department.assignment };
    const calendarList = await calendars();
    const calendarCode = (await listCalendars(db)).find((c) => c.id === department.calendarId)?.code;
    return settingsPage(request, reply, {
      title: `Department: ${department.name}`, errors, status: extra.status,
      back: isSystemAdmin(request) ? { href: '/admin/settings/departments', label: 'All departments' } : { href: '/admin/settings', label: 'Settings' },
      body: (
        <>
          <h1>{department.name}</h1>
          {field(request.query, 'saved') && <div class="notice" role="status"><p>Saved.</p></div>}
          <p>Code <code>{department.code}</code>, id {department.id}.</p>
          {isSystemAdmin(request)
            ? <DepartmentForm department={department} calendars={calendarList} csrf={csrf} errors={errors} values={values} />
            : <p>Business calendar: {calendarList.find((c) => c.id === department.calendarId)?.name ?? 'the default (Monday to Friday, 9am to 5pm)'}.{' '}
              {calendarCode && <a href={`/admin/settings/calendars/${encodeURIComponent(calendarCode)}`}>Change its working hours and holidays</a>}</p>}
          <AreaSection department={department} map={config.map} csrf={csrf} errors={errors} pasted={extra.pasted ?? ''} />
        </>
      ),
    });
  };

  app.get('/admin/settings/departments/:code', { config: settingsAdmins, schema: hidden }, async (request, reply) => showDepartment(request, reply));

  app.post('/admin/settings/departments/:code', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const code = param(request, 'code');
    const values = { name: field(request.body, 'name'), calendar: field(request.body, 'calendar'), assignment: field(request.body, 'assignment') };
    const errors: FieldErrors = {};
    if (values.name === '') errors.name = 'Give the department a name.';
    if (!(assignmentRules as readonly string[]).includes(values.assignment)) errors.assignment = 'Choose how new cases are assigned.';
    const calendarId = values.calendar === '' ? null : parseId(values.calendar);
    if (values.calendar !== '' && calendarId === null) errors.calendar = 'Choose a business calendar from the list.';
    if (Object.keys(errors).length > 0) return showDepartment(request, reply, { errors, values });
    const saved = await attempt(() => updateDepartment(db, code, { name: values.name, calendarId, assignment: values.assignment as AssignmentRule }, actorOf(request)), 'name');
    if (!saved.ok) return showDepartment(request, reply, { errors: /calendar/i.test(Object.values(saved.errors)[0]!) ? { calendar: Object.values(saved.errors)[0]! } : saved.errors, status: saved.status, values });
    return reply.redirect(`${departmentUrl(code)}?saved=1`, 303);
  });

  // The area upload is the only multipart form here: one file of at most 1 MB. Who may change
  // this department's area is checked before the file is received.
  await app.register(async (scope) => {
    const uploadOf = await acceptUploads(scope, { maxBytes: MAX_AREA_BYTES, fields: 5, fieldSize: MAX_AREA_BYTES }, {
      db, forms: { publicUrl: () => config.publicUrl, secure: app.site.secure },
      authorize: (request) => {
        if (!mayChangeDepartment(request, param(request, 'code'))) throw forbidden('Department administrators can change only their own department\'s area.');
      },
    });
    scope.post('/admin/settings/departments/:code/area', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
      const code = param(request, 'code');
      if (!mayChangeDepartment(request, code)) throw forbidden('Department administrators can change only their own department\'s area.');
      const department = await getDepartment(db, code);
      const upload = uploadOf(request);
      const pasted = field(request.body, 'areaText');
      const again = (message: string) => showDepartment(request, reply, { errors: { areaFile: message }, pasted: pasted.slice(0, 20_000) });
      let text: string | null = null;
      if (field(request.body, 'remove') !== 'yes') {
        if (upload?.truncated) return again(`The file is larger than ${MAX_AREA_BYTES / 1_000_000} MB. Simplify the shape (fewer points) and try again.`);
        text = upload && upload.bytes.length > 0 ? upload.bytes.toString('utf8') : pasted;
        if (text === '') return again('Choose a GeoJSON file, or paste the GeoJSON.');
      }
      const saved = await attempt(() => saveDepartmentArea(db, department.id, text, actorOf(request)), 'areaFile');
      if (!saved.ok) return again(Object.values(saved.errors)[0]!);
      if (saved.value.problems.length > 0) return again(saved.value.problems.join(' '));
      return reply.redirect(`${departmentUrl(code)}?saved=1#area-title`, 303);
    });
  });
}
