/** townhall deliver: the outbox's delivery loop, apart from the web servers. */
import { loadConfig } from '../config.js';
import { forwardingChannel } from '../forwarding/send.js';
import { runDeliveryWorker } from '../notifications/worker.js';
import { webhookWorker } from '../webhooks/worker.js';
import type { CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export async function run(context: CommandContext): Promise<number> {
  // The web servers create the schema; a worker started before them says so, rather than fail every second.
  await withDatabase(context, async (db) => {
    await requireSchema(db);
    return 0;
  });
  // The delivery loop's timers do not hold a process open (they run beside the web server too),
  // so this command holds it open itself until a signal stops the worker.
  const keepOpen = setInterval(() => {}, 2 ** 30);
  try {
    const config = loadConfig(context.env);
    return await runDeliveryWorker(config, { moreChannels: (db, keyring) => [webhookWorker(db, keyring, config), forwardingChannel(db, keyring, config.outbound)] });
  } finally {
    clearInterval(keepOpen);
  }
}
