/**
 * townhall licence-keys rotate | export [--out FILE]: the keys that sign licences. Rotation
 * makes a new signing key and keeps the old public keys published, so licences already issued
 * stay verifiable. Both write the public key set next to the data (or to --out), where
 * `townhall verify` reads it.
 */
import { migrateToLatest } from '../db/migrate.js';
import { defaultKeySetFile, writeKeySetFile } from '../licences/key-file.js';
import { currentKid, currentSigningKey, publishedKeySet, rotateSigningKey } from '../licences/signing-keys.js';
import { loadKeys } from '../platform/keys.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const action = context.positionals[0];
  if (context.positionals.length !== 1 || (action !== 'rotate' && action !== 'export')) return Promise.resolve(context.usageError('Say "rotate" or "export".'));
  return withDatabase(context, async (db, config) => {
    await migrateToLatest(db);
    const { keyring } = loadKeys(config.databaseUrl, context.env);
    // Export opens no private key: only a database without any key gets its first one.
    const kid = action === 'rotate' ? (await rotateSigningKey(db, keyring, CLI_ACTOR)).kid : await currentKid(db) ?? (await currentSigningKey(db, keyring)).kid;
    const set = await publishedKeySet(db);
    const file = typeof context.values.out === 'string' ? context.values.out : defaultKeySetFile(config.databaseUrl);
    writeKeySetFile(file, set);
    context.say(action === 'rotate'
      ? `New licences are now signed with key ${kid}. The ${set.keys.length - 1} older public keys stay published, so licences already issued still verify. Key set written to ${file}.`
      : `Key set (${set.keys.length} public keys; licences are signed with ${kid}) written to ${file}.`);
    context.print(file);
    return 0;
  });
}
