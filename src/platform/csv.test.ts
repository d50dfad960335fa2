import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from './csv.js';

test('parseCsv follows RFC 4180: quotes, doubled quotes, line breaks inside quotes, CRLF, empty fields', () => {
  assert.deepEqual(parseCsv('a,b,c\r\n"x, y","say ""hi""",\r\n"line 1\nline 2",,z'), [
    ['a', 'b', 'c'],
    ['x, y', 'say "hi"', ''],
    ['line 1\nline 2', '', 'z'],
  ]);
  assert.deepEqual(parseCsv('\ufeff"",1\n'), [['', '1']]);
  assert.deepEqual(parseCsv('a,\n'), [['a', '']]);
  assert.deepEqual(parseCsv('a,'), [['a', '']]);
  assert.throws(() => parseCsv('"never closed'));
});
