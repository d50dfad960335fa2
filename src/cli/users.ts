/** townhall users ...: staff and resident accounts, as an administrator manages them. */
import { migrateToLatest } from '../db/migrate.js';
import { changeRole, createUser, disableUser, endEverySession, endSessionsOf, issuePasswordLink, listUsers, resetSecondFactor, SET_PASSWORD_LINK_HOURS } from '../identity/users.js';
import { loadKeys } from '../platform/keys.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action, id] } = context;
  const department = typeof values.department === 'string' ? values.department : null;
  return withDatabase(context, async (db, config) => {
    await migrateToLatest(db);
    const { keyring } = loadKeys(config.databaseUrl, context.env);
    // Links and authenticator entries name the site and council as the web pages do.
    const issuer = `Townhall ${config.jurisdiction.name}`;
    if (action === 'create') {
      if (typeof values.email !== 'string' || typeof values.role !== 'string') return context.usageError('Give --email and --role.');
      const created = await createUser(db, keyring, { email: values.email, role: values.role, departmentCode: department }, { publicUrl: config.publicUrl, issuer }, CLI_ACTOR);
      context.print(JSON.stringify(created, null, 2));
      return 0;
    }
    if (action === 'list') {
      const users = await listUsers(db, keyring);
      if (values.json) context.print(JSON.stringify(users, null, 2));
      else for (const u of users) context.print([u.id, u.status, u.role, u.department ?? '-', u.email].join('\t'));
      return 0;
    }
    if (action === 'disable') {
      if (!id) return context.usageError('Say which user: townhall users disable ID.');
      await disableUser(db, id, CLI_ACTOR);
      context.say(`User ${id} is disabled and can no longer sign in.`);
      return 0;
    }
    if (action === 'set-role') {
      if (!id || typeof values.role !== 'string') return context.usageError('Say who and which role: townhall users set-role ID --role R [--department D].');
      await changeRole(db, id, { role: values.role, departmentCode: department }, CLI_ACTOR);
      context.say(`User ${id} is now ${values.role}; their sessions were ended so the change applies at once.`);
      return 0;
    }
    if (action === 'reset-mfa') {
      if (!id) return context.usageError('Say who: townhall users reset-mfa ID.');
      context.print(JSON.stringify(await resetSecondFactor(db, keyring, id, { issuer }, CLI_ACTOR), null, 2));
      context.say(`User ${id} sets up their authenticator again at their next sign-in; their recovery codes and sessions have ended.`);
      return 0;
    }
    if (action === 'password-link') {
      if (!id) return context.usageError('Say who: townhall users password-link ID.');
      context.print(JSON.stringify(await issuePasswordLink(db, id, { publicUrl: config.publicUrl }, CLI_ACTOR), null, 2));
      context.say(`User ${id}'s old password no longer works; the link lets them choose a new one within ${SET_PASSWORD_LINK_HOURS} hours.`);
      return 0;
    }
    if (action === 'sign-out') {
      if (values.all === true) {
        context.say(`Signed everyone out: ${await endEverySession(db, CLI_ACTOR)} sessions ended.`);
        return 0;
      }
      if (!id) return context.usageError('Say who (townhall users sign-out ID), or --all for everyone.');
      context.say(`User ${id} is signed out everywhere: ${await endSessionsOf(db, id, CLI_ACTOR)} sessions ended.`);
      return 0;
    }
    return context.usageError(action ? `Unknown action "${action}".` : 'Say what to do: create, list, disable, set-role, reset-mfa, sign-out or password-link.');
  });
}
