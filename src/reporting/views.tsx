/** The pages of "Report a problem", one question each, in the GOV.UK pattern. */
import type { ComponentChildren } from 'preact';
import { residentAttributes, type Service, type ServiceAttribute } from '../catalogue/types.js';
import type { Bounds, MapConfig } from '../config.js';
import { isolateFor, useTranslator } from '../i18n/i18n.js';
import type { StoredPhoto } from '../media/photos.js';
import type { Place } from '../places/places.js';
import type { NearbyReport } from '../tracking/nearby.js';
import { Choices, describedBy, ErrorSummary, ErrorText, PostForm, type FieldErrors } from '../web/forms.js';
import { StaticMap } from '../web/static-map.js';
import { answerText, fieldName, questionsOf } from './details.js';
import type { DraftData } from './drafts.js';
import { csrfAction } from '../web/csrf.js';

type Typed = Record<string, string | string[]>;

function BackLink({ href }: { href: string }) {
  const { t } = useTranslator();
  return <a class="back-link" href={href}>{t('report.back')}</a>;
}

/** A hidden field that brings the person back to "Check your answers" after a change. */
const FromCheck = ({ on }: { on: boolean }) => (on ? <input type="hidden" name="from" value="check" /> : null);



function TextInput({ id, label, value, error, hint, inputmode, type = 'text', autocomplete, optional }: {
  id: string; label: string; value?: string; error?: string; hint?: string; inputmode?: 'decimal' | 'text' | 'tel' | 'email';
  type?: 'text' | 'email' | 'tel' | 'search'; autocomplete?: string; optional?: boolean;
}) {
  const { t } = useTranslator();
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={id}>{optional ? t('report.optional', { label }) : label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      <ErrorText id={id} error={error} />
      <input id={id} name={id} type={type as 'text'} value={value} inputmode={inputmode} autocomplete={autocomplete}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)} aria-invalid={error ? 'true' : undefined} />
    </div>
  );
}

function TextArea({ id, label, value, error, hint, optional }: { id: string; label: string; value?: string; error?: string; hint?: string; optional?: boolean }) {
  const { t } = useTranslator();
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={id}>{optional ? t('report.optional', { label }) : label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      <ErrorText id={id} error={error} />
      <textarea id={id} name={id} rows={5} aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}>{value}</textarea>
    </div>
  );
}


export function ServicePage({ services, chosen, errors, csrf, fromCheck }: { services: Service[]; chosen?: string; errors: FieldErrors; csrf: string; fromCheck: boolean }) {
  const { t } = useTranslator();
  const groups = new Map<string, Service[]>();
  for (const service of services) groups.set(service.groupName, [...(groups.get(service.groupName) ?? []), service]);
  let first = true;
  return (
    <>
      <BackLink href={fromCheck ? '/report/check' : '/'} />
      <ErrorSummary errors={errors} />
      <h1>{t('report.service.title')}</h1>
      <p>{t('report.service.intro')} <a href="/services">{t('report.service.search')}</a></p>
      <PostForm action="/report/service" csrf={csrf}>
        <FromCheck on={fromCheck} />
        {errors.service && <p class="error-message" id="service-error">{t('form.errorPrefix')} {errors.service}</p>}
        {[...groups].map(([group, list]) => {
          const ids = list.map((service) => {
            const id = first ? 'service' : `service-${service.code}`;
            first = false;
            return id;
          });
          return (
            <fieldset class="choices" key={group} aria-describedby={errors.service ? 'service-error' : undefined}>
              <legend>{group}</legend>
              {list.map((service, index) => (
                <div class="choice" key={service.code}>
                  <input type="radio" id={ids[index]} name="service" value={service.code} checked={service.code === chosen} aria-describedby={`${ids[index]}-hint`} />
                  <label for={ids[index]}>{service.name}</label>
                  <span class="hint" id={`${ids[index]}-hint`}>{service.description}</span>
                </div>
              ))}
            </fieldset>
          );
        })}
        <button type="submit">{t('report.continue')}</button>
      </PostForm>
    </>
  );
}

