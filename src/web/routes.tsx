/**
 * The home page and the stylesheet. The home page is a plain starting point until the
 * resident portal arrives; the stylesheet is served from memory with a short public cache.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { publicAccess } from '../platform/access.js';
import { renderPage } from './page.js';

const stylesheet = readFileSync(new URL('./assets/townhall.css', import.meta.url));

export function webRoutes(app: FastifyInstance): void {
  app.get('/assets/townhall.css', { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet));

  app.get('/', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, {
      title: 'Council services',
      body: (
        <>
          <h1>{app.site.council}: council services</h1>
          <p>Report a problem, follow what happens to it, and manage your account.</p>
          <ul>
            <li><a href="/sign-in">Sign in</a> or <a href="/register">create an account</a></li>
            <li><a href="/open311/discovery.json">For developers: the Open311 API</a></li>
          </ul>
        </>
      ),
    }));
}
