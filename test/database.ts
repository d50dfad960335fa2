/**
 * Fresh databases for tests. Each test gets its own SQLite file or PostgreSQL database, so test
 * files can run in parallel. Migrating costs more than most tests, so it runs once per set of
 * migrations: SQLite tests copy a migrated template file, PostgreSQL tests clone a migrated
 * template database (CREATE DATABASE ... TEMPLATE).
 *
 * Which databases: TOWNHALL_TEST_DATABASES=sqlite, =postgres or =sqlite,postgres (the test tiers
 * set it); unset, SQLite always and PostgreSQL when TOWNHALL_TEST_POSTGRES_URL names a server.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
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

// Every app a test builds, and every server process it starts (they inherit the environment),
// keeps its compressed assets in one folder instead of compressing them at each start
// (web/routes.tsx): half a second of CPU a process, a few hundred processes a run.
process.env.TOWNHALL_ASSET_CACHE_DIR ??= join(tmpdir(), 'townhall-test-assets');

export function databasesUnderTest(): DatabaseUnderTest[] {
  const chosen = process.env.TOWNHALL_TEST_DATABASES;
  if (!chosen) return postgresUrl ? [{ name: 'sqlite' }, { name: 'postgres' }] : [{ name: 'sqlite' }];
  const names = chosen.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (name !== 'sqlite' && name !== 'postgres') throw new Error(`TOWNHALL_TEST_DATABASES: '${name}' is neither sqlite nor postgres`);
  }
  if (names.includes('postgres') && !postgresUrl) throw new Error('TOWNHALL_TEST_DATABASES asks for postgres, but TOWNHALL_TEST_POSTGRES_URL is not set');
  return names.map((name) => ({ name: name as DatabaseUnderTest['name'] }));
}

export async function createTestDatabase(database: DatabaseUnderTest, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate !== false;
  return database.name === 'sqlite' ? createSqliteDatabase(migrate) : createPostgresDatabase(migrate);
}

/** Names the current set of migrations, so a template is rebuilt whenever one changes. */
const migrationsHash = (() => {
  const hash = createHash('sha256');
  const folder = fileURLToPath(new URL('../src/db/migrations/', import.meta.url));
  for (const file of readdirSync(folder).sort()) hash.update(file).update(readFileSync(join(folder, file)));
  hash.update(readFileSync(fileURLToPath(new URL('../src/db/migrate.ts', import.meta.url))));
  return hash.digest('hex').slice(0, 16);
})();

async function createSqliteDatabase(migrate: boolean): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-test-'));
  const file = join(dir, 'townhall.db');
  if (migrate) copyFileSync(await sqliteTemplate(), file);
  const url = `sqlite:${file}`;
  const db = openDatabase(url);
  return { db, url, env: { DATABASE_URL: url }, cleanup: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
}

let sqliteTemplatePath: Promise<string> | undefined;

/**
 * A migrated SQLite file shared by every test process of this set of migrations. Built under a
 * name of its own and renamed into place, so a process that starts meanwhile never copies half.
 */
function sqliteTemplate(): Promise<string> {
  sqliteTemplatePath ??= (async () => {
    const path = join(tmpdir(), `townhall-test-template-${migrationsHash}.db`);
    if (existsSync(path)) return path;
    const building = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    const db = openDatabase(`sqlite:${building}`);
    await migrateToLatest(db);
    await db.destroy(); // closing checkpoints the write-ahead log into the file
    renameSync(building, path);
    return path;
  })();
  return sqliteTemplatePath;
}

const adminQuery = async (text: string): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
};

async function createPostgresDatabase(migrate: boolean): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error('TOWNHALL_TEST_POSTGRES_URL is not set');
  const name = `townhall_testdb_${randomBytes(6).toString('hex')}`;
  await adminQuery(migrate ? `create database ${name} template ${await postgresTemplate()}` : `create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString(), { poolSize: 5 });
  return {
    db, url: url.toString(), schema: 'public',
    env: { DATABASE_URL: url.toString(), TOWNHALL_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    cleanup: async () => {
      await db.destroy();
      await dropDatabase(name);
    },
  };
}

let postgresTemplateName: Promise<string> | undefined;

/**
 * A migrated database that every test of this set of migrations clones. Test processes start
 * together, so one builds it under an advisory lock while the others wait for it.
 */
function postgresTemplate(): Promise<string> {
  postgresTemplateName ??= (async () => {
    const template = `townhall_template_${migrationsHash}`;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(`select pg_advisory_lock(hashtext('townhall test template'))`);
      const found = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (found.rowCount === 0) {
        // Built under another name and renamed when complete: a run stopped half-way leaves
        // no half-migrated template behind for the next run to trust.
        const building = `${template}_building`;
        await client.query(`drop database if exists ${building}`);
        await client.query(`create database ${building}`);
        const url = new URL(postgresUrl!);
        url.pathname = `/${building}`;
        const db = openDatabase(url.toString(), { poolSize: 1 });
        try {
          await migrateToLatest(db);
        } finally {
          await db.destroy();
        }
        await renameWhenClosed(client, building, template);
      }
      return template;
    } finally {
      await client.query(`select pg_advisory_unlock(hashtext('townhall test template'))`).catch(() => {});
      await client.end();
    }
  })();
  return postgresTemplateName;
}

/** The server may still be closing the migration's connections for a moment (55006: in use). */
async function renameWhenClosed(client: pg.Client, from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`alter database ${from} rename to ${to}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Drops a test's database. A process the test started may still hold a connection as it exits:
 * those are ended (ours to end; `with (force)` would also need rights over the server's own
 * autovacuum workers, which a plain drop stops by itself).
 */
async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`drop database if exists ${name}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and usename = current_user', [name]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await client.end();
  }
}
