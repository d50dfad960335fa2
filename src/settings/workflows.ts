/**
 * Workflows as administrators change them: a published version never changes (open cases keep
 * the version they started on), so a change is made on a draft copy, checked, and published as
 * a new version; the version it replaces is retired. Every change is audited.
 */
import { appendAudit } from '../audit/audit.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { checkDefinition } from '../workflow/workflow.js';
import { ANY_STATE } from '../workflow/definition.js';
import { standardDefinition } from '../workflow/standard.js';
import { standardVersion } from '../workflow/store.js';
import type { WorkflowDefinition, WorkflowState, WorkflowTransition, WorkflowVersion, SlaTarget } from '../workflow/types.js';

export const workflowCodePattern = /^[a-z][a-z0-9_-]{0,39}$/;
export const stateCodePattern = /^[a-z][a-z0-9_]{0,39}$/;

export interface WorkflowSummary {
  id: number;
  code: string;
  name: string;
  published: { id: number; version: number; publishedAt: string | null } | null;
  draft: { id: number; version: number } | null;
}

export async function listWorkflows(db: DB, jurisdictionId: string): Promise<WorkflowSummary[]> {
  // The standard workflow is made the first time a case needs it; administrators see it before that.
  await standardVersion(db, jurisdictionId);
  const workflows = await db.selectFrom('workflows').select(['id', 'code', 'name']).where('jurisdiction_id', '=', jurisdictionId).orderBy('name').execute();
  if (workflows.length === 0) return [];
  const versions = await db.selectFrom('workflow_versions').select(['id', 'workflow_id', 'version', 'status', 'published_at'])
    .where('workflow_id', 'in', workflows.map((w) => w.id)).where('status', 'in', ['draft', 'published']).execute();
  return workflows.map((w) => {
    const published = versions.find((v) => v.workflow_id === w.id && v.status === 'published');
    const draft = versions.find((v) => v.workflow_id === w.id && v.status === 'draft');
    return {
      ...w,
      published: published ? { id: published.id, version: published.version, publishedAt: published.published_at } : null,
      draft: draft ? { id: draft.id, version: draft.version } : null,
    };
  });
}

async function findWorkflow(db: DB, jurisdictionId: string, code: string) {
  const workflow = await db.selectFrom('workflows').select(['id', 'code', 'name']).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  if (!workflow) throw notFound(`There is no workflow "${code}".`);
  return workflow;
}

async function versionWithStatus(db: DB, workflow: { id: number; code: string; name: string }, status: 'draft' | 'published'): Promise<WorkflowVersion | null> {
  const row = await db.selectFrom('workflow_versions').selectAll().where('workflow_id', '=', workflow.id).where('status', '=', status)
    .orderBy('version', 'desc').executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id, workflowId: workflow.id, workflowCode: workflow.code, workflowName: workflow.name, version: row.version, status: row.status,
    definition: JSON.parse(row.definition) as WorkflowDefinition,
  };
}

export async function publishedVersion(db: DB, jurisdictionId: string, code: string): Promise<WorkflowVersion | null> {
  return versionWithStatus(db, await findWorkflow(db, jurisdictionId, code), 'published');
}

export async function draftVersion(db: DB, jurisdictionId: string, code: string): Promise<WorkflowVersion | null> {
  return versionWithStatus(db, await findWorkflow(db, jurisdictionId, code), 'draft');
}

async function nextVersionNumber(trx: DB, workflowId: number): Promise<number> {
  const row = await trx.selectFrom('workflow_versions').select((eb) => eb.fn.max('version').as('n')).where('workflow_id', '=', workflowId).executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

/** A new workflow with a draft copied from the "standard" workflow's published version (or a plain open/closed one). */
export async function createWorkflow(db: DB, jurisdictionId: string, input: { code: string; name: string }, actor: string): Promise<void> {
  const code = input.code.trim();
  const name = input.name.trim();
  const problems: string[] = [];
  if (!workflowCodePattern.test(code)) problems.push('The workflow\'s code starts with a lower-case letter, then lower-case letters, digits, dashes or underscores (at most 40).');
  if (name === '') problems.push('The workflow needs a name.');
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('workflows').select('id').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
    if (existing) throw conflict(`There is already a workflow with the code "${code}".`);
    await standardVersion(trx, jurisdictionId);
    const standard = await trx.selectFrom('workflows').select(['id', 'code', 'name']).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', 'standard').executeTakeFirst();
    const copied = standard ? await versionWithStatus(trx, standard, 'published') : null;
    const at = nowIso();
    const workflow = await trx.insertInto('workflows').values({ jurisdiction_id: jurisdictionId, code, name, created_at: at }).returning('id').executeTakeFirstOrThrow();
    const definition = copied?.definition ?? standardDefinition;
    await trx.insertInto('workflow_versions').values({ workflow_id: workflow.id, version: 1, definition: JSON.stringify(definition), status: 'draft', created_by: actor, created_at: at }).execute();
    await appendAudit(trx, { actor, action: 'workflow.created', entityType: 'workflow', entityId: code, after: { code, name, copiedFrom: copied ? `standard v${copied.version}` : null } });
  });
}

