/** SQL for application forms, drafts, applications, documents and payments: nothing else touches these tables. */
import type { DB } from '../db/connection.js';
import type { ApplicationDocumentTable, ApplicationDraftTable, ApplicationPaymentTable } from '../db/schema.js';
import type { Insertable, Selectable } from 'kysely';

export type DocumentRow = Selectable<ApplicationDocumentTable>;
export type PaymentRow = Selectable<ApplicationPaymentTable>;

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
  return db.selectFrom('applications').select(['decision', 'decision_text', 'valid_from', 'valid_until', 'decided_at']).where('case_id', '=', caseId).executeTakeFirst();
}
