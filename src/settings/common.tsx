/**
 * What every settings page shares: who may open them, the page frame (English only, wide), the
 * form parts beyond web/forms.tsx (text areas, selects, checkboxes), and reading posted forms.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { signedIn } from '../identity/access.js';
import { DomainError } from '../platform/errors.js';
import { csrfToken } from '../web/csrf.js';
import { ErrorSummary, formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';

/** Services, workflows, routing, departments' names and rules: system administrators only. */
export const systemAdminOnly = { access: signedIn(['system_admin']) };
/** Pages a department administrator also opens, for their own department's area, calendar and templates. */
export const settingsAdmins = { access: signedIn(['system_admin', 'department_admin']) };

export const actorOf = (request: FastifyRequest) => `user:${request.person!.userId}`;
export const isSystemAdmin = (request: FastifyRequest) => request.person?.role === 'system_admin';
export const csrfOf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, request.server.site.secure);

/** A trimmed text field of a posted form. */
export const field = (body: unknown, name: string) => formText(body, name).trim();
/** Every value of a field that may repeat (checkboxes), as text. */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== '');
}
export const ticked = (body: unknown, name: string) => fieldList(body, name).length > 0;
/** A path parameter. */
export const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';

export function settingsPage(request: FastifyRequest, reply: FastifyReply, options: { title: string; body: ComponentChildren; status?: number; errors?: FieldErrors; back?: { href: string; label: string } }) {
  return renderPage(request, reply, {
    title: options.title, englishOnly: true, wide: true, status: options.status ?? (options.errors && Object.keys(options.errors).length > 0 ? 400 : 200),
    body: (
      <>
        {options.back && <p><a class="back-link" href={options.back.href}>{options.back.label}</a></p>}
        <ErrorSummary errors={options.errors ?? {}} />
        {options.body}
      </>
    ),
  });
}

/** Runs a change; a refusal a person can act on (invalid, conflict) becomes an error on the page instead. */
export async function attempt<T>(change: () => Promise<T>, errorField: string): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors; status: number }> {
  try {
    return { ok: true, value: await change() };
  } catch (error) {
    if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
    return { ok: false, errors: { [errorField]: error.message }, status: error.kind === 'conflict' ? 409 : 400 };
  }
}

function describedBy(name: string, hint?: string, error?: string) {
  return [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function Label({ name, label, hint, error }: { name: string; label: string; hint?: string; error?: string }) {
  return (
    <>
      <label for={name}>{label}</label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      {error && <span class="error-message" id={`${name}-error`}>Error: {error}</span>}
    </>
  );
}

export function TextArea({ name, label, hint, value, error, rows = 4 }: { name: string; label: string; hint?: string; value?: string; error?: string; rows?: number }) {
  return (
    <div class={error ? 'field-error' : undefined}>
      <Label name={name} label={label} hint={hint} error={error} />
      <textarea id={name} name={name} rows={rows} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined}>{value ?? ''}</textarea>
    </div>
  );
}

export function TextField({ name, label, hint, value, error, type = 'text', inputmode }: { name: string; label: string; hint?: string; value?: string; error?: string; type?: 'text'; inputmode?: 'numeric' }) {
  return (
    <div class={error ? 'field-error' : undefined}>
      <Label name={name} label={label} hint={hint} error={error} />
      <input id={name} name={name} type={type} value={value ?? ''} inputmode={inputmode} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined} spellcheck={false} />
    </div>
  );
}

export function Select({ name, label, hint, options, value, error }: { name: string; label: string; hint?: string; options: Array<[string, string]>; value?: string | null; error?: string }) {
  return (
    <div class={error ? 'field-error' : undefined}>
      <Label name={name} label={label} hint={hint} error={error} />
      <select id={name} name={name} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined}>
        {options.map(([v, text]) => <option key={v} value={v} selected={v === (value ?? '')}>{text}</option>)}
      </select>
    </div>
  );
}

export function Checkbox({ name, label, checked, value = 'yes', id }: { name: string; label: string; checked: boolean; value?: string; id?: string }) {
  const inputId = id ?? name;
  return (
    <div class="checkbox">
      <input type="checkbox" id={inputId} name={name} value={value} checked={checked} />
      <label for={inputId}>{label}</label>
    </div>
  );
}

/** A group of checkboxes under one question (fieldset and legend, so screen readers say the question). */
export function Checkboxes({ name, legend, hint, options, values, error }: { name: string; legend: string; hint?: string; options: Array<[string, string]>; values: readonly string[]; error?: string }) {
  return (
    <fieldset id={name} class={error ? 'choices field-error' : 'choices'} aria-describedby={describedBy(name, hint, error)}>
      <legend>{legend}</legend>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      {error && <span class="error-message" id={`${name}-error`}>Error: {error}</span>}
      {options.map(([value, text]) => <Checkbox key={value} id={`${name}-${value.replace(/\W+/g, '-')}`} name={name} value={value} label={text} checked={values.includes(value)} />)}
    </fieldset>
  );
}
