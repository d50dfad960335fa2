/**
 * What the hotspots and the forecast read from the cases: read-only, and each through one
 * function, so it can move onto a rollup later without the pages noticing. Both are a range of
 * the `cases_requested_at` index (jurisdiction_id, requested_at): the period asked for, in the
 * council's own jurisdiction only, so training cases (their own `<id>.training` jurisdiction)
 * are never counted.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../platform/errors.js';
import type { HotspotCase } from './hotspots.js';

/**
 * A department's cases: those it works (`cases.department_id`), and those never routed to any
 * department (cases from the past, imported without a workflow) of the services it owns.
 */
export interface DepartmentCases {
  id: number;
  serviceCodes: readonly string[];
}

export interface HotspotFilter {
  jurisdictionId: string;
  /** UTC instants, [from, to). */
  from: string;
  to: string;
  serviceCode?: string;
  department?: DepartmentCases;
}

/** The department rule as a condition on the cases table (see DepartmentCases). */
function ofDepartment(department: DepartmentCases) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    const works = eb('cases.department_id', '=', department.id);
    return department.serviceCodes.length === 0 ? works
      : eb.or([works, eb.and([eb('cases.department_id', 'is', null), eb('cases.service_code', 'in', [...department.serviceCodes])])]);
  };
}

/** The query casesForHotspots runs (apart, so its plan can be checked): the period's range, the department's cases. */
export function hotspotQuery(db: DB, filter: HotspotFilter) {
  let query = db.selectFrom('cases')
    .select(['id', 'service_code', 'lat', 'long', 'requested_at', 'address_string'])
    .where('jurisdiction_id', '=', filter.jurisdictionId)
    .where('requested_at', '>=', filter.from)
    .where('requested_at', '<', filter.to)
    // Applications are personal: only reports of problems are mapped.
    .where('kind', '=', 'service_request')
    .where('lat', 'is not', null)
    .where('long', 'is not', null);
  if (filter.department !== undefined) query = query.where(ofDepartment(filter.department));
  return query;
}

/** The most cases one hotspots page reads (both periods): beyond, it asks for a narrower choice. */
export const MAX_HOTSPOT_CASES = 400_000;

/**
 * Located service requests made in [from, to): where, what and when, nothing personal. More
 * than MAX_HOTSPOT_CASES is refused (too_large) rather than held in memory.
 */
export async function casesForHotspots(db: DB, filter: HotspotFilter): Promise<HotspotCase[]> {
  const rows = await hotspotQuery(db, filter).limit(MAX_HOTSPOT_CASES + 1).execute();
  if (rows.length > MAX_HOTSPOT_CASES) {
    throw new DomainError('too_large', 'This period and the one before hold more than 400,000 reports: choose a shorter period, one service or one department.');
  }
  // The service is picked out here, not in SQL: with it there, a planner may read every case of
  // the service ever made (index cases_service_status) instead of the period's range.
  return rows.filter((r) => filter.serviceCode === undefined || r.service_code === filter.serviceCode).map((r) => ({
    id: r.id, serviceCode: r.service_code, lat: Number(r.lat), long: Number(r.long), requestedAt: r.requested_at, addressString: r.address_string,
  }));
}

export interface WeeklyFilter {
  jurisdictionId: string;
  /** The start of the first week (a UTC instant); weeks are 7 × 24 hours from here. */
  from: string;
  /** The end of the last whole week, exclusive. */
  to: string;
  serviceCode?: string;
  department?: DepartmentCases;
}

export interface WeeklyCount {
  serviceCode: string;
  /** Weeks since `from`, from 0. */
  week: number;
  count: number;
}

/**
 * Cases made per service and week in [from, to), counted by the database: one row per service
 * and week that had any. Weeks are whole 7-day steps from `from`, so in a zone with summer time
 * a week's edge moves by the hour the clocks change: a case made in that hour may count in the
 * next week or the one before.
 */
export function weeklyQuery(db: DB, filter: WeeklyFilter) {
  const week = dialectOf(db) === 'postgres'
    ? sql<number>`floor(extract(epoch from (requested_at - ${filter.from}::timestamptz)) / 604800)::int`
    : sql<number>`cast((julianday(requested_at) - julianday(${filter.from})) / 7 as integer)`;
  let query = db.selectFrom('cases')
    .select(['service_code', week.as('week'), (eb) => eb.fn.countAll<number>().as('count')])
    .where('jurisdiction_id', '=', filter.jurisdictionId)
    .where('requested_at', '>=', filter.from)
    .where('requested_at', '<', filter.to);
  if (filter.serviceCode !== undefined) query = query.where('service_code', '=', filter.serviceCode);
  if (filter.department !== undefined) query = query.where(ofDepartment(filter.department));
  // By position: PostgreSQL would take the week's expression, parameter and all, for another one.
  return query.groupBy([sql`1`, sql`2`]);
}

export async function weeklyCounts(db: DB, filter: WeeklyFilter): Promise<WeeklyCount[]> {
  const rows = await weeklyQuery(db, filter).execute();
  return rows.map((r) => ({ serviceCode: r.service_code, week: Number(r.week), count: Number(r.count) }));
}

/**
 * For the staffing hint: per service, the number of recorded steps (actions other than the
 * submission itself) of each case closed in [from, to). A step is anything the case's history
 * holds: a note, an assignment, a transition, a public update, the closure.
 */
export async function stepsOfClosedCases(db: DB, filter: WeeklyFilter): Promise<Map<string, number[]>> {
  let query = db.selectFrom('cases')
    // A case with no step but its submission counts too, as none.
    .leftJoin('case_actions', (join) => join.onRef('case_actions.case_id', '=', 'cases.id').on('case_actions.action', '!=', 'submitted'))
    .select(['cases.service_code', 'cases.id', (eb) => eb.fn.count<number>('case_actions.id').as('steps')])
    .where('cases.jurisdiction_id', '=', filter.jurisdictionId)
    .where('cases.closed_at', '>=', filter.from)
    .where('cases.closed_at', '<', filter.to);
  if (filter.serviceCode !== undefined) query = query.where('cases.service_code', '=', filter.serviceCode);
  if (filter.department !== undefined) query = query.where(ofDepartment(filter.department));
  const rows = await query.groupBy(['cases.service_code', 'cases.id']).execute();
  const steps = new Map<string, number[]>();
  for (const row of rows) steps.set(row.service_code, [...(steps.get(row.service_code) ?? []), Number(row.steps)]);
  return steps;
}

/** The first case's time in the jurisdiction (the start of its history), or null with none. */
export async function firstCaseAt(db: DB, jurisdictionId: string): Promise<string | null> {
  const row = await db.selectFrom('cases').select((eb) => eb.fn.min('requested_at').as('first'))
    .where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return (row?.first as string | null | undefined) ?? null;
}

/** A department's id by its code, or null when there is none. */
export async function departmentIdByCode(db: DB, code: string): Promise<number | null> {
  const row = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
  return row?.id ?? null;
}
