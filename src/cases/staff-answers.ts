/**
 * Answers to a service's staff-only questions (an inspection grade, a contractor's reference):
 * set and changed by the staff who work the case, never by its reporter. They are kept in the
 * case's own `staff_answers` column, apart from the reporter's answers, so no public reader shows
 * them; each change is an internal case action (`staff_answer`, never public) with its audit entry
 * and the staff's live event, in one transaction.
 */
import { appendAudit } from '../audit/audit.js';
import { staffAttributes, type Service, type ServiceAttribute } from '../catalogue/types.js';
import type { DB } from '../db/connection.js';
import { forbidden, invalid } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { formatForPeople, nowIso } from '../platform/time.js';
import { checkActor } from '../workflow/plan.js';
import type { WorkflowActor } from '../workflow/types.js';
import { caseEvents } from '../workflow/workflow.js';
import { caseToChange, inCaseChange } from './actions.js';
import { checkOneAnswer } from './answers.js';
import { insertAction, setCaseColumns } from './store.js';
import type { AttributeAnswers } from './types.js';

/** Roles that work cases; the others (analysts, emergency officers) only read them. */
const WORKERS: ReadonlyArray<WorkflowActor['role']> = ['case_worker', 'supervisor', 'department_admin', 'system_admin'];

/** How long an answer is shown in the history before it is cut short. */
const SHOWN = 80;

/** The case's staff answers as stored; anything unreadable is no answers. */
export function parseStaffAnswers(text: string | null | undefined): AttributeAnswers {
  try {
    const value = JSON.parse(text ?? '{}') as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as AttributeAnswers : {};
  } catch {
    return {};
  }
}

/** An answer in words: list answers by their names, a date and time in the council's zone. */
export function staffAnswerText(attribute: ServiceAttribute, value: string | string[] | undefined, timeZone: string): string {
  if (value === undefined) return '';
  const name = (key: string) => attribute.values.find((v) => v.key === key)?.name ?? key;
  if (Array.isArray(value)) return value.map(name).join(', ');
  if (attribute.datatype === 'singlevaluelist') return name(value);
  if (attribute.datatype === 'datetime' && !Number.isNaN(Date.parse(value))) return formatForPeople(value, timeZone);
  return value;
}

const short = (text: string) => ([...text].length > SHOWN ? `${[...text].slice(0, SHOWN).join('')}…` : text);
const same = (a: string | string[] | undefined, b: string | string[] | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What the audit keeps of an answer: the value, except free text, of which only its length. */
const auditValue = (attribute: ServiceAttribute, value: string | string[] | undefined) =>
  value === undefined ? null : attribute.datatype === 'string' || attribute.datatype === 'text' ? { characters: [...String(value)].length } : value;

export interface StaffAnswerChange { code: string; question: string; from: string; to: string; actionId: number }

/**
 * Sets the staff-only answers given (by question code; an empty answer clears it), each change one
 * appended action. Every answer is checked first against its question's kind, and all the
 * problems are named at once before anything is saved. `service` is the case's service as the
 * caller read it (the training space uses the real catalogue's). A form sent twice (the same
 * idempotency key) changes nothing the second time.
 */
export async function setStaffAnswers(
  db: DB, ctx: { jurisdictionId: string; timeZone: string }, caseId: number, service: Service, given: AttributeAnswers, actor: WorkflowActor, idempotencyKey: string,
): Promise<{ changes: StaffAnswerChange[]; repeated: boolean }> {
  if (!WORKERS.includes(actor.role)) throw forbidden('Your role can look at cases but not answer their staff questions.');
  const questions = new Map(staffAttributes(service).map((a) => [a.code, a]));
  const problems: string[] = [];
  const checked: AttributeAnswers = {};
  const cleared = new Set<string>();
  for (const [code, raw] of Object.entries(given)) {
    const attribute = questions.get(code);
    if (!attribute) {
      problems.push(`The service "${service.code}" has no staff question "${code.slice(0, 64)}".`);
      continue;
    }
    const result = checkOneAnswer(attribute, raw);
    if ('problem' in result) problems.push(result.problem.message);
    else if (result.answer === undefined) cleared.add(code);
    else checked[code] = result.answer;
  }
  if (problems.length > 0) throw invalid(problems.join(' '), problems);

  const changes: StaffAnswerChange[] = [];
  let repeated = false;
  await inCaseChange(db, caseId, idempotencyKey, async (trx, key) => {
    const found = await caseToChange(trx, ctx, caseId, key);
    if ('repeated' in found) {
      repeated = true;
      return found.repeated;
    }
    const current = found.current;
    if (current.service_code !== service.code) throw invalid(`Case ${caseId} is a "${current.service_code}" case, not "${service.code}": reload the page.`);
    checkActor(actor, current, 'note');
    const before = parseStaffAnswers(current.staff_answers);
    const after: AttributeAnswers = { ...before };
    const at = nowIso();
    let first = true;
    for (const attribute of questions.values()) {
      const code = attribute.code;
      if (!cleared.has(code) && checked[code] === undefined) continue;
      const to = checked[code];
      if (same(before[code], to)) continue;
      if (to === undefined) delete after[code];
      else after[code] = to;
      const change = {
        code, question: attribute.description,
        from: short(staffAnswerText(attribute, before[code], ctx.timeZone)), to: short(staffAnswerText(attribute, to, ctx.timeZone)),
      };
      // The form's key marks its first change, so sending the form again is known; the others are keyed by question.
      const actionId = await insertAction(trx, {
        caseId, action: 'staff_answer', actor: actor.id, idempotencyKey: first ? key : `${key}:${code}`, status: null, state: null,
        description: null, mediaUrl: null, details: change, isPublic: false, at,
      });
      first = false;
      await appendAudit(trx, {
        actor: actor.id, action: 'case.staff_answer', entityType: 'service_request', entityId: String(caseId),
        before: { question: code, answer: auditValue(attribute, before[code]) }, after: { question: code, answer: auditValue(attribute, to), action_id: actionId },
      });
      changes.push({ ...change, actionId });
    }
    if (changes.length === 0) return { caseId, actionId: 0, repeated: false };
    await setCaseColumns(trx, caseId, { staff_answers: JSON.stringify(after) });
    await publishEvents(trx, caseEvents(current, 'staff_answer', [current.department_id], null));
    return { caseId, actionId: changes[0]!.actionId, repeated: false };
  });
  return { changes, repeated };
}

/** The history's words for one change: "Inspection grade set to 3", "… changed from 3 to 4", "… cleared (was 3)". */
export function staffAnswerWords(details: Record<string, unknown>): string {
  const question = typeof details.question === 'string' ? details.question : String(details.code ?? 'A staff question');
  const from = typeof details.from === 'string' ? details.from : '';
  const to = typeof details.to === 'string' ? details.to : '';
  if (from === '') return `${question} set to ${to}`;
  if (to === '') return `${question} cleared (was ${from})`;
  return `${question} changed from ${from} to ${to}`;
}
