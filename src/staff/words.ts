/**
 * The workspace's words for what the database holds as codes and instants: priorities, channels,
 * how late a case is, and counts of cases (plurals through the i18n layer, so "1 case").
 */
import { translator } from '../i18n/i18n.js';
import { english } from '../i18n/languages.js';

const en = translator(english);

/** "normal" -> "Normal", "medium" -> "Medium": a priority as people write it. */
export function priorityLabel(priority: string): string {
  const words = priority.replace(/_/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'None';
}

/** "1 case", "3 cases". */
export const casesCount = (count: number): string => en.t('staff.cases', { count });

const channelWords: Record<string, string> = {
  web: 'on the website', phone: 'by phone', email: 'by email', api: 'through a connected system', open311: 'through a connected system',
  counter: 'at the counter', mobile: 'from the app', offline: 'on the website (sent later)', letter: 'by letter', social: 'on social media',
};
/** How a report arrived, in words: "on the website". */
export const channelLabel = (channel: string): string => channelWords[channel] ?? `by ${channel.replace(/_/g, ' ')}`;

/** A span of clock time in the largest sensible unit: "45 minutes", "5 hours", "2 days". */
export function spanWords(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return en.t('duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return en.t('duration.hours', { count: hours });
  return en.t('duration.days', { count: Math.floor(hours / 24) });
}

/** How a due time stands against now, in clock time: "2 days overdue", "due in 5 hours". */
export function dueWords(dueAt: string, now: string): { words: string; overdue: boolean } {
  const diff = Date.parse(dueAt) - Date.parse(now);
  return diff <= 0 ? { words: `${spanWords(diff)} overdue`, overdue: true } : { words: `due in ${spanWords(diff)}`, overdue: false };
}

/** A target in working minutes as people say it: "40 working hours", "90 working minutes". */
export function workingTimeWords(minutes: number): string {
  if (minutes % 60 !== 0) return `${en.t('duration.minutes', { count: minutes }).replace('minute', 'working minute')}`;
  return en.t('duration.hours', { count: minutes / 60 }).replace('hour', 'working hour');
}

const shortFormats = new Map<string, Intl.DateTimeFormat>();
/** A time for a dense table, in the council's zone: "Thu 18 Dec, 13:49" (the year only when it is not this one). */
export function shortTime(iso: string, timeZone: string, now = new Date()): string {
  const year = (date: Date) => new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(date);
  const withYear = year(new Date(iso)) !== year(now);
  const key = `${timeZone}|${withYear}`;
  let format = shortFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    shortFormats.set(key, format);
  }
  return format.format(new Date(iso)).replace(/^(\w{3}),/, '$1');
}

/** The time of day in the council's zone, "14:05": for a deadline minutes away (an undo). */
export function clockTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}
