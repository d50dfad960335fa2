/**
 * The incidents pages: /staff/incidents (incidents and possible incidents from the surge job),
 * /staff/incidents/new, /staff/incidents/:id with its log, tasks, linked and suggested reports.
 * Emergency officers and system administrators run incidents; other staff read them and mark
 * their own department's tasks done. Record-level rules are the domain's (incidents.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../identity/access.js';
import { staffRoles } from '../identity/policy.js';
import { alertsInForce } from '../alerts/banner.js';
import { boxOfArea } from '../places/geometry.js';
import { getPlace, listAreas } from '../places/places.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, invalid, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { formatForPeople } from '../platform/time.js';
import { wallClockToUtc } from '../platform/zoned-time.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from '../staff/actions.js';
import { newIdempotencyKey } from '../staff/case-data.js';
import { departmentIdOf, listDepartments } from '../staff/store.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import {
  addLogEntry, addTask, closeIncident, dismissSurge, incidentView, linkReports, listIncidents, openIncident, possibleIncidents, reopenIncident, runsIncidents, setTaskStatus, surgeFlag, unlinkReport,
} from './incidents.js';
import { incidentOfficers } from './workflow.js';
import { IncidentPage, IncidentsPage, NewIncidentPage, type NewIncidentValues } from './views.js';

const readers = signedIn(staffRoles);
const officers = signedIn(incidentOfficers);
const route = (access: ReturnType<typeof signedIn>) => ({ config: { access }, schema: { hide: true } });
const fieldsOf = (error: unknown): Record<string, string> | null => {
  const fields = (error as { fields?: Record<string, string> }).fields;
  return error instanceof DomainError && error.kind === 'invalid' && fields ? fields : null;
};
const all = (body: unknown, name: string): string[] => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
};

export async function incidentRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const timeZone = config.jurisdiction.timeZone;
  const when = (iso: string) => formatForPeople(iso, timeZone);
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: preact.JSX.Element, status = 200) => renderPage(request, reply, { title, englishOnly: true, status, body });
  const actorFor = async (request: FastifyRequest) => actorOf(request, await departmentIdOf(db, request.person!.department ?? null));
  const keyOf = (request: FastifyRequest) => {
    const key = idempotencyKeyOf(request, request.body);
    if (!key) throw invalid('This form has no key: reload the page and send it again.');
    return key;
  };
  const idOf = (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no incident at this address.');
    return id;
  };
  const ctxOf = (request: FastifyRequest) => engineContextOf(request, config, keyring);
  /** Public alerts in force whose area's box meets the incident's. */
  const alertsOver = async (box: { min_lat: number; min_long: number; max_lat: number; max_long: number }) => (await alertsInForce(db)).filter((a) => {
    const b = boxOfArea(a.area);
    return b !== null && b.minLat <= box.max_lat && b.maxLat >= box.min_lat && b.minLong <= box.max_long && b.maxLong >= box.min_long;
  }).map((a) => ({ id: a.id, headline: a.infos.find((i) => i.language === 'en')?.headline ?? a.infos[0]?.headline ?? a.identifier, area: a.area }));

  app.get('/staff/incidents', route(readers), async (request, reply) => {
    const ctx = ctxOf(request);
    const [incidents, possible] = await Promise.all([listIncidents(db, ctx.jurisdictionId), possibleIncidents(db, ctx.jurisdictionId)]);
    return page(request, reply, 'Incidents', <IncidentsPage incidents={incidents} possible={possible} when={when} canRun={runsIncidents(request.person!.role)} csrf={request.person!.csrfToken} newKey={newIdempotencyKey} />);
  });

  const showNew = async (request: FastifyRequest, reply: FastifyReply, values: NewIncidentValues, errors: Record<string, string>, status = 200) => {
    const jurisdictionId = ctxOf(request).jurisdictionId;
    const surgeId = parseId(values.surge);
    const flag = surgeId === null ? undefined : await surgeFlag(db, jurisdictionId, surgeId);
    const services = await db.selectFrom('services').select(['code', 'name']).where('jurisdiction_id', '=', jurisdictionId).where('active', '=', 1).orderBy('name').execute();
    const areas = (await listAreas(db, jurisdictionId)).filter((a) => a.bounds !== null);
    const surge = flag ? { serviceName: services.find((s) => s.code === flag.service_code)?.name ?? flag.service_code, areaName: flag.area_name, reports: flag.reports } : null;
    return page(request, reply, 'Open an incident', (
      <NewIncidentPage values={values} errors={errors} areas={areas} services={services} csrf={request.person!.csrfToken} idempotencyKey={newIdempotencyKey()} surge={surge}
        map={{ ...app.site.map, bounds: config.jurisdiction.bounds }} />
    ), status);
  };

  app.get('/staff/incidents/new', route(officers), async (request, reply) => {
    const surgeId = parseId(formText(request.query, 'surge'));
    const jurisdictionId = ctxOf(request).jurisdictionId;
    const flag = surgeId === null ? undefined : await surgeFlag(db, jurisdictionId, surgeId);
    const area = flag ? (await listAreas(db, jurisdictionId)).find((a) => a.name === flag.area_name) : undefined;
    return showNew(request, reply, {
      title: flag ? `Many reports in ${flag.area_name}` : '', description: '', area_place: area ? String(area.id) : '', area: '',
      services: flag ? [flag.service_code] : [], surge: flag && flag.status === 'new' ? String(flag.id) : '',
    }, {});
  });

  app.post('/staff/incidents', route(officers), async (request, reply) => {
    const body = request.body;
    const values: NewIncidentValues = {
      title: formText(body, 'title'), description: formText(body, 'description'), area_place: formText(body, 'area_place'), area: formText(body, 'area'),
      services: all(body, 'services'), surge: formText(body, 'surge'),
    };
    const ctx = ctxOf(request);
    const placeId = parseId(values.area_place);
    const place = placeId === null ? undefined : await getPlace(db, ctx.jurisdictionId, placeId);
    if (values.area_place && (!place || place.kind !== 'area' || !place.bounds)) return showNew(request, reply, values, { area_place: 'Choose one of the named areas listed.' }, 400);
    try {
      const id = await openIncident(db, ctx, { jurisdiction: config.jurisdiction, keyring }, {
        title: values.title, description: values.description, areaText: values.area, placeArea: place?.bounds ? { name: place.name, bounds: place.bounds } : null,
        serviceCodes: values.services, surgeFlagId: parseId(values.surge),
      }, await actorFor(request), keyOf(request));
      return reply.redirect(`/staff/incidents/${id}`, 303);
    } catch (error) {
      const fields = fieldsOf(error);
      if (!fields) throw error;
      return showNew(request, reply, values, fields, 400);
    }
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, id: number, errors: Record<string, string> = {}, values: Record<string, string> = {}) => {
    const ctx = ctxOf(request);
    const view = await incidentView(db, ctx.jurisdictionId, id);
    const canRun = runsIncidents(request.person!.role);
    const [departments, staff] = canRun ? await Promise.all([
      listDepartments(db),
      db.selectFrom('users').innerJoin('departments', 'departments.id', 'users.department_id').select(['users.id', 'users.display_name', 'users.email', 'departments.name as department'])
        .where('users.status', '=', 'active').where('users.role', 'in', ['case_worker', 'supervisor', 'department_admin']).orderBy('departments.name').orderBy('users.id').limit(500).execute(),
    ]) : [[], []];
    return page(request, reply, view.details.title, (
      <IncidentPage view={view} errors={errors} values={values} when={when} canRun={canRun} csrf={request.person!.csrfToken} newKey={newIdempotencyKey}
        departments={departments} staff={staff.map((s) => ({ id: s.id, name: s.display_name ?? s.email, department: s.department }))} alerts={await alertsOver(view.details)}
        userDepartment={await departmentIdOf(db, request.person!.department ?? null)} />
    ), Object.keys(errors).length > 0 ? 400 : 200);
  };

  app.get('/staff/incidents/:id', route(readers), async (request, reply) => show(request, reply, idOf(request)));

  /** Runs a change from the incident page: back to the page, or the page again with the problems by field. */
  const change = (path: string, access: ReturnType<typeof signedIn>, run: (request: FastifyRequest, id: number) => Promise<unknown>, fieldNames: string[], anchor = '') => {
    app.post(path, route(access), async (request, reply) => {
      const id = idOf(request);
      try {
        await run(request, id);
      } catch (error) {
        const fields = fieldsOf(error);
        if (!fields) throw error;
        return show(request, reply, id, fields, Object.fromEntries(fieldNames.map((n) => [n, formText(request.body, n)])));
      }
      return reply.redirect(`/staff/incidents/${id}${anchor}`, 303);
    });
  };

  change('/staff/incidents/:id/log', officers, async (request, id) => addLogEntry(db, ctxOf(request), id, formText(request.body, 'entry'), await actorFor(request), keyOf(request)), ['entry']);
  change('/staff/incidents/:id/links', officers, async (request, id) => {
    const typed = formText(request.body, 'report_ids').split(/[\s,;]+/).filter(Boolean);
    const ids = [...all(request.body, 'reports'), ...typed].map((v) => parseId(v));
    if (ids.length === 0 || ids.some((v) => v === null)) throw Object.assign(invalid('Give report numbers, such as 1042, 1043.'), { fields: { reports: 'Give report numbers, such as 1042, 1043.' } });
    return linkReports(db, ctxOf(request), id, ids as number[], await actorFor(request), keyOf(request));
  }, ['report_ids']);
  change('/staff/incidents/:id/links/:reportId/remove', officers, async (request, id) => {
    const reportId = parseId((request.params as { reportId: string }).reportId);
    if (reportId === null) throw notFound('There is no such linked report.');
    return unlinkReport(db, ctxOf(request), id, reportId, await actorFor(request), keyOf(request));
  }, []);
  change('/staff/incidents/:id/tasks', officers, async (request, id) => {
    const due = formText(request.body, 'due').trim();
    let dueAt: string | null = null;
    if (due) {
      const wall = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(due) ? Date.parse(`${due}:00Z`) : Number.NaN;
      if (Number.isNaN(wall)) throw Object.assign(invalid('Give the due time as a date and time.'), { fields: { due: 'Give the due time as a date and time, for example 2027-03-01 17:00.' } });
      dueAt = new Date(wallClockToUtc(wall, timeZone)).toISOString();
    }
    const owner = formText(request.body, 'owner');
    return addTask(db, ctxOf(request), id, {
      departmentId: parseId(formText(request.body, 'department')), title: formText(request.body, 'task_title'), ownerUserId: owner ? parseId(owner) ?? -1 : null, dueAt,
    }, await actorFor(request), keyOf(request));
  }, ['task_title', 'department', 'owner', 'due']);
  change('/staff/incidents/:id/tasks/:taskId', readers, async (request, id) => {
    const taskId = parseId((request.params as { taskId: string }).taskId);
    const status = formText(request.body, 'status');
    if (taskId === null) throw notFound('There is no such task.');
    if (status !== 'open' && status !== 'done' && status !== 'cancelled') throw invalid('Choose done, cancelled or open again.');
    return setTaskStatus(db, ctxOf(request), id, taskId, status, await actorFor(request), keyOf(request));
  }, []);
  change('/staff/incidents/:id/close', officers, async (request, id) => closeIncident(db, ctxOf(request), id, formText(request.body, 'summary'), await actorFor(request), keyOf(request)), ['summary']);
  change('/staff/incidents/:id/reopen', officers, async (request, id) => reopenIncident(db, ctxOf(request), id, formText(request.body, 'reason'), await actorFor(request), keyOf(request)), ['reason']);

  app.post('/staff/incidents/surges/:id/dismiss', route(officers), async (request, reply) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no such possible incident.');
    await dismissSurge(db, ctxOf(request).jurisdictionId, id, await actorFor(request));
    return reply.redirect('/staff/incidents', 303);
  });
}
