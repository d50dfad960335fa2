import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { compiledInsertMany, compiledOnce, compiledPerShape } from './compiled.js';
import type { DB } from './connection.js';

for (const database of databasesUnderTest()) {
  describe(`queries compiled once (${database.name})`, () => {
    let testDatabase: TestDatabase;
    let db: DB;
    before(async () => {
      testDatabase = await createTestDatabase(database);
      db = testDatabase.db;
      for (const [code, name] of [['first', 'First'], ['second', 'Second']] as const) {
        await db.insertInto('departments').values({ code, name, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
      }
    });
    after(() => testDatabase.cleanup());

    // A constant (the 'Second' name) stays in place; the two values go where they were given.
    const byCodeOrId = compiledOnce((db: DB, code: string, id: number) => db.selectFrom('departments').select(['code', 'name'])
      .where((eb) => eb.or([eb('code', '=', code), eb.and([eb('id', '=', id), eb('name', '=', 'Second')])])).orderBy('code'));

    test('each run gets its own values, in their places, as the builder would', async () => {
      const second = (await db.selectFrom('departments').select('id').where('code', '=', 'second').executeTakeFirstOrThrow()).id;
      assert.deepEqual(await byCodeOrId(db, 'first', -1), [{ code: 'first', name: 'First' }]);
      assert.deepEqual(await byCodeOrId(db, 'none', second), [{ code: 'second', name: 'Second' }]);
      assert.deepEqual(await byCodeOrId(db, 'first', second), [{ code: 'first', name: 'First' }, { code: 'second', name: 'Second' }]);
      assert.deepEqual(await byCodeOrId(db, 'none', -1), []);
    });

    test('inside a transaction, it sees the transaction\'s own changes', async () => {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('departments').values({ code: 'third', name: 'Third', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
        assert.deepEqual(await byCodeOrId(trx, 'third', -1), [{ code: 'third', name: 'Third' }]);
        await sql`select 1`.execute(trx);
      });
    });

    // Each set of columns is its own statement; a column given as undefined is left out, so its default applies.
    const insertDepartment = compiledPerShape((db: DB, row: { code: string; name: string; created_at: string; updated_at: string; assignment?: 'none' | 'round_robin' | 'least_loaded' }) =>
      db.insertInto('departments').values(row).returning(['code', 'name', 'assignment']));

    test('an insert compiled per set of columns puts each row\'s values in their columns', async () => {
      const at = '2026-01-01T00:00:00.000Z';
      assert.deepEqual(await insertDepartment(db, { code: 'fourth', name: 'Fourth', created_at: at, updated_at: at, assignment: 'round_robin' }),
        [{ code: 'fourth', name: 'Fourth', assignment: 'round_robin' }]);
      assert.deepEqual(await insertDepartment(db, { name: 'Fifth', code: 'fifth', updated_at: at, created_at: at, assignment: undefined }),
        [{ code: 'fifth', name: 'Fifth', assignment: 'none' }]);
      assert.deepEqual(await insertDepartment(db, { code: 'sixth', name: 'Sixth', created_at: at, updated_at: at, assignment: 'least_loaded' }),
        [{ code: 'sixth', name: 'Sixth', assignment: 'least_loaded' }]);
    });

    // One statement per number of rows; each row's values go to its own row, in column order whatever the keys' order.
    const insertDepartments = compiledInsertMany((db: DB, rows: Array<{ code: string; name: string; created_at: string; updated_at: string }>) =>
      db.insertInto('departments').values(rows).returning(['code', 'name']));

    test('a multi-row insert compiled per number of rows puts each row\'s values in its row', async () => {
      const at = '2026-01-01T00:00:00.000Z';
      const row = (code: string) => ({ name: code.toUpperCase(), code, updated_at: at, created_at: at });
      assert.deepEqual(await insertDepartments(db, [row('r1'), row('r2')]), [{ code: 'r1', name: 'R1' }, { code: 'r2', name: 'R2' }]);
      assert.deepEqual(await insertDepartments(db, [row('r3')]), [{ code: 'r3', name: 'R3' }]);
      assert.deepEqual(await insertDepartments(db, [row('r4'), row('r5')]), [{ code: 'r4', name: 'R4' }, { code: 'r5', name: 'R5' }]);
      const many = Array.from({ length: 20 }, (_, i) => row(`m${i}`));
      assert.deepEqual(await insertDepartments(db, many), many.map((r) => ({ code: r.code, name: r.name })));
    });

    test('a value the SQL never uses is refused, not silently dropped', async () => {
      const ignoring = compiledOnce((db: DB, _code: string) => db.selectFrom('departments').select('code'));
      await assert.rejects(ignoring(db, 'first'), /does not reach its SQL/);
    });
  });
}
