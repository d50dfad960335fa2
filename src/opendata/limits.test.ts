import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportSlots } from './limits.js';

test('downloads at once: a few per client, a ceiling for all, each slot given back once', () => {
  const slots = new ExportSlots(2, 3);
  const a1 = slots.take('a');
  const a2 = slots.take('a');
  assert.ok('release' in a1 && 'release' in a2);
  assert.deepEqual(slots.take('a'), { refused: 'client' });
  const b1 = slots.take('b');
  assert.ok('release' in b1);
  assert.deepEqual(slots.take('c'), { refused: 'server' }, 'the ceiling holds for a new client too');
  a1.release();
  a1.release(); // a stream's close and the socket's close both call it
  assert.equal(slots.running, 2);
  const c1 = slots.take('c');
  assert.ok('release' in c1);
  assert.deepEqual(slots.take('a'), { refused: 'server' });
  for (const slot of [a2, b1, c1]) if ('release' in slot) slot.release();
  assert.equal(slots.running, 0);
  assert.ok('release' in slots.take('a'));
});
