/**
 * The catalogue file (`townhall catalogue export|import`, docs/catalogue-file.md): everything the
 * settings pages edit, as one document a person can read, keep in version control and write by
 * hand. Things are named by their codes, never by database numbers. The schema below is the one
 * definition of the format: it checks the file's shape and is published as JSON Schema
 * (docs/catalogue-file.schema.json); `checkCatalogueText` then checks what the schema cannot say
 * (codes, references between sections, workflows, forms, calendars, templates), and names each
 * problem by its place in the file and its line.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { checkDefinition as checkFormDefinition } from '../applications/definition.js';
import { APPLICATION_WORKFLOW_CODE } from '../applications/workflow.js';
import { checkAttribute, checkServiceChanges, codePattern } from '../catalogue/catalogue.js';
import { attributeDatatypes, serviceTypes } from '../catalogue/types.js';
import { english, languageByCode } from '../i18n/languages.js';
import { builtInTemplates, channels, checkMessageTemplate, templateLanguages } from '../notifications/message-templates.js';
import { parseDepartmentArea } from '../routing/areas.js';
import { STANDARD_WORKFLOW_CODE } from '../workflow/standard.js';
import { checkDefinition as checkWorkflowDefinition } from '../workflow/workflow.js';
import { checkCalendar } from './calendars.js';
import { assignmentRules, departmentCodePattern } from './departments.js';
import { checkResponseTemplate } from './response-templates.js';
import { workflowCodePattern } from './workflows.js';

export const CATALOGUE_FORMAT = 'townhall-catalogue';
export const CATALOGUE_VERSION = 1;

const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
const orNull = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
const closed = { additionalProperties: false } as const;
const code = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
/** Per language code ("es", "ar"): only the fields translated so far. */
const byLanguage = <T extends TSchema>(entry: T) => Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), entry,
  { description: 'By language code ("es", "ar"): only the fields translated so far; the rest fall back to the default language.' });

const groupSchema = Type.Object({
  code: code('The group\'s code (letters, digits, dots, dashes, underscores).'),
  name: Type.String(),
  translations: Type.Optional(byLanguage(Type.Object({ name: Type.Optional(Type.String()) }, closed))),
}, { ...closed, description: 'A service group, in the order residents see the groups.' });

const calendarSchema = Type.Object({
  code: code('Lower-case letters, digits, dashes, underscores.'),
  name: Type.String(),
  timeZone: Type.String({ description: 'An IANA time zone, e.g. Europe/London.' }),
  workingHours: Type.Array(Type.Object({
    day: Type.Integer({ minimum: 1, maximum: 7, description: '1 Monday … 7 Sunday' }),
    start: Type.String({ description: 'HH:MM' }),
    end: Type.String({ description: 'HH:MM (24:00 for midnight)' }),
  }, closed)),
  holidays: Type.Optional(Type.Array(Type.String({ description: 'YYYY-MM-DD' }))),
}, { ...closed, description: 'A business calendar: the working time SLA clocks count.' });

const departmentSchema = Type.Object({
  code: code('Lower-case letters, digits, dashes, underscores. Staff accounts and services name the department by it.'),
  name: Type.String(),
  calendar: Type.Optional(orNull(Type.String(), 'The code of its business calendar; null: the council\'s default working week.')),
  assignment: Type.Optional(literals(assignmentRules, 'How its new cases are assigned (default none).')),
  area: Type.Optional(orNull(Type.Object({}, { additionalProperties: true }), 'A GeoJSON Polygon or MultiPolygon (longitude, latitude) of the area it covers.')),
}, closed);

const workflowSchema = Type.Object({
  code: code('Starts with a lower-case letter.'),
  name: Type.String(),
  definition: Type.Optional(orNull(Type.Object({}, { additionalProperties: true }),
    'The published version: initial, states, transitions, sla (see src/workflow/types.ts). Importing a changed definition publishes it as a new version; open cases keep theirs. null: none published yet.')),
}, closed);

