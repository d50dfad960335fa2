/** The Hotspots page: a filter form, an SVG of the hexagons, the busiest cells and the repeat locations. */
import { useTranslator } from '../i18n/i18n.js';
import { TableWrap } from '../web/forms.js';
import type { FilterProblem } from './foresight-filters.js';
import type { HotspotReport } from './foresight-reports.js';
import { CommonFields, FilterErrors, fieldErrorsOf, formatters, InsightsTabs, ScopeNote, Section, SelectField, type FilterChoices } from './foresight-views.js';
import { hexagonShapes, REPEAT_REPORTS, RESOLUTIONS, SAME_SPOT_METRES, type HotspotCell } from './hotspots.js';

/** How many cells the table lists; the map and the CSV have them all. */
export const TOP_CELLS = 20;
const MAP_WIDTH = 640;
/** Light to dark: the busiest fifth of cells darkest. Each is edged in near-black, so every cell stands out from the page. */
const shades = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];

export interface HotspotsPageProps {
  choices: FilterChoices;
  raw: Record<string, string>;
  problems: FilterProblem[];
  report: HotspotReport | null;
  /** The current filters as a query string, for the CSV link and the other tab. */
  query: string;
  /** The service and department only: what the other tab takes. */
  tabQuery: string;
  serviceName: (code: string) => string;
}

