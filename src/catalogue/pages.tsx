/**
 * The catalogue for residents: browse services by group, search them (with the information
 * pages) forgiving typing mistakes, and a page per service saying what it asks and how long it
 * usually takes, with a button to start a report.
 */
import type { FastifyInstance } from 'fastify';
import { translate, type Translator } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { renderErrorPage } from '../web/error-page.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { listServices } from './catalogue.js';
import { localizeService, wordsInEveryLanguage } from './localize.js';
import * as store from './store.js';
import { search, type Searchable } from './search.js';
import { typicalTime } from './usage.js';
import { firstSentence, SearchForm, SearchResults, serviceUrl, ServiceDetails, ServicesByGroup, type SearchHit } from './views.js';

/** Longer queries are cut: nobody types a paragraph into a search box, and it bounds the work. */
const MAX_QUERY = 100;

/** The site's own pages a search can find, in the reader's language. */
export function informationPages(t: Translator['t']): Array<Searchable & { url: string }> {
  const page = (url: string, name: string, keywords: string, description: string) =>
    ({ url, name, keywords: keywords.split(',').map((k) => k.trim()), description });
  return [
    page('/accessibility', t('info.accessibilityTitle'), t('info.accessibilityKeywords'), t('info.accessibilitySummary')),
    page('/privacy', t('info.privacyTitle'), t('info.privacyKeywords'), t('info.privacySummary')),
    page('/', t('home.title'), t('catalogue.homeKeywords'), t('home.intro')),
    page('/reports', t('catalogue.reportsPage'), t('catalogue.reportsKeywords'), t('catalogue.reportsSummary')),
  ];
}

export async function cataloguePages(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;

  app.get('/services', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    // An old bookmark or a hand-typed /services?q=... searches.
    const q = formText(request.query, 'q').trim();
    if (q !== '') return reply.redirect(`/search?q=${encodeURIComponent(q.slice(0, MAX_QUERY))}`, 303);
    const { t, language } = translate(request);
    const services = (await listServices(db, jurisdictionId)).map((s) => localizeService(s, language.code));
    return renderPage(request, reply, {
      title: t('catalogue.servicesTitle'),
      body: (
        <>
          <h1>{t('catalogue.servicesTitle')}</h1>
          <p>{t('catalogue.servicesIntro')}</p>
          <SearchForm id="services-q" />
          {services.length === 0 ? <p>{t('catalogue.noServices')}</p> : <ServicesByGroup services={services} />}
        </>
      ),
    });
  });

  app.get('/search', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t, language } = translate(request);
    const query = formText(request.query, 'q').trim().slice(0, MAX_QUERY);
    let hits: SearchHit[] = [];
    if (query !== '') {
      // Found by its words in the reader's language first, and by its names and keywords in every
      // other language the council offers (a resident may know the word in one language only).
      const services = (await listServices(db, jurisdictionId)).map((s) => {
        const shown = localizeService(s, language.code);
        return { ...shown, keywords: [...shown.keywords, ...wordsInEveryLanguage(s)], group: shown.groupName };
      });
      const serviceHits = search(query, services).map(({ item, score }) => ({
        score, hit: { title: item.name, url: serviceUrl(item.code), summary: firstSentence(item.description), group: item.groupName },
      }));
      const pageHits = search(query, informationPages(t)).map(({ item, score }) => ({
        score, hit: { title: item.name, url: item.url, summary: item.description },
      }));
      // Services first when equally good: they are what most people come for.
      hits = [...serviceHits, ...pageHits].sort((a, b) => b.score - a.score).map((h) => h.hit);
    }
    const title = query === '' ? t('catalogue.searchTitle') : t('catalogue.searchTitleFor', { query });
    return renderPage(request, reply, {
      title,
      body: (
        <>
          <h1>{t('catalogue.searchTitle')}</h1>
          <SearchForm query={query} />
          {query === '' ? <p>{t('catalogue.searchEmpty')}</p> : <SearchResults query={query} hits={hits} />}
        </>
      ),
    });
  });

  app.get('/services/:code', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t, language } = translate(request);
    const { code } = request.params as { code: string };
    // Inactive services too: an old link says the service no longer takes reports.
    const [found] = await store.selectServices(db, jurisdictionId, { code });
    const service = found && localizeService(found, language.code);
    if (!service) return renderErrorPage(request, reply, 404, t('catalogue.unknownService'));
    const typical = await typicalTime(db, jurisdictionId, service);
    return renderPage(request, reply, {
      title: service.name,
      body: <ServiceDetails service={service} typical={typical} />,
    });
  });
}
