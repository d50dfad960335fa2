/** Staff workspace pieces shared by its pages. Contact details appear only on their own page, shown on purpose. */
import type { ReporterContact } from '../cases/types.js';

/** Shown on every workspace page while the person works in the training space. */
export function TrainingBanner() {
  return (
    <div class="notice training-banner" role="note">
      <p><strong>Training space: nothing here reaches residents.</strong> <a href="/staff/training">Training space settings</a></p>
    </div>
  );
}

export function ContactPage({ caseId, contact }: { caseId: number; contact: ReporterContact | null }) {
  const name = [contact?.firstName, contact?.lastName].filter(Boolean).join(' ');
  return (
    <>
      <p><a href={`/staff/requests/${caseId}`}>Back to case {caseId}</a></p>
      <h1>Reporter of case {caseId}</h1>
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
