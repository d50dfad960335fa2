/** townhall api-key create|list|revoke: keys for systems that post to the Open311 API. */
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyScope } from '../apikeys/apikeys.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action, id] } = context;
  return withDatabase(context, async (db) => {
    if (action === 'create') {
      if (typeof values.name !== 'string') return context.usageError('Give the key a name with --name, e.g. --name "Highways back office".');
      await requireSchema(db);
      const scopes = values.scope as ApiKeyScope[] | undefined;
      const created = await createApiKey(db, { name: values.name, ...(scopes ? { scopes } : {}) }, CLI_ACTOR);
      context.print(created.key);
      context.say(`Created API key ${created.id} "${values.name}". Store it now: Townhall keeps only a hash of it.`);
      return 0;
    }
    if (action === 'list') {
      await requireSchema(db);
      const keys = await listApiKeys(db);
      if (values.json) context.print(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) context.say('There are no API keys yet. Create one with: townhall api-key create --name NAME');
      else for (const k of keys) context.print([k.id, k.prefix + '…', k.revokedAt ? `revoked ${k.revokedAt}` : 'active', `last used ${k.lastUsedAt ?? 'never'}`, k.name].join('\t'));
      return 0;
    }
    if (action === 'revoke') {
      if (!id) return context.usageError('Say which key to revoke: townhall api-key revoke ID ("townhall api-key list" shows ids).');
      await requireSchema(db);
      await revokeApiKey(db, id, CLI_ACTOR);
      context.say(`API key ${id} is revoked: it can no longer be used.`);
      return 0;
    }
    return context.usageError(action ? `Unknown action "${action}".` : 'Say what to do: create, list or revoke.');
  });
}
