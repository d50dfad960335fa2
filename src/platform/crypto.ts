/**
 * Encryption of personal data at rest: AES-256-GCM, a fresh random nonce per value, the field's
 * name bound in as associated data (so a value cannot be moved to another column), and the id
 * of the key that sealed it, so keys can be rotated. Lookups (e.g. by email) use a keyed hash.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface Keyring {
  /** Seals new values. */
  current: { id: string; key: Buffer };
  /** Every key that may have sealed a stored value, by id (the current one included). */
  keys: Map<string, Buffer>;
}

const FORMAT = 'e1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** SHA-256 in hex: for high-entropy secrets (tokens, API keys) that are stored only as hashes. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12);

export function makeKeyring(current: Buffer, others: Buffer[] = []): Keyring {
  for (const key of [current, ...others]) {
    if (key.length !== 32) throw new Error(`An encryption key must be 32 bytes; one has ${key.length}.`);
  }
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...others]) keys.set(keyId(key), key);
  return { current: { id: keyId(current), key: current }, keys };
}

/** Seals a value as "e1.<key id>.<base64url nonce|ciphertext|tag>". */
export function seal(keyring: Keyring, field: string, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, nonce);
  cipher.setAAD(Buffer.from(field));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${FORMAT}.${keyring.current.id}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

export function open(keyring: Keyring, field: string, sealed: string): string {
  const [format, id, payload] = sealed.split('.');
  if (format !== FORMAT || !id || !payload) throw new Error(`A ${field} value is not in Townhall's encrypted format.`);
  const key = keyring.keys.get(id);
  if (!key) throw new Error(`A ${field} value was sealed with key ${id}, which is not configured; add it to the key file.`);
  const bytes = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(field));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** How every sealed value starts, or every value sealed with one key: to find the values still to (re-)seal. */
export const sealedPrefix = (keyId?: string): string => (keyId === undefined ? `${FORMAT}.` : `${FORMAT}.${keyId}.`);

/** The id of the key that sealed a value, or null when it is not sealed. */
export const sealedWith = (sealed: string): string | null => (sealed.startsWith(`${FORMAT}.`) ? sealed.split('.')[1] ?? null : null);

/**
 * A keyed hash for finding records by an exact value without storing the value in clear.
 * The hash key is derived from the current key, so rotation re-computes these too.
 */
export function lookupHash(keyring: Keyring, purpose: string, value: string): string {
  return createHmac('sha256', hashKeyFor(keyring.current.key, purpose)).update(value.trim().toLowerCase()).digest('hex');
}

/** Derived hash keys, kept per key and purpose: deriving one costs more than the hash itself. */
const hashKeys = new WeakMap<Buffer, Map<string, Buffer>>();
function hashKeyFor(key: Buffer, purpose: string): Buffer {
  let byPurpose = hashKeys.get(key);
  if (!byPurpose) hashKeys.set(key, byPurpose = new Map());
  let hashKey = byPurpose.get(purpose);
  if (!hashKey) byPurpose.set(purpose, hashKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `townhall lookup ${purpose}`, 32)));
  return hashKey;
}

export const newKey = (): Buffer => randomBytes(32);
