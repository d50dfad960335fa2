/**
 * The frame of every server-rendered page, and the one function that sends a page. Pages are
 * preact components rendered to a string: text is escaped by default. No inline script or
 * style (the CSP forbids them); pages work without JavaScript. The page is in the request's
 * language (src/i18n): `lang` and `dir` on <html>, and a language switcher on every page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import type { Branding, MapConfig } from '../config.js';
import { render } from 'preact-render-to-string';
import { isStaff, type Role } from '../identity/roles.js';
import { english, languages, type Language } from '../i18n/languages.js';
import { isolateFor, rememberChoice, translate, translator, TranslatorContext } from '../i18n/i18n.js';
import { csrfToken } from './csrf.js';

export interface Site {
  council: string;
  /** Served over https: cookies are Secure and __Host- prefixed. */
  secure: boolean;
  branding: Branding;
  map: MapConfig;
}

/**
 * An emergency alert shown at the top of every page while it is in force. The alerts module sets
 * `request.pageBanners` for each page request (this kit knows nothing of alerts); a page about a
 * place (a report's page) passes `place`, and only the alerts that cover it are shown.
 */
export interface PageBanner {
  href: string;
  headline: string;
  /** The language of the headline (it may fall back to English). */
  lang: string;
  dir: 'ltr' | 'rtl';
  covers: (place: { lat: number; long: number }) => boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    site: Site;
  }
  interface FastifyRequest {
    pageBanners?: PageBanner[];
  }
}

export interface PageOptions {
  title: string;
  body: ComponentChildren;
  status?: number;
  /** Tables of cases and users need more room than a form. */
  wide?: boolean;
  /** Public information the browser may keep for a few minutes; everything else is no-store. */
  cacheable?: boolean;
  /**
   * The body is in English whatever the page's language: staff and administration tools are
   * not translated yet. The frame stays in the person's language; the body is marked lang="en",
   * and the language switcher is not offered (it would change only the frame).
   */
  englishOnly?: boolean;
  /** A staff page that is translated (staff analytics): the staff layout (staff.css) with the person's language and switcher. */
  staffLayout?: boolean;
  /** Where the page's subject is (a report's point): the alert banner shows only alerts covering it. */
  place?: { lat: number; long: number } | null;
}

