/**
 * Reporters' contact details, sealed before they reach the database and opened only for those
 * who need them. Rotation re-seals every stored value under the current key.
 */
import type { DB } from '../db/connection.js';
import { appendAudit } from '../audit/audit.js';
import { lookupHash, makeKeyring, open, seal, sealedWith, type Keyring } from '../platform/crypto.js';
import { insertAction } from './store.js';
import type { ReporterContact } from './types.js';

const fields = {
  email: 'email', first_name: 'firstName', last_name: 'lastName', phone: 'phone', device_id: 'deviceId', account_id: 'accountId',
} as const;
type Column = keyof typeof fields;
const columns = Object.keys(fields) as Column[];
const context = (column: Column) => `case_reporters.${column}`;

export type SealedReporter = Record<Column, string | null> & { email_hash: string | null };

export function hasContact(contact: ReporterContact | null): contact is ReporterContact {
  return contact !== null && columns.some((column) => contact[fields[column]]);
}

export function sealReporter(keyring: Keyring, contact: ReporterContact): SealedReporter {
  const row = { email_hash: contact.email ? lookupHash(keyring, 'email', contact.email) : null } as SealedReporter;
  for (const column of columns) {
    const value = contact[fields[column]];
    row[column] = value ? seal(keyring, context(column), value) : null;
  }
  return row;
}

export function openReporter(keyring: Keyring, row: Record<Column, string | null>): ReporterContact {
  const contact: ReporterContact = {};
  for (const column of columns) {
    const value = row[column];
    contact[fields[column]] = value === null ? null : open(keyring, context(column), value);
  }
  return contact;
}

/**
 * Re-seals every reporter's details under the keyring's current key (and seals any left in
 * clear by an older version), in batches, each batch in its own transaction.
 * Returns how many rows changed.
 */
export async function resealReporters(db: DB, keyring: Keyring, batchSize = 500): Promise<number> {
  let changed = 0;
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('case_reporters').selectAll().where('case_id', '>', after).orderBy('case_id').limit(batchSize).execute();
    if (rows.length === 0) return changed;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const stale = columns.some((column) => row[column] !== null && sealedWith(row[column] as string) !== keyring.current.id);
        if (!stale) continue;
        const clear: Record<Column, string | null> = { ...row };
        for (const column of columns) {
          const value = row[column];
          clear[column] = value === null ? null : sealedWith(value) === null ? value : open(keyring, context(column), value);
        }
        const contact = Object.fromEntries(columns.map((column) => [fields[column], clear[column]])) as ReporterContact;
        await trx.updateTable('case_reporters').set(sealReporter(keyring, contact)).where('case_id', '=', row.case_id).execute();
        changed++;
      }
    });
    after = rows[rows.length - 1]?.case_id ?? after;
  }
}

/**
 * Deletes a case's reporter details and records why, on the case (a non-public action) and in
 * the audit trail. Call inside a transaction.
 */
export async function removeReporter(trx: DB, caseId: number, removal: { action: 'reporter_anonymised' | 'reporter_erased'; reason: string; actor: string; at: string }): Promise<void> {
  await trx.deleteFrom('case_reporters').where('case_id', '=', caseId).execute();
  await insertAction(trx, {
    caseId, action: removal.action, actor: removal.actor, idempotencyKey: null, status: null, state: null, description: null,
    mediaUrl: null, details: { reason: removal.reason }, isPublic: false, at: removal.at,
  });
  await appendAudit(trx, {
    actor: removal.actor, action: `service_request.${removal.action}`, entityType: 'service_request', entityId: String(caseId), after: { reason: removal.reason },
  });
}

export interface ReportedCase {
  caseId: number;
  /** 'service_request' or 'application'. */
  kind: string;
  serviceCode: string;
  requestedAt: string;
  contact: ReporterContact;
}

/** The cases a person reported, found by the keyed hash of their email, with their details opened. */
export async function casesReportedBy(db: DB, keyring: Keyring, jurisdictionId: string, email: string): Promise<ReportedCase[]> {
  const hashes = [...new Set([...keyring.keys.values()].map((key) => lookupHash(makeKeyring(key), 'email', email)))];
  const rows = await db.selectFrom('case_reporters')
    .innerJoin('cases', 'cases.id', 'case_reporters.case_id')
    .selectAll('case_reporters').select(['cases.service_code', 'cases.requested_at', 'cases.kind'])
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .where('case_reporters.email_hash', 'in', hashes)
    .orderBy('case_reporters.case_id')
    .execute();
  return rows.map((row) => ({ caseId: row.case_id, kind: row.kind, serviceCode: row.service_code, requestedAt: row.requested_at, contact: openReporter(keyring, row) }));
}

/** A case's reporter details, opened; null when there are none (a guest gave none, or they were erased). */
export async function contactForCase(db: DB, keyring: Keyring, caseId: number): Promise<ReporterContact | null> {
  const row = await db.selectFrom('case_reporters').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  if (!row) return null;
  const contact = openReporter(keyring, row);
  return hasContact(contact) ? contact : null;
}

/** What a case-update message needs of the reporter: their email address, opened, and whether they unsubscribed from this case. */
export async function reporterToTell(db: DB, keyring: Keyring, caseId: number): Promise<{ email: string | null; unsubscribed: boolean; language: string | null } | null> {
  const row = await db.selectFrom('case_reporters').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  if (!row) return null;
  return { email: openReporter(keyring, row).email ?? null, unsubscribed: row.unsubscribed_at !== null, language: row.language };
}
