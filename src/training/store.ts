/**
 * SQL for the training space: its copy of the catalogue, the practice cases given to a person,
 * and each person's checklist progress. Catalogue rows are copied whole (every column, whatever
 * later migrations add), with only the jurisdiction changed.
 */
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';

type Row = Record<string, unknown>;

const withJurisdiction = (row: Row, jurisdictionId: string): Row => ({ ...row, jurisdiction_id: jurisdictionId });

/** A comparable text of a row without its jurisdiction: equal texts mean nothing changed. */
const fingerprint = (row: Row) => JSON.stringify(Object.entries(row).filter(([key]) => key !== 'jurisdiction_id').sort(([a], [b]) => a.localeCompare(b)));

/** "trng": any constant shared by every process. */
const COPY_LOCK = 0x7472_6e67;

/**
 * One copy at a time across processes (PostgreSQL; SQLite has one writer): two people starting
 * training at once would otherwise both create the same workflow or routing rules.
 */
export async function lockTrainingSpace(trx: DB): Promise<void> {
  if (dialectOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${COPY_LOCK})`.execute(trx);
}

export interface CopyResult {
  groups: number;
  services: number;
  /** Services no longer in the real catalogue, now inactive in training. */
  retired: number;
  /** Workflows given a new published version (the real one's latest). */
  workflows: number;
  /** 1 when the routing rules were replaced by the real ones. */
  routing: number;
}

/**
 * Makes the training catalogue match the real one: groups and services are upserted only when
 * they differ, a changed service's questions are replaced, and a service gone from the real
 * catalogue is made inactive (its practice cases still point at it, so it is never deleted).
 */
export async function copyCatalogue(trx: DB, from: string, to: string): Promise<CopyResult> {
  const result: CopyResult = { groups: 0, services: 0, retired: 0, workflows: 0, routing: 0 };
  const realGroups = await trx.selectFrom('service_groups').selectAll().where('jurisdiction_id', '=', from).execute();
  const copiedGroups = new Map((await trx.selectFrom('service_groups').selectAll().where('jurisdiction_id', '=', to).execute()).map((g) => [g.code, fingerprint(g)]));
  for (const group of realGroups) {
    if (copiedGroups.get(group.code) === fingerprint(group)) continue;
    await trx.insertInto('service_groups').values({ ...group, jurisdiction_id: to })
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doUpdateSet({ name: group.name, sort_order: group.sort_order })).execute();
    result.groups++;
  }

  const services = await trx.selectFrom('services').selectAll().where('jurisdiction_id', '=', from).execute() as unknown as Row[];
  const attributes = await trx.selectFrom('service_attributes').selectAll().where('jurisdiction_id', '=', from).execute() as unknown as Row[];
  const copiedServices = await trx.selectFrom('services').selectAll().where('jurisdiction_id', '=', to).execute() as unknown as Row[];
  const copiedAttributes = await trx.selectFrom('service_attributes').selectAll().where('jurisdiction_id', '=', to).execute() as unknown as Row[];
  const attributesOf = (rows: Row[], code: unknown) => rows.filter((a) => a.service_code === code).map(fingerprint).sort().join('\n');
  const copiedByCode = new Map(copiedServices.map((s) => [s.code as string, s]));

  for (const service of services) {
    const copy = copiedByCode.get(service.code as string);
    if (copy && fingerprint(copy) === fingerprint(service) && attributesOf(copiedAttributes, service.code) === attributesOf(attributes, service.code)) continue;
    const { jurisdiction_id: _jurisdiction, code: _code, ...changes } = service;
    await trx.insertInto('services').values(withJurisdiction(service, to) as never)
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doUpdateSet(changes as never)).execute();
    await trx.deleteFrom('service_attributes').where('jurisdiction_id', '=', to).where('service_code', '=', service.code as string).execute();
    const own = attributes.filter((a) => a.service_code === service.code).map((a) => withJurisdiction(a, to));
    if (own.length > 0) await trx.insertInto('service_attributes').values(own as never).execute();
    result.services++;
  }

  const realCodes = new Set(services.map((s) => s.code as string));
  const gone = copiedServices.filter((s) => !realCodes.has(s.code as string) && s.active === 1).map((s) => s.code as string);
  if (gone.length > 0) {
    await trx.updateTable('services').set({ active: 0 }).where('jurisdiction_id', '=', to).where('code', 'in', gone).execute();
    result.retired = gone.length;
  }
  result.workflows = await copyWorkflows(trx, from, to);
  result.routing = await copyRoutingRules(trx, from, to);
  return result;
}

/**
 * Gives each training workflow the real one's latest published definition, as a new published
 * version when it differs (versions never change: open practice cases keep theirs). A workflow
 * the real jurisdiction has not created yet ("standard" is made when first needed) is left to
 * the engine, which makes the same built-in one.
 */
async function copyWorkflows(trx: DB, from: string, to: string): Promise<number> {
  const latest = async (jurisdictionId: string) => {
    const rows = await trx.selectFrom('workflows').innerJoin('workflow_versions', 'workflow_versions.workflow_id', 'workflows.id')
      .select(['workflows.id', 'workflows.code', 'workflows.name', 'workflow_versions.version', 'workflow_versions.definition', 'workflow_versions.status'])
      .where('workflows.jurisdiction_id', '=', jurisdictionId).orderBy('workflow_versions.version').execute();
    const byCode = new Map<string, { id: number; name: string; version: number; definition: string | null }>();
    for (const row of rows) {
      const known = byCode.get(row.code) ?? { id: row.id, name: row.name, version: 0, definition: null };
      byCode.set(row.code, { ...known, version: Math.max(known.version, row.version), definition: row.status === 'published' ? row.definition : known.definition });
    }
    return byCode;
  };
  const real = await latest(from);
  const copied = await latest(to);
  const at = new Date().toISOString();
  let changed = 0;
  for (const [code, workflow] of real) {
    if (workflow.definition === null || copied.get(code)?.definition === workflow.definition) continue;
    let target = copied.get(code);
    if (!target) {
      const row = await trx.insertInto('workflows').values({ jurisdiction_id: to, code, name: workflow.name, created_at: at }).returning('id').executeTakeFirstOrThrow();
      target = { id: row.id, name: workflow.name, version: 0, definition: null };
    }
    await trx.insertInto('workflow_versions').values({
      workflow_id: target.id, version: target.version + 1, definition: workflow.definition, status: 'published', created_by: 'system:training', created_at: at, published_at: at,
    }).execute();
    changed++;
  }
  return changed;
}

/** Replaces the training routing rules with the real ones when they differ (departments are shared). */
async function copyRoutingRules(trx: DB, from: string, to: string): Promise<number> {
  const rules = (jurisdictionId: string) => trx.selectFrom('routing_rules').select(['position', 'service_code', 'department_id', 'within_area'])
    .where('jurisdiction_id', '=', jurisdictionId).orderBy('position').orderBy('id').execute();
  const real = await rules(from);
  if (JSON.stringify(real) === JSON.stringify(await rules(to))) return 0;
  await trx.deleteFrom('routing_rules').where('jurisdiction_id', '=', to).execute();
  const at = new Date().toISOString();
  if (real.length > 0) await trx.insertInto('routing_rules').values(real.map((rule) => ({ ...rule, jurisdiction_id: to, created_at: at }))).execute();
  return 1;
}

export async function findDepartmentByCode(db: DB, code: string) {
  return db.selectFrom('departments').select(['id', 'code', 'name']).where('code', '=', code).executeTakeFirst();
}

export async function findUserDepartment(db: DB, userId: number) {
  return db.selectFrom('users').leftJoin('departments', 'departments.id', 'users.department_id')
    .select(['users.id', 'departments.id as department_id', 'departments.code as department_code'])
    .where('users.id', '=', userId).executeTakeFirst();
}

/**
 * The open practice cases that are a person's: made for them (the submitting actor names them)
 * or assigned to them.
 */
export async function openPracticeCases(db: DB, jurisdictionId: string, userId: number, madeFor: string): Promise<number[]> {
  const rows = await db.selectFrom('cases').select('cases.id')
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.status', '=', 'open')
    .where((eb) => eb.or([
      eb('cases.assigned_user_id', '=', userId),
      eb.exists(eb.selectFrom('case_actions').select('case_actions.id')
        .whereRef('case_actions.case_id', '=', 'cases.id').where('case_actions.action', '=', 'submitted').where('case_actions.actor', '=', madeFor)),
    ]))
    .orderBy('cases.id').execute();
  return rows.map((r) => r.id);
}

/** A person's own actions on training cases, oldest first, for the checklist. */
export async function actionsOnTrainingCases(db: DB, jurisdictionId: string, actor: string) {
  return db.selectFrom('case_actions').innerJoin('cases', 'cases.id', 'case_actions.case_id')
    .select(['case_actions.id', 'case_actions.case_id', 'case_actions.action', 'case_actions.status', 'case_actions.details', 'case_actions.created_at'])
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('case_actions.actor', '=', actor)
    .orderBy('case_actions.id').execute();
}

export async function progressOf(db: DB, userId: number) {
  return db.selectFrom('training_progress').select(['task', 'done_at']).where('user_id', '=', userId).execute();
}

export async function recordProgress(db: DB, userId: number, task: string, at: string): Promise<void> {
  await db.insertInto('training_progress').values({ user_id: userId, task, done_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'task']).doNothing()).execute();
}
