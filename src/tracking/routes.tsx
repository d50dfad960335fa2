/**
 * Following reports: each report's public page with its live updates, following and
 * unfollowing it, the public list and map of reports, and a resident's own reports and email
 * choices. Public pages never show personal data: no reporter, no internal notes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { listServices, withServiceText } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import { isStaff } from '../identity/roles.js';
import { translate } from '../i18n/i18n.js';
import { listAreas, nearestAddress, type Place } from '../places/places.js';
import { publicAccess, signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { memoFor } from '../platform/memo.js';
import { caseHistory, caseStatus, countServiceRequests, getServiceRequest, searchServiceRequests, type RequestSearch } from '../cases/queries.js';
import type { ServiceRequest } from '../cases/types.js';
import { csrfToken } from '../web/csrf.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { follow } from '../cases/followers.js';
import { accountCases, followReason, unfollow } from './followers.js';
import { accountOf } from '../identity/users.js';
import { closeEventStreams, eventStreamsFor, refusedStream } from '../live/streams.js';
import { openCaseStream } from './live.js';
import { saveNotificationChoices, showNotificationChoices } from '../notifications/preferences-routes.js';
import { AccountCasesPage, GuestCheckEmailPage, GuestConfirmPage, GuestFollowResultPage, ReportsPage, TrackPage, type GuestFollowForm, type Photo, type ReportFilters, type Viewer } from './views.js';
import { confirmGuestFollow, GuestEmailProblem, guestLinkState, requestGuestFollow } from '../cases/guest-followers.js';
import { perMinute } from '../platform/rate-limit.js';
import { statusWords } from '../i18n/case-words.js';

export const PAGE_SIZE = 25;
const round6 = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
export const MAP_LIMIT = 500;
/** How long /reports keeps the services and areas its filters offer. */
export const FILTERS_CACHE_MS = 3 * 60_000;
const residents = { access: signedIn(['resident']) };
const open = { access: publicAccess };

