/**
 * Seeds the demo in a worker thread, so the server that asked keeps none of what seeding takes:
 * a year of history is read, parsed and submitted case by case, and the memory that takes (the
 * parsed sample, the statements, the demo's modules, SQLite's and V8's working space) would stay
 * with a long-running server for hours after. A thread's memory goes when it ends.
 *
 * The thread opens its own connection to the same database (a file or PostgreSQL); settings the
 * server has cached are seen to change by their generation (platform/settings-cache.ts), as for
 * any other process. An in-memory SQLite database cannot be shared: it is seeded in place.
 * A seed that fails in the thread fails the start with the thread's error, as one in place would.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { openDatabase, type DB } from '../db/connection.js';
import { makeKeyring, type Keyring } from '../platform/crypto.js';
import { seedDemoIfEmpty, type SeedResult } from './seed.js';

interface Job { config: Config; current: Uint8Array; others: Uint8Array[] }
type Answer = { seeded: SeedResult | null } | { error: { message: string; stack?: string } };

/** Seeds an empty database with the demo, in a worker thread when the database can be shared. */
export async function seedDemoApart(db: DB, config: Config, keyring: Keyring): Promise<SeedResult | null> {
  // Compiled, the release; as TypeScript (tests, development under tsx) a thread could not load
  // this module on Node 20, and the memory it saves matters only to the release.
  if (config.databaseUrl === 'sqlite::memory:' || !import.meta.url.endsWith('.js')) return seedDemoIfEmpty(db, config, keyring);
  const others = [...keyring.keys.values()].filter((key) => key !== keyring.current.key);
  const job: Job = { config, current: keyring.current.key, others };
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.once('message', (answer: Answer) => {
      answered = true;
      if ('seeded' in answer) resolve(answer.seeded);
      else reject(Object.assign(new Error(answer.error.message), { stack: answer.error.stack }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`The demo could not be loaded: its worker stopped (exit code ${code}).`));
    });
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

if (!isMainThread && parentPort && (workerData as Partial<Job> | null)?.config) {
  parentPort.postMessage(await seedHere(workerData as Job));
}
