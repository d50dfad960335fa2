/**
 * No-code administration under /admin/settings: services, application forms, departments and their areas, routing,
 * workflows, business calendars and response templates. System administrators change
 * everything; a department administrator their own department's area, calendar and templates.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { settingsAdmins, settingsPage } from './common.js';
import { calendarSettingsRoutes } from './calendars-routes.js';
import { departmentSettingsRoutes } from './departments-routes.js';
import { formSettingsRoutes } from './forms-routes.js';
import { routingSettingsRoutes } from './routing-routes.js';
import { serviceSettingsRoutes } from './services-routes.js';
import { responseTemplateRoutes } from './response-templates-routes.js';
import { workflowSettingsRoutes } from './workflows-routes.js';

export async function settingsRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/admin/settings', { config: settingsAdmins, schema: { hide: true } }, async (request, reply) => {
    const everything = request.person!.role === 'system_admin';
    const department = request.person!.department;
    return settingsPage(request, reply, {
      title: 'Settings',
      body: (
        <>
          <h1>Settings</h1>
          <p>Change how the council's services work, without code. Every change is recorded in the audit trail.</p>
          <ul class="settings-index">
            {everything && <li><a href="/admin/settings/services">Services</a>: what residents can report, the questions they are asked, and who works each one</li>}
            {everything && <li><a href="/admin/settings/forms">Application forms</a>: the forms people fill in to apply for permits and licences, previewed before they are published</li>}
            {everything && <li><a href="/admin/settings/workflows">Workflows</a>: the states a case goes through, who may move it, and SLA targets</li>}
            {everything ? <li><a href="/admin/settings/departments">Departments</a>: names, areas on the map, and how new cases are assigned</li>
              : department && <li><a href={`/admin/settings/departments/${encodeURIComponent(department)}`}>Your department</a>: its area on the map and its business calendar</li>}
            {everything && <li><a href="/admin/settings/routing">Routing</a>: which department gets a new case</li>}
            {everything && <li><a href="/admin/settings/calendars">Business calendars</a>: working hours and holidays that SLA clocks count</li>}
            {everything && <li><a href="/admin/settings/open-data">Open data</a>: what the council publishes, its licence, and whether descriptions are withheld or screened</li>}
            <li><a href="/admin/settings/templates">Response templates</a>: ready-made public updates for staff</li>
            {everything && <li><a href="/admin/settings/performance">Costs per transaction</a>: what a report costs on each channel, for the published performance page</li>}
            <li><a href="/admin">Staff and roles</a>: who can sign in and what they may do</li>
          </ul>
        </>
      ),
    });
  });
  await serviceSettingsRoutes(app, deps);
  await workflowSettingsRoutes(app, deps);
  await departmentSettingsRoutes(app, deps);
  await routingSettingsRoutes(app, deps);
  await calendarSettingsRoutes(app, deps);
  await responseTemplateRoutes(app, deps);
  await formSettingsRoutes(app, deps);
}
