import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseId } from './ids.js';

test('parseId takes digits only, few enough to be exact', () => {
  assert.equal(parseId('42'), 42);
  assert.equal(parseId('000123'), 123);
  assert.equal(parseId('999999999999999'), 999_999_999_999_999);
  for (const text of ['', '-1', '1.5', '1e3', ' 7', '0x10', '9999999999999999', 'abc']) assert.equal(parseId(text), null, text);
  assert.equal(parseId(undefined), null);
  assert.equal(parseId(12), null);
});
