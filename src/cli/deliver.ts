/** townhall deliver: the outbox's delivery loop, apart from the web servers. */
import { loadConfig } from '../config.js';
import { runDeliveryWorker } from '../notifications/worker.js';
import type { CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export async function run(context: CommandContext): Promise<number> {
  // The web servers create the schema; a worker started before them says so, rather than fail every second.
  await withDatabase(context, async (db) => {
    await requireSchema(db);
    return 0;
  });
  return runDeliveryWorker(loadConfig(context.env));
}
