/*
 * Maps as progressive enhancement (pages work without them); Leaflet loads only for [data-map]:
 *   pick  a place: map click or marker drag fills data-lat-field/data-long-field; "Use my location"
 *   draw  data-field's textarea (data-shape point|area): clicks mark the point or the corners; it
 *         gets GeoJSON (closed anticlockwise ring, 6 decimals), or with data-format="cap" a CAP
 *         polygon; typed values are drawn, so the keyboard needs no map
 *   show  reports from data-points-url as markers by status, close ones merged into a numbered one
 * Clicks stay within data-bounds; tiles from data-tiles, credited with data-attribution. With
 * data-map-button="<id>" the server's map stays until that (hidden, then shown) button is pressed.
 */
(() => {
  'use strict';
  const all = [...document.querySelectorAll('[data-map]')];
  if (!all.length) return;
  const asked = (el) => el.hasAttribute('data-map-button');

  const load = (tag, attributes) => new Promise((resolve, reject) => {
    const node = Object.assign(document.createElement(tag), attributes);
    node.onload = resolve;
    node.onerror = reject;
    document.head.append(node);
  });
  let loading = null;
  const library = () => loading || (loading = Promise.all([
    window.L ? null : load('link', { rel: 'stylesheet', href: '/assets/leaflet/leaflet.css' }),
    window.L ? null : load('script', { src: '/assets/leaflet/leaflet.js' }),
    fetch(`/assets/i18n/${encodeURIComponent(document.documentElement.lang || 'en')}.json`).then((r) => r.json()).catch(() => ({})),
  ]).then(([, , words]) => words));
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

  function base(el, label, options) {
    const L = window.L;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
    const map = L.map(el, { scrollWheelZoom: false, ...options });
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

  function draw(el, s) {
    const L = window.L;
    const field = document.getElementById(el.getAttribute('data-field') || '');
    if (!field) return;
    const isArea = el.getAttribute('data-shape') === 'area';
    const cap = isArea && el.getAttribute('data-format') === 'cap';
    const area = boundsOf(el);
    // Corners are marked one click after another: a quick second click must not zoom.
    const map = base(el, s[isArea ? 'media.map.drawAreaLabel' : 'media.map.drawPointLabel'] || 'Map', { doubleClickZoom: false });
    const said = status(el);
    const round = (n) => Math.round(n * 1e6) / 1e6;
    const layer = L.layerGroup().addTo(map);
    let corners = [];
    const write = () => {
      if (!isArea) {
        field.value = corners.length ? JSON.stringify({ type: 'Point', coordinates: [round(corners[0].lng), round(corners[0].lat)] }) : '';
        return;
      }
      if (corners.length < 3) {
        field.value = '';
        return;
      }
      if (cap) {
        field.value = [...corners, corners[0]].map((c) => `${round(c.lat)},${round(c.lng)}`).join(' ');
        return;
      }
      let ring = corners.map((c) => [round(c.lng), round(c.lat)]);
      // RFC 7946: the outer ring runs anticlockwise (a positive area by the shoelace formula).
      let twice = 0;
      for (let i = 0; i < ring.length; i++) {
        const [x1, y1] = ring[i];
        const [x2, y2] = ring[(i + 1) % ring.length];
        twice += x1 * y2 - x2 * y1;
      }
      if (twice < 0) ring = ring.reverse();
      field.value = JSON.stringify({ type: 'Polygon', coordinates: [[...ring, ring[0].slice()]] });
    };
    const redraw = () => {
      layer.clearLayers();
      if (!isArea) {
        if (corners[0]) L.marker(corners[0], { keyboard: false, alt: s['media.map.label'] || 'Map' }).addTo(layer);
        return;
      }
      for (const corner of corners) L.circleMarker(corner, { radius: 6, color: '#0b0c0c', weight: 2, fillColor: '#ffdd00', fillOpacity: 1, interactive: false }).addTo(layer);
      if (corners.length >= 3) L.polygon(corners, { color: '#1d70b8', weight: 3, fillOpacity: 0.2, interactive: false }).addTo(layer);
      else if (corners.length === 2) L.polyline(corners, { color: '#1d70b8', weight: 3, interactive: false }).addTo(layer);
    };
    const tell = () => {
      said.textContent = isArea ? fill(s['media.map.corners'], { count: corners.length })
        : corners[0] ? fill(s['media.map.picked'], { lat: corners[0].lat.toFixed(6), long: corners[0].lng.toFixed(6) }) : '';
    };
    /** What the field holds already (drawn before, or typed), drawn on the map. */
    const read = () => {
      const text = field.value.trim();
      if (cap) {
        const pairs = (text.split(/\r?\n/)[0] || '').trim().split(/\s+/).map((pair) => pair.split(',').map(Number));
        if (pairs.length < 4 || !pairs.every((p) => p.length === 2 && p.every(Number.isFinite))) return false;
        corners = pairs.slice(0, -1).map((p) => L.latLng(p[0], p[1]));
        redraw();
        return true;
      }
      const typed = /^(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$/.exec(text);
      let shape;
      try {
        shape = typed ? { type: 'Point', coordinates: [Number(typed[2]), Number(typed[1])] } : text.startsWith('{') ? JSON.parse(text) : null;
      } catch {
        shape = null;
      }
      if (shape && shape.type === 'Feature') shape = shape.geometry;
      if (shape && shape.type === 'Point' && Array.isArray(shape.coordinates)) corners = [L.latLng(shape.coordinates[1], shape.coordinates[0])];
      else if (isArea && shape && shape.type === 'Polygon' && Array.isArray(shape.coordinates) && Array.isArray(shape.coordinates[0])) {
        corners = shape.coordinates[0].slice(0, -1).map((p) => L.latLng(p[1], p[0]));
      } else return false;
      redraw();
      return true;
    };
    // The council's area, outlined: a place outside it is refused.
    if (area) L.rectangle(area, { color: '#505a5f', weight: 2, dashArray: '6 4', fill: false, interactive: false }).addTo(map);
    if (area) map.fitBounds(area);
    else map.setView([0, 0], 2);
    if (read() && corners.length) map.fitBounds(L.latLngBounds(corners), { maxZoom: 17, padding: [20, 20] });
    field.addEventListener('change', read);
    map.on('click', (event) => {
      if (area && !area.contains(event.latlng)) {
        said.textContent = s['media.map.outsideArea'] || '';
        return;
      }
      corners = isArea ? [...corners, event.latlng] : [event.latlng];
      redraw();
      write();
      tell();
    });
    if (!isArea) return;
    const buttons = document.createElement('p');
    buttons.className = 'map-actions';
    const action = (label, run) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = label;
      button.addEventListener('click', () => {
        run();
        redraw();
        write();
        tell();
      });
      buttons.append(button, ' ');
    };
    action(s['media.map.undo'] || 'Undo', () => { corners = corners.slice(0, -1); });
    action(s['media.map.clear'] || 'Clear', () => { corners = []; });
    said.before(buttons);
  }

  function show(el, s) {
    const L = window.L;
    const map = base(el, s['media.map.label'] || 'Map');
    const area = boundsOf(el);
    if (area) map.fitBounds(area);
    else map.setView([0, 0], 2);
    // Built as elements, never as HTML: titles are residents' words. Made when opened, not for every point.
    const popup = (p) => () => {
      const box = document.createElement('div');
      const title = document.createElement('strong');
      title.textContent = p.title || '';
      const state = document.createElement('p');
      state.textContent = p.status || '';
      const link = document.createElement('a');
      link.href = p.url;
      link.textContent = s['media.map.open'] || p.url;
      box.append(title, state, link);
      return box;
    };
    // Colour and a symbol: open "!", closed a tick; the page's legend says which is which.
    const icons = {
      open: L.divIcon({ className: 'map-marker marker-open', html: '!', iconSize: [28, 28] }),
      closed: L.divIcon({ className: 'map-marker marker-closed', html: '\u2713', iconSize: [28, 28] }),
    };
    fetch(el.getAttribute('data-points-url'), { headers: { accept: 'application/geo+json, application/json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((data) => {
        const points = (data.features || []).filter((f) => f && f.geometry && f.geometry.type === 'Point')
          .map((f) => ({ p: f.properties || {}, at: L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]) }));
        const layer = L.layerGroup().addTo(map);
        // Points closer than a marker's width and a half on screen are drawn as one numbered
        // marker (each marker is then at least that far from the next: none hides another);
        // a click zooms in, or, fully zoomed in, lists the reports there.
        const NEAR = 44;
        const list = (group) => () => {
          const box = document.createElement('div');
          const title = document.createElement('strong');
          title.textContent = fill(s['media.map.cluster'] || '{count}', { count: group.length });
          const items = document.createElement('ul');
          for (const { p } of group) {
            const item = document.createElement('li');
            const link = document.createElement('a');
            link.href = p.url;
            link.textContent = `${p.title || p.url} (${p.status || ''})`;
            item.append(link);
            items.append(item);
          }
          box.append(title, items);
          return box;
        };
        const draw = () => {
          layer.clearLayers();
          const zoom = map.getZoom();
          const groups = [];
          for (const point of points) {
            const xy = map.project(point.at, zoom);
            const near = groups.find((g) => Math.abs(g.xy.x - xy.x) < NEAR && Math.abs(g.xy.y - xy.y) < NEAR);
            if (near) near.members.push(point);
            else groups.push({ xy, members: [point] });
          }
          for (const { members } of groups) {
            if (members.length === 1) {
              const { p, at } = members[0];
              L.marker(at, { icon: p.open === false ? icons.closed : icons.open, title: p.title || '', keyboard: true })
                .bindPopup(popup(p)).addTo(layer);
              continue;
            }
            const bounds = L.latLngBounds(members.map((g) => g.at));
            const cluster = L.marker(members[0].at, {
              icon: L.divIcon({ className: 'map-marker marker-cluster', html: String(members.length), iconSize: [36, 36] }),
              title: fill(s['media.map.cluster'] || '{count}', { count: members.length }), keyboard: true,
            });
            if (zoom >= map.getMaxZoom()) cluster.bindPopup(list(members));
            else cluster.on('click', () => map.fitBounds(bounds, { padding: [40, 40], maxZoom: map.getMaxZoom() }));
            cluster.addTo(layer);
          }
        };
        if (points.length) map.fitBounds(L.latLngBounds(points.map((g) => g.at)), { maxZoom: 17, padding: [20, 20] });
        draw();
        map.on('zoomend', draw);
      })
      .catch(() => { status(el).textContent = s['media.map.noPoints']; });
  }

  const start = (maps, then) => library().then((s) => {
    const kinds = { pick, draw, show };
    for (const el of maps) (kinds[el.getAttribute('data-map')] || show)(el, s);
    if (then) then();
  }).catch(() => { /* no map: the page works without it */ });

  const now = all.filter((el) => !asked(el));
  if (now.length) start(now);
  for (const el of all.filter(asked)) {
    const button = document.getElementById(el.getAttribute('data-map-button'));
    if (!button) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      button.disabled = true;
      // The map takes the button's place, and the keyboard's focus with it.
      start([el], () => {
        button.remove();
        el.focus();
      });
    }, { once: true });
  }
})();
