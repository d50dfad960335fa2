/**
 * Settings: business calendars. System administrators add and change any; a department
 * administrator changes the calendar of their own department when no other department uses it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { forbidden } from '../platform/errors.js';
import type { BusinessCalendar, WorkingHours } from '../sla/calendar.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { checkCalendar, departmentsUsing, getCalendar, listCalendars, saveCalendar, weekdays } from './calendars.js';
import { actorOf, attempt, csrfOf, field, isSystemAdmin, param, settingsAdmins, settingsPage, systemAdminOnly, TextArea, TextField } from './common.js';

const hidden = { hide: true };
const calendarUrl = (code: string) => `/admin/settings/calendars/${encodeURIComponent(code)}`;

interface CalendarFormValues { code: string; name: string; timeZone: string; days: Array<{ start: string; end: string }>; holidays: string }

const valuesOf = (c: BusinessCalendar): CalendarFormValues => ({
  code: c.code, name: c.name, timeZone: c.timeZone, holidays: c.holidays.join('\n'),
  days: weekdays.map((_, index) => {
    const hours = c.workingHours.find((h) => h.day === index + 1);
    return { start: hours?.start ?? '', end: hours?.end ?? '' };
  }),
});

function readForm(body: unknown): { values: CalendarFormValues; calendar: BusinessCalendar; errors: FieldErrors } {
  const values: CalendarFormValues = {
    code: field(body, 'code'), name: field(body, 'name'), timeZone: field(body, 'timeZone'), holidays: field(body, 'holidays'),
    days: weekdays.map((_, index) => ({ start: field(body, `day${index + 1}start`), end: field(body, `day${index + 1}end`) })),
  };
  const errors: FieldErrors = {};
  const workingHours: WorkingHours[] = [];
  values.days.forEach((d, index) => {
    if (d.start === '' && d.end === '') return;
    if (d.start === '' || d.end === '') errors[`day${index + 1}start`] = `${weekdays[index]}: give both the start and the end, or neither for a day off.`;
    else workingHours.push({ day: index + 1, start: d.start.padStart(5, '0'), end: d.end.padStart(5, '0') });
  });
  const calendar: BusinessCalendar = { id: null, code: values.code, name: values.name, timeZone: values.timeZone, workingHours, holidays: values.holidays.split(/[\s,]+/).filter((d) => d !== '') };
  for (const [key, problem] of checkCalendar(calendar)) errors[key.startsWith('day') ? `${key}start` : key] ??= problem;
  return { values, calendar, errors };
}

function CalendarForm({ values, csrf, errors, creating }: { values: CalendarFormValues; csrf: string; errors: FieldErrors; creating: boolean }) {
  return (
    <PostForm action={creating ? '/admin/settings/calendars' : calendarUrl(values.code)} csrf={csrf}>
      {creating ? <TextField name="code" label="Code" hint="Lower-case letters, digits, dashes and underscores, for example office-hours." value={values.code} error={errors.code} />
        : <input type="hidden" name="code" value={values.code} />}
      <TextField name="name" label="Name" value={values.name} error={errors.name} />
      <TextField name="timeZone" label="Time zone" hint="For example Europe/London." value={values.timeZone} error={errors.timeZone} />
      <h2>Working hours</h2>
      <p class="hint">Times as HH:MM, 24-hour clock. Leave both empty for a day with no working hours.</p>
      {weekdays.map((day, index) => (
        <fieldset key={day} class="choices working-day">
          <legend>{day}</legend>
          <TextField name={`day${index + 1}start`} label={`${day}: starts`} value={values.days[index]!.start} error={errors[`day${index + 1}start`]} inputmode="numeric" />
          <TextField name={`day${index + 1}end`} label={`${day}: ends`} value={values.days[index]!.end} inputmode="numeric" />
        </fieldset>
      ))}
      <TextArea name="holidays" label="Holidays" hint="Dates with no working hours, one a line, written YYYY-MM-DD (for example 2026-12-25)." value={values.holidays} error={errors.holidays} rows={6} />
      <button type="submit">{creating ? 'Create calendar' : 'Save calendar'}</button>
    </PostForm>
  );
}

export async function calendarSettingsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  /** A department administrator may change the calendar only their own department uses. */
  const mayChange = async (request: FastifyRequest, calendar: BusinessCalendar) => {
    if (isSystemAdmin(request)) return true;
    const users = await departmentsUsing(db, calendar.id!);
    return request.person?.department !== null && users.length === 1 && users[0] === request.person?.department;
  };

  app.get('/admin/settings/calendars', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const calendars = await listCalendars(db);
    return settingsPage(request, reply, {
      title: 'Business calendars', back: { href: '/admin/settings', label: 'Settings' },
      body: (
        <>
          <h1>Business calendars</h1>
          <p>SLA clocks count only working time on the calendar of the department working the case. Departments without one use Monday to Friday, 9am to 5pm.</p>
          <p><a class="button" href="/admin/settings/new-calendar" role="button" draggable={false}>Add a calendar</a></p>
          {calendars.length === 0 ? <p>No calendars yet.</p> : (
            <TableWrap label="Business calendars">
              <table>
                <thead><tr><th scope="col">Calendar</th><th scope="col">Code</th><th scope="col">Time zone</th><th scope="col">Working days</th><th scope="col">Holidays</th></tr></thead>
                <tbody>{calendars.map((c) => (
                  <tr key={c.code}><td><a href={calendarUrl(c.code)}>{c.name}</a></td><td><code>{c.code}</code></td><td>{c.timeZone}</td>
                    <td>{c.workingHours.map((h) => `${weekdays[h.day - 1]!.slice(0, 3)} ${h.start}–${h.end}`).join(', ')}</td><td>{c.holidays.length}</td></tr>
                ))}</tbody>
              </table>
            </TableWrap>
          )}
        </>
      ),
    });
  });

  const showForm = (request: FastifyRequest, reply: FastifyReply, values: CalendarFormValues, creating: boolean, errors: FieldErrors = {}, status?: number) =>
    settingsPage(request, reply, {
      title: creating ? 'Add a business calendar' : `Calendar: ${values.name}`, errors, status,
      back: isSystemAdmin(request) ? { href: '/admin/settings/calendars', label: 'All calendars' } : { href: '/admin/settings', label: 'Settings' },
      body: (
        <>
          <h1>{creating ? 'Add a business calendar' : values.name}</h1>
          {field(request.query, 'saved') && <div class="notice" role="status"><p>Saved. SLA clocks use it from now on.</p></div>}
          <CalendarForm values={values} csrf={csrfOf(request, reply)} errors={errors} creating={creating} />
        </>
      ),
    });

  app.get('/admin/settings/new-calendar', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    showForm(request, reply, {
      code: '', name: '', timeZone: config.jurisdiction.timeZone, holidays: '',
      days: weekdays.map((_, i) => (i < 5 ? { start: '09:00', end: '17:00' } : { start: '', end: '' })),
    }, true));

  app.post('/admin/settings/calendars', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const { values, calendar, errors } = readForm(request.body);
    if (Object.keys(errors).length > 0) return showForm(request, reply, values, true, errors);
    const saved = await attempt(() => saveCalendar(db, calendar, actorOf(request), { creating: true }), 'code');
    if (!saved.ok) return showForm(request, reply, values, true, saved.errors, saved.status);
    return reply.redirect(`${calendarUrl(calendar.code)}?saved=1`, 303);
  });

  app.get('/admin/settings/calendars/:code', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
    const calendar = await getCalendar(db, param(request, 'code'));
    if (!(await mayChange(request, calendar))) throw forbidden('Department administrators can change only a calendar their own department alone uses.');
    return showForm(request, reply, valuesOf(calendar), false);
  });

  app.post('/admin/settings/calendars/:code', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
    const existing = await getCalendar(db, param(request, 'code'));
    if (!(await mayChange(request, existing))) throw forbidden('Department administrators can change only a calendar their own department alone uses.');
    const { values, calendar, errors } = readForm({ ...(request.body as object), code: existing.code });
    if (Object.keys(errors).length > 0) return showForm(request, reply, values, false, errors);
    const saved = await attempt(() => saveCalendar(db, calendar, actorOf(request), { creating: false }), 'name');
    if (!saved.ok) return showForm(request, reply, values, false, saved.errors, saved.status);
    return reply.redirect(`${calendarUrl(existing.code)}?saved=1`, 303);
  });
}