/** The workflow's draft, made from its published version when there is none yet. */
export async function startDraft(db: DB, jurisdictionId: string, code: string, actor: string): Promise<WorkflowVersion> {
  await db.transaction().execute(async (trx) => {
    const workflow = await findWorkflow(trx, jurisdictionId, code);
    if (await versionWithStatus(trx, workflow, 'draft')) return;
    const published = await versionWithStatus(trx, workflow, 'published');
    const version = await nextVersionNumber(trx, workflow.id);
    const definition = published?.definition ?? standardDefinition;
    await trx.insertInto('workflow_versions').values({ workflow_id: workflow.id, version, definition: JSON.stringify(definition), status: 'draft', created_by: actor, created_at: nowIso() }).execute();
    await appendAudit(trx, { actor, action: 'workflow.draft_started', entityType: 'workflow', entityId: code, after: { version, copiedFrom: published ? published.version : null } });
  }).catch((error: unknown) => {
    // Two administrators started a draft at the same moment: the other one's draft is the draft.
    if (!isUniqueViolation(error)) throw error;
  });
  return (await draftVersion(db, jurisdictionId, code))!;
}

/** Applies one edit to the draft (a pure function of its definition) and audits before and after. */
export async function changeDraft(db: DB, jurisdictionId: string, code: string, what: string, edit: (definition: WorkflowDefinition) => WorkflowDefinition, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const workflow = await findWorkflow(trx, jurisdictionId, code);
    const draft = await versionWithStatus(trx, workflow, 'draft');
    if (!draft) throw conflict(`Workflow "${code}" has no draft to change: start one with "New draft".`);
    const after = edit(structuredClone(draft.definition));
    await trx.updateTable('workflow_versions').set({ definition: JSON.stringify(after) }).where('id', '=', draft.id).where('status', '=', 'draft').execute();
    await appendAudit(trx, { actor, action: `workflow.draft_${what}`, entityType: 'workflow', entityId: `${code} v${draft.version}`, before: draft.definition, after });
  });
}

/** Every problem that stops a draft being published (empty: it can be). */
/** Working hours in a working day, for targets entered in days (the hint on the form says so). */
export const HOURS_PER_WORKING_DAY = 8;

/** A target typed as an amount and a unit ("5" "days", "4" "hours") in working minutes, or NaN when it is not a number. */
export function targetMinutes(amount: string, unit: string): number {
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(amount.trim())) return NaN;
  const hours = Number(amount.trim()) * (unit === 'days' ? HOURS_PER_WORKING_DAY : 1);
  return Math.round(hours * 60);
}

/** A target in working minutes as the form shows it: "5 working days (40 hours)", "4 working hours", "90 working minutes". */
export function targetWords(minutes: number): string {
  const day = HOURS_PER_WORKING_DAY * 60;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes % day === 0) return `${plural(minutes / day, 'working day')} (${plural(minutes / 60, 'hour')})`;
  if (minutes % 60 === 0) return plural(minutes / 60, 'working hour');
  return plural(minutes, 'working minute');
}

/**
 * Things that are allowed but probably not meant, shown on the preview: an open state whose
 * only ways out close the case (no step moves it on to another open state), so a case there can
 * be finished but never progressed.
 */
export function draftWarnings(definition: WorkflowDefinition): string[] {
  const warnings: string[] = [];
  const closedStates = new Set(definition.states.filter((s) => s.publicStatus === 'closed').map((s) => s.code));
  for (const state of definition.states.filter((s) => s.publicStatus === 'open')) {
    const out = definition.transitions.filter((t) => (t.from.includes(state.code) || t.from.includes('*')) && t.to !== state.code);
    if (out.length > 0 && out.every((t) => closedStates.has(t.to))) {
      warnings.push(`Cases in “${state.label}” can only be closed (${out.map((t) => `“${t.label}”`).join(', ')}): no step moves them on to another open state.`);
    }
  }
  return warnings;
}

export function draftProblems(definition: WorkflowDefinition): string[] {
  return checkDefinition(definition);
}

