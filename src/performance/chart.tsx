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

/** Bars for each point, scaled to `max` (a share's 1, else the largest value); labels every third month and at the ends. */
export function BarChart({ points, label, max, format }: { points: ChartPoint[]; label: string; max?: number; format: (value: number) => string }) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const top = max ?? Math.max(0, ...values);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = plotWidth / Math.max(1, points.length);
  const barWidth = step * 0.7;
  const baseline = TOP + plotHeight;
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} focusable="false" direction="ltr">
      <g aria-hidden="true">
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={baseline} y2={baseline} stroke="#0b0c0c" stroke-width="2" />
        {points.map((point, i) => {
          const x = LEFT + i * step + (step - barWidth) / 2;
          const showLabel = i === 0 || i === points.length - 1 || i % 3 === 0;
          // The first and last labels lean inwards, so they stay inside the picture.
          const anchor = i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
          const labelX = i === 0 ? x : i === points.length - 1 ? x + barWidth : x + barWidth / 2;
          if (point.value === null) {
            return (
              <g key={point.label}>
                <line x1={x} x2={x + barWidth} y1={baseline - 6} y2={baseline - 6} stroke="#505a5f" stroke-width="3" stroke-dasharray="6 4" />
                {showLabel && <text x={labelX} y={HEIGHT - 10} text-anchor={anchor} font-size="18" fill="#0b0c0c">{point.label}</text>}
              </g>
            );
          }
          const height = top > 0 ? Math.max(2, (point.value / top) * plotHeight) : 2;
          return (
            <g key={point.label}>
              <rect x={x} y={baseline - height} width={barWidth} height={height} fill="#1d4ed8" />
              {showLabel && <text x={labelX} y={HEIGHT - 10} text-anchor={anchor} font-size="18" fill="#0b0c0c">{point.label}</text>}
              {showLabel && <text x={labelX} y={baseline - height - 6} text-anchor={anchor} font-size="18" fill="#0b0c0c">{format(point.value)}</text>}
            </g>
          );
        })}
      </g>
    </svg>
  );
}
