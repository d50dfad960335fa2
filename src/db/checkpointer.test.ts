import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { checkpointInBackground } from './checkpointer.js';
import { openDatabase, type DB } from './connection.js';

describe('WAL checkpoints in a worker thread', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'townhall-checkpointer-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Commits about 100 pages to the log, in ten changes: well under what makes the writer checkpoint by itself. */
  const writePages = async (db: DB) => {
    for (let change = 0; change < 10; change++) {
      await db.transaction().execute(async (trx) => {
        for (let row = 0; row < 20; row++) await sql`insert into notes (body) values (${'x'.repeat(2_000)})`.execute(trx);
      });
    }
  };
  const fileBytes = (file: string) => statSync(file).size;

  test('committed pages reach the database file without the server checkpointing, and the data stays whole', async () => {
    const file = join(dir, 'background.db');
    const db = openDatabase(`sqlite:${file}`);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    const checkpointer = checkpointInBackground(db, 20);
    assert.ok(checkpointer, 'a SQLite file is checkpointed in the background');
    const before = fileBytes(file);
    await writePages(db);
    let grown = false;
    for (let wait = 0; wait < 100 && !grown; wait++) {
      await sleep(20);
      grown = fileBytes(file) >= before + 200 * 2_000;
    }
    assert.ok(grown, `the worker copied the log into the file (${before} -> ${fileBytes(file)} bytes)`);
    await checkpointer.stop();
    await checkpointer.stop(); // a second stop is harmless
    const { rows } = await sql<{ n: number }>`select count(*) as n from notes`.execute(db);
    assert.equal(rows[0]?.n, 200);
    await db.destroy();
  });

  test('without it, the same changes stay in the log (so the test above sees the worker\'s copy)', async () => {
    const file = join(dir, 'writer.db');
    const db = openDatabase(`sqlite:${file}`);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    const before = fileBytes(file);
    await writePages(db);
    await sleep(200);
    assert.ok(fileBytes(file) < before + 200 * 2_000, 'nothing checkpointed a log of about 100 pages');
    await db.destroy();
  });

  test('nothing to do for an in-memory database', () => {
    const db = openDatabase('sqlite::memory:');
    assert.equal(checkpointInBackground(db), null);
    return db.destroy();
  });
});
