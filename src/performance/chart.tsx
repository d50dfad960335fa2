/**
 * A month-by-month bar chart drawn on the server as SVG: no script, no library, a few hundred
 * bytes. It is a picture of the table printed beside it (which carries every figure), so it is
 * named as an image with a summary and its inner marks are hidden from assistive technology.
 * Time runs left to right in every language, as on a calendar; a month without enough data has
 * no bar and a short mark on the axis.
 */

export interface ChartPoint {
  label: string;
  value: number | null;
}

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 8;
const RIGHT = 8;
const TOP = 28;
const BOTTOM = 36;

/** Bars for each point, scaled to `max` (a share's 1, else the largest value); labels every third month back from the latest. */
export function BarChart({ points, label, max, format }: { points: ChartPoint[]; label: string; max?: number; format: (value: number) => string }) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const top = max ?? Math.max(0, ...values);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = plotWidth / Math.max(1, points.length);
  const barWidth = step * 0.7;
  const baseline = TOP + plotHeight;
  const last = points.length - 1;
  // Every third month counted back from the latest, so labels (about a month and a half wide) never meet.
  const labelled = (i: number) => (last - i) % 3 === 0;
  const barX = (i: number) => LEFT + i * step + (step - barWidth) / 2;
  const barHeight = (value: number) => (top > 0 ? Math.max(2, (value / top) * plotHeight) : 2);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} focusable="false" direction="ltr">
      <g aria-hidden="true">
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={baseline} y2={baseline} stroke="#0b0c0c" stroke-width="2" />
        {points.map((point, i) => {
          const x = barX(i);
          if (point.value === null) {
            return <line key={point.label} x1={x} x2={x + barWidth} y1={baseline - 6} y2={baseline - 6} stroke="#505a5f" stroke-width="3" stroke-dasharray="6 4" />;
          }
          const height = barHeight(point.value);
          return <rect key={point.label} x={x} y={baseline - height} width={barWidth} height={height} fill="#1d4ed8" />;
        })}
        {/* Labels after every bar, so a taller bar beside never covers one; a white outline keeps each readable over a bar. */}
        {points.map((point, i) => {
          if (!labelled(i)) return null;
          // The first and last labels lean inwards, so they stay inside the picture.
          const anchor = i === 0 ? 'start' : i === last ? 'end' : 'middle';
          const x = barX(i);
          const labelX = i === 0 ? x : i === last ? x + barWidth : x + barWidth / 2;
          return (
            <g key={point.label}>
              <text x={labelX} y={HEIGHT - 10} text-anchor={anchor} font-size="18" fill="#0b0c0c">{point.label}</text>
              {point.value !== null && <text x={labelX} y={baseline - barHeight(point.value) - 6} text-anchor={anchor} font-size="18" fill="#0b0c0c"
                stroke="#fff" stroke-width="4" paint-order="stroke">{format(point.value)}</text>}
            </g>
          );
        })}
      </g>
    </svg>
  );
}
