import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupHash, makeKeyring, newKey, open, seal, sealedWith } from './crypto.js';

const keyring = makeKeyring(newKey());

test('a sealed value opens to the original, and never contains it', () => {
  const sealed = seal(keyring, 'case_reporters.email', 'ada@example.org');
  assert.ok(!sealed.includes('ada@example.org')); // not 'ada': three random letters match it now and then
  assert.equal(sealedWith(sealed), keyring.current.id);
  assert.equal(open(keyring, 'case_reporters.email', sealed), 'ada@example.org');
  assert.notEqual(seal(keyring, 'case_reporters.email', 'ada@example.org'), sealed, 'a fresh nonce every time');
});

test('a value cannot be opened as another field, after tampering, or without its key', () => {
  const sealed = seal(keyring, 'case_reporters.email', 'ada@example.org');
  assert.throws(() => open(keyring, 'case_reporters.phone', sealed));
  const tampered = sealed.slice(0, -3) + (sealed.endsWith('A') ? 'BBB' : 'AAA');
  assert.throws(() => open(keyring, 'case_reporters.email', tampered));
  assert.throws(() => open(makeKeyring(newKey()), 'case_reporters.email', sealed), /not configured/);
  assert.throws(() => open(keyring, 'case_reporters.email', 'plain text'), /not in Townhall's encrypted format/);
});

test('after rotation, values sealed under the previous key still open', () => {
  const old = makeKeyring(newKey());
  const sealed = seal(old, 'f', 'secret');
  const rotated = makeKeyring(newKey(), [old.current.key]);
  assert.equal(open(rotated, 'f', sealed), 'secret');
  assert.notEqual(rotated.current.id, old.current.id);
});

test('lookup hashes ignore case and spacing, and depend on the key', () => {
  assert.equal(lookupHash(keyring, 'email', ' Ada@Example.org '), lookupHash(keyring, 'email', 'ada@example.org'));
  assert.notEqual(lookupHash(keyring, 'email', 'ada@example.org'), lookupHash(makeKeyring(newKey()), 'email', 'ada@example.org'));
  assert.throws(() => makeKeyring(Buffer.alloc(16)), /32 bytes/);
});
