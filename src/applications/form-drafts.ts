/**
 * The form editor's drafts: a council changes an application service's form on a draft copy
 * (one per service), previews it, and publishes it as a new version through `publishForm`.
 * A draft may be incomplete while it is built; the definition's schema (`checkDefinition`)
 * decides at publishing. Every change is audited with the definition before and after.
 */
import { appendAudit } from '../audit/audit.js';
import { createService, getService, listServices } from '../catalogue/catalogue.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { insertFormVersion, prepareApplicationService, type ApplicationForm } from './applications.js';
import { checkDefinition, type FormDefinition } from './definition.js';
import * as store from './store.js';

export interface FormDraft { serviceCode: string; definition: FormDefinition; basedOnVersion: number | null; updatedAt: string; updatedBy: string }

export interface FormServiceSummary {
  code: string;
  name: string;
  active: boolean;
  /** The version new applications start on; null until the first is published. */
  published: number | null;
  draft: { basedOnVersion: number | null; updatedAt: string } | null;
}

const iso = (value: unknown) => new Date(value as string).toISOString();

/** A first form for a new service: one page with one question, for the council to change. */
export function starterDefinition(name: string, description: string): FormDefinition {
  return {
    title: `Apply for ${name.charAt(0).toLowerCase()}${name.slice(1)}`,
    summary: description,
    whatYouNeed: [],
    howLong: 'We will reply within 4 weeks.',
    eligibility: [],
    pages: [{ id: 'about', title: 'About your application', fields: [{ id: 'details', type: 'long_text', label: 'Tell us what you are applying for' }] }],
    fees: [],
  };
}

/** Services that take applications (a published form or a draft), with their published version and draft. */
export async function listFormServices(db: DB, jurisdictionId: string): Promise<FormServiceSummary[]> {
  const [services, versions, drafts] = await Promise.all([
    listServices(db, jurisdictionId, { includeInactive: true }), store.latestVersions(db, jurisdictionId), store.formDrafts(db, jurisdictionId),
  ]);
  return services.flatMap((service) => {
    const version = versions.find((v) => v.service_code === service.code);
    const draft = drafts.find((d) => d.service_code === service.code);
    if (!version && !draft) return [];
    return [{
      code: service.code, name: service.name, active: service.active, published: version ? Number(version.version) : null,
      draft: draft ? { basedOnVersion: draft.based_on_version, updatedAt: iso(draft.updated_at) } : null,
    }];
  });
}

export async function loadFormDraft(db: DB, jurisdictionId: string, serviceCode: string): Promise<FormDraft | null> {
  const row = await store.findFormDraft(db, jurisdictionId, serviceCode);
  if (!row) return null;
  return { serviceCode, definition: JSON.parse(row.definition) as FormDefinition, basedOnVersion: row.based_on_version, updatedAt: iso(row.updated_at), updatedBy: row.updated_by };
}

/** The published form new applications start on, or null when the service has none yet. */
export async function publishedForm(db: DB, jurisdictionId: string, serviceCode: string): Promise<ApplicationForm | null> {
  const row = await store.latestFormVersion(db, jurisdictionId, serviceCode);
  return row ? { id: row.id, serviceCode, version: row.version, definition: JSON.parse(row.definition) as FormDefinition } : null;
}

/** A new application service in the catalogue, with a first draft of its form. */
export async function createApplicationService(db: DB, jurisdictionId: string, input: { code: string; name: string; description: string; groupCode: string }, actor: string): Promise<void> {
  await createService(db, jurisdictionId, {
    code: input.code, name: input.name, description: input.description, groupCode: input.groupCode, keywords: [], type: 'batch',
    agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [],
  }, actor);
  await db.transaction().execute(async (trx) => {
    const definition = starterDefinition(input.name, input.description);
    await store.insertFormDraft(trx, { jurisdiction_id: jurisdictionId, service_code: input.code, definition: JSON.stringify(definition), based_on_version: null, updated_at: nowIso(), updated_by: actor });
    await appendAudit(trx, { actor, action: 'application_form.draft_started', entityType: 'application_form', entityId: `${input.code} draft`, after: definition });
  });
}

/** The service's draft, copied from its published form when there is none yet (or a starter form for a service that has none). */
export async function startFormDraft(db: DB, jurisdictionId: string, serviceCode: string, actor: string): Promise<FormDraft> {
  const service = await getService(db, jurisdictionId, serviceCode);
  await db.transaction().execute(async (trx) => {
    if (await store.findFormDraft(trx, jurisdictionId, serviceCode)) return;
    const published = await publishedForm(trx, jurisdictionId, serviceCode);
    const definition = published?.definition ?? starterDefinition(service.name, service.description);
    await store.insertFormDraft(trx, {
      jurisdiction_id: jurisdictionId, service_code: serviceCode, definition: JSON.stringify(definition), based_on_version: published?.version ?? null, updated_at: nowIso(), updated_by: actor,
    });
    await appendAudit(trx, { actor, action: 'application_form.draft_started', entityType: 'application_form', entityId: `${serviceCode} draft`, after: { copiedFrom: published?.version ?? null } });
  }).catch((error: unknown) => {
    // Two administrators started a draft at the same moment: the other one's is the draft.
    if (!isUniqueViolation(error)) throw error;
  });
  return (await loadFormDraft(db, jurisdictionId, serviceCode))!;
}