export interface LocationView {
  draft: DraftData;
  bounds: Bounds;
  map: MapConfig;
  errors: FieldErrors;
  csrf: string;
  fromCheck: boolean;
  query?: string;
  results?: Place[];
  /** The house number searched for when the gazetteer does not list it on that street. */
  numberNotFound?: string | null;
  /** A street or area was chosen: ask for the exact spot. */
  refine?: boolean;
  lat?: string;
  long?: string;
  note?: string;
}

export function LocationPage(view: LocationView) {
  const { t } = useTranslator();
  const { draft, bounds, map, errors, csrf, fromCheck, results, query, numberNotFound, refine } = view;
  const lat = view.lat ?? (draft.lat === undefined ? '' : String(draft.lat));
  const long = view.long ?? (draft.long === undefined ? '' : String(draft.long));
  const note = view.note ?? draft.locationNote ?? '';
  return (
    <>
      <BackLink href={fromCheck ? '/report/check' : '/report/service'} />
      <ErrorSummary errors={errors} />
      <h1>{t('report.location.title')}</h1>
      {refine && draft.placeName ? <p class="notice" role="status">{t('report.location.refine', { place: draft.placeName })}</p>
        : draft.placeName && <p class="notice">{t('report.location.chosen', { place: draft.placeName })}</p>}
      <h2>{t('report.location.searchHeading')}</h2>
      <PostForm action="/report/location/search" csrf={csrf}>
        <FromCheck on={fromCheck} />
        <TextInput id="q" type="search" label={t('report.location.searchLabel')} hint={t('report.location.searchHint')} value={query} error={errors.q} />
        <button type="submit" class="secondary">{t('report.location.searchButton')}</button>
      </PostForm>
      {results && results.length > 0 && numberNotFound && <p class="notice" role="status">{t('report.location.numberNotFound', { number: numberNotFound })}</p>}
      {results && results.length > 0 && (
        <PostForm action="/report/location/place" csrf={csrf}>
          <FromCheck on={fromCheck} />
          <Choices name="place" legend={t('report.location.choosePlace', { query: query ?? '' })} error={errors.place}
            options={results.map((place) => ({ value: String(place.id), label: place.name, hint: t(`report.location.kind.${place.kind}`) }))} chosen={[]} />
          <button type="submit">{t('report.location.usePlace')}</button>
        </PostForm>
      )}
      {results && results.length === 0 && (
        <div class="notice" role="status">
          <p>{t('report.location.noMatch', { query: query ?? '' })}</p>
          <p>{t('report.location.noMatchHelp')}</p>
        </div>
      )}
      <h2>{t('report.location.pointHeading')}</h2>
      <PostForm action="/report/location" csrf={csrf}>
        <FromCheck on={fromCheck} />
        {/* The map picker waits to be asked for on the first visit (its library costs a phone
            seconds, and search or coordinates may be all someone needs); once a street or area is
            chosen, the pin is what is asked for, so the map starts at once. */}
        <div class="map" data-map="pick" data-bounds={`${bounds.minLat},${bounds.minLong},${bounds.maxLat},${bounds.maxLong}`}
          data-tiles={map.tileUrl} data-attribution={map.attribution} data-lat-field="lat" data-long-field="long"
          data-map-button={refine ? undefined : 'pick-map'}></div>
        {refine && draft.placeName && Number.isFinite(Number(lat)) && Number.isFinite(Number(long)) && (
          // Without JavaScript, the chosen place drawn on the server; the map above replaces it.
          <StaticMap lat={Number(lat)} long={Number(long)} tileUrl={map.tileUrl} attribution={map.attribution} zoom={16}
            label={t('report.location.refineMap', { place: draft.placeName })} />
        )}
        {!refine && <button type="button" class="secondary" id="pick-map" hidden>{t('report.location.useMap')}</button>}
        <details class="coordinates" open={Boolean(errors.lat || errors.long || lat || long)}>
          <summary>{t('report.location.coordinates')}</summary>
          <p class="hint">{t('report.location.coordinatesHint')}</p>
          <TextInput id="lat" label={t('report.location.lat')} value={lat} error={errors.lat} inputmode="decimal" />
          <TextInput id="long" label={t('report.location.long')} value={long} error={errors.long} inputmode="decimal" />
        </details>
        <TextArea id="note" label={t('report.location.note')} hint={t('report.location.noteHint')} value={note} error={errors.note} optional />
        <button type="submit">{t('report.continue')}</button>
      </PostForm>
      <script src="/assets/map.js" defer></script>
    </>
  );
}