const questionSchema = Type.Object({
  code: code('Sent as attribute[code] by Open311 clients.'),
  datatype: literals(attributeDatatypes),
  description: Type.String({ description: 'The question, as the reporter reads it.' }),
  required: Type.Optional(Type.Boolean()),
  variable: Type.Optional(Type.Boolean({ description: 'false: an information-only note that takes no answer (default true).' })),
  staffOnly: Type.Optional(Type.Boolean({ description: 'true: a question staff answer on the case page; residents, the portal and Open311 clients never see it or its answer (default false).' })),
  helpText: Type.Optional(orNull(Type.String())),
  values: Type.Optional(Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), name: Type.String() }, closed), { description: 'The allowed answers of a list question.' })),
  translations: Type.Optional(byLanguage(Type.Object({
    description: Type.Optional(Type.String()),
    helpText: Type.Optional(Type.String()),
    values: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Answer names by answer key.' })),
  }, closed))),
}, { ...closed, description: 'A question the service asks, in the order reporters are asked.' });

const serviceSchema = Type.Object({
  code: code('Never changes: reports, links and Open311 clients use it.'),
  name: Type.String(),
  group: Type.String({ description: 'The code of its group.' }),
  description: Type.Optional(Type.String()),
  type: Type.Optional(literals(serviceTypes, 'Open311 type (default realtime).')),
  active: Type.Optional(Type.Boolean({ description: 'false: retired (no new reports); its cases are kept. Default true.' })),
  keywords: Type.Optional(Type.Array(Type.String())),
  agencyResponsible: Type.Optional(orNull(Type.String(), 'Open311 agency_responsible: who deals with it, as residents read it.')),
  serviceNotice: Type.Optional(orNull(Type.String(), 'Shown to reporters after they send a report.')),
  expectedDays: Type.Optional(orNull(Type.Integer({ minimum: 0, maximum: 3650 }), 'Working days it usually takes; drives the expected date.')),
  retentionDays: Type.Optional(orNull(Type.Integer({ minimum: 0 }), 'Days after closing that reporters\' contact details are kept (default 365); null: until erased.')),
  erasureExemption: Type.Optional(orNull(Type.String(), 'The legal duty to keep reporters\' details even on an erasure request.')),
  department: Type.Optional(orNull(Type.String(), 'The code of the department whose staff work its cases.')),
  workflow: Type.Optional(orNull(Type.String(), 'The code of the workflow its new cases start on; null: the standard workflow.')),
  translations: Type.Optional(byLanguage(Type.Object({
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    keywords: Type.Optional(Type.Array(Type.String())),
    serviceNotice: Type.Optional(Type.String()),
    agencyResponsible: Type.Optional(Type.String()),
  }, closed))),
  questions: Type.Optional(Type.Array(questionSchema)),
  applicationForm: Type.Optional(orNull(Type.Object({}, { additionalProperties: true }),
    'An application service\'s form (see src/applications/definition.ts). Importing a changed form publishes it as a new version; open applications keep theirs.')),
  licenceRegister: Type.Optional(orNull(Type.Object({
    public: Type.Boolean({ description: 'Its licences are listed in the public register.' }),
    holderNames: Type.Boolean({ description: 'With the holders\' names (only where the law publishes them).' }),
  }, closed))),
}, closed);

const routingRuleSchema = Type.Object({
  service: Type.Optional(orNull(Type.String(), 'A service code; null: any service.')),
  department: Type.String({ description: 'The department the case goes to.' }),
  withinArea: Type.Optional(Type.Boolean({ description: 'Only when the case lies in the department\'s area.' })),
}, { ...closed, description: 'Tried in order; the first that matches routes the case.' });

const responseTemplateSchema = Type.Object({
  name: Type.String({ description: 'Unique within its department.' }),
  department: Type.Optional(orNull(Type.String(), 'A department code; null: for every department.')),
  body: Type.String({ description: 'Placeholders: {reference} {service} {address} {expected_date} {council}.' }),
  active: Type.Optional(Type.Boolean()),
}, closed);