/** The alert banner's place on the page; always there when banners are on, so live updates can fill it. */
function AlertBanner({ banners, place, label, more }: { banners: PageBanner[]; place: { lat: number; long: number } | null | undefined; label: string; more: string }) {
  const shown = place ? banners.filter((banner) => banner.covers(place)) : banners;
  return (
    <div data-alert-banner="" aria-live="polite">
      {shown.length > 0 && (
        <section class="alert-banner" aria-label={label}>
          <ul>
            {shown.map((banner) => (
              <li key={banner.href}>
                <strong>{label}:</strong> <span lang={banner.lang} dir={banner.dir}>{banner.headline}</span> <a href={banner.href}>{more}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** The same address in another language: the path and its query, with `lang` set. */
function addressIn(request: FastifyRequest, language: Language): string {
  const url = new URL(request.url, 'http://townhall.invalid');
  // A page answering a form (POST /sign-out...) may have no GET of its own: offer the home page.
  const path = request.method === 'GET' || request.server.hasRoute({ method: 'GET', url: request.routeOptions.url ?? '' }) ? url.pathname : '/';
  const query = path === url.pathname ? url.searchParams : new URLSearchParams();
  query.set('lang', language.code);
  return `${path}?${query.toString()}`;
}

/** Links to this page in every other language, each named in its own language (WCAG 3.1.2). */
function LanguageSwitcher({ request, current, label }: { request: FastifyRequest; current: Language; label: string }) {
  return (
    <nav class="languages" aria-label={label}>
      <ul>
        {languages.map((language) => (
          <li key={language.code}>
            {language.code === current.code
              ? <span aria-current="true" lang={language.code} dir={language.dir}>{language.name}</span>
              : <a href={addressIn(request, language)} hreflang={language.code} lang={language.code} dir={language.dir}>{language.name}</a>}
          </li>
        ))}
      </ul>
    </nav>
  );
}

const adminRoles: readonly Role[] = ['system_admin', 'department_admin'];

export function renderPage(request: FastifyRequest, reply: FastifyReply, options: PageOptions): FastifyReply {
  const site = request.server.site;
  const person = request.person;
  // Only the sign-out form needs a token here; a guest's page sets no cookie unless it has a form.
  const token = person ? csrfToken(request, reply, site.secure) : '';
  rememberChoice(request, reply);
  const tr = translate(request);
  const { t, language } = tr;
  const body = options.englishOnly ? translator(english) : tr;
  const page: VNode = (
    <html lang={language.code} dir={language.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${options.title} - ${site.council}`}</title>
        <link rel="stylesheet" href="/assets/townhall.css" />
        {/* No favicon request: the browser would otherwise ask for /favicon.ico on every visit. */}
        <link rel="icon" href="data:," />
        {/* Staff and administration tools: the denser layout of a work console. */}
        {(options.englishOnly || options.staffLayout) && <link rel="stylesheet" href="/assets/staff.css" />}
        {site.branding.colour && <link rel="stylesheet" href="/branding/theme.css" />}
        <script src="/assets/offline.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">{t('frame.skipLink')}</a>
        <header class="site-header">
          <a class="council" href="/">{site.branding.logoFile ? <img class="logo" src="/branding/logo" alt={site.council} /> : site.council}</a>
          <nav aria-label={t('frame.accountNav')}>
            <ul>
              {person && person.secondFactorDone && isStaff(person.role) && <li><a href="/staff">{t('frame.staff')}</a></li>}
              {person && person.secondFactorDone && adminRoles.includes(person.role) && <li><a href="/admin">{t('frame.admin')}</a></li>}
              {person && person.secondFactorDone && <li><a href="/account">{t('frame.account')}</a></li>}
              {person ? (
                <li>
                  <form method="post" action="/sign-out">
                    <input type="hidden" name="_csrf" value={token} />
                    <button type="submit" class="link-button">{t('frame.signOut')}</button>
                  </form>
                </li>
              ) : <li><a href="/sign-in">{t('frame.signIn')}</a></li>}
            </ul>
          </nav>
          {/* Staff and administration pages are in English only: no switcher offering what they cannot give. */}
          {!options.englishOnly && <LanguageSwitcher request={request} current={language} label={t('frame.languageNav')} />}
        </header>
        {request.pageBanners && <AlertBanner banners={request.pageBanners} place={options.place} label={t('alerts.banner.label')} more={t('alerts.banner.more')} />}
        <main id="main" class={options.wide ? 'wide' : undefined} lang={options.englishOnly && language !== english ? 'en' : undefined}
          dir={options.englishOnly && language.dir !== 'ltr' ? 'ltr' : undefined}>
          <TranslatorContext.Provider value={body}>{options.body}</TranslatorContext.Provider>
        </main>
        <footer>
          <ul class="footer-links">
            <li><a href="/accessibility">{t('info.accessibilityLink')}</a></li>
            <li><a href="/privacy">{t('info.privacyLink')}</a></li>
            <li><a href="/performance">{t('info.performanceLink')}</a></li>
            <li><a href="/open-data">{t('openData.link')}</a></li>
            <li><a href="/alerts">{t('alerts.footerLink')}</a></li>
          </ul>
          <p>{t('frame.footer', { council: isolateFor(language, site.council) })}</p>
        </footer>
      </body>
    </html>
  );
  return reply
    .code(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    // Private even when cacheable: a page may carry this browser's CSRF token in a form.
    .header('cache-control', options.cacheable ? 'private, max-age=300' : 'no-store')
    .header('vary', 'Accept-Language, Cookie')
    .header('content-language', language.code)
    .send(`<!doctype html>${render(page)}`);
}

/** Whether the caller is a browser that wants a page rather than JSON or XML. */
export const wantsPage = (request: FastifyRequest) =>
  (request.headers.accept ?? '').includes('text/html') && !request.url.startsWith('/open311') && !request.url.split('?')[0]!.endsWith('.json');
