/**
 * Importing a catalogue file: the database's catalogue becomes the file's, in one transaction
 * (all or nothing), with one audit entry listing every change, and the settings generation
 * moved on so every process reads the new settings at once.
 *
 * Removing what cases use is refused, never done half-way: a service with cases (or
 * applications being written) stays, and the file should retire it with `active: false`
 * instead; a department with cases, staff or consultations, a calendar that running or past SLA
 * clocks counted on, and a workflow that cases follow stay too. A published workflow or
 * application form is never changed in place: a changed one is published as the next version,
 * and open cases and applications keep the version they started on. The workflows Townhall makes
 * itself (standard, application) are kept when a file leaves them out.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { DomainError } from '../platform/errors.js';
import { bumpSettingsGeneration, lockSettings } from '../platform/settings-cache.js';
import { nowIso } from '../platform/time.js';
import { diffCatalogues, type ItemChange } from './catalogue-diff.js';
import { readCatalogue } from './catalogue-export.js';
import type { Catalogue } from './catalogue-format.js';
import * as store from './catalogue-store.js';
import { APPLICATION_WORKFLOW_CODE } from '../applications/workflow.js';
import { STANDARD_WORKFLOW_CODE } from '../workflow/standard.js';

/** The workflows Townhall makes itself the first time they are needed: a file that leaves them out keeps them. */
const builtInWorkflows: readonly string[] = [STANDARD_WORKFLOW_CODE, APPLICATION_WORKFLOW_CODE];

/** The file's catalogue, with the built-in workflows the site has and the file leaves out (a file exported before they were made). */
function withBuiltIns(current: Catalogue, wanted: Catalogue): Catalogue {
  const missing = current.workflows.filter((w) => builtInWorkflows.includes(w.code) && !wanted.workflows.some((x) => x.code === w.code));
  return missing.length === 0 ? wanted : { ...wanted, workflows: [...wanted.workflows, ...missing] };
}

/** What an import would change, read now (nothing is written). */
export async function planCatalogueImport(db: DB, jurisdictionId: string, file: Catalogue): Promise<ItemChange[]> {
  const current = await readCatalogue(db, jurisdictionId);
  return diffCatalogues(current, withBuiltIns(current, file));
}

/** Why each removal in `changes` cannot be made (empty: all can). */
export async function refusedRemovals(db: DB, jurisdictionId: string, current: Catalogue, wanted: Catalogue, changes: ItemChange[]): Promise<string[]> {
  const refusals: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  for (const change of changes) {
    if (change.kind === 'removed' && change.section === 'services') {
      const uses = await store.casesOfService(db, jurisdictionId, change.key);
      if (uses > 0) refusals.push(`Service "${change.key}" has ${plural(uses, 'case')} or applications, so it cannot be removed: keep it in the file with "active: false" to retire it.`);
    }
    if (change.kind === 'removed' && change.section === 'departments') {
      const uses = await store.usesOfDepartment(db, change.key);
      const what = [uses.cases && plural(uses.cases, 'case'), uses.staff && plural(uses.staff, 'staff account'), uses.consultations && plural(uses.consultations, 'consultation')].filter(Boolean);
      if (what.length > 0) refusals.push(`Department "${change.key}" has ${what.join(', ')}, so it cannot be removed: keep it in the file.`);
    }
    if (change.kind === 'removed' && change.section === 'calendars') {
      const uses = await store.clocksOfCalendar(db, change.key);
      if (uses > 0) refusals.push(`Calendar "${change.key}" is counted by ${plural(uses, 'SLA clock')}, so it cannot be removed: keep it in the file.`);
    }
    if (change.kind === 'removed' && change.section === 'workflows') {
      const uses = await store.casesOfWorkflow(db, jurisdictionId, change.key);
      if (uses > 0) refusals.push(`Workflow "${change.key}" is followed by ${plural(uses, 'case')}, so it cannot be removed: keep it in the file.`);
    }
    if (change.kind === 'changed' && change.section === 'workflows' && wanted.workflows.find((w) => w.code === change.key)?.definition === null
      && current.workflows.find((w) => w.code === change.key)?.definition !== null) {
      refusals.push(`Workflow "${change.key}" has a published version, which cannot be withdrawn: give its definition.`);
    }
    if (change.kind === 'changed' && change.section === 'services' && wanted.services.find((s) => s.code === change.key)?.applicationForm === null
      && current.services.find((s) => s.code === change.key)?.applicationForm !== null) {
      refusals.push(`Service "${change.key}" has a published application form, which cannot be withdrawn: give its form, or retire the service with "active: false".`);
    }
  }
  return refusals;
}

