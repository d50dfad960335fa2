/**
 * Pages for following reports: one report's public page, the list of public reports, and a
 * resident's own reports and email choices. Nothing here ever shows who reported a problem.
 */
import { useTranslator } from '../i18n/i18n.js';
import type { CaseHistoryEntry } from '../cases/queries.js';
import type { ServiceRequest } from '../cases/types.js';
import { ErrorSummary, Field, PostForm, TableWrap } from '../web/forms.js';
import type { FollowReason } from '../cases/followers.js';
import type { FollowedCase } from './followers.js';
import { actionWords, formatDate, statusWords } from '../i18n/case-words.js';
import { StaticMap, StaticPointsMap, type MapPoint } from '../web/static-map.js';
import { GUEST_LINK_MINUTES } from '../cases/guest-followers.js';

export type Viewer = 'guest' | 'resident' | 'staff';
export interface Photo { url: string; onThisSite: boolean }

function Notices({ notices }: { notices: string[] }) {
  if (notices.length === 0) return null;
  return <div class="notice" role="status">{notices.map((n) => <p key={n}>{n}</p>)}</div>;
}

/** The nearest address in the gazetteer to a report's point, and how far it is. */
export interface NearestAddress { name: string; metres: number }

/** A guest's "this is my problem too" form: what they typed, and what is wrong with it. */
export interface GuestFollowForm { email: string; error?: string }

export function TrackPage({ report, history, photos, viewer, reason, csrf, notices, timeZone, nearest, map, guestForm }: {
  report: ServiceRequest; history: CaseHistoryEntry[]; photos: Photo[]; viewer: Viewer; reason: FollowReason | null;
  csrf: string; notices: string[]; timeZone: string; nearest: NearestAddress | null; map: { tileUrl: string; attribution: string };
  guestForm?: GuestFollowForm;
}) {
  const translator = useTranslator();
  const { t, rich, language } = translator;
  const date = (iso: string, withTime = false) => formatDate(iso, language.code, timeZone, withTime);
  const open = report.status !== 'closed';
  return (
    <>
      <section data-live={`/requests/${report.id}/events?since=${encodeURIComponent(report.updatedAt)}`} data-live-message={t('track.updatedLive')} aria-labelledby="report-title">
        <Notices notices={notices} />
        <ErrorSummary errors={guestForm?.error ? { email: guestForm.error } : {}} />
        <span class="hint">{t('track.reference', { id: report.id })}</span>
        <h1 id="report-title">{report.serviceName}</h1>
        <dl class="summary">
          <dt>{t('track.status')}</dt><dd><strong>{statusWords(translator, report.status, report.state)}</strong></dd>
          <dt>{t('track.where')}</dt><dd>{report.addressString ? <bdi>{report.addressString}</bdi>
            : nearest ? <>{t('track.near')} <bdi>{nearest.name}</bdi> <span class="hint">{t('track.nearestDistance', { distance: nearest.metres })}</span></> : t('track.onMap')}</dd>
          {/* What the reporter wrote may be a description ("behind the library"): the address as well. */}
          {nearest && report.addressString && <><dt>{t('track.nearestLabel')}</dt><dd><bdi>{nearest.name}</bdi> <span class="hint">{t('track.nearestDistance', { distance: nearest.metres })}</span></dd></>}
          <dt>{t('track.reported')}</dt><dd><time dateTime={report.requestedAt}>{date(report.requestedAt)}</time></dd>
          {!open && report.closedAt && <><dt>{t('track.closedOn')}</dt><dd><time dateTime={report.closedAt}>{date(report.closedAt)}</time></dd></>}
        </dl>
        {open && report.expectedAt && <p>{t('track.expected', { date: date(report.expectedAt) })}</p>}
        {report.lat !== null && report.long !== null && (
          <StaticMap lat={report.lat} long={report.long} tileUrl={map.tileUrl} attribution={map.attribution} id="report-map"
            label={nearest ? t('track.mapLabelNear', { address: nearest.name }) : t('track.mapLabel')} />
        )}

        {report.description && (
          <>
            <h2>{t('track.description')}</h2>
            <p class="report-description">{report.description}</p>
          </>
        )}

        {photos.length > 0 && (
          <>
            <h2>{t('track.photos')}</h2>
            <ul class="report-photos">
              {photos.map((photo, index) => (
                <li key={photo.url}>
                  {photo.onThisSite
                    ? <img src={photo.url} alt={t('track.photoAlt', { number: index + 1 })} loading="lazy" />
                    : <a href={photo.url} rel="noopener noreferrer nofollow">{t('track.photoLink', { number: index + 1 })}</a>}
                </li>
              ))}
            </ul>
          </>
        )}

        <h2>{t('track.history')}</h2>
        <ol class="timeline">
          {history.map((entry, index) => (
            <li key={index}>
              <strong>{actionWords(translator, entry.action, entry.state)}</strong>{' '}
              <time dateTime={entry.at}>{date(entry.at, true)}</time>
              {entry.description && entry.action !== 'submitted' && <p>{entry.description}</p>}
            </li>
          ))}
        </ol>

        {!open && reason === 'reporter' && <p><a href={`/requests/${report.id}/feedback`}>{t('track.feedback')}</a></p>}

        {viewer !== 'staff' && (
          <>
            <h2>{t('track.followHeading')}</h2>
            {reason === 'reporter' && <p>{t('track.youReported')}</p>}
            {reason === 'follower' && <p>{t('track.following')}</p>}
            {reason === 'reporter' ? (
              // A reporter stays the reporter (their feedback and "Reports you made" depend on it):
              // they are not offered "unfollow", only the choice of which emails they get.
              <p><a href="/account/notifications">{t('account-cases.notificationsLink')}</a></p>
            ) : reason === 'follower' ? (
              <PostForm action={`/requests/${report.id}/unfollow`} csrf={csrf}>
                <button type="submit" class="secondary">{t('track.unfollow')}</button>
              </PostForm>
            ) : viewer === 'guest' ? (
              open ? (
                // "This is my problem too" without an account: an email address, confirmed by a link.
                <PostForm action={`/requests/${report.id}/follow-by-email`} csrf={csrf}>
                  <h3>{t('track.guestFollowHeading')}</h3>
                  <Field name="email" type="email" label={t('track.guestEmail')} hint={t('track.guestEmailHint')} autocomplete="email"
                    value={guestForm?.email ?? ''} error={guestForm?.error} />
                  <button type="submit">{t('track.guestFollowButton')}</button>
                  <p>{rich('track.followSignIn', { link: (c) => <a href={`/sign-in?next=${encodeURIComponent(`/requests/${report.id}`)}`}>{c}</a> })}</p>
                </PostForm>
              ) : <p>{t('track.closedCannotFollow')}</p>
            ) : (
              <PostForm action={`/requests/${report.id}/follow`} csrf={csrf}>
                <p class="hint">{t('track.followHint')}</p>
                <button type="submit">{t('track.follow')}</button>
              </PostForm>
            )}
          </>
        )}
        <p><a href="/reports">{t('track.allReports')}</a></p>
      </section>
      <p class="visually-hidden" aria-live="polite" data-live-status></p>
      <script src="/assets/live.js" defer></script>
    </>
  );
}

