/**
 * The catalogue as it is in the database, in the catalogue file's shape (catalogue-format.ts):
 * every section sorted by code (groups in the order residents see them, questions in the order
 * reporters are asked, routing rules in the order they are tried), so the same catalogue always
 * gives the same file, byte for byte.
 */
import { applicationServices } from '../applications/store.js';
import { listServices, listServiceGroups } from '../catalogue/catalogue.js';
import type { DB } from '../db/connection.js';
import { listRoutingRules } from '../routing/store.js';
import { listCalendars } from './calendars.js';
import { CATALOGUE_FORMAT, CATALOGUE_VERSION, type Catalogue, type CatalogueService } from './catalogue-format.js';
import * as store from './catalogue-store.js';
import { listDepartments } from './departments.js';
import { listResponseTemplates } from './response-templates.js';

const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
type JsonObject = Record<string, unknown>;

export async function readCatalogue(db: DB, jurisdictionId: string): Promise<Catalogue> {
  const departments = await listDepartments(db);
  const calendars = await listCalendars(db);
  const calendarCode = new Map(calendars.map((c) => [c.id, c.code]));
  const departmentCode = new Map(departments.map((d) => [d.id, d.code]));
  const workflowCodes = await store.serviceWorkflowCodes(db, jurisdictionId);
  const forms = new Map((await applicationServices(db, jurisdictionId)).map((f) => [f.service_code, JSON.parse(f.definition) as JsonObject]));
  const register = new Map((await store.licenceRegisterRows(db, jurisdictionId)).map((r) => [r.service_code, { public: r.public_register === 1, holderNames: r.publish_holder_name === 1 }]));

  const services: CatalogueService[] = (await listServices(db, jurisdictionId, { includeInactive: true })).sort(byCode).map((s) => ({
    code: s.code, name: s.name, group: s.groupCode, description: s.description, type: s.type, active: s.active, keywords: s.keywords,
    agencyResponsible: s.agencyResponsible, serviceNotice: s.serviceNotice, expectedDays: s.expectedDays, retentionDays: s.retentionDays,
    erasureExemption: s.erasureExemption, department: s.department, workflow: workflowCodes.get(s.code) ?? null,
    translations: s.translations ?? {},
    questions: s.attributes.map((a) => ({
      code: a.code, datatype: a.datatype, description: a.description, required: a.required, variable: a.variable, staffOnly: a.staffOnly, helpText: a.helpText,
      values: a.values.map((v) => ({ key: v.key, name: v.name })), translations: a.translations ?? {},
    })),
    applicationForm: forms.get(s.code) ?? null,
    licenceRegister: register.get(s.code) ?? null,
  }));

  return {
    format: CATALOGUE_FORMAT,
    version: CATALOGUE_VERSION,
    groups: (await listServiceGroups(db, jurisdictionId)).map((g) => ({ code: g.code, name: g.name, translations: g.translations ?? {} })),
    calendars: calendars.sort(byCode).map((c) => ({ code: c.code, name: c.name, timeZone: c.timeZone, workingHours: c.workingHours.map((h) => ({ day: h.day, start: h.start, end: h.end })), holidays: c.holidays })),
    departments: departments.sort(byCode).map((d) => ({
      code: d.code, name: d.name, calendar: d.calendarId === null ? null : calendarCode.get(d.calendarId) ?? null, assignment: d.assignment,
      area: d.area === null ? null : JSON.parse(d.area) as JsonObject,
    })),
    workflows: (await store.workflowsWithPublished(db, jurisdictionId)).map((w) => ({ code: w.code, name: w.name, definition: w.definition === null ? null : JSON.parse(w.definition) as JsonObject })),
    services,
    routingRules: (await listRoutingRules(db, jurisdictionId)).map((r) => ({ service: r.serviceCode, department: departmentCode.get(r.departmentId)!, withinArea: r.withinArea })),
    responseTemplates: (await listResponseTemplates(db, jurisdictionId))
      .map((t) => ({ name: t.name, department: t.departmentId === null ? null : departmentCode.get(t.departmentId) ?? null, body: t.body, active: t.active }))
      .sort((a, b) => compare(a.department ?? '', b.department ?? '') || compare(a.name, b.name)),
    messageTemplates: (await store.messageTemplateRows(db))
      .map((m) => ({ event: m.event, channel: m.channel, language: m.language as Catalogue['messageTemplates'][number]['language'], subject: m.subject, body: m.body }))
      .sort((a, b) => compare(a.event, b.event) || compare(a.channel, b.channel) || compare(a.language, b.language)),
  };
}
