/** The Forecast page: the next 8 weeks per service, each with its backtest and a staffing hint. */
import { useTranslator } from '../i18n/i18n.js';
import { TableWrap } from '../web/forms.js';
import type { FilterProblem } from './foresight-filters.js';
import type { ForecastReport, SeriesForecast } from './foresight-reports.js';
import { CommonFields, FilterErrors, fieldErrorsOf, formatters, InsightsTabs, ScopeNote, Section, type FilterChoices } from './foresight-views.js';

export interface ForecastPageProps {
  choices: FilterChoices;
  raw: Record<string, string>;
  problems: FilterProblem[];
  report: ForecastReport | null;
  query: string;
  /** The service and department only: what the other tab takes. */
  tabQuery: string;
  serviceName: (code: string) => string;
  /** The one service asked for, if any: its forecast is the one drawn. */
  service: string | null;
}

const CHART_WIDTH = 640;
const CHART_HEIGHT = 220;
/** Weeks of history drawn before the forecast. */
const CHART_WEEKS = 26;

function ForecastChart({ series }: { series: SeriesForecast }) {
  const tr = useTranslator();
  const { t } = tr;
  const f = formatters(tr);
  if (series.result.kind !== 'forecast') return null;
  const past = series.counts.slice(-CHART_WEEKS);
  const pastWeeks = series.weekStarts.slice(-CHART_WEEKS);
  const ahead = series.result.forecast;
  const max = Math.max(1, ...past, ...ahead) * 1.1;
  const left = 44;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const steps = past.length + ahead.length - 1;
  const x = (i: number) => left + (i / Math.max(1, steps)) * (CHART_WIDTH - left - right);
  const y = (v: number) => top + (1 - v / max) * (CHART_HEIGHT - top - bottom);
  const line = (values: number[], offset: number) => values.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">{t('foresight.forecast.chartTitle')}</title>
        <desc id="chart-desc">{t('foresight.forecast.chartDesc')}</desc>
        <line x1={left} y1={y(0)} x2={CHART_WIDTH - right} y2={y(0)} stroke="#0b0c0c" stroke-width="1" />
        <line x1={left} y1={top} x2={left} y2={y(0)} stroke="#0b0c0c" stroke-width="1" />
        <text x={left - 6} y={y(0)} text-anchor="end" dominant-baseline="middle" font-size="12" fill="#0b0c0c">{f.whole(0)}</text>
        <text x={left - 6} y={y(max / 1.1)} text-anchor="end" dominant-baseline="middle" font-size="12" fill="#0b0c0c">{f.whole(max / 1.1)}</text>
        <line x1={left} y1={y(max / 1.1)} x2={CHART_WIDTH - right} y2={y(max / 1.1)} stroke="#b1b4b6" stroke-width="1" />
        <text x={x(0)} y={CHART_HEIGHT - 8} font-size="12" fill="#0b0c0c">{f.date(pastWeeks[0]!)}</text>
        <text x={x(past.length)} y={CHART_HEIGHT - 8} text-anchor="middle" font-size="12" fill="#0b0c0c">{f.date(series.forecastWeeks[0]!)}</text>
        <polyline points={line(past, 0)} fill="none" stroke="#1d4ed8" stroke-width="2.5" />
        <polyline points={line([past[past.length - 1]!, ...ahead], past.length - 1)} fill="none" stroke="#0b0c0c" stroke-width="2.5" stroke-dasharray="6 4" />
      </svg>
      <figcaption>{t('foresight.forecast.chartDesc')}</figcaption>
    </figure>
  );
}

