/** A person's own account: who they are to the council, their sessions, their reports, their data. */
import type { ReportedCase } from '../../requests/reporters.js';
import { PostForm, TableWrap } from '../../web/forms.js';
import type { SessionListing } from '../sessions.js';
import type { Account } from '../users.js';

const roleNames: Record<string, string> = {
  resident: 'Resident', case_worker: 'Case worker', supervisor: 'Supervisor', department_admin: 'Department administrator',
  system_admin: 'System administrator', emergency_officer: 'Emergency officer', analyst: 'Analyst',
};
export const roleName = (role: string) => roleNames[role] ?? role;

export function AccountPage({ account, sessions, reports, csrf, formatTime, notice }: {
  account: Account; sessions: SessionListing[]; reports: ReportedCase[] | null; csrf: string; formatTime: (iso: string) => string; notice?: string;
}) {
  const others = sessions.filter((s) => !s.current);
  return (
    <>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <h1>Your account</h1>
      <dl class="summary">
        <dt>Email address</dt><dd>{account.email}{account.role === 'resident' && !account.emailVerified && ' (not confirmed yet: use the link we emailed you)'}</dd>
        <dt>Account type</dt><dd>{roleName(account.role)}</dd>
        {account.department && <><dt>Department</dt><dd>{account.department}</dd></>}
        {account.secondFactor !== 'none' && <><dt>Authenticator app</dt><dd>{account.secondFactor === 'enrolled' ? 'Set up' : 'Not set up yet'}</dd></>}
        <dt>Account created</dt><dd>{formatTime(account.createdAt)}</dd>
      </dl>

      {reports && (
        <>
          <h2>Your reports</h2>
          {!account.emailVerified ? <p>Confirm your email address, with the link we emailed you, to see the reports made with it.</p>
            : reports.length === 0 ? <p>You have not reported anything with this email address.</p> : (
            <TableWrap label="Your reports">
              <table>
                <caption class="hint">Problems you reported, newest first</caption>
                <thead><tr><th scope="col">Reference</th><th scope="col">Service</th><th scope="col">Reported</th></tr></thead>
                <tbody>{[...reports].reverse().map((r) => <tr key={r.caseId}><td>{r.caseId}</td><td>{r.serviceCode}</td><td>{formatTime(r.requestedAt)}</td></tr>)}</tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}

      <h2>Where you are signed in</h2>
      <TableWrap label="Where you are signed in">
        <table>
          <thead><tr><th scope="col">Device</th><th scope="col">Signed in</th><th scope="col">Last active</th><th scope="col"><span class="hint">Action</span></th></tr></thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{s.device ?? 'Unknown device'}{s.current && ' (this device)'}</td>
                <td>{formatTime(s.createdAt)}</td>
                <td>{formatTime(s.lastSeenAt)}</td>
                <td>{!s.current && (
                  <PostForm action="/account/sessions/end" csrf={csrf}>
                    <input type="hidden" name="session" value={s.id} />
                    <button type="submit" class="secondary">Sign out<span class="skip-link"> of {s.device ?? 'this device'}</span></button>
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
          <button type="submit" class="secondary">Sign out everywhere else</button>
        </PostForm>
      )}

      <p><a href="/account/password">Change your password</a></p>

      <h2>Your data</h2>
      <p><a href="/account/data.json" download="townhall-my-data.json">Download everything we hold about you</a> (a JSON file).</p>
      {account.role === 'resident' && <p><a href="/account/close">Close your account and delete your personal data</a></p>}
    </>
  );
}

export function CloseAccountPage({ csrf, error }: { csrf: string; error?: string }) {
  return (
    <>
      <h1>Close your account</h1>
      <p>We will delete your email address, name and phone number from your account and from the problems you reported. The reports themselves stay, without your details, so the work can be finished.</p>
      <p>Some services must keep the reporter's details by law for a time. Where that applies we keep them and tell you why.</p>
      <p>This cannot be undone.</p>
      {error && <p class="error-message">{error}</p>}
      <PostForm action="/account/close" csrf={csrf}>
        <button type="submit" class="warning">Close my account and delete my details</button>
      </PostForm>
      <p><a href="/account">Keep my account</a></p>
    </>
  );
}

export function AccountClosedPage({ erased, kept }: { erased: string[]; kept: Array<{ serviceRequestId: string; reason: string }> }) {
  return (
    <>
      <h1>Your account is closed</h1>
      <p>Your account is closed and you are signed out.{erased.length > 0 && ` Your details were removed from ${erased.length} report${erased.length === 1 ? '' : 's'}.`}</p>
      {kept.length > 0 && (
        <>
          <h2>Details we must keep</h2>
          <ul>{kept.map((k) => <li key={k.serviceRequestId}>Report {k.serviceRequestId}: {k.reason}</li>)}</ul>
        </>
      )}
    </>
  );
}
