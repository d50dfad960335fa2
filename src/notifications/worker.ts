/**
 * `townhall deliver`: the delivery loop on its own, until SIGTERM or SIGINT. For councils who run
 * delivery apart from the web servers (and for the crash test). It does not migrate: run
 * `townhall migrate` (or serve) first. Several may run at once on PostgreSQL.
 */
import { pino } from 'pino';
import type { Config } from '../config.js';
import { openDatabase, type DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { loadKeys } from '../platform/keys.js';
import { configuredChannels, startDelivery, type ChannelWorker } from './delivery.js';

/** `moreChannels`: outbox kinds sent by modules above this one (webhooks, client mode's forwarded cases), given the worker's database and keys. */
export async function runDeliveryWorker(config: Config, options: { everyMs?: number; moreChannels?: (db: DB, keyring: Keyring) => ChannelWorker[] } = {}): Promise<number> {
  const log = pino({ level: config.logLevel, name: 'deliver' });
  const keys = loadKeys(config.databaseUrl);
  const db = openDatabase(config.databaseUrl, { poolSize: 2 });
  const workers = [...configuredChannels(config, keys.keyring, log), ...(options.moreChannels?.(db, keys.keyring) ?? [])];
  const delivery = startDelivery({ db, keyring: keys.keyring, config, log }, { everyMs: options.everyMs ?? 1_000, workers });
  log.info('delivery worker started; stop it with Ctrl-C or SIGTERM');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await delivery.stop();
  await db.destroy();
  log.info('delivery worker stopped');
  return 0;
}
