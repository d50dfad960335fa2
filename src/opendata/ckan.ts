/**
 * A subset of CKAN's Action API (version 3), read-only, so open-data portals and harvesters
 * built for CKAN read Townhall's catalogue and data unchanged: package_list, package_search,
 * package_show, organization_list, organization_show, datastore_search and help_show. Answers
 * and errors follow CKAN's shapes: `{help, success, result}`, and `{help, success: false,
 * error: {__type, message, ...}}` with CKAN's status codes (409 for a validation error, 404 for
 * something not found, 400 for an action it does not know).
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Service } from '../catalogue/types.js';
import { PERFORMANCE_RESOURCE, REQUESTS_RESOURCE, licenceOf, type Dataset } from './catalog.js';
import { serviceNamesOf } from './export.js';
import { figuresFor, performanceColumns, performanceRows } from './performance.js';
import { presenter, townhallColumns } from './records.js';
import type { OpenDataSettings } from './settings.js';
import { countPublicCases, publicCasePage, type CaseFilter } from './store.js';

export class CkanError extends Error {
  constructor(public readonly status: 400 | 404 | 409, public readonly type: string, message: string, public readonly fields: Record<string, string[]> = {}) {
    super(message);
  }
}
const validation = (field: string, message: string) => new CkanError(409, 'Validation Error', message, { [field]: [message] });
const notFound = (message: string) => new CkanError(404, 'Not Found Error', message);

export const actions = ['package_list', 'package_search', 'package_show', 'organization_list', 'organization_show', 'datastore_search', 'help_show'] as const;
export type Action = (typeof actions)[number];

export const actionHelp: Record<Action, string> = {
  package_list: 'Return a list of the names of the site\'s datasets (packages). Parameters: limit, offset.',
  package_search: 'Search for packages. Parameters: q (words in the title, description or tags), fq (field:value filters: name, organization, res_format, tags, license_id), rows (at most 1000), start.',
  package_show: 'Return the metadata of a dataset (package) and its resources. Parameters: id (the name or id).',
  organization_list: 'Return a list of the names of the site\'s organizations. Parameters: all_fields.',
  organization_show: 'Return the details of an organization. Parameters: id.',
  datastore_search: 'Search a DataStore resource (service-requests-csv or performance-csv). Parameters: resource_id, filters (a JSON object of field: value or [values]), q (words), limit (at most 1000), offset, sort ("field asc|desc", by _id or service_request_id), include_total.',
  help_show: 'Return the help string of an action. Parameters: name.',
};

export interface CkanContext {
  db: DB;
  config: Config;
  settings: OpenDataSettings;
  datasets: Dataset[];
  services: readonly Service[];
}

type Params = Record<string, unknown>;

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validation(name, `Give ${name} once.`);
  return value;
}

function integer(params: Params, name: string, fallback: number, max: number): number {
  const value = text(params, name);
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value.trim())) throw validation(name, 'Invalid integer');
  const n = Number(value);
  if (n > max) throw validation(name, `Must be less than or equal to ${max}`);
  return n;
}

function bool(params: Params, name: string, fallback: boolean): boolean {
  const value = text(params, name);
  if (value === undefined || value === '') return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw validation(name, 'Must be true or false');
}

function organization(config: Config, settings: OpenDataSettings) {
  return {
    id: config.jurisdiction.id, name: config.jurisdiction.id, title: settings.publisher, display_name: settings.publisher,
    description: `Open data published by ${settings.publisher}.`, type: 'organization', is_organization: true, state: 'active',
    approval_status: 'approved', image_url: '',
  };
}

export function packageDict(ctx: CkanContext, d: Dataset) {
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  const licence = licenceOf(ctx.settings);
  const org = organization(ctx.config, ctx.settings);
  return {
    id: d.name, name: d.name, title: d.title, notes: d.notes, type: 'dataset', state: 'active', private: false,
    url: `${base}/open-data`, license_id: licence.id, license_title: licence.title, license_url: licence.url, isopen: true,
    author: ctx.settings.publisher, author_email: null, maintainer: ctx.settings.contactName, maintainer_email: ctx.settings.contactEmail || null,
    metadata_created: d.temporal?.from ? `${d.temporal.from}T00:00:00` : d.modified, metadata_modified: d.modified,
    owner_org: org.id, organization: org,
    num_tags: d.keywords.length, tags: d.keywords.map((k) => ({ name: k, display_name: k, state: 'active' })),
    num_resources: d.resources.length,
    resources: d.resources.map((r, position) => ({
      id: r.id, package_id: d.name, name: r.name, description: r.description, format: r.format, mimetype: r.mediaType,
      url: `${base}${r.path}`, datastore_active: r.datastore, position, state: 'active', last_modified: d.modified,
    })),
    extras: [
      { key: 'frequency', value: ctx.settings.frequency },
      ...(ctx.settings.spatial ? [{ key: 'spatial', value: ctx.settings.spatial }] : []),
      ...(d.temporal ? [{ key: 'temporal', value: `${d.temporal.from}/${d.temporal.to}` }] : []),
    ],
  };
}

function findDataset(ctx: CkanContext, params: Params): Dataset {
  const id = text(params, 'id') ?? text(params, 'name_or_id');
  if (!id) throw validation('id', 'Missing value');
  const dataset = ctx.datasets.find((d) => d.name === id);
  if (!dataset) throw notFound('Not found');
  return dataset;
}

/** fq: space-separated field:value terms (quoted values allowed), all of which must match. */
function fqMatches(ctx: CkanContext, fq: string): (d: Dataset) => boolean {
  const terms = [...fq.matchAll(/(\+?)([\w.]+):(?:"([^"]*)"|(\S+))/g)];
  const rest = fq.replace(/(\+?)([\w.]+):(?:"([^"]*)"|(\S+))/g, '').trim();
  if (rest !== '' && rest !== '*:*') throw new CkanError(409, 'Search Query Error', `Search error: fq must be field:value terms; could not read "${rest.slice(0, 50)}"`);
  const tests = terms.filter((m) => m[0] !== '*:*').map((m) => {
    const field = m[2]!;
    const value = m[3] ?? m[4]!;
    switch (field) {
      case 'name': case 'id': return (d: Dataset) => d.name === value;
      case 'organization': case 'owner_org': return () => value === ctx.config.jurisdiction.id;
      case 'res_format': return (d: Dataset) => d.resources.some((r) => r.format.toLowerCase() === value.toLowerCase());
      case 'tags': return (d: Dataset) => d.keywords.includes(value);
      case 'license_id': return () => value === ctx.settings.licence;
      case 'type': case 'dataset_type': return () => value === 'dataset';
      default: throw new CkanError(409, 'Search Query Error', `Search error: cannot filter by "${field.slice(0, 40)}"; use name, organization, res_format, tags, license_id or type`);
    }
  });
  return (d) => tests.every((t) => t(d));
}

function matchesWords(d: Dataset, q: string): boolean {
  const haystack = `${d.name} ${d.title} ${d.notes} ${d.keywords.join(' ')}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).filter((w) => w !== '' && w !== '*:*').every((w) => haystack.includes(w));
}

/** The datastore's table: `_id` first, then Townhall's columns, with CKAN's type names. */
export const datastoreFields = [{ id: '_id', type: 'int' }, ...townhallColumns.map((c) => ({ id: c.id, type: c.type, info: { label: c.id, notes: c.description } }))];

/** Filters the database can apply; other columns of the table cannot be filtered (named in the error). */
const filterable: Record<string, (values: string[], filter: CaseFilter) => void> = {
  _id: (values, filter) => { filter.ids = values.map((v) => (/^\d{1,15}$/.test(v) ? Number(v) : -1)); },
  service_request_id: (values, filter) => { filter.ids = values.map((v) => (/^\d{1,15}$/.test(v) ? Number(v) : -1)); },
  service_code: (values, filter) => { filter.serviceCodes = values; },
  status: (values, filter) => {
    if (values.length !== 1 || (values[0] !== 'open' && values[0] !== 'closed')) throw validation('filters', 'status must be "open" or "closed"');
    filter.status = values[0];
  },
};

function readFilters(params: Params, services: readonly Service[]): CaseFilter {
  const raw = text(params, 'filters');
  const filter: CaseFilter = {};
  if (raw !== undefined && raw !== '') {
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { throw validation('filters', 'Not a JSON object: filters must be like {"status": "open"}'); }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validation('filters', 'Not a JSON object: filters must be like {"status": "open"}');
    for (const [field, value] of Object.entries(parsed as Record<string, unknown>)) {
      const apply = filterable[field];
      if (!apply) {
        const known = datastoreFields.some((f) => f.id === field);
        throw validation('filters', known
          ? `field "${field}" cannot be filtered here; filter by ${Object.keys(filterable).join(', ')}`
          : `field "${field.slice(0, 60)}" not in table`);
      }
      const values = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null));
      if (values.some((v) => v === null) || values.length === 0 || values.length > 1000) throw validation('filters', `the value of "${field}" must be a string, a number or a list of up to 1000 of them`);
      apply(values as string[], filter);
    }
  }
  const q = text(params, 'q');
  if (q !== undefined && q.trim() !== '') {
    // Words match the service's code or name: the one free-text column a request table has that
    // is never personal (descriptions may be withheld, addresses are not searched word by word).
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const codes = services.filter((s) => words.every((w) => `${s.code} ${s.name}`.toLowerCase().includes(w))).map((s) => s.code);
    filter.serviceCodes = filter.serviceCodes ? filter.serviceCodes.filter((c) => codes.includes(c)) : codes;
    if (filter.serviceCodes.length === 0) filter.ids = [];
  }
  return filter;
}

function readSort(params: Params): boolean {
  const sort = text(params, 'sort');
  if (sort === undefined || sort.trim() === '') return false;
  const match = /^\s*"?(_id|service_request_id)"?(?:\s+(asc|desc))?\s*$/i.exec(sort);
  if (!match) throw validation('sort', `field "${sort.trim().split(/\s+/)[0]?.slice(0, 60)}" cannot be sorted here; sort by _id or service_request_id, asc or desc`);
  return (match[2] ?? 'asc').toLowerCase() === 'desc';
}

const MAX_OFFSET = 10_000_000;

/** The performance table: `_id` (the row's place, from 1), then the download's columns. */
export const performanceFields = [{ id: '_id', type: 'int' }, ...performanceColumns.map((c) => ({ id: c.id, type: c.type, info: { label: c.id, notes: c.description } }))];
const performanceFilterable = ['service_code', 'scope', 'month'];

/**
 * The performance table's rows, filtered: a few hundred rows (12 months of each service), worked
 * out from the performance pages' figures, so filters, q and paging run over them in memory.
 */
async function performanceTable(ctx: CkanContext, params: Params): Promise<Array<Record<string, unknown>>> {
  const sort = text(params, 'sort');
  if (sort !== undefined && !/^\s*"?_id"?(\s+asc)?\s*$/i.test(sort)) throw validation('sort', 'this table is in one order only (sort by _id asc)');
  const raw = text(params, 'filters');
  const tests: Array<(row: Record<string, unknown>) => boolean> = [];
  if (raw !== undefined && raw !== '') {
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { throw validation('filters', 'Not a JSON object: filters must be like {"service_code": "pothole"}'); }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validation('filters', 'Not a JSON object: filters must be like {"service_code": "pothole"}');
    for (const [field, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (!performanceFilterable.includes(field)) {
        throw validation('filters', performanceFields.some((f) => f.id === field)
          ? `field "${field}" cannot be filtered here; filter by ${performanceFilterable.join(', ')}`
          : `field "${field.slice(0, 60)}" not in table`);
      }
      const values = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : null));
      if (values.some((v) => v === null) || values.length === 0 || values.length > 1000) throw validation('filters', `the value of "${field}" must be a string or a list of up to 1000 of them`);
      tests.push((row) => values.includes(row[field] as string));
    }
  }
  const q = text(params, 'q');
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 0) tests.push((row) => words.every((w) => `${String(row.service_code ?? '')} ${String(row.service_name ?? '')}`.toLowerCase().includes(w)));
  const figures = await figuresFor(ctx.db, ctx.config);
  return performanceRows(figures, {}, serviceNamesOf(ctx.services))
    .map((row, i) => ({ _id: i + 1, ...row }))
    .filter((row) => tests.every((t) => t(row)));
}

async function datastoreSearch(ctx: CkanContext, params: Params) {
  const resourceId = text(params, 'resource_id') ?? text(params, 'id');
  if (!resourceId) throw validation('resource_id', 'Missing value');
  if (resourceId !== REQUESTS_RESOURCE && resourceId !== PERFORMANCE_RESOURCE) throw notFound(`Resource "${resourceId.slice(0, 80)}" was not found.`);
  const known = new Set(['resource_id', 'id', 'filters', 'q', 'limit', 'offset', 'sort', 'include_total', 'fields', 'records_format', 'plain', 'language', 'distinct', 'full_text', 'callback', '_']);
  const unknown = Object.keys(params).filter((k) => !known.has(k));
  if (unknown.length > 0) throw validation(unknown[0]!, `The input field ${unknown.join(', ')} was not expected.`);
  const limit = integer(params, 'limit', 100, 1000);
  const offset = integer(params, 'offset', 0, MAX_OFFSET);
  const includeTotal = bool(params, 'include_total', true);
  const format = text(params, 'records_format') ?? 'objects';
  if (format !== 'objects') throw validation('records_format', 'Only "objects" is offered');
  let fields: Array<{ id: string; type: string }>;
  let records: Array<Record<string, unknown>>;
  let total: () => Promise<number>;
  if (resourceId === PERFORMANCE_RESOURCE) {
    const all = await performanceTable(ctx, params);
    records = all.slice(offset, offset + limit);
    fields = performanceFields;
    total = async () => all.length;
  } else {
    const filter = readFilters(params, ctx.services);
    const descending = readSort(params);
    const present = presenter('townhall', ctx.settings, serviceNamesOf(ctx.services), ctx.config.jurisdiction.timeZone);
    const rows = await publicCasePage(ctx.db, ctx.config.jurisdiction.id, filter, limit, offset, descending);
    records = rows.map((row) => ({ _id: row.id, ...present.record(row) }));
    fields = datastoreFields;
    total = () => countPublicCases(ctx.db, ctx.config.jurisdiction.id, filter);
  }
  const link = (at: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (key !== 'offset' && typeof value === 'string') query.set(key, value);
    if (at > 0) query.set('offset', String(at));
    return `/api/3/action/datastore_search?${query.toString()}`;
  };
  return {
    resource_id: resourceId,
    fields,
    records,
    ...(includeTotal ? { total: await total(), total_was_estimated: false } : {}),
    limit, offset, include_total: includeTotal, records_format: 'objects',
    ...(text(params, 'filters') ? { filters: JSON.parse(text(params, 'filters')!) as unknown } : {}),
    ...(text(params, 'q') ? { q: text(params, 'q') } : {}),
    ...(text(params, 'sort') ? { sort: text(params, 'sort') } : {}),
    _links: { start: link(0), next: link(offset + limit) },
  };
}

/** Runs one action; throws CkanError for what the caller got wrong. */
export async function runAction(ctx: CkanContext, action: string, params: Params): Promise<unknown> {
  switch (action as Action) {
    case 'package_list': {
      const limit = integer(params, 'limit', 1000, 1000);
      const offset = integer(params, 'offset', 0, 1000);
      return ctx.datasets.map((d) => d.name).slice(offset, offset + limit);
    }
    case 'package_search': {
      const rows = integer(params, 'rows', 10, 1000);
      const start = integer(params, 'start', 0, 100_000);
      const q = text(params, 'q') ?? '';
      const fq = text(params, 'fq') ?? '';
      const match = fqMatches(ctx, fq);
      const found = ctx.datasets.filter((d) => match(d) && matchesWords(d, q));
      return { count: found.length, sort: 'score desc, metadata_modified desc', facets: {}, search_facets: {}, results: found.slice(start, start + rows).map((d) => packageDict(ctx, d)) };
    }
    case 'package_show':
      return packageDict(ctx, findDataset(ctx, params));
    case 'organization_list': {
      const org = organization(ctx.config, ctx.settings);
      return bool(params, 'all_fields', false) ? [{ ...org, package_count: ctx.datasets.length }] : [org.name];
    }
    case 'organization_show': {
      const id = text(params, 'id');
      if (!id) throw validation('id', 'Missing value');
      const org = organization(ctx.config, ctx.settings);
      if (id !== org.id) throw notFound('Organization not found');
      return { ...org, package_count: ctx.datasets.length, packages: ctx.datasets.map((d) => packageDict(ctx, d)) };
    }
    case 'datastore_search':
      return datastoreSearch(ctx, params);
    case 'help_show': {
      const name = text(params, 'name');
      if (!name) throw validation('name', 'Missing value');
      if (!(actions as readonly string[]).includes(name)) throw notFound(`Action function not found: ${name.slice(0, 60)}`);
      return actionHelp[name as Action];
    }
    default:
      throw new CkanError(400, 'Bad Request', `Bad request - Action name not known: ${action.slice(0, 60)}`);
  }
}
