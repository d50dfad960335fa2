/**
 * Routing settings: the ordered routing rules, and each department's area and assignment rule.
 * Every change is audited.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { parseDepartmentArea } from './areas.js';

export interface RoutingRule {
  id: number;
  position: number;
  /** null: any service. */
  serviceCode: string | null;
  departmentId: number;
  departmentName: string;
  /** Only when the case's location lies in the department's area. */
  withinArea: boolean;
}

export interface RoutingRuleInput {
  /** Absent: a new rule, placed last. */
  id?: number | null;
  serviceCode: string | null;
  departmentId: number;
  withinArea: boolean;
}

export type AssignmentRule = 'none' | 'round_robin' | 'least_loaded';
export const assignmentRules: readonly AssignmentRule[] = ['none', 'round_robin', 'least_loaded'];

export async function listRoutingRules(db: DB, jurisdictionId: string): Promise<RoutingRule[]> {
  const rows = await db.selectFrom('routing_rules as r').innerJoin('departments as d', 'd.id', 'r.department_id')
    .select(['r.id', 'r.position', 'r.service_code', 'r.department_id', 'r.within_area', 'd.name'])
    .where('r.jurisdiction_id', '=', jurisdictionId).orderBy('r.position').orderBy('r.id').execute();
  return rows.map((row) => ({
    id: row.id, position: row.position, serviceCode: row.service_code, departmentId: row.department_id, departmentName: row.name, withinArea: row.within_area === 1,
  }));
}

/** Every problem with a rule, in plain words (empty: it can be saved). */
export async function checkRoutingRule(db: DB, jurisdictionId: string, input: RoutingRuleInput): Promise<string[]> {
  const problems: string[] = [];
  const department = await db.selectFrom('departments').select(['id', 'name', 'area']).where('id', '=', input.departmentId).executeTakeFirst();
  if (!department) problems.push('Choose the department the cases go to.');
  if (input.serviceCode !== null) {
    const service = await db.selectFrom('services').select('code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', input.serviceCode).executeTakeFirst();
    if (!service) problems.push('Choose a service from the list, or "Any service".');
  }
  if (department && input.withinArea && !department.area) problems.push(`${department.name} has no area yet. Upload its area first, or route its cases wherever they are.`);
  return problems;
}

export async function saveRoutingRule(db: DB, jurisdictionId: string, input: RoutingRuleInput, actor: string): Promise<RoutingRule> {
  const problems = await checkRoutingRule(db, jurisdictionId, input);
  if (problems.length > 0) throw invalid(problems[0]!, problems);
  const id = await db.transaction().execute(async (trx) => {
    const values = { service_code: input.serviceCode, department_id: input.departmentId, within_area: input.withinArea ? 1 : 0 };
    if (input.id) {
      const before = await trx.selectFrom('routing_rules').selectAll().where('id', '=', input.id).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
      if (!before) throw notFound('That routing rule no longer exists.');
      await trx.updateTable('routing_rules').set(values).where('id', '=', input.id).execute();
      await appendAudit(trx, { actor, action: 'routing_rule.updated', entityType: 'routing_rule', entityId: String(input.id), before, after: values });
      return input.id;
    }
    const last = await trx.selectFrom('routing_rules').select((eb) => eb.fn.max('position').as('p')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
    const position = (last?.p === null || last?.p === undefined ? 0 : Number(last.p)) + 1;
    const row = await trx.insertInto('routing_rules').values({ ...values, jurisdiction_id: jurisdictionId, position, created_at: nowIso() }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, { actor, action: 'routing_rule.created', entityType: 'routing_rule', entityId: String(row.id), after: { ...values, position } });
    return row.id;
  });
  return (await listRoutingRules(db, jurisdictionId)).find((rule) => rule.id === id)!;
}

export async function deleteRoutingRule(db: DB, jurisdictionId: string, id: number, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('routing_rules').selectAll().where('id', '=', id).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
    if (!before) throw notFound('That routing rule no longer exists.');
    await trx.deleteFrom('routing_rules').where('id', '=', id).execute();
    await appendAudit(trx, { actor, action: 'routing_rule.deleted', entityType: 'routing_rule', entityId: String(id), before });
  });
}

/** Moves a rule one place earlier or later (rules are tried in order). */
export async function moveRoutingRule(db: DB, jurisdictionId: string, id: number, direction: 'up' | 'down', actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rules = await trx.selectFrom('routing_rules').select(['id', 'position']).where('jurisdiction_id', '=', jurisdictionId).orderBy('position').orderBy('id').execute();
    const index = rules.findIndex((rule) => rule.id === id);
    if (index < 0) throw notFound('That routing rule no longer exists.');
    const other = direction === 'up' ? index - 1 : index + 1;
    if (other < 0 || other >= rules.length) return;
    [rules[index], rules[other]] = [rules[other]!, rules[index]!];
    // Renumber all, so equal positions from older data cannot keep the order ambiguous.
    for (const [i, rule] of rules.entries()) if (rule.position !== i + 1) await trx.updateTable('routing_rules').set({ position: i + 1 }).where('id', '=', rule.id).execute();
    await appendAudit(trx, { actor, action: 'routing_rule.moved', entityType: 'routing_rule', entityId: String(id), after: { direction, order: rules.map((rule) => rule.id) } });
  });
}

/** Stores an uploaded area (GeoJSON text), or removes it (null). Returns the problems when the file is not usable. */
export async function saveDepartmentArea(db: DB, departmentId: number, text: string | null, actor: string): Promise<{ problems: string[] }> {
  let stored: string | null = null;
  if (text !== null) {
    const parsed = parseDepartmentArea(text);
    if ('problems' in parsed) return { problems: parsed.problems };
    stored = JSON.stringify(parsed.geometry);
  }
  await db.transaction().execute(async (trx) => {
    const department = await trx.selectFrom('departments').select(['code']).where('id', '=', departmentId).executeTakeFirst();
    if (!department) throw notFound('That department no longer exists.');
    if (stored === null) {
      const used = await trx.selectFrom('routing_rules').select('id').where('department_id', '=', departmentId).where('within_area', '=', 1).executeTakeFirst();
      if (used) throw invalid('A routing rule sends cases by this department\'s area. Change or delete that rule before removing the area.');
    }
    await trx.updateTable('departments').set({ area: stored, updated_at: nowIso() }).where('id', '=', departmentId).execute();
    // The shape itself is not copied into the audit log (it can be large): only that it changed.
    await appendAudit(trx, { actor, action: stored ? 'department.area_set' : 'department.area_removed', entityType: 'department', entityId: department.code, after: { bytes: stored?.length ?? 0 } });
  });
  return { problems: [] };
}

/** How the department's new cases are given to people: nobody, round-robin or least loaded. */
export async function setDepartmentAssignment(db: DB, departmentId: number, rule: string, actor: string): Promise<void> {
  if (!(assignmentRules as readonly string[]).includes(rule)) throw invalid('Choose how new cases are assigned: nobody, in turn (round-robin), or to whoever has fewest open cases.');
  await db.transaction().execute(async (trx) => {
    const department = await trx.selectFrom('departments').select(['code', 'assignment']).where('id', '=', departmentId).executeTakeFirst();
    if (!department) throw notFound('That department no longer exists.');
    await trx.updateTable('departments').set({ assignment: rule as AssignmentRule, updated_at: nowIso() }).where('id', '=', departmentId).execute();
    await appendAudit(trx, { actor, action: 'department.assignment_set', entityType: 'department', entityId: department.code, before: { assignment: department.assignment }, after: { assignment: rule } });
  });
}
