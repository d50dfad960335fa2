/**
 * Settings: services and their questions, and service groups (system administrators). A form's
 * Preview button shows the resident's view of the service from the form's values, saving nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  checkAttribute, checkServiceChanges, codePattern, createService, getService, listServiceGroups, listServices, moveServiceAttribute,
  removeServiceAttribute, saveServiceAttribute, saveServiceGroup, saveServiceTranslation, serviceWorkflowCode, translationLanguage, updateService,
  cleanTranslation, languagesToTranslate, type AttributeInput, type ServiceChanges, type ServiceTranslationInput,
} from '../catalogue/catalogue.js';
import { checkForwarding, forwardingOf, saveForwarding, type ForwardingInput } from '../catalogue/forwarding.js';
import { localizeService, missingTranslations } from '../catalogue/localize.js';
import { languageByCode, type Language } from '../i18n/languages.js';
import { attributeDatatypes, type AttributeDatatype, type AttributeValue, type Service } from '../catalogue/types.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid } from '../platform/errors.js';
import type { FieldErrors } from '../web/forms.js';
import { actorOf, attempt, csrfOf, field, param, settingsPage, systemAdminOnly, ticked } from './common.js';
import { listDepartments } from './departments.js';
import {
  AttributeForm, attributeValuesOf, emptyAttribute, GroupsPage, Questions, ServiceForm, serviceUrl, ServiceList, ServicePreview, valuesOf,
  type AttributeFormValues, type ServiceChoices, type ServiceFormValues,
} from './services-views.js';
import { listWorkflows } from './workflows.js';
import { ForwardingForm, forwardingValuesOf, type ForwardingFormValues } from './forwarding-views.js';
import { TranslationForm, TranslationPreview, TranslationsSummary, translationUrl, translationValuesOf, type TranslationFormValues } from './services-translations-views.js';

/** The translation form's fields as one language's text for the service and its questions. */
function readTranslation(service: Service, body: unknown): { values: TranslationFormValues; input: ServiceTranslationInput } {
  const values: TranslationFormValues = {};
  for (const name of Object.keys(translationValuesOf(service, ''))) values[name] = field(body, name);
  const input: ServiceTranslationInput = {
    service: {
      name: values.name, description: values.description, serviceNotice: values.serviceNotice, agencyResponsible: values.agencyResponsible,
      keywords: (values.keywords ?? '').split(/[,،]/).map((k) => k.trim()).filter((k) => k !== ''),
    },
    attributes: Object.fromEntries(service.attributes.map((a, i) => [a.code, {
      description: values[`q${i}-description`], helpText: values[`q${i}-help`],
      values: Object.fromEntries(a.values.map((option, j) => [option.key, values[`q${i}-v${j}`] ?? ''])),
    }])),
  };
  return { values, input };
}

const hidden = { hide: true };

function formValues(body: unknown): ServiceFormValues {
  return {
    code: field(body, 'code'), name: field(body, 'name'), description: field(body, 'description'), groupCode: field(body, 'groupCode'),
    keywords: field(body, 'keywords'), department: field(body, 'department'), workflowCode: field(body, 'workflowCode'),
    expectedDays: field(body, 'expectedDays'), active: ticked(body, 'active'), serviceNotice: field(body, 'serviceNotice'),
  };
}

/** The form's values as a change, or the errors to show at each field. */
function readChanges(values: ServiceFormValues, choices: ServiceChoices): { changes: ServiceChanges; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const days = values.expectedDays === '' ? null : /^\d{1,4}$/.test(values.expectedDays) ? Number(values.expectedDays) : NaN;
  const changes: ServiceChanges = {
    name: values.name, description: values.description, groupCode: values.groupCode,
    keywords: values.keywords.split(',').map((k) => k.trim()).filter((k) => k !== ''),
    department: values.department || null, workflowCode: values.workflowCode || null,
    expectedDays: days, active: values.active, serviceNotice: values.serviceNotice || null,
  };
  for (const problem of checkServiceChanges({ ...changes, expectedDays: Number.isNaN(days) ? null : days })) errors[/name/i.test(problem) ? 'name' : 'expectedDays'] = problem;
  if (Number.isNaN(days)) errors.expectedDays = 'Expected days must be a whole number of days from 0 to 3650, or empty.';
  if (!choices.groups.some((g) => g.code === values.groupCode)) errors.groupCode = 'Choose the group residents find the service under.';
  if (changes.department !== null && !choices.departments.some((d) => d.code === changes.department)) errors.department = 'Choose a department from the list.';
  if (changes.workflowCode !== null && !choices.workflows.some((w) => w.code === changes.workflowCode)) errors.workflowCode = 'Choose a workflow from the list.';
  return { changes, errors };
}

