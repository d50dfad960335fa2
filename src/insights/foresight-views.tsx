/** Parts the Hotspots and Forecast pages share: their tabs, the filter problems, the choice of service and department. */
import type { ComponentChildren } from 'preact';
import { formattingLocale, useTranslator, type Translator } from '../i18n/i18n.js';
import { ErrorSummary, type FieldErrors } from '../web/forms.js';
import type { FilterProblem } from './foresight-filters.js';

export interface Choice { value: string; label: string }

export interface FilterChoices {
  services: Choice[];
  departments: Choice[];
  /** Set when the person sees one department only: its name (or null: none yet). */
  ownDepartment?: { name: string | null };
}

export function InsightsTabs({ current, query }: { current: 'hotspots' | 'forecast'; query: string }) {
  const { t } = useTranslator();
  const tab = (name: 'hotspots' | 'forecast') => (
    <li><a href={`/staff/insights/${name}${query}`} aria-current={current === name ? 'page' : undefined}>{t(`foresight.${name}`)}</a></li>
  );
  return <nav class="queue-tabs" aria-label={t('foresight.nav')}><ul>{tab('hotspots')}{tab('forecast')}</ul></nav>;
}

/** The problems with the filters, in the page's language, each linked to its field. */
export function FilterErrors({ problems }: { problems: FilterProblem[] }) {
  const { t } = useTranslator();
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const message = t(problem.message, problem.values);
    errors[problem.parameter] = errors[problem.parameter] ? `${errors[problem.parameter]} ${message}` : message;
  }
  return <ErrorSummary errors={errors} />;
}

export function SelectField({ name, label, choices, chosen, all, error }: {
  name: string; label: string; choices: Choice[]; chosen: string; all?: string; error?: string | undefined;
}) {
  return (
    <div class="field">
      <label for={name}>{label}</label>
      <select id={name} name={name} aria-invalid={error ? 'true' : undefined}>
        {all !== undefined && <option value="">{all}</option>}
        {choices.map((c) => <option key={c.value} value={c.value} selected={c.value === chosen}>{c.label}</option>)}
      </select>
    </div>
  );
}

/** The service and department fields; a person who sees one department only is told which instead. */
export function CommonFields({ choices, raw, errors }: { choices: FilterChoices; raw: Record<string, string>; errors: Record<string, string> }) {
  const { t } = useTranslator();
  return (
    <>
      <SelectField name="service" label={t('foresight.service')} choices={choices.services} chosen={raw.service ?? ''} all={t('foresight.allServices')} error={errors.service} />
      {!choices.ownDepartment && (
        <SelectField name="department" label={t('foresight.department')} choices={choices.departments} chosen={raw.department ?? ''} all={t('foresight.allDepartments')} error={errors.department} />
      )}
    </>
  );
}

export function ScopeNote({ choices }: { choices: FilterChoices }) {
  const { t } = useTranslator();
  return (
    <p class="h-note">
      {choices.ownDepartment && (choices.ownDepartment.name === null ? t('foresight.noDepartment') : t('foresight.ownDepartment', { department: choices.ownDepartment.name }))}
      {choices.ownDepartment && ' '}
      {t('foresight.trainingNote')}
    </p>
  );
}

/** Each parameter's problem in words, for its field (aria-invalid). */
export const fieldErrorsOf = (problems: FilterProblem[], tr: Translator): Record<string, string> =>
  Object.fromEntries(problems.map((p) => [p.parameter, tr.t(p.message, p.values)]));

/** Numbers and dates as the page's language writes them. */
export function formatters(tr: Translator) {
  const locale = formattingLocale(tr.language.code);
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const two = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const coordinate = new Intl.NumberFormat(locale, { maximumFractionDigits: 4, minimumFractionDigits: 4 });
  const date = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
  return {
    whole: (n: number) => whole.format(n),
    one: (n: number) => one.format(n),
    two: (n: number) => two.format(n),
    signed: (n: number) => signed.format(n),
    coordinate: (n: number) => coordinate.format(n),
    /** A local calendar date (YYYY-MM-DD). */
    date: (day: string) => date.format(new Date(`${day}T12:00:00Z`)),
  };
}

export function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return <section aria-labelledby={id}><h2 id={id}>{title}</h2>{children}</section>;
}
