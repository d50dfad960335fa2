import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARGON2, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

test('length rules, no composition rules, common passwords and the email refused', () => {
  assert.match(passwordProblem('seven77') ?? '', /at least 8 characters/);
  assert.equal(passwordProblem('all lower case words'), null, 'no composition rules');
  assert.equal(passwordProblem('ßüñéàçøå'), null, 'characters, not bytes, are counted');
  assert.equal(passwordProblem('xy'.repeat(32)), null, '64 characters are allowed');
  for (const repeated of ['aaaaaaaa', 'AAAAaaaa', '€€€€€€€€', '1'.repeat(40)]) assert.match(passwordProblem(repeated) ?? '', /one character repeated/, repeated);
  assert.match(passwordProblem('x'.repeat(257)) ?? '', /at most 256/);
  for (const common of ['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou']) assert.match(passwordProblem(common) ?? '', /most common/, common);
  assert.match(passwordProblem('ada@example.org', { email: 'Ada@Example.org' }) ?? '', /email address/);
});

test('passwords are stored as argon2id hashes that verify only the right password', async () => {
  const stored = await hashPassword('correct horse battery staple', ARGON2);
  assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  // Tests hash cheaply (see passwords.ts); server.e2e.test.ts checks a real server's hashes.
  assert.match(await hashPassword('correct horse battery staple'), /^\$argon2id\$/);
  assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true);
  assert.equal(await verifyPassword(stored, 'correct horse battery stapler'), false);
});
