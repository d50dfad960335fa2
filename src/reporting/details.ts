/**
 * The "details" step: a service's questions as form fields, and the answers read back from the
 * form. Checking them is left to checkAnswers, the same rules the Open311 API applies.
 */
import type { Service, ServiceAttribute } from '../catalogue/types.js';
import { formatInZone, inDateRange } from '../platform/time.js';
import type { AnswerProblem } from '../cases/answers.js';
import type { AttributeAnswers } from '../cases/types.js';
import type { Translator } from '../i18n/i18n.js';

/** Form field names: prefixed so a question's code never clashes with our own fields. */
export const fieldName = (code: string) => `q-${code}`;

/** The questions a reporter answers: never a staff-only one. */
export const questionsOf = (service: Service) => service.attributes.filter((a) => a.variable && !a.staffOnly).sort((a, b) => a.order - b.order);

/**
 * A local date and time in the council's time zone as an ISO instant with its offset
 * (2026-03-01T09:30:00-08:00), or null when they do not make a date and time.
 */
export function zonedDateTime(date: string, time: string, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(asUtc) || !inDateRange(asUtc)) return null;
  // The offset at the wall-clock time read as UTC, then once more at the corrected instant (DST edges).
  const offsetAt = (ms: number) => {
    const text = formatInZone(new Date(ms).toISOString(), timeZone);
    const sign = text.slice(-6, -5) === '-' ? -1 : 1;
    return sign * (Number(text.slice(-5, -3)) * 60 + Number(text.slice(-2)));
  };
  let offset = offsetAt(asUtc);
  offset = offsetAt(asUtc - offset * 60_000);
  const abs = Math.abs(offset);
  return `${date}T${time}:00${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The date and time inputs' values for a stored instant, in the council's time zone. */
export function localParts(instant: string, timeZone: string): { date: string; time: string } {
  const local = formatInZone(instant, timeZone);
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

export interface ReadAnswers {
  given: AttributeAnswers;
  /** Problems found before checkAnswers, by attribute code (a date without a time...). */
  early: Record<string, string>;
  /** What the person typed, to show again when something is wrong. */
  typed: Record<string, string | string[]>;
}

/** The answers as the form sent them, in the shape checkAnswers takes. */
export function readAnswers(service: Service, body: Record<string, unknown>, timeZone: string, t: Translator['t']): ReadAnswers {
  const given: AttributeAnswers = {};
  const early: Record<string, string> = {};
  const typed: Record<string, string | string[]> = {};
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  for (const attribute of questionsOf(service)) {
    const name = fieldName(attribute.code);
    if (attribute.datatype === 'multivaluelist') {
      const raw = body[name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
      typed[name] = values;
      if (values.length > 0) given[attribute.code] = values;
    } else if (attribute.datatype === 'datetime') {
      const date = text(`${name}-date`).trim();
      const time = text(`${name}-time`).trim();
      typed[`${name}-date`] = date;
      typed[`${name}-time`] = time;
      if (date === '' && time === '') continue;
      const iso = date !== '' && time !== '' ? zonedDateTime(date, time, timeZone) : null;
      if (iso) given[attribute.code] = iso;
      else early[attribute.code] = t('report.details.errorDateTime', { question: attribute.description });
    } else {
      typed[name] = text(name);
      if (text(name).trim() !== '') given[attribute.code] = text(name);
    }
  }
  return { given, early, typed };
}

/** The form's values for answers already saved in the draft. */
export function typedFromAnswers(service: Service, answers: AttributeAnswers, timeZone: string): Record<string, string | string[]> {
  const typed: Record<string, string | string[]> = {};
  for (const attribute of questionsOf(service)) {
    const value = answers[attribute.code];
    if (value === undefined) continue;
    const name = fieldName(attribute.code);
    if (attribute.datatype === 'datetime' && typeof value === 'string') {
      const { date, time } = localParts(value, timeZone);
      typed[`${name}-date`] = date;
      typed[`${name}-time`] = time;
    } else typed[name] = value;
  }
  return typed;
}

/** A problem with an answer, in the reader's language. */
export function describeProblem(problem: AnswerProblem, attribute: ServiceAttribute | undefined, t: Translator['t']): string {
  const question = attribute?.description ?? problem.code;
  switch (problem.kind) {
    case 'required': return attribute && ['singlevaluelist', 'multivaluelist'].includes(attribute.datatype)
      ? t('report.details.errorChoose', { question }) : t('report.details.errorRequired', { question });
    case 'not_number': return t('report.details.errorNumber', { question });
    case 'not_datetime': return t('report.details.errorDateTime', { question });
    case 'too_long': return t('report.details.errorTooLong', { question, limit: problem.limit ?? 0 });
    case 'not_allowed':
    case 'one_answer': return t('report.details.errorChoose', { question });
    default: return t('report.details.errorUnknown', { question });
  }
}

/** How an answer reads on the "check your answers" page. */
export function answerText(attribute: ServiceAttribute, value: string | string[], timeZone: string): string {
  const values = Array.isArray(value) ? value : [value];
  if (attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist') {
    return values.map((v) => attribute.values.find((x) => x.key === v)?.name ?? v).join(', ');
  }
  if (attribute.datatype === 'datetime') {
    const { date, time } = localParts(values[0] ?? '', timeZone);
    return `${date} ${time}`;
  }
  return values.join(', ');
}
