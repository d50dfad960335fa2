/** SQL for workflows and their versions. A published version's definition never changes. */
import type { DB } from '../db/connection.js';
import { notFound } from '../platform/errors.js';
import { settingsCache } from '../platform/settings-cache.js';
import { nowIso } from '../platform/time.js';
import { STANDARD_WORKFLOW_CODE, STANDARD_WORKFLOW_NAME, standardDefinition } from './standard.js';
import type { WorkflowDefinition, WorkflowVersion } from './types.js';

const selectVersions = (db: DB) => db.selectFrom('workflow_versions')
  .innerJoin('workflows', 'workflows.id', 'workflow_versions.workflow_id')
  .select(['workflow_versions.id', 'workflow_versions.workflow_id', 'workflows.code', 'workflows.name', 'workflow_versions.version', 'workflow_versions.status', 'workflow_versions.definition']);

type VersionRow = Awaited<ReturnType<ReturnType<typeof selectVersions>['executeTakeFirstOrThrow']>>;

const toVersion = (row: VersionRow): WorkflowVersion => ({
  id: row.id, workflowId: row.workflow_id, workflowCode: row.code, workflowName: row.name, version: row.version,
  status: row.status, definition: JSON.parse(row.definition) as WorkflowDefinition,
});

/** A version by id; kept in memory until the settings change (an open case's version is read on every action). */
export const versionById = settingsCache(async (db: DB, id: number): Promise<WorkflowVersion> => {
  const row = await selectVersions(db).where('workflow_versions.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`There is no workflow version ${id}.`);
  return toVersion(row);
});

/** The newest published version of a workflow, or undefined. */
export async function publishedVersion(db: DB, jurisdictionId: string, code: string): Promise<WorkflowVersion | undefined> {
  const row = await selectVersions(db)
    .where('workflows.jurisdiction_id', '=', jurisdictionId).where('workflows.code', '=', code)
    .where('workflow_versions.status', '=', 'published')
    .orderBy('workflow_versions.version', 'desc').limit(1).executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

/**
 * The jurisdiction's standard workflow, created as published version 1 the first time it is
 * needed.
 */
export async function standardVersion(db: DB, jurisdictionId: string): Promise<WorkflowVersion> {
  return builtInVersion(db, jurisdictionId, { code: STANDARD_WORKFLOW_CODE, name: STANDARD_WORKFLOW_NAME, definition: standardDefinition });
}

/**
 * A workflow Townhall ships (the standard one, the applications one), created as published
 * version 1 the first time a jurisdiction needs it; a council's later versions win. Two
 * processes may race to create it: the unique constraint keeps one, the other's insert does
 * nothing and it reads the winner's.
 */
export async function builtInVersion(db: DB, jurisdictionId: string, workflow: { code: string; name: string; definition: WorkflowDefinition }): Promise<WorkflowVersion> {
  const existing = await publishedVersion(db, jurisdictionId, workflow.code);
  if (existing) return existing;
  const at = nowIso();
  const created = await db.insertInto('workflows')
    .values({ jurisdiction_id: jurisdictionId, code: workflow.code, name: workflow.name, created_at: at })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doNothing())
    .returning('id').executeTakeFirst();
  const row = created ?? await db.selectFrom('workflows').select('id')
    .where('jurisdiction_id', '=', jurisdictionId).where('code', '=', workflow.code).executeTakeFirstOrThrow();
  await db.insertInto('workflow_versions')
    .values({ workflow_id: row.id, version: 1, definition: JSON.stringify(workflow.definition), status: 'published', created_by: 'system', created_at: at, published_at: at })
    .onConflict((oc) => oc.columns(['workflow_id', 'version']).doNothing())
    .execute();
  const version = await publishedVersion(db, jurisdictionId, workflow.code);
  if (!version) throw new Error(`The ${workflow.code} workflow of ${jurisdictionId} exists but has no published version.`);
  return version;
}
