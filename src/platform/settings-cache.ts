/**
 * Settings that every submission reads (services and their questions, workflows, routing rules,
 * departments, calendars, message templates) change rarely, so each process keeps what it read.
 * A kept value is used only while the database's settings generation (migration 018: a number
 * the database itself changes with every change to those tables) is the one it was read at, so
 * a change made by any process, or the CLI, is seen at once. Checking costs one primary-key read,
 * once per transaction.
 */
import { compiledOnce } from '../db/compiled.js';
import type { DB } from '../db/connection.js';

/** The database behind a Kysely instance or any of its transactions (they share one adapter). */
const databaseOf = (db: DB): object => db.getExecutor().adapter;

const perTransaction = new WeakMap<DB, Promise<number>>();

/** Read by every submission, in and out of its transaction: compiled once. */
const generationQuery = compiledOnce((db: DB) => db.selectFrom('settings_generation').select('generation').where('id', '=', 1));

const readGeneration = async (db: DB): Promise<number> => Number((await generationQuery(db))[0]?.generation ?? 0);

/** The current settings generation; read once per transaction (a transaction sees its own changes). */
export function settingsGeneration(db: DB): Promise<number> {
  if (!db.isTransaction) return readGeneration(db);
  let generation = perTransaction.get(db);
  if (!generation) perTransaction.set(db, (generation = readGeneration(db)));
  return generation;
}

/**
 * Moves the settings generation on, for a change to settings whose tables have no trigger (or a
 * change made in bulk): a number drawn at random, as the triggers do, so a rolled-back change
 * leaves nothing a later one could reuse.
 */
/**
 * Takes the settings write lock for the rest of the transaction: a write to the generation row
 * (which leaves it as it is), so a writer of settings (whose triggers move that row) waits until
 * this transaction ends, on PostgreSQL by the row's lock and on SQLite by the database's.
 */
export async function lockSettings(trx: DB): Promise<void> {
  await trx.updateTable('settings_generation').set((eb) => ({ generation: eb.ref('generation') })).where('id', '=', 1).execute();
}

export async function bumpSettingsGeneration(trx: DB): Promise<void> {
  await trx.updateTable('settings_generation').set({ generation: Math.floor(Math.random() * Number.MAX_SAFE_INTEGER) }).where('id', '=', 1).execute();
}

export interface SettingsCache<A extends unknown[], T> {
  (db: DB, ...args: A): Promise<T>;
  /** Forgets every kept value (tests). */
  clear(): void;
}

/**
 * `load`, kept per database and per distinct arguments (compared as JSON) while the settings
 * generation stays the same. A load that fails is not kept. At most `max` values per database.
 */
export function settingsCache<A extends unknown[], T>(load: (db: DB, ...args: A) => Promise<T>, max = 1000): SettingsCache<A, T> {
  let byDatabase = new WeakMap<object, { generation: number; values: Map<string, Promise<T>> }>();
  const cached = async (db: DB, ...args: A): Promise<T> => {
    const generation = await settingsGeneration(db);
    const database = databaseOf(db);
    let kept = byDatabase.get(database);
    if (!kept || kept.generation !== generation) byDatabase.set(database, (kept = { generation, values: new Map() }));
    const key = JSON.stringify(args);
    const hit = kept.values.get(key);
    if (hit) return hit;
    if (kept.values.size >= max) kept.values.clear();
    const values = kept.values;
    const value = load(db, ...args);
    values.set(key, value);
    value.catch(() => {
      if (values.get(key) === value) values.delete(key);
    });
    return value;
  };
  cached.clear = () => {
    byDatabase = new WeakMap();
  };
  return cached;
}
