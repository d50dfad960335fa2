/**
 * The /staff/insights page: the filters (a GET form, so a view has its own address), then each
 * figure as a chart, its table and its CSV link. In the page's language, right to left for Arabic.
 */
import { formatDate } from '../i18n/case-words.js';
import { formattingLocale, useTranslator } from '../i18n/i18n.js';
import { TableWrap } from '../web/forms.js';
import { Chart, Legend } from './charts.js';
import type { Filters, Problem } from './filters.js';
import { filtersQuery } from './filters.js';
import type { Choice, Scope } from './insights.js';
import type { FigureTable } from './tables.js';

export interface InsightsView {
  filters: Filters;
  scope: Scope;
  tables: FigureTable[];
  refreshedAt: string | null;
  timeZone: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per language and style, made once (making one costs more than using it). */
function dateFormat(locale: string, style: 'month' | 'day' | 'shortMonth' | 'shortDay'): Intl.DateTimeFormat {
  const key = `${locale}|${style}`;
  let format = formats.get(key);
  if (!format) {
    const options: Record<typeof style, Intl.DateTimeFormatOptions> = {
      month: { month: 'long', year: 'numeric' }, day: { day: 'numeric', month: 'short', year: 'numeric' },
      shortMonth: { month: 'short', year: '2-digit' }, shortDay: { day: 'numeric', month: 'short' },
    };
    format = new Intl.DateTimeFormat(locale, { ...options[style], timeZone: 'UTC' });
    formats.set(key, format);
  }
  return format;
}

/** A period's name: "Week of 2 Mar 2026" or "March 2026", in the page's language. */
export function periodName(locale: string, from: string, group: Filters['group'], weekOf: (date: string) => string): string {
  const date = new Date(`${from}T12:00:00Z`);
  if (group === 'month') return dateFormat(locale, 'month').format(date);
  return weekOf(dateFormat(locale, 'day').format(date));
}

/** A short axis label: "2 Mar" or "Mar 26". */
function shortName(locale: string, from: string, group: Filters['group']): string {
  return dateFormat(locale, group === 'month' ? 'shortMonth' : 'shortDay').format(new Date(`${from}T12:00:00Z`));
}

function Select({ name, label, choices, chosen, allLabel }: { name: string; label: string; choices: Choice[]; chosen: string | null; allLabel: string }) {
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name}>
        <option value="">{allLabel}</option>
        {choices.map((c) => <option key={c.value} value={c.value} selected={c.value === chosen}>{c.name}</option>)}
      </select>
    </div>
  );
}

export function InsightsPage({ view }: { view: InsightsView }) {
  const tr = useTranslator();
  const { t, language } = tr;
  const locale = formattingLocale(language.code);
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const number = (n: number | null) => n === null ? '–' : numbers.format(n);
  const { filters, scope } = view;
  const query = filtersQuery(filters);
  const day = (d: string) => formatDate(`${d}T12:00:00Z`, language.code, 'UTC');
  return (
    <>
      <h1>{t('insights.title')}</h1>
      <p>{t('insights.intro', { scope: scope.departmentName ?? t('insights.scopeAll'), from: day(filters.from), to: day(filters.to) })}</p>
      <p class="hint">{view.refreshedAt ? t('insights.fresh', { when: formatDate(view.refreshedAt, language.code, view.timeZone, 'short') }) : t('insights.notYet')}</p>
      <form method="get" action="/staff/insights" class="filter-bar" aria-label={t('insights.filters')}>
        <div class="field">
          <label for="f-from">{t('insights.from')}</label>
          <input id="f-from" name="from" type="date" value={filters.from} aria-describedby="f-date-hint" />
        </div>
        <div class="field">
          <label for="f-to">{t('insights.to')}</label>
          <input id="f-to" name="to" type="date" value={filters.to} aria-describedby="f-date-hint" />
        </div>
        <div class="field">
          <label for="f-group">{t('insights.group')}</label>
          <select id="f-group" name="group">
            <option value="week" selected={filters.group === 'week'}>{t('insights.week')}</option>
            <option value="month" selected={filters.group === 'month'}>{t('insights.month')}</option>
          </select>
        </div>
        <Select name="service" label={t('insights.service')} choices={scope.choices.services} chosen={filters.service} allLabel={t('insights.all')} />
        {scope.allDepartments && <Select name="department" label={t('insights.department')} choices={scope.choices.departments} chosen={filters.department} allLabel={t('insights.all')} />}
        <Select name="area" label={t('insights.area')} choices={scope.choices.areas} chosen={filters.area} allLabel={t('insights.all')} />
        <Select name="channel" label={t('insights.channel')} choices={scope.choices.channels} chosen={filters.channel} allLabel={t('insights.all')} />
        <button type="submit">{t('insights.apply')}</button>
        <p id="f-date-hint" class="hint date-hint">{t('insights.dateHint')}</p>
      </form>
      <nav aria-label={t('insights.contents')}>
        <ul class="figure-links">
          {view.tables.map((table) => <li key={table.id}><a href={`#${table.id}`}>{table.title}</a></li>)}
        </ul>
      </nav>
      {view.tables.map((table) => {
        const labels = table.rows.map((r) => shortName(locale, r.from, filters.group));
        const series = table.charted.map((i) => ({ label: table.columns[i]!, values: table.rows.map((r) => r.values[i] ?? null) }));
        return (
          <section key={table.id} id={table.id} aria-labelledby={`${table.id}-h`} class="figure">
            <h2 id={`${table.id}-h`}>{table.title}</h2>
            {table.hint && <p class="hint">{table.hint}</p>}
            <figure>
              <Legend series={series} kind={table.chart} />
              <Chart kind={table.chart} labels={labels} series={series} rtl={language.dir === 'rtl'} formatNumber={(n) => numbers.format(n)} />
              <figcaption class="visually-hidden">{t('insights.chartNote')}</figcaption>
            </figure>
            <TableWrap label={table.title}>
              <table class="queue figures">
                <caption class="visually-hidden">{table.title}</caption>
                <thead>
                  <tr><th scope="col">{t('insights.period')}</th>{table.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
                </thead>
                <tbody>
                  {table.rows.map((row) => (
                    <tr key={row.from}>
                      <th scope="row">{periodName(locale, row.from, filters.group, (date) => t('insights.weekOf', { date }))}</th>
                      {row.values.map((v, i) => <td key={i}>{number(v)}</td>)}
                    </tr>
                  ))}
                  {table.total && (
                    <tr class="total"><th scope="row">{t('insights.total')}</th>{table.total.map((v, i) => <td key={i}>{number(v)}</td>)}</tr>
                  )}
                </tbody>
              </table>
            </TableWrap>
            <p><a href={`/staff/insights/${table.id}.csv?${query}`} download>{t('insights.download')}</a></p>
          </section>
        );
      })}
    </>
  );
}

export function InsightsProblemPage({ problems, describe }: { problems: Problem[]; describe: (p: Problem) => string }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('insights.errorTitle')}</h1>
      <div class="error-summary" role="alert">
        <ul>{problems.map((p, i) => <li key={i}>{describe(p)}</li>)}</ul>
      </div>
      <p><a href="/staff/insights">{t('insights.errorBack')}</a></p>
    </>
  );
}
