/** townhall keys rotate: residents' personal data sealed under a new key. */
import { appendAudit } from '../audit/audit.js';
import { migrateToLatest } from '../db/migrate.js';
import { resealUsers } from '../identity/users.js';
import { addKeyToFile, loadKeys } from '../platform/keys.js';
import { resealReporters } from '../cases/reporters.js';
import { resealGuestFollowers } from '../cases/guest-followers.js';
import { resealApplications, resealDrafts } from '../applications/applications.js';
import { resealSubscriptions } from '../webhooks/subscriptions.js';
import { resealForwardingKeys } from '../catalogue/forwarding.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  return withDatabase(context, async (db, config) => {
    if (context.positionals[0] !== 'rotate') return context.usageError('The only keys action is "rotate".');
    await migrateToLatest(db);
    const loaded = loadKeys(config.databaseUrl, context.env);
    const keyring = loaded.file ? addKeyToFile(loaded.file) : loaded.keyring;
    const resealed = await resealReporters(db, keyring) + await resealUsers(db, keyring) + await resealGuestFollowers(db, keyring) + await resealDrafts(db, keyring) + await resealSubscriptions(db, keyring) + await resealForwardingKeys(db, keyring)
      + await resealApplications(db, keyring, { rotating: true });
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: CLI_ACTOR, action: 'encryption_key.rotated', entityType: 'encryption_key', entityId: keyring.current.id, after: { resealed, keyFile: loaded.file !== null },
    }));
    context.say(`Personal data is now sealed under key ${keyring.current.id}: ${resealed} reporters records re-sealed.${loaded.file ? ` The key file ${loaded.file} keeps the old keys for backups.` : ''} Restart every app process so it uses the new key.`);
    return 0;
  });
}
