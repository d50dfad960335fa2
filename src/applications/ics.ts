/**
 * iCalendar (RFC 5545) invitations for inspections, sent as iTIP (RFC 5546) messages: REQUEST
 * when an inspection is booked or changed, CANCEL when it is called off. One UID per inspection
 * and a SEQUENCE that grows with each change, so a calendar program updates the event it already
 * has instead of adding another. Times are UTC instants (the "Z" form), which every calendar
 * reads without a VTIMEZONE. Lines end with CRLF and are folded at 75 octets; text is escaped.
 */

export interface CalendarEvent {
  /** Stable per inspection: "inspection-<id>@<host>". */
  uid: string;
  /** 0 for the first invitation, one more for each change or the cancellation. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** UTC instants (ISO 8601). */
  start: string;
  end: string;
  /** When this message was made (DTSTAMP). */
  stamp: string;
  summary: string;
  location: string;
  description: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

const MAX_OCTETS = 75;

/** TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped. */
export const escapeText = (text: string): string =>
  text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');

/** A parameter value (a person's name): quoted, without the characters a quoted value cannot hold. */
const paramValue = (text: string) => `"${[...text.replace(/"/g, "'")].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('')}"`;

/** Folds one content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // A continuation line starts with one space, which counts toward its 75 octets.
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

/** 2027-03-01T09:30:00.000Z -> 20270301T093000Z */
export const utcStamp = (iso: string): string => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The whole VCALENDAR object, CRLF line ends, ready to attach as text/calendar. */
export function calendarInvitation(event: CalendarEvent): string {
  const cancelled = event.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Townhall//Inspections//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `DTSTART:${utcStamp(event.start)}`,
    `DTEND:${utcStamp(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    `ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`,
    `ATTENDEE;CN=${paramValue(event.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${event.attendee.email}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
