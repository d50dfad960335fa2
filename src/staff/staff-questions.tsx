/**
 * The case page's staff questions: a service's staff-only questions (an inspection grade, a
 * contractor's reference), answered by the staff who work the case in one dense form beside the
 * case's details, each field of its question's own kind. Saving appends one case action per
 * changed answer (cases/staff-answers.ts); residents never see any of it.
 */
import { checkOneAnswer } from '../cases/answers.js';
import { parseStaffAnswers, staffAnswerText } from '../cases/staff-answers.js';
import type { AttributeAnswers } from '../cases/types.js';
import { staffAttributes, type Service, type ServiceAttribute } from '../catalogue/types.js';
import { localParts, zonedDateTime } from '../reporting/details.js';
import { formText } from '../web/forms.js';

export interface StaffQuestionLine {
  code: string;
  question: string;
  helpText: string | null;
  datatype: ServiceAttribute['datatype'];
  options: Array<{ key: string; name: string }>;
  /** The answer in words ('' when not answered). */
  answer: string;
  /** The form's values: the saved answer, or what was sent when something was wrong. */
  typed: Record<string, string | string[]>;
}

export interface StaffQuestionsView { lines: StaffQuestionLine[]; errors: Record<string, string> }

/** Field names: prefixed so a question's code never clashes with the page's own fields. */
export const staffField = (code: string) => `sq-${code}`;

/** The form's values for a saved answer. */
function typedOf(attribute: ServiceAttribute, value: string | string[] | undefined, timeZone: string): Record<string, string | string[]> {
  const name = staffField(attribute.code);
  if (value === undefined) return {};
  if (attribute.datatype === 'datetime' && typeof value === 'string') {
    const { date, time } = localParts(value, timeZone);
    return { [`${name}-date`]: date, [`${name}-time`]: time };
  }
  return { [name]: value };
}

export function staffQuestionsView(service: Service | undefined, staffAnswersColumn: string, timeZone: string, sent?: { typed: Record<string, string | string[]>; errors: Record<string, string> }): StaffQuestionsView | null {
  const questions = service ? staffAttributes(service) : [];
  if (questions.length === 0) return null;
  const answers = parseStaffAnswers(staffAnswersColumn);
  return {
    lines: questions.map((a) => ({
      code: a.code, question: a.description, helpText: a.helpText, datatype: a.datatype, options: a.values,
      answer: staffAnswerText(a, answers[a.code], timeZone),
      typed: sent ? Object.fromEntries(Object.entries(sent.typed).filter(([k]) => k === staffField(a.code) || k.startsWith(`${staffField(a.code)}-`))) : typedOf(a, answers[a.code], timeZone),
    })),
    errors: sent?.errors ?? {},
  };
}

/**
 * The answers as the form sent them, for the questions the form showed (a question added since
 * the page was drawn is left as it is); a blank field clears its answer. Problems are named by
 * field, in the form's order, before anything is saved.
 */
export function readStaffAnswers(service: Service, body: unknown, timeZone: string): { given: AttributeAnswers; typed: Record<string, string | string[]>; errors: Record<string, string> } {
  const shown = new Set(formText(body, 'questions').split(',').filter((c) => c !== ''));
  const given: AttributeAnswers = {};
  const typed: Record<string, string | string[]> = {};
  const errors: Record<string, string> = {};
  for (const attribute of staffAttributes(service)) {
    if (!shown.has(attribute.code)) continue;
    const name = staffField(attribute.code);
    let raw: string | string[];
    if (attribute.datatype === 'multivaluelist') {
      const sent = (body as Record<string, unknown> | undefined)?.[name];
      raw = (Array.isArray(sent) ? sent : [sent]).filter((v): v is string => typeof v === 'string' && v !== '');
      typed[name] = raw;
    } else if (attribute.datatype === 'datetime') {
      const date = formText(body, `${name}-date`).trim();
      const time = formText(body, `${name}-time`).trim();
      typed[`${name}-date`] = date;
      typed[`${name}-time`] = time;
      if (date === '' && time === '') raw = '';
      else {
        const instant = date !== '' && time !== '' ? zonedDateTime(date, time, timeZone) : null;
        if (instant === null) {
          errors[name] = `Give "${attribute.description}" as a date (YYYY-MM-DD) and a time (HH:MM), or leave both empty.`;
          continue;
        }
        raw = instant;
      }
    } else {
      raw = formText(body, name);
      typed[name] = raw;
    }
    const checked = checkOneAnswer(attribute, raw);
    if ('problem' in checked) errors[name] = checked.problem.message;
    else given[attribute.code] = checked.answer ?? '';
  }
  return { given, typed, errors };
}

