/**
 * Opens the database named by DATABASE_URL: embedded SQLite (one file, the default) or
 * PostgreSQL (for several app processes). This is the one place where the two differ at run
 * time: both hand times back as ISO 8601 UTC strings and counts as numbers.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Compilable, type CompiledQuery } from 'kysely';
import { GroupCommitDriver } from './group-commit.js';
import type { Database } from './schema.js';

export type DB = Kysely<Database>;
export type DialectName = 'sqlite' | 'postgres';

export interface OpenOptions {
  /** PostgreSQL only: run in this schema (tests give each file its own). */
  schema?: string;
  /** PostgreSQL only: most connections in the pool. */
  poolSize?: number;
}

/**
 * The PostgreSQL client, loaded only when a PostgreSQL database is opened: a server on SQLite
 * (the default) never holds it in memory. Synchronous, as opening a database is (pg is CommonJS).
 */
export const loadPg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;
const NUMERIC = 1700;

export function openDatabase(databaseUrl: string, options: OpenOptions = {}): DB {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length));
  return openPostgres(databaseUrl, options);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Kysely instance, whatever its tables
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A safe description of where the data is, for logs: never the password. */
export function describeDatabase(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) return `SQLite file ${resolve(databaseUrl.slice(7))}`;
  const url = new URL(databaseUrl);
  return `PostgreSQL database ${url.pathname.slice(1)} on ${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

function openSqlite(path: string): DB {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // No busy wait of SQLite's own on the writing connection: it would stop the event loop, and with
  // it whoever holds the lock in this process. Group commit waits for the lock (group-commit.ts).
  database.pragma('busy_timeout = 0');
  const statements = withStatementCache(database);
  // Reads outside a change use their own connection; an in-memory database has only the one.
  const reader = path === ':memory:' ? null : withStatementCache(openReader(path));
  // Kysely's own SQLite dialect, with a driver that lets changes waiting for the connection share one commit.
  const sqlite = new SqliteDialect({ database: statements as unknown as SQLite.Database });
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => sqlite.createAdapter(),
      createDriver: () => new GroupCommitDriver(statements, reader),
      createQueryCompiler: () => sqlite.createQueryCompiler(),
      createIntrospector: (db) => sqlite.createIntrospector(db),
    },
  });
  sqliteWriters.set(db, {
    file: path === ':memory:' ? path : resolve(path),
    checkpointEvery: (pages) => { database.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(pages))}`); },
  });
  if (reader) {
    sqliteArrayReaders.set(db, (query) => {
      // The cached statement is shared with ordinary reads: raw only for this one synchronous call.
      const statement = reader.prepare(query.sql);
      statement.raw(true);
      try { return statement.all(query.parameters) as unknown[][]; } finally { statement.raw(false); }
    });
  }
  return db;
}

/** Each SQLite database's reads as arrays of values, from its reading connection (none in memory). */
const sqliteArrayReaders = new WeakMap<DB, (query: CompiledQuery) => unknown[][]>();

/**
 * The rows of a read, shaped by `shape` from the values in the order of the select list. For
 * reads of very many rows (the open-data exports): better-sqlite3 builds an object per row
 * property by property, which costs about as much as reading the row; arrays shaped by a fixed
 * literal cost a fraction of that. Elsewhere (PostgreSQL, an in-memory database) the query
 * simply runs and its rows are given as they come.
 */
export async function selectShaped<T>(db: DB, query: Compilable & { execute(): Promise<unknown[]> }, shape: (values: unknown[]) => T): Promise<T[]> {
  const readArrays = sqliteArrayReaders.get(db);
  if (!readArrays) return (await query.execute()) as T[];
  return readArrays(query.compile()).map(shape);
}

/** The writing connection of each SQLite database: its file, and how often it checkpoints by itself (db/checkpointer.ts). */
const sqliteWriters = new WeakMap<DB, { file: string; checkpointEvery(pages: number): void }>();
export const sqliteWriterOf = (db: DB) => sqliteWriters.get(db);

function openReader(path: string): SQLite.Database {
  const reader = new SQLite(path, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  return reader;
}

/**
 * Kysely prepares every statement afresh, which costs more than running it. Townhall's queries
 * come from a fixed set of shapes, so prepared statements are kept and reused (Kysely runs one
 * statement at a time on the single SQLite connection, so reuse is safe).
 */
function withStatementCache(database: SQLite.Database, limit = 500) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = database.prepare(text);
        if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** How each PostgreSQL database was opened, so a dedicated client (LISTEN) can connect the same way. */
const postgresSettings = new WeakMap<DB, pg.ClientConfig>();
export const postgresClientConfig = (db: DB): pg.ClientConfig | undefined => postgresSettings.get(db);

function openPostgres(url: string, options: OpenOptions): DB {
  const isoTime = (text: string) => new Date(text.includes('+') || text.endsWith('Z') ? text : `${text}Z`).toISOString();
  const settings: pg.ClientConfig = {
    connectionString: url,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pg = loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return isoTime;
        if (oid === INT8 || oid === NUMERIC) return Number;
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  postgresSettings.set(db, settings);
  return db;
}

/** True when the database answers a trivial query (used by /readyz). */
export async function isReachable(db: DB): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** The database refused a row because a unique index already holds its key (either database). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
