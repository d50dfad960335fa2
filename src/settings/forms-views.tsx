/** The form editor's pages: the list of application services, a draft's overview, and the editors of a page, a field, a question, a fee schedule, translations and the JSON. */
import type { ComponentChildren } from 'preact';
import { fieldTypes, type FieldDefinition, type FormDefinition, type Condition } from '../applications/definition.js';
import type { FormDraft, FormServiceSummary } from '../applications/form-drafts.js';
import { eligibilityOptionsText, fieldsBefore, fieldsOf, fieldTypeNames, optionsText, pounds } from '../applications/form-edits.js';
import type { FormWord } from '../applications/form-words.js';
import { languageByCode } from '../i18n/languages.js';
import { PostForm, type FieldErrors } from '../web/forms.js';
import { Checkbox, Select, TextArea, TextField } from './common.js';

export type Values = Record<string, string>;
export const formUrl = (code: string) => `/admin/settings/forms/${encodeURIComponent(code)}`;
const pageUrl = (code: string, page: string) => `${formUrl(code)}/pages/${encodeURIComponent(page)}`;
const fieldUrl = (code: string, page: string, field: string) => `${pageUrl(code, page)}/fields/${encodeURIComponent(field)}`;
const when = (condition: Condition | undefined) => condition ? `when ${condition.field} is ${condition.in.join(' or ')}` : '';

/** A problem found by the definition's schema, with a link to where it is fixed. */
export interface LinkedProblem { href: string; text: string }

/** The definition's problems as links to the editor that fixes each ("page 2 field 1 (role): ..." goes to that field). */
export function linkProblems(code: string, definition: FormDefinition, problems: string[]): LinkedProblem[] {
  return problems.map((text) => {
    const page = /^page (\d+)(?: group)?(?: field (\d+))?/.exec(text);
    if (page) {
      const p = definition.pages[Number(page[1]) - 1];
      const f = p && page[2] ? fieldsOf(p)[Number(page[2]) - 1] : undefined;
      if (p && f) return { href: fieldUrl(code, p.id, f.id), text };
      if (p) return { href: pageUrl(code, p.id), text };
    }
    const question = /^eligibility question (\d+)/.exec(text);
    if (question) {
      const q = definition.eligibility[Number(question[1]) - 1];
      if (q) return { href: `${formUrl(code)}/eligibility/${encodeURIComponent(q.id)}`, text };
    }
    const fee = /^fee schedule (\d+)/.exec(text);
    if (fee) {
      const s = definition.fees[Number(fee[1]) - 1];
      if (s) return { href: `${formUrl(code)}/fees/${encodeURIComponent(s.effectiveFrom)}`, text };
    }
    const top = /^(title|summary|howLong|whatYouNeed|licenceName|licencePermits|pages|fees|eligibility)\b/.exec(text);
    return { href: `${formUrl(code)}#${top ? top[1] : 'title'}`, text };
  });
}

/** The GOV.UK error summary, its links going to the editor of each problem. */
export function ProblemSummary({ problems, title = 'There is a problem' }: { problems: LinkedProblem[]; title?: string }) {
  if (problems.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="problem-summary-title" tabindex={-1} autofocus>
      <h2 id="problem-summary-title">{title}</h2>
      <ul>{problems.map((p, n) => <li key={n}><a href={p.href}>{p.text}</a></li>)}</ul>
    </div>
  );
}

