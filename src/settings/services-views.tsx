/** Settings pages for the service catalogue: the list, a service's form and its questions, groups. */
import type { Service, ServiceAttribute } from '../catalogue/types.js';
import { attributeDatatypes } from '../catalogue/types.js';
import { ServiceDetails } from '../catalogue/views.js';
import type { Language } from '../i18n/languages.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { Checkbox, Select, TextArea, TextField } from './common.js';

export interface ServiceFormValues {
  code: string;
  name: string;
  description: string;
  groupCode: string;
  keywords: string;
  department: string;
  workflowCode: string;
  expectedDays: string;
  active: boolean;
  serviceNotice: string;
}

export interface ServiceChoices {
  groups: Array<{ code: string; name: string }>;
  departments: Array<{ code: string; name: string }>;
  workflows: Array<{ code: string; name: string }>;
}

export const serviceUrl = (code: string) => `/admin/settings/services/${encodeURIComponent(code)}`;

export function valuesOf(service: Service, workflowCode: string | null): ServiceFormValues {
  return {
    code: service.code, name: service.name, description: service.description, groupCode: service.groupCode, keywords: service.keywords.join(', '),
    department: service.department ?? '', workflowCode: workflowCode ?? '', expectedDays: service.expectedDays === null ? '' : String(service.expectedDays),
    active: service.active, serviceNotice: service.serviceNotice ?? '',
  };
}

