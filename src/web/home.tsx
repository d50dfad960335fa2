/**
 * The home page: where residents start. A search box, the services people use most, reporting
 * and recent reports, the council's contact details, and room for emergency alerts.
 */
import type { FastifyInstance } from 'fastify';
import type { Branding } from '../config.js';
import { listServices } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import { mostUsedServices } from '../catalogue/usage.js';
import { SearchForm, serviceUrl } from '../catalogue/views.js';
import { translate, useTranslator } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { brandingRoutes } from './branding.js';
import { renderPage } from './page.js';

/** An emergency alert as the home page shows it. */
export interface Alert {
  title: string;
  text: string;
  /** Where to read more, if anywhere. */
  url?: string;
}

/**
 * EXTENSION POINT for emergency alerts: the home page passes the active alerts here (none yet;
 * emergency officers will publish them in a later issue). Renders nothing when there are none.
 */
export function ActiveAlerts({ alerts }: { alerts: readonly Alert[] }) {
  const { t } = useTranslator();
  if (alerts.length === 0) return null;
  return (
    <section class="alerts" aria-label={t('home.alertsLabel')}>
      {alerts.map((alert, i) => (
        <div class="alert" key={i}>
          <h2>{alert.title}</h2>
          <p>{alert.text}</p>
          {alert.url && <p><a href={alert.url}>{t('home.alertMore')}</a></p>}
        </div>
      ))}
    </section>
  );
}

/** The council's contact details: only those it has configured; nothing when none are. */
export function Contact({ contact, headed = true }: { contact: Branding['contact']; headed?: boolean }) {
  const { t } = useTranslator();
  const { phone, email, address, hours } = contact;
  if (!phone && !email && !address && !hours) return null;
  return (
    <section aria-labelledby={headed ? 'contact' : undefined}>
      {headed && <h2 id="contact">{t('home.contactHeading')}</h2>}
      <dl class="summary contact">
        {phone && <><dt>{t('home.contactPhone')}</dt><dd><a href={`tel:${phone.replace(/[^\d+]/g, '')}`} dir="ltr">{phone}</a></dd></>}
        {email && <><dt>{t('home.contactEmail')}</dt><dd><a href={`mailto:${email}`} dir="ltr">{email}</a></dd></>}
        {address && <><dt>{t('home.contactAddress')}</dt><dd class="address">{address}</dd></>}
        {hours && <><dt>{t('home.contactHours')}</dt><dd>{hours}</dd></>}
      </dl>
    </section>
  );
}

export async function homePage(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  brandingRoutes(app, config.branding);
  app.get('/', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t, rich, language } = translate(request);
    const popular = (await mostUsedServices(db, config.jurisdiction.id, await listServices(db, config.jurisdiction.id))).map((s) => localizeService(s, language.code));
    // Filled when emergency alerts are built; until then there are none.
    const alerts: Alert[] = [];
    return renderPage(request, reply, {
      title: t('home.title'),
      body: (
        <>
          <h1>{t('home.heading', { council: app.site.council })}</h1>
          <ActiveAlerts alerts={alerts} />
          <p>{t('home.intro')}</p>
          <SearchForm id="home-q" />

          <section aria-labelledby="report">
            <h2 id="report">{t('home.reportHeading')}</h2>
            <p><a class="button" href="/report/new">{t('home.reportButton')}</a></p>
            <p><a href="/reports">{t('home.recentReports')}</a></p>
          </section>

          {popular.length > 0 && (
            <section aria-labelledby="popular">
              <h2 id="popular">{t('home.popularHeading')}</h2>
              <ul class="service-list popular">
                {popular.map((s) => <li key={s.code}><a href={serviceUrl(s.code)}>{s.name}</a></li>)}
              </ul>
            </section>
          )}
          <p><a href="/services">{t('home.browseAll')}</a></p>
          <p><a href="/apply">{t('applications.list.title')}</a></p>

          <Contact contact={request.server.site.branding.contact} />

          <ul class="home-more">
            {!request.person && <li>{rich('home.signIn', { signIn: (c) => <a href="/sign-in">{c}</a>, register: (c) => <a href="/register">{c}</a> })}</li>}
            <li><a href="/open311/discovery.json" hreflang="en">{t('home.developers')}</a></li>
          </ul>
        </>
      ),
    });
  });
}
