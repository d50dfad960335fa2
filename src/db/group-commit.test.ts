import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, type DB } from './connection.js';

describe('group commit on SQLite', () => {
  let dir: string;
  let file: string;
  let db: DB;
  /** Another connection to the file: it sees only what was committed. */
  let outside: SQLite.Database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'townhall-group-commit-'));
    file = join(dir, 'group.db');
    db = openDatabase(`sqlite:${file}`);
    await sql`create table changes (id integer primary key, label text not null unique)`.execute(db);
    outside = new SQLite(file, { readonly: true });
  });
  after(async () => {
    outside.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (label: string) => outside.prepare('select count(*) as n from changes where label = ?').get(label) as { n: number };

  test('changes made at once each commit, and each is saved before its call returns', async () => {
    const labels = Array.from({ length: 40 }, (_, i) => `together-${i}`);
    await Promise.all(labels.map((label) => db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values (${label})`.execute(trx);
      await sql`select count(*) from changes`.execute(trx);
    }).then(() => assert.equal(committed(label).n, 1, `${label} is saved when its commit returns`))));
    assert.equal((outside.prepare("select count(*) as n from changes where label like 'together-%'").get() as { n: number }).n, 40);
  });

  test('a change that fails leaves the others in its group alone', async () => {
    const results = await Promise.allSettled(['kept-1', 'refused', 'kept-2', 'kept-3'].map((label) => db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values (${label})`.execute(trx);
      if (label === 'refused') throw new Error('refused');
    })));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.equal(committed('refused').n, 0);
    for (const label of ['kept-1', 'kept-2', 'kept-3']) assert.equal(committed(label).n, 1);
  });

  test('a unique violation in one change refuses only that change', async () => {
    await sql`insert into changes (label) values ('taken')`.execute(db);
    const results = await Promise.allSettled(['fresh-1', 'taken', 'fresh-2'].map((label) => db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values (${label})`.execute(trx);
    })));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(committed('fresh-1').n, 1);
    assert.equal(committed('fresh-2').n, 1);
  });

  test('a change refused by a key its group took can read, outside a change, the row that took it', async () => {
    // As an idempotent retry does: the refused change's caller at once looks for the row that was there first.
    const results = await Promise.all(['same-key', 'same-key'].map((label) => db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values (${label})`.execute(trx);
    }).then(() => 'made', async () => {
      const seen = await sql<{ n: number }>`select count(*) as n from changes where label = 'same-key'`.execute(db);
      return `refused, and sees ${seen.rows[0]!.n}`;
    })));
    assert.deepEqual(results, ['made', 'refused, and sees 1']);
  });

  test('reads outside a change see only what is committed, and pragmas run outside any transaction', async () => {
    let inside = -1;
    let aside = -1;
    await db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values ('not-yet-committed')`.execute(trx);
      inside = (await sql<{ n: number }>`select count(*) as n from changes where label = 'not-yet-committed'`.execute(trx)).rows[0]!.n;
      aside = (await sql<{ n: number }>`select count(*) as n from changes where label = 'not-yet-committed'`.execute(db)).rows[0]!.n;
    });
    assert.equal(inside, 1, 'the change sees its own row');
    assert.equal(aside, 0, 'a read outside it does not, until it is committed');
    assert.equal((await sql<{ n: number }>`select count(*) as n from changes where label = 'not-yet-committed'`.execute(db)).rows[0]!.n, 1);
    const writes = Array.from({ length: 10 }, (_, i) => db.transaction().execute(async (trx) => {
      await sql`insert into changes (label) values (${`read-${i}`})`.execute(trx);
    }));
    await Promise.all([...writes, sql`pragma wal_checkpoint(truncate)`.execute(db)]);
    assert.equal((outside.prepare("select count(*) as n from changes where label like 'read-%'").get() as { n: number }).n, 10);
  });
});