export interface ReportFilters { service: string; status: 'all' | 'open' | 'closed'; area: string }

export function ReportsPage({ reports, total, page, pageSize, filters, services, areas, notices, links, map, timeZone, nearest }: {
  reports: ServiceRequest[]; total: number;
  /** The nearest address of each report with a point and no address of its own, by report id. */
  nearest: Map<string, string>; page: number; pageSize: number; filters: ReportFilters;
  services: Array<{ code: string; name: string }>; areas: Array<{ id: number; name: string }> | null; notices: string[];
  links: { previous: string | null; next: string | null }; timeZone: string;
  /** The located reports that match (up to MAP_LIMIT), drawn on the server; the interactive map loads them itself when asked. */
  map: { pointsUrl: string; tiles: string; attribution: string; points: MapPoint[] };
}) {
  const translator = useTranslator();
  const { t, language } = translator;
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <>
      <Notices notices={notices} />
      <h1>{t('reports.title')}</h1>
      <p>{t('reports.intro')}</p>
      <div class="reports-layout">
      <form method="get" action="/reports" class="report-filters">
        <fieldset>
          <legend>{t('reports.filters')}</legend>
          <label for="service">{t('reports.service')}</label>
          <select id="service" name="service">
            <option value="">{t('reports.anyService')}</option>
            {services.map((s) => <option key={s.code} value={s.code} selected={s.code === filters.service}>{s.name}</option>)}
          </select>
          <label for="status">{t('reports.status')}</label>
          <select id="status" name="status">
            {(['all', 'open', 'closed'] as const).map((s) => (
              <option key={s} value={s} selected={s === filters.status}>{t(s === 'all' ? 'reports.statusAll' : s === 'open' ? 'track.open' : 'track.closed')}</option>
            ))}
          </select>
          {areas && (
            <>
              <label for="area">{t('reports.area')}</label>
              <select id="area" name="area">
                <option value="">{t('reports.anyArea')}</option>
                {areas.map((a) => <option key={a.id} value={String(a.id)} selected={String(a.id) === filters.area}>{a.name}</option>)}
              </select>
            </>
          )}
          <button type="submit">{t('reports.apply')}</button>
        </fieldset>
      </form>

      <div class="reports-map">
        {/* The map drawn on the server first (no library, no waiting for the points); the
            interactive one only when asked for, as its library and points weigh on a phone. */}
        <div class="map" data-map="show" data-points-url={map.pointsUrl} data-tiles={map.tiles} data-attribution={map.attribution} data-map-button="interactive-map"></div>
        <StaticPointsMap points={map.points} tileUrl={map.tiles} attribution={map.attribution}
          label={t('reports.mapImage', { open: map.points.filter((p) => p.open).length, closed: map.points.filter((p) => !p.open).length })} />
        <button type="button" class="secondary" id="interactive-map" hidden>{t('reports.interactiveMap')}</button>
        {/* The markers' colours, each with its own shape too: colour is never the only difference. */}
        <ul class="map-legend" aria-label={t('reports.legend')}>
          <li><span class="marker-key marker-open" aria-hidden="true">!</span> {t('reports.legendOpen')}</li>
          <li><span class="marker-key marker-closed" aria-hidden="true">✓</span> {t('reports.legendClosed')}</li>
          <li><span class="marker-key marker-cluster" aria-hidden="true">5</span> {t('reports.legendCluster')}</li>
        </ul>
        <p class="hint">{t('reports.mapLimit')}</p>
      </div>
      </div>
      <script src="/assets/map.js" defer></script>

      {total === 0 ? <p>{t('reports.none')}</p> : (
        <>
          <p role="status">{t('reports.showing', { from, to, total })}</p>
          <TableWrap label={t('reports.table')}>
            <table class="stack-on-phone">
              <thead><tr>
                <th scope="col">{t('reports.reference')}</th><th scope="col">{t('reports.service')}</th><th scope="col">{t('track.where')}</th>
                <th scope="col">{t('reports.status')}</th><th scope="col">{t('track.reported')}</th>
              </tr></thead>
              <tbody>
                {reports.map((r) => (
                  <tr key={r.id}>
                    <td data-label={t('reports.reference')}><a href={`/requests/${r.id}`}>{r.id}</a></td>
                    <td data-label={t('reports.service')}>{r.serviceName}</td>
                    <td data-label={t('track.where')}>{r.addressString ? <bdi>{r.addressString}</bdi>
                      : nearest.has(r.id) ? <>{t('track.near')} <bdi>{nearest.get(r.id)}</bdi></> : t('track.onMap')}</td>
                    <td data-label={t('reports.status')}>{statusWords(translator, r.status, r.state)}</td>
                    <td data-label={t('track.reported')}><time dateTime={r.requestedAt}>{formatDate(r.requestedAt, language.code, timeZone)}</time></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
      {(links.previous || links.next) && (
        <nav class="pagination" aria-label={t('reports.pagination')}>
          <ul>
            {links.previous && <li><a href={links.previous} rel="prev">{t('reports.previous')}</a></li>}
            {links.next && <li><a href={links.next} rel="next">{t('reports.next')}</a></li>}
          </ul>
        </nav>
      )}
    </>
  );
}

function FollowedTable({ cases, caption, csrf, timeZone }: { cases: FollowedCase[]; caption: string; csrf: string; timeZone: string }) {
  const translator = useTranslator();
  const { t, rich, language } = translator;
  return (
    <TableWrap label={caption}>
      <table>
        <thead><tr>
          <th scope="col">{t('reports.reference')}</th><th scope="col">{t('reports.service')}</th><th scope="col">{t('reports.status')}</th>
          <th scope="col">{t('track.reported')}</th><th scope="col"><span class="visually-hidden">{t('account-cases.action')}</span></th>
        </tr></thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td><a href={`/requests/${c.id}`}>{c.id}</a></td>
              <td>{c.serviceName}{c.addressString && <>, <bdi>{c.addressString}</bdi></>}</td>
              <td>{statusWords(translator, c.status, c.state)}</td>
              <td><time dateTime={c.requestedAt}>{formatDate(c.requestedAt, language.code, timeZone)}</time></td>
              <td>
                {c.reason === 'follower' ? (
                  <PostForm action={`/requests/${c.id}/unfollow`} csrf={csrf}>
                    <input type="hidden" name="return" value="account" />
                    <button type="submit" class="secondary">{rich('account-cases.unfollow', { id: c.id, hidden: (chunks) => <span class="visually-hidden">{chunks}</span> })}</button>
                  </PostForm>
                ) : <a href="/account/notifications">{t('account-cases.notificationsLink')}</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function AccountCasesPage({ cases, csrf, notices, timeZone }: { cases: FollowedCase[]; csrf: string; notices: string[]; timeZone: string }) {
  const { t } = useTranslator();
  const reported = cases.filter((c) => c.reason === 'reporter');
  const followed = cases.filter((c) => c.reason === 'follower');
  return (
    <>
      <Notices notices={notices} />
      <h1>{t('account-cases.title')}</h1>
      <h2>{t('account-cases.reported')}</h2>
      {reported.length === 0 ? <p>{t('account-cases.noneReported')}</p> : <FollowedTable cases={reported} caption={t('account-cases.reported')} csrf={csrf} timeZone={timeZone} />}
      <h2>{t('account-cases.following')}</h2>
      {followed.length === 0 ? <p>{t('account-cases.noneFollowing')}</p> : <FollowedTable cases={followed} caption={t('account-cases.following')} csrf={csrf} timeZone={timeZone} />}
      <p><a href="/account/notifications">{t('account-cases.notificationsLink')}</a></p>
      <p><a href="/account">{t('account-cases.back')}</a></p>
    </>
  );
}


/** After asking to follow by email: the same words whatever became of the address (no one learns whether it already follows). */
export function GuestCheckEmailPage({ reportId, email }: { reportId: string; email: string }) {
  const { t, rich, duration } = useTranslator();
  return (
    <>
      <h1>{t('checkEmail.title')}</h1>
      <p>{rich('guestFollow.sent', { email, id: reportId, strong: (c) => <strong><bdi>{c}</bdi></strong> })}</p>
      <p>{t('guestFollow.openToConfirm', { duration: duration(GUEST_LINK_MINUTES) })}</p>
      <p>{t('guestFollow.nothingUntil')}</p>
      <p>{t('checkEmail.spam')}</p>
      <p><a href={`/requests/${reportId}`}>{t('track.back')}</a></p>
    </>
  );
}

/** The page the emailed link opens: one button, so a mail program that opens links confirms nothing. */
export function GuestConfirmPage({ reportId, csrf, token }: { reportId: string; csrf: string; token: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('guestFollow.confirmTitle')}</h1>
      <p>{t('guestFollow.confirmText', { id: reportId })}</p>
      <PostForm action="/follow/confirm" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">{t('guestFollow.confirmButton')}</button>
      </PostForm>
    </>
  );
}

/** What became of the link: following (now or already), the report closed meanwhile, or the link gone. */
export function GuestFollowResultPage({ result, reportId }: { result: 'following' | 'already' | 'closed' | 'gone'; reportId: string | null }) {
  const { t, duration } = useTranslator();
  const back = reportId ? <p><a href={`/requests/${reportId}`}>{t('guestFollow.seeReport', { id: reportId })}</a></p> : null;
  if (result === 'gone') {
    return (
      <>
        <h1>{t('linkGone.heading')}</h1>
        <p>{t('guestFollow.goneText', { duration: duration(GUEST_LINK_MINUTES) })}</p>
        <p><a href="/reports">{t('track.allReports')}</a></p>
      </>
    );
  }
  if (result === 'closed') {
    return <><h1>{t('guestFollow.closedTitle')}</h1><p>{t('track.closedCannotFollow')}</p>{back}</>;
  }
  return (
    <>
      <h1>{t(result === 'following' ? 'guestFollow.doneTitle' : 'guestFollow.alreadyTitle')}</h1>
      <p>{t('guestFollow.doneText', { id: reportId ?? '' })}</p>
      {back}
    </>
  );
}
