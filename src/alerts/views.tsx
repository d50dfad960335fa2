/**
 * The pages of emergency alerts: the public ones in the reader's language (the alerts in force
 * with a map drawn on the server, one alert, the archive) and the staff ones in English (the
 * list, the form for a draft, an alert with its approval).
 */
import type { Bounds } from '../config.js';
import { useTranslator } from '../i18n/i18n.js';
import { formatDate } from '../i18n/case-words.js';
import { languageByCode } from '../i18n/languages.js';
import { boxOfArea, circleToRing, formatCapCircle, formatCapPolygon, type Box } from '../places/geometry.js';
import { formatForPeople } from '../platform/time.js';
import { PostForm, TableWrap } from '../web/forms.js';
import { CELL_LONG_LIMIT, CELL_SHORT_LIMIT, characters, SMS_LIMIT, smsParts, type AlertTexts } from './texts.js';
import { tilesAround, worldPixels } from '../web/static-map.js';
import { infoIn, limits } from './alerts.js';
import type { AlertDeliveryFigures } from './fan-out.js';
import { alertStatuses, categories, certainties, msgTypes, scopes, severities, urgencies, type Alert, type AlertInfo } from './types.js';

export interface MapSettings { tileUrl: string; attribution: string; bounds: Bounds }

const dirOf = (code: string) => languageByCode(code)?.dir ?? 'ltr';

// ---- the server-drawn map of alert areas ----

const MAP_W = 640;
const MAP_H = 400;

/** The areas of the alerts on the tiles, fitted to them (or to the council when there are none). */
export function AlertAreasMap({ alerts, map, label }: { alerts: Alert[]; map: MapSettings; label: string }) {
  const boxes = alerts.map((a) => boxOfArea(a.area)).filter((b): b is Box => b !== null);
  const box = boxes.length ? boxes.reduce((a, b) => ({ minLat: Math.min(a.minLat, b.minLat), minLong: Math.min(a.minLong, b.minLong), maxLat: Math.max(a.maxLat, b.maxLat), maxLong: Math.max(a.maxLong, b.maxLong) })) : map.bounds;
  let zoom = 17;
  for (; zoom > 2; zoom--) {
    const a = worldPixels(box.maxLat, box.minLong, zoom); const b = worldPixels(box.minLat, box.maxLong, zoom);
    if (b.x - a.x <= MAP_W * 0.9 && b.y - a.y <= MAP_H * 0.9) break;
  }
  const centreLat = (box.minLat + box.maxLat) / 2; const centreLong = (box.minLong + box.maxLong) / 2;
  const centre = worldPixels(centreLat, centreLong, zoom);
  const left = centre.x - MAP_W / 2; const top = centre.y - MAP_H / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  const at = (lat: number, long: number) => { const p = worldPixels(lat, long, zoom); return `${round(p.x - left)},${round(p.y - top)}`; };
  const tiles = tilesAround(map.tileUrl, centreLat, centreLong, zoom, MAP_W, MAP_H).map((t) => ({ ...t, x: t.x - left, y: t.y - top }));
  const rings = alerts.flatMap((a) => [...a.area.polygons, ...a.area.circles.map((c) => circleToRing(c))].map((ring, i) => ({ key: `${a.id}-${i}`, ring })));
  return (
    <figure class="static-map">
      <svg viewBox={`0 0 ${MAP_W} ${MAP_H}`} role="img" aria-label={label} focusable="false">
        <rect width={MAP_W} height={MAP_H} fill="#e8e8e8" />
        {tiles.map((t) => <image key={t.href} href={t.href} x={round(t.x)} y={round(t.y)} width={256} height={256} />)}
        {rings.map(({ key, ring }) => (
          <polygon key={key} points={ring.map((p) => at(p.lat, p.long)).join(' ')} fill="#b3261e" fill-opacity="0.25" stroke="#b3261e" stroke-width="3" />
        ))}
      </svg>
      <figcaption class="hint">{map.attribution}</figcaption>
    </figure>
  );
}

// ---- public pages ----

