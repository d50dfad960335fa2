/**
 * townhall verify FILE-OR-TOKEN [--keys FILE] [--online]: checks a licence's signature offline,
 * with the published key set and no database. The token may be given as is, as its verify
 * address, or in a file (the licence PDF carries it, or a text file). A signature cannot say
 * whether the council has since suspended or revoked the licence: --online, after the offline
 * check, asks the council that signed it (its /verify, as JSON). Prints one line; the exit code
 * says what it found: 0 genuine and in its dates, 1 genuine but expired or not yet valid,
 * 2 usage, 3 signature invalid (or not a licence), 4 signed by a key not in the key set, 5 no
 * key set, 6 suspended or revoked (online), 7 the council could not be asked (online).
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
  if (context.values.online === true) return checkOnline(context, token, claims.iss, about, `valid until ${day(claims.exp - 1)}: ${about}, signature genuine (key ${checked.kid})`);
  context.print(`valid until ${day(claims.exp - 1)}: ${about}, signature genuine (key ${checked.kid}); ${online}`);
  return 0;
}

/** The council's own answer for a licence whose signature and dates are good: still current, or suspended or revoked since. */
async function checkOnline(context: CommandContext, token: string, issuer: string, about: string, valid: string): Promise<number> {
  const address = `${issuer}/verify?token=${encodeURIComponent(token)}`;
  let verdict: string;
  try {
    const response = await fetch(address, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    verdict = String(((await response.json()) as { verdict?: unknown }).verdict);
  } catch (error) {
    context.print(`cannot check online: ${address.split('?')[0]} could not be asked (${(error as Error).message.split('\n')[0]}); the signature is genuine`);
    return 7;
  }
  if (verdict === 'valid') {
    context.print(`${valid}; current at ${issuer}/verify`);
    return 0;
  }
  if (verdict === 'revoked' || verdict === 'suspended') {
    context.print(`${verdict}: ${about} is ${verdict}, says ${issuer}/verify; the signature is genuine`);
    return 6;
  }
  context.print(`${verdict === 'expired' ? 'expired' : `not current (${verdict.slice(0, 40)})`}: ${about}, says ${issuer}/verify; the signature is genuine`);
  return verdict === 'expired' ? 1 : 6;
}
