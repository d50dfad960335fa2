/**
 * The workflow rules a case follows: which version it works on, which transitions an actor may
 * take, and whether a definition is valid. Applying an action to a case is the case module's
 * work (src/cases); this module never writes a case.
 */
import type { DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import { settingsCache } from '../platform/settings-cache.js';
import { availableTransitions as transitionsFor, checkDefinition as problemsOf } from './definition.js';
import { publishedVersion, standardVersion, versionById } from './store.js';
import type { WorkflowActor, WorkflowDefinition, WorkflowTransition, WorkflowVersion } from './types.js';

export { publicLabelFor, staffLabelFor, stateOf } from './definition.js';
export { caseEvents } from './entry.js';

/** The published version a service's new cases start on (its own workflow, else "standard"); kept until the settings change. */
export const workflowForService = settingsCache(async (db: DB, jurisdictionId: string, serviceCode: string): Promise<WorkflowVersion> => {
  const service = await db.selectFrom('services').select('workflow_code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', serviceCode).executeTakeFirst();
  const own = service?.workflow_code ? await publishedVersion(db, jurisdictionId, service.workflow_code) : undefined;
  return own ?? standardVersion(db, jurisdictionId);
});

/** A version by id (the one an open case keeps). */
export async function workflowVersion(db: DB, id: number): Promise<WorkflowVersion> {
  return versionById(db, id);
}

/** The version a case works on: the one it keeps, else (an older case) its service's current one. */
export async function caseWorkflow(db: DB, row: Pick<CaseRow, 'workflow_version_id' | 'jurisdiction_id' | 'service_code'>): Promise<WorkflowVersion> {
  return row.workflow_version_id !== null ? versionById(db, row.workflow_version_id) : workflowForService(db, row.jurisdiction_id, row.service_code);
}

/** Transitions this actor may take from a state ("*" transitions included; never into the state itself). */
export function availableTransitions(definition: WorkflowDefinition, state: string, actor: WorkflowActor): WorkflowTransition[] {
  return transitionsFor(definition, state, actor);
}

/** Every problem with a definition, in plain words (empty: valid). */
export function checkDefinition(definition: unknown): string[] {
  return problemsOf(definition);
}
