/**
 * Settings: response templates. System administrators keep every template; a department
 * administrator their own department's (never the ones for every department). Preview fills the
 * placeholders with a sample case, as staff will see it, without saving.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { forbidden, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { fillResponseTemplate } from '../staff/actions.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { actorOf, attempt, Checkbox, csrfOf, field, isSystemAdmin, param, Select, settingsAdmins, settingsPage, TextArea, TextField, ticked } from './common.js';
import { getDepartment, listDepartments } from './departments.js';
import { checkResponseTemplate, getResponseTemplate, listResponseTemplates, placeholders, saveResponseTemplate, type ResponseTemplate, type ResponseTemplateInput } from './response-templates.js';

const hidden = { hide: true };
const templateUrl = (id: number) => `/admin/settings/templates/${id}`;

interface TemplateFormValues { name: string; department: string; body: string; active: boolean }

export async function responseTemplateRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;

  /** null: every department (system administrator); else the only department this person may touch. */
  const ownDepartmentId = async (request: FastifyRequest): Promise<number | null> => {
    if (isSystemAdmin(request)) return null;
    const code = request.person?.department;
    if (!code) throw forbidden('Your account belongs to no department, so there are no templates for you to change.');
    return (await getDepartment(db, code)).id;
  };
  const mayChange = async (request: FastifyRequest, template: ResponseTemplate) => {
    const own = await ownDepartmentId(request);
    return own === null || template.departmentId === own;
  };

  app.get('/admin/settings/templates', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
    const own = await ownDepartmentId(request);
    const templates = await listResponseTemplates(db, jurisdictionId, own === null ? {} : { departmentId: own });
    const departments = await listDepartments(db);
    const departmentName = (id: number | null) => (id === null ? 'Every department' : departments.find((d) => d.id === id)?.name ?? String(id));
    return settingsPage(request, reply, {
      title: 'Response templates', back: { href: '/admin/settings', label: 'Settings' },
      body: (
        <>
          <h1>Response templates</h1>
          <p>Ready-made public updates staff choose on a case and can change before sending.</p>
          <p><a class="button" href="/admin/settings/new-template" role="button" draggable={false}>Add a template</a></p>
          {templates.length === 0 ? <p>No templates yet.</p> : (
            <TableWrap label="Response templates">
              <table>
                <thead><tr><th scope="col">Template</th><th scope="col">For</th><th scope="col">In use</th></tr></thead>
                <tbody>{templates.map((t) => <tr key={t.id}><td><a href={templateUrl(t.id)}>{t.name}</a></td><td>{departmentName(t.departmentId)}</td><td>{t.active ? 'Yes' : 'No'}</td></tr>)}</tbody>
              </table>
            </TableWrap>
          )}
        </>
      ),
    });
  });

  const showForm = async (request: FastifyRequest, reply: FastifyReply, id: number | null, values: TemplateFormValues, extra: { errors?: FieldErrors; status?: number; preview?: string } = {}) => {
    const own = await ownDepartmentId(request);
    const departments = (await listDepartments(db)).filter((d) => own === null || d.id === own);
    const errors = extra.errors ?? {};
    return settingsPage(request, reply, {
      title: id === null ? 'Add a response template' : `Response template: ${values.name}`, errors, status: extra.status,
      back: { href: '/admin/settings/templates', label: 'All response templates' },
      body: (
        <>
          <h1>{id === null ? 'Add a response template' : values.name}</h1>
          {field(request.query, 'saved') && <div class="notice" role="status"><p>Saved. Staff can use it now.</p></div>}
          {extra.preview !== undefined && (
            <section class="preview" aria-labelledby="preview-title">
              <h2 id="preview-title">Preview with a sample case</h2>
              <p class="hint">Nothing is saved yet.</p>
              <div class="preview-frame"><p class="template-preview">{extra.preview}</p></div>
            </section>
          )}
          <PostForm action={id === null ? '/admin/settings/templates' : templateUrl(id)} csrf={csrfOf(request, reply)}>
            <TextField name="name" label="Name" hint="What staff choose from, for example: Pothole repair booked." value={values.name} error={errors.name} />
            <Select name="department" label="For" error={errors.department} value={values.department}
              options={[...(own === null ? [['', 'Every department'] as [string, string]] : []), ...departments.map((d): [string, string] => [String(d.id), d.name])]} />
            <TextArea name="body" label="Text residents read" rows={8} value={values.body} error={errors.body}
              hint={`Placeholders filled for each case: ${placeholders.map((p) => `{${p}}`).join(', ')}.`} />
            <Checkbox name="active" label="In use (staff can choose it)" checked={values.active} />
            <div class="button-group">
              <button type="submit" name="_action" value="preview" class="secondary">Preview</button>
              <button type="submit" name="_action" value="save">Save template</button>
            </div>
          </PostForm>
        </>
      ),
    });
  };

  app.get('/admin/settings/new-template', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
    const own = await ownDepartmentId(request);
    return showForm(request, reply, null, { name: '', department: own === null ? '' : String(own), body: '', active: true });
  });

  const templateOf = async (request: FastifyRequest) => {
    const id = parseId(param(request, 'id'));
    if (id === null) throw notFound('There is no such response template.');
    const template = await getResponseTemplate(db, jurisdictionId, id);
    if (!(await mayChange(request, template))) throw forbidden('Department administrators can change only their own department\'s templates.');
    return template;
  };

  app.get('/admin/settings/templates/:id', { config: settingsAdmins, schema: hidden }, async (request, reply) => {
    const t = await templateOf(request);
    return showForm(request, reply, t.id, { name: t.name, department: t.departmentId === null ? '' : String(t.departmentId), body: t.body, active: t.active });
  });

  const saveOrPreview = async (request: FastifyRequest, reply: FastifyReply, id: number | null) => {
    const body = request.body;
    const values: TemplateFormValues = { name: field(body, 'name'), department: field(body, 'department'), body: formBody(body), active: ticked(body, 'active') };
    const own = await ownDepartmentId(request);
    const departments = await listDepartments(db);
    const errors: FieldErrors = {};
    const departmentId = values.department === '' ? null : parseId(values.department) ?? -1;
    if (departmentId !== null && !departments.some((d) => d.id === departmentId)) errors.department = 'Choose a department from the list.';
    if (own !== null && departmentId !== own) errors.department = 'You can keep templates for your own department only.';
    const input: ResponseTemplateInput = { name: values.name, departmentId, body: values.body, active: values.active };
    for (const [key, problem] of checkResponseTemplate(input)) errors[key] ??= problem;
    if (Object.keys(errors).length > 0) return showForm(request, reply, id, values, { errors });
    if (field(body, '_action') === 'preview') {
      const preview = fillResponseTemplate(values.body, {
        reference: '1234', service: 'Pothole', address: '1 High Street', expectedAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        council: config.jurisdiction.name, timeZone: config.jurisdiction.timeZone,
      });
      return showForm(request, reply, id, values, { preview });
    }
    const saved = await attempt(() => saveResponseTemplate(db, jurisdictionId, id, input, actorOf(request)), 'body');
    if (!saved.ok) return showForm(request, reply, id, values, { errors: saved.errors, status: saved.status });
    return reply.redirect(`${templateUrl(saved.value)}?saved=1`, 303);
  };

  app.post('/admin/settings/templates', { config: settingsAdmins, schema: hidden }, async (request, reply) => saveOrPreview(request, reply, null));
  app.post('/admin/settings/templates/:id', { config: settingsAdmins, schema: hidden }, async (request, reply) => saveOrPreview(request, reply, (await templateOf(request)).id));
}

/** The template's text as typed (line breaks kept; only the ends trimmed). */
const formBody = (body: unknown) => field(body, 'body');