function HexagonMap({ cells }: { cells: HotspotCell[] }) {
  const tr = useTranslator();
  const { t } = tr;
  const { shapes, height } = hexagonShapes(cells.map((c) => c.cell), MAP_WIDTH);
  const max = Math.max(1, ...cells.map((c) => c.count));
  const byCell = new Map(cells.map((c) => [c.cell, c]));
  const f = formatters(tr);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${MAP_WIDTH} ${height}`} width="100%" role="img" aria-labelledby="hex-title hex-desc" class="hexagons">
        <title id="hex-title">{t('foresight.hotspots.mapTitle')}</title>
        <desc id="hex-desc">{t('foresight.hotspots.mapDesc')}</desc>
        {shapes.map((shape) => {
          const cell = byCell.get(shape.cell)!;
          const shade = shades[Math.min(shades.length - 1, Math.floor((cell.count / max) * shades.length))]!;
          return (
            <polygon key={shape.cell} points={shape.points} fill={cell.count === 0 ? '#ffffff' : shade} stroke="#0b0c0c" stroke-width="0.75">
              <title>{t('foresight.hotspots.cellTitle', { count: cell.count, change: f.signed(cell.change) })}</title>
            </polygon>
          );
        })}
      </svg>
      <figcaption>{t('foresight.hotspots.mapDesc')}</figcaption>
    </figure>
  );
}

export function HotspotsPage({ choices, raw, problems, report, query, tabQuery, serviceName }: HotspotsPageProps) {
  const tr = useTranslator();
  const { t } = tr;
  const f = formatters(tr);
  const errors = fieldErrorsOf(problems, tr);
  const top = report ? report.cells.slice(0, TOP_CELLS) : [];
  return (
    <>
      <div class="queue-head"><h1>{t('foresight.hotspots')}</h1></div>
      <InsightsTabs current="hotspots" query={tabQuery} />
      <FilterErrors problems={problems} />
      <p>{t('foresight.hotspots.intro')}</p>
      <ScopeNote choices={choices} />
      <form method="get" action="/staff/insights/hotspots" class="filter-bar" aria-label={t('foresight.filters')}>
        <CommonFields choices={choices} raw={raw} errors={errors} />
        <div class="field">
          <label for="from">{t('foresight.from')}</label>
          <input id="from" name="from" type="text" inputmode="numeric" size={10} value={raw.from ?? ''} aria-invalid={errors.from ? 'true' : undefined} autocomplete="off" />
        </div>
        <div class="field">
          <label for="to">{t('foresight.to')}</label>
          <input id="to" name="to" type="text" inputmode="numeric" size={10} value={raw.to ?? ''} aria-invalid={errors.to ? 'true' : undefined} autocomplete="off" />
        </div>
        <SelectField name="grid" label={t('foresight.grid')} error={errors.grid} chosen={raw.grid ?? ''}
          choices={RESOLUTIONS.map((r) => ({ value: String(r), label: t(`foresight.grid.${r}`) }))} />
        <button type="submit">{t('foresight.show')}</button>
      </form>
      {report && (
        <>
          <p>{t('foresight.hotspots.summary', {
            count: report.count, from: f.date(report.period.from), to: f.date(report.period.to),
            previous: report.previousCount, previousFrom: f.date(report.previousPeriod.from), previousTo: f.date(report.previousPeriod.to),
          })}</p>
          <p><a href={`/staff/insights/hotspots.csv${query}`} download>{t('foresight.csv')}</a></p>
          {report.cells.length === 0 ? <p>{t('foresight.hotspots.none')}</p> : (
            <>
              <HexagonMap cells={report.cells} />
              <Section title={t('foresight.hotspots.tableTitle')} id="top-cells">
                <p>{t('foresight.hotspots.top', { count: top.length, total: report.cells.length })}</p>
                <TableWrap label={t('foresight.hotspots.tableTitle')}>
                  <table class="figures">
                    <thead><tr>
                      <th scope="col">{t('foresight.hotspots.rank')}</th>
                      <th scope="col">{t('foresight.hotspots.centre')}</th>
                      <th scope="col">{t('foresight.hotspots.reports')}</th>
                      <th scope="col">{t('foresight.hotspots.previous')}</th>
                      <th scope="col">{t('foresight.hotspots.change')}</th>
                    </tr></thead>
                    <tbody>
                      {top.map((cell, i) => (
                        <tr key={cell.cell}>
                          <td>{f.whole(i + 1)}</td>
                          <td><bdi dir="ltr">{f.coordinate(cell.lat)}, {f.coordinate(cell.long)}</bdi></td>
                          <td>{f.whole(cell.count)}</td>
                          <td>{f.whole(cell.previous)}</td>
                          <td><bdi dir="ltr">{f.signed(cell.change)}</bdi></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </Section>
            </>
          )}
          <Section title={t('foresight.repeat.title')} id="repeats">
            <p>{t('foresight.repeat.intro', { distance: SAME_SPOT_METRES, minimum: REPEAT_REPORTS })}</p>
            <p><a href={`/staff/insights/repeat-locations.csv${query}`} download>{t('foresight.repeat.csv')}</a></p>
            {report.repeats.length === 0 ? <p>{t('foresight.repeat.none', { minimum: REPEAT_REPORTS })}</p> : (
              <TableWrap label={t('foresight.repeat.title')}>
                <table class="figures">
                  <thead><tr>
                    <th scope="col">{t('foresight.service')}</th>
                    <th scope="col">{t('foresight.repeat.place')}</th>
                    <th scope="col">{t('foresight.hotspots.reports')}</th>
                    <th scope="col">{t('foresight.repeat.cases')}</th>
                  </tr></thead>
                  <tbody>
                    {report.repeats.map((spot) => (
                      <tr key={`${spot.serviceCode}-${spot.caseIds[0]}`}>
                        <td>{serviceName(spot.serviceCode)}</td>
                        <td>{spot.addressString ? <bdi>{spot.addressString}</bdi> : <bdi dir="ltr">{f.coordinate(spot.lat)}, {f.coordinate(spot.long)}</bdi>}</td>
                        <td>{f.whole(spot.count)}</td>
                        <td class="case-links">
                          {spot.caseIds.map((id, i) => <>{i > 0 && ' '}<a key={id} href={`/staff/requests/${id}`}>{t('foresight.repeat.caseLink', { id: String(id) })}</a></>)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </Section>
        </>
      )}
    </>
  );
}