const messageTemplateSchema = Type.Object({
  event: Type.String(),
  channel: literals(channels),
  language: literals(templateLanguages),
  subject: Type.Optional(orNull(Type.String(), 'Emails only.')),
  body: Type.String(),
}, { ...closed, description: 'A message text that replaces the built-in one for its event, channel and language.' });

export const catalogueFileSchema = Type.Object({
  format: Type.Literal(CATALOGUE_FORMAT),
  version: Type.Literal(CATALOGUE_VERSION),
  groups: Type.Optional(Type.Array(groupSchema)),
  calendars: Type.Optional(Type.Array(calendarSchema)),
  departments: Type.Optional(Type.Array(departmentSchema)),
  workflows: Type.Optional(Type.Array(workflowSchema)),
  services: Type.Optional(Type.Array(serviceSchema)),
  routingRules: Type.Optional(Type.Array(routingRuleSchema)),
  responseTemplates: Type.Optional(Type.Array(responseTemplateSchema)),
  messageTemplates: Type.Optional(Type.Array(messageTemplateSchema)),
}, { ...closed, $id: 'https://townhall.example/schemas/catalogue-file-1.json', title: 'Townhall catalogue file, version 1' });

export type CatalogueFile = Static<typeof catalogueFileSchema>;

/** The JSON Schema document published in docs/catalogue-file.schema.json. */
export function catalogueJsonSchema(): object {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...JSON.parse(JSON.stringify(catalogueFileSchema)) as object };
}

type Json = unknown;
type Translations = Record<string, object>;

/** The catalogue with every default filled in: what export writes, what diff compares and import applies. */
export interface Catalogue {
  format: typeof CATALOGUE_FORMAT;
  version: typeof CATALOGUE_VERSION;
  groups: Array<{ code: string; name: string; translations: Translations }>;
  calendars: Array<{ code: string; name: string; timeZone: string; workingHours: Array<{ day: number; start: string; end: string }>; holidays: string[] }>;
  departments: Array<{ code: string; name: string; calendar: string | null; assignment: (typeof assignmentRules)[number]; area: Record<string, Json> | null }>;
  workflows: Array<{ code: string; name: string; definition: Record<string, Json> | null }>;
  services: CatalogueService[];
  routingRules: Array<{ service: string | null; department: string; withinArea: boolean }>;
  responseTemplates: Array<{ name: string; department: string | null; body: string; active: boolean }>;
  messageTemplates: Array<{ event: string; channel: (typeof channels)[number]; language: (typeof templateLanguages)[number]; subject: string | null; body: string }>;
}

export interface CatalogueQuestion {
  code: string; datatype: (typeof attributeDatatypes)[number]; description: string; required: boolean; variable: boolean; staffOnly: boolean; helpText: string | null;
  values: Array<{ key: string; name: string }>; translations: Translations;
}

export interface CatalogueService {
  code: string; name: string; group: string; description: string; type: (typeof serviceTypes)[number]; active: boolean; keywords: string[];
  agencyResponsible: string | null; serviceNotice: string | null; expectedDays: number | null; retentionDays: number | null; erasureExemption: string | null;
  department: string | null; workflow: string | null; translations: Translations; questions: CatalogueQuestion[];
  applicationForm: Record<string, Json> | null; licenceRegister: { public: boolean; holderNames: boolean } | null;
}

/** Reporters' details are kept a year after closing unless a service says otherwise (as the settings pages do). */
const DEFAULT_RETENTION_DAYS = 365;

