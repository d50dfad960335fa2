/**
 * Throttling password guesses without locking anyone out (ASVS 6.3.1, and against deliberate
 * lockouts): failures are counted per email address *and client address*, and per client
 * address alone, whether or not an account has that email. Past a few free tries each further
 * failure blocks that pair (or that client) for a delay that doubles, up to a cap; a success
 * clears the pair. So:
 *
 * - an unknown address and a known one are throttled alike: the answers and their timing do not
 *   tell an attacker which addresses have accounts;
 * - someone guessing a staff member's password from elsewhere blocks only themselves: the owner,
 *   from their own device, signs in as usual (or by an emailed link);
 * - one client guessing across many addresses is slowed down by its own counter.
 *
 * The counts live in the database, so every process sees them. Counts older than a day start
 * again from zero.
 */
import type { DB } from '../db/connection.js';
import { lookupHash, type Keyring } from '../platform/crypto.js';

/** Failures a pair (email address, client address) may make before it is slowed down. */
export const FREE_FAILURES_PER_ADDRESS = 5;
/** Failures one client address may make, across every email address, before it is slowed down (offices share one address). */
export const FREE_FAILURES_PER_CLIENT = 50;
/** The first delay, doubled with each further failure. */
export const FIRST_DELAY_SECONDS = 60;
/** The longest delay. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** After this long without a failure, the count starts again. */
const FORGET_AFTER_MS = 24 * 3_600_000;

const delayAfter = (failures: number, free: number) =>
  failures < free ? 0 : Math.min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** Math.min(failures - free, 20));

export interface ThrottleKeys { pair: string; client: string }

export const throttleKeys = (keyring: Keyring, emailHash: string, client: string): ThrottleKeys => ({
  pair: `pair:${lookupHash(keyring, 'sign-in-throttle', `${emailHash}|${client}`)}`,
  client: `client:${lookupHash(keyring, 'sign-in-throttle', client)}`,
});

/** Seconds until this pair or client may try again; 0 when it may now. */
export async function throttledFor(db: DB, keys: ThrottleKeys, now = Date.now()): Promise<number> {
  const rows = await db.selectFrom('sign_in_throttles').select(['blocked_until']).where('key', 'in', [keys.pair, keys.client]).execute();
  return Math.max(0, ...rows.map((row) => (row.blocked_until ? Math.ceil((Date.parse(row.blocked_until) - now) / 1000) : 0)));
}

/** Counts a failed password for the pair and the client; returns the seconds they must now wait (0: none). */
export async function recordFailedPassword(db: DB, keys: ThrottleKeys, now = Date.now()): Promise<number> {
  const at = new Date(now).toISOString();
  let wait = 0;
  await db.transaction().execute(async (trx) => {
    // Counts nobody has added to for a day are dropped as new ones come (an indexed range), so the table stays small.
    await trx.deleteFrom('sign_in_throttles').where('last_failure_at', '<', new Date(now - FORGET_AFTER_MS).toISOString()).execute();
    for (const [key, free] of [[keys.pair, FREE_FAILURES_PER_ADDRESS], [keys.client, FREE_FAILURES_PER_CLIENT]] as const) {
      const row = await trx.selectFrom('sign_in_throttles').select(['failures', 'last_failure_at']).where('key', '=', key).executeTakeFirst();
      const before = row && now - Date.parse(row.last_failure_at) < FORGET_AFTER_MS ? row.failures : 0;
      const failures = before + 1;
      const delay = delayAfter(failures, free);
      wait = Math.max(wait, delay);
      const values = { failures, blocked_until: delay > 0 ? new Date(now + delay * 1000).toISOString() : null, last_failure_at: at };
      await trx.insertInto('sign_in_throttles').values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values)).execute();
    }
  });
  return wait;
}

/** A right password clears its pair (the client's count stays: it may be guessing elsewhere). */
export async function clearPair(db: DB, keys: ThrottleKeys): Promise<void> {
  await db.deleteFrom('sign_in_throttles').where('key', '=', keys.pair).execute();
}

