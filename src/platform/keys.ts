/**
 * Where the encryption keys come from: TOWNHALL_ENCRYPTION_KEY (base64, 32 bytes; previous keys
 * in TOWNHALL_ENCRYPTION_PREVIOUS_KEYS), or a key file. With neither, the first start creates a
 * key file (beside a SQLite database; data/townhall.keys.json for PostgreSQL) and says so, so a
 * demo still starts with one command. Every app process must then share that file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { keyId, makeKeyring, newKey, type Keyring } from './crypto.js';

export interface LoadedKeys {
  keyring: Keyring;
  /** The key file in use, or null when the keys come from the environment. */
  file: string | null;
  /** True when this call created the key file. */
  created: boolean;
}

interface KeyFile {
  current: string;
  keys: Array<{ id: string; key: string; created: string }>;
}

export class KeyConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadKeys(databaseUrl: string, env: Env = process.env): LoadedKeys {
  const fromEnv = env.TOWNHALL_ENCRYPTION_KEY?.trim();
  if (fromEnv) {
    const previous = (env.TOWNHALL_ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    return { keyring: makeKeyring(decodeKey(fromEnv, 'TOWNHALL_ENCRYPTION_KEY'), previous.map((k) => decodeKey(k, 'TOWNHALL_ENCRYPTION_PREVIOUS_KEYS'))), file: null, created: false };
  }
  const configured = env.TOWNHALL_ENCRYPTION_KEY_FILE?.trim();
  if (configured) {
    if (!existsSync(configured)) throw new KeyConfigError(`TOWNHALL_ENCRYPTION_KEY_FILE names ${resolve(configured)}, which does not exist.`);
    return { keyring: readKeyFile(configured), file: resolve(configured), created: false };
  }
  const databasePath = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : null;
  if (databasePath === ':memory:') return { keyring: makeKeyring(newKey()), file: null, created: false };
  const file = databasePath === null ? resolve('data', 'townhall.keys.json') : defaultKeyFile(databasePath);
  if (existsSync(file)) return { keyring: readKeyFile(file), file, created: false };
  const key = newKey();
  writeKeyFile(file, { current: keyId(key), keys: [{ id: keyId(key), key: key.toString('base64'), created: new Date().toISOString() }] });
  return { keyring: makeKeyring(key), file, created: true };
}

export const defaultKeyFile = (databasePath: string) => `${resolve(databasePath)}.keys.json`;

function decodeKey(text: string, name: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new KeyConfigError(`${name} must be 32 random bytes written in base64 (44 characters, e.g. from "openssl rand -base64 32").`);
  }
  return key;
}

function readKeyFile(file: string): Keyring {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (error) {
    throw new KeyConfigError(`The key file ${file} cannot be read: ${(error as Error).message}`);
  }
  const current = parsed.keys?.find((k) => k.id === parsed.current);
  if (!current) throw new KeyConfigError(`The key file ${file} names current key "${parsed.current}" but does not hold it.`);
  const others = parsed.keys.filter((k) => k !== current).map((k) => decodeKey(k.key, `key ${k.id} in ${file}`));
  return makeKeyring(decodeKey(current.key, `key ${current.id} in ${file}`), others);
}

function writeKeyFile(file: string, content: KeyFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Adds a new current key to a key file, keeping the old ones so stored values can still be opened. */
export function addKeyToFile(file: string): Keyring {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const key = newKey();
  parsed.keys.push({ id: keyId(key), key: key.toString('base64'), created: new Date().toISOString() });
  parsed.current = keyId(key);
  writeKeyFile(file, parsed);
  return readKeyFile(file);
}
