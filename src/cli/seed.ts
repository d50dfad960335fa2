/** townhall seed --demo: the demo city, into a database that has no services yet (or --force). */
import { migrateToLatest } from '../db/migrate.js';
import { seedDemo, seedDemoIfEmpty } from '../demo/seed.js';
import { loadKeys } from '../platform/keys.js';
import type { CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values } = context;
  return withDatabase(context, async (db, config) => {
    if (values.demo !== true) return context.usageError('Say which data to load: --demo is the only data set for now.');
    await migrateToLatest(db);
    const { keyring } = loadKeys(config.databaseUrl, context.env);
    const result = values.force === true ? await seedDemo(db, config, keyring) : await seedDemoIfEmpty(db, config, keyring);
    if (!result) {
      context.say('The database already has services, so the demo was not loaded. Use --force to add it anyway.');
      return 1;
    }
    context.say(`Loaded ${result.services} services, ${result.requests} historic requests and ${result.people} demo accounts for ${config.jurisdiction.name}.`);
    return 0;
  });
}
