/** Staff workspace pages. Contact details appear only on their own page, shown on purpose. */
import { TableWrap } from '../web/forms.js';
import type { ReporterContact } from '../requests/types.js';
import type { ServiceRequest } from '../requests/requests.js';

export function CaseList({ heading, cases, formatTime }: { heading: string; cases: ServiceRequest[]; formatTime: (iso: string) => string }) {
  return (
    <>
      <h1>Staff workspace</h1>
      <p class="hint">{heading}: the 50 newest cases.</p>
      {cases.length === 0 ? <p>There are no cases for you to see yet.</p> : (
        <TableWrap label="Cases">
          <table>
            <thead><tr><th scope="col">Case</th><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Reported</th><th scope="col">Where</th></tr></thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.id}>
                  <td><a href={`/staff/requests/${c.id}`}>{c.id}</a></td>
                  <td>{c.serviceName}</td>
                  <td>{c.status}</td>
                  <td>{formatTime(c.requestedAt)}</td>
                  <td>{c.addressString ?? (c.lat !== null ? `${c.lat.toFixed(4)}, ${c.long?.toFixed(4)}` : '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

export function CasePage({ serviceRequest: c, canSeeContact, formatTime }: { serviceRequest: ServiceRequest; canSeeContact: boolean; formatTime: (iso: string) => string }) {
  return (
    <>
      <p><a href="/staff">Back to the workspace</a></p>
      <h1>Case {c.id}: {c.serviceName}</h1>
      <dl class="summary">
        <dt>Status</dt><dd>{c.status} ({c.state})</dd>
        <dt>Reported</dt><dd>{formatTime(c.requestedAt)} by {c.channel}</dd>
        {c.expectedAt && <><dt>Expected by</dt><dd>{formatTime(c.expectedAt)}</dd></>}
        <dt>Description</dt><dd>{c.description ?? 'None given'}</dd>
        <dt>Where</dt><dd>{c.addressString ?? 'No address'}{c.lat !== null && ` (${c.lat}, ${c.long})`}</dd>
        {c.statusNotes && <><dt>Notes</dt><dd>{c.statusNotes}</dd></>}
      </dl>
      {canSeeContact
        ? <p><a href={`/staff/requests/${c.id}/contact`}>Show the reporter's contact details</a> (this is recorded)</p>
        : <p class="hint">The reporter's contact details are only for the department working this case.</p>}
    </>
  );
}

export function ContactPage({ serviceRequest: c, contact }: { serviceRequest: ServiceRequest; contact: ReporterContact | null }) {
  const name = [contact?.firstName, contact?.lastName].filter(Boolean).join(' ');
  return (
    <>
      <p><a href={`/staff/requests/${c.id}`}>Back to case {c.id}</a></p>
      <h1>Reporter of case {c.id}</h1>
      {contact ? (
        <dl class="summary">
          <dt>Name</dt><dd>{name || 'Not given'}</dd>
          <dt>Email</dt><dd>{contact.email ?? 'Not given'}</dd>
          <dt>Phone</dt><dd>{contact.phone ?? 'Not given'}</dd>
        </dl>
      ) : <p>There are no contact details: the reporter gave none, or they were removed.</p>}
      <p class="hint">Use these details only to deal with this case.</p>
    </>
  );
}
