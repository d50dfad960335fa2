/**
 * Fresh databases for tests, on SQLite always and on PostgreSQL when
 * TOWNHALL_TEST_POSTGRES_URL names a server (the test script and .ci/run set it). Each test
 * gets its own SQLite file or PostgreSQL schema, so test files can run in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DB } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

export interface DatabaseUnderTest {
  name: 'sqlite' | 'postgres';
}

export interface TestDatabase {
  db: DB;
  /** A DATABASE_URL that reaches this same database (for a CLI or a second app process). */
  url: string;
  /** Environment for a townhall process on this database (PostgreSQL needs its key given). */
  env: Record<string, string>;
  /** PostgreSQL schema, passed to openDatabase by anything else that connects. */
  schema?: string;
  cleanup(): Promise<void>;
}

export const postgresUrl = process.env.TOWNHALL_TEST_POSTGRES_URL;

export function databasesUnderTest(): DatabaseUnderTest[] {
  return postgresUrl ? [{ name: 'sqlite' }, { name: 'postgres' }] : [{ name: 'sqlite' }];
}

export async function createTestDatabase(database: DatabaseUnderTest, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let result: TestDatabase;
  if (database.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'townhall-test-'));
    const url = `sqlite:${join(dir, 'townhall.db')}`;
    const db = openDatabase(url);
    result = { db, url, env: { DATABASE_URL: url }, cleanup: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  } else {
    if (!postgresUrl) throw new Error('TOWNHALL_TEST_POSTGRES_URL is not set');
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const db = openDatabase(postgresUrl, { schema, poolSize: 5 });
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    result = {
      db, url: url.toString(), schema,
      env: { DATABASE_URL: url.toString(), TOWNHALL_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
      cleanup: async () => {
        await db.destroy();
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  }
  if (options.migrate !== false) await migrateToLatest(result.db);
  return result;
}
