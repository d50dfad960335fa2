/**
 * Dates as other systems export them: a profile names the format ("MM/DD/YYYY hh:mm:ss A", or
 * "ISO") and the time zone of the wall-clock times, and each date becomes a UTC instant.
 */
import { inDateRange } from '../platform/time.js';
import { wallClockToUtc } from '../platform/zoned-time.js';

const TOKENS: Array<[string, string]> = [
  ['YYYY', '(?<year>\\d{4})'], ['MM', '(?<month>\\d{2})'], ['M', '(?<month>\\d{1,2})'], ['DD', '(?<day>\\d{2})'], ['D', '(?<day>\\d{1,2})'],
  ['HH', '(?<hour>\\d{2})'], ['H', '(?<hour>\\d{1,2})'], ['hh', '(?<hour12>\\d{2})'], ['h', '(?<hour12>\\d{1,2})'],
  ['mm', '(?<minute>\\d{2})'], ['ss', '(?<second>\\d{2})'], ['SSS', '(?<fraction>\\d{1,9})'], ['A', '(?<ampm>[AaPp][Mm])'],
];

const compiled = new Map<string, RegExp | 'iso'>();

function compile(format: string): RegExp | 'iso' {
  const known = compiled.get(format);
  if (known) return known;
  if (format.toUpperCase() === 'ISO') { compiled.set(format, 'iso'); return 'iso'; }
  let pattern = '';
  const seen = new Set<string>();
  for (let i = 0; i < format.length;) {
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      const group = /\?<(\w+)>/.exec(token[1])![1]!;
      if (seen.has(group)) throw new Error(`"${format}" names the ${group} twice.`);
      seen.add(group);
      pattern += token[1];
      i += token[0].length;
    } else {
      pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  if (!seen.has('year') || !seen.has('month') || !seen.has('day')) throw new Error(`"${format}" must name the year (YYYY), month (MM or M) and day (DD or D).`);
  if (seen.has('hour12') !== seen.has('ampm')) throw new Error(`"${format}": a 12-hour clock (hh or h) needs AM/PM (A), and A needs hh or h.`);
  const regex = new RegExp(`^${pattern}$`);
  compiled.set(format, regex);
  return regex;
}

/** Says what is wrong with a date format, or null when it can be read. */
export function checkDateFormat(format: string): string | null {
  try {
    compile(format);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a date in one of the formats, as a wall-clock time in the time zone (or at the offset
 * it names, for ISO with an offset). Returns the UTC instant in ISO 8601, or null when the text
 * is in none of the formats, names an impossible day or time, or falls outside the years
 * Townhall accepts.
 */
export function readDate(text: string, formats: string[], timeZone: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  for (const format of formats) {
    const rule = compile(format);
    let parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number; offset?: string };
    if (rule === 'iso') {
      const m = ISO.exec(value);
      if (!m) continue;
      parts = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0), ms: fraction(m[7]), ...(m[8] ? { offset: m[8] } : {}) };
    } else {
      const g = rule.exec(value)?.groups;
      if (!g) continue;
      let hour = Number(g.hour ?? 0);
      if (g.hour12 !== undefined) {
        const h12 = Number(g.hour12);
        if (h12 < 1 || h12 > 12) return null;
        hour = (h12 % 12) + (g.ampm!.toUpperCase() === 'PM' ? 12 : 0);
      }
      parts = { year: +g.year!, month: +g.month!, day: +g.day!, hour, minute: +(g.minute ?? 0), second: +(g.second ?? 0), ms: fraction(g.fraction) };
    }
    if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) return null;
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.ms);
    // 31 April and 30 February roll over in Date.UTC: refused.
    if (new Date(wall).getUTCDate() !== parts.day) return null;
    let instant: number;
    if (parts.offset) {
      const o = /^([+-])(\d{2}):?(\d{2})$/.exec(parts.offset);
      instant = o ? wall - (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000 : wall;
    } else {
      instant = wallClockToUtc(wall, timeZone);
    }
    return inDateRange(instant) ? new Date(instant).toISOString() : null;
  }
  return null;
}

const fraction = (digits: string | undefined): number => (digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0);
