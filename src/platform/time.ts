import { AsyncLocalStorage } from 'node:async_hooks';

/** The time `asAt` sets for the work it runs (and all that work awaits); none outside it. */
const setTime = new AsyncLocalStorage<number>();

/** Times are stored as UTC instants, written as ISO 8601 with a Z. */
export const nowIso = (): string => new Date(setTime.getStore() ?? Date.now()).toISOString();

/**
 * Runs `work` as if it were `instant`: every nowIso() inside it reads that time. For the demo's
 * history, which happens over past weeks through the same functions a person's actions call
 * today (so its cases, audit entries and licences carry their own dates). Never for a request.
 */
export const asAt = <T>(instant: Date, work: () => Promise<T>): Promise<T> => setTime.run(instant.getTime(), work);

/**
 * The years a date given to Townhall may fall in. Every date a person or a system sends (Open311
 * date ranges and status updates, answers, holidays, queue cursors) is checked against this one
 * range: year 1 or 9999 is a typing mistake or a probe, and at the calendar's edges the
 * arithmetic on it (a 90-day window) leaves what JavaScript writes as ISO 8601 and what
 * PostgreSQL's timestamptz accepts.
 */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2999;
/** How the range is said in error messages. */
export const DATE_RANGE_WORDS = `between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`;

/** True when the instant (ISO 8601 text or milliseconds) falls in the years Townhall accepts. */
export function inDateRange(instant: string | number): boolean {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

/**
 * Parses an ISO 8601 date-time that names its zone (Z or ±hh:mm), as Open311 requires.
 * Returns the UTC instant, or null when the text is not such a date-time or falls outside the
 * years Townhall accepts (inDateRange).
 */
export function parseZonedDateTime(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  const date = new Date(text.trim().replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(date.getTime())) return null;
  // Reject dates like 2026-02-31 that Date silently rolls over.
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (probe.getUTCDate() !== Number(d)) return null;
  if (!inDateRange(date.getTime())) return null;
  return date.toISOString();
}

export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets by zone, then by quarter hour (a number key: no string is built per look-up): zones only change offset on quarter-hour boundaries. */
const offsetCache = new Map<string, Map<number, number>>();
const OFFSETS_KEPT = 50_000;
let offsetsKept = 0;
const QUARTER_HOUR = 900_000;

/** Minutes the zone is ahead of UTC at the given instant. */
function offsetMinutes(instantMs: number, timeZone: string): number {
  const key = Math.floor(instantMs / QUARTER_HOUR);
  let ofZone = offsetCache.get(timeZone);
  const cached = ofZone?.get(key);
  if (cached !== undefined) return cached;
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((local - Math.floor(instantMs / 1000) * 1000) / 60_000);
  if (offsetsKept >= OFFSETS_KEPT) {
    offsetCache.clear();
    offsetsKept = 0;
    ofZone = undefined;
  }
  if (!ofZone) offsetCache.set(timeZone, (ofZone = new Map()));
  ofZone.set(key, offset);
  offsetsKept++;
  return offset;
}

/** Writes a UTC instant as ISO 8601 in the jurisdiction's local time with its offset, e.g. 2026-03-01T09:30:00-08:00. */
export function formatInZone(iso: string, timeZone: string): string {
  const instantMs = Math.floor(Date.parse(iso) / 1000) * 1000;
  const offset = offsetMinutes(instantMs, timeZone);
  const local = new Date(instantMs + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const peopleFormats = new Map<string, Intl.DateTimeFormat>();
const peopleFormat = (timeZone: string, withTime: boolean) => {
  const key = `${timeZone}|${withTime}`;
  let format = peopleFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', withTime
      ? { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { timeZone, day: 'numeric', month: 'long', year: 'numeric' });
    peopleFormats.set(key, format);
  }
  return format;
};

/** A time as staff read it, in the jurisdiction's zone: "Fri 5 Dec 2025, 09:04". */
export const formatForPeople = (iso: string, timeZone: string): string => peopleFormat(timeZone, true).format(new Date(iso));

/** A date as a letter would give it: "5 December 2025". */
export const formatDateForPeople = (iso: string, timeZone: string): string => peopleFormat(timeZone, false).format(new Date(iso));

/** Today's date (YYYY-MM-DD) in the jurisdiction's zone. */
export const todayInZone = (timeZone: string, now = nowIso()): string => formatInZone(now, timeZone).slice(0, 10);

/** True for a real calendar date written YYYY-MM-DD, in the years Townhall accepts. */
export const isCalendarDate = (text: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text && inDateRange(`${text}T12:00:00Z`);

/**
 * The UTC instants a local calendar day (YYYY-MM-DD, checked by isCalendarDate) runs between in
 * the zone: [from, to). A day is 23 or 25 hours long when the clocks change.
 */
export function dayInZone(day: string, timeZone: string): { from: string; to: string } {
  const midnight = (wall: number) => {
    const guess = wall - offsetMinutes(wall, timeZone) * 60_000;
    return new Date(wall - offsetMinutes(guess, timeZone) * 60_000).toISOString();
  };
  const wall = Date.parse(`${day}T00:00:00Z`);
  return { from: midnight(wall), to: midnight(wall + 86_400_000) };
}