/** Publishes the draft: it becomes the version new cases start on; the previous one is retired (open cases keep it). */
export async function publishDraft(db: DB, jurisdictionId: string, code: string, actor: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const workflow = await findWorkflow(trx, jurisdictionId, code);
    const draft = await versionWithStatus(trx, workflow, 'draft');
    if (!draft) throw conflict(`Workflow "${code}" has no draft to publish.`);
    const problems = draftProblems(draft.definition);
    if (problems.length > 0) throw invalid(`The draft cannot be published until these are fixed: ${problems.join(' ')}`, problems);
    const previous = await versionWithStatus(trx, workflow, 'published');
    const at = nowIso();
    if (previous) await trx.updateTable('workflow_versions').set({ status: 'retired' }).where('id', '=', previous.id).execute();
    await trx.updateTable('workflow_versions').set({ status: 'published', published_at: at }).where('id', '=', draft.id).execute();
    await appendAudit(trx, { actor, action: 'workflow.published', entityType: 'workflow', entityId: code, before: previous ? { version: previous.version } : null, after: { version: draft.version, definition: draft.definition } });
    return draft.version;
  });
}

// Edits to a definition: pure, so the pages and tests share them.

export function checkState(state: WorkflowState): string[] {
  const problems: string[] = [];
  if (!stateCodePattern.test(state.code)) problems.push('The state\'s code starts with a lower-case letter, then lower-case letters, digits or underscores (at most 40).');
  if (state.label.trim() === '') problems.push('The state needs a label for staff.');
  if (state.publicLabel.trim() === '') problems.push('The state needs a label for residents.');
  return problems;
}

export function putState(definition: WorkflowDefinition, state: WorkflowState): WorkflowDefinition {
  const index = definition.states.findIndex((s) => s.code === state.code);
  if (index >= 0) definition.states[index] = state;
  else definition.states.push(state);
  return definition;
}

export function removeState(definition: WorkflowDefinition, code: string): WorkflowDefinition {
  const users = definition.transitions.filter((t) => t.to === code || t.from.includes(code)).map((t) => t.code);
  if (users.length > 0) throw invalid(`State "${code}" is used by the transitions ${users.join(', ')}: change or remove them first.`);
  if (definition.initial === code) throw invalid(`State "${code}" is where new cases start: choose another starting state first.`);
  definition.states = definition.states.filter((s) => s.code !== code);
  return definition;
}

export function checkTransition(transition: WorkflowTransition, definition: WorkflowDefinition): string[] {
  const problems: string[] = [];
  const states = new Set(definition.states.map((s) => s.code));
  if (!stateCodePattern.test(transition.code)) problems.push('The transition\'s code starts with a lower-case letter, then lower-case letters, digits or underscores (at most 40).');
  if (transition.label.trim() === '') problems.push('The transition needs a label (the button staff press).');
  if (transition.from.length === 0) problems.push('Choose at least one state the transition can be taken from.');
  if (!states.has(transition.to)) problems.push('Choose the state the transition leads to.');
  if (transition.from.some((s) => s !== ANY_STATE && !states.has(s))) problems.push('A "from" state does not exist in this workflow.');
  if (transition.roles.length === 0) problems.push('Choose at least one role that may take the transition.');
  return problems;
}

export function putTransition(definition: WorkflowDefinition, transition: WorkflowTransition): WorkflowDefinition {
  const index = definition.transitions.findIndex((t) => t.code === transition.code);
  if (index >= 0) definition.transitions[index] = transition;
  else definition.transitions.push(transition);
  return definition;
}

export function removeTransition(definition: WorkflowDefinition, code: string): WorkflowDefinition {
  definition.transitions = definition.transitions.filter((t) => t.code !== code);
  return definition;
}

export function checkSlaTarget(target: SlaTarget, definition: WorkflowDefinition): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(target.minutes) || target.minutes <= 0 || target.minutes > 525_600) problems.push('Enter the target as a number of working hours or working days (up to 1,000 working days; for example 4 hours or 5 days).');
  if (!(target.warnAt > 0 && target.warnAt < 1)) problems.push('Warn at is a percentage of the time, from 1 to 99.');
  if (target.state !== null && !definition.states.some((s) => s.code === target.state)) problems.push('The SLA target\'s state does not exist in this workflow.');
  return problems;
}

/** Adds an SLA target, replacing one for the same clock, priority and state. */
export function putSlaTarget(definition: WorkflowDefinition, target: SlaTarget): WorkflowDefinition {
  definition.sla = definition.sla.filter((s) => !(s.clock === target.clock && s.priority === target.priority && s.state === target.state));
  definition.sla.push(target);
  return definition;
}

export function removeSlaTarget(definition: WorkflowDefinition, index: number): WorkflowDefinition {
  if (!definition.sla[index]) throw notFound('That SLA target is no longer there: reload the page.');
  definition.sla.splice(index, 1);
  return definition;
}

export function setInitial(definition: WorkflowDefinition, state: string): WorkflowDefinition {
  if (!definition.states.some((s) => s.code === state)) throw invalid('Choose a state of this workflow for new cases to start in.');
  definition.initial = state;
  return definition;
}
