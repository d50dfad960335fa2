/**
 * The SQL of licences, their signing keys and the register settings: nothing else touches
 * these tables.
 */
import type { Selectable } from 'kysely';
import { compiledOnce } from '../db/compiled.js';
import { dialectOf, type DB } from '../db/connection.js';
import type { LicenceTable } from '../db/schema.js';

export type LicenceRow = Selectable<LicenceTable>;
export type LicenceStatus = 'issued' | 'suspended' | 'revoked' | 'expired';

// ---- signing keys ----

export const signingKeys = (db: DB) => db.selectFrom('licence_signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();

export const currentSigningKeyRow = (db: DB) => db.selectFrom('licence_signing_keys').selectAll()
  .where('current', '=', 1).orderBy('created_at', 'desc').limit(1).executeTakeFirst();

export const signingKeyRow = (db: DB, kid: string) => db.selectFrom('licence_signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();

export async function insertSigningKey(trx: DB, row: { kid: string; publicJwk: string; privateKey: string; at: string }): Promise<void> {
  await trx.updateTable('licence_signing_keys').set({ current: 0, retired_at: row.at }).where('current', '=', 1).execute();
  await trx.insertInto('licence_signing_keys').values({ kid: row.kid, public_jwk: row.publicJwk, private_key: row.privateKey, current: 1, created_at: row.at, retired_at: null }).execute();
}

// ---- licences ----

export async function insertLicence(trx: DB, row: Omit<LicenceRow, 'id' | 'reminders_sent'>): Promise<number> {
  return (await trx.insertInto('licences').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export const setLicenceCredential = (trx: DB, id: number, number: string, token: string) =>
  trx.updateTable('licences').set({ number, token }).where('id', '=', id).execute();

export const licenceById = (db: DB, jurisdictionId: string, id: number) =>
  db.selectFrom('licences').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();

/** The one indexed lookup /verify makes (the unique index on number), compiled once: it is the hot path. */
const statusByNumber = compiledOnce((db: DB, number: string) =>
  db.selectFrom('licences').select(['id', 'status', 'status_reason', 'token', 'jurisdiction_id', 'valid_until']).where('number', '=', number));
export const licenceStatusByNumber = async (db: DB, number: string) => (await statusByNumber(db, number))[0];

export const licenceByNumber = (db: DB, jurisdictionId: string, number: string) =>
  db.selectFrom('licences').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('number', '=', number).executeTakeFirst();

export const licencesOfCase = (db: DB, jurisdictionId: string, caseId: number) =>
  db.selectFrom('licences').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('case_id', '=', caseId).orderBy('id').execute();

/** Locks the row on PostgreSQL (SQLite's write transaction already serialises writers). */
export const licenceForUpdate = (trx: DB, jurisdictionId: string, id: number) =>
  trx.selectFrom('licences').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).$call((q) => (dialectOf(trx) === 'postgres' ? q.forUpdate() : q)).executeTakeFirst();

export const setLicenceStatus = (trx: DB, id: number, status: LicenceStatus, reason: string | null, at: string) =>
  trx.updateTable('licences').set({ status, status_reason: reason, updated_at: at }).where('id', '=', id).execute();

/** Issued or suspended licences whose validity has ended (at or before `at`), soonest first. */
export const licencesEndingBefore = (db: DB, jurisdictionId: string, at: string, limit: number) =>
  db.selectFrom('licences').selectAll().where('status', 'in', ['issued', 'suspended']).where('valid_until', '<=', at)
    .where('jurisdiction_id', '=', jurisdictionId).orderBy('valid_until').orderBy('id').limit(limit).execute();

/** Issued licences ending after `from` and before `to`, by end then id, after a keyset position. */
export const issuedEndingBetween = (db: DB, jurisdictionId: string, from: string, to: string, limit: number, after?: { validUntil: string; id: number }) =>
  db.selectFrom('licences').selectAll().where('status', '=', 'issued').where('valid_until', '>', from).where('valid_until', '<', to)
    .where('jurisdiction_id', '=', jurisdictionId)
    .$if(after !== undefined, (q) => q.where((eb) => eb.or([eb('valid_until', '>', after!.validUntil), eb.and([eb('valid_until', '=', after!.validUntil), eb('id', '>', after!.id)])])))
    .orderBy('valid_until').orderBy('id').limit(limit).execute();

export const setRemindersSent = (trx: DB, id: number, sent: number[]) =>
  trx.updateTable('licences').set({ reminders_sent: JSON.stringify(sent) }).where('id', '=', id).execute();

// ---- the public register ----

export const registerSettings = (db: DB, jurisdictionId: string) =>
  db.selectFrom('licence_register_settings').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('public_register', '=', 1).execute();

export const registerSetting = (db: DB, jurisdictionId: string, serviceCode: string) =>
  db.selectFrom('licence_register_settings').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();

export async function saveRegisterSetting(trx: DB, row: { jurisdictionId: string; serviceCode: string; publicRegister: boolean; publishHolderName: boolean }): Promise<void> {
  const values = { public_register: row.publicRegister ? 1 : 0, publish_holder_name: row.publishHolderName ? 1 : 0 };
  await trx.insertInto('licence_register_settings').values({ jurisdiction_id: row.jurisdictionId, service_code: row.serviceCode, ...values })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code']).doUpdateSet(values)).execute();
}

export interface RegisterQuery {
  jurisdictionId: string;
  serviceCodes: string[];
  /** Words matched against the number, the service, what is permitted (and the holder where published). */
  search?: string;
  searchHolderIn?: string[];
  limit: number;
  offset: number;
}

function registerWhere(db: DB, q: RegisterQuery) {
  let query = db.selectFrom('licences').where('jurisdiction_id', '=', q.jurisdictionId).where('service_code', 'in', q.serviceCodes)
    .where('status', 'in', ['issued', 'suspended', 'revoked', 'expired']);
  const words = (q.search ?? '').trim();
  if (words) {
    const like = `%${words.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([
      eb(eb.fn('lower', ['number']), 'like', like),
      eb(eb.fn('lower', ['service_name']), 'like', like),
      eb(eb.fn('lower', ['permits']), 'like', like),
      ...((q.searchHolderIn ?? []).length > 0 ? [eb.and([eb('service_code', 'in', q.searchHolderIn!), eb(eb.fn('lower', ['holder_name']), 'like', like)])] : []),
    ]));
  }
  return query;
}

export const registerPage = (db: DB, q: RegisterQuery) => registerWhere(db, q)
  .select(['id', 'number', 'service_code', 'service_name', 'holder_name', 'permits', 'conditions', 'valid_from', 'valid_until', 'status', 'issued_at'])
  .orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();

export const registerCount = async (db: DB, q: RegisterQuery) =>
  Number((await registerWhere(db, q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