function AlertSummary({ alert, language, timeZone, past }: { alert: Alert; language: string; timeZone: string; past?: boolean }) {
  const { t } = useTranslator();
  const info = infoIn(alert, language);
  return (
    <li class={past ? 'past' : undefined}>
      <h2 lang={info.language} dir={dirOf(info.language)}>
        <a href={`/alerts/${alert.id}`}>{alert.msgType === 'Alert' ? '' : `${t(`alerts.kind.${alert.msgType}`)}: `}{info.headline}</a>
      </h2>
      <dl class="alert-facts">
        <dt>{t('alerts.area')}</dt><dd>{alert.areaDescription}</dd>
        <dt>{t('alerts.until')}</dt><dd>{formatDate(alert.expires, language, timeZone, true)}</dd>
        <dt>{t('alerts.severity')}</dt><dd>{t(`alerts.severity.${info.severity}`)}</dd>
      </dl>
    </li>
  );
}

function Feeds() {
  const { t } = useTranslator();
  return (
    <>
      <h2>{t('alerts.feedsTitle')}</h2>
      <ul>
        <li><a href="/alerts.atom" type="application/atom+xml">{t('alerts.atomLink')}</a></li>
        <li><a href="/alerts.geojson" type="application/geo+json">{t('alerts.geojsonLink')}</a></li>
      </ul>
    </>
  );
}

export function AlertsPage({ alerts, language, timeZone, map }: { alerts: Alert[]; language: string; timeZone: string; map: MapSettings }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('alerts.title')}</h1>
      <p>{t('alerts.intro')}</p>
      {alerts.length === 0 ? <p>{t('alerts.none')}</p> : (
        <>
          <AlertAreasMap alerts={alerts} map={map} label={t('alerts.mapLabel')} />
          <ul class="alert-list">{alerts.map((a) => <AlertSummary key={a.id} alert={a} language={language} timeZone={timeZone} />)}</ul>
        </>
      )}
      <p><a class="button" href="/alerts/subscribe">{t('alertSubs.title')}</a></p>
      <p><a href="/alerts/archive">{t('alerts.archiveLink')}</a></p>
      <Feeds />
    </>
  );
}

export function ArchivePage({ alerts, language, timeZone }: { alerts: Alert[]; language: string; timeZone: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('alerts.archiveTitle')}</h1>
      {alerts.length === 0 ? <p>{t('alerts.archiveNone')}</p>
        : <ul class="alert-list">{alerts.map((a) => <AlertSummary key={a.id} alert={a} language={language} timeZone={timeZone} past />)}</ul>}
      <p><a href="/alerts">{t('alerts.back')}</a></p>
    </>
  );
}

export type AlertState = 'current' | 'expired' | 'cancelled' | 'replaced';

