/**
 * Seeds the demo in a child process, so the server that asked keeps none of what seeding takes:
 * a year of history is read, parsed and submitted case by case, and the memory that takes (the
 * parsed sample, the statements, the demo's modules, SQLite's and V8's working space) would stay
 * with a long-running server for hours after. A process's memory all goes when it ends; a worker
 * thread's does not: the native libraries it loads (sharp's libvips for the demo's photos, argon2
 * for the demo accounts, about 11 MB) and the malloc arena it used stay with the server.
 *
 * The child opens its own connection to the same database (a file or PostgreSQL); settings the
 * server has cached are seen to change by their generation (platform/settings-cache.ts), as for
 * any other process. An in-memory SQLite database cannot be shared: it is seeded in place.
 * A seed that fails in the thread fails the start with the thread's error, as one in place would.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { openDatabase, type DB } from '../db/connection.js';
import { makeKeyring, type Keyring } from '../platform/crypto.js';
import { seedDemoIfEmpty, type SeedResult } from './seed.js';

interface Job { config: Config; current: Uint8Array; others: Uint8Array[] }
type Answer = { seeded: SeedResult | null } | { error: { message: string; stack?: string } };

/** Set in the child's environment, so the module knows to seed when it is started as one. */
const CHILD_FLAG = 'TOWNHALL_DEMO_SEED_CHILD';

/** Seeds an empty database with the demo, in a child process when the database can be shared. */
export async function seedDemoApart(db: DB, config: Config, keyring: Keyring): Promise<SeedResult | null> {
  // Compiled, the release; as TypeScript (tests, development under tsx) the child would need tsx,
  // and the memory it saves matters only to the release.
  if (config.databaseUrl === 'sqlite::memory:' || !import.meta.url.endsWith('.js')) return seedDemoIfEmpty(db, config, keyring);
  const others = [...keyring.keys.values()].filter((key) => key !== keyring.current.key);
  const job: Job = { config, current: keyring.current.key, others };
  // The keys go over the IPC channel, never in the child's arguments or environment.
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CHILD_FLAG]: '1' }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let answered = false;
    child.once('message', (answer: Answer) => {
      answered = true;
      if ('seeded' in answer) resolve(answer.seeded);
      else reject(Object.assign(new Error(answer.error.message), { stack: answer.error.stack }));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`The demo could not be loaded: the process that loads it stopped (exit code ${code}).`));
    });
    child.send(job);
  });
}

async function seedHere({ config, current, others }: Job): Promise<Answer> {
  const db = openDatabase(config.databaseUrl);
  try {
    const keyring = makeKeyring(Buffer.from(current), others.map((key) => Buffer.from(key)));
    return { seeded: await seedDemoIfEmpty(db, config, keyring) };
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    return { error: { message, ...(stack ? { stack } : {}) } };
  } finally {
    await db.destroy();
  }
}

if (process.env[CHILD_FLAG] === '1' && process.send) {
  process.once('message', (job: Job) => {
    void seedHere(job).then((answer) => process.send!(answer, () => process.disconnect()));
  });
}
