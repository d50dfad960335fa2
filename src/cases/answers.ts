/**
 * Checks a reporter's answers against the questions a service asks. The Open311 API and the
 * resident portal both call this, so one set of rules decides what is valid.
 */
import type { Service } from '../catalogue/types.js';
import { DATE_RANGE_WORDS, parseZonedDateTime } from '../platform/time.js';
import type { AttributeAnswers } from './types.js';

export const MAX_STRING_ANSWER = 1_000;
export const MAX_TEXT_ANSWER = 4_000;
/** How many unknown question codes an error list names before it counts the rest. */
export const MAX_LISTED = 10;
/** What was sent, shortened, for an error message: the message never grows with the input. */
const echo = (text: string) => ([...text].length > 50 ? `${[...text].slice(0, 50).join('')}…` : text);

/** What is wrong, so the portal can say it in the reader's language (the message stays English for the API). */
export type AnswerProblemKind = 'unknown_question' | 'information_only' | 'required' | 'not_allowed' | 'one_answer' | 'not_number' | 'not_datetime' | 'too_long';

export interface AnswerProblem {
  code: string;
  message: string;
  kind: AnswerProblemKind;
  /** The most characters allowed, for too_long. */
  limit?: number;
}

export function checkAnswers(service: Service, given: AttributeAnswers): { answers: AttributeAnswers; problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const answers: AttributeAnswers = {};
  const known = new Map(service.attributes.map((a) => [a.code, a]));

  // A client may send any number of keys: the first few are named, the rest counted, so the
  // answer never grows with what was sent.
  const unknownCodes = Object.keys(given).filter((code) => !known.has(code));
  for (const code of unknownCodes.slice(0, MAX_LISTED)) problems.push({ code: echo(code), kind: 'unknown_question', message: `The service "${service.code}" has no question with code "${echo(code)}".` });
  if (unknownCodes.length > MAX_LISTED) {
    const more = unknownCodes.length - MAX_LISTED;
    problems.push({ code: '', kind: 'unknown_question', message: `The service "${service.code}" has no questions with ${more} more of the codes sent (${unknownCodes.length} unknown in all); GET services/${service.code} lists its questions.` });
  }
  for (const code of Object.keys(given)) {
    const attribute = known.get(code);
    if (attribute && !attribute.variable) problems.push({ code, kind: 'information_only', message: `"${code}" is information for the reporter and takes no answer.` });
  }

  for (const attribute of service.attributes) {
    if (!attribute.variable) continue;
    const raw = given[attribute.code];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== '');
    const label = `"${attribute.description}" (${attribute.code})`;
    if (values.length === 0) {
      if (attribute.required) problems.push({ code: attribute.code, kind: 'required', message: `Answer ${label}: it is required.` });
      continue;
    }
    const allowed = new Set(attribute.values.map((v) => v.key));
    const allowedText = attribute.values.map((v) => v.key).join(', ');
    if (attribute.datatype === 'multivaluelist') {
      const unknown = values.filter((v) => !allowed.has(v));
      if (unknown.length > 0) problems.push({ code: attribute.code, kind: 'not_allowed', message: `${label} does not allow ${unknown.slice(0, MAX_LISTED).map((u) => `"${echo(u)}"`).join(', ')}${unknown.length > MAX_LISTED ? ` and ${unknown.length - MAX_LISTED} more` : ''}; choose from ${allowedText}.` });
      else answers[attribute.code] = [...new Set(values)];
      continue;
    }
    if (values.length > 1) {
      problems.push({ code: attribute.code, kind: 'one_answer', message: `${label} takes one answer, but ${values.length} were given.` });
      continue;
    }
    const value = values[0] as string;
    switch (attribute.datatype) {
      case 'singlevaluelist':
        if (!allowed.has(value)) problems.push({ code: attribute.code, kind: 'not_allowed', message: `${label} does not allow "${echo(value)}"; choose one of ${allowedText}.` });
        else answers[attribute.code] = value;
        break;
      case 'number':
        if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) || !Number.isFinite(Number(value))) problems.push({ code: attribute.code, kind: 'not_number', message: `${label} must be a number, such as 3 or 2.5; got "${echo(value)}".` });
        else answers[attribute.code] = String(Number(value));
        break;
      case 'datetime': {
        const instant = parseZonedDateTime(value);
        if (!instant) problems.push({ code: attribute.code, kind: 'not_datetime', message: `${label} must be a date and time in ISO 8601 with a time zone, ${DATE_RANGE_WORDS}, such as 2026-03-01T09:30:00Z; got "${echo(value)}".` });
        else answers[attribute.code] = instant;
        break;
      }
      case 'string':
      case 'text': {
        const limit = attribute.datatype === 'string' ? MAX_STRING_ANSWER : MAX_TEXT_ANSWER;
        if ([...value].length > limit) problems.push({ code: attribute.code, kind: 'too_long', limit, message: `${label} must be at most ${limit} characters.` });
        else answers[attribute.code] = value;
        break;
      }
    }
  }
  return { answers, problems };
}
