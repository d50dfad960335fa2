/**
 * The pages of alert subscriptions: the public form (a place found by its name, a channel, a
 * contact, a language; no JavaScript needed), the code and link confirmations, stopping by the
 * link in a message, and a resident's own list at /account/alerts.
 */
import { useTranslator } from '../i18n/i18n.js';
import type { Place } from '../places/places.js';
import { Choices, ErrorSummary, Field, PostForm, type FieldErrors } from '../web/forms.js';
import type { AccountSubscription } from './subscriptions.js';
import { infoIn } from './texts.js';
import type { Alert } from './types.js';

export interface SubscribeForm { q: string; place: string; channel: string; contact: string; language: string }

const languageNames: Record<string, string> = { en: 'English', es: 'Español', ar: 'العربية' };

function PlaceSearch({ action, q, error }: { action: string; q: string; error?: string }) {
  const { t } = useTranslator();
  return (
    <form method="get" action={action} novalidate>
      <Field name="q" label={t('alertSubs.searchLabel')} hint={t('alertSubs.searchHint')} value={q} error={error} autocomplete="street-address" />
      <button type="submit" class="secondary">{t('alertSubs.search')}</button>
    </form>
  );
}

const placeOptions = (places: Place[], areaWord: string) => places.map((p) => ({ value: String(p.id), label: p.kind === 'area' ? `${p.name} (${areaWord})` : p.name }));

export function SubscribePage({ form, places, errors, csrf }: { form: SubscribeForm; places: Place[] | null; errors: FieldErrors; csrf: string }) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('alertSubs.title')}</h1>
      <p>{t('alertSubs.intro')}</p>
      <PlaceSearch action="/alerts/subscribe" q={form.q} error={places !== null && places.length === 0 ? t('alertSubs.noPlaces') : undefined} />
      {places !== null && places.length > 0 && (
        <PostForm action="/alerts/subscribe" csrf={csrf}>
          <input type="hidden" name="q" value={form.q} />
          <Choices name="place" legend={t('alertSubs.place')} options={placeOptions(places, t('alertSubs.placeArea'))} chosen={[form.place || String(places[0]!.id)]} error={errors.place} />
          <Choices name="channel" legend={t('alertSubs.channel')} options={[{ value: 'email', label: t('alertSubs.channelEmail') }, { value: 'sms', label: t('alertSubs.channelSms') }]} chosen={[form.channel || 'email']} error={errors.channel} />
          <Field name="contact" label={t('alertSubs.contact')} hint={t('alertSubs.contactHint')} value={form.contact} error={errors.contact} autocomplete="email" />
          <Choices name="language" legend={t('alertSubs.language')} options={Object.entries(languageNames).map(([value, label]) => ({ value, label }))} chosen={[form.language]} error={errors.language} />
          <button type="submit">{t('alertSubs.submit')}</button>
        </PostForm>
      )}
    </>
  );
}

export function CheckEmailPage() {
  const { t } = useTranslator();
  return <><h1>{t('alertSubs.checkEmailTitle')}</h1><p>{t('alertSubs.checkEmail')}</p></>;
}

export function CodePage({ subscriptionId, csrf, error }: { subscriptionId: number; csrf: string; error?: string }) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={error ? { code: error } : {}} />
      <h1>{t('alertSubs.codeTitle')}</h1>
      <PostForm action="/alerts/subscribe/code" csrf={csrf}>
        <input type="hidden" name="s" value={String(subscriptionId)} />
        <Field name="code" label={t('alertSubs.codeLabel')} hint={t('alertSubs.codeHint')} inputmode="numeric" autocomplete="one-time-code" error={error} />
        <button type="submit">{t('alertSubs.codeSubmit')}</button>
      </PostForm>
    </>
  );
}

/** The page the emailed link opens: one button, so a mail program that opens links to scan them starts nothing. */
export function ConfirmPage({ token, csrf }: { token: string; csrf: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('alertSubs.confirmTitle')}</h1>
      <p>{t('alertSubs.confirmText')}</p>
      <PostForm action="/alerts/subscribe/confirm" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">{t('alertSubs.confirmButton')}</button>
      </PostForm>
    </>
  );
}

export function ResultPage({ result }: { result: 'done' | 'gone' | 'stopped' }) {
  const { t } = useTranslator();
  if (result === 'done') return <><h1>{t('alertSubs.doneTitle')}</h1><p>{t('alertSubs.done')}</p></>;
  if (result === 'stopped') return <><h1>{t('alertSubs.stoppedTitle')}</h1><p>{t('alertSubs.stopped')}</p></>;
  return <><h1>{t('alertSubs.goneTitle')}</h1><p>{t('alertSubs.gone')}</p><p><a href="/alerts/subscribe">{t('alertSubs.askAgain')}</a></p></>;
}

export function StopPage({ action }: { action: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('alertSubs.stopTitle')}</h1>
      <p>{t('alertSubs.stopText')}</p>
      {/* No CSRF token: the address holds a MAC of what it stops (RFC 8058 one-click, like /unsubscribe). */}
      <form method="post" action={action}><button type="submit">{t('alertSubs.stopButton')}</button></form>
    </>
  );
}

export function AccountAlertsPage({ subscriptions, q, places, csrf, added, errors, inForce, language }: {
  subscriptions: AccountSubscription[]; q: string; places: Place[] | null; csrf: string; added: string | null; errors: FieldErrors;
  inForce: Array<{ alert: Alert; places: string[] }>; language: string;
}) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('alertSubs.accountTitle')}</h1>
      {inForce.length > 0 && (
        <section class="alert-list" aria-labelledby="alerts-now">
          <h2 id="alerts-now">{t('alertSubs.accountNow')}</h2>
          <ul>
            {inForce.map(({ alert, places: covered }) => {
              const info = infoIn(alert, language);
              return <li key={alert.id}><a href={`/alerts/${alert.id}`} lang={info.language}>{info.headline}</a> ({t('alertSubs.accountNowPlaces', { places: covered.join(', ') })})</li>;
            })}
          </ul>
        </section>
      )}
      {added && <p role="status">{t('alertSubs.accountAdded', { place: added })}</p>}
      {subscriptions.length === 0 ? <p>{t('alertSubs.accountNone')}</p> : (
        <ul>
          {subscriptions.map((s) => (
            <li key={s.id}>
              {s.placeName} ({languageNames[s.language] ?? s.language})
              <PostForm action={`/account/alerts/${s.id}/stop`} csrf={csrf}>
                <button type="submit" class="secondary">{t('alertSubs.accountStop', { place: s.placeName })}</button>
              </PostForm>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('alertSubs.accountAdd')}</h2>
      <p>{t('alertSubs.accountEmail')}</p>
      <PlaceSearch action="/account/alerts" q={q} error={places !== null && places.length === 0 ? t('alertSubs.noPlaces') : undefined} />
      {places !== null && places.length > 0 && (
        <PostForm action="/account/alerts" csrf={csrf}>
          <Choices name="place" legend={t('alertSubs.place')} options={placeOptions(places, t('alertSubs.placeArea'))} chosen={[String(places[0]!.id)]} error={errors.place} />
          <button type="submit">{t('alertSubs.submit')}</button>
        </PostForm>
      )}
    </>
  );
}
