/** A person's own account: who they are to the council, their sessions, their reports, their data. */
import { formatDate } from '../../i18n/case-words.js';
import { useTranslator, type MessageKey } from '../../i18n/i18n.js';
import type { FollowedCase } from '../../tracking/followers.js';
import { PostForm, TableWrap } from '../../web/forms.js';
import type { SessionListing } from '../sessions.js';
import type { Account } from '../users.js';

const roleNames: Record<string, string> = {
  resident: 'Resident', case_worker: 'Case worker', supervisor: 'Supervisor', department_admin: 'Department administrator',
  system_admin: 'System administrator', emergency_officer: 'Emergency officer', analyst: 'Analyst',
};
/** The role's name in English, for the (English-only) administration pages. */
export const roleName = (role: string) => roleNames[role] ?? role;
const roleKey = (role: string): MessageKey | undefined => (role in roleNames ? `role.${role}` as MessageKey : undefined);

export function AccountPage({ account, sessions, reports, csrf, timeZone, notice }: {
  account: Account; sessions: SessionListing[]; reports: FollowedCase[] | null; csrf: string; timeZone: string; notice?: string;
}) {
  const { t, rich, language } = useTranslator();
  // "3 Dec 2026, 14:05": in the page's language and the council's time zone, with the instant for machines.
  const when = (iso: string) => <time dateTime={iso}>{formatDate(iso, language.code, timeZone, 'short')}</time>;
  // <bdi>: times, addresses and device names keep their own direction inside Arabic text.
  const others = sessions.filter((s) => !s.current);
  const role = roleKey(account.role);
  return (
    <>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <h1>{t('account.title')}</h1>
      <dl class="summary">
        <dt>{t('account.email')}</dt><dd><bdi>{account.email}</bdi>{account.role === 'resident' && !account.emailVerified && ` ${t('account.notConfirmed')}`}</dd>
        <dt>{t('account.type')}</dt><dd>{role ? t(role) : account.role}</dd>
        {account.department && <><dt>{t('account.department')}</dt><dd>{account.department}</dd></>}
        {account.secondFactor !== 'none' && <><dt>{t('account.authenticator')}</dt><dd>{t(account.secondFactor === 'enrolled' ? 'account.authenticatorSetUp' : 'account.authenticatorNotSetUp')}</dd></>}
        <dt>{t('account.created')}</dt><dd><bdi>{when(account.createdAt)}</bdi></dd>
      </dl>

      {reports && (
        <>
          <h2>{t('account.reports')}</h2>
          {!account.emailVerified ? <p>{t('account.reportsConfirmFirst')}</p>
            : reports.length === 0 ? <p>{t('account.reportsNone')}</p> : (
            <TableWrap label={t('account.reports')}>
              <table>
                <caption class="hint">{t('account.reportsCaption')}</caption>
                <thead><tr><th scope="col">{t('account.reference')}</th><th scope="col">{t('account.service')}</th><th scope="col">{t('account.reported')}</th></tr></thead>
                <tbody>{reports.map((r) => <tr key={r.id}><td><a href={`/requests/${r.id}`}>{r.id}</a></td><td>{r.serviceName}</td><td><bdi>{when(r.requestedAt)}</bdi></td></tr>)}</tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}

      {account.role === 'resident' && (
        <ul>
          <li><a href="/account/requests">{t('account-cases.link')}</a></li>
          <li><a href="/account/notifications">{t('account-cases.notificationsLink')}</a></li>
          <li><a href="/account/alerts">{t('alertSubs.accountTitle')}</a></li>
        </ul>
      )}

      <h2>{t('account.sessions')}</h2>
      <TableWrap label={t('account.sessions')}>
        <table>
          <thead><tr><th scope="col">{t('account.device')}</th><th scope="col">{t('account.signedIn')}</th><th scope="col">{t('account.lastActive')}</th><th scope="col"><span class="hint">{t('account.action')}</span></th></tr></thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{s.device ? <bdi>{s.device}</bdi> : t('account.unknownDevice')}{s.current && ` ${t('account.thisDevice')}`}</td>
                <td><bdi>{when(s.createdAt)}</bdi></td>
                <td><bdi>{when(s.lastSeenAt)}</bdi></td>
                <td>{!s.current && (
                  <PostForm action="/account/sessions/end" csrf={csrf}>
                    <input type="hidden" name="session" value={s.id} />
                    <button type="submit" class="secondary">
                      {rich('account.signOutOf', { device: s.device ?? t('account.unknownDevice'), hidden: (c) => <span class="visually-hidden">{c}</span> })}
                    </button>
                  </PostForm>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {others.length > 1 && (
        <PostForm action="/account/sessions/end" csrf={csrf}>
          <input type="hidden" name="session" value="others" />
          <button type="submit" class="secondary">{t('account.signOutEverywhere')}</button>
        </PostForm>
      )}

      <p><a href="/account/password">{t('account.changePassword')}</a></p>

      <h2>{t('account.data')}</h2>
      <p>{rich('account.download', { link: (c) => <a href="/account/data.json" download="townhall-my-data.json">{c}</a> })}</p>
      {account.role === 'resident' && <p><a href="/account/close">{t('account.close')}</a></p>}
    </>
  );
}

export function CloseAccountPage({ csrf, error }: { csrf: string; error?: string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('close.title')}</h1>
      <p>{t('close.what')}</p>
      <p>{t('close.law')}</p>
      <p>{t('close.final')}</p>
      {error && <p class="error-message">{error}</p>}
      <PostForm action="/account/close" csrf={csrf}>
        <button type="submit" class="warning">{t('close.button')}</button>
      </PostForm>
      <p><a href="/account">{t('close.keep')}</a></p>
    </>
  );
}

/** `reason` is the service's retention reason, written by the council (not translated). */
export function AccountClosedPage({ erased, kept }: { erased: string[]; kept: Array<{ serviceRequestId: string; reason: string }> }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('closed.title')}</h1>
      <p>{t('closed.text')}{erased.length > 0 && ` ${t('closed.erased', { count: erased.length })}`}</p>
      {kept.length > 0 && (
        <>
          <h2>{t('closed.kept')}</h2>
          <ul>{kept.map((k) => <li key={k.serviceRequestId}>{t('closed.keptItem', { id: k.serviceRequestId, reason: k.reason })}</li>)}</ul>
        </>
      )}
    </>
  );
}
