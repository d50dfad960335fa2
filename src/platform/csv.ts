/**
 * CSV as councils and open-data portals export it: the places a council imports, and the
 * demo's sample of real requests; and CSV that Townhall writes (open data, finance reports),
 * safe to open in a spreadsheet.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. Given
 * `lines`, it receives the line (from 1) each record starts on, for reports that name lines.
 */
export function parseCsv(text: string, lines?: number[]): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    if (lines && record.length === 0) lines.push(line);
    let field: string;
    if (text[i] === '"') {
      field = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw new Error('The CSV ends inside a quoted field.');
        const part = text.slice(from, quote);
        if (lines) for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', at + 1)) line++;
        field += part;
        if (text[quote + 1] === '"') { field += '"'; from = quote + 2; continue; }
        i = quote + 1;
        break;
      }
    } else {
      let end = i;
      while (end < n && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      if (i < n) continue;
      record.push(''); // a trailing comma at the very end still ends with an empty field
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') { i++; line++; }
    records.push(record);
    record = [];
  }
  return records;
}

/** Reads a CSV file, plain or gzipped (by its .gz name), into records. */
export function readCsvFile(path: string): string[][] {
  const bytes = readFileSync(path);
  return parseCsv((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

const plainNumber = /^-?\d+(\.\d+)?$/;
const mustQuote = /[",\n\r]/;
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * One CSV field, as RFC 4180 quotes it, and safe to open in a spreadsheet: text that begins
 * like a formula (=, +, -, @, a tab or a carriage return) is written after a ' so it is read as
 * text (CSV injection). A plain number, negative ones included, is written as it is.
 */
export function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value;
  // Most fields start with neither a formula's sign nor a tab, and hold no quote, comma or line
  // break: they are written as they are with one scan (an open-data export writes millions).
  const first = text.charCodeAt(0);
  if (first !== 61 && first !== 43 && first !== 45 && first !== 64 && first !== 9 && first !== 13) return mustQuote.test(text) ? quoted(text) : text;
  if (plainNumber.test(text)) return text;
  const safe = `'${text}`;
  return mustQuote.test(safe) ? quoted(safe) : safe;
}

/** A CSV document: each row's fields through csvCell, lines ended with CRLF as RFC 4180 has it. */
export const csvDocument = (rows: Array<Array<string | number>>): string => rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
