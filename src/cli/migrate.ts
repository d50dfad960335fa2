/** townhall migrate: brings the schema up to date. */
import { describeDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import type { CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  return withDatabase(context, async (db, config) => {
    const ran = await migrateToLatest(db);
    context.say(ran.length > 0 ? `Ran ${ran.join(', ')} on the ${describeDatabase(config.databaseUrl)}.` : 'The database is already up to date.');
    return 0;
  });
}
