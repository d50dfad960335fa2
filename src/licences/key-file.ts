/**
 * Where the published key set is kept on disk, next to the data, for `townhall verify` to check
 * licences offline: beside a SQLite database, or data/ for PostgreSQL (as the encryption key
 * file). It holds public keys only.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KeySet } from './credential.js';

export function defaultKeySetFile(databaseUrl: string | undefined): string {
  const url = databaseUrl?.trim() || 'sqlite:data/townhall.db';
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : null;
  return path && path !== ':memory:' ? `${resolve(path)}.licence-keys.json` : resolve('data', 'licence-keys.json');
}

export function writeKeySetFile(file: string, set: KeySet): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(set, null, 2)}\n`);
  renameSync(temporary, file);
}
