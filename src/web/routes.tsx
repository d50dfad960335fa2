/**
 * The stylesheet, and the language hook every page relies on. The stylesheet is served from
 * memory with a short public cache.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { rememberChoice } from '../i18n/i18n.js';
import { publicAccess } from '../platform/access.js';

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
}
