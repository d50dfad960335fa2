/**
 * The filters of the Hotspots and Forecast pages, read from the web address and checked: every
 * problem at once, each naming its parameter, so a shared link that no longer fits (a service
 * removed, a date mistyped) gets a page that says what to change, never a server error.
 */
import type { MessageKey, Values } from '../i18n/i18n.js';
import { addDays, isCalendarDate } from '../platform/time.js';
import { DEFAULT_RESOLUTION, RESOLUTIONS } from './hotspots.js';

export interface FilterProblem {
  /** The parameter at fault, also the id of its field on the page. */
  parameter: string;
  message: MessageKey;
  values?: Values;
}

/** Who is asking: every department, or only their own (a department code, or null: none yet). */
export type DepartmentScope = { allDepartments: true } | { allDepartments: false; department: string | null };

export interface FilterContext {
  serviceCodes: ReadonlySet<string>;
  departmentCodes: ReadonlySet<string>;
  scope: DepartmentScope;
  /** Today's date in the council's zone (YYYY-MM-DD). */
  today: string;
}

export interface CommonFilters {
  service: string | null;
  /** The department code, forced to the person's own when they may see only that. */
  department: string | null;
}

export interface HotspotFilters extends CommonFilters {
  /** Local calendar dates, both included. */
  from: string;
  to: string;
  grid: number;
}

export interface ForecastFilters extends CommonFilters {
  minutes: number;
}

/** The longest period the hotspots compare (and the one before it as long again). */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 28;
export const DEFAULT_MINUTES_PER_STEP = 20;

export type Checked<T> = { ok: true; filters: T } | { ok: false; problems: FilterProblem[]; raw: Record<string, string> };

/** The query's values as text, with problems for unknown and repeated parameters. */
function readQuery(query: unknown, allowed: readonly string[]): { raw: Record<string, string>; problems: FilterProblem[] } {
  const raw: Record<string, string> = {};
  const problems: FilterProblem[] = [];
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (name === 'lang') continue;
    if (!allowed.includes(name)) {
      problems.push({ parameter: name, message: 'foresight.error.unknown', values: { name } });
    } else if (typeof value !== 'string') {
      problems.push({ parameter: name, message: 'foresight.error.twice', values: { name } });
    } else {
      raw[name] = value.trim();
    }
  }
  return { raw, problems };
}

function commonFilters(raw: Record<string, string>, context: FilterContext, problems: FilterProblem[]): CommonFilters {
  const service = raw.service ? raw.service : null;
  if (service !== null && !context.serviceCodes.has(service)) problems.push({ parameter: 'service', message: 'foresight.error.service', values: { value: service } });
  let department = raw.department ? raw.department : null;
  if (department !== null && !context.departmentCodes.has(department)) {
    problems.push({ parameter: 'department', message: 'foresight.error.department', values: { value: department } });
  } else if (!context.scope.allDepartments) {
    if (department !== null && department !== context.scope.department) problems.push({ parameter: 'department', message: 'foresight.error.otherDepartment' });
    department = context.scope.department;
  }
  return { service, department };
}

export function checkHotspotFilters(query: unknown, context: FilterContext): Checked<HotspotFilters> {
  const { raw, problems } = readQuery(query, ['service', 'department', 'from', 'to', 'grid']);
  const common = commonFilters(raw, context, problems);
  const to = raw.to || context.today;
  const from = raw.from || addDays(`${to}T12:00:00Z`, -(DEFAULT_PERIOD_DAYS - 1)).slice(0, 10);
  const datesOk = [['from', from], ['to', to]].every(([name, value]) => {
    if (isCalendarDate(value!)) return true;
    problems.push({ parameter: name!, message: 'foresight.error.date', values: { name: name! } });
    return false;
  });
  if (datesOk) {
    const days = daysBetween(from, to) + 1;
    if (days < 1) problems.push({ parameter: 'to', message: 'foresight.error.order' });
    else if (days > MAX_PERIOD_DAYS) problems.push({ parameter: 'from', message: 'foresight.error.span', values: { days: MAX_PERIOD_DAYS } });
  }
  const grid = raw.grid ? Number(raw.grid) : DEFAULT_RESOLUTION;
  if (!(RESOLUTIONS as readonly number[]).includes(grid) || (raw.grid !== undefined && raw.grid !== '' && !/^\d+$/.test(raw.grid))) {
    problems.push({ parameter: 'grid', message: 'foresight.error.grid' });
  }
  return problems.length > 0 ? { ok: false, problems, raw } : { ok: true, filters: { ...common, from, to, grid } };
}

export function checkForecastFilters(query: unknown, context: FilterContext): Checked<ForecastFilters> {
  const { raw, problems } = readQuery(query, ['service', 'department', 'minutes']);
  const common = commonFilters(raw, context, problems);
  const minutes = raw.minutes ? Number(raw.minutes) : DEFAULT_MINUTES_PER_STEP;
  if (!/^\d+$/.test(raw.minutes || String(DEFAULT_MINUTES_PER_STEP)) || minutes < 1 || minutes > 480) {
    problems.push({ parameter: 'minutes', message: 'foresight.error.minutes' });
  }
  return problems.length > 0 ? { ok: false, problems, raw } : { ok: true, filters: { ...common, minutes } };
}

/** Whole days from one calendar date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The filters as a query string (only those set), for links: the CSV, the other page. */
export function queryOf(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
