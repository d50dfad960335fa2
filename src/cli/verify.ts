/**
 * townhall verify FILE-OR-TOKEN [--keys FILE]: checks a licence's signature offline, with the
 * published key set and no database. The token may be given as is, as its verify address, or
 * in a file (the licence PDF carries it, or a text file). Prints one line; the exit code says
 * what it found: 0 genuine and in its dates, 1 genuine but expired or not yet valid, 2 usage,
 * 3 signature invalid (or not a licence), 4 signed by a key not in the key set, 5 no key set.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { checkCredential, currentness, keysFromSet } from '../licences/credential.js';
import { defaultKeySetFile } from '../licences/key-file.js';
import type { CommandContext } from './context.js';

const TOKEN = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/;
const MAX_FILE = 20 * 1024 * 1024;
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

export async function run(context: CommandContext): Promise<number> {
  const [given, ...extra] = context.positionals;
  if (!given || extra.length > 0) return context.usageError('Give one licence: its code, its verify address, or a file (the licence PDF) that holds it.');
  let text = given;
  if (existsSync(given) && statSync(given).isFile()) {
    if (statSync(given).size > MAX_FILE) return context.usageError(`${given} is larger than a licence can be.`);
    text = readFileSync(given).toString('latin1');
  }
  const token = TOKEN.exec(text)?.[0];
  if (!token) {
    context.print(`not a licence: no licence code found in ${given === text ? 'what was given' : given}`);
    return 3;
  }
  const keysFile = typeof context.values.keys === 'string' ? context.values.keys : defaultKeySetFile(context.env.DATABASE_URL);
  let keys;
  try {
    keys = keysFromSet(JSON.parse(readFileSync(keysFile, 'utf8')));
  } catch (error) {
    context.print(`cannot check: no key set read from ${keysFile} (${(error as Error).message.split('\n')[0]}). Save the council's /.well-known/licence-keys.json and pass it with --keys FILE, or run "townhall licence-keys export".`);
    return 5;
  }
  const checked = checkCredential(token, (kid) => keys.get(kid));
  if (!checked.ok) {
    if (checked.problem === 'unknown_key') {
      context.print(`unknown key: signed with key ${checked.kid ?? '?'}, which is not in ${keysFile}; get the council's current key set and try again`);
      return 4;
    }
    context.print(checked.problem === 'malformed' ? 'signature invalid: this is not a well-formed licence code' : 'signature invalid: this licence was changed or not issued by the council');
    return 3;
  }
  const { claims } = checked;
  const about = `${claims.sub} (${claims.service}, ${claims.holder}) from ${claims.iss}`;
  const dates = currentness(claims);
  const online = `suspension and revocation are shown online at ${claims.iss}/verify`;
  if (dates === 'expired') {
    context.print(`expired: ${about} ended on ${day(claims.exp - 1)}; the signature is genuine`);
    return 1;
  }
  if (dates === 'not_yet_valid') {
    context.print(`not yet valid: ${about} is valid from ${day(claims.nbf)}; the signature is genuine`);
    return 1;
  }
  context.print(`valid until ${day(claims.exp - 1)}: ${about}, signature genuine (key ${checked.kid}); ${online}`);
  return 0;
}
