/**
 * The webhook console at /admin/webhooks, for system administrators: the subscriptions, a new
 * one (its secret shown once), one subscription with its deliveries, turning it off or back on,
 * and sending deliveries again (one, or every dead-lettered one since a time). Every change is
 * audited by the functions it calls.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { csrfToken } from '../web/csrf.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { caseKinds, createSubscription, getSubscription, listDeliveries, listSubscriptions, replayDeliveries, setSubscriptionActive, webhookEventTypes } from './subscriptions.js';
import { WebhookCreatedPage, WebhookPage, WebhooksPage, type SubscriptionForm } from './views.js';

const values = (source: unknown, name: string): string[] => {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
};
const codes = (text: string) => text.split(',').map((c) => c.trim()).filter((c) => c !== '');

/** Which field a problem belongs to, for the error summary's links. */
function fieldOf(problem: string): string {
  if (/name of 1 to 100/.test(problem)) return 'name';
  if (/address|user name/.test(problem)) return 'url';
  if (/event type/.test(problem)) return 'eventTypes';
  if (/case kind/.test(problem)) return 'caseKinds';
  if (/service/.test(problem)) return 'serviceCodes';
  if (/department/.test(problem)) return 'departmentCodes';
  if (/email/.test(problem)) return 'contactEmail';
  return 'name';
}

export async function webhookRoutes(app: FastifyInstance, { db, keyring, config }: RouteDeps): Promise<void> {
  const admins = { access: signedIn(['system_admin']) };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  const actor = (request: FastifyRequest) => `user:${request.person!.userId}`;
  const empty: SubscriptionForm = { name: '', url: '', eventTypes: [], caseKinds: [], serviceCodes: '', departmentCodes: '', contactEmail: '' };

  const showList = async (request: FastifyRequest, reply: FastifyReply, form = empty, errors: FieldErrors = {}) => renderPage(request, reply, {
    title: 'Webhooks', wide: true, englishOnly: true, status: Object.keys(errors).length > 0 ? 400 : 200,
    body: <WebhooksPage subscriptions={await listSubscriptions(db)} csrf={csrf(request, reply)} form={form} errors={errors} eventTypes={webhookEventTypes} caseKinds={caseKinds} />,
  });

  const showOne = async (request: FastifyRequest, reply: FastifyReply, notice: string | null = null, errors: FieldErrors = {}, status = 200) => {
    const id = (request.params as { id: string }).id;
    const subscription = await getSubscription(db, id);
    return renderPage(request, reply, {
      title: `Webhook: ${subscription.name}`, wide: true, englishOnly: true, status,
      body: <WebhookPage subscription={subscription} deliveries={await listDeliveries(db, id)} csrf={csrf(request, reply)} notice={notice} errors={errors} />,
    });
  };

  app.get('/admin/webhooks', { config: admins, schema: { hide: true } }, async (request, reply) => showList(request, reply));

  app.post('/admin/webhooks', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const body = request.body;
    const form: SubscriptionForm = {
      name: formText(body, 'name'), url: formText(body, 'url'), eventTypes: values(body, 'eventTypes'), caseKinds: values(body, 'caseKinds'),
      serviceCodes: formText(body, 'serviceCodes'), departmentCodes: formText(body, 'departmentCodes'), contactEmail: formText(body, 'contactEmail'),
    };
    try {
      const created = await createSubscription(db, keyring, config.jurisdiction.id, {
        name: form.name, url: form.url, eventTypes: form.eventTypes, caseKinds: form.caseKinds, serviceCodes: codes(form.serviceCodes), departmentCodes: codes(form.departmentCodes),
        ...(form.contactEmail.trim() !== '' ? { contactEmail: form.contactEmail } : {}),
      }, actor(request), config.outbound);
      return renderPage(request, reply, { title: 'Copy the signing secret now', englishOnly: true, status: 201, body: <WebhookCreatedPage subscription={created.subscription} secret={created.secret} /> });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const errors: FieldErrors = {};
      for (const problem of error.problems) errors[fieldOf(problem)] ??= problem;
      return showList(request, reply, form, errors);
    }
  });

  app.get('/admin/webhooks/:id', { config: admins, schema: { hide: true } }, async (request, reply) => showOne(request, reply));

  app.post('/admin/webhooks/:id/status', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const active = formText(request.body, 'active') === 'yes';
    await setSubscriptionActive(db, id, active, actor(request));
    return showOne(request, reply, active ? 'The webhook is on again. Send its dead-lettered deliveries again below if they are still wanted.' : 'The webhook is off: no events are sent to it.');
  });

  app.post('/admin/webhooks/:id/replay', { config: admins, schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const deliveryId = formText(request.body, 'deliveryId');
    const since = formText(request.body, 'since');
    try {
      const replayed = await replayDeliveries(db, id, deliveryId !== '' ? { deliveryId } : { since }, actor(request));
      return showOne(request, reply, replayed === 1 ? '1 delivery will be sent again in a moment.' : `${replayed} deliveries will be sent again in a moment.`);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
      return showOne(request, reply, null, { since: error.message }, error.kind === 'invalid' ? 400 : 409);
    }
  });
}