const canonical = (value: unknown) => JSON.stringify(value);

/**
 * Makes the database's catalogue the file's, in one transaction, and returns what changed (empty:
 * it already was, and nothing is written). Throws a conflict naming every removal it refuses.
 *
 * The catalogue is read, compared and written in that one transaction, which first takes the
 * settings write lock (the settings generation row, which every settings change moves: on
 * PostgreSQL a row lock that other writers wait on, on SQLite the database's write lock), so no
 * change made meanwhile is overwritten. `shown` is the diff a person confirmed (from
 * planCatalogueImport): when the catalogue changed since, the import is refused rather than
 * applying something else than what was shown.
 */
export async function applyCatalogue(db: DB, jurisdictionId: string, file: Catalogue, actor: string, shown?: ItemChange[]): Promise<ItemChange[]> {
  try {
    return await applyLocked(db, jurisdictionId, file, actor, shown);
  } catch (error) {
    // PostgreSQL ends one of two transactions that wait on each other (a settings page saving the
    // very row the import writes): nothing of the import was kept.
    const code = (error as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') throw new DomainError('conflict', 'Nothing was imported: someone saved settings at the same moment. Run the import again to see the changes as they are now.');
    throw error;
  }
}

async function applyLocked(db: DB, jurisdictionId: string, file: Catalogue, actor: string, shown?: ItemChange[]): Promise<ItemChange[]> {
  return db.transaction().execute(async (trx) => {
    await lockSettings(trx);
    const current = await readCatalogue(trx, jurisdictionId);
    const wanted = withBuiltIns(current, file);
    const changes = diffCatalogues(current, wanted);
    if (shown !== undefined && canonical(shown) !== canonical(changes)) {
      throw new DomainError('conflict', 'Nothing was imported: the catalogue was changed by someone else after the changes were shown. Run the import again to see the changes as they are now.');
    }
    if (changes.length === 0) return changes;
    const refusals = await refusedRemovals(trx, jurisdictionId, current, wanted, changes);
    if (refusals.length > 0) throw new DomainError('conflict', `Nothing was imported. ${refusals.join(' ')}`, refusals);
    const touched = (section: ItemChange['section']) => new Set(changes.filter((c) => c.section === section && c.kind !== 'removed').map((c) => c.key));
    const removed = (section: ItemChange['section']) => changes.filter((c) => c.section === section && c.kind === 'removed').map((c) => c.key);
    const at = nowIso();

    for (const calendar of wanted.calendars.filter((c) => touched('calendars').has(c.code))) {
      await store.upsertCalendar(trx, { code: calendar.code, name: calendar.name.trim(), time_zone: calendar.timeZone, working_hours: JSON.stringify(calendar.workingHours), holidays: JSON.stringify(calendar.holidays) }, at);
    }
    const calendarIds = await store.calendarIds(trx);
    for (const d of wanted.departments.filter((x) => touched('departments').has(x.code))) {
      await store.upsertDepartment(trx, { code: d.code, name: d.name.trim(), calendar_id: d.calendar === null ? null : calendarIds.get(d.calendar)!, assignment: d.assignment, area: d.area === null ? null : JSON.stringify(d.area) }, at);
    }
    const departmentIds = await store.departmentIds(trx);

    // Groups are saved in file order: a group's place is the order residents see them in.
    const groupsChanged = touched('groups');
    for (const [position, group] of wanted.groups.entries()) {
      if (groupsChanged.has(group.code)) await store.upsertGroup(trx, jurisdictionId, { code: group.code, name: group.name.trim(), sort_order: position, translations: JSON.stringify(group.translations) });
    }
    for (const w of wanted.workflows.filter((x) => touched('workflows').has(x.code))) {
      await store.putWorkflow(trx, jurisdictionId, { code: w.code, name: w.name.trim(), definition: w.definition === null ? null : canonical(w.definition) }, actor, at);
    }

    const currentServices = new Map(current.services.map((s) => [s.code, s]));
    for (const s of wanted.services.filter((x) => touched('services').has(x.code))) {
      await store.upsertService(trx, jurisdictionId, s.code, {
        name: s.name.trim(), description: s.description, group_code: s.group, keywords: JSON.stringify(s.keywords), type: s.type, active: s.active ? 1 : 0,
        agency_responsible: s.agencyResponsible, service_notice: s.serviceNotice, expected_days: s.expectedDays, retention_days: s.retentionDays,
        erasure_exemption: s.erasureExemption, department_code: s.department, workflow_code: s.workflow, translations: JSON.stringify(s.translations),
      }, at);
      const before = currentServices.get(s.code);
      if (!before || canonical(before.questions) !== canonical(s.questions)) {
        await store.replaceQuestions(trx, jurisdictionId, s.code, s.questions.map((q) => ({
          code: q.code, datatype: q.datatype, variable: q.variable ? 1 : 0, staff_only: q.staffOnly ? 1 : 0, required: q.required ? 1 : 0, description: q.description,
          help_text: q.helpText, allowed_values: JSON.stringify(q.values), translations: JSON.stringify(q.translations),
        })));
      }
      if (s.applicationForm !== null && canonical(before?.applicationForm ?? null) !== canonical(s.applicationForm)) {
        await store.insertFormVersion(trx, jurisdictionId, s.code, canonical(s.applicationForm), actor, at);
      }
      if (canonical(before?.licenceRegister ?? null) !== canonical(s.licenceRegister)) await store.setLicenceRegisterRow(trx, jurisdictionId, s.code, s.licenceRegister);
    }

    if (changes.some((c) => c.section === 'routingRules')) {
      await store.replaceRoutingRules(trx, jurisdictionId, wanted.routingRules.map((r) => ({ service_code: r.service, department_id: departmentIds.get(r.department)!, within_area: r.withinArea ? 1 : 0 })), at);
    }
    if (changes.some((c) => c.section === 'responseTemplates')) {
      const rows = await store.responseTemplateRows(trx, jurisdictionId);
      const departmentCode = new Map([...departmentIds].map(([code, id]) => [id, code]));
      const keyOf = (department: string | null, name: string) => `${department ?? ''}\u0000${name}`;
      const existing = new Map(rows.map((r) => [keyOf(r.department_id === null ? null : departmentCode.get(r.department_id) ?? null, r.name), r.id]));
      const kept = new Set<number>();
      for (const t of wanted.responseTemplates) {
        const id = existing.get(keyOf(t.department, t.name)) ?? null;
        if (id !== null) kept.add(id);
        await store.putResponseTemplate(trx, jurisdictionId, id, { name: t.name, department_id: t.department === null ? null : departmentIds.get(t.department)!, body: t.body, active: t.active ? 1 : 0 }, at);
      }
      for (const row of rows) if (!kept.has(row.id)) await store.deleteResponseTemplate(trx, row.id);
    }
    const messagesChanged = touched('messageTemplates');
    for (const m of wanted.messageTemplates.filter((x) => messagesChanged.has(`${x.event}/${x.channel}/${x.language}`))) {
      await store.putMessageTemplate(trx, { ...m, body: m.body.replace(/\r\n/g, '\n') }, actor, at);
    }
    for (const key of removed('messageTemplates')) {
      const [event, channel, language] = key.split('/') as [string, 'email' | 'sms' | 'in_app', string];
      await store.deleteMessageTemplate(trx, { event, channel, language });
    }

    // Removals last, once nothing kept points at what goes.
    for (const code of removed('services')) await store.deleteService(trx, jurisdictionId, code);
    for (const code of removed('groups')) await store.deleteGroup(trx, jurisdictionId, code);
    for (const code of removed('workflows')) await store.deleteWorkflow(trx, jurisdictionId, code);
    for (const code of removed('departments')) await store.deleteDepartment(trx, code);
    for (const code of removed('calendars')) await store.deleteCalendar(trx, code);

    // Triggers move the generation for most of these tables; templates, forms and the register have none.
    await bumpSettingsGeneration(trx);
    await appendAudit(trx, { actor, action: 'catalogue.imported', entityType: 'catalogue', entityId: jurisdictionId, before: null, after: { changes } });
    return changes;
  });
}