export function ForecastPage({ choices, raw, problems, report, query, tabQuery, serviceName, service }: ForecastPageProps) {
  const tr = useTranslator();
  const { t } = tr;
  const f = formatters(tr);
  const errors = fieldErrorsOf(problems, tr);
  const results = report ? [report.total, ...report.services].flatMap((s) => (s && s.result.kind === 'forecast' ? [s.result.seasonal] : [])) : [];
  const method = results.length === 0 ? null
    : results.every(Boolean) ? t('foresight.forecast.seasonal') : results.some(Boolean) ? t('foresight.forecast.mixed') : t('foresight.forecast.fallback');
  const detail = report?.total ?? null;
  const maybe = (value: number | null, format: (n: number) => string) => (value === null ? t('foresight.forecast.notGiven') : format(value));
  return (
    <>
      <div class="queue-head"><h1>{t('foresight.forecast')}</h1></div>
      <InsightsTabs current="forecast" query={tabQuery} />
      <FilterErrors problems={problems} />
      <p>{t('foresight.forecast.intro')}</p>
      <ScopeNote choices={choices} />
      <form method="get" action="/staff/insights/forecast" class="filter-bar" aria-label={t('foresight.filters')}>
        <CommonFields choices={choices} raw={raw} errors={errors} />
        <div class="field">
          <label for="minutes">{t('foresight.forecast.minutes')}</label>
          <input id="minutes" name="minutes" type="text" inputmode="numeric" size={4} value={raw.minutes ?? ''} aria-invalid={errors.minutes ? 'true' : undefined} autocomplete="off" />
        </div>
        <button type="submit">{t('foresight.show')}</button>
      </form>
      {report && (
        <>
          {method && <p>{method}</p>}
          <p>{t('foresight.forecast.choice')}</p>
          <p>{t('foresight.forecast.staffing', { minutes: report.minutesPerStep })}</p>
          <p><a href={`/staff/insights/forecast.csv${query}`} download>{t('foresight.csv')}</a></p>
          {!detail ? <p>{t('foresight.forecast.none')}</p> : (
            <Section title={service ? serviceName(service) : t('foresight.forecast.total')} id="detail">
              {detail.result.kind === 'too_short'
                ? <p>{t('foresight.forecast.tooShort', { weeks: detail.result.weeks, needed: detail.result.needed })}</p>
                : (
                  <>
                    <p>{t('foresight.forecast.method')}: {t(`foresight.model.${detail.result.chosen === 'model' ? detail.result.model : detail.result.baseline}`)}</p>
                    <ForecastChart series={detail} />
                    <TableWrap label={t('foresight.forecast.expected')}>
                      <table class="figures">
                        <thead><tr>
                          <th scope="col">{t('foresight.forecast.week')}</th>
                          <th scope="col">{t('foresight.forecast.expected')}</th>
                          <th scope="col">{t('foresight.forecast.hours')}</th>
                        </tr></thead>
                        <tbody>
                          {detail.result.forecast.map((cases, h) => (
                            <tr key={detail.forecastWeeks[h]}>
                              <td>{f.date(detail.forecastWeeks[h]!)}</td>
                              <td class="number">{f.one(cases)}</td>
                              <td class="number">{maybe(report.totalHours?.[h] ?? null, f.one)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </TableWrap>
                  </>
                )}
            </Section>
          )}
          {report.services.length > 0 && (
            <Section title={t('foresight.forecast.services')} id="services">
              <TableWrap label={t('foresight.forecast.services')}>
                <table class="figures">
                  <thead><tr>
                    <th scope="col">{t('foresight.service')}</th>
                    <th scope="col">{t('foresight.forecast.weeks')}</th>
                    <th scope="col">{t('foresight.forecast.method')}</th>
                    <th scope="col">{t('foresight.forecast.modelMae')}</th>
                    <th scope="col">{t('foresight.forecast.baselineMae')}</th>
                    <th scope="col">{t('foresight.forecast.modelMase')}</th>
                    <th scope="col">{t('foresight.forecast.baselineMase')}</th>
                    <th scope="col">{t('foresight.forecast.next8')}</th>
                    <th scope="col">{t('foresight.forecast.steps')}</th>
                    <th scope="col">{t('foresight.forecast.hoursWeek')}</th>
                  </tr></thead>
                  <tbody>
                    {report.services.map((line) => {
                      const r = line.result;
                      return (
                        <tr key={line.serviceCode}>
                          <th scope="row">{serviceName(line.serviceCode)}</th>
                          <td class="number">{f.whole(r.weeks)}</td>
                          {r.kind === 'too_short'
                            ? <td colSpan={6}>{t('foresight.forecast.tooShort', { weeks: r.weeks, needed: r.needed })}</td>
                            : (
                              <>
                                <td>{t(`foresight.model.${r.chosen === 'model' ? r.model : r.baseline}`)}</td>
                                <td class="number">{f.two(r.backtest.model.mae)}</td>
                                <td class="number">{f.two(r.backtest.baseline.mae)}</td>
                                <td class="number">{maybe(r.backtest.model.mase, f.two)}</td>
                                <td class="number">{maybe(r.backtest.baseline.mase, f.two)}</td>
                                <td class="number">{f.one(r.forecast.reduce((a, b) => a + b, 0))}</td>
                              </>
                            )}
                          <td class="number">{line.medianSteps === null ? t('foresight.forecast.noSteps') : f.one(line.medianSteps)}</td>
                          <td class="number">{line.hours ? f.one(line.hours.reduce((a, b) => a + b, 0) / line.hours.length) : t('foresight.forecast.notGiven')}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableWrap>
            </Section>
          )}
        </>
      )}
    </>
  );
}
