import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordProblem } from '../identity/passwords.js';
import { roles } from '../identity/roles.js';
import { demoAccountsAllowed } from './seed.js';
import { DEMO_PASSWORD, demoPeople } from './people.js';

test('demo accounts, whose password is public, are made only where Townhall is tried over plain http', () => {
  assert.equal(demoAccountsAllowed({ publicUrl: 'http://localhost:3000' }), true);
  assert.equal(demoAccountsAllowed({ publicUrl: 'https://services.council.example' }), false);
});

test('the demo has an account for every role, with a password Townhall itself would accept', () => {
  assert.deepEqual([...new Set(demoPeople.map((p) => p.role))].sort(), [...roles].sort());
  assert.equal(passwordProblem(DEMO_PASSWORD), null);
});
