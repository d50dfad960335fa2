/**
 * Wall-clock times in a time zone turned into UTC instants, fast enough for files of many
 * thousand rows (the demo's history, an import of a council's past cases): Intl knows each
 * zone's rules, and its answer is kept per UTC day.
 */
const DAY = 86_400_000;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: UTC day number → the offset that holds all that day (days with a clock change are not cached). */
const dailyOffsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in ms, read from Intl (which knows the DST rules). */
function offsetAt(utcMs: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(utcMs)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const wall = Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Asking Intl costs microseconds, and an import asks tens of thousands of times, so the answer
 * is kept per span of SPAN_DAYS UTC days when the span starts and ends on the same offset (no
 * zone changes its clocks twice within two weeks), and otherwise per day when the day starts and
 * ends on the same offset (zones change at most once a day).
 */
const SPAN_DAYS = 14;
const spanOffsets = new Map<string, Map<number, number | null>>();

function zoneOffset(utcMs: number, timeZone: string): number {
  let spans = spanOffsets.get(timeZone);
  if (!spans) spanOffsets.set(timeZone, spans = new Map());
  const span = Math.floor(utcMs / (SPAN_DAYS * DAY));
  let whole = spans.get(span);
  if (whole === undefined) {
    const start = offsetAt(span * SPAN_DAYS * DAY, timeZone);
    whole = start === offsetAt((span + 1) * SPAN_DAYS * DAY - 1000, timeZone) ? start : null;
    spans.set(span, whole);
  }
  if (whole !== null) return whole;
  let days = dailyOffsets.get(timeZone);
  if (!days) dailyOffsets.set(timeZone, days = new Map());
  const day = Math.floor(utcMs / DAY);
  const cached = days.get(day);
  if (cached !== undefined) return cached;
  const start = offsetAt(day * DAY, timeZone);
  if (start !== offsetAt((day + 1) * DAY - 1000, timeZone)) return offsetAt(utcMs, timeZone);
  days.set(day, start);
  return start;
}

/**
 * Turns a wall-clock time (given as ms as if it were UTC) into the real UTC instant in a zone.
 * An ambiguous autumn time takes the earlier (daylight) reading.
 */
export function wallClockToUtc(wallMs: number, timeZone: string): number {
  const first = zoneOffset(wallMs, timeZone);
  const second = zoneOffset(wallMs - first, timeZone);
  return wallMs - (first === second ? first : second);
}

