/**
 * The public open-data page: what the council publishes, on what terms, and how to get it, in
 * plain words and every language of the portal. The download form is a plain GET form (no
 * JavaScript): /open-data/download sends the browser on to the file it describes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Service } from '../catalogue/types.js';
import { translate } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages/en.js';
import type { Place } from '../places/places.js';
import { Choices } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { licenceOf, PERFORMANCE_DATASET, REQUESTS_DATASET, type Dataset } from './catalog.js';
import type { OpenDataSettings } from './settings.js';

const frequencyWords: Record<OpenDataSettings['frequency'], MessageKey> = {
  'R/PT1H': 'openData.freqHourly', 'R/P1D': 'openData.freqDaily', 'R/P1W': 'openData.freqWeekly', 'R/P1M': 'openData.freqMonthly', irregular: 'openData.freqIrregular',
};

export interface OpenDataPage { settings: OpenDataSettings; datasets: Dataset[]; areas: Place[]; services: Service[] }

export function openDataPage(request: FastifyRequest, reply: FastifyReply, page: OpenDataPage) {
  const { t, rich } = translate(request);
  const council = request.server.site.council;
  const { settings } = page;
  const licence = licenceOf(settings);
  const titleOf = (d: Dataset) => t(d.name === REQUESTS_DATASET ? 'openData.requestsTitle' : d.name === PERFORMANCE_DATASET ? 'openData.performanceTitle' : 'openData.servicesTitle');
  const textOf = (d: Dataset) => t(d.name === REQUESTS_DATASET ? 'openData.requestsText' : d.name === PERFORMANCE_DATASET ? 'openData.performanceText' : 'openData.servicesText');
  return renderPage(request, reply, {
    title: t('openData.title'),
    cacheable: true,
    body: (
      <>
        <h1>{t('openData.title')}</h1>
        <p>{t('openData.intro', { council })}</p>
        <p>{t('openData.privacy')}</p>
        <p>{t(settings.freeText === 'withhold' ? 'openData.textWithheld' : 'openData.textScreened')}</p>
        {settings.coordinateDecimals !== null && <p>{t('openData.rounded', { places: settings.coordinateDecimals })}</p>}
        <p>{rich('openData.licence', { name: licence.title, link: (c) => <a href={licence.url} rel="license">{c}</a> })}</p>
        <p>{t('openData.updated', { frequency: t(frequencyWords[settings.frequency]) })}</p>

        <h2>{t('openData.datasetsHeading')}</h2>
        {page.datasets.map((d) => (
          <section key={d.name} aria-labelledby={`dataset-${d.name}`}>
            <h3 id={`dataset-${d.name}`}>{titleOf(d)}</h3>
            <p>{textOf(d)}</p>
            <ul>
              {d.resources.map((r) => <li key={r.id}><a href={r.path}>{t('openData.as', { dataset: titleOf(d), format: r.format })}</a></li>)}
            </ul>
          </section>
        ))}

        <h2 id="choose">{t('openData.chooseHeading')}</h2>
        <form method="get" action="/open-data/download" class="open-data-form">
          <div>
            <label for="from">{t('openData.from')}</label>
            <span class="hint" id="from-hint">{t('openData.dateHint')}</span>
            <input id="from" name="from" type="date" aria-describedby="from-hint" />
          </div>
          <div>
            <label for="to">{t('openData.to')}</label>
            <span class="hint" id="to-hint">{t('openData.dateHint')}</span>
            <input id="to" name="to" type="date" aria-describedby="to-hint" />
          </div>
          <div>
            <label for="service">{t('openData.service')}</label>
            <select id="service" name="service">
              <option value="">{t('openData.anyService')}</option>
              {page.services.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}
            </select>
          </div>
          {page.areas.length > 0 && (
            <div>
              <label for="area">{t('openData.area')}</label>
              <select id="area" name="area">
                <option value="">{t('openData.anyArea')}</option>
                {page.areas.map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
              </select>
            </div>
          )}
          <Choices name="format" legend={t('openData.format')} chosen={['csv']}
            options={[{ value: 'csv', label: 'CSV' }, { value: 'json', label: 'JSON' }, { value: 'geojson', label: 'GeoJSON' }]} />
          <div class="checkbox">
            <input type="checkbox" id="profile" name="profile" value="nyc311" />
            <label for="profile">{t('openData.nyc')}</label>
          </div>
          <button type="submit">{t('openData.submit')}</button>
        </form>

        <h2>{t('openData.developersHeading')}</h2>
        <p>{rich('openData.developers', {
          dcatus: (c) => <a href="/data.json">{c}</a>,
          dcatap: (c) => <a href="/catalog.jsonld">{c}</a>,
          ckan: (c) => <a href="/api/3/action/package_list">{c}</a>,
        })}</p>
        <p>{t('openData.contact', { contact: settings.contactEmail ? `${settings.contactName} (${settings.contactEmail})` : settings.contactName })}</p>
      </>
    ),
  });
}
