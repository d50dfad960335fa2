/**
 * Idempotent POST requests: a client that lost the answer to a new request sends it again with
 * the same key (an Idempotency-Key header, or the external id attribute the council names) and
 * gets the first answer back, from any process, until the key expires. A key sent again with
 * something else is refused: that is a client's mistake, and guessing which one it meant would
 * lose a report. This module owns the open311_idempotency_keys table.
 */
import { sha256Hex } from '../platform/crypto.js';
import type { DB } from '../db/connection.js';
import { DomainError, invalid } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { single, type Params } from './parse.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;

/** A key reused for a different request: answered 422, with what to do. */
export class IdempotencyKeyReused extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export interface IdempotencyClaim {
  /** As stored: "header:" or "attribute:" and the client's key, so the two never collide. */
  key: string;
  /** What the client calls it, for messages. */
  source: string;
  fingerprint: string;
}

/**
 * The request's idempotency key, if it sent one: the header first, else the council's external
 * id attribute. Throws `invalid` for a key that cannot be one (empty, too long, control characters).
 */
export function idempotencyClaim(header: string | string[] | undefined, body: Params, externalIdAttribute: string | null): IdempotencyClaim | null {
  const fingerprint = fingerprintOf(body);
  if (header !== undefined) {
    if (Array.isArray(header)) throw invalid(`Send the ${'Idempotency-Key'} header once; it was sent ${header.length} times.`);
    checkKey(header, 'The Idempotency-Key header');
    return { key: `header:${header.trim()}`, source: `Idempotency-Key "${header.trim().slice(0, 60)}"`, fingerprint };
  }
  if (externalIdAttribute === null) return null;
  const name = `attribute[${externalIdAttribute}]`;
  const given = single(body, name);
  if (given === undefined) return null;
  checkKey(given, name);
  return { key: `attribute:${given}`, source: `${name} "${given.slice(0, 60)}"`, fingerprint };
}

function checkKey(value: string, what: string): void {
  const key = value.trim();
  if (key === '' || key.length > MAX_KEY_LENGTH || [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw invalid(`${what} must be 1 to ${MAX_KEY_LENGTH} printable characters, such as a UUID.`);
  }
}

/** Everything sent but the api_key, in a fixed order: the same request gives the same fingerprint. */
function fingerprintOf(body: Params): string {
  const entries = Object.entries(body)
    .filter(([name, value]) => name !== 'api_key' && value !== undefined)
    .map(([name, value]) => [name, Array.isArray(value) ? value : [value]] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Hex(JSON.stringify(entries));
}

export interface StoredAnswer {
  caseId: number;
  statusCode: number;
}

/** The first answer given to this key from this API key, if it has not expired; a different request with it is refused. */
export async function earlierAnswer(db: DB, apiKeyId: number, claim: IdempotencyClaim): Promise<StoredAnswer | undefined> {
  const row = await db.selectFrom('open311_idempotency_keys').select(['fingerprint', 'status_code', 'case_id', 'created_at'])
    .where('api_key_id', '=', apiKeyId).where('idempotency_key', '=', claim.key).where('expires_at', '>', nowIso())
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.fingerprint !== claim.fingerprint) {
    throw new IdempotencyKeyReused(`${claim.source} was used at ${row.created_at} for a different request (service request ${row.case_id}). `
      + 'Send a new key for a new request; a retry must send exactly what was sent the first time.');
  }
  return { caseId: row.case_id, statusCode: row.status_code };
}

/**
 * Records the answer to a key, in the transaction that makes the case: a second process making
 * the same request at the same moment fails on the key and answers from the first. Expired keys
 * are removed on the way.
 */
export async function recordAnswer(trx: DB, apiKeyId: number, claim: IdempotencyClaim, answer: StoredAnswer, hours: number): Promise<void> {
  const now = nowIso();
  await trx.deleteFrom('open311_idempotency_keys').where('expires_at', '<=', now).execute();
  await trx.insertInto('open311_idempotency_keys').values({
    api_key_id: apiKeyId, idempotency_key: claim.key, fingerprint: claim.fingerprint, status_code: answer.statusCode, case_id: answer.caseId,
    created_at: now, expires_at: new Date(Date.parse(now) + hours * 3_600_000).toISOString(),
  }).execute();
}
