/** townhall privacy export|erase: a person's data rights, found by the email they reported with. */
import { diskStorage } from '../applications/storage.js';
import { loadKeys } from '../platform/keys.js';
import { erasePersonalData, exportPersonalData } from '../privacy/privacy.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action] } = context;
  return withDatabase(context, async (db, config) => {
    if (typeof values.email !== 'string') return context.usageError('Give the person\'s email with --email.');
    const { keyring } = loadKeys(config.databaseUrl, context.env);
    if (action === 'export') {
      await requireSchema(db);
      context.print(JSON.stringify(await exportPersonalData(db, keyring, config.jurisdiction.id, values.email, CLI_ACTOR), null, 2));
      return 0;
    }
    if (action === 'erase') {
      if (typeof values.reason !== 'string') return context.usageError('Say why with --reason, e.g. --reason "request by email of 3 March".');
      await requireSchema(db);
      const result = await erasePersonalData(db, keyring, config.jurisdiction.id, values.email, values.reason, CLI_ACTOR, { applicationDocuments: diskStorage(config.documentsDir) });
      context.print(JSON.stringify(result, null, 2));
      context.say(`Erased the details on ${result.erased.length} requests; kept ${result.kept.length} that the law requires keeping (reasons above); deleted ${result.applicationDrafts.length} application drafts never sent.`);
      return 0;
    }
    return context.usageError(action ? `Unknown action "${action}".` : 'Say what to do: export or erase.');
  });
}
