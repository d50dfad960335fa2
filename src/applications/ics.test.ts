import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarInvitation, escapeText, foldLine, utcStamp } from './ics.js';

const event = {
  uid: 'inspection-1b2c@council.example', sequence: 0, method: 'REQUEST' as const,
  start: '2027-03-01T09:30:00.000Z', end: '2027-03-01T10:30:00.000Z', stamp: '2027-02-01T12:00:00.000Z',
  summary: 'Inspection, food; business', location: 'Unit 4, Mill Lane; back door',
  description: `A long description that must be folded: ${'é'.repeat(60)} and more words after it\nsecond line`,
  organizer: { name: 'Port Alder "Council"', email: 'noreply@council.example' }, attendee: { name: 'Ruth Green', email: 'ruth@example.org' },
};

/** Unfolds content lines (RFC 5545 3.1): a CRLF followed by one space or tab joins the next line. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);

test('escaping: backslash, semicolon, comma and line breaks', () => {
  assert.equal(escapeText('a\\b;c,d\ne\r\nf'), 'a\\\\b\\;c\\,d\\ne\\nf');
});

test('folding: at most 75 octets a line, continuation lines start with a space, never inside a character', () => {
  const line = `DESCRIPTION:${'é'.repeat(100)}`;
  const folded = foldLine(line);
  const parts = folded.split('\r\n');
  assert.ok(parts.length > 1);
  for (const part of parts) assert.ok(Buffer.byteLength(part, 'utf8') <= 75, `${Buffer.byteLength(part, 'utf8')} octets`);
  for (const part of parts.slice(1)) assert.ok(part.startsWith(' '));
  assert.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line, 'unfolding gives the line back');
  assert.equal(foldLine('SHORT:line'), 'SHORT:line');
});

test('an invitation: VCALENDAR with METHOD, one VEVENT with UID, SEQUENCE, UTC times; CRLF everywhere', () => {
  const ics = calendarInvitation(event);
  assert.ok(ics.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(ics), 'no bare line feed');
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75);
  const lines = unfold(ics);
  assert.equal(lines[0], 'BEGIN:VCALENDAR');
  assert.equal(lines.at(-1), 'END:VCALENDAR');
  for (const expected of ['VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:inspection-1b2c@council.example', 'SEQUENCE:0', 'DTSTART:20270301T093000Z', 'DTEND:20270301T103000Z',
    'DTSTAMP:20270201T120000Z', 'LOCATION:Unit 4\\, Mill Lane\\; back door', 'SUMMARY:Inspection\\, food\\; business', 'STATUS:CONFIRMED', 'END:VEVENT']) {
    assert.ok(lines.includes(expected), `has ${expected}`);
  }
  assert.ok(lines.some((l) => l.startsWith('PRODID:')));
  assert.ok(lines.includes(`DESCRIPTION:A long description that must be folded: ${'é'.repeat(60)} and more words after it\\nsecond line`));
  assert.ok(lines.includes('ORGANIZER;CN="Port Alder \'Council\'":mailto:noreply@council.example'), 'a quote cannot end the quoted name');
  assert.ok(lines.some((l) => l.startsWith('ATTENDEE;CN="Ruth Green";') && l.endsWith(':mailto:ruth@example.org')));
});

test('a cancellation: METHOD:CANCEL and STATUS:CANCELLED, the same UID with a higher SEQUENCE', () => {
  const lines = unfold(calendarInvitation({ ...event, method: 'CANCEL', sequence: 2 }));
  for (const expected of ['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:2', 'UID:inspection-1b2c@council.example']) assert.ok(lines.includes(expected), `has ${expected}`);
});

test('UTC stamps', () => {
  assert.equal(utcStamp('2026-12-31T23:59:59.999Z'), '20261231T235959Z');
});
