/**
 * The frame of every server-rendered page, and the one function that sends a page. Pages are
 * preact components rendered to a string: text is escaped by default. No inline script or
 * style (the CSP forbids them); pages work without JavaScript.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { isStaff, type Role } from '../identity/roles.js';
import { csrfToken } from './csrf.js';

export interface Site {
  council: string;
  /** Served over https: cookies are Secure and __Host- prefixed. */
  secure: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    site: Site;
  }
}

export interface PageOptions {
  title: string;
  body: ComponentChildren;
  status?: number;
  /** Tables of cases and users need more room than a form. */
  wide?: boolean;
  /** Public information that a shared cache may keep; everything else is no-store. */
  cacheable?: boolean;
}

const adminRoles: readonly Role[] = ['system_admin', 'department_admin'];

export function renderPage(request: FastifyRequest, reply: FastifyReply, options: PageOptions): FastifyReply {
  const site = request.server.site;
  const person = request.person;
  const token = csrfToken(request, reply, site.secure);
  const page: VNode = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${options.title} - ${site.council}`}</title>
        <link rel="stylesheet" href="/assets/townhall.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        <header class="site-header">
          <a class="council" href="/">{site.council}</a>
          <nav aria-label="Your account">
            <ul>
              {person && person.secondFactorDone && isStaff(person.role) && <li><a href="/staff">Staff workspace</a></li>}
              {person && person.secondFactorDone && adminRoles.includes(person.role) && <li><a href="/admin">Administration</a></li>}
              {person && person.secondFactorDone && <li><a href="/account">Your account</a></li>}
              {person ? (
                <li>
                  <form method="post" action="/sign-out">
                    <input type="hidden" name="_csrf" value={token} />
                    <button type="submit" class="link-button">Sign out</button>
                  </form>
                </li>
              ) : <li><a href="/sign-in">Sign in</a></li>}
            </ul>
          </nav>
        </header>
        <main id="main" class={options.wide ? 'wide' : undefined}>{options.body}</main>
        <footer>{site.council}, powered by Townhall</footer>
      </body>
    </html>
  );
  return reply
    .code(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', options.cacheable ? 'public, max-age=300' : 'no-store')
    .send(`<!doctype html>${render(page)}`);
}

/** Whether the caller is a browser that wants a page rather than JSON or XML. */
export const wantsPage = (request: FastifyRequest) =>
  (request.headers.accept ?? '').includes('text/html') && !request.url.startsWith('/open311') && !request.url.split('?')[0]!.endsWith('.json');