/** The file with its defaults filled in (it has passed the schema). */
export function normalizeCatalogue(file: CatalogueFile): Catalogue {
  return {
    format: CATALOGUE_FORMAT,
    version: CATALOGUE_VERSION,
    groups: (file.groups ?? []).map((g) => ({ code: g.code, name: g.name, translations: g.translations ?? {} })),
    // Stored sorted, as the calendar page saves them, so a file in another order is no change.
    calendars: (file.calendars ?? []).map((c) => ({
      code: c.code, name: c.name, timeZone: c.timeZone,
      workingHours: c.workingHours.map((h) => ({ day: h.day, start: h.start, end: h.end })).sort((a, b) => a.day - b.day || a.start.localeCompare(b.start)),
      holidays: [...new Set(c.holidays ?? [])].sort(),
    })),
    departments: (file.departments ?? []).map((d) => ({ code: d.code, name: d.name, calendar: d.calendar ?? null, assignment: d.assignment ?? 'none', area: d.area ?? null })),
    workflows: (file.workflows ?? []).map((w) => ({ code: w.code, name: w.name, definition: w.definition ?? null })),
    services: (file.services ?? []).map((s) => ({
      code: s.code, name: s.name, group: s.group, description: s.description ?? '', type: s.type ?? 'realtime', active: s.active ?? true, keywords: s.keywords ?? [],
      agencyResponsible: s.agencyResponsible ?? null, serviceNotice: s.serviceNotice ?? null, expectedDays: s.expectedDays ?? null,
      retentionDays: s.retentionDays === undefined ? DEFAULT_RETENTION_DAYS : s.retentionDays, erasureExemption: s.erasureExemption ?? null,
      department: s.department ?? null, workflow: s.workflow ?? null, translations: s.translations ?? {},
      questions: (s.questions ?? []).map((q) => ({
        code: q.code, datatype: q.datatype, description: q.description, required: q.required ?? false, variable: q.variable ?? true,
        staffOnly: q.staffOnly ?? false, helpText: q.helpText ?? null, values: q.values ?? [], translations: q.translations ?? {},
      })),
      applicationForm: s.applicationForm ?? null,
      licenceRegister: s.licenceRegister ?? null,
    })),
    routingRules: (file.routingRules ?? []).map((r) => ({ service: r.service ?? null, department: r.department, withinArea: r.withinArea ?? false })),
    responseTemplates: (file.responseTemplates ?? []).map((t) => ({ name: t.name, department: t.department ?? null, body: t.body, active: t.active ?? true })),
    messageTemplates: (file.messageTemplates ?? []).map((m) => ({ event: m.event, channel: m.channel, language: m.language, subject: m.subject ?? null, body: m.body })),
  };
}

export type CatalogueFormat = 'json' | 'yaml';

