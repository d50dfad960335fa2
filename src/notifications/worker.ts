/**
 * `townhall deliver`: the delivery loop on its own, until SIGTERM or SIGINT. For councils who run
 * delivery apart from the web servers (and for the crash test). It does not migrate: run
 * `townhall migrate` (or serve) first. Several may run at once on PostgreSQL.
 */
import { pino } from 'pino';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { loadKeys } from '../platform/keys.js';
import { startDelivery } from './delivery.js';

export async function runDeliveryWorker(config: Config, options: { everyMs?: number } = {}): Promise<number> {
  const log = pino({ level: config.logLevel, name: 'deliver' });
  const keys = loadKeys(config.databaseUrl);
  const db = openDatabase(config.databaseUrl, { poolSize: 2 });
  const delivery = startDelivery({ db, keyring: keys.keyring, config, log }, { everyMs: options.everyMs ?? 1_000 });
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
