import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvDocument, parseCsv } from './csv.js';

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

test('csvCell writes fields a spreadsheet reads as text, never as a formula; numbers as they are', () => {
  for (const formula of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
    const [[read]] = parseCsv(`${csvCell(formula)}\r\n`) as [[string]];
    assert.equal(read, `'${formula}`, `${JSON.stringify(formula)} is kept as text`);
  }
  assert.equal(csvCell('-12.50'), '-12.50', 'a negative amount is a number, not a formula');
  assert.equal(csvCell(0), '0');
  assert.equal(csvCell('Oak, Ash and "Elm"'), '"Oak, Ash and ""Elm"""');
  assert.equal(csvDocument([['a', 1], ['b', '=1']]), "a,1\r\nb,'=1\r\n");
  assert.deepEqual(parseCsv(csvDocument([['line 1\nline 2', 'x']])), [['line 1\nline 2', 'x']]);
});
