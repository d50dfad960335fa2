/**
 * The public performance pages: the council's and each service's measures (a headline over the
 * last 12 months, a chart and a table month by month), and "You said, we did". Words come from
 * words.ts in the reader's language; numbers, months and money are formatted in it too.
 */
import { TableWrap } from '../web/forms.js';
import { BarChart } from './chart.js';
import { emptyMonths, measuresOf, sumMonths, type Measures, type MonthCounts, type PerformanceFigures } from './figures.js';
import type { ClosedReportsPage } from './updates.js';
import { wordsFor, type PerformanceWord } from './words.js';

type Words = ReturnType<typeof wordsFor>;

export interface Shown {
  language: string;
  timeZone: string;
  council: string;
}

interface Format {
  w: Words;
  percent(share: number): string;
  days(value: number): string;
  money(minor: number): string;
  month(month: string, current: boolean): string;
  date(iso: string): string;
  count(n: number): string;
}

function formatFor(shown: Shown, currency: string): Format {
  const w = wordsFor(shown.language);
  const percent = new Intl.NumberFormat(shown.language, { style: 'percent', maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(shown.language, { maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(shown.language);
  const money = new Intl.NumberFormat(shown.language, { style: 'currency', currency });
  const month = new Intl.DateTimeFormat(shown.language, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const date = new Intl.DateTimeFormat(shown.language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: shown.timeZone });
  return {
    w,
    percent: (share) => percent.format(share),
    days: (value) => w('days', { value: decimal.format(value) }),
    money: (minor) => money.format(minor / 100),
    month: (m, current) => {
      const text = month.format(new Date(`${m}-15T12:00:00Z`));
      return current ? w('thisMonth', { month: text }) : text;
    },
    date: (iso) => date.format(new Date(iso)),
    count: (n) => whole.format(n),
  };
}

/** One measure: how to read it from a month's measures, show it, and say why it is missing. */
interface MeasureSpec {
  id: string;
  title: PerformanceWord;
  what: PerformanceWord;
  value: (m: Measures) => number | null;
  show: (value: number, f: Format) => string;
  missing: (m: Measures) => PerformanceWord;
  basis: (m: Measures, counts: MonthCounts, f: Format) => string;
  share?: boolean;
}

const measures: MeasureSpec[] = [
  {
    id: 'cost', title: 'costTitle', what: 'costWhat', value: (m) => m.costPerTransaction, show: (v, f) => f.money(v),
    missing: (m) => (m.costMissing ? 'costNotSet' : 'costNotEnough'), basis: (m, _c, f) => f.w('reports', { count: f.count(m.requests) }),
  },
  {
    id: 'satisfaction', title: 'satisfactionTitle', what: 'satisfactionWhat', value: (m) => m.satisfaction, show: (v, f) => f.percent(v), share: true,
    missing: () => 'satisfactionNotEnough', basis: (m, _c, f) => f.w('answers', { count: f.count(m.rated) }),
  },
  {
    id: 'completion', title: 'completionTitle', what: 'completionWhat', value: (m) => m.completion, show: (v, f) => f.percent(v), share: true,
    missing: () => 'completionNotEnough', basis: (m, c, f) => f.w('started', { count: f.count(m.journeysStarted), sent: f.count(c.journeysSent) }),
  },
  {
    id: 'take-up', title: 'takeUpTitle', what: 'takeUpWhat', value: (m) => m.digitalTakeUp, show: (v, f) => f.percent(v), share: true,
    missing: () => 'takeUpNotEnough', basis: (m, _c, f) => f.w('reports', { count: f.count(m.requests) }),
  },
  {
    id: 'in-time', title: 'inTimeLabel', what: 'closeWhat', value: (m) => m.inTime, show: (v, f) => f.percent(v), share: true,
    missing: () => 'closeNotEnough', basis: (m, _c, f) => f.w('closedCount', { count: f.count(m.closed) }),
  },
  {
    id: 'median', title: 'medianLabel', what: 'closeWhat', value: (m) => m.medianDays, show: (v, f) => f.days(v),
    missing: () => 'closeNotEnough', basis: (m, _c, f) => f.w('closedCount', { count: f.count(m.closed) }),
  },
];

function Measure({ spec, rows, costs, f, level }: { spec: MeasureSpec; rows: MonthCounts[]; costs: PerformanceFigures['costs']; f: Format; level: 'h2' | 'h3' }) {
  const { w } = f;
  const year = measuresOf(sumMonths(rows), costs);
  const monthly = rows.map((row) => ({ row, measures: measuresOf(row, costs) }));
  const headline = spec.value(year);
  const Heading = level;
  const last = rows.length - 1;
  return (
    <section class="measure" aria-labelledby={`${spec.id}-title`}>
      <Heading id={`${spec.id}-title`}>{w(spec.title)}</Heading>
      {/* A sub-measure (h3) is explained once, by its section. */}
      {level === 'h2' && <p>{w(spec.what)}</p>}
      <p class="headline">{headline === null ? w(spec.missing(year)) : w('headline', { value: spec.show(headline, f) })}</p>
      {monthly.some(({ measures: m }) => spec.value(m) !== null) && <BarChart
        label={w('chartLabel', { measure: w(spec.title), from: f.month(rows[0]!.month, false), to: f.month(rows[last]!.month, true) })}
        points={monthly.map(({ row, measures: m }) => ({ label: f.month(row.month, false), value: spec.value(m) }))}
        max={spec.share ? 1 : undefined}
        format={(v) => spec.show(v, f)} />}
      <details>
        <summary>{w('trend')}</summary>
        <TableWrap label={`${w(spec.title)}: ${w('trend')}`}>
          <table class="stack-on-phone">
            <thead><tr><th scope="col">{w('month')}</th><th scope="col">{w(spec.title)}</th><th scope="col">{w('basis')}</th></tr></thead>
            <tbody>
              {monthly.map(({ row, measures: m }, i) => {
                const value = spec.value(m);
                return (
                  <tr key={row.month}>
                    <th scope="row" data-label={w('month')}>{f.month(row.month, i === last)}</th>
                    <td data-label={w(spec.title)}>{value === null ? w('notEnough') : spec.show(value, f)}</td>
                    <td data-label={w('basis')}>{spec.basis(m, row, f)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </section>
  );
}

function MeasureList({ rows, costs, f }: { rows: MonthCounts[]; costs: PerformanceFigures['costs']; f: Format }) {
  const [cost, satisfaction, completion, takeUp, inTime, medianDays] = measures as [MeasureSpec, MeasureSpec, MeasureSpec, MeasureSpec, MeasureSpec, MeasureSpec];
  return (
    <>
      {[cost, satisfaction, completion, takeUp].map((spec) => <Measure key={spec.id} spec={spec} rows={rows} costs={costs} f={f} level="h2" />)}
      <section aria-labelledby="close-title">
        <h2 id="close-title">{f.w('closeTitle')}</h2>
        <p>{f.w('closeWhat')}</p>
        <Measure spec={inTime} rows={rows} costs={costs} f={f} level="h3" />
        <Measure spec={medianDays} rows={rows} costs={costs} f={f} level="h3" />
      </section>
    </>
  );
}

function SaidDid({ page, names, f, pageHref }: { page: ClosedReportsPage; names: Map<string, string>; f: Format; pageHref: (n: number) => string }) {
  const { w } = f;
  return (
    <section aria-labelledby="said-did-title">
      <h2 id="said-did-title">{w('saidDidTitle')}</h2>
      <p>{w('saidDidIntro')}</p>
      {page.reports.length === 0 ? <p>{w('saidDidEmpty')}</p> : (
        <ol class="said-did">
          {page.reports.map((report) => (
            <li key={report.id}>
              <h3><bdi>{names.get(report.serviceCode) ?? report.serviceCode}</bdi></h3>
              <p class="hint">{w('reported', { date: f.date(report.requestedAt) })}. {w('closed', { date: f.date(report.closedAt) })}.</p>
              {report.updates.map((update, i) => <p key={i} class="report-description">{update.text}</p>)}
              <p><a href={`/requests/${report.id}`}>{w('viewReport', { id: String(report.id) })}</a></p>
            </li>
          ))}
        </ol>
      )}
      {(page.page > 1 || page.more) && (
        <nav class="pager" aria-label={w('pageOf', { page: f.count(page.page) })}>
          <ul>
            {page.page > 1 && <li><a href={pageHref(page.page - 1)} rel="prev">{w('previous')}</a></li>}
            {page.more && <li><a href={pageHref(page.page + 1)} rel="next">{w('next')}</a></li>}
          </ul>
        </nav>
      )}
    </section>
  );
}

export function CouncilPerformance({ shown, figures, services, page }: {
  shown: Shown; figures: PerformanceFigures; services: Array<{ code: string; name: string }>; page: ClosedReportsPage;
}) {
  const f = formatFor(shown, figures.costs.currency);
  const { w } = f;
  const names = new Map(services.map((s) => [s.code, s.name]));
  return (
    <>
      <h1>{w('councilTitle')}</h1>
      <p>{w('councilIntro', { council: shown.council })}</p>
      <p class="notice">{w('fresh')}</p>
      <MeasureList rows={figures.council} costs={figures.costs} f={f} />
      {services.length > 0 && (
        <section aria-labelledby="services-title">
          <h2 id="services-title">{w('byService')}</h2>
          <ul>{services.map((s) => <li key={s.code}><a href={`/performance/${encodeURIComponent(s.code)}`}>{w('serviceLink', { service: s.name })}</a></li>)}</ul>
        </section>
      )}
      <SaidDid page={page} names={names} f={f} pageHref={(n) => `/performance?page=${n}#said-did-title`} />
    </>
  );
}

export function ServicePerformance({ shown, figures, service, page }: {
  shown: Shown; figures: PerformanceFigures; service: { code: string; name: string }; page: ClosedReportsPage;
}) {
  const f = formatFor(shown, figures.costs.currency);
  const { w } = f;
  const rows = figures.byService.get(service.code) ?? emptyMonths(figures.months);
  return (
    <>
      <h1>{w('serviceTitle', { service: service.name })}</h1>
      <p>{w('serviceIntro', { council: shown.council })}</p>
      <p class="notice">{w('fresh')}</p>
      <p><a href="/performance">{w('allServices')}</a> · <a href={`/services/${encodeURIComponent(service.code)}`}><bdi>{service.name}</bdi></a></p>
      <MeasureList rows={rows} costs={figures.costs} f={f} />
      <SaidDid page={page} names={new Map([[service.code, service.name]])} f={f}
        pageHref={(n) => `/performance/${encodeURIComponent(service.code)}?page=${n}#said-did-title`} />
    </>
  );
}
