/**
 * API keys for systems that post to Townhall (Open311 clients, back offices). Only a SHA-256
 * hash of each key is stored: the key itself is shown once, when it is created.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../platform/crypto.js';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { compiledOnce } from '../db/compiled.js';
import { DomainError, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { parseId } from '../platform/ids.js';

/**
 * open311:front-end is a flag more than a right: it marks a key held by a front end that passes on
 * what residents write (FixMyStreet), so its servicerequestupdates are residents' comments,
 * which never change a case's status. It still needs open311:update to post them.
 */
export const apiKeyScopes = ['open311:submit', 'open311:update', 'open311:front-end', 'registration:read', 'registration:write', 'registration:operate', 'cases:read', 'cases:write', 'webhooks:manage'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];
/**
 * What a key may do when no scopes are named: the Open311 scopes, as before the GovStack
 * Registration API came. Its scopes reach applicants' files, so a key gets them only when asked.
 */
export const defaultApiKeyScopes: readonly ApiKeyScope[] = ['open311:submit', 'open311:update'];

/**
 * A key refused: none given, unknown or revoked (`reason` "unauthenticated"), or without the
 * scope (`reason` "scope"). Its kind stays forbidden, so Open311 answers 403 as it always has;
 * an API that tells the two apart (GovStack: 401 and 403) reads `reason`.
 */
export class ApiKeyRefused extends DomainError {
  constructor(public readonly reason: 'unauthenticated' | 'scope', message: string) {
    super('forbidden', message);
  }
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuthenticatedKey {
  id: number;
  name: string;
  scopes: ApiKeyScope[];
}

const hashKey = sha256Hex;
/** last_used_at is a hint for staff, so it is written at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function createApiKey(db: DB, input: { name: string; scopes?: ApiKeyScope[] }, actor: string): Promise<{ id: string; key: string }> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw invalid('Give the key a name of 1 to 100 characters that says who uses it, e.g. "Highways back office".');
  const scopes = input.scopes ?? [...defaultApiKeyScopes];
  const unknown = scopes.filter((s) => !apiKeyScopes.includes(s));
  if (unknown.length > 0) throw invalid(`Unknown scope ${unknown.join(', ')}; scopes are ${apiKeyScopes.join(', ')}.`);
  const key = `th_${randomBytes(24).toString('base64url')}`;
  const prefix = key.slice(0, 10);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('api_keys').values({
      name, prefix, key_hash: hashKey(key), scopes: JSON.stringify(scopes), created_at: nowIso(), revoked_at: null, last_used_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, { actor, action: 'api_key.created', entityType: 'api_key', entityId: String(row.id), after: { name, prefix, scopes } });
    return row.id;
  });
  return { id: String(id), key };
}

export async function listApiKeys(db: DB): Promise<ApiKeySummary[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: String(row.id), name: row.name, prefix: row.prefix, scopes: JSON.parse(row.scopes) as ApiKeyScope[],
    createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at,
  }));
}

export async function revokeApiKey(db: DB, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const keyId = parseId(id);
    const row = keyId === null ? undefined : await trx.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
    if (!row) throw notFound(`There is no API key with id "${id}". "townhall api-key list" shows the ids.`);
    if (row.revoked_at) return;
    const revokedAt = nowIso();
    await trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', row.id).execute();
    await appendAudit(trx, { actor, action: 'api_key.revoked', entityType: 'api_key', entityId: id, before: { revoked_at: null }, after: { revoked_at: revokedAt } });
  });
}

/** Every Open311 write reads its key: compiled once. */
const keyByHashQuery = compiledOnce((db: DB, keyHash: string) => db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash));

/** Checks a presented key and scope; throws forbidden with a message the caller can act on. */
export async function authenticateApiKey(db: DB, key: string | undefined, scope: ApiKeyScope): Promise<AuthenticatedKey> {
  if (!key) throw new ApiKeyRefused('unauthenticated', 'An api_key is required. Ask the council for one.');
  const [row] = await keyByHashQuery(db, hashKey(key));
  if (!row || row.revoked_at) throw new ApiKeyRefused('unauthenticated', 'The api_key is not valid: it is unknown or has been revoked.');
  const scopes = JSON.parse(row.scopes) as ApiKeyScope[];
  if (!scopes.includes(scope)) throw new ApiKeyRefused('scope', `This api_key may not do this: it lacks the "${scope}" scope.`);
  const now = Date.now();
  if (!row.last_used_at || now - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await db.updateTable('api_keys').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
  }
  return { id: row.id, name: row.name, scopes };
}