export async function trackingRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const timeZone = config.jurisdiction.timeZone;
  const streams = eventStreamsFor(db);
  // End the streams before the server waits for its connections to close, or it would wait forever.
  app.addHook('preClose', (done) => {
    closeEventStreams(db);
    done();
  });
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  // The filters' services and areas change rarely: read at most once every few minutes (per
  // process), not on every view of /reports and every map request.
  const servicesForFilters = memoFor(FILTERS_CACHE_MS, () => listServices(db, jurisdictionId, { includeInactive: true }));
  const areasForFilters = memoFor(FILTERS_CACHE_MS, () => listAreas(db, jurisdictionId));

  /** A report by the id in the address; an id that is not a report is a 404 page (in the page's language). */
  const reportOf = async (request: FastifyRequest) => {
    const report = await getServiceRequest(db, jurisdictionId, (request.params as { id: string }).id).catch((error: unknown) => {
      throw error instanceof DomainError && error.kind === 'not_found'
        ? notFound('If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.') : error;
    });
    // The service named in the reader's language.
    const [shown] = await withServiceText(db, jurisdictionId, translate(request).language.code, [report]);
    return shown!;
  };

  /** Photos on this site are shown; anything else is a link (its host is not ours to embed). */
  const photosOf = (report: ServiceRequest): Photo[] => {
    const site = new URL(config.publicUrl);
    return report.mediaUrls.flatMap((text) => {
      try {
        const url = new URL(text, site);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') return [];
        const onThisSite = url.origin === site.origin && /^\/media\/[\w-]+$/.test(url.pathname);
        return [{ url: onThisSite ? url.pathname : url.toString(), onThisSite }];
      } catch {
        return [];
      }
    });
  };

  /** The public page of a report; a guest's "follow by email" form comes back here with what was wrong. */
  const showReport = async (request: FastifyRequest, reply: FastifyReply, guestForm?: GuestFollowForm) => {
    const report = await reportOf(request);
    const person = request.person;
    const viewer: Viewer = !person ? 'guest' : isStaff(person.role) ? 'staff' : 'resident';
    const reason = person && viewer === 'resident' ? await followReason(db, Number(report.id), person.userId) : null;
    const history = (await caseHistory(db, Number(report.id))).filter((entry) => entry.public);
    // Where it is in words: the nearest address in the gazetteer to the report's point.
    const near = report.lat !== null && report.long !== null
      ? await nearestAddress(db, jurisdictionId, { lat: report.lat, long: report.long }).catch((error: unknown) => {
        request.log.warn({ err: error }, 'the nearest address could not be looked up');
        return null;
      }) : null;
    const { t } = translate(request);
    const query = request.query as Record<string, unknown>;
    const notices = [
      ...(query.followed === '1' && reason ? [t('track.following')] : []),
      ...(query.unfollowed === '1' && !reason ? [t('track.unfollowed')] : []),
    ];
    const title = t('track.title', { id: report.id, service: report.serviceName });
    return renderPage(request, reply, {
      title: guestForm?.error ? t('report.errorTitle', { title }) : title,
      status: guestForm?.error ? 400 : 200,
      // Anyone's view is the same public page, so it may be cached a little (privately: a guest's
      // form carries this browser's CSRF token); a signed-in view is theirs.
      cacheable: !person && !guestForm,
      // The alert banner shows only the alerts whose area covers the report.
      place: report.lat !== null && report.long !== null ? { lat: report.lat, long: report.long } : null,
      body: <TrackPage report={report} history={history} photos={photosOf(report)} viewer={viewer} reason={reason}
        // A guest's token only where there is a form to carry it (an open report).
        csrf={person || report.status !== 'closed' ? csrf(request, reply) : ''} notices={notices} timeZone={timeZone}
        nearest={near ? { name: near.place.name, metres: near.metres } : null} map={app.site.map} guestForm={guestForm} />,
    });
  };
  app.get('/requests/:id', { config: open, schema: { hide: true } }, async (request, reply) => showReport(request, reply));

  // "This is my problem too" without an account: the address gets a link, and follows once it is
  // used. A scope of its own for the per-client limit (the plugin counts only where it is registered).
  const followAsking = { access: publicAccess, rateLimit: perMinute(config.signInRateLimit) };
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'requests to follow by email rate-limited'),
    });
    scope.post('/requests/:id/follow-by-email', { config: followAsking, schema: { hide: true } }, async (request, reply) => {
      const report = await reportOf(request);
      // Signed-in people follow with their account (the page shows them its button).
      if (request.person) return reply.redirect(`/requests/${report.id}`, 303);
      const email = formText(request.body, 'email').trim().slice(0, 320);
      const { t, known, language } = translate(request);
      let answer;
      try {
        answer = await requestGuestFollow(db, keyring, { publicUrl: config.publicUrl, council: config.jurisdiction.name },
          { jurisdictionId, caseId: Number(report.id), email, language: language.code, client: request.ip });
      } catch (error) {
        if (error instanceof GuestEmailProblem) return showReport(request, reply, { email, error: known(error.field) });
        throw error;
      }
      if (answer === 'too_many') {
        return renderPage(request, reply, { title: t('error.title.429'), status: 429, body: <><h1>{t('error.title.429')}</h1><p>{t('known.tooMany')}</p><p><a href={`/requests/${report.id}`}>{t('track.back')}</a></p></> });
      }
      return renderPage(request, reply, { title: t('checkEmail.title'), body: <GuestCheckEmailPage reportId={report.id} email={email} /> });
    });

    // The link in the confirmation email: its page shows one button (a GET changes nothing, so a
    // mail program that opens links to scan them follows nothing); the button's POST confirms.
    const tokenOf = (source: unknown) => formText(source, 'token').slice(0, 300);
    const linkAnswer = (request: FastifyRequest, reply: FastifyReply, state: Awaited<ReturnType<typeof guestLinkState>>, justNow: boolean) => {
      const { t } = translate(request);
      if (state.state === 'gone') return renderPage(request, reply, { title: t('linkGone.title'), status: 400, body: <GuestFollowResultPage result="gone" reportId={null} /> });
      const reportId = String(state.caseId);
      if (state.state === 'closed') return renderPage(request, reply, { title: t('guestFollow.closedTitle'), status: 409, body: <GuestFollowResultPage result="closed" reportId={reportId} /> });
      const result = justNow && state.state === 'usable' ? 'following' : 'already';
      return renderPage(request, reply, { title: t(result === 'following' ? 'guestFollow.doneTitle' : 'guestFollow.alreadyTitle'), body: <GuestFollowResultPage result={result} reportId={reportId} /> });
    };
    scope.get('/follow/confirm', { config: open, schema: { hide: true } }, async (request, reply) => {
      const token = tokenOf(request.query);
      const state = await guestLinkState(db, token);
      if (state.state !== 'usable') return linkAnswer(request, reply, state, false);
      return renderPage(request, reply, { title: translate(request).t('guestFollow.confirmTitle'), body: <GuestConfirmPage reportId={String(state.caseId)} csrf={csrf(request, reply)} token={token} /> });
    });
    scope.post('/follow/confirm', { config: followAsking, schema: { hide: true } }, async (request, reply) =>
      linkAnswer(request, reply, await confirmGuestFollow(db, tokenOf(request.body)), true));
  });

  app.get('/requests/:id/events', { config: open, schema: { hide: true } }, async (request, reply) => {
    // Where the hub is before the report is read: events published meanwhile are replayed.
    const position = streams.hub.position;
    // Only what the stream needs (many browsers connect at once after a restart); training
    // cases live in another jurisdiction and are never found here.
    const id = parseId((request.params as { id: string }).id);
    const report = id !== null ? await caseStatus(db, jurisdictionId, id) : undefined;
    if (!report) throw notFound('If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.');
    if (refusedStream(streams, request, reply)) return reply;
    reply.hijack();
    // `since`: the page's own version, so a page shown from a cache hears at once that it is out of date.
    await openCaseStream(streams, request.raw, reply.raw, {
      caseId: Number(report.id), current: { status: report.status, state: report.state, updatedAt: report.updatedAt },
      position, since: formText(request.query, 'since') || undefined, client: request.ip,
    });
  });

  /** Following needs a resident's account; guests sign in first, staff work cases elsewhere. */
  const changeFollowing = (start: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const report = await reportOf(request);
    const person = request.person;
    if (!person || !person.secondFactorDone) return reply.redirect(`/sign-in?next=${encodeURIComponent(`/requests/${report.id}`)}`, 303);
    const { t } = translate(request);
    if (isStaff(person.role)) {
      return renderPage(request, reply, {
        title: t('error.title.403'), status: 403,
        body: <><h1>{t('error.title.403')}</h1><p>{t('track.staffCannotFollow')}</p><p><a href={`/requests/${report.id}`}>{t('track.back')}</a></p></>,
      });
    }
    if (start) await follow(db, Number(report.id), person.userId, 'follower');
    // A reporter is never unfollowed (see unfollow): they are not told they were.
    else if (!await unfollow(db, Number(report.id), person.userId)) {
      return reply.redirect(formText(request.body, 'return') === 'account' ? '/account/requests' : `/requests/${report.id}`, 303);
    }
    if (!start && formText(request.body, 'return') === 'account') return reply.redirect(`/account/requests?unfollowed=${report.id}`, 303);
    return reply.redirect(`/requests/${report.id}?${start ? 'followed' : 'unfollowed'}=1`, 303);
  };
  app.post('/requests/:id/follow', { config: open, schema: { hide: true } }, changeFollowing(true));
  app.post('/requests/:id/unfollow', { config: open, schema: { hide: true } }, changeFollowing(false));

  /** The filters in the address, checked: a value we do not know is dropped, with a notice. */
  async function readFilters(request: FastifyRequest) {
    const query = request.query as Record<string, unknown>;
    const { t } = translate(request);
    const services = await servicesForFilters();
    let areas: Place[] | null;
    try {
      areas = await areasForFilters();
    } catch (error) {
      request.log.warn({ err: error }, 'areas unavailable: the public reports page shows no area filter');
      areas = null;
    }
    const ignored: string[] = [];
    const service = formText(query, 'service');
    const status = formText(query, 'status');
    const area = formText(query, 'area');
    const pageText = formText(query, 'page');
    const filters: ReportFilters = { service: '', status: 'all', area: '' };
    if (service && services.some((s) => s.code === service)) filters.service = service;
    else if (service) ignored.push(t('reports.service'));
    if (status === 'open' || status === 'closed' || status === 'all') filters.status = status;
    else if (status) ignored.push(t('reports.status'));
    const place = areas?.find((a) => String(a.id) === area);
    if (place?.bounds) filters.area = area;
    else if (area) ignored.push(t('reports.area'));
    let page = 1;
    if (/^\d{1,6}$/.test(pageText) && Number(pageText) >= 1) page = Number(pageText);
    else if (pageText) ignored.push(t('reports.page'));
    const search: Omit<RequestSearch, 'limit' | 'offset'> = {
      ...(filters.service ? { serviceCodes: [filters.service] } : {}),
      ...(filters.status !== 'all' ? { statuses: [filters.status] } : {}),
      ...(place?.bounds && filters.area ? { within: place.bounds } : {}),
    };
    const notices = ignored.length > 0 ? [t('reports.ignored', { filters: ignored.join(', ') })] : [];
    return { filters, search, page, notices, services, areas };
  }

  const addressOf = (path: string, filters: ReportFilters, page?: number) => {
    const query = new URLSearchParams();
    if (filters.service) query.set('service', filters.service);
    if (filters.status !== 'all') query.set('status', filters.status);
    if (filters.area) query.set('area', filters.area);
    if (page && page > 1) query.set('page', String(page));
    const text = query.toString();
    return text ? `${path}?${text}` : path;
  };

  app.get('/reports', { config: open, schema: { hide: true } }, async (request, reply) => {
    const { filters, search, page: asked, notices, services, areas } = await readFilters(request);
    const { t } = translate(request);
    const total = await countServiceRequests(db, jurisdictionId, search);
    const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const page = Math.min(asked, lastPage);
    if (asked > lastPage) notices.push(t('reports.lastPage', { page: lastPage }));
    const reports = await withServiceText(db, jurisdictionId, translate(request).language.code,
      await searchServiceRequests(db, jurisdictionId, { ...search, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }));
    // Reports marked only on a map are listed by their nearest address (from this process's index of places).
    const nearest = new Map<string, string>();
    for (const r of reports) {
      if (r.addressString || r.lat === null || r.long === null) continue;
      const near = await nearestAddress(db, jurisdictionId, { lat: r.lat, long: r.long }).catch(() => null);
      if (near) nearest.set(r.id, near.place.name);
    }
    // The map's points, drawn on the server: the same reports /reports.geojson gives the interactive map.
    const located = await searchServiceRequests(db, jurisdictionId, { ...search, located: true, limit: MAP_LIMIT, offset: 0 });
    const points = located.map((r) => ({ lat: r.lat!, long: r.long!, open: r.status !== 'closed' }));
    return renderPage(request, reply, {
      title: page > 1 ? t('reports.titlePage', { page }) : t('reports.title'), wide: true, cacheable: !request.person,
      body: <ReportsPage reports={reports} nearest={nearest} total={total} page={page} pageSize={PAGE_SIZE} filters={filters} notices={notices} timeZone={timeZone}
        services={services.map((s) => ({ code: s.code, name: localizeService(s, translate(request).language.code).name }))} areas={areas?.filter((a) => a.bounds).map((a) => ({ id: a.id, name: a.name })) ?? null}
        links={{ previous: page > 1 ? addressOf('/reports', filters, page - 1) : null, next: page < lastPage ? addressOf('/reports', filters, page + 1) : null }}
        map={{ pointsUrl: addressOf('/reports.geojson', filters), tiles: app.site.map.tileUrl, attribution: app.site.map.attribution, points }} />,
    });
  });

  app.get('/reports.geojson', { config: open, schema: { hide: true } }, async (request, reply) => {
    const { search } = await readFilters(request);
    const translator = translate(request);
    const reports = await withServiceText(db, jurisdictionId, translator.language.code,
      await searchServiceRequests(db, jurisdictionId, { ...search, located: true, limit: MAP_LIMIT, offset: 0 }));
    return reply.header('content-type', 'application/geo+json; charset=utf-8').header('cache-control', 'public, max-age=60').header('vary', 'Accept-Language, Cookie')
      .send({
        type: 'FeatureCollection',
        features: reports.map((r) => ({
          type: 'Feature',
          // Six decimals (about 10 cm) are more than a report's point means; longer numbers only weigh.
          geometry: { type: 'Point', coordinates: [round6(r.long!), round6(r.lat!)] },
          properties: {
            id: r.id,
            title: r.addressString ? `${r.serviceName}: ${r.addressString}` : r.serviceName,
            status: statusWords(translator, r.status, r.state),
            url: `/requests/${r.id}`,
            // For the marker's colour and shape (the words above are in the reader's language).
            open: r.status !== 'closed',
          },
        })),
      });
  });

  app.get('/account/requests', { config: residents, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const { t, language } = translate(request);
    const account = await accountOf(db, keyring, person.userId);
    const cases = await withServiceText(db, jurisdictionId, language.code, await accountCases(db, keyring, jurisdictionId, person.userId, account.emailVerified ? account.email : null));
    const unfollowed = formText(request.query, 'unfollowed');
    const notices = /^\d{1,15}$/.test(unfollowed) ? [t('account-cases.unfollowed', { id: unfollowed })] : [];
    return renderPage(request, reply, {
      title: t('account-cases.title'), wide: true,
      body: <AccountCasesPage cases={cases} csrf={csrf(request, reply)} notices={notices} timeZone={timeZone} />,
    });
  });

  // The choice of messages and the in-app list: handlers in notifications/preferences-routes.tsx.
  const choiceDeps = { db, config, keyring, csrf };
  app.get('/account/notifications', { config: residents, schema: { hide: true } }, async (request, reply) => showNotificationChoices(choiceDeps, request, reply));
  app.post('/account/notifications', { config: residents, schema: { hide: true } }, async (request, reply) => saveNotificationChoices(choiceDeps, request, reply));
}
