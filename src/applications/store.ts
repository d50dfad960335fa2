/** SQL for application forms, drafts, applications, documents and payments: nothing else touches these tables. */
import type { DB } from '../db/connection.js';
import type { ApplicationDocumentTable, ApplicationDraftTable, ApplicationPaymentTable, ApplicationRefundTable } from '../db/schema.js';
import type { Insertable, Selectable } from 'kysely';

export type DocumentRow = Selectable<ApplicationDocumentTable>;
export type PaymentRow = Selectable<ApplicationPaymentTable>;
export type RefundRow = Selectable<ApplicationRefundTable>;

// ==== forms ====
export async function latestFormVersion(db: DB, jurisdictionId: string, serviceCode: string) {
  return db.selectFrom('application_forms').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode)
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function formById(db: DB, jurisdictionId: string, id: number) {
  return db.selectFrom('application_forms').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
}

export async function insertForm(trx: DB, row: { jurisdiction_id: string; service_code: string; version: number; definition: string; published_at: string; published_by: string }) {
  return trx.insertInto('application_forms').values(row).returning(['id', 'version']).executeTakeFirstOrThrow();
}

/** The services that take applications, each with its newest form. */
export async function applicationServices(db: DB, jurisdictionId: string) {
  return db.selectFrom('application_forms as f')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'f.jurisdiction_id').onRef('s.code', '=', 'f.service_code'))
    .select(['f.service_code', 'f.id', 'f.version', 'f.definition', 's.active'])
    .where('f.jurisdiction_id', '=', jurisdictionId)
    .where((eb) => eb('f.version', '=', eb.selectFrom('application_forms as g').select((g) => g.fn.max('g.version').as('v'))
      .whereRef('g.jurisdiction_id', '=', 'f.jurisdiction_id').whereRef('g.service_code', '=', 'f.service_code')))
    .orderBy('f.service_code').execute();
}

// ==== drafts ====
export async function insertDraft(trx: DB, row: Insertable<ApplicationDraftTable>) {
  await trx.insertInto('application_drafts').values(row).execute();
}

export async function findDraft(db: DB, jurisdictionId: string, id: string) {
  return db.selectFrom('application_drafts').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
}

export async function draftsOfUser(db: DB, jurisdictionId: string, userId: number) {
  return db.selectFrom('application_drafts as d').innerJoin('application_forms as f', 'f.id', 'd.form_id')
    .select(['d.id', 'd.updated_at', 'f.service_code', 'f.definition'])
    .where('d.jurisdiction_id', '=', jurisdictionId).where('d.user_id', '=', userId).where('d.case_id', 'is', null)
    .orderBy('d.updated_at', 'desc').limit(50).execute();
}

export async function saveDraftAnswers(trx: DB, id: string, answers: string, contactEmailHash: string | null, at: string): Promise<void> {
  await trx.updateTable('application_drafts').set({ answers, contact_email_hash: contactEmailHash, updated_at: at }).where('id', '=', id).where('case_id', 'is', null).execute();
}