function parseAllowedValues(text: string): AttributeValue[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').map((line) => {
    const colon = line.indexOf(':');
    if (colon > 0) return { key: line.slice(0, colon).trim(), name: line.slice(colon + 1).trim() || line.slice(0, colon).trim() };
    return { key: line, name: line };
  });
}

function readAttribute(body: unknown): { values: AttributeFormValues; attribute: AttributeInput } {
  const values: AttributeFormValues = {
    code: field(body, 'attributeCode'), datatype: field(body, 'datatype'), required: ticked(body, 'required'), informational: ticked(body, 'informational'),
    staffOnly: ticked(body, 'staffOnly'), description: field(body, 'attributeDescription'), helpText: field(body, 'helpText'), values: field(body, 'allowedValues'),
  };
  const attribute: AttributeInput = {
    code: values.code, datatype: (attributeDatatypes as readonly string[]).includes(values.datatype) ? values.datatype as AttributeDatatype : 'string',
    variable: !values.informational, staffOnly: values.staffOnly, required: values.required, description: values.description, helpText: values.helpText || null,
    values: parseAllowedValues(values.values),
  };
  return { values, attribute };
}

function attributeErrors(attribute: AttributeInput): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of checkAttribute(attribute)) {
    const key = /code/.test(problem) ? 'attributeCode' : /answer type/.test(problem) ? 'datatype' : /text \(what/.test(problem) ? 'attributeDescription'
      : /value/.test(problem) ? 'allowedValues' : 'required';
    errors[key] ??= problem;
  }
  return errors;
}

