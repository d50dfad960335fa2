/**
 * Charts as server-rendered SVG: d3-scale for the scales and ticks, d3-shape for the line paths,
 * preact for the elements. No chart needs JavaScript, and each sits above a table of the same
 * numbers (the chart is a picture of the table, so it is hidden from screen readers, which read
 * the table). Right to left pages run time from right to left. Colours keep a 3:1 contrast
 * against white, and series differ by shape (markers, dashes) as well as colour.
 */
import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';

export interface Series { label: string; values: Array<number | null> }

export interface ChartProps {
  kind: 'line' | 'bars' | 'stacked';
  /** One label per period, in time order. */
  labels: string[];
  series: Series[];
  rtl: boolean;
  /** Formats an axis number in the page's language. */
  formatNumber: (n: number) => string;
}

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 36, left: 48 };
export const seriesColours = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#6f4700', '#505a5f'];
const dashes = [undefined, '6 3', '2 3', '8 3 2 3', undefined, '4 4'];

export function Chart({ kind, labels, series, rtl, formatNumber }: ChartProps) {
  const inner = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const stackedTotals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const highest = kind === 'stacked' ? Math.max(0, ...stackedTotals) : Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const y = scaleLinear().domain([0, highest > 0 ? highest : 10]).nice().range([inner.bottom, inner.top]);
  const xRange: [number, number] = rtl ? [inner.right, inner.left] : [inner.left, inner.right];
  const yAxisX = rtl ? inner.right : inner.left;
  const band = scaleBand<number>().domain(labels.map((_, i) => i)).range(xRange).paddingInner(0.2).paddingOuter(0.1);
  const point = scalePoint<number>().domain(labels.map((_, i) => i)).range(xRange).padding(0.5);
  const centre = (i: number) => kind === 'line' ? point(i)! : band(i)! + band.bandwidth() / 2;
  // Label at most about eight periods, so the words never overlap.
  const every = Math.max(1, Math.ceil(labels.length / 8));
  // Whole numbers on the axis once the scale allows them (counts and percentages are never 0.2 of one).
  const ticks = y.domain()[1]! >= 4 ? y.ticks(5).filter(Number.isInteger) : y.ticks(5);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
      {ticks.map((tick) => (
        <g key={`y${tick}`}>
          <line x1={inner.left} x2={inner.right} y1={y(tick)} y2={y(tick)} stroke="#d8d8d8" stroke-width={1} />
          <text x={rtl ? yAxisX + 6 : yAxisX - 6} y={y(tick) + 4} text-anchor={rtl ? 'start' : 'end'} font-size="12" fill="#0b0c0c">{formatNumber(tick)}</text>
        </g>
      ))}
      <line x1={inner.left} x2={inner.right} y1={inner.bottom} y2={inner.bottom} stroke="#0b0c0c" stroke-width={1} />
      {labels.map((label, i) => i % every === 0 && (
        <text key={`x${i}`} x={centre(i)} y={inner.bottom + 16} text-anchor="middle" font-size="12" fill="#0b0c0c">{label}</text>
      ))}
      {kind === 'line' && series.map((s, si) => {
        const points = s.values.map((v, i) => [i, v] as const);
        const path = line<readonly [number, number | null]>().defined((d) => d[1] !== null).x((d) => point(d[0])!).y((d) => y(d[1] ?? 0))(points);
        return (
          <g key={s.label}>
            <path d={path ?? ''} fill="none" stroke={seriesColours[si % seriesColours.length]} stroke-width={2.5} stroke-dasharray={dashes[si % dashes.length]} />
            {points.map(([i, v]) => v !== null && (
              si % 2 === 0
                ? <circle key={i} cx={point(i)} cy={y(v)} r={3.5} fill={seriesColours[si % seriesColours.length]} />
                : <rect key={i} x={point(i)! - 3.5} y={y(v) - 3.5} width={7} height={7} fill={seriesColours[si % seriesColours.length]} />
            ))}
          </g>
        );
      })}
      {kind === 'bars' && series.map((s, si) => {
        const width = band.bandwidth() / series.length;
        return (
          <g key={s.label} fill={seriesColours[si % seriesColours.length]}>
            {s.values.map((v, i) => v !== null && v > 0 && (
              <rect key={i} x={band(i)! + (rtl ? series.length - 1 - si : si) * width} y={y(v)} width={Math.max(1, width - 1)} height={inner.bottom - y(v)} />
            ))}
          </g>
        );
      })}
      {kind === 'stacked' && labels.map((_, i) => {
        let base = 0;
        return (
          <g key={`s${i}`}>
            {series.map((s, si) => {
              const v = s.values[i] ?? 0;
              const top = base + v;
              const rect = v > 0 ? <rect key={si} x={band(i)} y={y(top)} width={band.bandwidth()} height={y(base) - y(top)} fill={seriesColours[si % seriesColours.length]} stroke="#fff" stroke-width={1} /> : null;
              base = top;
              return rect;
            })}
          </g>
        );
      })}
    </svg>
  );
}

/** The chart's key: each series' colour and marker beside its name (real text, in the page's language). */
export function Legend({ series, kind }: { series: Series[]; kind: ChartProps['kind'] }) {
  return (
    <ul class="chart-legend" aria-hidden="true">
      {series.map((s, si) => (
        <li key={s.label}>
          <svg viewBox="0 0 24 12" width="24" height="12" focusable="false">
            {kind === 'line'
              ? <line x1={0} x2={24} y1={6} y2={6} stroke={seriesColours[si % seriesColours.length]} stroke-width={2.5} stroke-dasharray={dashes[si % dashes.length]} />
              : <rect x={4} y={0} width={16} height={12} fill={seriesColours[si % seriesColours.length]} />}
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
