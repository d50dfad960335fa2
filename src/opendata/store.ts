/**
 * The open-data reads of cases: the public columns of service requests, a page at a time by id
 * (keyset paging), so an export of a million rows holds one page in memory and each page is
 * one index range. Read-only, like the other specialised readers of `cases` (docs/architecture.md);
 * only the case core writes cases. Never selects reporters, attributes, staff answers or photos.
 * Training cases live in a jurisdiction of their own, so the jurisdiction filter leaves them out.
 */
import { sql } from 'kysely';
import { selectShaped, type DB } from '../db/connection.js';

export interface PublicCaseRow {
  id: number;
  service_code: string;
  status: string;
  state: string;
  requested_at: string;
  updated_at: string;
  closed_at: string | null;
  expected_at: string | null;
  description: string | null;
  status_notes: string | null;
  lat: number | null;
  long: number | null;
  address_string: string | null;
  zipcode: string | null;
  channel: string;
  department_code: string | null;
  department_name: string | null;
}

export interface CaseFilter {
  /** UTC instants: requested at or after `from`, before `to`. */
  from?: string;
  to?: string;
  serviceCodes?: readonly string[];
  bbox?: { minLat: number; minLong: number; maxLat: number; maxLong: number };
  status?: 'open' | 'closed';
  /** Only cases with an id above this one (keyset paging). */
  afterId?: number;
  /** Exact ids (the CKAN datastore's `_id` filter). */
  ids?: readonly number[];
}

/**
 * `byId`: the jurisdiction is compared as an expression no index matches, so the planner walks
 * the primary key in id order and stops at the page's end. Given a plain comparison, SQLite
 * chooses an index that starts with the jurisdiction and sorts every matching case for each
 * page: a full export then costs the square of its size.
 */
function filtered(db: DB, jurisdictionId: string, filter: CaseFilter, byId = false) {
  let query = db.selectFrom('cases')
    .where(byId ? sql<string>`(cases.jurisdiction_id || '')` : sql<string>`cases.jurisdiction_id`, '=', jurisdictionId)
    .where('cases.kind', '=', 'service_request');
  if (filter.from) query = query.where('cases.requested_at', '>=', filter.from);
  if (filter.to) query = query.where('cases.requested_at', '<', filter.to);
  if (filter.serviceCodes && filter.serviceCodes.length > 0) query = query.where('cases.service_code', 'in', [...filter.serviceCodes]);
  if (filter.status) query = query.where('cases.status', '=', filter.status);
  if (filter.ids) query = query.where('cases.id', 'in', filter.ids.length > 0 ? [...filter.ids] : [-1]);
  if (filter.bbox) {
    const b = filter.bbox;
    query = query.where('cases.lat', '>=', b.minLat).where('cases.lat', '<=', b.maxLat).where('cases.long', '>=', b.minLong).where('cases.long', '<=', b.maxLong);
  }
  return query;
}

/**
 * The row's values in the order of the select list below, as a plain literal: the export reads
 * a million of these (see selectShaped). Keep the two in step; the round-trip tests read every column.
 */
const shape = (v: unknown[]): PublicCaseRow => ({
  id: v[0] as number, service_code: v[1] as string, status: v[2] as string, state: v[3] as string, requested_at: v[4] as string,
  updated_at: v[5] as string, closed_at: v[6] as string | null, expected_at: v[7] as string | null, description: v[8] as string | null,
  status_notes: v[9] as string | null, lat: v[10] as number | null, long: v[11] as number | null, address_string: v[12] as string | null,
  zipcode: v[13] as string | null, channel: v[14] as string, department_code: v[15] as string | null, department_name: v[16] as string | null,
});

/** One page of public rows, in id order. */
export async function publicCasePage(db: DB, jurisdictionId: string, filter: CaseFilter, limit: number, offset = 0, descending = false): Promise<PublicCaseRow[]> {
  let query = filtered(db, jurisdictionId, filter, true)
    .leftJoin('departments', 'departments.id', 'cases.department_id')
    .select([
      'cases.id', 'cases.service_code', 'cases.status', 'cases.state', 'cases.requested_at', 'cases.updated_at', 'cases.closed_at', 'cases.expected_at',
      'cases.description', 'cases.status_notes', 'cases.lat', 'cases.long', 'cases.address_string', 'cases.zipcode', 'cases.channel',
      'departments.code as department_code', 'departments.name as department_name',
    ]);
  if (filter.afterId !== undefined) query = query.where('cases.id', descending ? '<' : '>', filter.afterId);
  query = query.orderBy('cases.id', descending ? 'desc' : 'asc').limit(limit);
  if (offset > 0) query = query.offset(offset);
  return selectShaped(db, query, shape);
}

/** Every matching row, one page at a time: never more than `pageSize` rows in memory. */
export async function* publicCasePages(db: DB, jurisdictionId: string, filter: CaseFilter, pageSize = 2000): AsyncGenerator<PublicCaseRow[]> {
  let afterId = filter.afterId ?? 0;
  for (;;) {
    const page = await publicCasePage(db, jurisdictionId, { ...filter, afterId }, pageSize);
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
}

export async function countPublicCases(db: DB, jurisdictionId: string, filter: CaseFilter): Promise<number> {
  const row = await filtered(db, jurisdictionId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The first and last request times and the last change, for the catalogue's coverage and "modified". */
export async function caseSpan(db: DB, jurisdictionId: string): Promise<{ first: string | null; last: string | null; modified: string | null }> {
  const row = await filtered(db, jurisdictionId, {})
    .select((eb) => [eb.fn.min('cases.requested_at').as('first'), eb.fn.max('cases.requested_at').as('last'), eb.fn.max('cases.updated_at').as('modified')])
    .executeTakeFirst();
  return { first: (row?.first as string | null) ?? null, last: (row?.last as string | null) ?? null, modified: (row?.modified as string | null) ?? null };
}
