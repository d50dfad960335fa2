/** SQL for departments, users and their one-time links. Nothing else touches these tables. */
import type { DB } from '../db/connection.js';
import type { UserTable } from '../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

export async function findDepartment(db: DB, code: string) {
  return db.selectFrom('departments').selectAll().where('code', '=', code).executeTakeFirst();
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
