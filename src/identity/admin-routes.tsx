/**
 * Administration: people who can sign in (system administrators: everyone; department
 * administrators: their own department's case workers and supervisors), and subject access
 * exports. Each change is audited by the functions it calls. Staff tools: English only for now
 * (`englishOnly`), inside a frame in the person's chosen language.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from './access.js';
import { DomainError, forbidden } from '../platform/errors.js';
import { exportPersonalData } from '../privacy/privacy.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { may, subjectAccessRoles, userAdminRoles } from './policy.js';
import { isRole, roles, type Role } from './roles.js';
import type { RouteDeps } from '../platform/deps.js';
import { parseId } from '../platform/ids.js';
import { accountOf, createUser, disableUser, endSessionsOf, listUsers, resetSecondFactor, setDisplayName, type CreatedUser } from './users.js';
import { SubjectAccessPage, UsersPage } from './views/admin.js';

const field = (body: unknown, name: string) => formText(body, name).trim();

export async function adminRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const admins = { access: signedIn(userAdminRoles) };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);

  const showUsers = async (request: FastifyRequest, reply: FastifyReply, extra: { created?: CreatedUser; errors?: Record<string, string>; status?: number; notice?: string } = {}) => {
    const person = request.person!;
    const users = (await listUsers(db, keyring)).filter((u) => u.role !== 'resident' && may(person, { action: 'user.manage', record: { department: u.department, role: u.role } }));
    const grantable = roles.filter((r) => r !== 'resident' && may(person, { action: 'user.grant_role', record: { role: r, department: person.department } }));
    return renderPage(request, reply, {
      title: 'Administration', wide: true, englishOnly: true, status: extra.status ?? 200,
      body: <UsersPage users={users} csrf={csrf(request, reply)} grantable={grantable} created={extra.created} notice={extra.notice} errors={extra.errors ?? {}} canExport={may(person, { action: 'person.export' })} />,
    });
  };

  app.get('/admin', { config: admins, schema: { hide: true } }, async (request, reply) => showUsers(request, reply));

  app.post('/admin/users', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const role = field(request.body, 'role');
    // A department administrator adds people to their own department only.
    const department = person.role === 'department_admin' ? person.department : field(request.body, 'department') || null;
    if (!isRole(role) || role === 'resident' || !may(person, { action: 'user.grant_role', record: { role: role as Role, department } })) {
      return showUsers(request, reply, { errors: { role: 'Choose a role you are allowed to give' }, status: 400 });
    }
    try {
      const created = await createUser(db, keyring, { email: field(request.body, 'email'), role, departmentCode: department }, { publicUrl: config.publicUrl, issuer: config.jurisdiction.name }, `user:${person.userId}`);
      return showUsers(request, reply, { created });
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
      const key = /department/i.test(error.message) ? 'department' : 'email';
      return showUsers(request, reply, { errors: { [key]: error.message }, status: error.kind === 'conflict' ? 409 : 400 });
    }
  });

  /** The account named in the path, if this administrator may manage it (record level). */
  const manageable = async (request: FastifyRequest, refusal: string) => {
    const id = parseId((request.params as { id: string }).id);
    const target = id !== null ? await accountOf(db, keyring, id).catch((error: unknown) => { if (error instanceof DomainError && error.kind === 'not_found') return null; throw error; }) : null;
    if (!target || !may(request.person, { action: 'user.manage', record: { department: target.department, role: target.role } })) throw forbidden(refusal);
    return { ...target, id: String(target.id) };
  };

  app.post('/admin/users/:id/name', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const target = await manageable(request, 'You cannot change this account.');
    try {
      await setDisplayName(db, Number(target.id), formText(request.body, 'display_name'), `user:${request.person!.userId}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return showUsers(request, reply, { errors: { [`name-${target.id}`]: error.message }, status: 400 });
    }
    return showUsers(request, reply, { notice: `The name of ${target.email} was saved.` });
  });

  app.post('/admin/users/:id/disable', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const target = await manageable(request, 'You cannot disable this account. Ask a system administrator.');
    if (target.id === String(person.userId)) throw forbidden('You cannot disable your own account.');
    await disableUser(db, target.id, `user:${person.userId}`);
    return reply.redirect('/admin', 303);
  });

  app.post('/admin/users/:id/reset-second-factor', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const target = await manageable(request, 'You cannot reset this person\'s authenticator. Ask a system administrator.');
    await resetSecondFactor(db, keyring, target.id, { issuer: config.jurisdiction.name }, `user:${request.person!.userId}`);
    return showUsers(request, reply, { notice: `${target.email} will set up their authenticator app again when they next sign in. Their recovery codes no longer work.` });
  });

  app.post('/admin/users/:id/sign-out', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const target = await manageable(request, 'You cannot sign this person out. Ask a system administrator.');
    const ended = await endSessionsOf(db, target.id, `user:${request.person!.userId}`);
    return showUsers(request, reply, { notice: `${target.email} is signed out everywhere (${ended} session${ended === 1 ? '' : 's'} ended).` });
  });

  const exporters = { access: signedIn(subjectAccessRoles) };
  app.get('/admin/privacy', { config: exporters, schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, { title: 'Subject access request', englishOnly: true, body: <SubjectAccessPage csrf={csrf(request, reply)} /> }));

  app.post('/admin/privacy/export', { config: exporters, schema: { hide: true } }, async (request, reply) => {
    try {
      const data = await exportPersonalData(db, keyring, config.jurisdiction.id, field(request.body, 'email'), `user:${request.person!.userId}`);
      return reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="subject-access-export.json"').send(data);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return renderPage(request, reply, { title: 'Subject access request', englishOnly: true, status: 400, body: <SubjectAccessPage csrf={csrf(request, reply)} error={error.message} /> });
    }
  });
}
