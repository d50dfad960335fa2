/** SQL for departments, users and their one-time links. Nothing else touches these tables. */
import type { DB } from '../db/connection.js';
import type { UserTable } from '../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

export async function findDepartment(db: DB, code: string) {
  return db.selectFrom('departments').selectAll().where('code', '=', code).executeTakeFirst();
}

/** By numeric id, as `townhall departments list` prints it. */
export async function findDepartmentById(db: DB, id: number) {
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDepartment(trx: DB, code: string, name: string, at: string) {
  return trx.insertInto('departments').values({ code, name, created_at: at }).returningAll().executeTakeFirstOrThrow();
}

export async function findUserByEmailHash(db: DB, emailHash: string) {
  return db.selectFrom('users').selectAll().where('email_hash', '=', emailHash).executeTakeFirst();
}

export async function findUser(db: DB, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(trx: DB, row: Insertable<UserTable>) {
  return trx.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(trx: DB, id: number, changes: Updateable<UserTable>) {
  return trx.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function selectUsers(db: DB) {
  return db.selectFrom('users').leftJoin('departments', 'departments.id', 'users.department_id')
    .selectAll('users').select('departments.code as department_code').orderBy('users.id').execute();
}

export async function insertToken(trx: DB, row: { token_hash: string; user_id: number; purpose: string; expires_at: string }) {
  await trx.insertInto('user_tokens').values({ ...row, used_at: null }).execute();
}

export async function findToken(db: DB, tokenHash: string) {
  return db.selectFrom('user_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function markTokenUsed(trx: DB, tokenHash: string, at: string): Promise<boolean> {
  const result = await trx.updateTable('user_tokens').set({ used_at: at }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(trx: DB, userId: number, codeHashes: string[]) {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codeHashes.length) await trx.insertInto('recovery_codes').values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
}

/** Marks one unused recovery code used; false when there is no such unused code. */
export async function useRecoveryCode(trx: DB, userId: number, codeHash: string, at: string): Promise<boolean> {
  const result = await trx.updateTable('recovery_codes').set({ used_at: at })
    .where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserWithDepartment(db: DB, id: number) {
  return db.selectFrom('users').leftJoin('departments', 'departments.id', 'users.department_id')
    .selectAll('users').select('departments.code as department_code').where('users.id', '=', id).executeTakeFirst();
}

export async function deleteLinks(trx: DB, userId: number) {
  await trx.deleteFrom('user_tokens').where('user_id', '=', userId).execute();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** One-time links of one purpose that could still be used: how many a person already has waiting. */
export async function countLiveTokens(db: DB, userId: number, purpose: string, now: string): Promise<number> {
  const row = await db.selectFrom('user_tokens').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks every unused link of these purposes used, so none of them works any more. */
export async function useUpTokens(trx: DB, userId: number, purposes: string[], at: string): Promise<void> {
  await trx.updateTable('user_tokens').set({ used_at: at })
    .where('user_id', '=', userId).where('purpose', 'in', purposes).where('used_at', 'is', null).execute();
}

/** Records that the person proved they read this email address; false when it was already recorded. */
export async function markEmailVerified(trx: DB, userId: number, at: string): Promise<boolean> {
  const result = await trx.updateTable('users').set({ email_verified_at: at, updated_at: at })
    .where('id', '=', userId).where('email_verified_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function unusedRecoveryCodes(db: DB, userId: number): Promise<string[]> {
  const rows = await db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  return rows.map((r) => r.code_hash);
}
