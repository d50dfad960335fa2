/*
 * Maps, as progressive enhancement: the page works without them (the latitude and longitude
 * fields, the list of reports). Only when the page has a [data-map] element is the map library
 * loaded. Two kinds:
 *   data-map="pick"  choose a place: clicking the map or dragging the marker fills the form's
 *                    fields named by data-lat-field and data-long-field (6 decimals), and a
 *                    "Use my location" button does the same, within data-bounds only;
 *   data-map="show"  reports from data-points-url (GeoJSON points with {id, title, status, url}),
 *                    each marker linking to its report.
 * Tiles come from data-tiles, credited with data-attribution.
 */
(() => {
  'use strict';
  const maps = [...document.querySelectorAll('[data-map]')];
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
  const words = fetch(`/assets/i18n/${encodeURIComponent(document.documentElement.lang || 'en')}.json`).then((r) => r.json()).catch(() => ({}));
  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const fill = (text, values) => String(text || '').replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const boundsOf = (el) => {
    const b = (el.getAttribute('data-bounds') || '').split(',').map(Number);
    return b.length === 4 && b.every(Number.isFinite) ? window.L.latLngBounds([b[0], b[1]], [b[2], b[3]]) : null;
  };
  const status = (el) => {
    const p = document.createElement('p');
    p.className = 'map-status';
    p.setAttribute('aria-live', 'polite');
    el.after(p);
    return p;
  };

  function base(el, label) {
    const L = window.L;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
    const map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.getAttribute('data-tiles'), { attribution: escape(el.getAttribute('data-attribution') || ''), maxZoom: 19 }).addTo(map);
    return map;
  }

  function pick(el, s) {
    const L = window.L;
    const form = el.closest('form');
    const lat = form && form.elements.namedItem(el.getAttribute('data-lat-field') || 'lat');
    const long = form && form.elements.namedItem(el.getAttribute('data-long-field') || 'long');
    if (!lat || !long) return;
    const area = boundsOf(el);
    const map = base(el, s['media.map.pickLabel'] || 'Map');
    const said = status(el);
    let marker = null;
    const place = (point, announce) => {
      if (!marker) {
        marker = L.marker(point, { draggable: true, keyboard: true, alt: s['media.map.label'] || 'Map' }).addTo(map);
        marker.on('dragend', () => choose(marker.getLatLng(), true));
      } else marker.setLatLng(point);
      if (announce) said.textContent = fill(s['media.map.picked'], { lat: point.lat.toFixed(6), long: point.lng.toFixed(6) });
    };
    const choose = (point, announce) => {
      lat.value = point.lat.toFixed(6);
      long.value = point.lng.toFixed(6);
      place(point, announce);
    };
    const typed = () => {
      const point = [Number(lat.value), Number(long.value)];
      if (lat.value.trim() && long.value.trim() && point.every(Number.isFinite)) {
        place(L.latLng(point), false);
        return true;
      }
      return false;
    };
    if (area) map.fitBounds(area);
    else map.setView([0, 0], 2);
    if (typed()) map.setView(marker.getLatLng(), 17);
    map.on('click', (event) => choose(event.latlng, true));
    // Typing the position moves the marker too: keyboard users never need the map.
    lat.addEventListener('change', typed);
    long.addEventListener('change', typed);

    if (!navigator.geolocation || !s['media.map.useLocation']) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = s['media.map.useLocation'];
    said.before(button);
    button.addEventListener('click', () => {
      said.textContent = s['media.map.locating'];
      navigator.geolocation.getCurrentPosition((position) => {
        const point = L.latLng(position.coords.latitude, position.coords.longitude);
        if (area && !area.contains(point)) {
          said.textContent = s['media.map.outside'];
          return;
        }
        choose(point, false);
        map.setView(point, 17);
        said.textContent = s['media.map.located'];
      }, () => { said.textContent = s['media.map.failed']; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function show(el, s) {
    const L = window.L;
    const map = base(el, s['media.map.label'] || 'Map');
    const area = boundsOf(el);
    if (area) map.fitBounds(area);
    else map.setView([0, 0], 2);
    fetch(el.getAttribute('data-points-url'), { headers: { accept: 'application/geo+json, application/json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((data) => {
        const layer = L.geoJSON(data, {
          pointToLayer: (feature, point) => L.marker(point, { title: feature.properties.title, alt: feature.properties.title }),
          onEachFeature: (feature, marker) => {
            const p = feature.properties || {};
            // Built as elements, never as HTML: titles are residents' words.
            const box = document.createElement('div');
            const title = document.createElement('strong');
            title.textContent = p.title || '';
            const state = document.createElement('p');
            state.textContent = p.status || '';
            const link = document.createElement('a');
            link.href = p.url;
            link.textContent = s['media.map.open'] || p.url;
            box.append(title, state, link);
            marker.bindPopup(box);
          },
        }).addTo(map);
        if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
      })
      .catch(() => { status(el).textContent = s['media.map.noPoints']; });
  }

  Promise.all([library, words]).then(([, s]) => {
    for (const el of maps) (el.getAttribute('data-map') === 'pick' ? pick : show)(el, s);
  }).catch(() => { /* no map: the page works without it */ });
})();
