/**
 * Routes of alert subscriptions: the public form `/alerts/subscribe` (the place found by a GET
 * search, so it works without JavaScript), the emailed link's page and the texted code's page,
 * the link in every alert message that stops it, and a resident's `/account/alerts`. Thin: the
 * rules are in subscriptions.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { publicAccess, signedIn } from '../identity/access.js';
import { accountOf } from '../identity/users.js';
import { translate } from '../i18n/i18n.js';
import { findPlaces, getPlace, type Place } from '../places/places.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { perMinute } from '../platform/rate-limit.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import {
  alertsOverAccountPlaces, confirmByCode, confirmByLink, endAccountSubscription, linkUsable, listAccountSubscriptions, placeToWatch, readUnsubscribeToken, requestSubscription,
  subscribeAccount, subscriptionChannels, subscriptionLanguages, unsubscribeByToken, type SubscriptionChannel,
} from './subscriptions.js';
import { alertsInForce } from './banner.js';
import { AccountAlertsPage, CheckEmailPage, CodePage, ConfirmPage, ResultPage, StopPage, SubscribePage, type SubscribeForm } from './subscription-views.js';

const residents = { access: signedIn(['resident']) };

export async function subscriptionRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const sender = { publicUrl: config.publicUrl, council: config.jurisdiction.name };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  const asking = { access: publicAccess, rateLimit: perMinute(config.signInRateLimit) };

  const search = async (q: string): Promise<Place[] | null> => (q.trim() === '' ? null : (await findPlaces(db, jurisdictionId, q.slice(0, 200), { kinds: ['address', 'area'], limit: 10 })).places);
  const placeOf = async (value: string) => {
    const id = parseId(value);
    return id === null ? undefined : getPlace(db, jurisdictionId, id);
  };

  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'alert subscription requests rate-limited'),
    });

    scope.get('/alerts/subscribe', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
      const { t, language } = translate(request);
      const q = formText(request.query, 'q');
      const form: SubscribeForm = { q, place: '', channel: '', contact: '', language: language.code };
      return renderPage(request, reply, { title: t('alertSubs.title'), body: <SubscribePage form={form} places={await search(q)} errors={{}} csrf={csrf(request, reply)} /> });
    });

    scope.post('/alerts/subscribe', { config: asking, schema: { hide: true } }, async (request, reply) => {
      const { t, known } = translate(request);
      const body = request.body;
      const form: SubscribeForm = {
        q: formText(body, 'q'), place: formText(body, 'place'), channel: formText(body, 'channel'), contact: formText(body, 'contact').slice(0, 320), language: formText(body, 'language'),
      };
      const errors: Record<string, string> = {};
      const place = await placeOf(form.place);
      if (!place) errors.place = t('alertSubs.choosePlace');
      if (!(subscriptionChannels as readonly string[]).includes(form.channel)) errors.channel = t('alertSubs.channel');
      if (!(subscriptionLanguages as readonly string[]).includes(form.language)) errors.language = t('alertSubs.language');
      const again = (status: number) => renderPage(request, reply, { title: t('alertSubs.title'), status, body: <SubscribePage form={form} places={null} errors={errors} csrf={csrf(request, reply)} /> });
      const withPlaces = async (status: number) => renderPage(request, reply, { title: t('alertSubs.title'), status, body: <SubscribePage form={form} places={await search(form.q) ?? (place ? [place] : [])} errors={errors} csrf={csrf(request, reply)} /> });
      if (Object.keys(errors).length > 0) return place || form.q ? withPlaces(400) : again(400);
      let answer;
      try {
        answer = await requestSubscription(db, keyring, sender, {
          jurisdictionId, place: placeToWatch(place!), channel: form.channel as SubscriptionChannel, contact: form.contact, language: form.language, client: request.ip,
        });
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
        errors[/too large/.test(error.message) ? 'place' : 'contact'] = known(error.message);
        return withPlaces(400);
      }
      if (answer.next === 'too_many') return renderPage(request, reply, { title: t('error.title.429'), status: 429, body: <><h1>{t('error.title.429')}</h1><p>{t('alertSubs.tooMany')}</p></> });
      if (answer.next === 'enter_code') return reply.redirect(`/alerts/subscribe/code?s=${answer.subscriptionId}`, 303);
      return renderPage(request, reply, { title: t('alertSubs.checkEmailTitle'), body: <CheckEmailPage /> });
    });

    scope.get('/alerts/subscribe/code', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
      const id = parseId(formText(request.query, 's'));
      const { t } = translate(request);
      if (id === null) return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 404, body: <ResultPage result="gone" /> });
      return renderPage(request, reply, { title: t('alertSubs.codeTitle'), body: <CodePage subscriptionId={id} csrf={csrf(request, reply)} /> });
    });

    scope.post('/alerts/subscribe/code', { config: asking, schema: { hide: true } }, async (request, reply) => {
      const { t } = translate(request);
      const id = parseId(formText(request.body, 's'));
      const result = id === null ? 'gone' : await confirmByCode(db, id, formText(request.body, 'code').slice(0, 20));
      if (result === 'wrong') return renderPage(request, reply, { title: t('alertSubs.codeTitle'), status: 400, body: <CodePage subscriptionId={id!} csrf={csrf(request, reply)} error={t('alertSubs.codeWrong')} /> });
      if (result === 'gone') return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 400, body: <ResultPage result="gone" /> });
      return renderPage(request, reply, { title: t('alertSubs.doneTitle'), body: <ResultPage result="done" /> });
    });

    // The emailed link: its page shows one button (a GET changes nothing); the button's POST confirms.
    scope.get('/alerts/subscribe/confirm', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
      const { t } = translate(request);
      const token = formText(request.query, 'token').slice(0, 300);
      if (!await linkUsable(db, token)) return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 400, body: <ResultPage result="gone" /> });
      return renderPage(request, reply, { title: t('alertSubs.confirmTitle'), body: <ConfirmPage token={token} csrf={csrf(request, reply)} /> });
    });
    scope.post('/alerts/subscribe/confirm', { config: asking, schema: { hide: true } }, async (request, reply) => {
      const { t } = translate(request);
      const result = await confirmByLink(db, formText(request.body, 'token').slice(0, 300));
      if (result === 'gone') return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 400, body: <ResultPage result="gone" /> });
      return renderPage(request, reply, { title: t('alertSubs.doneTitle'), body: <ResultPage result="done" /> });
    });
  });

  // The link in every alert message. Mail programs POST it themselves (RFC 8058 one-click): no
  // cookie, no CSRF token; the MAC in the address is the proof, and it can only stop alerts.
  const stopTarget = (request: FastifyRequest) => readUnsubscribeToken(keyring, (request.params as { token: string }).token);
  app.get('/alerts/unsubscribe/:token', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t } = translate(request);
    if (stopTarget(request) === null) return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 404, body: <ResultPage result="gone" /> });
    return renderPage(request, reply, { title: t('alertSubs.stopTitle'), body: <StopPage action={request.url.split('?')[0]!} /> });
  });
  const oneClick = { access: publicAccess, csrfExempt: 'RFC 8058 one-click unsubscribe from alerts: the address holds a MAC of the subscription it stops' };
  app.post('/alerts/unsubscribe/:token', { config: oneClick, schema: { hide: true } }, async (request, reply) => {
    const { t } = translate(request);
    if (!await unsubscribeByToken(db, keyring, (request.params as { token: string }).token)) return renderPage(request, reply, { title: t('alertSubs.goneTitle'), status: 404, body: <ResultPage result="gone" /> });
    return renderPage(request, reply, { title: t('alertSubs.stoppedTitle'), body: <ResultPage result="stopped" /> });
  });

  // A resident's own alerts: to the account's (verified) email address.
  const accountPage = async (request: FastifyRequest, reply: FastifyReply, options: { status?: number; added?: string | null; errors?: Record<string, string>; q?: string } = {}) => {
    const { t } = translate(request);
    const q = options.q ?? formText(request.query, 'q');
    const subscriptions = await listAccountSubscriptions(db, jurisdictionId, request.person!.userId);
    return renderPage(request, reply, {
      title: t('alertSubs.accountTitle'), status: options.status,
      body: <AccountAlertsPage subscriptions={subscriptions} q={q} places={await search(q)} csrf={csrf(request, reply)} added={options.added ?? null} errors={options.errors ?? {}}
        inForce={await alertsOverAccountPlaces(db, jurisdictionId, request.person!.userId, await alertsInForce(db))} language={translate(request).language.code} />,
    });
  };
  app.get('/account/alerts', { config: residents, schema: { hide: true } }, async (request, reply) => accountPage(request, reply));
  app.post('/account/alerts', { config: residents, schema: { hide: true } }, async (request, reply) => {
    const { t, known, language } = translate(request);
    const place = await placeOf(formText(request.body, 'place'));
    if (!place) return accountPage(request, reply, { status: 400, errors: { place: t('alertSubs.choosePlace') } });
    const account = await accountOf(db, keyring, request.person!.userId);
    try {
      await subscribeAccount(db, keyring, { jurisdictionId, userId: account.id, email: account.email, place: placeToWatch(place), language: language.code });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return accountPage(request, reply, { status: 400, errors: { place: known(error.message) } });
    }
    return accountPage(request, reply, { added: place.name, q: '' });
  });
  app.post('/account/alerts/:id/stop', { config: residents, schema: { hide: true } }, async (request, reply) => {
    const id = parseId((request.params as { id: string }).id);
    if (id !== null) await endAccountSubscription(db, request.person!.userId, id);
    return reply.redirect('/account/alerts', 303);
  });
}
