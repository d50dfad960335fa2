/**
 * Webhook subscriptions by API (/api/v1/webhooks, scope webhooks:manage): a key sees and changes
 * only the subscriptions it made; system administrators see every one at /admin/webhooks.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponses, loose } from '../api/schemas.js';
import { apiKeyAccess, authorisedKey } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid, notFound } from '../platform/errors.js';
import { caseKinds, createSubscription, getSubscription, listDeliveries, listSubscriptions, replayDeliveries, setSubscriptionActive, webhookEventTypes, type Subscription } from './subscriptions.js';

const subscriptionSchema = loose({
  id: Type.Integer(), name: Type.String(), url: Type.String(), eventTypes: Type.Array(Type.String()), caseKinds: Type.Array(Type.String()),
  serviceCodes: Type.Array(Type.String()), departmentCodes: Type.Array(Type.String()), status: Type.String({ enum: ['active', 'disabled'] }),
  consecutiveFailures: Type.Integer(), disabledReason: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
});
const deliverySchema = loose({
  id: Type.Integer(), eventId: Type.Integer(), eventType: Type.String(), caseId: Type.Integer(), status: Type.String({ description: 'queued, sending, sent, failed (tried again at nextAttemptAt) or dead (dead-lettered)' }),
  attempts: Type.Integer(), lastResponseCode: Type.Union([Type.Integer(), Type.Null()]), nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
});
const idParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'The subscription id' }) });
const present = ({ owner: _owner, ...subscription }: Subscription) => subscription;

export async function webhookApiRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const manage = { access: apiKeyAccess('webhooks:manage') };
  const tags = ['Webhooks'];
  const security = [{ apiKey: [] }];
  const ownerOf = (request: FastifyRequest) => `api_key:${authorisedKey(request).id}`;
  const mine = async (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    const subscription = await getSubscription(db, id).catch(() => undefined);
    if (!subscription || subscription.owner !== ownerOf(request)) throw notFound(`This key made no webhook subscription ${id.slice(0, 20)}.`);
    return subscription;
  };

  app.get('/webhooks', { config: manage, schema: { tags, security, summary: 'The subscriptions this key made', response: { 200: Type.Array(subscriptionSchema), ...errorResponses } } },
    async (request) => (await listSubscriptions(db)).filter((s) => s.owner === ownerOf(request)).map(present));

  app.post('/webhooks', {
    config: manage,
    schema: {
      tags, security, summary: 'Subscribe to case events; the answer holds the signing secret, shown only this once',
      body: Type.Object({
        name: Type.String({ maxLength: 100 }), url: Type.String({ maxLength: 2000 }),
        eventTypes: Type.Optional(Type.Array(Type.String({ enum: [...webhookEventTypes] }), { maxItems: 50, description: 'Empty or absent: every event type' })),
        caseKinds: Type.Optional(Type.Array(Type.String({ enum: [...caseKinds] }), { maxItems: 10 })),
        serviceCodes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
        departmentCodes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
        contactEmail: Type.String({ maxLength: 254, description: 'Told when the subscription is turned off after failing' }),
        api_key: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 201: loose({ subscription: subscriptionSchema, secret: Type.String({ description: 'whsec_...: verify each delivery\'s webhook-signature with it' }) }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { name: string; url: string; eventTypes?: string[]; caseKinds?: string[]; serviceCodes?: string[]; departmentCodes?: string[]; contactEmail: string };
    const created = await createSubscription(db, keyring, config.jurisdiction.id, {
      name: body.name, url: body.url, eventTypes: body.eventTypes ?? [], caseKinds: body.caseKinds ?? [], serviceCodes: body.serviceCodes ?? [],
      departmentCodes: body.departmentCodes ?? [], contactEmail: body.contactEmail,
    }, ownerOf(request), config.outbound);
    return reply.code(201).send({ subscription: present(created.subscription), secret: created.secret });
  });

  app.get('/webhooks/:id', {
    config: manage,
    schema: { tags, security, summary: 'One subscription with its latest deliveries', params: idParams, response: { 200: loose({ subscription: subscriptionSchema, deliveries: Type.Array(deliverySchema) }), ...errorResponses } },
  }, async (request) => {
    const subscription = await mine(request);
    return { subscription: present(subscription), deliveries: await listDeliveries(db, String(subscription.id)) };
  });

  app.post('/webhooks/:id/status', {
    config: manage,
    schema: {
      tags, security, summary: 'Turn a subscription off, or back on (its failures forgotten)', params: idParams,
      body: Type.Object({ active: Type.Boolean(), api_key: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      response: { 200: subscriptionSchema, ...errorResponses },
    },
  }, async (request) => {
    const subscription = await mine(request);
    return present(await setSubscriptionActive(db, String(subscription.id), (request.body as { active: boolean }).active, ownerOf(request)));
  });

  app.post('/webhooks/:id/replay', {
    config: manage,
    schema: {
      tags, security, summary: 'Send again one failed or dead-lettered delivery, or every dead-lettered delivery since a time', params: idParams,
      body: Type.Object({ deliveryId: Type.Optional(Type.String({ maxLength: 20 })), since: Type.Optional(Type.String({ maxLength: 40 })), api_key: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      response: { 200: loose({ replayed: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const subscription = await mine(request);
    const body = request.body as { deliveryId?: string; since?: string };
    if ((body.deliveryId === undefined) === (body.since === undefined)) throw invalid('Give either deliveryId (one delivery) or since (every dead-lettered delivery from that time).');
    const which = body.deliveryId !== undefined ? { deliveryId: body.deliveryId } : { since: body.since! };
    return { replayed: await replayDeliveries(db, String(subscription.id), which, ownerOf(request)) };
  });
}
