/**
 * The application panel of the staff case page (cases of kind 'application'): what was applied
 * for (service and form version), the answers under the form's own labels, the documents (opened
 * through the staff document route), the fee as calculated, the payments, the decision and the
 * licences, and the officer's forms: decide, ask for more information, write to the applicant,
 * record a payment taken at the counter. Dense and in plain words: officers use it all day.
 */
import type { ComponentChildren } from 'preact';
import { auditEntriesOf } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { english as englishLanguage } from '../i18n/languages.js';
import { translator } from '../i18n/i18n.js';
import { lastDayOf, licencesOfCase } from '../licences/licences.js';
import type { Keyring } from '../platform/crypto.js';
import { formatDateForPeople, formatForPeople } from '../platform/time.js';
import { groupItems, parseGeometry, type Answer, type Answers } from './answers.js';
import { openAnswers } from './sealed.js';
import type { FieldDefinition, FormDefinition } from './definition.js';
import type { FeeLine } from './fees.js';
import { formatMoney } from './fees.js';
import { appealEndsOn, changeableItems, MAX_MESSAGE, type ChangeableItem } from './review.js';
import * as store from './store.js';
import { answerWords } from './views.js';

export interface PanelRow { label: string; value: string[] }
export interface PanelSection { title: string; rows: PanelRow[] }

export interface ApplicationPanelView {
  caseId: number;
  service: string;
  formVersion: number;
  language: string;
  sections: PanelSection[];
  documents: Array<{ href: string; filename: string; question: string; size: string; type: string }>;
  refusedDocuments: Array<{ filename: string; at: string }>;
  fee: { total: string; lines: Array<{ label: string; amount: string }>; state: string; refunded: string | null };
  payments: Array<{ at: string; amount: string; how: string; state: string }>;
  decision: { outcome: string; lines: string[]; valid: string | null; at: string; by: string; appealUntil: string | null } | null;
  appealDays: number | null;
  licences: Array<{ id: number; number: string; status: string; valid: string; verifyHref: string; pdfHref: string }>;
  /** What this officer may do here (the case page decides: role, department, workflow step). */
  canAct: boolean;
  canDecide: boolean;
  canRequestInformation: boolean;
  counterPaymentDue: boolean;
  changeable: ChangeableItem[];
}

const english = translator(englishLanguage).t;
const languageName = (code: string) => { try { return new Intl.DisplayNames('en', { type: 'language' }).of(code) ?? code; } catch { return code; } };

const paymentStates: Record<string, string> = { created: 'Started, not finished', success: 'Paid', failed: 'Declined', cancelled: 'Cancelled' };
const feeStates: Record<string, string> = { not_due: 'No fee to pay', due: 'Not paid yet', paid: 'Paid' };
const capital = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;

/** A map answer for an officer: a point's coordinates, or an area's corners, size and middle. */
export function mapWords(text: string): string {
  const geometry = parseGeometry(text);
  if (!geometry) return text;
  if (geometry.type === 'Point') {
    const [long, lat] = geometry.coordinates;
    return `Point at ${lat.toFixed(5)}, ${long.toFixed(5)} (latitude, longitude)`;
  }
  const ring = geometry.coordinates[0]!;
  const corners = ring.slice(0, -1);
  const lat0 = corners.reduce((sum, [, lat]) => sum + lat, 0) / corners.length;
  const long0 = corners.reduce((sum, [long]) => sum + long, 0) / corners.length;
  // Metres on a local flat projection: close enough for the size of a street party or a garden.
  const xy = ring.map(([long, lat]) => [(long - long0) * 111_320 * Math.cos((lat0 * Math.PI) / 180), (lat - lat0) * 110_540] as const);
  let twice = 0;
  for (let i = 0; i < xy.length - 1; i++) twice += xy[i]![0] * xy[i + 1]![1] - xy[i + 1]![0] * xy[i]![1];
  const area = Math.abs(twice) / 2;
  const size = area >= 10_000 ? `${(area / 10_000).toFixed(2)} hectares` : `${Math.round(area).toLocaleString('en-GB')} m²`;
  return `Area of ${corners.length} corners, about ${size}, around ${lat0.toFixed(5)}, ${long0.toFixed(5)} (latitude, longitude)`;
}

function valueWords(field: FieldDefinition, answer: Answer): string {
  if ((field.type === 'map_point' || field.type === 'map_area') && typeof answer === 'string') return mapWords(answer);
  return answerWords(field, answer, english);
}

