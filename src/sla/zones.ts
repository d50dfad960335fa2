/**
 * Time-zone offsets from Intl, computed once per zone and year: the clock changes of the year are
 * found by sampling each day and narrowing to the minute, so later look-ups are a short array
 * scan, not an Intl call (SLA arithmetic looks up offsets for every day it walks over).
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

interface ZoneYear {
  /** Offset (minutes ahead of UTC) at the start of the year. */
  initial: number;
  /** Clock changes in the year: from `at` (UTC ms) on, the offset is `offset`. */
  changes: Array<{ at: number; offset: number }>;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const years = new Map<string, ZoneYear>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone, e.g. "Europe/London". */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function intlOffset(timeZone: string, instant: number): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((local - Math.floor(instant / 1000) * 1000) / MINUTE);
}

function zoneYear(timeZone: string, year: number): ZoneYear {
  const key = `${timeZone}|${year}`;
  const cached = years.get(key);
  if (cached) return cached;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const initial = intlOffset(timeZone, start);
  const changes: ZoneYear['changes'] = [];
  let previous = initial;
  for (let sample = start + DAY; sample < end + DAY; sample += DAY) {
    const offset = intlOffset(timeZone, sample);
    if (offset === previous) continue;
    // Narrow to the first minute with the new offset.
    let low = sample - DAY;
    let high = sample;
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (intlOffset(timeZone, middle) === previous) low = middle;
      else high = middle;
    }
    changes.push({ at: high, offset });
    previous = offset;
  }
  const result = { initial, changes };
  years.set(key, result);
  return result;
}

/** Minutes the zone is ahead of UTC at the instant. */
export function zoneOffsetMinutes(timeZone: string, instant: number): number {
  const { initial, changes } = zoneYear(timeZone, new Date(instant).getUTCFullYear());
  let offset = initial;
  for (const change of changes) {
    if (instant >= change.at) offset = change.offset;
    else break;
  }
  return offset;
}

/** The first clock change in [from, to), or null when there is none. */
export function zoneTransitionBetween(timeZone: string, from: number, to: number): number | null {
  for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
    for (const change of zoneYear(timeZone, year).changes) {
      if (change.at >= from && change.at < to) return change.at;
    }
  }
  return null;
}
