/**
 * A small map of one point that needs no JavaScript: an SVG that places the tile server's own
 * images (the same tiles the interactive map shows) around the point, with a pin on it. SVG
 * positions are attributes, not inline styles, so it stays within the page's strict CSP; the
 * browser loads the tiles straight from the tile server, as the interactive map would.
 */
const TILE = 256;
/** The part of the world shown, in tile pixels: wide enough for a desktop column, cropped on a phone. */
const WIDTH = 640;
const HEIGHT = 240;

/** A point's position in the world at a zoom level, in tile pixels (Web Mercator, as the tiles are). */
export function worldPixels(lat: number, long: number, zoom: number): { x: number; y: number } {
  const size = TILE * 2 ** zoom;
  const clamped = Math.max(Math.min(lat, 85.05112878), -85.05112878);
  const sin = Math.sin((clamped * Math.PI) / 180);
  return {
    x: ((long + 180) / 360) * size,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size,
  };
}

/** The tiles that cover the box around the point, with their addresses from the template. */
export function tilesAround(tileUrl: string, lat: number, long: number, zoom: number, width = WIDTH, height = HEIGHT): Array<{ href: string; x: number; y: number }> {
  const centre = worldPixels(lat, long, zoom);
  const last = 2 ** zoom - 1;
  const tiles: Array<{ href: string; x: number; y: number }> = [];
  for (let ty = Math.floor((centre.y - height / 2) / TILE); ty <= Math.floor((centre.y + height / 2) / TILE); ty++) {
    for (let tx = Math.floor((centre.x - width / 2) / TILE); tx <= Math.floor((centre.x + width / 2) / TILE); tx++) {
      if (ty < 0 || ty > last) continue;
      const wrapped = ((tx % (last + 1)) + last + 1) % (last + 1);
      const href = tileUrl.replace(/\{s\}/g, 'a').replace(/\{r\}/g, '').replace(/\{z\}/g, String(zoom))
        .replace(/\{x\}/g, String(wrapped)).replace(/\{y\}/g, String(ty));
      tiles.push({ href, x: tx * TILE, y: ty * TILE });
    }
  }
  return tiles;
}

export function StaticMap({ lat, long, tileUrl, attribution, label, zoom = 17, id }: {
  lat: number; long: number; tileUrl: string; attribution: string; label: string; zoom?: number; id?: string;
}) {
  const centre = worldPixels(lat, long, zoom);
  const left = centre.x - WIDTH / 2;
  const top = centre.y - HEIGHT / 2;
  // Coordinates relative to the box keep the numbers small.
  const tiles = tilesAround(tileUrl, lat, long, zoom).map((t) => ({ ...t, x: t.x - left, y: t.y - top }));
  const cx = WIDTH / 2;
  const cy = HEIGHT / 2;
  return (
    <figure class="static-map" id={id}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="xMidYMid slice" role="img" aria-label={label} focusable="false">
        <rect width={WIDTH} height={HEIGHT} fill="#e8e8e8" />
        {tiles.map((t) => <image key={t.href} href={t.href} x={t.x} y={t.y} width={TILE} height={TILE} />)}
        {/* A pin: a dark outline and a white ring, visible on any tile colours. */}
        <path d={`M${cx} ${cy} l-11 -20 a13 13 0 1 1 22 0 z`} fill="#1d4ed8" stroke="#0b0c0c" stroke-width="2.5" />
        <circle cx={cx} cy={cy - 27} r="5" fill="#fff" />
      </svg>
      <figcaption class="hint">{attribution}</figcaption>
    </figure>
  );
}

/** A report's point on a map of many, and whether it is still open (its marker's colour and symbol). */
export interface MapPoint { lat: number; long: number; open: boolean }

/** The map of many points: 4:3, so a phone's column still shows it tall enough to read. */
const POINTS_WIDTH = 640;
const POINTS_HEIGHT = 480;
/**
 * Markers closer than this (in map pixels) are drawn as one numbered marker, as map.js does
 * (there 44 screen pixels; here a little more, as markers are drawn large enough to read when
 * a phone shows the map at half its size).
 */
const NEAR = 52;
const PADDING = 24;
const MAX_ZOOM = 17;

export interface PointGroup { x: number; y: number; count: number; open: boolean }

