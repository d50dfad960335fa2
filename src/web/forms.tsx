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