export function NearbyPage({ reports, csrf, when }: { reports: NearbyReport[]; csrf: string; when: (iso: string) => string }) {
  const { t } = useTranslator();
  return (
    <>
      <BackLink href="/report/location" />
      <h1>{t('report.nearby.title')}</h1>
      <p>{t('report.nearby.intro', { count: reports.length })}</p>
      <ul class="nearby">
        {reports.map((report) => (
          <li key={report.id}>
            <h2><a href={`/requests/${report.id}`}>{report.serviceName}{report.addressString ? <>, <bdi>{report.addressString}</bdi></> : ''}</a></h2>
            {report.description && <p>{report.description}</p>}
            <p class="hint">{t('report.nearby.meta', { when: when(report.requestedAt), distance: report.distance })}</p>
            <PostForm action={`/requests/${report.id}/follow`} csrf={csrf}>
              <button type="submit" class="secondary">{t('report.nearby.same')}<span class="visually-hidden"> ({t('report.nearby.reference', { id: report.id })})</span></button>
            </PostForm>
          </li>
        ))}
      </ul>
      <p><a class="button" href="/report/details">{t('report.nearby.notListed')}</a></p>
    </>
  );
}

function Question({ attribute, typed, error }: { attribute: ServiceAttribute; typed: Typed; error?: string }) {
  const { t } = useTranslator();
  const name = fieldName(attribute.code);
  const value = typeof typed[name] === 'string' ? (typed[name] as string) : '';
  const optional = !attribute.required;
  const hint = attribute.helpText ?? undefined;
  switch (attribute.datatype) {
    case 'string': return <TextInput id={name} label={attribute.description} hint={hint} value={value} error={error} optional={optional} />;
    case 'text': return <TextArea id={name} label={attribute.description} hint={hint} value={value} error={error} optional={optional} />;
    case 'number': return <TextInput id={name} label={attribute.description} hint={hint} value={value} error={error} optional={optional} inputmode="decimal" />;
    case 'datetime': {
      const date = typeof typed[`${name}-date`] === 'string' ? (typed[`${name}-date`] as string) : '';
      const time = typeof typed[`${name}-time`] === 'string' ? (typed[`${name}-time`] as string) : '';
      return (
        <div class={error ? 'field-error' : undefined}>
          <fieldset class="date-time" aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}>
            <legend>{optional ? t('report.optional', { label: attribute.description }) : attribute.description}</legend>
            {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
            <ErrorText id={name} error={error} />
            <div class="date-time-inputs">
              <div>
                <label for={name}>{t('report.details.date')}</label>
                <input id={name} name={`${name}-date`} type="date" value={date} aria-invalid={error ? 'true' : undefined} />
              </div>
              <div>
                <label for={`${name}-time`}>{t('report.details.time')}</label>
                <input id={`${name}-time`} name={`${name}-time`} type="time" value={time} aria-invalid={error ? 'true' : undefined} />
              </div>
            </div>
          </fieldset>
        </div>
      );
    }
    case 'singlevaluelist':
      if (attribute.values.length > 8) {
        return (
          <div class={error ? 'field-error' : undefined}>
            <label for={name}>{optional ? t('report.optional', { label: attribute.description }) : attribute.description}</label>
            {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
            <ErrorText id={name} error={error} />
            <select id={name} name={name} aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}>
              <option value="">{t('report.details.selectOne')}</option>
              {attribute.values.map((v) => <option key={v.key} value={v.key} selected={v.key === value}>{v.name}</option>)}
            </select>
          </div>
        );
      }
      return <Choices name={name} legend={attribute.description} hint={hint} error={error} optional={optional}
        options={attribute.values.map((v) => ({ value: v.key, label: v.name }))} chosen={[value]} />;
    case 'multivaluelist': {
      const chosen = Array.isArray(typed[name]) ? (typed[name] as string[]) : value ? [value] : [];
      return <Choices name={name} legend={attribute.description} hint={hint ?? t('report.details.selectAll')} error={error} optional={optional} multiple
        options={attribute.values.map((v) => ({ value: v.key, label: v.name }))} chosen={chosen} />;
    }
  }
}