export function ServiceList({ services }: { services: readonly Service[] }) {
  return (
    <>
      <h1>Services</h1>
      <p>What residents can report, the questions each service asks, who works it and which workflow its cases follow.</p>
      <p><a class="button" href="/admin/settings/new-service" role="button" draggable={false}>Add a service</a> <a href="/admin/settings/groups">Service groups</a></p>
      <TableWrap label="Services">
        <table>
          <thead><tr><th scope="col">Service</th><th scope="col">Code</th><th scope="col">Group</th><th scope="col">Department</th><th scope="col">Questions</th><th scope="col">Taking reports</th></tr></thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.code}>
                <td><a href={serviceUrl(s.code)}>{s.name}</a></td><td><code>{s.code}</code></td><td>{s.groupName}</td>
                <td>{s.department ?? 'none'}</td><td>{s.attributes.length}</td><td>{s.active ? 'Yes' : 'No'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

/** The service's own fields; the same form creates (with a code) and edits. Preview and Save are its two buttons. */
export function ServiceForm({ values, choices, errors, csrf, creating }: { values: ServiceFormValues; choices: ServiceChoices; errors: FieldErrors; csrf: string; creating: boolean }) {
  return (
    <PostForm action={creating ? '/admin/settings/services' : serviceUrl(values.code)} csrf={csrf}>
      {creating
        ? <TextField name="code" label="Code" hint="Used in links and by the Open311 API; it cannot change later. Letters, digits, dots, dashes and underscores." value={values.code} error={errors.code} />
        : <input type="hidden" name="code" value={values.code} />}
      <TextField name="name" label="Name" value={values.name} error={errors.name} />
      <TextArea name="description" label="Description" hint="What the service covers, as residents read it." value={values.description} error={errors.description} />
      <Select name="groupCode" label="Group" options={choices.groups.map((g) => [g.code, g.name])} value={values.groupCode} error={errors.groupCode} />
      <TextField name="keywords" label="Search words" hint="Other words residents might search with, separated by commas." value={values.keywords} error={errors.keywords} />
      <Select name="department" label="Department" hint="Whose staff work its cases." options={[['', 'None yet'], ...choices.departments.map((d): [string, string] => [d.code, d.name])]} value={values.department} error={errors.department} />
      <Select name="workflowCode" label="Workflow" hint="The states its new cases go through. Open cases keep theirs." options={[['', 'Standard workflow'], ...choices.workflows.filter((w) => w.code !== 'standard').map((w): [string, string] => [w.code, w.name])]} value={values.workflowCode} error={errors.workflowCode} />
      <TextField name="expectedDays" label="Expected working days to resolve" hint="Shown to residents when there is too little history. Leave empty for no estimate." inputmode="numeric" value={values.expectedDays} error={errors.expectedDays} />
      <TextArea name="serviceNotice" label="Notice after reporting" hint="Shown to reporters after they send a report, for example how quickly the council responds." value={values.serviceNotice} error={errors.serviceNotice} rows={2} />
      <Checkbox name="active" label="Taking reports (residents can choose this service)" checked={values.active} />
      <div class="button-group">
        <button type="submit" name="_action" value="preview" class="secondary">Preview</button>
        <button type="submit" name="_action" value="save">{creating ? 'Create service' : 'Save and publish'}</button>
      </div>
    </PostForm>
  );
}

/** What residents will see on the service's page, from the form's values, before anything is saved. */
export function ServicePreview({ service }: { service: Service }) {
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview: the service's page as residents will see it</h2>
      <p class="hint">Nothing is saved yet. Check it, then change the form below or save it.</p>
      <div class="preview-frame">
        <ServiceDetails service={service} typical={service.expectedDays === null ? { source: 'none' } : { source: 'expected', days: service.expectedDays }} />
      </div>
    </section>
  );
}

export interface AttributeFormValues {
  code: string;
  datatype: string;
  required: boolean;
  informational: boolean;
  staffOnly: boolean;
  description: string;
  helpText: string;
  values: string;
}

export const attributeValuesOf = (a: ServiceAttribute): AttributeFormValues => ({
  code: a.code, datatype: a.datatype, required: a.required, informational: !a.variable, staffOnly: a.staffOnly, description: a.description, helpText: a.helpText ?? '',
  values: a.values.map((v) => (v.key === v.name ? v.name : `${v.key}: ${v.name}`)).join('\n'),
});

export const emptyAttribute: AttributeFormValues = { code: '', datatype: 'string', required: false, informational: false, staffOnly: false, description: '', helpText: '', values: '' };

const datatypeNames: Record<string, string> = {
  string: 'Short text', text: 'Long text', number: 'Number', datetime: 'Date and time', singlevaluelist: 'Choose one from a list', multivaluelist: 'Choose any from a list',
};

export function Questions({ service, csrf }: { service: Service; csrf: string }) {
  const base = serviceUrl(service.code);
  return (
    <>
      <h2 id="questions">Questions reporters are asked</h2>
      <p class="hint">A question marked staff only is not asked of reporters: staff answer it on the case page.</p>
      {service.attributes.length === 0 ? <p>This service asks no questions of its own.</p> : (
        <TableWrap label="Questions">
          <table>
            <thead><tr><th scope="col">Order</th><th scope="col">Question</th><th scope="col">Code</th><th scope="col">Answer</th><th scope="col">Required</th><th scope="col">Who answers</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
            <tbody>
              {service.attributes.map((a, index) => (
                <tr key={a.code}>
                  <td>{index + 1}</td><td>{a.description}</td><td><code>{a.code}</code></td>
                  <td>{a.variable ? datatypeNames[a.datatype] ?? a.datatype : 'Information only'}{a.values.length > 0 && `: ${a.values.map((v) => v.name).join(', ')}`}</td>
                  <td>{a.required ? 'Yes' : 'No'}</td>
                  <td>{!a.variable ? '' : a.staffOnly ? 'Staff only' : 'Reporter'}</td>
                  <td>
                    <a href={`${base}?attribute=${encodeURIComponent(a.code)}#question-form`}>Change<span class="skip-link"> question {a.code}</span></a>
                    {index > 0 && <AttributeButton action={`${base}/attributes/move`} csrf={csrf} attribute={a.code} extra={['direction', 'up']} label="Move up" />}
                    {index < service.attributes.length - 1 && <AttributeButton action={`${base}/attributes/move`} csrf={csrf} attribute={a.code} extra={['direction', 'down']} label="Move down" />}
                    <AttributeButton action={`${base}/attributes/remove`} csrf={csrf} attribute={a.code} label="Remove" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

function AttributeButton({ action, csrf, attribute, extra, label }: { action: string; csrf: string; attribute: string; extra?: [string, string]; label: string }) {
  return (
    <PostForm action={action} csrf={csrf}>
      <input type="hidden" name="attribute" value={attribute} />
      {extra && <input type="hidden" name={extra[0]} value={extra[1]} />}
      <button type="submit" class="secondary">{label}<span class="skip-link"> question {attribute}</span></button>
    </PostForm>
  );
}

export function AttributeForm({ serviceCode, values, errors, csrf, editing }: { serviceCode: string; values: AttributeFormValues; errors: FieldErrors; csrf: string; editing: boolean }) {
  return (
    <section aria-labelledby="question-form">
      <h2 id="question-form">{editing ? `Change question ${values.code}` : 'Add a question'}</h2>
      <PostForm action={`${serviceUrl(serviceCode)}/attributes`} csrf={csrf}>
        {editing
          ? <input type="hidden" name="attributeCode" value={values.code} />
          : <TextField name="attributeCode" label="Question code" hint="Used by the Open311 API, for example road_name. It cannot change later." value={values.code} error={errors.attributeCode} />}
        <TextField name="attributeDescription" label="Question" hint="What the reporter is asked, for example: Which road is it on?" value={values.description} error={errors.attributeDescription} />
        <Select name="datatype" label="Answer type" options={attributeDatatypes.map((d) => [d, datatypeNames[d] ?? d])} value={values.datatype} error={errors.datatype} />
        <TextField name="helpText" label="Help text (optional)" hint="Shown under the question." value={values.helpText} error={errors.helpText} />
        <TextArea name="allowedValues" label="Allowed values (list questions only)" hint={'One a line. A line "key: name" gives a key for the API; otherwise the name is the key.'} value={values.values} error={errors.allowedValues} />
        <Checkbox name="required" id="attribute-required" label="An answer is required" checked={values.required} />
        <Checkbox name="informational" id="attribute-informational" label="Information only: show the text, ask for no answer" checked={values.informational} />
        <Checkbox name="staffOnly" id="attribute-staff-only" label="Staff only: staff answer it on the case page; reporters and Open311 apps never see it or its answer" checked={values.staffOnly} />
        <button type="submit">{editing ? 'Save question' : 'Add question'}</button>
      </PostForm>
    </section>
  );
}

export function GroupsPage({ groups, csrf, errors, values, languages }: {
  groups: Array<{ code: string; name: string; sortOrder: number }>; csrf: string; errors: FieldErrors;
  values: { code: string; name: string; order: string; names: Record<string, string> }; languages: readonly Language[];
}) {
  return (
    <>
      <h1>Service groups</h1>
      <p>Residents browse services under these headings, in this order.</p>
      <TableWrap label="Service groups">
        <table>
          <thead><tr><th scope="col">Order</th><th scope="col">Name</th><th scope="col">Code</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
          <tbody>{groups.map((g) => <tr key={g.code}><td>{g.sortOrder}</td><td>{g.name}</td><td><code>{g.code}</code></td><td><a href={`/admin/settings/groups?code=${encodeURIComponent(g.code)}#group-form`}>Change<span class="skip-link"> group {g.name}</span></a></td></tr>)}</tbody>
        </table>
      </TableWrap>
      <h2 id="group-form">Add or change a group</h2>
      <PostForm action="/admin/settings/groups" csrf={csrf}>
        <TextField name="groupCode" label="Code" hint="An existing group's code changes that group." value={values.code} error={errors.groupCode} />
        <TextField name="groupName" label="Name" value={values.name} error={errors.groupName} />
        {languages.map((l) => (
          <div key={l.code} class={errors[`groupName-${l.code}`] ? 'field-error' : undefined}>
            <label for={`groupName-${l.code}`}>Name in <span lang={l.code} dir={l.dir}>{l.name}</span> (optional)</label>
            <span class="hint" id={`groupName-${l.code}-hint`}>Empty: residents reading it see the English name.</span>
            {errors[`groupName-${l.code}`] && <span class="error-message" id={`groupName-${l.code}-error`}>Error: {errors[`groupName-${l.code}`]}</span>}
            <input id={`groupName-${l.code}`} name={`groupName-${l.code}`} type="text" value={values.names[l.code] ?? ''} lang={l.code} dir={l.dir} aria-describedby={`groupName-${l.code}-hint`} />
          </div>
        ))}
        <TextField name="groupOrder" label="Position" hint="Lower numbers come first." inputmode="numeric" value={values.order} error={errors.groupOrder} />
        <button type="submit">Save group</button>
      </PostForm>
    </>
  );
}
