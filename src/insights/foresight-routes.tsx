/**
 * The staff analytics pages Hotspots (/staff/insights/hotspots) and Forecast
 * (/staff/insights/forecast), each with its CSV (Hotspots two: its cells, and its repeat locations). For analysts and system administrators (every
 * department) and for supervisors and department administrators (their own department only).
 * Filters live in the web address; a filter that does not fit gets a 400 page naming it.
 * Read-only: nothing here changes a case, so nothing is audited.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { servicesInLanguage } from '../catalogue/catalogue.js';
import { signedIn } from '../identity/access.js';
import { caseListScope } from '../identity/policy.js';
import type { Role } from '../identity/roles.js';
import { translate, type Translator } from '../i18n/i18n.js';
import { csvDocument } from '../platform/csv.js';
import type { RouteDeps } from '../platform/deps.js';
import { todayInZone } from '../platform/time.js';
import { listDepartments } from '../settings/departments.js';
import { renderPage } from '../web/page.js';
import { checkForecastFilters, checkHotspotFilters, queryOf, type DepartmentScope, type FilterContext, type FilterProblem } from './foresight-filters.js';
import { forecastReport, hotspotReport, type Where } from './foresight-reports.js';
import type { FilterChoices } from './foresight-views.js';
import { ForecastPage } from './forecast-page.js';
import { HotspotsPage } from './hotspots-page.js';

/** Who may see the hotspots and the forecast. */
export const foresightRoles: readonly Role[] = ['analyst', 'supervisor', 'department_admin', 'system_admin'];

interface Setting {
  tr: Translator;
  context: FilterContext;
  choices: FilterChoices;
  serviceName: (code: string) => string;
  /** The department's id and its services, by code. */
  departmentCases: (code: string | null) => Where['department'];
}

