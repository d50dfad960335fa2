/**
 * The dashboard's filters, read from the address so a view can be shared: every problem is
 * named (an unknown parameter, a date that is not one), never a 500. Values are checked against
 * what exists (services, departments, areas, channels) by `resolveFilters` in insights.ts.
 */
import type { MessageKey, Values } from '../i18n/i18n.js';
import { isCalendarDate } from '../platform/time.js';
import type { Grouping } from './figures.js';

export const filterNames = ['from', 'to', 'group', 'service', 'department', 'area', 'channel'] as const;
/** Read by the page frame, not by the figures. */
const frameNames = ['lang'];
/** The value of the department and area filters that means "none". */
export const NONE = '-';
/** The longest period one page shows. */
export const MAX_DAYS = 5 * 366;
/** The period shown when none is chosen: the last 12 weeks. */
export const DEFAULT_DAYS = 84;

export interface Filters {
  from: string;
  to: string;
  group: Grouping;
  service: string | null;
  department: string | null;
  area: string | null;
  channel: string | null;
}

export interface Problem { key: MessageKey; values?: Values }

const DAY_MS = 86_400_000;
export const addDaysTo = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Parses the query; `today` is the council's local date. */
export function parseFilters(query: unknown, today: string, words: { from: string; to: string }): { filters: Filters } | { problems: Problem[] } {
  const source = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const name of Object.keys(source)) {
    if (!(filterNames as readonly string[]).includes(name) && !frameNames.includes(name)) problems.push({ key: 'insights.error.unknown', values: { name: name.slice(0, 60) } });
  }
  const text = (name: string): string => {
    const value = source[name];
    if (Array.isArray(value)) {
      problems.push({ key: 'insights.error.repeated', values: { name } });
      return '';
    }
    return typeof value === 'string' ? value.trim() : '';
  };
  const to = text('to') || today;
  const toOk = isCalendarDate(to);
  const from = text('from') || addDaysTo(toOk ? to : today, -(DEFAULT_DAYS - 1));
  const fromOk = isCalendarDate(from);
  if (!fromOk) problems.push({ key: 'insights.error.date', values: { field: words.from } });
  if (!toOk) problems.push({ key: 'insights.error.date', values: { field: words.to } });
  if (fromOk && toOk) {
    if (from > to) problems.push({ key: 'insights.error.order' });
    else if ((Date.parse(to) - Date.parse(from)) / DAY_MS >= MAX_DAYS) problems.push({ key: 'insights.error.span' });
  }
  const group = text('group') || 'week';
  if (group !== 'week' && group !== 'month') problems.push({ key: 'insights.error.group' });
  const optional = (name: string) => text(name) || null;
  const filters: Filters = {
    from, to, group: group === 'month' ? 'month' : 'week',
    service: optional('service'), department: optional('department'), area: optional('area'), channel: optional('channel'),
  };
  return problems.length > 0 ? { problems } : { filters };
}

/** The query string of a set of filters (defaults left out), for links and the CSV downloads. */
export function filtersQuery(filters: Filters): string {
  const query = new URLSearchParams({ from: filters.from, to: filters.to, group: filters.group });
  for (const name of ['service', 'department', 'area', 'channel'] as const) if (filters[name] !== null) query.set(name, filters[name]!);
  return query.toString();
}