export function DetailsPage({ service, typed, description, descriptionRequired, errors, csrf, fromCheck }: {
  service: Service; typed: Typed; description: string; descriptionRequired: boolean; errors: FieldErrors; csrf: string; fromCheck: boolean;
}) {
  const { t } = useTranslator();
  const sorted = residentAttributes(service).sort((a, b) => a.order - b.order);
  return (
    <>
      <BackLink href={fromCheck ? '/report/check' : '/report/location'} />
      <ErrorSummary errors={errors} />
      <span class="caption">{service.name}</span>
      <h1>{t('report.details.title')}</h1>
      <PostForm action="/report/details" csrf={csrf}>
        <FromCheck on={fromCheck} />
        {sorted.map((attribute) => attribute.variable
          ? <Question key={attribute.code} attribute={attribute} typed={typed} error={errors[fieldName(attribute.code)]} />
          : <p key={attribute.code} class="notice">{attribute.description}</p>)}
        <TextArea id="description" label={t('report.details.description')} hint={t('report.details.descriptionHint')} value={description}
          error={errors.description} optional={!descriptionRequired} />
        <button type="submit">{t('report.continue')}</button>
      </PostForm>
    </>
  );
}

export function PhotosPage({ photos, max, errors, csrf, fromCheck }: { photos: StoredPhoto[]; max: number; errors: FieldErrors; csrf: string; fromCheck: boolean }) {
  const { t } = useTranslator();
  return (
    <>
      <BackLink href={fromCheck ? '/report/check' : '/report/details'} />
      <ErrorSummary errors={errors} />
      <h1>{t('report.photos.title')}</h1>
      <p>{t('report.photos.intro', { max })}</p>
      {photos.length > 0 && (
        <ul class="photos">
          {photos.map((photo, index) => (
            <li key={photo.id}>
              <img src={`/media/${photo.id}`} alt={t('report.photos.alt', { number: index + 1 })} width={photo.width} height={photo.height} />
              <PostForm action={`/report/photos/${photo.id}/remove`} csrf={csrf}>
                <FromCheck on={fromCheck} />
                <button type="submit" class="secondary">{t('report.photos.remove')}<span class="visually-hidden"> {t('report.photos.alt', { number: index + 1 })}</span></button>
              </PostForm>
            </li>
          ))}
        </ul>
      )}
      {photos.length < max ? (
        <form method="post" action={csrfAction('/report/photos', csrf)} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <FromCheck on={fromCheck} />
          <div class={errors.photo ? 'field-error' : undefined}>
            <label for="photo">{photos.length === 0 ? t('report.photos.choose') : t('report.photos.chooseAnother')}</label>
            <span class="hint" id="photo-hint">{t('report.photos.hint')}</span>
            <ErrorText id="photo" error={errors.photo} />
            <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/*"
              aria-describedby={describedBy('photo-hint', errors.photo && 'photo-error')} aria-invalid={errors.photo ? 'true' : undefined} />
          </div>
          <button type="submit" class="secondary">{t('report.photos.add')}</button>
        </form>
      ) : (
        <div class={errors.photo ? 'field-error' : undefined}>
          <p class="notice" id="photo" tabindex={-1}>{t('report.photos.full', { max })}</p>
          <ErrorText id="photo" error={errors.photo} />
        </div>
      )}
      <PostForm action="/report/photos/done" csrf={csrf}>
        <FromCheck on={fromCheck} />
        <button type="submit">{photos.length === 0 ? t('report.photos.skip') : t('report.continue')}</button>
      </PostForm>
    </>
  );
}

export function ContactPage({ contact, errors, csrf, fromCheck }: { contact: { name?: string; email?: string; phone?: string }; errors: FieldErrors; csrf: string; fromCheck: boolean }) {
  const { t } = useTranslator();
  return (
    <>
      <BackLink href={fromCheck ? '/report/check' : '/report/photos'} />
      <ErrorSummary errors={errors} />
      <h1>{t('report.contact.title')}</h1>
      <p>{t('report.contact.intro')}</p>
      <p>{t('report.contact.signIn')} <a href="/sign-in?next=%2Freport%2Fcontact">{t('report.contact.signInLink')}</a></p>
      <PostForm action="/report/contact" csrf={csrf}>
        <FromCheck on={fromCheck} />
        <TextInput id="name" label={t('report.contact.name')} value={contact.name} error={errors.name} autocomplete="name" optional />
        <TextInput id="email" type="email" label={t('report.contact.email')} hint={t('report.contact.emailHint')} value={contact.email} error={errors.email}
          autocomplete="email" inputmode="email" optional />
        <TextInput id="phone" type="tel" label={t('report.contact.phone')} value={contact.phone} error={errors.phone} autocomplete="tel" inputmode="tel" optional />
        <button type="submit">{t('report.continue')}</button>
      </PostForm>
    </>
  );
}

export interface CheckView {
  service: Service;
  draft: DraftData;
  photos: StoredPhoto[];
  /** The nearest address to a point marked on the map, when no place was chosen by name. */
  nearest: string | null;
  /** The address confirmation emails go to: the account's, or the one given. */
  email: string | null;
  signedIn: boolean;
  csrf: string;
  timeZone: string;
}

function Row({ label, value, change, changeLabel }: { label: string; value: ComponentChildren; change: string; changeLabel: string }) {
  const { t } = useTranslator();
  return (
    <div class="summary-row">
      <dt>{label}</dt>
      <dd>{value}</dd>
      <dd class="change"><a href={`${change}?from=check`}>{t('report.check.change')}<span class="visually-hidden"> {changeLabel}</span></a></dd>
    </div>
  );
}

export function CheckPage({ service, draft, photos, nearest, email, signedIn, csrf, timeZone }: CheckView) {
  const { t, language } = useTranslator();
  const where = [draft.placeName, draft.locationNote].filter(Boolean).join(' – ');
  // An address, never raw coordinates: the nearest one to a pin, or the pin itself in words
  // (in the page's language, so its direction is left to the text: <bdi> without dir).
  const point = draft.placeName || draft.lat === undefined || draft.long === undefined ? ''
    : nearest ? t('report.check.near', { address: nearest }) : t('report.check.pinOnly');
  const answers = questionsOf(service).filter((a) => draft.attributes?.[a.code] !== undefined);
  const contact = draft.contact ?? {};
  return (
    <>
      <BackLink href={signedIn ? '/report/photos' : '/report/contact'} />
      <h1>{t('report.check.title')}</h1>
      <dl class="summary check">
        <Row label={t('report.check.service')} value={service.name} change="/report/service" changeLabel={t('report.check.service')} />
        <Row label={t('report.check.location')} value={<>{where && <bdi class="block">{where}</bdi>}{point && <bdi class="block">{point}</bdi>}</>}
          change="/report/location" changeLabel={t('report.check.location')} />
        {answers.map((a) => (
          <Row key={a.code} label={a.description} value={<bdi>{answerText(a, draft.attributes![a.code]!, timeZone)}</bdi>} change="/report/details" changeLabel={a.description} />
        ))}
        <Row label={t('report.check.description')} value={draft.description || t('report.check.none')} change="/report/details" changeLabel={t('report.check.description')} />
        <Row label={t('report.check.photos')} value={<>
          <span class="block">{t('report.check.photoCount', { count: photos.length })}</span>
          {photos.length > 0 && (
            <ul class="check-photos">
              {photos.map((photo, index) => <li key={photo.id}><img src={`/media/${photo.id}`} alt={t('report.check.photoAlt', { number: index + 1 })} width={80} height={80} /></li>)}
            </ul>
          )}
        </>} change="/report/photos" changeLabel={t('report.check.photos')} />
        {signedIn
          ? <div class="summary-row"><dt>{t('report.check.contact')}</dt><dd>{t('report.check.account', { email: isolateFor(language, email ?? '') })}</dd><dd class="change"></dd></div>
          : <Row label={t('report.check.contact')} value={[contact.name, contact.email, contact.phone].some(Boolean)
            ? [contact.name, contact.email, contact.phone].filter(Boolean).map((part, i) => <span key={i}>{i > 0 && ', '}<bdi>{part}</bdi></span>) : t('report.check.noContact')}
            change="/report/contact" changeLabel={t('report.check.contact')} />}
      </dl>
      <h2>{t('report.check.sendHeading')}</h2>
      <p>{t('report.check.sendText')}</p>
      <PostForm action="/report/check" csrf={csrf}>
        <button type="submit">{t('report.check.send')}</button>
      </PostForm>
    </>
  );
}

export function DonePage({ id, emailSent, trackUrl, notice }: { id: string; emailSent: boolean; trackUrl: string; notice: string | null }) {
  const { t } = useTranslator();
  return (
    <>
      <div class="panel">
        <h1>{t('report.done.title')}</h1>
        <p>{t('report.done.reference')}<br /><strong class="reference">{id}</strong></p>
      </div>
      <p>{emailSent ? t('report.done.emailSent') : t('report.done.noEmail')}</p>
      <h2>{t('report.done.nextHeading')}</h2>
      {notice && <p>{notice}</p>}
      <p>{t('report.done.next')}</p>
      <p><a href={trackUrl}>{t('report.done.track')}</a></p>
      <p><a href="/report/new">{t('report.done.another')}</a></p>
    </>
  );
}

export function StartAgainPage({ sent }: { sent: boolean }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{sent ? t('report.startAgain.sentTitle') : t('report.startAgain.title')}</h1>
      <p>{sent ? t('report.startAgain.sentText') : t('report.startAgain.text')}</p>
      <p><a class="button" href="/report/new">{t('report.startAgain.button')}</a></p>
    </>
  );
}

/**
 * "Report a problem" pressed again while a report is being written: continue it, or start a new
 * one (which deletes it, so that is a form, never a link a prefetcher could follow).
 */
export function ResumePage({ continueHref, serviceName, start, csrf }: {
  continueHref: string; serviceName: string | null; start: { service?: string; lat?: string; long?: string }; csrf: string;
}) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('report.resume.title')}</h1>
      <p>{t('report.resume.text')}{serviceName ? ` (${serviceName})` : ''}</p>
      <p><a class="button" href={continueHref}>{t('report.resume.continue')}</a></p>
      <form method="post" action="/report/new">
        <input type="hidden" name="_csrf" value={csrf} />
        {start.service && <input type="hidden" name="service" value={start.service} />}
        {start.lat && <input type="hidden" name="lat" value={start.lat} />}
        {start.long && <input type="hidden" name="long" value={start.long} />}
        <p class="hint">{t('report.resume.warning')}</p>
        <button type="submit" class="secondary">{t('report.resume.start')}</button>
      </form>
    </>
  );
}
