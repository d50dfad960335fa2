import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isId, MAX_ID, parseId } from './ids.js';

test('parseId takes digits only, from 1 to the largest number an id column holds', () => {
  assert.equal(parseId('42'), 42);
  assert.equal(parseId('000123'), 123);
  assert.equal(parseId('2147483647'), MAX_ID);
  for (const text of ['', '0', '000', '-1', '1.5', '1e3', ' 7', '0x10', '2147483648', '9223372036854775808', '999999999999999', '9999999999999999', 'abc', '€']) {
    assert.equal(parseId(text), null, text);
  }
  assert.equal(parseId(undefined), null);
  assert.equal(parseId(12), null);
});

test('isId: whole numbers from 1 to MAX_ID', () => {
  assert.ok(isId(1) && isId(MAX_ID));
  for (const value of [0, -1, 1.5, MAX_ID + 1, Number.NaN, Infinity, '1', null]) assert.equal(isId(value), false, String(value));
});
