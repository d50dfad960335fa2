/** Form parts in the GOV.UK pattern: an error summary first, then each field with its own message. */
import type { ComponentChildren } from 'preact';
import { useTranslator } from '../i18n/i18n.js';

export type FieldErrors = Record<string, string>;

export function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const { t } = useTranslator();
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    // Focused when the page loads (no script needed), so the first Tab reaches its links.
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{t('form.problem')}</h2>
      <ul>{entries.map(([field, message]) => <li key={field}><a href={`#${field}`}>{message}</a></li>)}</ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  hint?: string;
  value?: string;
  error?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text';
  className?: string;
}

export function Field({ name, label, type = 'text', hint, value, error, autocomplete, inputmode, className }: FieldProps) {
  const { t } = useTranslator();
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={name}>{label}</label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      {error && <span class="error-message" id={`${name}-error`}>{t('form.errorPrefix')} {error}</span>}
      <input id={name} name={name} type={type as 'text'} value={type === 'password' ? undefined : value} autocomplete={autocomplete}
        inputmode={inputmode} class={className} aria-describedby={describedBy} aria-invalid={error ? 'true' : undefined} spellcheck={false} />
    </div>
  );
}

/** A POST form with its CSRF token; every state change in the browser goes through one. */
export function PostForm({ action, csrf, children }: { action: string; csrf: string; children: ComponentChildren }) {
  return (
    <form method="post" action={action} novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      {children}
    </form>
  );
}

/** A wide table that scrolls sideways on a small screen, reachable and named for keyboard users. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return <div class="table-wrap" role="region" aria-label={label} tabindex={0}>{children}</div>;
}

/** A text field of a posted form or a query string, '' when absent (or sent as anything but text). */
export function formText(source: unknown, name: string): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The ids a field's aria-describedby names (its hint, its error), or none. */
export const describedBy = (...ids: Array<string | false | undefined>) => ids.filter(Boolean).join(' ') || undefined;

/** A field's own error message, under its label (GOV.UK: "Error:" read first). */
export function ErrorText({ id, error }: { id: string; error?: string }) {
  const { t } = useTranslator();
  return error ? <span class="error-message" id={`${id}-error`}>{t('form.errorPrefix')} {error}</span> : null;
}

/** Radio buttons or checkboxes in a fieldset; the first one carries the field's id, for the error summary. */
export function Choices({ name, legend, options, chosen, error, hint, multiple, optional }: {
  name: string; legend: ComponentChildren; options: Array<{ value: string; label: string; hint?: string }>; chosen: string[];
  error?: string; hint?: string; multiple?: boolean; optional?: boolean;
}) {
  const { t } = useTranslator();
  return (
    <div class={error ? 'field-error' : undefined}>
      <fieldset class="choices" aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}>
        <legend>{optional && typeof legend === 'string' ? t('report.optional', { label: legend }) : legend}</legend>
        {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
        <ErrorText id={name} error={error} />
        {options.map((option, index) => {
          const id = index === 0 ? name : `${name}-${index + 1}`;
          return (
            <div class="choice" key={option.value}>
              <input type={multiple ? 'checkbox' : 'radio'} id={id} name={name} value={option.value} checked={chosen.includes(option.value)}
                aria-describedby={option.hint ? `${id}-hint` : undefined} />
              <label for={id}>{option.label}</label>
              {option.hint && <span class="hint" id={`${id}-hint`}>{option.hint}</span>}
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}
