/** townhall retention run: what the server does hourly, on demand. */
import { migrateToLatest } from '../db/migrate.js';
import { diskStorage } from '../applications/storage.js';
import { anonymiseExpiredReporters } from '../jobs/retention.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  return withDatabase(context, async (db, config) => {
    if (context.positionals[0] !== 'run') return context.usageError('The only retention action is "run".');
    await migrateToLatest(db);
    const result = await anonymiseExpiredReporters(db, config.jurisdiction.id, { actor: CLI_ACTOR, applicationDocuments: diskStorage(config.documentsDir) });
    context.say(result.ran ? `Deleted the contact details of ${result.anonymised} reporters whose retention period had ended${result.applicationDrafts > 0 ? `, and ${result.applicationDrafts} application drafts never sent` : ''}.` : 'Another process is running retention now; nothing was done.');
    return 0;
  });
}