export function AlertPage({ alert, language, timeZone, map, state, latestId }: {
  alert: Alert; language: string; timeZone: string; map: MapSettings; state: AlertState; latestId: number | null;
}) {
  const { t } = useTranslator();
  const info: AlertInfo = infoIn(alert, language);
  return (
    <>
      {info.language !== language && <p class="notice">{t('alerts.inEnglish')}</p>}
      <div lang={info.language} dir={dirOf(info.language)}>
        <p class="caption">{alert.msgType === 'Alert' ? t('alerts.banner.label') : t(`alerts.kind.${alert.msgType}`)}: {info.event}</p>
        <h1>{info.headline}</h1>
      </div>
      {state === 'cancelled' && <p class="notice">{t('alerts.cancelled')}</p>}
      {state === 'expired' && <p class="notice">{t('alerts.expired')}</p>}
      {state === 'replaced' && <p class="notice">{t('alerts.replaced')} {latestId !== null && <a href={`/alerts/${latestId}`}>{t('alerts.latest')}</a>}</p>}
      <dl class="alert-facts">
        <dt>{t('alerts.area')}</dt><dd>{alert.areaDescription}</dd>
        {alert.onset && <><dt>{t('alerts.from')}</dt><dd>{formatDate(alert.onset, language, timeZone, true)}</dd></>}
        <dt>{t('alerts.until')}</dt><dd>{formatDate(alert.expires, language, timeZone, true)}</dd>
        {alert.sent && <><dt>{t('alerts.sent')}</dt><dd>{formatDate(alert.sent, language, timeZone, true)}</dd></>}
        <dt>{t('alerts.severity')}</dt><dd>{t(`alerts.severity.${info.severity}`)}</dd>
      </dl>
      <div lang={info.language} dir={dirOf(info.language)}>
        {info.description.split(/\n+/).map((p, i) => <p key={i}>{p}</p>)}
        {info.instruction && <><h2>{t('alerts.instruction')}</h2>{info.instruction.split(/\n+/).map((p, i) => <p key={i}>{p}</p>)}</>}
        {info.web && <p><a href={info.web}>{t('alerts.web')}</a></p>}
        {info.contact && <p>{t('alerts.contact')}: {info.contact}</p>}
      </div>
      {alert.msgType !== 'Cancel' && <AlertAreasMap alerts={[alert]} map={map} label={`${t('alerts.mapLabel')}: ${alert.areaDescription}`} />}
      {alert.referencesId !== null && <p><a href={`/alerts/${alert.referencesId}`}>{t('alerts.followsLink')}</a></p>}
      <p><a href="/alerts/subscribe">{t('alertSubs.title')}</a></p>
      <p><a href={`/alerts/${alert.id}.cap.xml`} type="application/cap+xml">{t('alerts.capLink')}</a></p>
      <p><a href="/alerts">{t('alerts.back')}</a></p>
    </>
  );
}

// ---- staff pages (English) ----

const stageLabel = (alert: Alert) => alert.stage;

