/**
 * The keys that sign licences: Ed25519, each named by its kid (the RFC 7638 thumbprint of its
 * public key), the private half sealed with the field encryption keys. Rotation makes a new key
 * current and keeps every old public key published, so a licence signed years ago still checks.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { open, seal, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import { keysFromSet, publicJwkOf, type KeySet, type PublicJwk } from './credential.js';
import * as store from './store.js';

const SEALED_FIELD = 'licence_signing_keys.private_key';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Opened private keys, by kid: opening costs a decryption and a key parse. */
const opened = new Map<string, KeyObject>();

async function createKey(db: DB, keyring: Keyring, actor: string, action: string): Promise<SigningKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicJwkOf(privateKey);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const write = async (trx: DB) => {
    await store.insertSigningKey(trx, { kid: jwk.kid, publicJwk: JSON.stringify(jwk), privateKey: seal(keyring, SEALED_FIELD, der), at: nowIso() });
    await appendAudit(trx, { actor, action, entityType: 'licence_signing_key', entityId: jwk.kid, after: { kid: jwk.kid } });
  };
  await (db.isTransaction ? write(db) : db.transaction().execute(write));
  opened.set(jwk.kid, privateKey);
  publicKeysOf(db).forget();
  return { kid: jwk.kid, privateKey };
}

/** The key new licences are signed with; the first call on a new database makes one. */
export async function currentSigningKey(db: DB, keyring: Keyring): Promise<SigningKey> {
  const row = await store.currentSigningKeyRow(db);
  if (!row) return createKey(db, keyring, 'system', 'licence_signing_key.created');
  let privateKey = opened.get(row.kid);
  if (!privateKey) {
    privateKey = createPrivateKey({ key: Buffer.from(open(keyring, SEALED_FIELD, row.private_key), 'base64'), format: 'der', type: 'pkcs8' });
    opened.set(row.kid, privateKey);
  }
  return { kid: row.kid, privateKey };
}

/** The kid new licences are signed with, if there is a key yet. */
export const currentKid = async (db: DB): Promise<string | undefined> => (await store.currentSigningKeyRow(db))?.kid;

/** Makes a new key current; the old ones stay published (and stay able to verify). */
export const rotateSigningKey = (db: DB, keyring: Keyring, actor: string): Promise<SigningKey> =>
  createKey(db, keyring, actor, 'licence_signing_key.rotated');

/** The published key set (JWKS): every key that has signed or may sign a licence. */
export async function publishedKeySet(db: DB): Promise<KeySet> {
  const rows = await store.signingKeys(db);
  return { keys: rows.map((row) => JSON.parse(row.public_jwk) as PublicJwk) };
}

/**
 * Public keys for checking tokens, kept in memory: read again at most once a minute, or at
 * once (at most once a second) when a token names a kid not yet seen, e.g. just after a
 * rotation in another process.
 */
export class PublicKeyCache {
  private keys = new Map<string, KeyObject>();
  private readAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly db: DB) {}

  forget(): void {
    this.readAt = 0;
  }

  async get(kid: string): Promise<KeyObject | undefined> {
    const age = Date.now() - this.readAt;
    if (age > 60_000 || (!this.keys.has(kid) && age > 1_000)) await this.load();
    return this.keys.get(kid);
  }

  async all(): Promise<Map<string, KeyObject>> {
    if (Date.now() - this.readAt > 60_000) await this.load();
    return this.keys;
  }

  private load(): Promise<void> {
    this.loading ??= publishedKeySet(this.db).then((set) => {
      this.keys = keysFromSet(set);
      this.readAt = Date.now();
    }).finally(() => { this.loading = null; });
    return this.loading;
  }
}

const caches = new WeakMap<DB, PublicKeyCache>();
/** The public key cache of one database (tests run several in one process). */
export function publicKeysOf(db: DB): PublicKeyCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, cache = new PublicKeyCache(db));
  return cache;
}