/** The answers under the form's own labels, by section; a repeatable group shows each item. */
export function answerSections(definition: FormDefinition, answers: Answers): PanelSection[] {
  const sections = new Map<string, PanelRow[]>();
  for (const page of definition.pages) {
    const rows: PanelRow[] = [];
    if (page.group) {
      const group = page.group;
      groupItems(answers, group.id).forEach((item, n) => rows.push({
        label: `${capital(group.itemName)} ${n + 1}`,
        value: group.fields.filter((f) => item[f.id] !== undefined).map((f) => `${f.label}: ${valueWords(f, item[f.id]!)}`),
      }));
    }
    for (const field of page.fields ?? []) {
      if (field.type === 'file' || answers[field.id] === undefined) continue;
      rows.push({ label: field.label, value: [valueWords(field, answers[field.id]!)] });
    }
    if (rows.length === 0) continue;
    const title = page.section ?? page.title;
    sections.set(title, [...(sections.get(title) ?? []), ...rows]);
  }
  return [...sections].map(([title, rows]) => ({ title, rows }));
}

const sizeWords = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);
const typeWords: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };

/** Everything the panel shows, or null when the case is not an application. */
export async function applicationPanelView(db: DB, keyring: Keyring, options: {
  jurisdictionId: string; caseId: number; timeZone: string; canAct: boolean; canDecide: boolean; canRequestInformation: boolean; names: (actor: string) => Promise<string>;
}): Promise<ApplicationPanelView | null> {
  const { jurisdictionId, caseId, timeZone } = options;
  const application = await store.findApplication(db, jurisdictionId, caseId);
  if (!application) return null;
  const definition = JSON.parse(application.definition) as FormDefinition;
  const answers = openAnswers(keyring, application.answers);
  const documents = await store.documentsOfDraft(db, application.draft_id);
  const questions = new Map<string, string>(definition.pages.flatMap((p) => (p.fields ?? []).map((f) => [f.id, f.label] as const)));
  const refused = await auditEntriesOf(db, 'application_draft', application.draft_id, 'application_document.refused');
  const feeLines = JSON.parse(application.fee_lines) as FeeLine[];
  const payments = await store.paymentsOf(db, caseId);
  const decision = await store.decisionOf(db, caseId);
  const licences = decision?.decision === 'approved' ? await licencesOfCase(db, jurisdictionId, caseId) : [];
  const date = (iso: string) => formatDateForPeople(iso, timeZone);
  const day = (text: string) => formatDateForPeople(`${text}T12:00:00Z`, 'UTC');
  return {
    caseId, service: definition.title, formVersion: application.version, language: languageName(application.language),
    sections: answerSections(definition, answers),
    documents: documents.map((d) => ({
      href: `/staff/applications/${caseId}/documents/${d.id}`, filename: d.filename, question: questions.get(d.field) ?? d.field, size: sizeWords(d.size), type: typeWords[d.content_type] ?? d.content_type,
    })),
    refusedDocuments: refused.map((entry) => ({ filename: String(entry.after?.filename ?? 'a file'), at: formatForPeople(entry.at, timeZone) })),
    fee: {
      total: formatMoney(application.fee_pence), lines: feeLines.map((line) => ({ label: line.label, amount: formatMoney(line.amount) })),
      state: feeStates[application.payment_state] ?? application.payment_state, refunded: application.refunded_pence > 0 ? formatMoney(application.refunded_pence) : null,
    },
    payments: payments.map((p) => ({
      at: formatForPeople(p.created_at, timeZone), amount: formatMoney(p.amount_pence), how: p.channel === 'counter' ? 'At the counter' : 'Online, by card',
      state: paymentStates[p.state] ?? p.state,
    })),
    decision: decision?.decision ? {
      outcome: decision.decision === 'approved' ? 'Approved' : 'Refused',
      lines: (decision.decision_text ?? '').split('\n').map((line) => line.trim()).filter(Boolean),
      valid: decision.valid_from && decision.valid_until ? `${day(decision.valid_from)} to ${day(decision.valid_until)}` : null,
      at: decision.decided_at ? formatForPeople(decision.decided_at, timeZone) : '',
      by: await options.names(decision.decided_by ?? ''),
      appealUntil: definition.appealDays && decision.decided_at ? day(appealEndsOn(decision.decided_at, definition.appealDays, timeZone)) : null,
    } : null,
    appealDays: definition.appealDays ?? null,
    licences: licences.map((l) => ({
      id: l.id, number: l.number, status: capital(l.status), valid: `${date(l.valid_from)} to ${date(lastDayOf(l.valid_until))}`,
      verifyHref: `/verify/${l.token}`, pdfHref: `/licences/${encodeURIComponent(l.number)}/pdf`,
    })),
    canAct: options.canAct, canDecide: options.canDecide && !decision?.decision, canRequestInformation: options.canRequestInformation,
    counterPaymentDue: options.canAct && application.payment_state === 'due',
    changeable: changeableItems(definition, answers, documents),
  };
}