/** Applies one edit (a pure function of the definition, which may refuse with `invalid`) to the draft, audited before and after. */
export async function changeFormDraft(db: DB, jurisdictionId: string, serviceCode: string, what: string, edit: (definition: FormDefinition) => FormDefinition, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const draft = await loadFormDraft(trx, jurisdictionId, serviceCode);
    if (!draft) throw conflict(`The form of "${serviceCode}" has no draft to change: start one first.`);
    const after = edit(structuredClone(draft.definition));
    await store.updateFormDraft(trx, jurisdictionId, serviceCode, JSON.stringify(after), nowIso(), actor);
    await appendAudit(trx, { actor, action: 'application_form.draft_changed', entityType: 'application_form', entityId: `${serviceCode} draft`, before: draft.definition, after: { change: what, definition: after } });
  });
}

/** Replaces the whole draft (the advanced JSON view): only a definition the schema accepts. */
export async function replaceFormDraft(db: DB, jurisdictionId: string, serviceCode: string, input: unknown, actor: string): Promise<void> {
  const checked = checkDefinition(input);
  if (!checked.ok) throw invalid(checked.problems[0]!, checked.problems);
  await changeFormDraft(db, jurisdictionId, serviceCode, 'replaced as JSON', () => checked.definition, actor);
}

/** Every problem that stops the draft being published (empty: it can be). */
export function draftProblems(definition: FormDefinition): string[] {
  const checked = checkDefinition(definition);
  return checked.ok ? [] : checked.problems;
}

/**
 * Publishes the draft as the service's next version (new applications start on it; open ones
 * keep theirs) and ends the draft, in one transaction. `revision` is the draft's last change as
 * the publisher saw it (its updatedAt): a draft changed since, published or discarded by someone
 * else meanwhile, or copied from a version older than the one now published, is refused
 * (conflict), so two administrators publishing at once cannot overwrite each other's work.
 */
export async function publishFormDraft(db: DB, jurisdictionId: string, serviceCode: string, actor: string, revision?: string): Promise<ApplicationForm> {
  await prepareApplicationService(db, jurisdictionId, serviceCode, actor);
  const reload = 'Reload the form\'s page to see the draft as it is now, check it, and publish again.';
  try {
    return await db.transaction().execute(async (trx) => {
      const draft = await loadFormDraft(trx, jurisdictionId, serviceCode);
      if (!draft) throw conflict(`The form of "${serviceCode}" has no draft to publish: someone may have published or discarded it meanwhile. ${reload}`);
      if (revision !== undefined && revision !== draft.updatedAt) {
        throw conflict(`The draft was changed by ${draft.updatedBy} at ${draft.updatedAt.slice(0, 16).replace('T', ' ')} UTC, after you opened it. ${reload}`);
      }
      const latest = await store.latestFormVersion(trx, jurisdictionId, serviceCode);
      if ((latest?.version ?? null) !== draft.basedOnVersion) {
        throw conflict(`Version ${latest?.version ?? '?'} was published after this draft was copied from ${draft.basedOnVersion === null ? 'nothing' : `version ${draft.basedOnVersion}`}: publishing it would undo that version's changes. Discard the draft and start again from version ${latest?.version ?? '?'}, or compare them first.`);
      }
      const problems = draftProblems(draft.definition);
      if (problems.length > 0) throw invalid(`The draft cannot be published until these are fixed: ${problems.join(' ')}`, problems);
      const form = await insertFormVersion(trx, jurisdictionId, serviceCode, draft.definition, actor);
      if ((await store.deleteFormDraft(trx, jurisdictionId, serviceCode)) !== 1) throw conflict(`The draft was published or discarded by someone else meanwhile. ${reload}`);
      return form;
    });
  } catch (error) {
    // Two publishes at the same moment: the version number is taken by the other one.
    if (isUniqueViolation(error)) throw conflict(`Someone else published this form at the same moment. ${reload}`);
    throw error;
  }
}

export async function discardFormDraft(db: DB, jurisdictionId: string, serviceCode: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const draft = await loadFormDraft(trx, jurisdictionId, serviceCode);
    if (!draft) throw notFound(`The form of "${serviceCode}" has no draft.`);
    await store.deleteFormDraft(trx, jurisdictionId, serviceCode);
    await appendAudit(trx, { actor, action: 'application_form.draft_discarded', entityType: 'application_form', entityId: `${serviceCode} draft`, before: draft.definition });
  });
}