const text = (typed: Record<string, string | string[]>, name: string) => {
  const value = typed[name];
  return typeof value === 'string' ? value : '';
};

/** The section: answers to read, and for those who work the case the form to change them. */
export function StaffQuestions({ view, caseId, canAct, csrf, idempotencyKey }: { view: StaffQuestionsView; caseId: number; canAct: boolean; csrf: string; idempotencyKey: string }) {
  const error = (name: string) => view.errors[name];
  return (
    <section aria-labelledby="staff-questions-heading" id="staff-questions" class="staff-questions">
      <h3 id="staff-questions-heading">Staff questions</h3>
      <p class="hint">Only staff see these. The reporter is never asked them.</p>
      {!canAct ? (
        <dl class="summary compact">
          {view.lines.map((l) => <><dt key={`dt-${l.code}`}>{l.question}</dt><dd key={`dd-${l.code}`}>{l.answer || 'Not answered'}</dd></>)}
        </dl>
      ) : (
        <form method="post" action={`/staff/requests/${caseId}/staff-answers`} novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="idempotency_key" value={`${idempotencyKey}-staff-answers`} />
          <input type="hidden" name="questions" value={view.lines.map((l) => l.code).join(',')} />
          {view.lines.map((l) => {
            const name = staffField(l.code);
            const hintId = l.helpText ? `${name}-hint` : undefined;
            const described = [hintId, error(name) ? `${name}-error` : undefined].filter(Boolean).join(' ') || undefined;
            const errorText = error(name) ? <span class="error-message" id={`${name}-error`}>Error: {error(name)}</span> : null;
            const hint = l.helpText ? <span class="hint" id={hintId}>{l.helpText}</span> : null;
            if (l.datatype === 'multivaluelist') {
              const chosen = Array.isArray(l.typed[name]) ? l.typed[name] as string[] : [];
              return (
                <fieldset key={l.code} class={error(name) ? 'field-error' : undefined} aria-describedby={described}>
                  <legend>{l.question}</legend>
                  {hint}{errorText}
                  {l.options.map((o, i) => (
                    <div class="choice" key={o.key}>
                      <input type="checkbox" id={i === 0 ? name : `${name}-${i}`} name={name} value={o.key} checked={chosen.includes(o.key)} />
                      <label for={i === 0 ? name : `${name}-${i}`}>{o.name}</label>
                    </div>
                  ))}
                </fieldset>
              );
            }
            if (l.datatype === 'datetime') {
              return (
                <fieldset key={l.code} class={error(name) ? 'field-error' : undefined} aria-describedby={described}>
                  <legend>{l.question}</legend>
                  {hint}{errorText}
                  <div class="date-time">
                    <div><label for={name}>Date</label><input type="date" id={name} name={`${name}-date`} value={text(l.typed, `${name}-date`)} /></div>
                    <div><label for={`${name}-time`}>Time</label><input type="time" id={`${name}-time`} name={`${name}-time`} value={text(l.typed, `${name}-time`)} /></div>
                  </div>
                </fieldset>
              );
            }
            return (
              <div key={l.code} class={error(name) ? 'field-error' : undefined}>
                <label for={name}>{l.question}</label>
                {hint}{errorText}
                {l.datatype === 'singlevaluelist' ? (
                  <select id={name} name={name} aria-describedby={described}>
                    <option value="">Not answered</option>
                    {l.options.map((o) => <option key={o.key} value={o.key} selected={text(l.typed, name) === o.key}>{o.name}</option>)}
                  </select>
                ) : l.datatype === 'text' ? (
                  <textarea id={name} name={name} rows={2} aria-describedby={described}>{text(l.typed, name)}</textarea>
                ) : (
                  <input type="text" id={name} name={name} value={text(l.typed, name)} aria-describedby={described} {...(l.datatype === 'number' ? { inputmode: 'decimal', class: 'short' } : {})} />
                )}
              </div>
            );
          })}
          <button type="submit" class="secondary">Save the staff answers</button>
        </form>
      )}
    </section>
  );
}
