/**
 * The home page and the stylesheet. The home page is a plain starting point until the
 * resident portal arrives; the stylesheet is served from memory with a short public cache.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { rememberChoice, translate } from '../i18n/i18n.js';
import { publicAccess } from '../platform/access.js';
import { renderPage } from './page.js';

const stylesheet = readFileSync(new URL('./assets/townhall.css', import.meta.url));

export function webRoutes(app: FastifyInstance): void {
  // A language chosen by link is remembered even when the page answers with a redirect
  // (signed in, /sign-in?lang=ar goes to the account page). See rememberChoice.
  app.addHook('onRequest', (request, reply, done) => {
    rememberChoice(request, reply);
    done();
  });
  app.get('/assets/townhall.css', { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet));

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
