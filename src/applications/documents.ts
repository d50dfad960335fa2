/**
 * An applicant's documents: checked by their content (PDF, JPEG, PNG), limited in number per
 * question, passed to the council's scanner, then kept in the document storage with a row
 * that ties them to the draft (and so to the application it becomes).
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { safeFileName } from '../media/uploads.js';
import { conflict } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import type { Draft } from './applications.js';
import type { FieldDefinition } from './definition.js';
import { documentType, type DocumentScanner, type DocumentStorage } from './storage.js';
import * as store from './store.js';

export type DocumentOutcome = 'kept' | 'wrong_type' | 'too_many' | 'refused_by_scanner';

export const documentsOf = (db: DB, draftId: string) => store.documentsOfDraft(db, draftId);

export async function addDocument(db: DB, deps: { storage: DocumentStorage; scanner: DocumentScanner }, draft: Draft, field: FieldDefinition, upload: { bytes: Buffer; name: string }): Promise<DocumentOutcome> {
  const contentType = documentType(upload.bytes);
  if (!contentType) return 'wrong_type';
  const existing = (await store.documentsOfDraft(db, draft.id)).filter((d) => d.field === field.id);
  if (existing.length >= (field.maxFiles ?? 1)) return 'too_many';
  const filename = safeFileName(upload.name);
  const verdict = await deps.scanner({ bytes: upload.bytes, contentType, name: filename });
  const actor = draft.userId === null ? 'applicant:guest' : `user:${draft.userId}`;
  if (!verdict.clean) {
    // Kept out: never stored. The refusal is recorded, so staff can see a scanner at work.
    await appendAudit(db, { actor, action: 'application_document.refused', entityType: 'application_draft', entityId: draft.id, after: { field: field.id, filename, reason: verdict.reason } });
    return 'refused_by_scanner';
  }
  const key = await deps.storage.put(upload.bytes);
  try {
    await db.transaction().execute(async (trx) => {
      const id = randomUUID();
      await store.insertDocument(trx, { id, draft_id: draft.id, field: field.id, filename, content_type: contentType, size: upload.bytes.length, storage_key: key, created_at: nowIso() });
      await appendAudit(trx, { actor, action: 'application_document.added', entityType: 'application_draft', entityId: draft.id, after: { id, field: field.id, filename, size: upload.bytes.length } });
    });
  } catch (error) {
    // Nothing half-kept: a file whose row could not be written goes too.
    await deps.storage.remove(key);
    throw error;
  }
  return 'kept';
}

/** A document's record without its bytes: which draft and question it belongs to, and whether its application was sent. */
export async function documentRecord(db: DB, jurisdictionId: string, id: string) {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const row = await store.findDocument(db, id);
  if (!row || row.jurisdiction_id !== jurisdictionId) return undefined;
  return { id: row.id, draftId: row.draft_id, field: row.field, filename: row.filename, contentType: row.content_type, size: row.size, caseId: row.case_id };
}

/**
 * Moves documents kept in other unsent drafts (uploaded before the application they belong
 * to) into this draft, in one transaction with an audit entry each: all of them, or none.
 */
export async function moveDocuments(db: DB, draft: Draft, documents: Array<{ id: string; draftId: string }>, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const document of documents) {
      if (!(await store.moveDocument(trx, document.id, document.draftId, draft.id))) throw conflict('A document was moved or removed while the application was being sent; send it again.');
      await appendAudit(trx, { actor, action: 'application_document.moved', entityType: 'application_draft', entityId: draft.id, after: { id: document.id, from: document.draftId } });
    }
  });
}

export async function removeDocument(db: DB, storage: DocumentStorage, draft: Draft, id: string): Promise<void> {
  const removed = await db.transaction().execute(async (trx) => {
    const row = await store.deleteDocument(trx, draft.id, id);
    if (row) await appendAudit(trx, { actor: draft.userId === null ? 'applicant:guest' : `user:${draft.userId}`, action: 'application_document.removed', entityType: 'application_draft', entityId: draft.id, before: { id, field: row.field, filename: row.filename } });
    return row;
  });
  if (removed) await storage.remove(removed.storage_key);
}

/** A document's bytes and what to call it; the caller decides who may have it. */
export async function readDocument(db: DB, storage: DocumentStorage, jurisdictionId: string, id: string) {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const row = await store.findDocument(db, id);
  if (!row || row.jurisdiction_id !== jurisdictionId) return undefined;
  return { draftId: row.draft_id, caseId: row.case_id, userId: row.user_id, filename: row.filename, contentType: row.content_type, bytes: await storage.get(row.storage_key) };
}
