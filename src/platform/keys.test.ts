import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { addKeyToFile, defaultKeyFile, KeyConfigError, loadKeys } from './keys.js';
import { open, seal } from './crypto.js';

test('a SQLite deployment without a key gets a private key file beside its database, once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-keys-'));
  const url = `sqlite:${join(dir, 'townhall.db')}`;
  const first = loadKeys(url, {});
  assert.equal(first.created, true);
  assert.equal(first.file, defaultKeyFile(join(dir, 'townhall.db')));
  assert.equal(statSync(first.file ?? '').mode & 0o777, 0o600);
  const second = loadKeys(url, {});
  assert.equal(second.created, false);
  assert.equal(second.keyring.current.id, first.keyring.current.id);
});

test('rotation adds a current key to the file and keeps the old one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-keys-'));
  const { keyring: before, file } = loadKeys(`sqlite:${join(dir, 'db.sqlite')}`, {});
  const sealed = seal(before, 'f', 'x');
  const after = addKeyToFile(file ?? '');
  assert.notEqual(after.current.id, before.current.id);
  assert.equal(open(after, 'f', sealed), 'x');
  assert.equal((JSON.parse(readFileSync(file ?? '', 'utf8')) as { keys: unknown[] }).keys.length, 2);
});

test('PostgreSQL without a configured key gets data/townhall.keys.json in the working folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-keys-'));
  const previous = process.cwd();
  process.chdir(dir);
  try {
    const first = loadKeys('postgres://x/y', {});
    assert.equal(first.created, true);
    assert.equal(first.file, join(realpathSync(dir), 'data', 'townhall.keys.json'));
    assert.equal(loadKeys('postgres://x/y', {}).keyring.current.id, first.keyring.current.id);
  } finally {
    process.chdir(previous);
  }
});

test('keys from the environment, with clear messages for wrong ones', () => {
  const key = randomBytes(32).toString('base64');
  const old = randomBytes(32).toString('base64');
  const loaded = loadKeys('postgres://x/y', { TOWNHALL_ENCRYPTION_KEY: key, TOWNHALL_ENCRYPTION_PREVIOUS_KEYS: old });
  assert.equal(loaded.file, null);
  assert.equal(loaded.keyring.keys.size, 2);
  assert.throws(() => loadKeys('postgres://x/y', { TOWNHALL_ENCRYPTION_KEY: 'too-short' }), (e: unknown) => e instanceof KeyConfigError && /32 random bytes/.test(e.message));
  assert.throws(() => loadKeys('postgres://x/y', { TOWNHALL_ENCRYPTION_KEY_FILE: '/nonexistent/keys.json' }), /does not exist/);
});
