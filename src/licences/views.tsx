/** The licence pages: /verify and the register (public, in the reader's language), and the staff licence page. */
import type { ComponentChildren } from 'preact';
import { ErrorSummary, PostForm, TableWrap } from '../web/forms.js';
import type { LicenceClaims } from './credential.js';
import { formatDateIn, lastDayOf, type StatusChange, type Verdict } from './licences.js';
import type { RegisterPage } from './register.js';
import type { LicenceRow } from './store.js';
import { wordsFor } from './words.js';

type Words = ReturnType<typeof wordsFor>;

interface Shown {
  language: string;
  timeZone: string;
  council: string;
}

const fromSeconds = (s: number) => new Date(s * 1000).toISOString();

function Details({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="licence-details">
      {rows.map(([term, value]) => [<dt key={`${term}-t`}>{term}</dt>, <dd key={`${term}-d`}>{value}</dd>])}
    </dl>
  );
}

const verdictClass: Record<Verdict, string> = {
  valid: 'panel', expired: 'notice', suspended: 'error-summary', revoked: 'error-summary', not_yet_valid: 'notice', not_genuine: 'error-summary',
};

export function VerifyPage({ shown, token, verdict, claims, error }: { shown: Shown; token: string; verdict?: Verdict; claims?: LicenceClaims; error?: string }) {
  const w: Words = wordsFor(shown.language);
  const date = (s: number) => formatDateIn(s === claims?.exp ? lastDayOf(fromSeconds(s)) : fromSeconds(s), shown.language, shown.timeZone);
  return (
    <>
      {verdict && (
        <div class={`verdict ${verdictClass[verdict]}`} role="status">
          <h1>{w(verdict)}</h1>
          <p>{w(`${verdict}Text`, { council: shown.council })}</p>
        </div>
      )}
      {!verdict && <h1>{w('verifyTitle')}</h1>}
      {claims && verdict !== 'not_genuine' && (
        <Details rows={[
          [w('number'), <span dir="ltr">{claims.sub}</span>],
          [w('service'), claims.service],
          [w('holder'), claims.holder],
          [w('permits'), <span class="report-description">{claims.permits}</span>],
          [w('conditions'), claims.conditions.length === 0 ? w('noConditions') : <ul>{claims.conditions.map((c, i) => <li key={i}>{c}</li>)}</ul>],
          [w('validFrom'), date(claims.nbf)],
          [w('validUntil'), date(claims.exp)],
        ]} />
      )}
      {verdict && <h2>{w('checkAnother')}</h2>}
      {!verdict && <p>{w('verifyIntro', { council: shown.council })}</p>}
      <ErrorSummary errors={error ? { token: error } : {}} />
      <form method="get" action="/verify" novalidate>
        <div class={error ? 'field-error' : undefined}>
          <label for="token">{w('tokenLabel')}</label>
          <span class="hint" id="token-hint">{w('tokenHint')}</span>
          {error && <span class="error-message" id="token-error">{error}</span>}
          <textarea id="token" name="token" rows={4} dir="ltr" spellcheck={false} autocomplete="off"
            aria-describedby={error ? 'token-hint token-error' : 'token-hint'} aria-invalid={error ? 'true' : undefined}>{verdict ? '' : token}</textarea>
        </div>
        <button type="submit">{w('check')}</button>
      </form>
    </>
  );
}

