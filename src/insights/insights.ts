/**
 * Staff analytics: which figures a person may see (their department's, or every one's, as
 * identity/policy.ts says), the filters checked against what exists, and the figures as tables.
 */
import { listServices } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import { channels } from '../cases/types.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Translator } from '../i18n/i18n.js';
import { caseListScope } from '../identity/policy.js';
import type { Person } from '../identity/person.js';
import { loadFigures } from './figures.js';
import { NONE, type Filters, type Problem } from './filters.js';
import { rollupsRefreshedAt } from './rollups.js';
import * as store from './store.js';
import type { Slice } from './store.js';
import { channelName, figureIds, figureTable, type FigureId, type FigureTable } from './tables.js';

export interface Choice { value: string; name: string }

export interface Scope {
  slice: Slice;
  /** Whose figures: a department's name, or null for every department. */
  departmentName: string | null;
  /** The person sees every department's figures, and may choose one. */
  allDepartments: boolean;
  choices: { services: Choice[]; departments: Choice[]; areas: Choice[]; channels: Choice[] };
}

export type ScopeResult = { scope: Scope } | { status: 400 | 403; problems: Problem[] };

export async function resolveScope(db: DB, config: Config, person: Person, filters: Filters, tr: Translator): Promise<ScopeResult> {
  const { t } = tr;
  const visible = caseListScope(person);
  const all = 'allDepartments' in visible;
  const [services, departments, areas] = await Promise.all([
    listServices(db, config.jurisdiction.id, { includeInactive: true }), store.departments(db), store.areaNames(db, config.jurisdiction.id),
  ]);
  const problems: Problem[] = [];
  let departmentId: number | null = null;
  let departmentName: string | null = null;
  if (!all) {
    const own = departments.find((d) => d.code === visible.department);
    if (!own) return { status: 403, problems: [{ key: 'insights.error.noDepartment' }] };
    if (filters.department !== null && filters.department !== own.code) return { status: 403, problems: [{ key: 'insights.error.otherDepartment' }] };
    departmentId = own.id;
    departmentName = own.name;
  } else if (filters.department === NONE) {
    departmentId = 0;
    departmentName = t('insights.noDepartment');
  } else if (filters.department !== null) {
    const chosen = departments.find((d) => d.code === filters.department);
    if (chosen) [departmentId, departmentName] = [chosen.id, chosen.name];
    else problems.push({ key: 'insights.error.value', values: { field: t('insights.department'), value: filters.department.slice(0, 60) } });
  }
  if (filters.service !== null && !services.some((s) => s.code === filters.service)) {
    problems.push({ key: 'insights.error.value', values: { field: t('insights.service'), value: filters.service.slice(0, 60) } });
  }
  if (filters.area !== null && filters.area !== NONE && !areas.includes(filters.area)) {
    problems.push({ key: 'insights.error.value', values: { field: t('insights.area'), value: filters.area.slice(0, 60) } });
  }
  if (filters.channel !== null && !(channels as readonly string[]).includes(filters.channel)) {
    problems.push({ key: 'insights.error.value', values: { field: t('insights.channel'), value: filters.channel.slice(0, 60) } });
  }
  if (problems.length > 0) return { status: 400, problems };
  const byName = (a: Choice, b: Choice) => a.name.localeCompare(b.name, tr.language.code);
  return {
    scope: {
      slice: {
        from: filters.from, to: filters.to, serviceCode: filters.service, departmentId,
        area: filters.area === NONE ? '' : filters.area, channel: filters.channel,
      },
      departmentName, allDepartments: all,
      choices: {
        services: services.map((s) => ({ value: s.code, name: localizeService(s, tr.language.code).name })).sort(byName),
        departments: [...departments.map((d) => ({ value: d.code, name: d.name })), { value: NONE, name: t('insights.noDepartment') }],
        areas: [...areas.map((a) => ({ value: a, name: a })), { value: NONE, name: t('insights.noArea') }],
        channels: channels.map((c) => ({ value: c, name: channelName(tr, c) })),
      },
    },
  };
}

export interface Dashboard { tables: FigureTable[]; refreshedAt: string | null }

/** Every figure of the scope (or just one, for its CSV). */
export async function dashboard(db: DB, scope: Scope, filters: Filters, tr: Translator, only?: FigureId): Promise<Dashboard> {
  const [figures, refreshedAt] = await Promise.all([loadFigures(db, scope.slice, filters.group, channels), rollupsRefreshedAt(db)]);
  return { tables: (only ? [only] : figureIds).map((id) => figureTable(id, figures, tr)), refreshedAt };
}