export function StaffAlertList({ alerts, figures, counts, timeZone, mayAuthor }: {
  alerts: Alert[]; figures: Map<number, AlertDeliveryFigures>; counts: Record<string, number>; timeZone: string; mayAuthor: boolean;
}) {
  return (
    <>
      <h1>Emergency alerts</h1>
      <p>{counts.draft ?? 0} waiting for approval · {counts.approved ?? 0} approved · {counts.rejected ?? 0} rejected</p>
      {mayAuthor && <p><a class="button" href="/staff/alerts/new">Draft an alert</a></p>}
      <TableWrap label="Alerts">
        <table>
          <caption class="visually-hidden">Alerts, newest first</caption>
          <thead><tr><th scope="col">No.</th><th scope="col">Headline</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Area</th><th scope="col">Expires</th><th scope="col">Deliveries (queued · sent · failed)</th></tr></thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id}>
                <td><a href={`/staff/alerts/${a.id}`}>{a.id}</a></td>
                <td>{infoIn(a, 'en').headline}</td>
                <td>{a.msgType}{a.referencesId !== null ? ` of ${a.referencesId}` : ''}</td>
                <td>{a.status} · {a.scope}</td>
                <td class={`alert-stage-${a.stage}`}>{stageLabel(a)}</td>
                <td>{a.areaDescription}</td>
                <td>{formatForPeople(a.expires, timeZone)}</td>
                <td>{figures.has(a.id) ? `${figures.get(a.id)!.queued} · ${figures.get(a.id)!.sent} · ${figures.get(a.id)!.failed}` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

/** The form's values as text (what was typed, kept when a problem is shown). */
export interface AlertFormValues {
  msgType: string; status: string; scope: string; referencesId: string; areaPlace: string; areaDescription: string;
  polygons: string; circles: string; onset: string; expires: string;
  categories: string[]; urgency: string; severity: string; certainty: string;
  infos: Record<string, { event: string; headline: string; description: string; instruction: string; web: string; contact: string }>;
}

export const formLanguages = [{ code: 'en', name: 'English' }, { code: 'es', name: 'Spanish (español)' }, { code: 'ar', name: 'Arabic (العربية)' }] as const;

function Select({ name, label, options, value }: { name: string; label: string; options: readonly string[]; value: string }) {
  return (
    <div>
      <label for={name}>{label}</label>
      <select id={name} name={name}>{options.map((o) => <option key={o} value={o} selected={o === value}>{o}</option>)}</select>
    </div>
  );
}

function TextArea({ name, label, value, rows = 3, hint, maxLength, lang, dir }: { name: string; label: string; value: string; rows?: number; hint?: string; maxLength?: number; lang?: string; dir?: 'ltr' | 'rtl' }) {
  return (
    <div>
      <label for={name}>{label}</label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      <textarea id={name} name={name} rows={rows} maxLength={maxLength} aria-describedby={hint ? `${name}-hint` : undefined} lang={lang} dir={dir}>{value}</textarea>
    </div>
  );
}

function Text({ name, label, value, type = 'text', hint, maxLength, lang, dir }: { name: string; label: string; value: string; type?: string; hint?: string; maxLength?: number; lang?: string; dir?: 'ltr' | 'rtl' }) {
  return (
    <div>
      <label for={name}>{label}</label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      <input id={name} name={name} type={type as 'text'} value={value} maxLength={maxLength} aria-describedby={hint ? `${name}-hint` : undefined} lang={lang} dir={dir} />
    </div>
  );
}

export function AlertForm({ action, csrf, values, problems, areas, map, heading }: {
  action: string; csrf: string; values: AlertFormValues; problems: string[]; areas: Array<{ id: number; name: string }>; map: MapSettings; heading: string;
}) {
  const b = map.bounds;
  return (
    <>
      {problems.length > 0 && (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
          <h2 id="error-summary-title">There is a problem</h2>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <h1>{heading}</h1>
      <form method="post" action={action} novalidate class="alert-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="row">
          <Select name="msgType" label="Message type" options={msgTypes} value={values.msgType} />
          <Text name="referencesId" label="Follows alert number" hint="For an Update or Cancel" value={values.referencesId} />
          <Select name="status" label="Status" options={alertStatuses} value={values.status} />
          <Select name="scope" label="Scope" options={scopes} value={values.scope} />
        </div>
        <p class="hint">Only Actual alerts with scope Public reach residents; Exercise, Test, System and Draft never do.</p>
        <fieldset>
          <legend>Area</legend>
          <div class="row">
            <div>
              <label for="areaPlace">A named area</label>
              <select id="areaPlace" name="areaPlace">
                <option value="">None: give a shape below</option>
                {areas.map((a) => <option key={a.id} value={String(a.id)} selected={String(a.id) === values.areaPlace}>{a.name}</option>)}
              </select>
            </div>
            <Text name="areaDescription" label="The area in words" hint="Left empty, the named area's name" value={values.areaDescription} maxLength={limits.areaDescription} />
          </div>
          <TextArea name="polygons" label="Polygons (CAP)" rows={3} value={values.polygons}
            hint='One per line: "lat,long lat,long ...", at least four points, the last the same as the first; or paste a GeoJSON area exported from a GIS. Drawing on the map fills this in.' />
          <button type="button" class="secondary" id="polygons-map-button" hidden>Draw the area on a map</button>
          <div class="map" data-map="draw" data-shape="area" data-format="cap" data-field="polygons" data-map-button="polygons-map-button"
            data-bounds={`${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`} data-tiles={map.tileUrl} data-attribution={map.attribution} tabindex={-1}></div>
          <TextArea name="circles" label="Circles (CAP)" rows={2} value={values.circles} hint='One per line: "lat,long radius", the radius in kilometres.' />
        </fieldset>
        <div class="row">
          <Text name="onset" type="datetime-local" label="Onset (optional)" hint="Council time" value={values.onset} />
          <Text name="expires" type="datetime-local" label="Expires" hint="Council time" value={values.expires} />
        </div>
        <fieldset>
          <legend>What kind of alert</legend>
          <div class="row">
            <div>
              <label for="categories">Categories</label>
              <select id="categories" name="categories" multiple size={4}>{categories.map((c) => <option key={c} value={c} selected={values.categories.includes(c)}>{c}</option>)}</select>
            </div>
            <Select name="urgency" label="Urgency" options={urgencies} value={values.urgency} />
            <Select name="severity" label="Severity" options={severities} value={values.severity} />
            <Select name="certainty" label="Certainty" options={certainties} value={values.certainty} />
          </div>
        </fieldset>
        {formLanguages.map((language) => {
          const v = values.infos[language.code] ?? { event: '', headline: '', description: '', instruction: '', web: '', contact: '' };
          const lang = language.code; const dir = dirOf(lang);
          return (
            <fieldset key={lang} class="language">
              <legend>{language.name}{lang === 'en' ? ' (required)' : ' (left empty, not sent)'}</legend>
              <div class="row">
                <Text name={`${lang}-event`} label="Event" hint='e.g. "Boil water notice"' value={v.event} maxLength={limits.event} lang={lang} dir={dir} />
                <Text name={`${lang}-headline`} label="Headline" value={v.headline} maxLength={limits.headline} lang={lang} dir={dir} />
              </div>
              <TextArea name={`${lang}-description`} label="Description" value={v.description} maxLength={limits.description} lang={lang} dir={dir} />
              <TextArea name={`${lang}-instruction`} label="Instruction (what to do)" value={v.instruction} maxLength={limits.instruction} lang={lang} dir={dir} />
              <div class="row">
                <Text name={`${lang}-web`} label="Web address (optional)" value={v.web} maxLength={limits.web} />
                <Text name={`${lang}-contact`} label="Contact (optional)" value={v.contact} maxLength={limits.contact} lang={lang} dir={dir} />
              </div>
            </fieldset>
          );
        })}
        <button type="submit">Save the draft</button>
      </form>
      {/* Shows the map button and draws on it (the polygons field is the no-script way). */}
      <script src="/assets/map.js" defer></script>
    </>
  );
}

/** The short forms of each language, as subscribers' text messages and a cell-broadcast system take them. */
function ShortTexts({ texts }: { texts: AlertTexts[] }) {
  return (
    <section>
      <h2>Short texts</h2>
      <p class="hint">What a subscriber's text message says, and the two lengths a cell-broadcast system takes, for pasting into other channels.</p>
      <TableWrap label="Short texts">
        <table class="dense">
          <thead><tr><th scope="col">Language</th><th scope="col">Text message (at most {SMS_LIMIT} characters)</th><th scope="col">Cell broadcast (at most {CELL_SHORT_LIMIT})</th><th scope="col">Cell broadcast (at most {CELL_LONG_LIMIT})</th></tr></thead>
          <tbody>
            {texts.map((x) => (
              <tr key={x.language} lang={x.language} dir={dirOf(x.language)}>
                <th scope="row">{x.language}</th>
                <td>{x.sms} <span class="hint">({characters(x.sms)} characters, {smsParts(x.sms) === 1 ? 'one SMS' : `${smsParts(x.sms)} SMS parts`})</span></td>
                <td>{x.cellShort} <span class="hint">({characters(x.cellShort)})</span></td>
                <td>{x.cellLong} <span class="hint">({characters(x.cellLong)})</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

export function StaffAlertPage({ alert, references, followers, figures, timeZone, csrf, viewer, problems, names, texts }: {
  texts: AlertTexts[];
  alert: Alert; references: Alert | null; followers: Array<{ id: number; msg_type: string; stage: string }>; figures: AlertDeliveryFigures;
  timeZone: string; csrf: string; viewer: { userId: number; mayAuthor: boolean }; problems: string[]; names: Map<number, string>;
}) {
  const who = (id: number) => `${names.get(id) ?? `user ${id}`}${id === viewer.userId ? ' (you)' : ''}`;
  const en = infoIn(alert, 'en');
  const mayDecide = viewer.mayAuthor && alert.stage === 'draft' && alert.draftedBy !== viewer.userId;
  // Only the latest approved message of a chain may be followed (alerts.ts refuses the others).
  const followed = followers.some((f) => f.stage === 'approved');
  return (
    <>
      {problems.length > 0 && (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
          <h2 id="error-summary-title">There is a problem</h2>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <p class="caption">Alert {alert.id} · {alert.msgType} · {alert.status} · {alert.scope}</p>
      <h1>{en.headline}</h1>
      <dl class="alert-facts">
        <dt>Stage</dt><dd class={`alert-stage-${alert.stage}`}>{alert.stage}</dd>
        <dt>Identifier</dt><dd><code>{alert.identifier}</code></dd>
        <dt>Drafted by</dt><dd>{who(alert.draftedBy)}</dd>
        {alert.approvedBy !== null && <><dt>Approved by</dt><dd>{who(alert.approvedBy)}{alert.sent ? `, sent ${formatForPeople(alert.sent, timeZone)}` : ''}</dd></>}
        {references && <><dt>Follows</dt><dd><a href={`/staff/alerts/${references.id}`}>Alert {references.id}: {infoIn(references, 'en').headline}</a></dd></>}
        {followers.length > 0 && <><dt>Followed by</dt><dd>{followers.map((f, i) => <span key={f.id}>{i > 0 ? ', ' : ''}<a href={`/staff/alerts/${f.id}`}>{f.msg_type} {f.id}</a> ({f.stage})</span>)}</dd></>}
        <dt>Area</dt><dd>{alert.areaDescription}</dd>
        {alert.area.polygons.map((ring, i) => <><dt key={`p${i}`}>Polygon</dt><dd><code>{formatCapPolygon(ring)}</code></dd></>)}
        {alert.area.circles.map((c, i) => <><dt key={`c${i}`}>Circle</dt><dd><code>{formatCapCircle(c)}</code></dd></>)}
        {alert.onset && <><dt>Onset</dt><dd>{formatForPeople(alert.onset, timeZone)}</dd></>}
        <dt>Expires</dt><dd>{formatForPeople(alert.expires, timeZone)}</dd>
        <dt>Deliveries</dt><dd data-delivery-figures="" data-src={alert.stage === 'approved' ? `/staff/alerts/${alert.id}/deliveries.json` : undefined}>{figures.queued} queued · {figures.sent} sent · {figures.failed} failed</dd>
      </dl>
      {alert.infos.map((info) => (
        <section key={info.language} lang={info.language} dir={dirOf(info.language)} aria-label={`In ${info.language}`}>
          <h2>{info.language}: {info.event}</h2>
          <p><strong>{info.headline}</strong> ({info.categories.join(', ')}; {info.urgency}, {info.severity}, {info.certainty})</p>
          <p>{info.description}</p>
          {info.instruction && <p>{info.instruction}</p>}
        </section>
      ))}
      <p><a href={`/staff/alerts/${alert.id}.cap.xml`}>The CAP message (XML)</a></p>
      <ShortTexts texts={texts} />
      {alert.stage === 'approved' && <script src="/assets/alert-deliveries.js" defer></script>}
      {alert.stage === 'draft' && alert.draftedBy === viewer.userId && (
        <p>Another emergency officer must approve this alert. <a href={`/staff/alerts/${alert.id}/edit`}>Change the draft</a></p>
      )}
      {mayDecide && (
        <div class="row">
          <PostForm action={`/staff/alerts/${alert.id}/approve`} csrf={csrf}><button type="submit">Approve and send</button></PostForm>
          <PostForm action={`/staff/alerts/${alert.id}/reject`} csrf={csrf}>
            <label for="reason">Why it is rejected</label>
            <textarea id="reason" name="reason" rows={2}></textarea>
            <button type="submit" class="secondary">Reject</button>
          </PostForm>
        </div>
      )}
      {viewer.mayAuthor && alert.stage === 'approved' && alert.msgType !== 'Cancel' && !followed && (
        <p>
          <a class="button" href={`/staff/alerts/new?follows=${alert.id}&type=Update`}>Draft an Update</a>{' '}
          <a class="button secondary" href={`/staff/alerts/new?follows=${alert.id}&type=Cancel`}>Draft a Cancel</a>
        </p>
      )}
      <p><a href="/staff/alerts">All alerts</a></p>
    </>
  );
}
