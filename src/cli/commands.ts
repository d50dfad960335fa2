/**
 * Every townhall subcommand: how it is used and what it does, for --help and argument parsing.
 * What a command runs is loaded only when it runs, so `townhall --help` and the light commands
 * start without loading the web application, the demo city or drivers they do not use.
 */
import type { ParseArgsConfig } from 'node:util';
import { roles } from '../identity/roles.js';
import type { CommandContext } from './context.js';

export interface Command {
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  positionals?: boolean;
  load(): Promise<{ run(context: CommandContext): Promise<number> }>;
}

export const commands: Record<string, Command> = {
  serve: {
    usage: 'townhall serve [--demo]',
    summary: 'Migrate the database and serve Townhall. With --demo, load the demo city when the database is empty.',
    options: { demo: { type: 'boolean' } },
    load: () => import('./serve.js'),
  },
  deliver: {
    usage: 'townhall deliver',
    summary: 'Deliver queued emails and text messages until stopped (to run delivery apart from the web servers).',
    load: () => import('./deliver.js'),
  },
  migrate: {
    usage: 'townhall migrate',
    summary: 'Bring the database schema up to date (records each migration that ran).',
    load: () => import('./migrate.js'),
  },
  seed: {
    usage: 'townhall seed --demo [--force]',
    summary: 'Load the demo city (services and a year of requests). Refuses a database that already has services unless --force.',
    options: { demo: { type: 'boolean' }, force: { type: 'boolean' } },
    load: () => import('./seed.js'),
  },
  'api-key': {
    usage: 'townhall api-key create --name NAME [--scope open311:submit --scope open311:update --scope open311:front-end --scope registration:read --scope registration:write --scope registration:operate]\n       townhall api-key list [--json]\n       townhall api-key revoke ID',
    summary: 'Manage API keys for systems that post to Townhall. "create" prints the new key alone on stdout; it is shown only once.',
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    positionals: true,
    load: () => import('./api-key.js'),
  },
  keys: {
    usage: 'townhall keys rotate',
    summary: 'Seal residents\' personal data under a new key. With a key file, adds a new key to it; with TOWNHALL_ENCRYPTION_KEY, re-seals under that key (put the old one in TOWNHALL_ENCRYPTION_PREVIOUS_KEYS). Restart the app processes afterwards.',
    positionals: true,
    load: () => import('./keys.js'),
  },
  users: {
    usage: 'townhall users create --email E --role R [--department ID|CODE]\n       townhall users list [--json]\n       townhall users disable ID\n       townhall users set-role ID --role R [--department D]\n       townhall users reset-mfa ID\n       townhall users sign-out ID|--all\n       townhall users password-link ID',
    summary: `Manage accounts. "create" prints JSON with the user id, a one-time link to set a password and, for staff, the TOTP otpauth URI. Roles: ${roles.join(', ')}.`,
    options: { email: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
    positionals: true,
    load: () => import('./users.js'),
  },
  departments: {
    usage: 'townhall departments list [--json]\n       townhall departments create --code C --name N',
    summary: 'The council\'s departments. "list" prints one a line: its numeric id, a tab, its name (what "users create --department" takes, as well as the code).',
    options: { code: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    positionals: true,
    load: () => import('./departments.js'),
  },
  catalogue: {
    usage: 'townhall catalogue export [--format json|yaml] [FILE]\n       townhall catalogue import FILE [--dry-run] [--yes]',
    summary: 'The catalogue as a file (docs/catalogue-file.md): services and their questions, groups, departments and their areas, workflows, calendars, routing, response and message templates, application forms. "export" writes it (to stdout without FILE; the format from --format or FILE\'s extension, else JSON); "import" checks the file (every problem with its line), shows what would be added, changed and removed field by field, and with --yes makes the changes in one transaction.',
    options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } },
    positionals: true,
    load: () => import('./catalogue.js'),
  },
  privacy: {
    usage: 'townhall privacy export --email E\n       townhall privacy erase --email E --reason "why"',
    summary: 'A person\'s data rights: "export" prints, as JSON, everything held about the person who reported with that email; "erase" deletes their details except where a service names a legal duty to keep them.',
    options: { email: { type: 'string' }, reason: { type: 'string' } },
    positionals: true,
    load: () => import('./privacy.js'),
  },
  retention: {
    usage: 'townhall retention run',
    summary: 'Delete reporters\' contact details from requests closed longer than their service\'s retention period (the server also does this hourly).',
    positionals: true,
    load: () => import('./retention.js'),
  },
  places: {
    usage: 'townhall places import FILE.csv [--replace]',
    summary: 'Load the gazetteer residents search to say where a problem is. The CSV has columns kind,name,lat,long[,min_lat,min_long,max_lat,max_long] (kind: address, street or area; an optional header line). Every line is checked first: one wrong line and nothing is loaded. --replace removes the places loaded before.',
    options: { replace: { type: 'boolean' } },
    positionals: true,
    load: () => import('./places.js'),
  },
  insights: {
    usage: 'townhall insights rebuild',
    summary: 'Count the staff analytics figures again from every case (the rollups behind /staff/insights). The running servers keep them up to date every minute on their own; rebuild after loading places (areas) or history in bulk. Prints how many cases and days it counted and how long it took.',
    positionals: true,
    load: () => import('./insights.js'),
  },
  import: {
    usage: 'townhall import requests FILE --profile NAME|FILE.json [--dry-run] [--create-services] [--json] [--batch-size N]',
    summary: 'Load past requests from another system\'s export (CSV or JSON Lines) through a mapping profile (shipped: san-francisco-311, nyc-311; docs/imports.md says how to write one). --dry-run checks every row and reports problems by line, writing nothing. The load keeps each case\'s dates, status and external id, sends no messages, and is audited as one import; a re-run changes nothing, an updated row updates its case, and an interrupted load resumes where it stopped. --create-services creates the services the profile defines that the catalogue lacks.',
    options: { profile: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'create-services': { type: 'boolean' }, json: { type: 'boolean' }, 'batch-size': { type: 'string' } },
    positionals: true,
    load: () => import('./import.js'),
  },
  verify: {
    usage: 'townhall verify FILE-OR-TOKEN [--keys FILE] [--online]',
    summary: 'Check a licence offline, without the database: its code, its verify address, or a file holding it (the licence PDF). Uses the key set from --keys (the council\'s /.well-known/licence-keys.json) or the one "licence-keys export" wrote next to the data. Prints one line. Exit code: 0 valid, 1 expired or not yet valid, 3 signature invalid, 4 unknown key, 5 no key set. Suspension and revocation are shown online at /verify; --online asks the council that signed the licence (its /verify) after the offline check: exit code 6 suspended or revoked, 7 the council could not be asked.',
    options: { keys: { type: 'string' }, online: { type: 'boolean' } },
    positionals: true,
    load: () => import('./verify.js'),
  },
  'licence-keys': {
    usage: 'townhall licence-keys rotate [--out FILE]\n       townhall licence-keys export [--out FILE]',
    summary: 'The Ed25519 keys that sign licences. "rotate" signs new licences with a new key and keeps the old public keys published, so issued licences still verify; both write the public key set next to the data (or to --out) for "townhall verify".',
    options: { out: { type: 'string' } },
    positionals: true,
    load: () => import('./licence-keys.js'),
  },
  'licence-register': {
    usage: 'townhall licence-register SERVICE --public [--holder-names]\n       townhall licence-register SERVICE --private',
    summary: 'Whether a service\'s licences are in the public register at /licences (and its open data), and with the holders\' names (only where the law publishes them, as for some business licences).',
    options: { public: { type: 'boolean' }, private: { type: 'boolean' }, 'holder-names': { type: 'boolean' } },
    positionals: true,
    load: () => import('./licence-register.js'),
  },
  payments: {
    usage: 'townhall payments reconcile [--date YYYY-MM-DD]',
    summary: 'The daily reconciliation report, as CSV on stdout: by service, the fees of the applications made that day, the payments taken (online and at the counter) and the refunds done, with a totals line. The day runs midnight to midnight in the council\'s time zone; without --date, today.',
    options: { date: { type: 'string' } },
    positionals: true,
    load: () => import('./payments.js'),
  },
  audit: {
    usage: 'townhall audit verify [--anchor SEQ:HASH]',
    summary: 'Walk the audit trail from its first entry and name the first one that was edited, removed or reordered. It prints an anchor (last entry and hash): keep it somewhere else, and pass it to a later verify with --anchor to catch entries cut from the end as well.',
    options: { anchor: { type: 'string' } },
    positionals: true,
    load: () => import('./audit.js'),
  },
};