function Summary({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return <dl class="summary compact">{rows.map(([label, value]) => <><dt key={`t-${label}`}>{label}</dt><dd key={`d-${label}`}>{value}</dd></>)}</dl>;
}

/** The officer's request for more information: which answers or documents to change, and a message. */
export function RequestInformationForm({ view, csrf, idempotencyKey, errors = {}, values = { items: [], message: '' } }: {
  view: Pick<ApplicationPanelView, 'caseId' | 'changeable'>; csrf: string; idempotencyKey: string; errors?: Record<string, string>; values?: { items: string[]; message: string };
}) {
  return (
    <form method="post" action={`/staff/applications/${view.caseId}/request-information`} novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="idempotency_key" value={idempotencyKey} />
      {view.changeable.length > 0 && (
        <div class={errors.info_items ? 'field-error' : undefined}>
          <fieldset class="choices" aria-describedby={errors.info_items ? 'info_items-error' : 'info_items-hint'}>
            <legend>What the applicant should change</legend>
            <span class="hint" id="info_items-hint">Tick each answer or document; the applicant's email and page name them.</span>
            {errors.info_items && <span class="error-message" id="info_items-error">Error: {errors.info_items}</span>}
            {view.changeable.map((item, n) => (
              <div class="choice" key={item.key}>
                <input type="checkbox" id={n === 0 ? 'info_items' : `info_items-${n + 1}`} name="items" value={item.key} checked={values.items.includes(item.key)} />
                <label for={n === 0 ? 'info_items' : `info_items-${n + 1}`}>{item.label}</label>
              </div>
            ))}
          </fieldset>
        </div>
      )}
      <div class={errors.info_message ? 'field-error' : undefined}>
        <label for="info_message">Message to the applicant</label>
        <span class="hint" id="info_message-hint">Say what you need and why. The statutory clock stops until they reply. At most {MAX_MESSAGE.toLocaleString('en-GB')} characters.</span>
        {errors.info_message && <span class="error-message" id="info_message-error">Error: {errors.info_message}</span>}
        <textarea id="info_message" name="message" rows={4} aria-describedby={errors.info_message ? 'info_message-hint info_message-error' : 'info_message-hint'}
          aria-invalid={errors.info_message ? 'true' : undefined}>{values.message}</textarea>
      </div>
      <button type="submit" class="secondary">Ask for more information</button>
    </form>
  );
}

/** A message to the applicant on the case's thread. */
export function ApplicantMessageForm({ caseId, csrf, idempotencyKey, error, message = '' }: { caseId: number; csrf: string; idempotencyKey: string; error?: string; message?: string }) {
  return (
    <form method="post" action={`/staff/applications/${caseId}/message`} novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="idempotency_key" value={idempotencyKey} />
      <div class={error ? 'field-error' : undefined}>
        <label for="applicant_message">Message to the applicant</label>
        <span class="hint" id="applicant_message-hint">Emailed to them and shown on their application's page.</span>
        {error && <span class="error-message" id="applicant_message-error">Error: {error}</span>}
        <textarea id="applicant_message" name="message" rows={3} aria-describedby={error ? 'applicant_message-hint applicant_message-error' : 'applicant_message-hint'}
          aria-invalid={error ? 'true' : undefined}>{message}</textarea>
      </div>
      <button type="submit" class="secondary">Send the message</button>
    </form>
  );
}

export function ApplicationPanel({ view: v, csrf, idempotencyKey }: { view: ApplicationPanelView; csrf: string; idempotencyKey: string }) {
  return (
    <section aria-labelledby="application-heading" class="application-panel">
      <h2 id="application-heading">Application</h2>
      <Summary rows={[
        ['Applied for', `${v.service} (form version ${v.formVersion})`],
        ["Applicant's language", v.language],
        ['Fee', <>{v.fee.total}: {v.fee.state}{v.fee.refunded && <>, {v.fee.refunded} refunded</>}</>],
        ...(v.decision ? [['Decision', `${v.decision.outcome}, ${v.decision.at}`] as [string, string]] : []),
      ]} />
      {v.canDecide && <p><a class="button" href={`/staff/applications/${v.caseId}/decision`} id="decide-link">Decide: approve or refuse</a></p>}

      <h3>Answers</h3>
      {v.sections.length === 0 ? <p class="hint">No answers.</p> : v.sections.map((section) => (
        <div key={section.title}>
          <h4>{section.title}</h4>
          <dl class="summary compact">
            {section.rows.map((row, n) => <><dt key={`t-${n}`}>{row.label}</dt><dd key={`d-${n}`}>{row.value.map((line, m) => <span class="block" key={m}><bdi>{line}</bdi></span>)}</dd></>)}
          </dl>
        </div>
      ))}

      <h3>Documents</h3>
      {v.documents.length === 0 ? <p class="hint">No documents.</p> : (
        <ul>{v.documents.map((d) => <li key={d.href}><a href={d.href}><bdi>{d.filename}</bdi></a> ({d.type}, {d.size}) for “{d.question}”. Passed the safety check.</li>)}</ul>
      )}
      {v.refusedDocuments.length > 0 && (
        <p class="hint">Refused by the safety check and not kept: {v.refusedDocuments.map((d) => `${d.filename} (${d.at})`).join('; ')}. The applicant was told.</p>
      )}

      <h3>Fee and payments</h3>
      {v.fee.lines.length === 0 ? <p>No fee.</p> : (
        <dl class="summary compact">
          {v.fee.lines.map((line, n) => <><dt key={`t-${n}`}>{line.label}</dt><dd key={`d-${n}`}>{line.amount}</dd></>)}
          <dt>Total, as calculated when sent</dt><dd><strong>{v.fee.total}</strong></dd>
        </dl>
      )}
      {v.payments.length === 0 ? <p class="hint">No payment yet.</p> : (
        <ul>{v.payments.map((p, n) => <li key={n}>{p.amount}, {p.how.toLowerCase()}, {p.at}: <strong>{p.state}</strong></li>)}</ul>
      )}
      {v.payments.length > 0 && <p><a href={`/staff/applications/${v.caseId}/payments`}>Payments and refunds</a></p>}
      {v.counterPaymentDue && (
        <form method="post" action={`/staff/applications/${v.caseId}/counter-payment`} novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <button type="submit" class="secondary" id="counter-payment">Record {v.fee.total} paid at the counter</button>
          <span class="hint">Only once the money is taken: it is recorded with your name.</span>
        </form>
      )}

      {v.decision && (
        <>
          <h3>Decision</h3>
          <Summary rows={[
            ['Outcome', v.decision.outcome],
            [v.decision.outcome === 'Approved' ? 'Conditions' : 'Reasons', v.decision.lines.length === 0 ? 'None' : <ul>{v.decision.lines.map((line, n) => <li key={n}>{line}</li>)}</ul>],
            ...(v.decision.valid ? [['Valid', v.decision.valid] as [string, string]] : []),
            ['Decided', `${v.decision.at} by ${v.decision.by}`],
            ...(v.decision.appealUntil ? [['Appeal or objection until', v.decision.appealUntil] as [string, string]] : []),
          ]} />
        </>
      )}
      {v.licences.length > 0 && (
        <>
          <h3>Licences</h3>
          <ul>{v.licences.map((l) => (
            <li key={l.id}><a href={`/staff/licences/${l.id}`}>{l.number}</a>: {l.status}, valid {l.valid}.{' '}
              <a href={l.pdfHref}>PDF<span class="visually-hidden"> of {l.number}</span></a> · <a href={l.verifyHref}>What /verify says<span class="visually-hidden"> about {l.number}</span></a> ·{' '}
              <a href={`/staff/licences/${l.id}`}>Suspend, reinstate or revoke<span class="visually-hidden"> {l.number}</span></a></li>
          ))}</ul>
        </>
      )}

      {v.canAct && (
        <>
          {v.canRequestInformation && (
            <details>
              <summary>Ask the applicant for more information</summary>
              <RequestInformationForm view={v} csrf={csrf} idempotencyKey={`${idempotencyKey}-info`} />
            </details>
          )}
          <details>
            <summary>Write to the applicant</summary>
            <ApplicantMessageForm caseId={v.caseId} csrf={csrf} idempotencyKey={`${idempotencyKey}-message`} />
          </details>
        </>
      )}
    </section>
  );
}
