/**
 * Routes of notifications: one-click unsubscribe (public, RFC 8058), and for staff the outbox
 * (system administrators; supervisors may look), one message (the development mailbox shows its
 * text and HTML), retrying a failed or dead message (audited), and the message templates.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess, signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { countByStatus, outboxStatuses, retryNow } from '../platform/outbox.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { builtInTemplates, channels, type Channel } from './defaults.js';
import { htmlEmail } from './html.js';
import { openQueuedEmail } from './email.js';
import { maskPhone, openQueuedSms } from './sms.js';
import { builtInText, checkMessageTemplate, listMessageTemplates, renderText, resetMessageTemplate, saveMessageTemplate, messageTemplateFor, templateLanguages } from './message-templates.js';
import { applyUnsubscribe, readUnsubscribeToken } from './unsubscribe.js';
import { MessagePage, MessagesPage, MessageTemplatePage, MessageTemplatesPage, UnsubscribedPage, UnsubscribeInvalidPage, UnsubscribePage, type OutboxRow } from './views.js';

/** "s•••@example.org": enough to recognise, not enough to write to. */
export const maskEmail = (address: string): string => {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
};

const PAGE = 100;

/** An email as a resident's mail program shows it: its own inline styles, nothing else (no script, images, forms or framing). */
export const EMAIL_PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function notificationRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const admins = { access: signedIn(['system_admin']) };
  // Only system administrators: the list spans every department and every kind of message.
  const lookers = { access: signedIn(['system_admin']) };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);

  // ---- One-click unsubscribe ----
  const unsubscribeTarget = (request: FastifyRequest) => readUnsubscribeToken(keyring, (request.params as { token: string }).token);
  const invalidLink = (request: FastifyRequest, reply: FastifyReply) =>
    renderPage(request, reply, { title: translate(request).t('notifications.unsubscribeInvalidTitle'), status: 404, body: <UnsubscribeInvalidPage /> });

  app.get('/unsubscribe/:token', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const target = unsubscribeTarget(request);
    if (!target) return invalidLink(request, reply);
    return renderPage(request, reply, { title: translate(request).t('notifications.unsubscribeTitle'), body: <UnsubscribePage target={target} action={request.url.split('?')[0]!} /> });
  });

  // Mail programs POST here themselves ("List-Unsubscribe=One-Click"), with no cookie and no
  // CSRF token: the MAC in the address is the proof, and it can only stop emails.
  const oneClick = { access: publicAccess, csrfExempt: 'RFC 8058 one-click unsubscribe: the address holds a MAC of what it stops' };
  app.post('/unsubscribe/:token', { config: oneClick, schema: { hide: true } }, async (request, reply) => {
    const target = unsubscribeTarget(request);
    if (!target || !(await applyUnsubscribe(db, target))) return invalidLink(request, reply);
    request.log.info({ event: 'unsubscribed', kind: target.kind }, 'a resident unsubscribed from emails');
    return renderPage(request, reply, { title: translate(request).t('notifications.unsubscribedTitle'), body: <UnsubscribedPage target={target} /> });
  });

  // ---- The outbox, for staff ----
  const describe = (row: { id: number; kind: string; payload: string; status: string; attempts: number; last_error: string | null; created_at: string; next_attempt_at: string | null; provider: string | null }): OutboxRow & { opened: { subject: string | null; text: string; unsubscribeUrl?: string; language?: string } | null } => {
    let recipient = '[sealed]';
    let event = 'unknown';
    let opened: { subject: string | null; text: string; unsubscribeUrl?: string; language?: string } | null = null;
    try {
      const payload = JSON.parse(row.payload) as unknown;
      if (row.kind === 'email') {
        const email = openQueuedEmail(keyring, payload);
        recipient = maskEmail(email.to);
        event = email.event ?? email.template;
        opened = { subject: email.subject, text: email.text, unsubscribeUrl: email.unsubscribeUrl, language: email.language };
      } else if (row.kind === 'sms') {
        const sms = openQueuedSms(keyring, payload);
        recipient = maskPhone(sms.to);
        event = sms.event;
        opened = { subject: null, text: sms.body };
      } else if (row.kind === 'webhook') {
        const { subscriptionId, eventId } = payload as { subscriptionId?: number; eventId?: number };
        recipient = `Webhook subscription ${subscriptionId ?? '?'}`;
        event = `A case change (event ${eventId ?? '?'}) sent to a webhook`;
      } else if (row.kind === 'open311_forward') {
        const { caseId } = payload as { caseId?: number };
        recipient = 'The service\'s back office';
        event = `Case ${caseId ?? '?'} forwarded to the back office (client mode)`;
      }
    } catch {
      // A message sealed with a key this process no longer has: shown without its details.
    }
    return {
      id: row.id, kind: row.kind, event, status: row.status, attempts: row.attempts, lastError: row.last_error, recipient,
      createdAt: row.created_at, nextAttemptAt: row.next_attempt_at, provider: row.provider, opened,
    };
  };

  const messageOf = async (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    const row = id !== null ? await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!row) throw notFound('There is no message with this number.');
    return row;
  };

  const showMessages = async (request: FastifyRequest, reply: FastifyReply, notice: string | null = null, status = 200) => {
    const asked = formText(request.query, 'status');
    const filter = (outboxStatuses as readonly string[]).includes(asked) ? asked : 'all';
    let query = db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(PAGE);
    if (filter !== 'all') query = query.where('status', '=', filter as 'queued');
    const rows = (await query.execute()).map(describe);
    return renderPage(request, reply, {
      title: 'Messages to residents', wide: true, englishOnly: true, status,
      body: <MessagesPage rows={rows} status={filter} counts={await countByStatus(db)} canRetry={request.person!.role === 'system_admin'} csrf={csrf(request, reply)} notice={notice} />,
    });
  };

  app.get('/admin/messages', { config: lookers, schema: { hide: true } }, async (request, reply) => showMessages(request, reply));

  app.get('/admin/messages/:id', { config: lookers, schema: { hide: true } }, async (request, reply) => {
    const row = describe(await messageOf(request));
    // Only the development mailbox is readable: a real message may hold a one-time link.
    const readable = row.provider === 'dev' && request.person!.role === 'system_admin' && row.opened !== null;
    return renderPage(request, reply, {
      title: `Message ${row.id}`, englishOnly: true,
      body: <MessagePage row={row} subject={readable ? row.opened!.subject : null} text={readable ? row.opened!.text : null} htmlUrl={readable && row.kind === 'email' ? `/admin/messages/${row.id}/html` : null} />,
    });
  });

  app.get('/admin/messages/:id/html', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const row = describe(await messageOf(request));
    if (row.provider !== 'dev' || row.kind !== 'email' || !row.opened) throw notFound('Only emails kept in the development mailbox can be opened here.');
    const html = htmlEmail(row.opened.subject ?? '', row.opened.text, { council: config.jurisdiction.name, colour: config.branding.colour, language: row.opened.language, unsubscribeUrl: row.opened.unsubscribeUrl });
    // The email's own inline styles; nothing else may load or run.
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', EMAIL_PREVIEW_POLICY).send(html);
  });

  app.post('/admin/messages/:id/retry', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const row = await messageOf(request);
    const retried = await db.transaction().execute(async (trx) => {
      if (!(await retryNow(trx, row.id))) return false;
      await appendAudit(trx, { actor: `user:${request.person!.userId}`, action: 'outbox.retried', entityType: 'outbox_message', entityId: String(row.id), before: { status: row.status, attempts: row.attempts }, after: { status: 'queued' } });
      return true;
    });
    return showMessages(request, reply, retried ? `Message ${row.id} will be tried again now.` : `Message ${row.id} is ${row.status}: only failed or dead messages can be retried.`, retried ? 200 : 409);
  });

  // ---- Templates ----
  const audiences = Object.fromEntries(Object.entries(builtInTemplates).map(([event, t]) => [event, t.audience]));
  app.get('/admin/messages/templates', { config: admins, schema: { hide: true } }, async (request, reply) => renderPage(request, reply, {
    title: 'Message templates', wide: true, englishOnly: true,
    body: <MessageTemplatesPage rows={await listMessageTemplates(db)} audiences={audiences} notice={formText(request.query, 'reset') === '1' ? 'The built-in text is used again.' : null} />,
  }));

  /** The template in the address, or 404 when there is no such event, channel or language. */
  const templateKey = (request: FastifyRequest) => {
    const { event, channel, language } = request.params as { event: string; channel: string; language: string };
    if (!Object.hasOwn(builtInTemplates, event) || !(channels as readonly string[]).includes(channel) || !(templateLanguages as readonly string[]).includes(language)
      || !builtInText(event, channel as Channel, language)) {
      throw notFound('There is no such message template. Choose one from the list of templates.');
    }
    return { event, channel: channel as Channel, language };
  };
  const messageTemplateRoute = '/admin/messages/templates/:event/:channel/:language';

  const showTemplate = async (request: FastifyRequest, reply: FastifyReply, key: ReturnType<typeof templateKey>, form: { subject: string; body: string } | null, extra: { errors?: Record<string, string>; preview?: boolean } = {}) => {
    const overridden = (await db.selectFrom('message_templates').select('event').where('event', '=', key.event).where('channel', '=', key.channel).where('language', '=', key.language).executeTakeFirst()) !== undefined;
    const saved = form ?? await messageTemplateFor(db, key.event, key.channel, key.language);
    const current = { subject: saved?.subject ?? '', body: saved?.body ?? '' };
    const errors = extra.errors ?? {};
    const defs = builtInTemplates[key.event]!;
    const preview = extra.preview || !form ? renderText(current, defs.sample) : null;
    return renderPage(request, reply, {
      title: `Template ${key.event} ${key.channel} ${key.language}`, englishOnly: true, status: Object.keys(errors).length > 0 ? 400 : 200,
      body: <MessageTemplatePage {...key} subject={current.subject} body={current.body} placeholders={defs.placeholders} overridden={overridden} preview={Object.keys(errors).length > 0 ? null : preview} errors={errors} csrf={csrf(request, reply)} />,
    });
  };

  app.get(messageTemplateRoute, { config: admins, schema: { hide: true } }, async (request, reply) => showTemplate(request, reply, templateKey(request), null));

  app.post(messageTemplateRoute, { config: admins, schema: { hide: true } }, async (request, reply) => {
    const key = templateKey(request);
    const form = { subject: formText(request.body, 'subject'), body: formText(request.body, 'body') };
    const errors = checkMessageTemplate({ ...key, ...form });
    if (Object.keys(errors).length > 0 || formText(request.body, 'do') === 'preview') return showTemplate(request, reply, key, form, { errors, preview: true });
    try {
      await saveMessageTemplate(db, { ...key, ...form }, `user:${request.person!.userId}`);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return showTemplate(request, reply, key, form, { errors: { body: error.message } });
      throw error;
    }
    return reply.redirect(`/admin/messages/templates/${key.event}/${key.channel}/${key.language}`, 303);
  });

  app.post(`${messageTemplateRoute}/reset`, { config: admins, schema: { hide: true } }, async (request, reply) => {
    const key = templateKey(request);
    await resetMessageTemplate(db, key, `user:${request.person!.userId}`);
    return reply.redirect('/admin/messages/templates?reset=1', 303);
  });
}
