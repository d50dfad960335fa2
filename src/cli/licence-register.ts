/** townhall licence-register SERVICE --public|--private [--holder-names]: which services' licences the public register shows. */
import { migrateToLatest } from '../db/migrate.js';
import { setLicenceRegister } from '../licences/register.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const [service, ...extra] = context.positionals;
  const { public: isPublic, private: isPrivate } = context.values;
  if (!service || extra.length > 0 || Boolean(isPublic) === Boolean(isPrivate)) return Promise.resolve(context.usageError('Name one service, and say --public or --private.'));
  return withDatabase(context, async (db, config) => {
    await migrateToLatest(db);
    const holders = context.values['holder-names'] === true;
    await setLicenceRegister(db, config.jurisdiction.id, service, { publicRegister: isPublic === true, publishHolderName: holders }, CLI_ACTOR);
    context.say(isPublic ? `Licences of ${service} are in the public register${holders ? ', with their holders\' names' : ', without holders\' names'}.` : `Licences of ${service} are no longer in the public register.`);
    return 0;
  });
}
