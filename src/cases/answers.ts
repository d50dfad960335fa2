/**
 * Checks a reporter's answers against the questions a service asks. The Open311 API and the
 * resident portal both call this, so one set of rules decides what is valid.
 */
import type { Service, ServiceAttribute } from '../catalogue/types.js';
import { DATE_RANGE_WORDS, parseZonedDateTime } from '../platform/time.js';
import type { AttributeAnswers } from './types.js';

export const MAX_STRING_ANSWER = 1_000;
export const MAX_TEXT_ANSWER = 4_000;
/** How many unknown question codes an error list names before it counts the rest. */
export const MAX_LISTED = 10;
/** What was sent, shortened, for an error message: the message never grows with the input. */
const echo = (text: string) => ([...text].length > 50 ? `${[...text].slice(0, 50).join('')}…` : text);

/** What is wrong, so the portal can say it in the reader's language (the message stays English for the API). */
export type AnswerProblemKind = 'unknown_question' | 'information_only' | 'staff_only' | 'required' | 'not_allowed' | 'one_answer' | 'not_number' | 'not_datetime' | 'too_long';

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
    // Refused, not ignored: a client that sends it believes it set something, and it did not.
    else if (attribute?.staffOnly) problems.push({ code, kind: 'staff_only', message: `"${code}" is answered by council staff on the case; a report cannot set it.` });
  }

  for (const attribute of service.attributes) {
    if (!attribute.variable || attribute.staffOnly) continue;
    const checked = checkOneAnswer(attribute, given[attribute.code]);
    if ('problem' in checked) problems.push(checked.problem);
    else if (checked.answer !== undefined) answers[attribute.code] = checked.answer;
  }
  return { answers, problems };
}


/**
 * One answer to one question, checked by its kind: the normalised answer (undefined: none given),
 * or what is wrong with it. Reporters' answers and staff's answers to staff-only questions alike.
 */
export function checkOneAnswer(attribute: ServiceAttribute, raw: string | string[] | undefined): { answer: string | string[] | undefined } | { problem: AnswerProblem } {
  const problem = (kind: AnswerProblemKind, message: string, limit?: number) => ({ problem: { code: attribute.code, kind, message, ...(limit === undefined ? {} : { limit }) } });
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== '');
  const label = `"${attribute.description}" (${attribute.code})`;
  if (values.length === 0) return attribute.required ? problem('required', `Answer ${label}: it is required.`) : { answer: undefined };
  const allowed = new Set(attribute.values.map((v) => v.key));
  const allowedText = attribute.values.map((v) => v.key).join(', ');
  if (attribute.datatype === 'multivaluelist') {
    const unknown = values.filter((v) => !allowed.has(v));
    if (unknown.length > 0) return problem('not_allowed', `${label} does not allow ${unknown.slice(0, MAX_LISTED).map((u) => `"${echo(u)}"`).join(', ')}${unknown.length > MAX_LISTED ? ` and ${unknown.length - MAX_LISTED} more` : ''}; choose from ${allowedText}.`);
    return { answer: [...new Set(values)] };
  }
  if (values.length > 1) return problem('one_answer', `${label} takes one answer, but ${values.length} were given.`);
  const value = values[0] as string;
  switch (attribute.datatype) {
    case 'singlevaluelist':
      return allowed.has(value) ? { answer: value } : problem('not_allowed', `${label} does not allow "${echo(value)}"; choose one of ${allowedText}.`);
    case 'number':
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) || !Number.isFinite(Number(value))) return problem('not_number', `${label} must be a number, such as 3 or 2.5; got "${echo(value)}".`);
      return { answer: String(Number(value)) };
    case 'datetime': {
      const instant = parseZonedDateTime(value);
      return instant ? { answer: instant } : problem('not_datetime', `${label} must be a date and time in ISO 8601 with a time zone, ${DATE_RANGE_WORDS}, such as 2026-03-01T09:30:00Z; got "${echo(value)}".`);
    }
    case 'string':
    case 'text': {
      const limit = attribute.datatype === 'string' ? MAX_STRING_ANSWER : MAX_TEXT_ANSWER;
      return [...value].length > limit ? problem('too_long', `${label} must be at most ${limit} characters.`, limit) : { answer: value };
    }
  }
}