export async function serviceSettingsRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const outbound = config.outbound;
  const choices = async (): Promise<ServiceChoices> => ({
    groups: await listServiceGroups(db, jurisdictionId),
    departments: await listDepartments(db),
    workflows: await listWorkflows(db, jurisdictionId),
  });

  app.get('/admin/settings/services', { config: systemAdminOnly, schema: hidden }, async (request, reply) =>
    settingsPage(request, reply, { title: 'Services', back: { href: '/admin/settings', label: 'Settings' }, body: <ServiceList services={await listServices(db, jurisdictionId, { includeInactive: true })} /> }));

  const showForm = async (request: FastifyRequest, reply: FastifyReply, values: ServiceFormValues, options: { creating: boolean; errors?: FieldErrors; status?: number; preview?: Service; attribute?: AttributeFormValues; attributeErrors?: FieldErrors; notice?: string; forwarding?: ForwardingFormValues; forwardingErrors?: FieldErrors }) => {
    const service = options.creating ? null : await getService(db, jurisdictionId, values.code);
    const csrf = csrfOf(request, reply);
    const editingAttribute = options.attribute ?? (() => {
      const code = field(request.query, 'attribute');
      const found = service?.attributes.find((a) => a.code === code);
      return found ? attributeValuesOf(found) : undefined;
    })();
    const errors = { ...options.errors, ...options.attributeErrors, ...options.forwardingErrors };
    const forwarding = service ? await forwardingOf(db, jurisdictionId, service.code) : null;
    return settingsPage(request, reply, {
      title: options.creating ? 'Add a service' : `Service: ${service!.name}`, errors, status: options.status,
      back: { href: '/admin/settings/services', label: 'All services' },
      body: (
        <>
          <h1>{options.creating ? 'Add a service' : service!.name}</h1>
          {options.notice && <div class="notice" role="status"><p>{options.notice}</p></div>}
          {!options.creating && <p><a href={`/services/${encodeURIComponent(values.code)}`}>The service's public page</a></p>}
          {options.preview && <ServicePreview service={options.preview} />}
          <h2>{options.creating ? 'The service' : 'Details'}</h2>
          <ServiceForm values={values} choices={await choices()} errors={options.errors ?? {}} csrf={csrf} creating={options.creating} />
          {service && (
            <>
              <TranslationsSummary service={service} languages={translatable()}
                missing={Object.fromEntries(translatable().map((l) => [l.code, missingTranslations(service, l.code).length]))} />
              <Questions service={service} csrf={csrf} />
              <AttributeForm serviceCode={service.code} values={editingAttribute ?? emptyAttribute} editing={editingAttribute !== undefined && service.attributes.some((a) => a.code === editingAttribute.code)}
                errors={options.attributeErrors ?? {}} csrf={csrf} />
              <ForwardingForm serviceCode={service.code} current={forwarding} values={options.forwarding ?? forwardingValuesOf(forwarding)} errors={options.forwardingErrors ?? {}} csrf={csrf} />
            </>
          )}
        </>
      ),
    });
  };

  const translatable = (): Language[] => languagesToTranslate().map((code) => languageByCode(code)!);
  const showTranslation = async (request: FastifyRequest, reply: FastifyReply, service: Service, language: Language,
    values: TranslationFormValues, options: { errors?: FieldErrors; preview?: Service; notice?: string } = {}) =>
    settingsPage(request, reply, {
      title: `Service: ${service.name}, in ${language.code}`, errors: options.errors,
      back: { href: serviceUrl(service.code), label: `Service: ${service.name}` },
      body: (
        <>
          <h1>{service.name}: <span lang={language.code} dir={language.dir}>{language.name}</span></h1>
          {options.notice && <div class="notice" role="status"><p>{options.notice}</p></div>}
          {options.preview && <TranslationPreview service={options.preview} language={language} />}
          <TranslationForm service={service} language={language} values={values} errors={options.errors ?? {}} csrf={csrfOf(request, reply)} />
        </>
      ),
    });

  app.get('/admin/settings/services/:code/translations/:language', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const service = await getService(db, jurisdictionId, param(request, 'code'));
    const language = languageByCode(translationLanguage(param(request, 'language')))!;
    return showTranslation(request, reply, service, language, translationValuesOf(service, language.code),
      { notice: field(request.query, 'saved') ? 'Saved: residents reading this language see the change now.' : undefined });
  });

  app.post('/admin/settings/services/:code/translations/:language', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const service = await getService(db, jurisdictionId, param(request, 'code'));
    const language = languageByCode(translationLanguage(param(request, 'language')))!;
    const { values, input } = readTranslation(service, request.body);
    const clean = cleanTranslation(service, input);
    if (clean.problems.length > 0) return showTranslation(request, reply, service, language, values, { errors: { name: clean.problems.join(' ') } });
    if (field(request.body, '_action') === 'preview') {
      const draft: Service = {
        ...service,
        translations: { ...service.translations, [language.code]: clean.service },
        attributes: service.attributes.map((a) => ({ ...a, translations: { ...a.translations, [language.code]: clean.attributes[a.code] ?? {} } })),
      };
      return showTranslation(request, reply, service, language, values, { preview: localizeService(draft, language.code) });
    }
    const saved = await attempt(() => saveServiceTranslation(db, jurisdictionId, service.code, language.code, input, actorOf(request)), 'name');
    if (!saved.ok) return showTranslation(request, reply, service, language, values, { errors: saved.errors });
    return reply.redirect(`${translationUrl(service.code, language.code)}?saved=1`, 303);
  });

  app.get('/admin/settings/new-service', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const { groups } = await choices();
    return showForm(request, reply, { ...formValues({}), groupCode: groups[0]?.code ?? '', active: true }, { creating: true });
  });

  app.get('/admin/settings/services/:code', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const service = await getService(db, jurisdictionId, param(request, 'code'));
    return showForm(request, reply, valuesOf(service, await serviceWorkflowCode(db, jurisdictionId, service.code)), { creating: false, notice: field(request.query, 'saved') ? 'Saved: residents see the change now.' : undefined });
  });

  /** Create (POST /admin/settings/services) or save (POST .../:code); either may be a preview. */
  const saveOrPreview = async (request: FastifyRequest, reply: FastifyReply, creating: boolean) => {
    const values = formValues(request.body);
    if (!creating) values.code = param(request, 'code');
    const { changes, errors } = readChanges(values, await choices());
    if (creating && !codePattern.test(values.code)) errors.code = 'The code may only contain letters, digits, dots, dashes and underscores (at most 64).';
    if (Object.keys(errors).length > 0) return showForm(request, reply, values, { creating, errors });
    const existing = creating ? null : await getService(db, jurisdictionId, values.code);
    if (field(request.body, '_action') === 'preview') {
      const group = (await choices()).groups.find((g) => g.code === changes.groupCode)!;
      const preview: Service = {
        code: values.code, groupName: group.name, type: 'realtime', agencyResponsible: existing?.agencyResponsible ?? null,
        retentionDays: existing?.retentionDays ?? null, erasureExemption: existing?.erasureExemption ?? null, attributes: existing?.attributes ?? [], ...changes,
      };
      return showForm(request, reply, values, { creating, preview });
    }
    const saved = await attempt(async () => {
      if (!creating) return updateService(db, jurisdictionId, values.code, changes, actorOf(request));
      const { workflowCode, ...rest } = changes;
      const created = await createService(db, jurisdictionId, { ...rest, code: values.code, type: 'realtime', agencyResponsible: null, attributes: [] }, actorOf(request));
      // The workflow is not part of ServiceInput: set it with the same audited update.
      return workflowCode ? updateService(db, jurisdictionId, values.code, changes, actorOf(request)) : created;
    }, creating ? 'code' : 'name');
    if (!saved.ok) return showForm(request, reply, values, { creating, errors: saved.errors, status: saved.status });
    return reply.redirect(`${serviceUrl(values.code)}?saved=1`, 303);
  };

  app.post('/admin/settings/services', { config: systemAdminOnly, schema: hidden }, async (request, reply) => saveOrPreview(request, reply, true));
  app.post('/admin/settings/services/:code', { config: systemAdminOnly, schema: hidden }, async (request, reply) => saveOrPreview(request, reply, false));

  app.post('/admin/settings/services/:code/attributes', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const service = await getService(db, jurisdictionId, param(request, 'code'));
    const { values, attribute } = readAttribute(request.body);
    const workflow = await serviceWorkflowCode(db, jurisdictionId, service.code);
    const again = (errors: FieldErrors, status = 400) => showForm(request, reply, valuesOf(service, workflow), { creating: false, attribute: values, attributeErrors: errors, status });
    const errors = attributeErrors(attribute);
    if (!(attributeDatatypes as readonly string[]).includes(values.datatype)) errors.datatype = 'Choose an answer type.';
    if (Object.keys(errors).length > 0) return again(errors);
    const saved = await attempt(() => saveServiceAttribute(db, jurisdictionId, service.code, attribute, actorOf(request)), 'attributeCode');
    if (!saved.ok) return again(saved.errors, saved.status);
    return reply.redirect(`${serviceUrl(service.code)}?saved=1#questions`, 303);
  });

  app.post('/admin/settings/services/:code/forwarding', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const service = await getService(db, jurisdictionId, param(request, 'code'));
    const body = request.body;
    const values: ForwardingFormValues = {
      backOffice: field(body, 'backOffice'), endpointUrl: field(body, 'endpointUrl'), remoteJurisdictionId: field(body, 'remoteJurisdictionId'),
      remoteServiceCode: field(body, 'remoteServiceCode'), clearApiKey: ticked(body, 'clearApiKey'),
    };
    const workflow = await serviceWorkflowCode(db, jurisdictionId, service.code);
    const again = (errors: FieldErrors, status = 400) =>
      showForm(request, reply, valuesOf(service, workflow), { creating: false, forwarding: values, forwardingErrors: errors, status });
    const stopping = field(body, '_action') === 'stop';
    const input: ForwardingInput = { ...values, apiKey: field(body, 'apiKey') };
    if (!stopping) {
      const errors: FieldErrors = {};
      for (const { field: name, problem } of await checkForwarding(input, outbound)) errors[name] ??= problem;
      if (Object.keys(errors).length > 0) return again(errors);
    }
    const saved = await attempt(() => saveForwarding(db, keyring, jurisdictionId, service.code, stopping ? null : input, actorOf(request), outbound), 'backOffice');
    if (!saved.ok) return again(saved.errors, saved.status);
    return reply.redirect(`${serviceUrl(service.code)}?saved=1#forwarding`, 303);
  });

  app.post('/admin/settings/services/:code/attributes/remove', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const code = param(request, 'code');
    await removeServiceAttribute(db, jurisdictionId, code, field(request.body, 'attribute'), actorOf(request));
    return reply.redirect(`${serviceUrl(code)}?saved=1#questions`, 303);
  });

  app.post('/admin/settings/services/:code/attributes/move', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const code = param(request, 'code');
    const direction = field(request.body, 'direction');
    if (direction !== 'up' && direction !== 'down') throw invalid('Move a question up or down.');
    await moveServiceAttribute(db, jurisdictionId, code, field(request.body, 'attribute'), direction, actorOf(request));
    return reply.redirect(`${serviceUrl(code)}?saved=1#questions`, 303);
  });

  type GroupValues = { code: string; name: string; order: string; names: Record<string, string> };
  const showGroups = async (request: FastifyRequest, reply: FastifyReply, values?: GroupValues, errors: FieldErrors = {}, status?: number) => {
    const groups = await listServiceGroups(db, jurisdictionId);
    const chosen = groups.find((g) => g.code === field(request.query, 'code'));
    const namesOf = (g: typeof chosen) => Object.fromEntries(translatable().map((l) => [l.code, g?.translations?.[l.code]?.name ?? '']));
    const shown = values ?? (chosen ? { code: chosen.code, name: chosen.name, order: String(chosen.sortOrder), names: namesOf(chosen) } : { code: '', name: '', order: String(groups.length), names: namesOf(undefined) });
    return settingsPage(request, reply, { title: 'Service groups', errors, status, back: { href: '/admin/settings/services', label: 'All services' }, body: <GroupsPage groups={groups} csrf={csrfOf(request, reply)} errors={errors} values={shown} languages={translatable()} /> });
  };
  app.get('/admin/settings/groups', { config: systemAdminOnly, schema: hidden }, async (request, reply) => showGroups(request, reply));
  app.post('/admin/settings/groups', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const names = Object.fromEntries(translatable().map((l) => [l.code, field(request.body, `groupName-${l.code}`)]));
    const values = { code: field(request.body, 'groupCode'), name: field(request.body, 'groupName'), order: field(request.body, 'groupOrder'), names };
    const translations = Object.fromEntries(Object.entries(names).filter(([, name]) => name !== '').map(([code, name]) => [code, { name }]));
    const errors: FieldErrors = {};
    if (!codePattern.test(values.code)) errors.groupCode = 'The code may only contain letters, digits, dots, dashes and underscores.';
    if (values.name === '') errors.groupName = 'Give the group a name.';
    if (!/^\d{1,4}$/.test(values.order)) errors.groupOrder = 'The position is a whole number, 0 or more.';
    for (const [code, name] of Object.entries(names)) if (name.length > 200) errors[`groupName-${code}`] = 'The name must be 200 characters or fewer.';
    if (Object.keys(errors).length > 0) return showGroups(request, reply, values, errors);
    const saved = await attempt(() => saveServiceGroup(db, jurisdictionId, { code: values.code, name: values.name, translations }, Number(values.order), actorOf(request)), 'groupCode');
    if (!saved.ok) return showGroups(request, reply, values, saved.errors, saved.status);
    return reply.redirect('/admin/settings/groups', 303);
  });
}