/** The catalogue as a file, leaving out what is empty (no translations, no area, no form) so it reads easily. */
export function serializeCatalogue(catalogue: Catalogue, format: CatalogueFormat): string {
  const compact = JSON.parse(JSON.stringify(catalogue, (key, value: unknown) => {
    if (key === 'translations' && value !== null && typeof value === 'object' && Object.keys(value).length === 0) return undefined;
    if ((key === 'applicationForm' || key === 'licenceRegister' || key === 'area') && value === null) return undefined;
    return value;
  })) as unknown;
  if (format === 'json') return `${JSON.stringify(compact, null, 2)}\n`;
  return stringify(compact, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/** One problem with a file: where it is (`services[3].questions[1].code`), its line when known, and what is wrong. */
export interface FileProblem {
  path: string;
  line: number | null;
  message: string;
}

export const problemText = (p: FileProblem) => `${p.line === null ? '' : `line ${p.line}: `}${p.path === '' ? '' : `${p.path}: `}${p.message}`;

type PathPart = string | number;
const pathText = (parts: readonly PathPart[]) => parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * Reads a catalogue file (JSON or YAML: JSON is read by the YAML parser too, so both give line
 * numbers) and checks it whole. Returns the catalogue, or every problem found.
 */
export function checkCatalogueText(text: string): { catalogue: Catalogue; problems: [] } | { catalogue: null; problems: FileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { catalogue: null, problems: doc.errors.map((e) => ({ path: '', line: lineCounter.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })) };
  }
  const lineOf = (parts: readonly PathPart[]): number | null => {
    for (let n = parts.length; n >= 0; n -= 1) {
      const node = parts.length === 0 || n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true);
      // A key the file lacks: point at the item that should hold it.
      if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range)) return lineCounter.linePos((node as Node).range![0]).line;
    }
    return null;
  };
  const problem = (parts: readonly PathPart[], message: string): FileProblem => ({ path: pathText(parts), line: lineOf(parts), message });
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !(isMap(doc.contents) || isSeq(doc.contents))) {
    return { catalogue: null, problems: [problem([], `The file must be an object with "format": "${CATALOGUE_FORMAT}", "version": ${CATALOGUE_VERSION} and the catalogue's sections.`)] };
  }
  const shape = [...Value.Errors(catalogueFileSchema, value)];
  if (shape.length > 0) {
    const seen = new Set<string>();
    const problems: FileProblem[] = [];
    for (const error of shape) {
      const parts = error.path.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
      // A union reports each branch it tried: say the first for each place.
      const key = pathText(parts);
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(problem(parts, schemaMessage(error.message, error.value, error.schema)));
      if (problems.length >= 50) break;
    }
    return { catalogue: null, problems };
  }
  const catalogue = normalizeCatalogue(value as CatalogueFile);
  const problems = checkCatalogue(catalogue).map(([parts, message]) => problem(parts, message));
  if (problems.length > 0) return { catalogue: null, problems };
  // An area is kept as the one geometry it stands for (a FeatureCollection becomes a MultiPolygon), as the area upload does.
  for (const department of catalogue.departments) {
    if (department.area === null) continue;
    const parsed = parseDepartmentArea(JSON.stringify(department.area));
    if ('geometry' in parsed) department.area = JSON.parse(JSON.stringify(parsed.geometry)) as Record<string, Json>;
  }
  return { catalogue, problems: [] };
}

/** What a schema allows, in words: "a string or null", "one of "none", "round_robin"". */
function allowed(schema: TSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as TSchema[];
    if (options.every((o) => 'const' in o)) return `one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}`;
    return options.map(allowed).join(' or ');
  }
  const words: Record<string, string> = { string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false', object: 'an object (keys and values)', array: 'a list', null: 'null' };
  const range = typeof schema.minimum === 'number' ? (typeof schema.maximum === 'number' ? ` from ${schema.minimum} to ${schema.maximum}` : ` of ${schema.minimum} or more`) : '';
  return `${words[String(schema.type)] ?? 'something else'}${range}`;
}

function schemaMessage(message: string, value: unknown, schema: TSchema): string {
  if (/Unexpected property/i.test(message)) return 'is not a key this format knows (check its spelling: see docs/catalogue-file.md).';
  if (/Required property/i.test(message)) return 'is missing.';
  const it = value === undefined ? '' : `; it is ${JSON.stringify(value)?.slice(0, 60)}`;
  const typeOf = (s: TSchema) => ('const' in s ? 'const' : Array.isArray(s.anyOf) ? 'anyOf' : String(s.type));
  const wrongType = Array.isArray(schema.anyOf) || 'const' in schema || (value !== undefined && typeof value !== typeOf(schema) && !(typeOf(schema) === 'integer' && typeof value === 'number')
    && !(typeOf(schema) === 'array' && Array.isArray(value)) && !(typeOf(schema) === 'null' && value === null));
  if (wrongType) return `must be ${allowed(schema)}${it}.`;
  return `${message.replace(/^Expected/, 'must be')}${it}.`;
}

type Problem = [PathPart[], string];

function duplicates<T>(list: T[], keyOf: (item: T) => string, section: string, what: string): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  list.forEach((item, i) => {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first !== undefined) problems.push([[section, i], `${what} "${key}" appears twice (also ${section}[${first}]).`]);
    else seen.set(key, i);
  });
  return problems;
}