function Button({ action, csrf, label, hidden, extra, secondary = true }: { action: string; csrf: string; label: string; hidden?: Record<string, string>; extra?: string; secondary?: boolean }) {
  return (
    <PostForm action={action} csrf={csrf}>
      {Object.entries(hidden ?? {}).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <button type="submit" class={secondary ? 'secondary' : undefined}>{label}{extra && <span class="visually-hidden"> {extra}</span>}</button>
    </PostForm>
  );
}

export function FormList({ services, groups, values, errors, csrf }: { services: FormServiceSummary[]; groups: Array<[string, string]>; values: Values; errors: FieldErrors; csrf: string }) {
  return (
    <>
      <h1>Application forms</h1>
      <p>The forms residents and businesses fill in to apply for a permit, licence or certificate. Change a form on its draft, preview it, then publish it as a new version: applications already started keep the version they started on.</p>
      {services.length === 0 ? <p>No service takes applications yet.</p> : (
        <table class="data">
          <caption class="visually-hidden">Application services</caption>
          <thead><tr><th scope="col">Service</th><th scope="col">Published version</th><th scope="col">Draft</th></tr></thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.code}>
                <td><a href={formUrl(s.code)}>{s.name}</a>{!s.active && ' (not offered)'}</td>
                <td>{s.published === null ? 'Not published yet' : `Version ${s.published}`}</td>
                <td>{s.draft ? `Changed ${s.draft.updatedAt.slice(0, 16).replace('T', ' ')} UTC` : 'None'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="new-service">Create an application service</h2>
      <PostForm action="/admin/settings/forms" csrf={csrf}>
        <TextField name="code" label="Code" hint="Used in the web address, such as market-stall: letters, digits, dots, dashes and underscores." value={values.code} error={errors.code} />
        <TextField name="name" label="Name" hint="Such as Market stall licence." value={values.name} error={errors.name} />
        <TextArea name="description" label="What it is for" hint="One or two sentences residents read on the list of services." value={values.description} error={errors.description} rows={3} />
        <Select name="groupCode" label="Group" options={[['', 'Choose a group'], ...groups]} value={values.groupCode} error={errors.groupCode} />
        <button type="submit">Create service and its draft form</button>
      </PostForm>
    </>
  );
}

export function FormOverview({ code, name, draft, published, problems, errors, values, csrf, languages }: {
  code: string; name: string; draft: FormDraft | null; published: number | null; problems: LinkedProblem[]; errors: FieldErrors; values: Values; csrf: string; languages: string[];
}) {
  const base = formUrl(code);
  const head = (
    <>
      <h1>Application form: {name}</h1>
      <p>{published === null ? 'Not published yet: no one can apply.' : `New applications start on version ${published}.`}{' '}
        {draft ? `The draft below ${draft.basedOnVersion === null ? 'is new' : `was copied from version ${draft.basedOnVersion}`}; it was last changed ${draft.updatedAt.slice(0, 16).replace('T', ' ')} UTC.` : 'There is no draft.'}</p>
    </>
  );
  if (!draft) {
    return (
      <>
        {head}
        <Button action={`${base}/draft`} csrf={csrf} label="Change this form (start a draft)" secondary={false} />
        {published !== null && <p><a href={`/apply/${encodeURIComponent(code)}`}>Open the published form</a></p>}
      </>
    );
  }
  const d = draft.definition;
  return (
    <>
      {head}
      <ul class="actions">
        <li><a href={`${base}/preview`}>Preview the draft</a></li>
        <li><a href={`${base}/json`}>Advanced: the whole definition as JSON</a></li>
        {languages.map((l) => <li key={l}><a href={`${base}/translations/${l}`}>Translate into {languageByCode(l)?.name ?? l}</a></li>)}
      </ul>
      {problems.length > 0 && (
        <section aria-labelledby="to-fix">
          <h2 id="to-fix">To fix before publishing</h2>
          <ul>{problems.map((p, n) => <li key={n}><a href={p.href}>{p.text}</a></li>)}</ul>
        </section>
      )}
      <div class="button-row">
        <Button action={`${base}/publish`} csrf={csrf} label="Publish as a new version" secondary={false} hidden={{ revision: draft.updatedAt }} />
        <Button action={`${base}/discard`} csrf={csrf} label="Discard the draft" />
      </div>

      <h2 id="details">About the service</h2>
      <PostForm action={`${base}/details`} csrf={csrf}>
        <TextField name="title" label="Title of the form" value={values.title ?? d.title} error={errors.title} />
        <TextArea name="summary" label="Summary" hint="Shown on the start page: what the service is for." value={values.summary ?? d.summary} error={errors.summary} rows={3} />
        <TextArea name="whatYouNeed" label="What you need" hint="One thing a line, such as: A photo of each tree." value={values.whatYouNeed ?? d.whatYouNeed.join('\n')} error={errors.whatYouNeed} rows={4} />
        <TextField name="howLong" label="How long it takes" value={values.howLong ?? d.howLong} error={errors.howLong} />
        <TextField name="licenceName" label="Name of the licence (optional)" hint={'What an approval issues, such as: Taxi driver licence. Shown on the licence and in the public register. Left empty, the service\'s name is used.'}
          value={values.licenceName ?? d.licenceName ?? ''} error={errors.licenceName} />
        <TextArea name="licencePermits" label="What the licence permits (optional)" hint="Such as: Drive a licensed taxi or private hire vehicle in the borough. Shown on the licence and in the public register."
          value={values.licencePermits ?? d.licencePermits ?? ''} error={errors.licencePermits} rows={2} />
        <button type="submit">Save the details</button>
      </PostForm>

      <h2 id="eligibility">Eligibility questions</h2>
      <p class="hint">Asked before the form, to tell people whether they need to apply.</p>
      {d.eligibility.length === 0 ? <p>None: everyone goes straight to the form.</p> : (
        <ol class="editor-list">
          {d.eligibility.map((q, n) => (
            <li key={q.id}>
              <a href={`${base}/eligibility/${encodeURIComponent(q.id)}`}>{q.question}</a> ({q.id})
              <div class="button-row">
                {n > 0 && <Button action={`${base}/eligibility/move`} csrf={csrf} label="Move up" extra={`question ${q.id}`} hidden={{ question: q.id, direction: 'up' }} />}
                {n < d.eligibility.length - 1 && <Button action={`${base}/eligibility/move`} csrf={csrf} label="Move down" extra={`question ${q.id}`} hidden={{ question: q.id, direction: 'down' }} />}
                <Button action={`${base}/eligibility/remove`} csrf={csrf} label="Remove" extra={`question ${q.id}`} hidden={{ question: q.id }} />
              </div>
            </li>
          ))}
        </ol>
      )}
      <PostForm action={`${base}/eligibility`} csrf={csrf}>
        <h3>Add a question</h3>
        <TextField name="questionId" label="Question id" hint="Small letters, digits and _, such as protected." value={values.questionId} error={errors.questionId} />
        <TextField name="question" label="Question" value={values.question} error={errors.question} />
        <button type="submit" class="secondary">Add the question</button>
      </PostForm>

      <h2 id="pages">Pages</h2>
      <ol class="editor-list">
        {d.pages.map((page, n) => (
          <li key={page.id}>
            <a href={pageUrl(code, page.id)}>{page.title}</a> ({page.id}){page.section && `, section ${page.section}`}
            {page.group ? `: a repeatable group of ${page.group.itemName}, ${page.group.fields.length} question${page.group.fields.length === 1 ? '' : 's'} each` : `: ${(page.fields ?? []).length} question${(page.fields ?? []).length === 1 ? '' : 's'}`}
            {page.showWhen && `, shown ${when(page.showWhen)}`}
            <div class="button-row">
              {n > 0 && <Button action={`${base}/pages/move`} csrf={csrf} label="Move up" extra={`page ${page.id}`} hidden={{ page: page.id, direction: 'up' }} />}
              {n < d.pages.length - 1 && <Button action={`${base}/pages/move`} csrf={csrf} label="Move down" extra={`page ${page.id}`} hidden={{ page: page.id, direction: 'down' }} />}
              <Button action={`${base}/pages/remove`} csrf={csrf} label="Remove" extra={`page ${page.id}`} hidden={{ page: page.id }} />
            </div>
          </li>
        ))}
      </ol>
      <PostForm action={`${base}/pages`} csrf={csrf}>
        <h3>Add a page</h3>
        <TextField name="pageId" label="Page id" hint="Small letters, digits and _, such as about_you." value={values.pageId} error={errors.pageId} />
        <TextField name="pageTitle" label="Page title" value={values.pageTitle} error={errors.pageTitle} />
        <Select name="kind" label="The page has" options={[['fields', 'Questions'], ['group', 'A repeatable group ("Add another")']]} value={values.kind ?? 'fields'} error={errors.kind} />
        <TextField name="groupId" label="Group id (a repeatable group only)" hint="Such as tree: fees per item name it." value={values.groupId} error={errors.groupId} />
        <TextField name="itemName" label="What one item is called (a repeatable group only)" hint="Such as tree, for “Add another tree”." value={values.itemName} error={errors.itemName} />
        <button type="submit" class="secondary">Add the page</button>
      </PostForm>

      <h2 id="fees">Fees</h2>
      {d.fees.length === 0 ? <p>None: the service is free.</p> : (
        <ol class="editor-list">
          {d.fees.map((s) => (
            <li key={s.effectiveFrom}>
              <a href={`${base}/fees/${s.effectiveFrom}`}>From {s.effectiveFrom}</a>: {s.rules.length === 0 ? 'no fees' : s.rules.map((r) => r.label).join(', ')}
              <Button action={`${base}/fees/remove`} csrf={csrf} label="Remove" extra={`fees from ${s.effectiveFrom}`} hidden={{ effectiveFrom: s.effectiveFrom }} />
            </li>
          ))}
        </ol>
      )}
      <PostForm action={`${base}/fees`} csrf={csrf}>
        <h3>Add a fee schedule</h3>
        <TextField name="effectiveFrom" label="Fees start on" hint="Written 2026-04-01. It starts with the rules of the schedule before it." value={values.effectiveFrom} error={errors.effectiveFrom} />
        <button type="submit" class="secondary">Add the schedule</button>
      </PostForm>
    </>
  );
}

function ConditionFields({ name, legend, earlier, condition, values, errors }: { name: string; legend: string; earlier: FieldDefinition[]; condition?: Condition; values: Values; errors: FieldErrors }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <Select name={`${name}Field`} label="When the answer to" options={[['', 'Always (no condition)'], ...earlier.map((f): [string, string] => [f.id, `${f.label} (${f.id})`])]}
        value={values[`${name}Field`] ?? condition?.field ?? ''} error={errors[`${name}Field`]} />
      <TextField name={`${name}Values`} label="is one of" hint="The answers' values, separated by commas, such as agent, owner (yes or no for a yes/no question)." value={values[`${name}Values`] ?? condition?.in.join(', ') ?? ''} error={errors[`${name}Values`]} />
    </fieldset>
  );
}

export function PageEditor({ code, definition, pageId, values, errors, csrf }: { code: string; definition: FormDefinition; pageId: string; values: Values; errors: FieldErrors; csrf: string }) {
  const page = definition.pages.find((p) => p.id === pageId)!;
  const fields = fieldsOf(page);
  const base = pageUrl(code, page.id);
  const earlier = fieldsBefore(definition, page.id);
  const types = fieldTypes.filter((t) => !page.group || !['file', 'declaration', 'map_area'].includes(t));
  return (
    <>
      <h1>Page: {page.title}</h1>
      <PostForm action={base} csrf={csrf}>
        <TextField name="title" label="Title" value={values.title ?? page.title} error={errors.title} />
        <TextField name="section" label="Section (optional)" hint="The heading it is listed under on “Check your answers”." value={values.section ?? page.section ?? ''} error={errors.section} />
        <TextArea name="hint" label="Hint (optional)" value={values.hint ?? page.hint ?? ''} error={errors.hint} rows={2} />
        <ConditionFields name="show" legend="Show this page" earlier={earlier} condition={page.showWhen} values={values} errors={errors} />
        {page.group && (
          <fieldset>
            <legend>The repeatable group ({page.group.id})</legend>
            <TextField name="itemName" label="What one item is called" value={values.itemName ?? page.group.itemName} error={errors.itemName} />
            <TextField name="min" label="Fewest items" inputmode="numeric" value={values.min ?? String(page.group.min)} error={errors.min} />
            <TextField name="max" label="Most items" inputmode="numeric" value={values.max ?? String(page.group.max)} error={errors.max} />
          </fieldset>
        )}
        <button type="submit">Save the page</button>
      </PostForm>
      <h2 id="fields">Questions</h2>
      {fields.length === 0 ? <p>None yet: add the first below.</p> : (
        <ol class="editor-list">
          {fields.map((f, n) => (
            <li key={f.id}>
              <a href={fieldUrl(code, page.id, f.id)}>{f.label}</a> ({f.id}, {fieldTypeNames[f.type].toLowerCase()}{f.required === false ? ', optional' : ''}{f.showWhen ? `, shown ${when(f.showWhen)}` : ''}{f.requireWhen ? `, needed ${when(f.requireWhen)}` : ''})
              <div class="button-row">
                {n > 0 && <Button action={`${base}/fields/move`} csrf={csrf} label="Move up" extra={`question ${f.id}`} hidden={{ field: f.id, direction: 'up' }} />}
                {n < fields.length - 1 && <Button action={`${base}/fields/move`} csrf={csrf} label="Move down" extra={`question ${f.id}`} hidden={{ field: f.id, direction: 'down' }} />}
                <Button action={`${base}/fields/remove`} csrf={csrf} label="Remove" extra={`question ${f.id}`} hidden={{ field: f.id }} />
              </div>
            </li>
          ))}
        </ol>
      )}
      <PostForm action={`${base}/fields`} csrf={csrf}>
        <h3>Add a question</h3>
        <TextField name="fieldId" label="Question id" hint="Small letters, digits and _, such as species." value={values.fieldId} error={errors.fieldId} />
        <Select name="fieldType" label="Kind of answer" options={types.map((t): [string, string] => [t, fieldTypeNames[t]])} value={values.fieldType} error={errors.fieldType} />
        <TextField name="fieldLabel" label="Question" value={values.fieldLabel} error={errors.fieldLabel} />
        <button type="submit" class="secondary">Add the question</button>
      </PostForm>
    </>
  );
}

export function FieldEditor({ code, definition, pageId, field, values, errors, csrf }: { code: string; definition: FormDefinition; pageId: string; field: FieldDefinition; values: Values; errors: FieldErrors; csrf: string }) {
  const earlier = fieldsBefore(definition, pageId);
  const numeric = field.type === 'number' || field.type === 'money';
  const text = field.type === 'text' || field.type === 'long_text';
  return (
    <>
      <h1>Question: {field.label}</h1>
      <p>{fieldTypeNames[field.type]}, id {field.id}.</p>
      <PostForm action={fieldUrl(code, pageId, field.id)} csrf={csrf}>
        <TextArea name="label" label="Question" value={values.label ?? field.label} error={errors.label} rows={2} />
        <TextArea name="hint" label="Hint (optional)" value={values.hint ?? field.hint ?? ''} error={errors.hint} rows={2} />
        {field.type !== 'declaration' && <Checkbox name="required" label="An answer is needed" checked={values.required !== undefined ? values.required === 'yes' : field.required !== false} />}
        {(field.type === 'choice' || field.type === 'multiple_choice') && (
          <TextArea name="options" label="Answers to choose from" hint="One a line, as value: Label, such as owner: The owner. The value is small letters, digits and _." value={values.options ?? optionsText(field.options)} error={errors.options} rows={5} />
        )}
        {numeric && <TextField name="min" label={field.type === 'money' ? 'Smallest amount, in pence (optional)' : 'Smallest number (optional)'} inputmode="numeric" value={values.min ?? (field.min === undefined ? '' : String(field.min))} error={errors.min} />}
        {numeric && <TextField name="max" label={field.type === 'money' ? 'Largest amount, in pence (optional)' : 'Largest number (optional)'} inputmode="numeric" value={values.max ?? (field.max === undefined ? '' : String(field.max))} error={errors.max} />}
        {text && <TextField name="maxLength" label="Most characters (optional)" inputmode="numeric" value={values.maxLength ?? (field.maxLength === undefined ? '' : String(field.maxLength))} error={errors.maxLength} />}
        {field.type === 'file' && <TextField name="maxFiles" label="Most files (optional, 1 when empty)" inputmode="numeric" value={values.maxFiles ?? (field.maxFiles === undefined ? '' : String(field.maxFiles))} error={errors.maxFiles} />}
        <ConditionFields name="show" legend="Show this question" earlier={earlier} condition={field.showWhen} values={values} errors={errors} />
        <ConditionFields name="require" legend="Make an answer needed (for an optional question)" earlier={earlier} condition={field.requireWhen} values={values} errors={errors} />
        <button type="submit">Save the question</button>
      </PostForm>
      <p><a href={pageUrl(code, pageId)}>Back to the page</a></p>
    </>
  );
}

export function QuestionEditor({ code, question, values, errors, csrf }: { code: string; question: FormDefinition['eligibility'][number]; values: Values; errors: FieldErrors; csrf: string }) {
  return (
    <>
      <h1>Eligibility question: {question.question}</h1>
      <PostForm action={`${formUrl(code)}/eligibility/${encodeURIComponent(question.id)}`} csrf={csrf}>
        <TextField name="question" label="Question" value={values.question ?? question.question} error={errors.question} />
        <TextArea name="hint" label="Hint (optional)" value={values.hint ?? question.hint ?? ''} error={errors.hint} rows={2} />
        <TextArea name="options" label="Answers and where each leads"
          hint="One a line, as value: Label => outcome. The outcome is continue (they need to apply), not needed: why, or other service CODE: why. Such as: no: No => not needed: Only protected trees need permission."
          value={values.options ?? eligibilityOptionsText(question.options)} error={errors.options} rows={5} />
        <button type="submit">Save the question</button>
      </PostForm>
    </>
  );
}

export function FeesEditor({ code, definition, from, values, errors, csrf }: { code: string; definition: FormDefinition; from: string; values: Values; errors: FieldErrors; csrf: string }) {
  const schedule = definition.fees.find((s) => s.effectiveFrom === from)!;
  const base = `${formUrl(code)}/fees/${from}`;
  const groups = definition.pages.flatMap((p) => (p.group ? [[p.group.id, `${p.group.itemName} (${p.group.id})`] as [string, string]] : []));
  const fields = definition.pages.filter((p) => !p.group).flatMap(fieldsOf).map((f): [string, string] => [f.id, `${f.label} (${f.id})`]);
  const describe = (rule: (typeof schedule.rules)[number]) => {
    switch (rule.kind) {
      case 'fixed': return `£${pounds(rule.amount)}`;
      case 'per_item': return `£${pounds(rule.amount)} for each ${rule.group}${rule.free ? `, the first ${rule.free} free` : ''}`;
      case 'by_choice': return Object.entries(rule.amounts).map(([v, a]) => `£${pounds(a)} when ${rule.field} is ${v}`).join(', ');
      case 'concession': return `${rule.percentOff}% off when ${rule.field} is ${rule.in.join(' or ')}`;
    }
  };
  return (
    <>
      <h1>Fees from {from}</h1>
      {schedule.rules.length === 0 ? <p>No fees yet.</p> : (
        <ol class="editor-list">
          {schedule.rules.map((rule, n) => (
            <li key={n}>{rule.label}: {describe(rule)}
              <Button action={`${base}/rules/remove`} csrf={csrf} label="Remove" extra={rule.label} hidden={{ rule: String(n) }} />
            </li>
          ))}
        </ol>
      )}
      <PostForm action={`${base}/rules`} csrf={csrf}>
        <h2>Add a fee</h2>
        <Select name="kind" label="Kind of fee" options={[['fixed', 'A fixed amount'], ['per_item', 'An amount for each item of a repeatable group'], ['by_choice', 'An amount by the answer to a question'], ['concession', 'A concession: a percentage off the total']]} value={values.kind} error={errors.kind} />
        <TextField name="ruleLabel" label="What it is for" hint="As the applicant reads it, such as Application fee." value={values.ruleLabel} error={errors.ruleLabel} />
        <TextField name="amount" label="Amount in pounds (fixed, each item)" hint="Such as 60 or 12.50." value={values.amount} error={errors.amount} />
        <Select name="group" label="Repeatable group (each item)" options={[['', 'Choose a group'], ...groups]} value={values.group} error={errors.group} />
        <TextField name="free" label="Items free of charge (each item, optional)" inputmode="numeric" value={values.free} error={errors.free} />
        <Select name="field" label="Question (by answer, concession)" options={[['', 'Choose a question'], ...fields]} value={values.field} error={errors.field} />
        <TextArea name="amounts" label="Amount for each answer (by answer)" hint="One a line, as value: 12.50." value={values.amounts} error={errors.amounts} rows={3} />
        <TextField name="values" label="Answers that give the concession" hint="Values separated by commas, such as yes." value={values.values} error={errors.values} />
        <TextField name="percentOff" label="Percentage off (concession)" inputmode="numeric" value={values.percentOff} error={errors.percentOff} />
        <button type="submit" class="secondary">Add the fee</button>
      </PostForm>
      <p><a href={`${formUrl(code)}#fees`}>Back to the form</a></p>
    </>
  );
}

export function TranslationsEditor({ code, language, words, typed, csrf }: { code: string; language: string; words: FormWord[]; typed: string[]; csrf: string }) {
  const name = languageByCode(language)?.name ?? language;
  return (
    <>
      <h1>The form in {name}</h1>
      <p>Type each of the form's words in {name}. Leave a box empty to show the English.</p>
      <PostForm action={`${formUrl(code)}/translations/${language}`} csrf={csrf}>
        {words.map((word, n) => (
          <div key={n} lang={language === 'en' ? undefined : language}>
            <TextArea name={`w${n}`} label={word.where} hint={`English: ${word.english}`} value={typed[n] ?? ''} rows={word.english.length > 80 ? 3 : 1} />
          </div>
        ))}
        <button type="submit">Save the {name} words</button>
      </PostForm>
    </>
  );
}

export function JsonEditor({ code, json, problems, csrf }: { code: string; json: string; problems: LinkedProblem[]; csrf: string }) {
  return (
    <>
      <ProblemSummary problems={problems} />
      <h1>The draft as JSON</h1>
      <p>For advanced changes: the whole form definition. It is saved only when it has no problems.</p>
      <PostForm action={`${formUrl(code)}/json`} csrf={csrf}>
        <TextArea name="definition" label="Form definition (JSON)" value={json} error={problems.length > 0 ? 'The definition has problems: see the list above.' : undefined} rows={30} />
        <button type="submit">Save the draft</button>
      </PostForm>
    </>
  );
}

export const Preview = ({ code, children }: { code: string; children: ComponentChildren }) => (
  <>
    <div class="preview-banner" role="note" aria-label="Preview">
      <p><strong>Preview of the draft form.</strong> Nothing you enter here is kept or sent. <a href={formUrl(code)}>Back to the editor</a></p>
    </div>
    {children}
  </>
);
