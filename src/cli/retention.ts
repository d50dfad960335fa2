/** townhall retention run: what the server does hourly, on demand. */
import { migrateToLatest } from '../db/migrate.js';
import { anonymiseExpiredReporters } from '../requests/retention.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  return withDatabase(context, async (db, config) => {
    if (context.positionals[0] !== 'run') return context.usageError('The only retention action is "run".');
    await migrateToLatest(db);
    const result = await anonymiseExpiredReporters(db, config.jurisdiction.id, { actor: CLI_ACTOR });
    context.say(result.ran ? `Deleted the contact details of ${result.anonymised} reporters whose retention period had ended.` : 'Another process is running retention now; nothing was done.');
    return 0;
  });
}