function checkTranslations(translations: Translations, at: PathPart[]): Problem[] {
  const problems: Problem[] = [];
  for (const language of Object.keys(translations)) {
    const known = languageByCode(language);
    if (!known || known.code !== language) problems.push([[...at, 'translations', language], `Townhall has no language "${language}".`]);
    else if (language === english.code) problems.push([[...at, 'translations', language], 'is the default language: write that text in the fields themselves.']);
  }
  return problems;
}

/** What the schema cannot say: codes, references between sections, and each part's own rules. */
export function checkCatalogue(c: Catalogue): Problem[] {
  const problems: Problem[] = [];
  const groups = new Set(c.groups.map((g) => g.code));
  const calendars = new Set(c.calendars.map((x) => x.code));
  const departments = new Map(c.departments.map((d) => [d.code, d]));
  const workflows = new Set([...c.workflows.map((w) => w.code), STANDARD_WORKFLOW_CODE, APPLICATION_WORKFLOW_CODE]);
  const services = new Set(c.services.map((s) => s.code));

  problems.push(...duplicates(c.groups, (g) => g.code, 'groups', 'Group'));
  c.groups.forEach((g, i) => {
    if (!codePattern.test(g.code)) problems.push([['groups', i, 'code'], 'may only contain letters, digits, dots, dashes and underscores (at most 64).']);
    if (g.name.trim() === '') problems.push([['groups', i, 'name'], 'The group needs a name.']);
    problems.push(...checkTranslations(g.translations, ['groups', i]));
  });

  problems.push(...duplicates(c.calendars, (x) => x.code, 'calendars', 'Calendar'));
  c.calendars.forEach((calendar, i) => {
    for (const [field, message] of checkCalendar({ id: 0, ...calendar })) {
      const place = /^day\d$/.test(field) ? 'workingHours' : field;
      problems.push([['calendars', i, place], message]);
    }
  });

  problems.push(...duplicates(c.departments, (d) => d.code, 'departments', 'Department'));
  c.departments.forEach((d, i) => {
    if (!departmentCodePattern.test(d.code)) problems.push([['departments', i, 'code'], 'A department code is lower-case letters, digits, dashes and underscores, for example highways.']);
    if (d.name.trim() === '' || d.name.length > 200) problems.push([['departments', i, 'name'], 'Give the department a name (at most 200 characters).']);
    if (d.calendar !== null && !calendars.has(d.calendar)) problems.push([['departments', i, 'calendar'], `There is no calendar "${d.calendar}" in the file's calendars.`]);
    if (d.area !== null) {
      const parsed = parseDepartmentArea(JSON.stringify(d.area));
      if ('problems' in parsed) for (const p of parsed.problems) problems.push([['departments', i, 'area'], p]);
    }
  });

  problems.push(...duplicates(c.workflows, (w) => w.code, 'workflows', 'Workflow'));
  c.workflows.forEach((w, i) => {
    if (!workflowCodePattern.test(w.code)) problems.push([['workflows', i, 'code'], 'starts with a lower-case letter, then lower-case letters, digits, dashes or underscores (at most 40).']);
    if (w.name.trim() === '') problems.push([['workflows', i, 'name'], 'The workflow needs a name.']);
    if (w.definition !== null) for (const p of checkWorkflowDefinition(w.definition)) problems.push([['workflows', i, 'definition'], p]);
  });

  problems.push(...duplicates(c.services, (s) => s.code, 'services', 'Service'));
  c.services.forEach((s, i) => {
    const at = ['services', i];
    if (!codePattern.test(s.code)) problems.push([[...at, 'code'], 'may only contain letters, digits, dots, dashes and underscores (at most 64).']);
    for (const p of checkServiceChanges({ ...s, groupCode: s.group, workflowCode: s.workflow })) problems.push([[...at, /name/i.test(p) ? 'name' : 'expectedDays'], p]);
    if (!groups.has(s.group)) problems.push([[...at, 'group'], `There is no group "${s.group}" in the file's groups.`]);
    if (s.department !== null && !departments.has(s.department)) problems.push([[...at, 'department'], `There is no department "${s.department}" in the file's departments.`]);
    if (s.workflow !== null && !workflows.has(s.workflow)) problems.push([[...at, 'workflow'], `There is no workflow "${s.workflow}" in the file's workflows.`]);
    problems.push(...checkTranslations(s.translations, at));
    const questionCodes = new Map<string, number>();
    s.questions.forEach((q, j) => {
      const qat = [...at, 'questions', j];
      const first = questionCodes.get(q.code);
      if (first !== undefined) problems.push([[...qat, 'code'], `Question "${q.code}" appears twice in this service (also questions[${first}]).`]);
      questionCodes.set(q.code, j);
      for (const p of checkAttribute(q)) {
        const field = /code/.test(p) ? 'code' : /answer type/.test(p) ? 'datatype' : /text \(what/.test(p) ? 'description' : /value/.test(p) ? 'values' : /staff only/.test(p) ? 'staffOnly' : 'required';
        problems.push([[...qat, field], p]);
      }
      problems.push(...checkTranslations(q.translations, qat));
      for (const [language, entry] of Object.entries(q.translations)) {
        const values = (entry as { values?: Record<string, string> }).values;
        for (const key of Object.keys(values ?? {})) {
          if (!q.values.some((v) => v.key === key)) problems.push([[...qat, 'translations', language, 'values', key], `Question "${q.code}" has no answer "${key}".`]);
        }
      }
    });
    if (s.applicationForm !== null) {
      const checked = checkFormDefinition(s.applicationForm);
      if (!checked.ok) for (const p of checked.problems) problems.push([[...at, 'applicationForm'], p]);
    }
    if (s.licenceRegister?.holderNames && !s.licenceRegister.public) problems.push([[...at, 'licenceRegister', 'holderNames'], 'Holders\' names can only be published in a public register: make it public too.']);
  });

  c.routingRules.forEach((r, i) => {
    const department = departments.get(r.department);
    if (!department) problems.push([['routingRules', i, 'department'], `There is no department "${r.department}" in the file's departments.`]);
    if (r.service !== null && !services.has(r.service)) problems.push([['routingRules', i, 'service'], `There is no service "${r.service}" in the file's services.`]);
    if (department && r.withinArea && department.area === null) problems.push([['routingRules', i, 'withinArea'], `Department "${department.code}" has no area, so no case can lie within it.`]);
  });

  problems.push(...duplicates(c.responseTemplates, (t) => `${t.department ?? '(every department)'}: ${t.name}`, 'responseTemplates', 'Response template'));
  c.responseTemplates.forEach((t, i) => {
    if (t.department !== null && !departments.has(t.department)) problems.push([['responseTemplates', i, 'department'], `There is no department "${t.department}" in the file's departments.`]);
    for (const [field, message] of checkResponseTemplate({ ...t, departmentId: null })) problems.push([['responseTemplates', i, field], message]);
  });

  problems.push(...duplicates(c.messageTemplates, (m) => `${m.event}/${m.channel}/${m.language}`, 'messageTemplates', 'Message template'));
  c.messageTemplates.forEach((m, i) => {
    if (!Object.hasOwn(builtInTemplates, m.event)) {
      problems.push([['messageTemplates', i, 'event'], `There is no message "${m.event}"; the messages are ${Object.keys(builtInTemplates).join(', ')}.`]);
      return;
    }
    if (!(m.channel in builtInTemplates[m.event]!.texts)) problems.push([['messageTemplates', i, 'channel'], `Message "${m.event}" is not sent by ${m.channel}.`]);
    if (m.channel !== 'email' && m.subject !== null) problems.push([['messageTemplates', i, 'subject'], 'Only emails have a subject: leave it out.']);
    for (const [field, message] of Object.entries(checkMessageTemplate({ ...m, subject: m.subject ?? '' }))) problems.push([['messageTemplates', i, field], message]);
  });
  return problems;
}
