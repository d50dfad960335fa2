import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoFor } from './memo.js';

test('memoFor: one call per arguments within its lifetime, again after it, failures not kept', async () => {
  let clock = 0;
  let calls = 0;
  const square = memoFor(1_000, async (n: number) => {
    calls++;
    if (n < 0) throw new Error('negative');
    return n * n;
  }, { now: () => clock, max: 2 });
  assert.deepEqual(await Promise.all([square(3), square(3)]), [9, 9]);
  assert.equal(calls, 1, 'callers at the same time share one call');
  await square(3);
  assert.equal(calls, 1);
  await square(4);
  assert.equal(calls, 2, 'other arguments, another call');
  clock = 1_000;
  await square(3);
  assert.equal(calls, 3, 'past its lifetime, asked again');
  await assert.rejects(square(-1), /negative/);
  await assert.rejects(square(-1), /negative/);
  assert.equal(calls, 5, 'a failure is not remembered');
  const perOwner = memoFor(1_000, async (owner: { name: string }, n: number) => `${owner.name}${n}`, { now: () => clock });
  assert.equal(await perOwner({ name: 'a' }, 1), 'a1');
  assert.equal(await perOwner({ name: 'b' }, 1), 'b1', 'an object first argument (a database) is told apart by identity');
  square.clear();
  await square(3);
  assert.equal(calls, 6, 'clear forgets');
});
