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
export function tilesAround(tileUrl: string, lat: number, long: number, zoom: number): Array<{ href: string; x: number; y: number }> {
  const centre = worldPixels(lat, long, zoom);
  const last = 2 ** zoom - 1;
  const tiles: Array<{ href: string; x: number; y: number }> = [];
  for (let ty = Math.floor((centre.y - HEIGHT / 2) / TILE); ty <= Math.floor((centre.y + HEIGHT / 2) / TILE); ty++) {
    for (let tx = Math.floor((centre.x - WIDTH / 2) / TILE); tx <= Math.floor((centre.x + WIDTH / 2) / TILE); tx++) {
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
