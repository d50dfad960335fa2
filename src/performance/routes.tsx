/**
 * The public performance pages: /performance (the council) and /performance/{service_code},
 * in the reader's language, without script. The figures come from figures.ts, kept a few
 * minutes; "You said, we did" is read per page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { servicesInLanguage } from '../catalogue/catalogue.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { renderErrorPage } from '../web/error-page.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { publishedFigures } from './figures.js';
import { closedReports, MAX_UPDATES_PAGES } from './updates.js';
import { CouncilPerformance, ServicePerformance } from './views.js';
import { wordsFor } from './words.js';

const route = { config: { access: publicAccess }, schema: { hide: true } };

export async function performanceRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdiction = { id: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone };
  const shownFor = (request: FastifyRequest) => ({ language: translate(request).language.code, timeZone: config.jurisdiction.timeZone, council: config.jurisdiction.name });

  /** The page of "You said, we did" asked for: 1 when not given; null (after answering 400) when it is not a page number. */
  const pageOf = (request: FastifyRequest, reply: FastifyReply): number | null => {
    const text = formText(request.query, 'page');
    if (text === '') return 1;
    const page = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (page >= 1 && page <= MAX_UPDATES_PAGES) return page;
    renderErrorPage(request, reply, 400, wordsFor(translate(request).language.code)('badPage', { max: MAX_UPDATES_PAGES }));
    return null;
  };

  app.get('/performance', route, async (request, reply) => {
    const page = pageOf(request, reply);
    if (page === null) return reply;
    const shown = shownFor(request);
    const figures = await publishedFigures(db, jurisdiction);
    const names = await servicesInLanguage(db, jurisdiction.id, shown.language);
    // The services people reported in the period, by name.
    const services = [...figures.byService.keys()]
      .map((code) => ({ code, name: names.get(code)?.name ?? code }))
      .sort((a, b) => a.name.localeCompare(b.name, shown.language));
    return renderPage(request, reply, {
      title: wordsFor(shown.language)('councilTitle'), cacheable: true,
      body: <CouncilPerformance shown={shown} figures={figures} services={services} page={await closedReports(db, jurisdiction.id, null, page)} />,
    });
  });

  app.get('/performance/:code', route, async (request, reply) => {
    const shown = shownFor(request);
    const w = wordsFor(shown.language);
    const { code } = request.params as { code: string };
    const found = (await servicesInLanguage(db, jurisdiction.id, shown.language)).get(code);
    if (!found) return renderErrorPage(request, reply, 404, w('unknownService'));
    const page = pageOf(request, reply);
    if (page === null) return reply;
    const figures = await publishedFigures(db, jurisdiction);
    const service = { code: found.code, name: found.name };
    return renderPage(request, reply, {
      title: w('serviceTitle', { service: service.name }), cacheable: true,
      body: <ServicePerformance shown={shown} figures={figures} service={service} page={await closedReports(db, jurisdiction.id, service.code, page)} />,
    });
  });
}
