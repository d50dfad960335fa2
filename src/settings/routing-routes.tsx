/**
 * Settings: routing rules (system administrators). A new case goes to the department of the
 * first rule, in order, that matches its service (and, for area rules, its location).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listServices } from '../catalogue/catalogue.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { deleteRoutingRule, listRoutingRules, moveRoutingRule, saveRoutingRule } from '../routing/store.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { actorOf, attempt, Checkbox, csrfOf, field, settingsPage, systemAdminOnly, Select, ticked } from './common.js';
import { listDepartments } from './departments.js';

const hidden = { hide: true };

function RuleButton({ action, csrf, id, extra, label, what }: { action: string; csrf: string; id: number; extra?: [string, string]; label: string; what: string }) {
  return (
    <PostForm action={action} csrf={csrf}>
      <input type="hidden" name="rule" value={String(id)} />
      {extra && <input type="hidden" name={extra[0]} value={extra[1]} />}
      <button type="submit" class="secondary">{label}<span class="skip-link"> {what}</span></button>
    </PostForm>
  );
}

export async function routingSettingsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;

  const show = async (request: FastifyRequest, reply: FastifyReply, values = { service: '', department: '', withinArea: false }, errors: FieldErrors = {}, status?: number) => {
    const rules = await listRoutingRules(db, jurisdictionId);
    const services = await listServices(db, jurisdictionId, { includeInactive: true });
    const departments = await listDepartments(db);
    const csrf = csrfOf(request, reply);
    const serviceName = (code: string | null) => (code === null ? 'Any service' : services.find((s) => s.code === code)?.name ?? code);
    return settingsPage(request, reply, {
      title: 'Routing', errors, status, back: { href: '/admin/settings', label: 'Settings' },
      body: (
        <>
          <h1>Routing</h1>
          <p>A new case goes to the department of the first rule that matches it, from the top. When none matches, it goes to its service's department.</p>
          {rules.length === 0 ? <p>No rules yet: every case goes to its service's department.</p> : (
            <TableWrap label="Routing rules">
              <table>
                <thead><tr><th scope="col">Order</th><th scope="col">Service</th><th scope="col">Only inside the department's area</th><th scope="col">Goes to</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
                <tbody>
                  {rules.map((r, index) => {
                    const what = `rule ${index + 1}`;
                    return (
                      <tr key={r.id}>
                        <td>{index + 1}</td><td>{serviceName(r.serviceCode)}</td><td>{r.withinArea ? 'Yes' : 'No'}</td><td>{r.departmentName}</td>
                        <td>
                          {index > 0 && <RuleButton action="/admin/settings/routing/move" csrf={csrf} id={r.id} extra={['direction', 'up']} label="Move up" what={what} />}
                          {index < rules.length - 1 && <RuleButton action="/admin/settings/routing/move" csrf={csrf} id={r.id} extra={['direction', 'down']} label="Move down" what={what} />}
                          <RuleButton action="/admin/settings/routing/remove" csrf={csrf} id={r.id} label="Remove" what={what} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          )}
          <h2>Add a rule</h2>
          <PostForm action="/admin/settings/routing" csrf={csrf}>
            <Select name="service" label="Cases of" options={[['', 'Any service'], ...services.map((s): [string, string] => [s.code, s.name])]} value={values.service} error={errors.service} />
            <Select name="department" label="Go to" options={[['', 'Choose a department'], ...departments.map((d): [string, string] => [String(d.id), d.name])]} value={values.department} error={errors.department} />
            <Checkbox name="withinArea" label="Only when the case is inside that department's area" checked={values.withinArea} />
            <button type="submit">Add rule</button>
          </PostForm>
        </>
      ),
    });
  };

  app.get('/admin/settings/routing', { config: systemAdminOnly, schema: hidden }, async (request, reply) => show(request, reply));

  app.post('/admin/settings/routing', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const values = { service: field(request.body, 'service'), department: field(request.body, 'department'), withinArea: ticked(request.body, 'withinArea') };
    const departmentId = parseId(values.department);
    if (departmentId === null) return show(request, reply, values, { department: 'Choose the department the cases go to.' }, 400);
    const saved = await attempt(() => saveRoutingRule(db, jurisdictionId, { serviceCode: values.service || null, departmentId, withinArea: values.withinArea }, actorOf(request)), 'department');
    if (!saved.ok) {
      const message = Object.values(saved.errors)[0]!;
      return show(request, reply, values, /service/i.test(message) && !/department/i.test(message) ? { service: message } : { department: message }, saved.status);
    }
    return reply.redirect('/admin/settings/routing', 303);
  });

  const ruleId = (request: FastifyRequest) => {
    const id = parseId(field(request.body, 'rule'));
    if (id === null) throw invalid('Say which rule.');
    return id;
  };

  app.post('/admin/settings/routing/remove', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    await deleteRoutingRule(db, jurisdictionId, ruleId(request), actorOf(request));
    return reply.redirect('/admin/settings/routing', 303);
  });

  app.post('/admin/settings/routing/move', { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const direction = field(request.body, 'direction');
    if (direction !== 'up' && direction !== 'down') throw invalid('Move a rule up or down.');
    await moveRoutingRule(db, jurisdictionId, ruleId(request), direction, actorOf(request));
    return reply.redirect('/admin/settings/routing', 303);
  });
}