/**
 * The zoom that shows every point, the box's top left corner in world pixels at that zoom, and
 * the points grouped as the interactive map groups them: a point within NEAR pixels of a group's
 * first point joins it; a group is drawn where its members' middle is.
 */
export function layOutPoints(points: MapPoint[], width = POINTS_WIDTH, height = POINTS_HEIGHT) {
  let zoom = MAX_ZOOM;
  const extent = (z: number) => {
    const xy = points.map((p) => worldPixels(p.lat, p.long, z));
    const xs = xy.map((p) => p.x);
    const ys = xy.map((p) => p.y);
    return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  };
  for (; zoom > 1; zoom--) {
    const e = extent(zoom);
    if (e.maxX - e.minX <= width - 2 * PADDING && e.maxY - e.minY <= height - 2 * PADDING) break;
  }
  const e = extent(zoom);
  const left = (e.minX + e.maxX) / 2 - width / 2;
  const top = (e.minY + e.maxY) / 2 - height / 2;
  const groups: Array<{ first: { x: number; y: number }; members: Array<{ x: number; y: number; open: boolean }> }> = [];
  for (const point of points) {
    const world = worldPixels(point.lat, point.long, zoom);
    const at = { x: world.x - left, y: world.y - top, open: point.open };
    const near = groups.find((g) => Math.abs(g.first.x - at.x) < NEAR && Math.abs(g.first.y - at.y) < NEAR);
    if (near) near.members.push(at);
    else groups.push({ first: at, members: [at] });
  }
  const placed: PointGroup[] = groups.map(({ members }) => ({
    x: members.reduce((sum, m) => sum + m.x, 0) / members.length,
    y: members.reduce((sum, m) => sum + m.y, 0) / members.length,
    count: members.length,
    open: members.some((m) => m.open),
  }));
  return { zoom, left, top, groups: placed };
}

/**
 * Many reports on one map drawn on the server, for pages that must not wait for the map library:
 * each report a marker coloured and marked by status (open "!", closed a tick), reports close
 * together one numbered marker, as the interactive map draws them. The tiles are the same
 * images the interactive map loads. Nothing is drawn when no point is given.
 */
export function StaticPointsMap({ points, tileUrl, attribution, label, id }: {
  points: MapPoint[]; tileUrl: string; attribution: string; label: string; id?: string;
}) {
  if (points.length === 0) return null;
  const { zoom, left, top, groups } = layOutPoints(points);
  const centre = { x: left + POINTS_WIDTH / 2, y: top + POINTS_HEIGHT / 2 };
  // The centre back in degrees, for the tiles around it.
  const size = TILE * 2 ** zoom;
  const long = (centre.x / size) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * centre.y) / size))) * 180) / Math.PI;
  const tiles = tilesAround(tileUrl, lat, long, zoom, POINTS_WIDTH, POINTS_HEIGHT).map((t) => ({ ...t, x: t.x - left, y: t.y - top }));
  const round = (n: number) => Math.round(n * 10) / 10;
  return (
    <figure class="static-map points-map" id={id}>
      <svg viewBox={`0 0 ${POINTS_WIDTH} ${POINTS_HEIGHT}`} role="img" aria-label={label} focusable="false">
        <rect width={POINTS_WIDTH} height={POINTS_HEIGHT} fill="#e8e8e8" />
        {tiles.map((t) => <image key={t.href} href={t.href} x={round(t.x)} y={round(t.y)} width={TILE} height={TILE} />)}
        {/* Clusters last, so a number is never under a single marker. */}
        {[...groups].sort((a, b) => Number(a.count > 1) - Number(b.count > 1)).map((g) => {
          const cluster = g.count > 1;
          const colour = cluster ? 'marker-cluster' : g.open ? 'marker-open' : 'marker-closed';
          return (
            <g key={`${round(g.x)},${round(g.y)}`} class={`svg-marker ${colour}`} transform={`translate(${round(g.x)} ${round(g.y)})`}>
              {/* A dark ring and a white one round the colour: visible on any tile colours. */}
              <circle r={cluster ? 25 : 21} fill="#0b0c0c" />
              <circle r={cluster ? 22 : 18} stroke="#fff" stroke-width="3.5" />
              <text dy="0.35em">{cluster ? String(g.count) : g.open ? '!' : '✓'}</text>
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">{attribution}</figcaption>
    </figure>
  );
}