export async function foresightRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const access = { access: signedIn(foresightRoles) };
  const jurisdictionId = config.jurisdiction.id;
  const timeZone = config.jurisdiction.timeZone;

  async function settingOf(request: FastifyRequest): Promise<Setting> {
    const tr = translate(request);
    const [services, departments] = await Promise.all([servicesInLanguage(db, jurisdictionId, tr.language.code), listDepartments(db)]);
    const personScope = caseListScope(request.person!);
    const scope: DepartmentScope = 'allDepartments' in personScope ? { allDepartments: true } : { allDepartments: false, department: personScope.department };
    const byName = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, tr.language.code);
    const own = scope.allDepartments ? undefined : { name: departments.find((d) => d.code === scope.department)?.name ?? null };
    return {
      tr,
      context: { serviceCodes: new Set(services.keys()), departmentCodes: new Set(departments.map((d) => d.code)), scope, today: todayInZone(timeZone) },
      choices: {
        services: [...services.values()].map((s) => ({ value: s.code, label: s.name })).sort(byName),
        departments: departments.map((d) => ({ value: d.code, label: d.name })),
        ...(own ? { ownDepartment: own } : {}),
      },
      serviceName: (code) => services.get(code)?.name ?? code,
      departmentCases: (code) => {
        const department = code === null ? undefined : departments.find((d) => d.code === code);
        if (!department) return null;
        return { id: department.id, serviceCodes: [...services.values()].filter((s) => s.department === code).map((s) => s.code) };
      },
    };
  }

  /** A person who may see one department only, and is in none: nothing to show. */
  const inNoDepartment = (setting: Setting) => !setting.context.scope.allDepartments && setting.context.scope.department === null;
  const whereOf = (setting: Setting, department: string | null): Where => ({ jurisdictionId, timeZone, department: setting.departmentCases(department) });

  function problemsAsText(reply: FastifyReply, tr: Translator, problems: FilterProblem[]) {
    return reply.code(400).type('text/plain; charset=utf-8').send(`${problems.map((p) => `${p.parameter}: ${tr.t(p.message, p.values)}`).join('\n')}\n`);
  }

  app.get('/staff/insights/hotspots', { config: access, schema: { hide: true } }, async (request, reply) => {
    const setting = await settingOf(request);
    const checked = checkHotspotFilters(request.query, setting.context);
    // The form shows the filters in force, defaults included, so sending it again changes nothing by itself.
    const raw = checked.ok
      ? { service: checked.filters.service ?? '', department: checked.filters.department ?? '', from: checked.filters.from, to: checked.filters.to, grid: String(checked.filters.grid) }
      : checked.raw;
    const report = checked.ok && !inNoDepartment(setting) ? await hotspotReport(db, whereOf(setting, checked.filters.department), checked.filters) : null;
    const query = checked.ok ? queryOf(raw) : '';
    const tabQuery = checked.ok ? queryOf({ service: raw.service, department: raw.department }) : '';
    return renderPage(request, reply, {
      title: setting.tr.t('foresight.hotspots'), wide: true, staffLayout: true, status: checked.ok ? 200 : 400,
      body: <HotspotsPage choices={setting.choices} raw={raw} problems={checked.ok ? [] : checked.problems} report={report} query={query} tabQuery={tabQuery} serviceName={setting.serviceName} />,
    });
  });

  app.get('/staff/insights/hotspots.csv', { config: access, schema: { hide: true } }, async (request, reply) => {
    const setting = await settingOf(request);
    const checked = checkHotspotFilters(request.query, setting.context);
    if (!checked.ok) return problemsAsText(reply, setting.tr, checked.problems);
    const report = inNoDepartment(setting) ? null : await hotspotReport(db, whereOf(setting, checked.filters.department), checked.filters);
    const rows: Array<Array<string | number>> = [['h3_cell', 'resolution', 'centre_lat', 'centre_long', 'reports', 'previous_period_reports', 'change', 'period_from', 'period_to', 'previous_from', 'previous_to']];
    for (const cell of report?.cells ?? []) {
      rows.push([cell.cell, checked.filters.grid, cell.lat.toFixed(6), cell.long.toFixed(6), cell.count, cell.previous, cell.change,
        report!.period.from, report!.period.to, report!.previousPeriod.from, report!.previousPeriod.to]);
    }
    return reply.header('content-disposition', `attachment; filename="hotspots-${checked.filters.from}-${checked.filters.to}.csv"`)
      .header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(csvDocument(rows));
  });

  // The repeat locations table of the Hotspots page, with the same filters and the same access.
  app.get('/staff/insights/repeat-locations.csv', { config: access, schema: { hide: true } }, async (request, reply) => {
    const setting = await settingOf(request);
    const checked = checkHotspotFilters(request.query, setting.context);
    if (!checked.ok) return problemsAsText(reply, setting.tr, checked.problems);
    const report = inNoDepartment(setting) ? null : await hotspotReport(db, whereOf(setting, checked.filters.department), checked.filters);
    const rows: Array<Array<string | number>> = [['service_code', 'service_name', 'lat', 'long', 'address', 'reports', 'case_ids', 'period_from', 'period_to']];
    for (const spot of report?.repeats ?? []) {
      rows.push([spot.serviceCode, setting.serviceName(spot.serviceCode), spot.lat.toFixed(6), spot.long.toFixed(6), spot.addressString ?? '', spot.count,
        spot.caseIds.join(' '), report!.period.from, report!.period.to]);
    }
    return reply.header('content-disposition', `attachment; filename="repeat-locations-${checked.filters.from}-${checked.filters.to}.csv"`)
      .header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(csvDocument(rows));
  });

  app.get('/staff/insights/forecast', { config: access, schema: { hide: true } }, async (request, reply) => {
    const setting = await settingOf(request);
    const checked = checkForecastFilters(request.query, setting.context);
    const raw = checked.ok
      ? { service: checked.filters.service ?? '', department: checked.filters.department ?? '', minutes: String(checked.filters.minutes) }
      : checked.raw;
    const report = checked.ok && !inNoDepartment(setting)
      ? await forecastReport(db, whereOf(setting, checked.filters.department), checked.filters, setting.context.today) : null;
    const query = checked.ok ? queryOf(raw) : '';
    const tabQuery = checked.ok ? queryOf({ service: raw.service, department: raw.department }) : '';
    return renderPage(request, reply, {
      title: setting.tr.t('foresight.forecast'), wide: true, staffLayout: true, status: checked.ok ? 200 : 400,
      body: <ForecastPage choices={setting.choices} raw={raw} problems={checked.ok ? [] : checked.problems} report={report} query={query} tabQuery={tabQuery}
        serviceName={setting.serviceName} service={checked.ok ? checked.filters.service : null} />,
    });
  });

  app.get('/staff/insights/forecast.csv', { config: access, schema: { hide: true } }, async (request, reply) => {
    const setting = await settingOf(request);
    const checked = checkForecastFilters(request.query, setting.context);
    if (!checked.ok) return problemsAsText(reply, setting.tr, checked.problems);
    const report = inNoDepartment(setting) ? null
      : await forecastReport(db, whereOf(setting, checked.filters.department), checked.filters, setting.context.today);
    const rows: Array<Array<string | number>> = [['service_code', 'service_name', 'week_start', 'expected_cases', 'staff_hours_hint', 'forecast_by',
      'model', 'model_mae', 'model_mase', 'baseline', 'baseline_mae', 'baseline_mase', 'history_weeks', 'median_steps', 'minutes_per_step']];
    const number = (value: number | null, digits: number) => (value === null ? '' : value.toFixed(digits));
    for (const line of report?.services ?? []) {
      const r = line.result;
      if (r.kind !== 'forecast') {
        rows.push([line.serviceCode, setting.serviceName(line.serviceCode), '', '', '', 'too_short', '', '', '', '', '', '', r.weeks, number(line.medianSteps, 1), checked.filters.minutes]);
        continue;
      }
      r.forecast.forEach((cases, h) => rows.push([
        line.serviceCode, setting.serviceName(line.serviceCode), line.forecastWeeks[h]!, cases.toFixed(2), number(line.hours?.[h] ?? null, 2),
        r.chosen === 'model' ? r.model : r.baseline, r.model, r.backtest.model.mae.toFixed(3), number(r.backtest.model.mase, 3),
        r.baseline, r.backtest.baseline.mae.toFixed(3), number(r.backtest.baseline.mase, 3), r.weeks, number(line.medianSteps, 1), checked.filters.minutes,
      ]));
    }
    return reply.header('content-disposition', `attachment; filename="forecast-${setting.context.today}.csv"`)
      .header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(csvDocument(rows));
  });
}
