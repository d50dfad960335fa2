/**
 * A person's own account: see it, end sessions elsewhere, download their data, close the
 * account (residents), and set a password from a one-time link. Every page is no-store.
 */
import { diskStorage } from '../applications/storage.js';
import { accountCases, followedCases } from '../tracking/followers.js';
import { emailPreferences, notificationPreferences } from '../notifications/preferences.js';
import type { FastifyInstance } from 'fastify';
import { perMinute } from '../platform/rate-limit.js';
import { translate, type Translator } from '../i18n/i18n.js';
import { publicAccess, signedIn } from './access.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { erasePersonalData, exportPersonalData } from '../privacy/privacy.js';
import { csrfToken } from '../web/csrf.js';
import { ErrorSummary, Field, formText, PostForm } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import type { RouteDeps } from '../platform/deps.js';
import { endOtherSessions, listSessions } from './sessions.js';
import { findDepartment } from './store.js';
import { accountOf, changePassword, closeAccount, setPasswordWithLink, type Account } from './users.js';
import { AccountClosedPage, AccountPage, CloseAccountPage } from './views/account.js';
import { endCurrentSession } from './web-session.js';


export async function accountRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const anyone = { access: signedIn('any') };
  const attempts = perMinute(config.signInRateLimit);
  // Reports are found by email, so only a confirmed email finds them: otherwise anyone could
  // register with a reporter's address and read (or erase) what that reporter gave the council.
  // The same list as "Your reports" (tracking/followers.ts accountCases), here the ones they reported.
  const reportsOf = async (account: Account, userId: number) => (account.emailVerified
    ? (await accountCases(db, keyring, config.jurisdiction.id, userId, account.email)).filter((c) => c.reason === 'reporter') : []);

  app.get('/account', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const account = await accountOf(db, keyring, person.userId);
    const sessions = await listSessions(db, person.userId, person.sessionToken);
    const reports = account.role === 'resident' ? await reportsOf(account, person.userId) : null;
    // A member of staff reads their department's name, not its code.
    const department = account.department ? (await findDepartment(db, account.department))?.name ?? account.department : null;
    const { ended, changed } = request.query as Record<string, string | undefined>;
    const { t } = translate(request);
    return renderPage(request, reply, {
      title: t('account.title'),
      body: <AccountPage account={{ ...account, department }} sessions={sessions} reports={reports} csrf={csrfToken(request, reply, app.site.secure)} timeZone={config.jurisdiction.timeZone}
        notice={changed === 'password' ? t('account.passwordChanged')
          : ended ? t('account.ended', { count: Number(ended) || 0 }) : undefined} />,
    });
  });

  app.post('/account/sessions/end', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const which = formText(request.body, 'session');
    const ended = await endOtherSessions(db, person.userId, person.sessionToken, which === 'others' ? 'others' : which);
    return reply.redirect(`/account?ended=${ended}`, 303);
  });

  app.get('/account/data.json', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const account = await accountOf(db, keyring, person.userId);
    const asReporter = account.emailVerified ? await exportPersonalData(db, keyring, config.jurisdiction.id, account.email, `user:${person.userId}`) : null;
    const reports = asReporter?.serviceRequests ?? [];
    const sessions = (await listSessions(db, person.userId)).map(({ device, createdAt, lastSeenAt, expiresAt }) => ({ device, createdAt, lastSeenAt, expiresAt }));
    const followedReports = (await followedCases(db, config.jurisdiction.id, person.userId)).map((c) => ({ id: c.id, reason: c.reason, service: c.serviceName, status: c.status }));
    const emailChoices = await emailPreferences(db, person.userId);
    // Every channel's choices, with the mobile number for text messages, and the in-app messages.
    const messageChoices = await notificationPreferences(db, keyring, person.userId);
    const messages = await db.selectFrom('notifications').select(['case_id', 'event', 'text', 'created_at', 'read_at']).where('user_id', '=', person.userId).orderBy('id').execute();
    return reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="townhall-my-data.json"')
      .send({ generatedAt: nowIso(), account, sessions, serviceRequests: reports, followedReports, guestFollows: asReporter?.guestFollows ?? [], emailChoices, messageChoices, messages });
  });

  const residents = { access: signedIn(['resident']) };
  app.get('/account/close', { config: residents, schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, { title: translate(request).t('close.title'), body: <CloseAccountPage csrf={csrfToken(request, reply, app.site.secure)} /> }));

  app.post('/account/close', { config: residents, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const account = await accountOf(db, keyring, person.userId);
    const actor = `user:${person.userId}`;
    const result = account.emailVerified
      ? await erasePersonalData(db, keyring, config.jurisdiction.id, account.email, 'the resident closed their account', actor, { applicationDocuments: diskStorage(config.documentsDir) })
      : { erased: [], kept: [] };
    await closeAccount(db, keyring, person.userId, actor);
    await endCurrentSession(db, request, reply);
    return renderPage(request, reply, { title: translate(request).t('closed.title'), body: <AccountClosedPage erased={result.erased} kept={result.kept} /> });
  });

  const passwordPage = ({ t }: Translator, csrf: string, errors: Record<string, string> = {}) => (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('password.changeTitle')}</h1>
      <PostForm action="/account/password" csrf={csrf}>
        <Field name="current" label={t('password.current')} type="password" autocomplete="current-password" error={errors.current} />
        <Field name="next" label={t('password.new')} type="password" autocomplete="new-password" hint={t('password.changeHint')} error={errors.next} />
        <button type="submit">{t('password.changeButton')}</button>
      </PostForm>
      <p>{t('password.changeNote')}</p>
    </>
  );
  app.get('/account/password', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const tr = translate(request);
    return renderPage(request, reply, { title: tr.t('password.changeTitle'), body: passwordPage(tr, csrfToken(request, reply, app.site.secure)) });
  });
  app.post('/account/password', { config: { ...anyone, rateLimit: attempts }, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const problem = await changePassword(db, keyring, person.userId, { current: formText(request.body, 'current'), next: formText(request.body, 'next'), keepSession: person.sessionToken });
    if (problem) {
      const tr = translate(request);
      return renderPage(request, reply, { title: tr.t('password.changeTitle'), status: 400,
        body: passwordPage(tr, csrfToken(request, reply, app.site.secure), { [problem.field]: tr.known(problem.message) }) });
    }
    return reply.redirect('/account?changed=password', 303);
  });

  // The one-time link printed by `townhall users create` or sent by email.
  const setPasswordPage = ({ t }: Translator, csrf: string, token: string, error?: string) => (
    <>
      {error && <ErrorSummary errors={{ password: error }} />}
      <h1>{t('setPassword.title')}</h1>
      <p>{t('password.advice')}</p>
      <PostForm action={`/account/set-password?token=${encodeURIComponent(token)}`} csrf={csrf}>
        <Field name="password" label={t('password.new')} type="password" autocomplete="new-password" error={error} />
        <button type="submit">{t('password.save')}</button>
      </PostForm>
    </>
  );
  app.get('/account/set-password', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as Record<string, string>).token ?? '';
    const tr = translate(request);
    return renderPage(request, reply, { title: tr.t('setPassword.title'), body: setPasswordPage(tr, csrfToken(request, reply, app.site.secure), token) });
  });
  app.post('/account/set-password', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as Record<string, string>).token ?? '';
    const tr = translate(request);
    try {
      await setPasswordWithLink(db, keyring, token, formText(request.body, 'password'));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return renderPage(request, reply, { title: tr.t('setPassword.title'), status: 400, body: setPasswordPage(tr, csrfToken(request, reply, app.site.secure), token, tr.known(error.message)) });
    }
    return renderPage(request, reply, { title: tr.t('setPassword.savedTitle'), body: <><h1>{tr.t('setPassword.saved')}</h1><p><a href="/sign-in">{tr.t('setPassword.signIn')}</a></p></> });
  });
}
