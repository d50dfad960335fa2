/**
 * /account/notifications: a resident's choice of emails and text messages about reports (with
 * their mobile number, checked and sealed), and their latest in-app messages. The routes are
 * registered by tracking/routes.tsx, which calls these handlers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/i18n.js';
import { rememberLanguage } from '../identity/users.js';
import type { RouteDeps } from '../platform/deps.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { confirmPhone, notificationPreferences, saveNotificationPreferences, type NotificationPreferences } from './preferences.js';
import { normalisePhone } from './sms.js';
import { NotificationChoicesPage } from './views.js';

const INBOX = 20;

/** The routes' deps, and the CSRF token maker of the scope that registers them. */
export interface ChoiceDeps extends RouteDeps {
  csrf: (request: FastifyRequest, reply: FastifyReply) => string;
}

async function render(deps: ChoiceDeps, request: FastifyRequest, reply: FastifyReply, choice: NotificationPreferences, phoneText: string, errors: Record<string, string>) {
  const { t } = translate(request);
  const userId = request.person!.userId;
  const inbox = await deps.db.selectFrom('notifications').select(['id', 'case_id', 'text', 'created_at']).where('user_id', '=', userId).orderBy('id', 'desc').limit(INBOX).execute();
  const notices = formText(request.query, 'saved') === '1' ? [t('account-cases.saved')] : [];
  return renderPage(request, reply, {
    title: t('notifications.title'), status: Object.keys(errors).length > 0 ? 400 : 200,
    body: <NotificationChoicesPage choice={choice} phoneText={phoneText} csrf={deps.csrf(request, reply)} notices={notices} errors={errors} timeZone={deps.config.jurisdiction.timeZone}
      inbox={inbox.map((m) => ({ id: m.id, caseId: m.case_id, text: m.text, createdAt: m.created_at }))} />,
  });
}

export async function showNotificationChoices(deps: ChoiceDeps, request: FastifyRequest, reply: FastifyReply) {
  const choice = await notificationPreferences(deps.db, deps.keyring, request.person!.userId);
  return render(deps, request, reply, choice, choice.sms.phone ?? '', {});
}

export async function saveNotificationChoices(deps: ChoiceDeps, request: FastifyRequest, reply: FastifyReply) {
  const { t } = translate(request);
  const userId = request.person!.userId;
  if (formText(request.body, '_action') === 'confirm_phone') {
    const result = await confirmPhone(deps.db, deps.keyring, userId, formText(request.body, 'phone_code').slice(0, 20));
    if (result === 'confirmed') return reply.redirect('/account/notifications?saved=1', 303);
    const current = await notificationPreferences(deps.db, deps.keyring, userId);
    return render(deps, request, reply, current, current.sms.phone ?? '', { phone_code: t(result === 'wrong' ? 'notifications.error.code' : 'notifications.error.codeExpired') });
  }
  const yes = (name: string) => formText(request.body, name) === 'yes';
  const phoneText = formText(request.body, 'phone').trim().slice(0, 40);
  const phone = phoneText ? normalisePhone(phoneText) : null;
  const choice: NotificationPreferences = {
    email: { onUpdate: yes('onUpdate'), onClose: yes('onClose') },
    sms: { onUpdate: yes('smsOnUpdate'), onClose: yes('smsOnClose'), phone, confirmed: false },
  };
  const errors: Record<string, string> = {};
  if (phoneText && !phone) errors.phone = t('notifications.error.phone');
  else if (!phone && (choice.sms.onUpdate || choice.sms.onClose)) errors.phone = t('notifications.error.phoneNeeded');
  if (Object.keys(errors).length > 0) return render(deps, request, reply, choice, phoneText, errors);
  await saveNotificationPreferences(deps.db, deps.keyring, userId, choice, (code) => t('notifications.codeText', { code }));
  // The messages they chose come in the language they chose them in.
  await rememberLanguage(deps.db, userId, translate(request).language.code);
  return reply.redirect('/account/notifications?saved=1', 303);
}
