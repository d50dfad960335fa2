/**
 * The staff workspace, as far as identity needs it: the cases a person may see (their
 * department's, or all for roles that oversee), a case, and its reporter's contact details
 * behind a deliberate step that is audited. Queues and workflow come with the workflow issue.
 * These are staff tools and stay in English for now (`englishOnly`): the frame around them is in
 * the person's chosen language, the page body is marked lang="en".
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { getService, listServices } from '../catalogue/catalogue.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { caseListScope, may, staffRoles } from '../identity/policy.js';
import { signedIn } from '../platform/access.js';
import type { Keyring } from '../platform/crypto.js';
import { forbidden, notFound } from '../platform/errors.js';
import { formatInZone } from '../platform/time.js';
import { contactForCase } from '../requests/reporters.js';
import { getServiceRequest, searchServiceRequests } from '../requests/requests.js';
import { renderPage } from '../web/page.js';
import { CaseList, CasePage, ContactPage } from './views.js';

export async function staffRoutes(app: FastifyInstance, { db, config, keyring }: { db: DB; config: Config; keyring: Keyring }): Promise<void> {
  const staff = { access: signedIn(staffRoles) };
  const formatTime = (iso: string) => formatInZone(iso, config.jurisdiction.timeZone);
  const departmentOf = async (serviceCode: string) => (await getService(db, config.jurisdiction.id, serviceCode)).department;

  /** Loads a case the person may see; anything else is refused and recorded. */
  const caseFor = async (request: FastifyRequest, id: string) => {
    if (!/^\d{1,15}$/.test(id)) throw notFound(`There is no case ${id.slice(0, 20)}.`);
    const serviceRequest = await getServiceRequest(db, config.jurisdiction.id, id);
    const department = await departmentOf(serviceRequest.serviceCode);
    const person = request.person!;
    if (!may(person, { action: 'case.view', record: { department } })) {
      await db.transaction().execute((trx) => appendAudit(trx, {
        actor: `user:${person.userId}`, action: 'access.denied', entityType: 'service_request', entityId: id, after: { reason: 'another department' },
      }));
      throw forbidden('This case belongs to another department. Ask a supervisor if you need to work on it.');
    }
    return { serviceRequest, department };
  };

  app.get('/staff', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const scope = caseListScope(person);
    const services = await listServices(db, config.jurisdiction.id, { includeInactive: true });
    const serviceCodes = 'allDepartments' in scope ? undefined : services.filter((s) => s.department !== null && s.department === scope.department).map((s) => s.code);
    const cases = serviceCodes?.length === 0 ? [] : await searchServiceRequests(db, config.jurisdiction.id, { ...(serviceCodes ? { serviceCodes } : {}), limit: 50, offset: 0 });
    const heading = 'allDepartments' in scope ? 'All departments' : scope.department ? `Department: ${scope.department}` : 'No department';
    return renderPage(request, reply, { title: 'Staff workspace', wide: true, englishOnly: true, body: <CaseList heading={heading} cases={cases} formatTime={formatTime} /> });
  });

  app.get('/staff/requests/:id', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const { serviceRequest, department } = await caseFor(request, (request.params as { id: string }).id);
    const canSeeContact = may(request.person, { action: 'case.view_contact', record: { department } });
    return renderPage(request, reply, { title: `Case ${serviceRequest.id}`, englishOnly: true, body: <CasePage serviceRequest={serviceRequest} canSeeContact={canSeeContact} formatTime={formatTime} /> });
  });

  app.get('/staff/requests/:id/contact', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const { serviceRequest, department } = await caseFor(request, (request.params as { id: string }).id);
    if (!may(person, { action: 'case.view_contact', record: { department } })) {
      await db.transaction().execute((trx) => appendAudit(trx, {
        actor: `user:${person.userId}`, action: 'access.denied', entityType: 'service_request', entityId: serviceRequest.id, after: { reason: 'contact details' },
      }));
      throw forbidden('Only the department working this case can see the reporter\'s contact details.');
    }
    const contact = await contactForCase(db, keyring, Number(serviceRequest.id));
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${person.userId}`, action: 'personal_data.viewed', entityType: 'service_request', entityId: serviceRequest.id, after: { fields: 'reporter contact' },
    }));
    return renderPage(request, reply, { title: `Reporter of case ${serviceRequest.id}`, englishOnly: true, body: <ContactPage serviceRequest={serviceRequest} contact={contact} /> });
  });
}
