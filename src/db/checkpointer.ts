/**
 * WAL checkpoints off the event loop, for a server on SQLite. SQLite copies the write-ahead log
 * back into the database file (a checkpoint) in whichever connection commits when the log passes
 * 1,000 pages, and with synchronous=NORMAL that copy syncs the log and the file to disk: measured
 * here, 7-45 ms for 370 pages, during which the server's one thread answers nobody, every few
 * hundred submissions. So a server hands checkpoints to a worker thread with its own connection
 * to the file, which checkpoints (PASSIVE: it never waits for, nor blocks, a writer or reader)
 * every CHECKPOINT_EVERY_MS; the writing connection only checkpoints itself, as before, if the
 * log reaches WRITER_FALLBACK_PAGES (the worker stopped or cannot keep up), so the log stays
 * bounded either way. Durability is SQLite's own: a checkpoint moves committed pages only.
 *
 * The thread runs a few lines of CommonJS given as text (a thread cannot load TypeScript on
 * Node 20, and the release has no separate file for it); it holds no request data.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteWriterOf, type DB } from './connection.js';

export const CHECKPOINT_EVERY_MS = 500;
/** About 40 MB of log at 4 KB pages (some 1,700 submissions): a safety net, not reached while the worker keeps up. */
export const WRITER_FALLBACK_PAGES = 10_000;

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
let timer = null;
const checkpoint = () => {
  // Busy (another connection checkpoints at this moment) or anything else: try again next time.
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  timer = setTimeout(checkpoint, workerData.everyMs);
};
timer = setTimeout(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Checkpoints once more, closes the worker's connection and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `db`'s file in a worker thread; null for PostgreSQL or an in-memory
 * SQLite database (nothing to checkpoint). Stop it before the database is closed.
 */
export function checkpointInBackground(db: DB, everyMs = CHECKPOINT_EVERY_MS): Checkpointer | null {
  const writer = sqliteWriterOf(db);
  if (!writer || writer.file === ':memory:') return null;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { file: writer.file, driver, nativeBinding: nativeBindingOf(driver), everyMs },
  });
  // A process that forgets to stop it still ends: the thread keeps nothing alive.
  worker.unref();
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A thread that fails (it could not open the file) leaves the writer to checkpoint for itself.
  worker.on('error', () => writer.checkpointEvery(1_000));
  writer.checkpointEvery(WRITER_FALLBACK_PAGES);
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        worker.ref();
        worker.postMessage('stop');
        await ended;
        writer.checkpointEvery(1_000);
      })();
      return stopping;
    },
  };
}

/**
 * The native part of the driver as this thread resolves it, for the worker to load the same one: a
 * thread does not share the module hooks of the thread that starts it (the Node 24 test runner
 * swaps in a build for its ABI through such a hook). Null where the driver keeps it elsewhere: the
 * worker then finds it as the driver does.
 */
function nativeBindingOf(driver: string): string | null {
  try {
    return createRequire(driver).resolve('../build/Release/better_sqlite3.node');
  } catch {
    return null;
  }
}
