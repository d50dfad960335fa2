/**
 * The townhall command: every subcommand parses its arguments, loads the configuration and
 * calls the same domain functions the web application uses.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey } from './apikeys/apikeys.js';
import { appendAudit, verifyAuditChain } from './audit/audit.js';
import { ConfigError, configVariables, loadConfig, type Config } from './config.js';
import { describeDatabase, openDatabase, type DB } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemo, seedDemoIfEmpty } from './demo/seed.js';
import { serve } from './main.js';
import { runDeliveryWorker } from './notifications/worker.js';
import { DomainError } from './platform/errors.js';
import { addKeyToFile, KeyConfigError, loadKeys } from './platform/keys.js';
import { resealReporters } from './cases/reporters.js';
import { anonymiseExpiredReporters } from './jobs/retention.js';
import { parsePlacesCsv } from './places/import.js';
import { importPlaces } from './places/places.js';
import { erasePersonalData, exportPersonalData } from './privacy/privacy.js';
import { roles } from './identity/roles.js';
import { createDepartment, listDepartments } from './settings/departments.js';
import { changeRole, createUser, disableUser, endEverySession, endSessionsOf, issuePasswordLink, listUsers, resealUsers, resetSecondFactor, SET_PASSWORD_LINK_HOURS } from './identity/users.js';

interface Command {
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  positionals?: boolean;
  run(args: { values: Record<string, string | boolean | Array<string | boolean> | undefined>; positionals: string[] }): Promise<number>;
}

const CLI_ACTOR = 'cli';

const commands: Record<string, Command> = {
  serve: {
    usage: 'townhall serve [--demo]',
    summary: 'Migrate the database and serve Townhall. With --demo, load the demo city when the database is empty.',
    options: { demo: { type: 'boolean' } },
    async run({ values }) {
      const { stopped } = await serve(loadConfig(), { demo: values.demo === true });
      await stopped;
      return Number(process.exitCode ?? 0);
    },
  },
  deliver: {
    usage: 'townhall deliver',
    summary: 'Deliver queued emails and text messages until stopped (to run delivery apart from the web servers).',
    run: async () => runDeliveryWorker(loadConfig()),
  },
  migrate: {
    usage: 'townhall migrate',
    summary: 'Bring the database schema up to date (records each migration that ran).',
    run: () => withDatabase(async (db, config) => {
      const ran = await migrateToLatest(db);
      console.error(ran.length > 0 ? `Ran ${ran.join(', ')} on the ${describeDatabase(config.databaseUrl)}.` : 'The database is already up to date.');
      return 0;
    }),
  },
  seed: {
    usage: 'townhall seed --demo [--force]',
    summary: 'Load the demo city (services and a year of requests). Refuses a database that already has services unless --force.',
    options: { demo: { type: 'boolean' }, force: { type: 'boolean' } },
    run: ({ values }) => withDatabase(async (db, config) => {
      if (values.demo !== true) return usageError('seed', 'Say which data to load: --demo is the only data set for now.');
      await migrateToLatest(db);
      const { keyring } = loadKeys(config.databaseUrl);
      const result = values.force === true ? await seedDemo(db, config, keyring) : await seedDemoIfEmpty(db, config, keyring);
      if (!result) {
        console.error('The database already has services, so the demo was not loaded. Use --force to add it anyway.');
        return 1;
      }
      console.error(`Loaded ${result.services} services, ${result.requests} historic requests and ${result.people} demo accounts for ${config.jurisdiction.name}.`);
      return 0;
    }),
  },
  'api-key': {
    usage: 'townhall api-key create --name NAME [--scope open311:submit --scope open311:update]\n       townhall api-key list [--json]\n       townhall api-key revoke ID',
    summary: 'Manage API keys for systems that post to Townhall. "create" prints the new key alone on stdout; it is shown only once.',
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db) => {
      const [action, id] = positionals;
      if (action === 'create') {
        if (typeof values.name !== 'string') return usageError('api-key', 'Give the key a name with --name, e.g. --name "Highways back office".');
        const scopes = values.scope as string[] | undefined;
        const created = await createApiKey(db, { name: values.name, ...(scopes ? { scopes: scopes as never } : {}) }, CLI_ACTOR);
        console.log(created.key);
        console.error(`Created API key ${created.id} "${values.name}". Store it now: Townhall keeps only a hash of it.`);
        return 0;
      }
      if (action === 'list') {
        const keys = await listApiKeys(db);
        if (values.json) console.log(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) console.error('There are no API keys yet. Create one with: townhall api-key create --name NAME');
        else for (const k of keys) console.log([k.id, k.prefix + '…', k.revokedAt ? `revoked ${k.revokedAt}` : 'active', `last used ${k.lastUsedAt ?? 'never'}`, k.name].join('\t'));
        return 0;
      }
      if (action === 'revoke') {
        if (!id) return usageError('api-key', 'Say which key to revoke: townhall api-key revoke ID ("townhall api-key list" shows ids).');
        await revokeApiKey(db, id, CLI_ACTOR);
        console.error(`API key ${id} is revoked: it can no longer be used.`);
        return 0;
      }
      return usageError('api-key', action ? `Unknown action "${action}".` : 'Say what to do: create, list or revoke.');
    }),
  },
  keys: {
    usage: 'townhall keys rotate',
    summary: 'Seal residents\' personal data under a new key. With a key file, adds a new key to it; with TOWNHALL_ENCRYPTION_KEY, re-seals under that key (put the old one in TOWNHALL_ENCRYPTION_PREVIOUS_KEYS). Restart the app processes afterwards.',
    positionals: true,
    run: ({ positionals }) => withDatabase(async (db, config) => {
      if (positionals[0] !== 'rotate') return usageError('keys', 'The only keys action is "rotate".');
      await migrateToLatest(db);
      const loaded = loadKeys(config.databaseUrl);
      const keyring = loaded.file ? addKeyToFile(loaded.file) : loaded.keyring;
      const resealed = await resealReporters(db, keyring) + await resealUsers(db, keyring);
      await db.transaction().execute((trx) => appendAudit(trx, {
        actor: CLI_ACTOR, action: 'encryption_key.rotated', entityType: 'encryption_key', entityId: keyring.current.id, after: { resealed, keyFile: loaded.file !== null },
      }));
      console.error(`Personal data is now sealed under key ${keyring.current.id}: ${resealed} reporters records re-sealed.${loaded.file ? ` The key file ${loaded.file} keeps the old keys for backups.` : ''} Restart every app process so it uses the new key.`);
      return 0;
    }),
  },
  users: {
    usage: 'townhall users create --email E --role R [--department ID|CODE]\n       townhall users list [--json]\n       townhall users disable ID\n       townhall users set-role ID --role R [--department D]\n       townhall users reset-mfa ID\n       townhall users sign-out ID|--all\n       townhall users password-link ID',
    summary: `Manage accounts. "create" prints JSON with the user id, a one-time link to set a password and, for staff, the TOTP otpauth URI. Roles: ${roles.join(', ')}.`,
    options: { email: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db, config) => {
      const [action, id] = positionals;
      await migrateToLatest(db);
      const { keyring } = loadKeys(config.databaseUrl);
      if (action === 'create') {
        if (typeof values.email !== 'string' || typeof values.role !== 'string') return usageError('users', 'Give --email and --role.');
        const created = await createUser(db, keyring, { email: values.email, role: values.role, departmentCode: typeof values.department === 'string' ? values.department : null },
          { publicUrl: config.publicUrl, issuer: `Townhall ${config.jurisdiction.name}` }, CLI_ACTOR);
        console.log(JSON.stringify(created, null, 2));
        return 0;
      }
      if (action === 'list') {
        const users = await listUsers(db, keyring);
        if (values.json) console.log(JSON.stringify(users, null, 2));
        else for (const u of users) console.log([u.id, u.status, u.role, u.department ?? '-', u.email].join('\t'));
        return 0;
      }
      if (action === 'disable') {
        if (!id) return usageError('users', 'Say which user: townhall users disable ID.');
        await disableUser(db, id, CLI_ACTOR);
        console.error(`User ${id} is disabled and can no longer sign in.`);
        return 0;
      }
      if (action === 'set-role') {
        if (!id || typeof values.role !== 'string') return usageError('users', 'Say who and which role: townhall users set-role ID --role R [--department D].');
        await changeRole(db, id, { role: values.role, departmentCode: typeof values.department === 'string' ? values.department : null }, CLI_ACTOR);
        console.error(`User ${id} is now ${values.role}; their sessions were ended so the change applies at once.`);
        return 0;
      }
      if (action === 'reset-mfa') {
        if (!id) return usageError('users', 'Say who: townhall users reset-mfa ID.');
        console.log(JSON.stringify(await resetSecondFactor(db, keyring, id, { issuer: `Townhall ${config.jurisdiction.name}` }, CLI_ACTOR), null, 2));
        console.error(`User ${id} sets up their authenticator again at their next sign-in; their recovery codes and sessions have ended.`);
        return 0;
      }
      if (action === 'password-link') {
        if (!id) return usageError('users', 'Say who: townhall users password-link ID.');
        console.log(JSON.stringify(await issuePasswordLink(db, id, { publicUrl: config.publicUrl }, CLI_ACTOR), null, 2));
        console.error(`User ${id}'s old password no longer works; the link lets them choose a new one within ${SET_PASSWORD_LINK_HOURS} hours.`);
        return 0;
      }
      if (action === 'sign-out') {
        if (values.all === true) {
          console.error(`Signed everyone out: ${await endEverySession(db, CLI_ACTOR)} sessions ended.`);
          return 0;
        }
        if (!id) return usageError('users', 'Say who (townhall users sign-out ID), or --all for everyone.');
        console.error(`User ${id} is signed out everywhere: ${await endSessionsOf(db, id, CLI_ACTOR)} sessions ended.`);
        return 0;
      }
      return usageError('users', action ? `Unknown action "${action}".` : 'Say what to do: create, list, disable, set-role, reset-mfa, sign-out or password-link.');
    }),
  },
  departments: {
    usage: 'townhall departments list [--json]\n       townhall departments create --code C --name N',
    summary: 'The council\'s departments. "list" prints one a line: its numeric id, a tab, its name (what "users create --department" takes, as well as the code).',
    options: { code: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db) => {
      const [action] = positionals;
      await migrateToLatest(db);
      if (action === 'list') {
        const departments = await listDepartments(db);
        if (values.json) console.log(JSON.stringify(departments.map(({ id, code, name, assignment, calendarId }) => ({ id, code, name, assignment, calendarId })), null, 2));
        else for (const d of departments) console.log(`${d.id}\t${d.name}`);
        return 0;
      }
      if (action === 'create') {
        if (typeof values.code !== 'string' || typeof values.name !== 'string') return usageError('departments', 'Give --code and --name, e.g. --code highways --name "Highways".');
        const created = await createDepartment(db, { code: values.code, name: values.name }, CLI_ACTOR);
        console.log(`${created.id}\t${created.name}`);
        console.error(`Created department ${created.code} with id ${created.id}.`);
        return 0;
      }
      return usageError('departments', action ? `Unknown action "${action}".` : 'Say what to do: list or create.');
    }),
  },
  privacy: {
    usage: 'townhall privacy export --email E\n       townhall privacy erase --email E --reason "why"',
    summary: 'A person\'s data rights: "export" prints, as JSON, everything held about the person who reported with that email; "erase" deletes their details except where a service names a legal duty to keep them.',
    options: { email: { type: 'string' }, reason: { type: 'string' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db, config) => {
      const [action] = positionals;
      if (typeof values.email !== 'string') return usageError('privacy', 'Give the person\'s email with --email.');
      const { keyring } = loadKeys(config.databaseUrl);
      if (action === 'export') {
        console.log(JSON.stringify(await exportPersonalData(db, keyring, config.jurisdiction.id, values.email, CLI_ACTOR), null, 2));
        return 0;
      }
      if (action === 'erase') {
        if (typeof values.reason !== 'string') return usageError('privacy', 'Say why with --reason, e.g. --reason "request by email of 3 March".');
        const result = await erasePersonalData(db, keyring, config.jurisdiction.id, values.email, values.reason, CLI_ACTOR);
        console.log(JSON.stringify(result, null, 2));
        console.error(`Erased the details on ${result.erased.length} requests; kept ${result.kept.length} that the law requires keeping (reasons above).`);
        return 0;
      }
      return usageError('privacy', action ? `Unknown action "${action}".` : 'Say what to do: export or erase.');
    }),
  },
  retention: {
    usage: 'townhall retention run',
    summary: 'Delete reporters\' contact details from requests closed longer than their service\'s retention period (the server also does this hourly).',
    positionals: true,
    run: ({ positionals }) => withDatabase(async (db, config) => {
      if (positionals[0] !== 'run') return usageError('retention', 'The only retention action is "run".');
      await migrateToLatest(db);
      const result = await anonymiseExpiredReporters(db, config.jurisdiction.id, { actor: CLI_ACTOR });
      console.error(result.ran ? `Deleted the contact details of ${result.anonymised} reporters whose retention period had ended.` : 'Another process is running retention now; nothing was done.');
      return 0;
    }),
  },
  places: {
    usage: 'townhall places import FILE.csv [--replace]',
    summary: 'Load the gazetteer residents search to say where a problem is. The CSV has columns kind,name,lat,long[,min_lat,min_long,max_lat,max_long] (kind: address, street or area; an optional header line). Every line is checked first: one wrong line and nothing is loaded. --replace removes the places loaded before.',
    options: { replace: { type: 'boolean' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db, config) => {
      const [action, file, ...extra] = positionals;
      if (action !== 'import') return usageError('places', action ? `Unknown action "${action}".` : 'The only places action is "import".');
      if (!file || extra.length > 0) return usageError('places', 'Give one CSV file: townhall places import FILE.csv.');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
        return 1;
      }
      const { places, problems } = parsePlacesCsv(text, config.jurisdiction.bounds);
      if (problems.length > 0) {
        console.error(`Nothing was loaded: ${file} has problems.\n${problems.map((p) => `  ${p}`).join('\n')}`);
        return 1;
      }
      await migrateToLatest(db);
      const loaded = await importPlaces(db, config.jurisdiction.id, places, { replace: values.replace === true });
      console.error(`Loaded ${loaded} places for ${config.jurisdiction.name}${values.replace === true ? ', replacing the ones loaded before' : ''}.`);
      return 0;
    }),
  },
  audit: {
    usage: 'townhall audit verify [--anchor SEQ:HASH]',
    summary: 'Walk the audit trail from its first entry and name the first one that was edited, removed or reordered. It prints an anchor (last entry and hash): keep it somewhere else, and pass it to a later verify with --anchor to catch entries cut from the end as well.',
    options: { anchor: { type: 'string' } },
    positionals: true,
    run: ({ values, positionals }) => withDatabase(async (db) => {
      if (positionals[0] !== 'verify') return usageError('audit', 'The only audit action is "verify".');
      const anchor = typeof values.anchor === 'string' ? parseAnchor(values.anchor) : undefined;
      if (anchor === null) return usageError('audit', '--anchor is SEQ:HASH, as printed by an earlier verify (e.g. 4711:9f86d0…).');
      const result = await verifyAuditChain(db, { ...(anchor ? { anchor } : {}) });
      if (result.ok) {
        console.log(`Audit trail intact: ${result.entries} entries, last hash ${result.lastHash}.${anchor ? ` It still holds entry ${anchor.seq} as anchored.` : ''}`);
        console.log(`Anchor: ${result.entries}:${result.lastHash}`);
        return 0;
      }
      console.log(`Audit trail BROKEN at entry ${result.firstBadSeq}: ${result.problem}. The ${result.entries} entries before it check out.`);
      return 1;
    }),
  },
};

function parseAnchor(text: string): { seq: number; hash: string } | null {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2] as string } : null;
}

function usageError(command: string, message: string): number {
  console.error(`${message}\nUsage: ${commands[command]?.usage ?? 'townhall --help'}`);
  return 2;
}

async function withDatabase(work: (db: DB, config: Config) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    return await work(db, config);
  } finally {
    await db.destroy();
  }
}

function help(): string {
  const lines = ['Townhall: digital public services for councils and agencies.', '', 'Usage: townhall COMMAND [options]   (townhall COMMAND --help for more)', '', 'Commands:'];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(11)} ${command.summary}`);
  lines.push('', 'Configuration (environment variables):');
  const width = Math.max(...configVariables.map(([name]) => name.length));
  for (const [name, meaning] of configVariables) lines.push(`  ${name.padEnd(width)} ${meaning}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: command.positionals ?? false, strict: true });
    return await command.run({ values, positionals });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KeyConfigError) console.error(error.message);
    else if (error instanceof DomainError) console.error(error.message);
    else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return usageError(name, error.message);
    else throw error;
    return 1;
  }
}