/** The register: a table on a wide screen, each licence a block of labelled lines on a phone (table.stack-on-phone). */
export function RegisterView({ shown, page, named, search }: { shown: Shown; page: RegisterPage; named: Array<{ name: string; permits: string | null }>; search: string }) {
  const w: Words = wordsFor(shown.language);
  const anyHolder = page.entries.some((e) => e.holder !== null);
  const link = (n: number) => `/licences?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(n) })}`;
  const query = search ? `?${new URLSearchParams({ q: search })}` : '';
  const [before, middle, after] = w('openData').split(/\{csv\}|\{json\}/);
  return (
    <>
      <h1>{w('registerTitle')}</h1>
      <p>{w('registerIntro', { council: shown.council })}</p>
      <form method="get" action="/licences" class="search-form" role="search">
        <label for="q">{w('search')}</label>
        <span class="hint" id="q-hint">{w('searchHint')}</span>
        <div class="search-row">
          <input type="search" id="q" name="q" value={search} aria-describedby="q-hint" maxLength={100} />
          <button type="submit">{w('searchButton')}</button>
        </div>
      </form>
      <p>{w('registerCount', { count: page.total })}</p>
      {page.entries.length === 0 ? <p>{w('registerEmpty')}</p> : (
        <TableWrap label={w('registerTitle')}>
          <table class="stack-on-phone register">
            <thead>
              <tr>
                <th scope="col">{w('number')}</th>
                <th scope="col">{w('licence')}</th>
                {anyHolder && <th scope="col">{w('holder')}</th>}
                <th scope="col">{w('permits')}</th>
                <th scope="col">{w('validUntil')}</th>
                <th scope="col">{w('status')}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e, n) => (
                <tr key={e.number}>
                  <td data-label={w('number')}><span class="licence-number" dir="ltr">{e.number}</span></td>
                  <td data-label={w('licence')}>{named[n]?.name ?? e.service}</td>
                  {anyHolder && <td data-label={w('holder')}>{e.holder === null ? w('notPublished') : <bdi>{e.holder}</bdi>}</td>}
                  {/* Nothing to say beyond the licence's name: the line is left out on a phone, the cell empty on a wide screen. */}
                  <td data-label={w('permits')} class={named[n]?.permits === null ? 'empty' : undefined}>{named[n] ? named[n].permits : e.permits}</td>
                  <td data-label={w('validUntil')}>{formatDateIn(lastDayOf(e.validUntil), shown.language, shown.timeZone)}</td>
                  <td data-label={w('status')}>{w(`status${e.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {page.pages > 1 && (
        <nav aria-label={w('registerPage', { page: page.page, pages: page.pages })}>
          <p>{w('registerPage', { page: page.page, pages: page.pages })}</p>
          <ul class="footer-links">
            {page.page > 1 && <li><a href={link(page.page - 1)} rel="prev">{w('previous')}</a></li>}
            {page.page < page.pages && <li><a href={link(page.page + 1)} rel="next">{w('next')}</a></li>}
          </ul>
        </nav>
      )}
      <p>{before}<a href={`/licences.csv${query}`}>CSV</a>{middle}<a href={`/licences.json${query}`}>JSON</a>{after}</p>
    </>
  );
}

const changeWords: Record<StatusChange, { button: string; hint: string }> = {
  suspend: { button: 'Suspend the licence', hint: 'It stops permitting anything until reinstated; /verify says so at once.' },
  reinstate: { button: 'Reinstate the licence', hint: 'It permits again what it says, until its end date.' },
  revoke: { button: 'Revoke the licence', hint: 'For good: a revoked licence cannot be reinstated.' },
};

export function StaffLicencePage({ licence, timeZone, csrf, allowed, errors, reason, done, canChange }: {
  licence: LicenceRow; timeZone: string; csrf: string; allowed: StatusChange[]; errors: Record<string, string>; reason: string; done: string | null; canChange: boolean;
}) {
  const date = (iso: string) => formatDateIn(iso, 'en-GB', timeZone);
  const conditions = JSON.parse(licence.conditions) as string[];
  return (
    <>
      <a class="back-link" href={`/staff/requests/${licence.case_id}`}>Back to case {licence.case_id}</a>
      <h1>Licence {licence.number}</h1>
      {done && <div class="notice" role="status"><p>{done}</p></div>}
      <ErrorSummary errors={errors} />
      <Details rows={[
        ['Status', `${licence.status[0]!.toUpperCase()}${licence.status.slice(1)}${licence.status_reason ? `: ${licence.status_reason}` : ''}`],
        ['Licence for', licence.service_name],
        ['Holder', licence.holder_name],
        ['What it permits', <span class="report-description">{licence.permits}</span>],
        ['Conditions', conditions.length === 0 ? 'None' : <ul>{conditions.map((c, i) => <li key={i}>{c}</li>)}</ul>],
        ['Valid', `${date(licence.valid_from)} to ${date(lastDayOf(licence.valid_until))}`],
        ['Issued', date(licence.issued_at)],
        ['Signing key', <code>{licence.kid}</code>],
      ]} />
      <p><a href={`/licences/${encodeURIComponent(licence.number)}/pdf`}>Download the licence (PDF)</a> · <a href={`/verify/${licence.token}`}>See what /verify says</a></p>
      {canChange && allowed.length > 0 && (
        <PostForm action={`/staff/licences/${licence.id}/status`} csrf={csrf}>
          <h2>Change the licence's status</h2>
          <div class={errors.reason ? 'field-error' : undefined}>
            <label for="reason">Reason</label>
            <span class="hint" id="reason-hint">Kept in the audit trail and noted on the case.</span>
            {errors.reason && <span class="error-message" id="reason-error">Error: {errors.reason}</span>}
            <textarea id="reason" name="reason" rows={3} aria-describedby={errors.reason ? 'reason-hint reason-error' : 'reason-hint'}>{reason}</textarea>
          </div>
          {allowed.map((change) => (
            <p key={change}>
              <button type="submit" name="change" value={change} class={change === 'reinstate' ? undefined : 'secondary'}>{changeWords[change].button}</button>
              <span class="hint">{changeWords[change].hint}</span>
            </p>
          ))}
        </PostForm>
      )}
    </>
  );
}

export function StaffLicenceList({ licences, caseId, number, error }: { licences: LicenceRow[]; caseId: string; number: string; error: string | null }) {
  return (
    <>
      <h1>Licences</h1>
      <form method="get" action="/staff/licences" class="search-form">
        <ErrorSummary errors={error ? { number: error } : {}} />
        <label for="number">Licence number or case number</label>
        <span class="hint" id="number-hint">For example LIC-2026-000123, or 4512 for the licences of case 4512</span>
        <div class="search-row">
          <input type="search" id="number" name="number" value={number || caseId} aria-describedby="number-hint" maxLength={40} />
          <button type="submit">Find</button>
        </div>
      </form>
      {licences.length > 0 && (
        <TableWrap label="Licences found">
          <table>
            <thead><tr><th scope="col">Number</th><th scope="col">Licence for</th><th scope="col">Holder</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {licences.map((l) => (
                <tr key={l.id}><td><a href={`/staff/licences/${l.id}`}>{l.number}</a></td><td>{l.service_name}</td><td>{l.holder_name}</td><td>{l.status}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
