/*
 * A department's area on a map, as progressive enhancement: without it the settings page still
 * says the area's bounding box and number of points. The element [data-area-map] carries the
 * GeoJSON geometry in data-area, the tiles in data-tiles and their credit in data-attribution.
 */
(() => {
  'use strict';
  const maps = [...document.querySelectorAll('[data-area-map]')];
  if (!maps.length) return;
  const load = (tag, attributes) => new Promise((resolve, reject) => {
    const node = Object.assign(document.createElement(tag), attributes);
    node.onload = resolve;
    node.onerror = reject;
    document.head.append(node);
  });
  const library = window.L ? Promise.resolve() : Promise.all([
    load('link', { rel: 'stylesheet', href: '/assets/leaflet/leaflet.css' }),
    load('script', { src: '/assets/leaflet/leaflet.js' }),
  ]);
  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  library.then(() => {
    const L = window.L;
    for (const el of maps) {
      let area;
      try {
        area = JSON.parse(el.getAttribute('data-area') || 'null');
      } catch {
        continue;
      }
      if (!area) continue;
      el.classList.add('map');
      el.setAttribute('role', 'region');
      el.setAttribute('aria-label', el.getAttribute('data-label') || 'Map of the area');
      const map = L.map(el, { scrollWheelZoom: false });
      L.tileLayer(el.getAttribute('data-tiles'), { attribution: escape(el.getAttribute('data-attribution') || ''), maxZoom: 19 }).addTo(map);
      const shape = L.geoJSON(area, { style: { color: '#1d70b8', weight: 3, fillOpacity: 0.15 } }).addTo(map);
      map.fitBounds(shape.getBounds(), { padding: [10, 10] });
    }
  }).catch(() => { /* The page already describes the area in words. */ });
})();
