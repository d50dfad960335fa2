/**
 * The accessibility statement and the privacy notice, in plain words and in every language,
 * linked from the footer of every page.
 */
import type { FastifyInstance } from 'fastify';
import { listServices } from '../catalogue/catalogue.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { Contact } from './home.js';
import { renderPage } from './page.js';

export async function infoPages(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const council = config.jurisdiction.name;
  const contact = config.branding.contact;
  const hasContact = Object.values(contact).some((v) => v);

  app.get('/accessibility', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t } = translate(request);
    return renderPage(request, reply, {
      title: t('info.accessibilityTitle'),
      body: (
        <>
          <h1>{t('info.accessibilityTitle')}</h1>
          <p>{t('info.a11yIntro', { council })}</p>
          <h2>{t('info.a11yStandardHeading')}</h2>
          <p>{t('info.a11yStandard')}</p>
          <h2>{t('info.a11yTestingHeading')}</h2>
          <p>{t('info.a11yTesting1')}</p>
          <p>{t('info.a11yTesting2')}</p>
          <h2>{t('info.a11yLimitsHeading')}</h2>
          <ul>
            <li>{t('info.a11yLimitMap')}</li>
            <li>{t('info.a11yLimitContent')}</li>
            <li>{t('info.a11yLimitStaff')}</li>
          </ul>
          <h2>{t('info.a11yReportHeading')}</h2>
          <p>{t('info.a11yReport')}</p>
          {hasContact ? <Contact contact={contact} headed={false} /> : <p>{t('info.noContact')}</p>}
          <h2>{t('info.a11yEnforcementHeading')}</h2>
          <p>{t('info.a11yEnforcement')}</p>
        </>
      ),
    });
  });

  app.get('/privacy', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t, rich } = translate(request);
    const services = await listServices(db, config.jurisdiction.id);
    return renderPage(request, reply, {
      title: t('info.privacyTitle'),
      body: (
        <>
          <h1>{t('info.privacyTitle')}</h1>
          <p>{t('info.privacyIntro', { council })}</p>
          <h2>{t('info.pReportHeading')}</h2>
          <p>{t('info.pReportPublic')}</p>
          <p>{t('info.pReportContact')}</p>
          <p>{t('info.pReportPhotos')}</p>
          <h2>{t('info.pRetentionHeading')}</h2>
          <p>{t('info.pRetention')}</p>
          {services.length > 0 && (
            <ul class="retention">
              {services.map((s) => (
                <li key={s.code}>{s.retentionDays === null
                  ? t('info.pRetentionUntilErased', { service: s.name })
                  : t('info.pRetentionDays', { service: s.name, count: s.retentionDays })}</li>
              ))}
            </ul>
          )}
          <h2>{t('info.pAccountHeading')}</h2>
          <p>{t('info.pAccount')}</p>
          <h2>{t('info.pRightsHeading')}</h2>
          <ul>
            <li>{rich('info.pRightsDownload', { link: (c) => <a href="/account">{c}</a> })}</li>
            <li>{rich('info.pRightsDelete', { link: (c) => <a href="/account/close">{c}</a> })}</li>
            <li>{t('info.pRightsAsk')}</li>
          </ul>
          <h2>{t('info.pCookiesHeading')}</h2>
          <p>{t('info.pCookiesIntro')}</p>
          <ul>
            <li>{t('info.pCookieSession')}</li>
            <li>{t('info.pCookieCsrf')}</li>
            <li>{t('info.pCookieLanguage')}</li>
            <li>{t('info.pCookieReport')}</li>
          </ul>
          <h2>{t('info.pTrackingHeading')}</h2>
          <p>{t('info.pTracking')}</p>
          <h2>{t('info.pContactHeading')}</h2>
          {hasContact ? <Contact contact={contact} headed={false} /> : <p>{t('info.noContact')}</p>}
        </>
      ),
    });
  });
}
