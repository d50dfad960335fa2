/** The home page: where residents start. (The resident portal fills it out.) */
import type { FastifyInstance } from 'fastify';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../platform/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { renderPage } from './page.js';

export async function homePage(app: FastifyInstance, _deps: RouteDeps): Promise<void> {
  app.get('/', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { t, rich } = translate(request);
    return renderPage(request, reply, {
      title: t('home.title'),
      body: (
        <>
          <h1>{t('home.heading', { council: app.site.council })}</h1>
          <p>{t('home.intro')}</p>
          <ul>
            <li>{rich('home.signIn', { signIn: (c) => <a href="/sign-in">{c}</a>, register: (c) => <a href="/register">{c}</a> })}</li>
            <li><a href="/open311/discovery.json" hreflang="en">{t('home.developers')}</a></li>
          </ul>
        </>
      ),
    });
  });
}
