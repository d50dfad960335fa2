/**
 * Routing: which department works a new case, and who in it gets the case.
 */
import type { DB } from '../db/connection.js';
import { compiledOnce } from '../db/compiled.js';
import { settingsCache } from '../platform/settings-cache.js';
import { areaContains, storedArea, type AreaGeometry } from './areas.js';

/** Parsed areas by their stored text: areas change rarely and can be large. */
const areaCache = new Map<string, AreaGeometry | null>();
function areaOf(text: string | null): AreaGeometry | null {
  if (!text) return null;
  if (!areaCache.has(text)) {
    if (areaCache.size > 50) areaCache.clear();
    areaCache.set(text, storedArea(text));
  }
  return areaCache.get(text) ?? null;
}

/**
 * The department that should work a new case: the first routing rule (by position) whose
 * service matches (or is any) and, for area rules, whose department's area holds the point;
 * else the service's own department; else null.
 */
export async function routeCase(db: DB, jurisdictionId: string, where: { serviceCode: string; lat: number | null; long: number | null }): Promise<number | null> {
  const { rules, ownDepartment } = await routesOfService(db, jurisdictionId, where.serviceCode);
  for (const rule of rules) {
    if (rule.within_area !== 1) return rule.department_id;
    if (where.lat === null || where.long === null) continue;
    const area = areaOf(rule.area);
    if (area && areaContains(area, where.lat, where.long)) return rule.department_id;
  }
  return ownDepartment;
}

/** The rules that may apply to a service's cases, in order, and its own department: read on every submission, kept until the settings change. */
const routesOfService = settingsCache(async (db: DB, jurisdictionId: string, serviceCode: string) => {
  const rules = await db.selectFrom('routing_rules as r')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select(['r.department_id', 'r.service_code', 'r.within_area', 'd.area'])
    .where('r.jurisdiction_id', '=', jurisdictionId)
    .where((eb) => eb.or([eb('r.service_code', 'is', null), eb('r.service_code', '=', serviceCode)]))
    .orderBy('r.position').orderBy('r.id')
    .execute();
  const own = await db.selectFrom('services as s')
    .innerJoin('departments as d', 'd.code', 's.department_code')
    .select('d.id')
    .where('s.jurisdiction_id', '=', jurisdictionId).where('s.code', '=', serviceCode)
    .executeTakeFirst();
  return { rules, ownDepartment: own?.id ?? null };
});

/** A department's assignment rule (none, round-robin, least loaded), kept until the settings change. */
const assignmentOf = settingsCache(async (db: DB, departmentId: number) =>
  (await db.selectFrom('departments').select('assignment').where('id', '=', departmentId).executeTakeFirst())?.assignment);

/** Roles whose members are given cases to work. */
export const caseWorkingRoles = ['case_worker', 'supervisor'] as const;

// Each submission to a department that assigns reads one of these: compiled once.
/**
 * The latest case each person holds (a larger id was given later), newest first down the
 * (assigned_user_id, id) index: it stops at the first real case, however many the person holds.
 */
const latestCaseOfEach = compiledOnce((db: DB, departmentId: number) => db.selectFrom('users as u')
  .select((eb) => ['u.id', eb.selectFrom('cases as c').select('c.id').whereRef('c.assigned_user_id', '=', 'u.id').where('c.jurisdiction_id', 'not like', '%.training')
    .orderBy('c.id', 'desc').limit(1).as('score')])
  .where('u.department_id', '=', departmentId).where('u.status', '=', 'active').where('u.role', 'in', [...caseWorkingRoles])
  .orderBy('u.id'));
/** How many open cases each person holds. */
const openCasesOfEach = compiledOnce((db: DB, departmentId: number) => db.selectFrom('users as u')
  .select((eb) => ['u.id', eb.selectFrom('cases as c').select((e) => e.fn.countAll().as('n')).whereRef('c.assigned_user_id', '=', 'u.id').where('c.status', '=', 'open')
    .where('c.jurisdiction_id', 'not like', '%.training').as('score')])
  .where('u.department_id', '=', departmentId).where('u.status', '=', 'active').where('u.role', 'in', [...caseWorkingRoles])
  .orderBy('u.id'));

/** Who in the department gets a new case by its assignment rule (round-robin or least loaded); null: nobody (rule "none" or no one active). */
export async function pickAssignee(db: DB, departmentId: number): Promise<number | null> {
  const assignment = await assignmentOf(db, departmentId);
  if (assignment === undefined || assignment === 'none') return null;
  const roundRobin = assignment === 'round_robin';
  // Only the figure the rule needs: a least-loaded count reads each person's open cases, which round-robin never needs.
  // Real work only: practice cases in the training space never weigh on who gets the next case.
  const people = await (roundRobin ? latestCaseOfEach : openCasesOfEach)(db, departmentId);
  if (people.length === 0) return null;
  // No case yet scores -1 for round-robin (first in line); a least-loaded count is never null.
  const scored = people.map((person) => ({ id: person.id, score: person.score === null ? -1 : Number(person.score) }));
  // Ties go to the lowest user id (people is ordered by id, and sort is stable).
  scored.sort((a, b) => a.score - b.score);
  return scored[0]!.id;
}
