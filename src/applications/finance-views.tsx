/**
 * Staff pages about money (in English, as the workspace is): an application's payments and
 * refunds with the refund form, and the daily reconciliation page with its date picker. And
 * the applicant's own list of refunds, in their language.
 */
import { useTranslator } from '../i18n/i18n.js';
import { formatForPeople } from '../platform/time.js';
import { ErrorSummary, PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { formatMoney } from './fees.js';
import type { Reconciliation } from './reconciliation.js';
import type { PaymentRow, RefundRow } from './store.js';

const paymentStates: Record<PaymentRow['state'], string> = { created: 'Started, not finished', success: 'Paid', failed: 'Declined', cancelled: 'Cancelled by the applicant' };
const refundStates: Record<RefundRow['status'], string> = { submitted: 'Asked of the provider', success: 'Refunded', error: 'Failed: nothing refunded' };

export interface ApplicationPaymentsView {
  caseId: number;
  serviceName: string;
  fee: number;
  paid: number;
  refunded: number;
  available: number;
  payments: PaymentRow[];
  refunds: RefundRow[];
  timeZone: string;
  /** The refund form, for those who may refund; null for those who only look. */
  form: { csrf: string; idempotencyKey: string; amount: string; reason: string; errors: FieldErrors } | null;
  done: string | null;
}

export function ApplicationPaymentsPage(view: ApplicationPaymentsView) {
  const when = (iso: string | null) => (iso ? formatForPeople(iso, view.timeZone) : '');
  const errors = view.form?.errors ?? {};
  return (
    <>
      <a class="back-link" href={`/staff/requests/${view.caseId}`}>Back to case {view.caseId}</a>
      <span class="caption">{view.serviceName}</span>
      <h1>Payments for application {view.caseId}</h1>
      {view.done && <div class="notice" role="status"><p>{view.done}</p></div>}
      <ErrorSummary errors={errors} />
      <dl class="summary">
        <div class="summary-row"><dt>Fee</dt><dd>{view.fee === 0 ? 'No fee' : formatMoney(view.fee)}</dd></div>
        <div class="summary-row"><dt>Paid</dt><dd>{formatMoney(view.paid)}</dd></div>
        <div class="summary-row"><dt>Refunded</dt><dd>{formatMoney(view.refunded)}</dd></div>
        <div class="summary-row"><dt>Left to refund</dt><dd>{formatMoney(view.available)}</dd></div>
      </dl>
      <h2>Payments</h2>
      {view.payments.length === 0 ? <p>No payment has been started.</p> : (
        <TableWrap label="Payments">
          <table>
            <thead><tr><th scope="col">Started</th><th scope="col">How</th><th scope="col">Amount</th><th scope="col">State</th><th scope="col">Finished</th></tr></thead>
            <tbody>{view.payments.map((p) => (
              <tr key={p.id}><td>{when(p.created_at)}</td><td>{p.channel === 'counter' ? 'At the counter' : `Online (${p.provider})`}</td><td>{formatMoney(p.amount_pence)}</td><td>{paymentStates[p.state]}</td><td>{when(p.finished_at)}</td></tr>
            ))}</tbody>
          </table>
        </TableWrap>
      )}
      <h2>Refunds</h2>
      {view.refunds.length === 0 ? <p>No refunds.</p> : (
        <TableWrap label="Refunds">
          <table>
            <thead><tr><th scope="col">Asked</th><th scope="col">Amount</th><th scope="col">Reason</th><th scope="col">State</th><th scope="col">By</th></tr></thead>
            <tbody>{view.refunds.map((r) => (
              <tr key={r.id}><td>{when(r.created_at)}</td><td>{formatMoney(r.amount_pence)}</td><td><bdi>{r.reason}</bdi></td><td>{refundStates[r.status]}</td><td>{r.requested_by}</td></tr>
            ))}</tbody>
          </table>
        </TableWrap>
      )}
      {view.form && view.available > 0 && (
        <PostForm action={`/staff/applications/${view.caseId}/refunds`} csrf={view.form.csrf}>
          <h2>Refund a payment</h2>
          <input type="hidden" name="idempotency_key" value={view.form.idempotencyKey} />
          <div class={errors.amount ? 'field-error' : undefined}>
            <label for="amount">Amount to refund, in pounds</label>
            <span class="hint" id="amount-hint">At most {formatMoney(view.available)}. For example 12.50.</span>
            {errors.amount && <span class="error-message" id="amount-error">Error: {errors.amount}</span>}
            <input id="amount" name="amount" inputmode="decimal" class="width-10" value={view.form.amount} spellcheck={false}
              aria-describedby={errors.amount ? 'amount-hint amount-error' : 'amount-hint'} aria-invalid={errors.amount ? 'true' : undefined} />
          </div>
          <div class={errors.reason ? 'field-error' : undefined}>
            <label for="reason">Reason</label>
            <span class="hint" id="reason-hint">The applicant reads it in their email and on their application's page.</span>
            {errors.reason && <span class="error-message" id="reason-error">Error: {errors.reason}</span>}
            <textarea id="reason" name="reason" rows={3} aria-describedby={errors.reason ? 'reason-hint reason-error' : 'reason-hint'} aria-invalid={errors.reason ? 'true' : undefined}>{view.form.reason}</textarea>
          </div>
          <button type="submit">Refund</button>
        </PostForm>
      )}
    </>
  );
}

const money = (pence: number) => formatMoney(pence);

export function ReconciliationPage({ report, error, typed }: { report: Reconciliation | null; error: string | null; typed: string }) {
  return (
    <>
      <h1>Payments: daily reconciliation</h1>
      <p>Fees of the applications made on a day, payments taken and refunds done, by service. Days run midnight to midnight in the council's time zone{report ? ` (${report.timeZone})` : ''}.</p>
      <ErrorSummary errors={error ? { date: error } : {}} />
      <form method="get" action="/admin/payments" class="search-form">
        <div class={error ? 'field-error' : undefined}>
          <label for="date">Day</label>
          {error && <span class="error-message" id="date-error">Error: {error}</span>}
          <div class="search-row">
            <input type="date" id="date" name="date" value={typed} aria-describedby={error ? 'date-error' : undefined} aria-invalid={error ? 'true' : undefined} />
            <button type="submit">Show</button>
          </div>
        </div>
      </form>
      {report && (
        <>
          <h2>{report.day}</h2>
          <p><a href={`/admin/payments/reconciliation.csv?date=${report.day}`} download={`payments-${report.day}.csv`}>Download the report for {report.day} (CSV)</a></p>
          <TableWrap label={`Reconciliation for ${report.day}`}>
            <table>
              <thead><tr>
                <th scope="col">Service</th><th scope="col">Applications with a fee</th><th scope="col">Fees</th><th scope="col">Payments</th>
                <th scope="col">Paid online</th><th scope="col">Paid at the counter</th><th scope="col">Refunds</th><th scope="col">Refunded</th><th scope="col">Net received</th>
              </tr></thead>
              <tbody>
                {report.lines.length === 0 && <tr><td colSpan={9}>Nothing was paid, refunded or charged on this day.</td></tr>}
                {report.lines.map((l) => (
                  <tr key={l.serviceCode}>
                    <th scope="row">{l.serviceName}</th><td>{l.applications}</td><td>{money(l.fees)}</td><td>{l.payments}</td><td>{money(l.paidOnline)}</td>
                    <td>{money(l.paidAtCounter)}</td><td>{l.refunds}</td><td>{money(l.refunded)}</td><td>{money(l.paidOnline + l.paidAtCounter - l.refunded)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th><td>{report.totals.applications}</td><td>{money(report.totals.fees)}</td><td>{report.totals.payments}</td><td>{money(report.totals.paidOnline)}</td>
                  <td>{money(report.totals.paidAtCounter)}</td><td>{report.totals.refunds}</td><td>{money(report.totals.refunded)}</td>
                  <td>{money(report.totals.paidOnline + report.totals.paidAtCounter - report.totals.refunded)}</td>
                </tr>
              </tfoot>
            </table>
          </TableWrap>
        </>
      )}
    </>
  );
}

/** The applicant's refunds on their application's page, in their language. */
export function ApplicantRefunds({ refunds, timeZone }: { refunds: Array<{ amount: number; reason: string; status: string; at: string }>; timeZone: string }) {
  const { t, language } = useTranslator();
  if (refunds.length === 0) return null;
  const date = (iso: string) => new Intl.DateTimeFormat(language.code === 'en' ? 'en-GB' : language.code, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
  return (
    <section>
      <h2>{t('applications.page.refunds')}</h2>
      <ul class="list">
        {refunds.map((r, n) => (
          <li key={n}>{t(r.status === 'submitted' ? 'applications.page.refundPending' : 'applications.page.refunded', { amount: formatMoney(r.amount, language.code), date: date(r.at), reason: r.reason })}</li>
        ))}
      </ul>
    </section>
  );
}