/** Every draft (sent or not), by id, a batch at a time: for re-sealing under a new key. */
export async function draftsAfter(db: DB, afterId: string, limit: number) {
  return db.selectFrom('application_drafts').select(['id', 'answers']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export async function resealDraft(trx: DB, id: string, answers: string, contactEmailHash: string | null): Promise<void> {
  await trx.updateTable('application_drafts').set({ answers, contact_email_hash: contactEmailHash }).where('id', '=', id).execute();
}

export async function unsentDraftsBefore(db: DB, jurisdictionId: string, cutoff: string): Promise<string[]> {
  return (await db.selectFrom('application_drafts').select('id').where('jurisdiction_id', '=', jurisdictionId).where('case_id', 'is', null)
    .where('updated_at', '<', cutoff).orderBy('updated_at').limit(1000).execute()).map((r) => r.id);
}

export async function unsentDraftsWithContact(db: DB, jurisdictionId: string, emailHash: string): Promise<string[]> {
  return (await db.selectFrom('application_drafts').select('id').where('jurisdiction_id', '=', jurisdictionId).where('case_id', 'is', null)
    .where('contact_email_hash', '=', emailHash).execute()).map((r) => r.id);
}

/** Deletes an unsent draft and its documents' rows; their storage keys, or null when it was sent or gone. */
export async function deleteUnsentDraft(trx: DB, id: string): Promise<string[] | null> {
  const documents = await trx.deleteFrom('application_documents').where('draft_id', '=', id)
    .where((eb) => eb.exists(eb.selectFrom('application_drafts').select('id').where('id', '=', id).where('case_id', 'is', null)))
    .returning('storage_key').execute();
  const removed = await trx.deleteFrom('application_drafts').where('id', '=', id).where('case_id', 'is', null).executeTakeFirst();
  return Number(removed.numDeletedRows) === 1 ? documents.map((d) => d.storage_key) : null;
}

/** An officer's unsent assisted drafts, newest first. */
export async function assistedDraftsOf(db: DB, jurisdictionId: string, officer: number) {
  return db.selectFrom('application_drafts as d').innerJoin('application_forms as f', 'f.id', 'd.form_id')
    .select(['d.id', 'd.updated_at', 'd.channel', 'f.service_code', 'f.definition'])
    .where('d.jurisdiction_id', '=', jurisdictionId).where('d.assisted_by', '=', officer).where('d.case_id', 'is', null)
    .orderBy('d.updated_at', 'desc').limit(50).execute();
}

export async function setResumeToken(trx: DB, id: string, tokenHash: string, expiresAt: string): Promise<void> {
  await trx.updateTable('application_drafts').set({ resume_token_hash: tokenHash, resume_expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Uses an emailed link's token once: the draft it opens, or nothing (unknown, used, expired or sent). */
export async function takeResumeToken(trx: DB, jurisdictionId: string, tokenHash: string, now: string) {
  const draft = await trx.selectFrom('application_drafts').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('resume_token_hash', '=', tokenHash).executeTakeFirst();
  if (!draft) return undefined;
  await trx.updateTable('application_drafts').set({ resume_token_hash: null, resume_expires_at: null }).where('id', '=', draft.id).execute();
  if (draft.case_id !== null || !draft.resume_expires_at || new Date(draft.resume_expires_at).toISOString() <= now) return undefined;
  return draft;
}

export async function markDraftSent(trx: DB, id: string, caseId: number): Promise<number> {
  const result = await trx.updateTable('application_drafts').set({ case_id: caseId, resume_token_hash: null, resume_expires_at: null })
    .where('id', '=', id).where('case_id', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ==== applications ====
export async function insertApplication(trx: DB, row: {
  case_id: number; form_id: number; draft_id: string; answers: string; language: string; fee_pence: number; fee_lines: string;
  payment_state: 'not_due' | 'due' | 'paid'; user_id: number | null; created_at: string;
  renews_licence_id?: number | null; channel?: 'web' | 'api' | 'phone' | 'counter'; assisted_by?: number | null;
}): Promise<void> {
  await trx.insertInto('applications').values(row).execute();
}

/** Sent applications whose stored answers do not match a pattern (not sealed, or not with the current key), by case id, a batch at a time. */
export async function applicationAnswersNotLike(db: DB, pattern: string, afterCaseId: number, limit: number) {
  return db.selectFrom('applications').select(['case_id', 'answers']).where('answers', 'not like', pattern).where('case_id', '>', afterCaseId)
    .orderBy('case_id').limit(limit).execute();
}

/** Replaces an application's stored answers with the same answers sealed anew, unless they changed meanwhile. */
export async function resealApplicationAnswers(trx: DB, caseId: number, stored: string, sealed: string): Promise<boolean> {
  const result = await trx.updateTable('applications').set({ answers: sealed }).where('case_id', '=', caseId).where('answers', '=', stored).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findApplication(db: DB, jurisdictionId: string, caseId: number) {
  return db.selectFrom('applications as a')
    .innerJoin('cases as c', 'c.id', 'a.case_id')
    .innerJoin('application_forms as f', 'f.id', 'a.form_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['a.case_id', 'a.form_id', 'a.draft_id', 'a.answers', 'a.language', 'a.fee_pence', 'a.fee_lines', 'a.payment_state', 'a.refunded_pence', 'a.user_id', 'a.created_at',
      'c.state', 'c.status', 'c.service_code', 'c.requested_at', 'c.department_id', 's.name as service_name', 'f.definition', 'f.version'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('a.case_id', '=', caseId).executeTakeFirst();
}

export async function applicationsOfUser(db: DB, jurisdictionId: string, userId: number) {
  return db.selectFrom('applications as a').innerJoin('cases as c', 'c.id', 'a.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['a.case_id', 'a.payment_state', 'a.fee_pence', 'c.state', 'c.status', 'c.service_code', 'c.requested_at', 's.name as service_name'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('a.user_id', '=', userId).orderBy('a.case_id', 'desc').limit(100).execute();
}

/** Marks an application paid, once: true when this call did it. */
export async function markPaid(trx: DB, caseId: number): Promise<boolean> {
  const result = await trx.updateTable('applications').set({ payment_state: 'paid' }).where('case_id', '=', caseId).where('payment_state', '=', 'due').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ==== documents ====
export async function insertDocument(trx: DB, row: Insertable<ApplicationDocumentTable>): Promise<void> {
  await trx.insertInto('application_documents').values(row).execute();
}

export async function documentsOfDraft(db: DB, draftId: string): Promise<DocumentRow[]> {
  return db.selectFrom('application_documents').selectAll().where('draft_id', '=', draftId).orderBy('created_at').orderBy('id').execute();
}

export async function findDocument(db: DB, id: string) {
  return db.selectFrom('application_documents as d').innerJoin('application_drafts as r', 'r.id', 'd.draft_id')
    .select(['d.id', 'd.draft_id', 'd.field', 'd.filename', 'd.content_type', 'd.size', 'd.storage_key', 'r.user_id', 'r.case_id', 'r.jurisdiction_id'])
    .where('d.id', '=', id).executeTakeFirst();
}

/** Moves a document to another unsent draft of the same form (documents uploaded before their application, through the API). */
export async function moveDocument(trx: DB, id: string, fromDraftId: string, toDraftId: string): Promise<boolean> {
  const result = await trx.updateTable('application_documents').set({ draft_id: toDraftId }).where('id', '=', id).where('draft_id', '=', fromDraftId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteDocument(trx: DB, draftId: string, id: string): Promise<DocumentRow | undefined> {
  return trx.deleteFrom('application_documents').where('draft_id', '=', draftId).where('id', '=', id).returningAll().executeTakeFirst();
}

// ==== payments ====
export async function insertPayment(trx: DB, row: Insertable<ApplicationPaymentTable>): Promise<void> {
  await trx.insertInto('application_payments').values(row).execute();
}

export async function findPayment(db: DB, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('application_payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function paymentsOf(db: DB, caseId: number): Promise<PaymentRow[]> {
  return db.selectFrom('application_payments').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
}

/** Moves a payment out of 'created' once; false when it was already finished (a replay). */
export async function finishPayment(trx: DB, id: string, state: 'success' | 'failed' | 'cancelled', at: string): Promise<boolean> {
  const result = await trx.updateTable('application_payments').set({ state, finished_at: at }).where('id', '=', id).where('state', '=', 'created').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findPaymentByProviderId(db: DB, provider: string, providerId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('application_payments').selectAll().where('provider', '=', provider).where('provider_payment_id', '=', providerId).executeTakeFirst();
}

/** The payment that paid an application (there is at most one). */
export async function successfulPayment(db: DB, caseId: number): Promise<PaymentRow | undefined> {
  return db.selectFrom('application_payments').selectAll().where('case_id', '=', caseId).where('state', '=', 'success').executeTakeFirst();
}

// ==== refunds ====
/**
 * Sets aside a refund's amount on a paid application, once: false when it would take the
 * refunds past what was paid. One conditional update, so two refunds at once cannot both pass.
 */
export async function reserveRefund(trx: DB, caseId: number, amount: number): Promise<boolean> {
  const result = await trx.updateTable('applications').set((eb) => ({ refunded_pence: eb('refunded_pence', '+', amount) }))
    .where('case_id', '=', caseId).where('payment_state', '=', 'paid').where((eb) => eb(eb('refunded_pence', '+', amount), '<=', eb.ref('fee_pence'))).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives back a refund's amount the provider did not refund. */
export async function releaseRefund(trx: DB, caseId: number, amount: number): Promise<void> {
  await trx.updateTable('applications').set((eb) => ({ refunded_pence: eb('refunded_pence', '-', amount) })).where('case_id', '=', caseId).execute();
}

export async function insertRefund(trx: DB, row: Insertable<ApplicationRefundTable>): Promise<void> {
  await trx.insertInto('application_refunds').values(row).execute();
}

export async function refundByKey(db: DB, idempotencyKey: string): Promise<RefundRow | undefined> {
  return db.selectFrom('application_refunds').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

/** Records what the provider said of a refund, once (a refund leaves 'submitted' only here). */
export async function finishRefund(trx: DB, id: string, change: { status: 'submitted' | 'success' | 'error'; provider_refund_id: string | null; finished_at: string | null }): Promise<boolean> {
  const result = await trx.updateTable('application_refunds').set(change).where('id', '=', id).where('status', '=', 'submitted').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function refundsOf(db: DB, caseId: number): Promise<RefundRow[]> {
  return db.selectFrom('application_refunds').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

// ==== reconciliation ====
/** Successful payments finished in [from, to), with their service. */
export async function paymentsFinishedBetween(db: DB, jurisdictionId: string, from: string, to: string) {
  return db.selectFrom('application_payments as p').innerJoin('cases as c', 'c.id', 'p.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['p.id', 'p.case_id', 'p.channel', 'p.provider', 'p.amount_pence', 'p.finished_at', 'c.service_code', 's.name as service_name'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('p.state', '=', 'success').where('p.finished_at', '>=', from).where('p.finished_at', '<', to)
    .orderBy('p.finished_at').execute();
}

/** Refunds done (success) in [from, to), with their service. */
export async function refundsFinishedBetween(db: DB, jurisdictionId: string, from: string, to: string) {
  return db.selectFrom('application_refunds as r').innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['r.id', 'r.case_id', 'r.provider', 'r.amount_pence', 'r.finished_at', 'c.service_code', 's.name as service_name'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('r.status', '=', 'success').where('r.finished_at', '>=', from).where('r.finished_at', '<', to)
    .orderBy('r.finished_at').execute();
}

/** Applications made in [from, to) with a fee, and the fee as calculated. */
export async function feesCalculatedBetween(db: DB, jurisdictionId: string, from: string, to: string) {
  return db.selectFrom('applications as a').innerJoin('cases as c', 'c.id', 'a.case_id')
    .innerJoin('services as s', (j) => j.onRef('s.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('s.code', '=', 'c.service_code'))
    .select(['a.case_id', 'a.fee_pence', 'c.service_code', 's.name as service_name'])
    .where('c.jurisdiction_id', '=', jurisdictionId).where('a.created_at', '>=', from).where('a.created_at', '<', to).execute();
}

/** Who an application belongs to: its account, or the draft a guest's browser holds. */
export async function applicationOwner(db: DB, jurisdictionId: string, caseId: number) {
  return db.selectFrom('applications as a').innerJoin('cases as c', 'c.id', 'a.case_id')
    .select(['a.case_id', 'a.user_id', 'a.draft_id']).where('c.jurisdiction_id', '=', jurisdictionId).where('a.case_id', '=', caseId).executeTakeFirst();
}

export async function recordDecision(trx: DB, caseId: number, decision: { decision: 'approved' | 'refused'; decision_text: string; valid_from: string | null; valid_until: string | null; decided_by: string; decided_at: string }): Promise<boolean> {
  const result = await trx.updateTable('applications').set(decision).where('case_id', '=', caseId).where('decision', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function decisionOf(db: DB, caseId: number) {
  return db.selectFrom('applications').select(['decision', 'decision_text', 'valid_from', 'valid_until', 'decided_at', 'decided_by']).where('case_id', '=', caseId).executeTakeFirst();
}

// ==== the form editor's drafts ====
export async function findFormDraft(db: DB, jurisdictionId: string, serviceCode: string) {
  return db.selectFrom('application_form_drafts').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
}

export async function formDrafts(db: DB, jurisdictionId: string) {
  return db.selectFrom('application_form_drafts').select(['service_code', 'definition', 'based_on_version', 'updated_at', 'updated_by']).where('jurisdiction_id', '=', jurisdictionId).execute();
}

/** Every published version's number per service (the editor's list). */
export async function latestVersions(db: DB, jurisdictionId: string) {
  return db.selectFrom('application_forms').select(['service_code', (eb) => eb.fn.max('version').as('version')])
    .where('jurisdiction_id', '=', jurisdictionId).groupBy('service_code').execute();
}

export async function insertFormDraft(trx: DB, row: { jurisdiction_id: string; service_code: string; definition: string; based_on_version: number | null; updated_at: string; updated_by: string }): Promise<void> {
  await trx.insertInto('application_form_drafts').values(row).execute();
}

export async function updateFormDraft(trx: DB, jurisdictionId: string, serviceCode: string, definition: string, at: string, by: string): Promise<number> {
  const result = await trx.updateTable('application_form_drafts').set({ definition, updated_at: at, updated_by: by })
    .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function deleteFormDraft(trx: DB, jurisdictionId: string, serviceCode: string): Promise<number> {
  const result = await trx.deleteFrom('application_form_drafts').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
  return Number(result.numDeletedRows);
}
