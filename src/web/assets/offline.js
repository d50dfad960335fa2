/*
 * Offline support, on every page (progressive enhancement: pages work without it).
 * - Installs the service worker, which shows the offline page when a page cannot be reached.
 * - On the offline page, a report written while offline is kept on this device (localStorage)
 *   and listed; it is sent to /offline/reports when the connection returns (the "online" event,
 *   or the next page load), then removed, and the person sees its reference.
 * - A "Use my location" button fills the latitude and longitude of [data-locate] fields.
 */
(() => {
  'use strict';
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  const KEY = 'townhall.offlineReports';
  const MAX = 10;
  let words;
  // A failed fetch (offline) is not kept, so the words load once the connection is back.
  const strings = () => words || (words = fetch(`/assets/i18n/${encodeURIComponent(document.documentElement.lang || 'en')}.json`)
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error('no words'))))
    .catch(() => { words = undefined; return {}; }));
  const fill = (text, values) => String(text || '').replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const read = () => {
    try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch { return []; }
  };
  const write = (list) => {
    try { if (list.length) localStorage.setItem(KEY, JSON.stringify(list)); else localStorage.removeItem(KEY); } catch { /* storage full or off */ }
  };
  const el = (name, text) => {
    const node = document.createElement(name);
    if (text) node.textContent = text;
    return node;
  };

  // Where messages go: the offline page's live region, or a notice at the top of any other page.
  const region = () => {
    let box = document.getElementById('offline-drafts');
    if (!box) {
      box = el('div');
      box.id = 'offline-drafts';
      box.className = 'offline-notice';
      box.setAttribute('role', 'status');
      (document.querySelector('main') || document.body).prepend(box);
    }
    return box;
  };

  async function render(message, link) {
    const s = await strings();
    const list = read();
    const form = document.querySelector('form[data-offline-form]');
    if (!form && !message && !list.some((d) => d.problems)) return;
    const box = region();
    box.replaceChildren();
    if (message) {
      const p = el('p', message);
      if (link) {
        p.append(' ');
        const a = el('a', link.text);
        a.href = link.href;
        p.append(a);
      }
      box.append(p);
    }
    if (!form || !list.length) return;
    box.append(el('p', (s['offline.js.waiting'] || [])[list.length] || String(list.length)));
    const ul = el('ul');
    for (const draft of list) {
      const li = el('li', String(draft.fields.description || '').slice(0, 80));
      if (draft.problems) li.append(el('p', fill(s['offline.js.notSent'], { problems: draft.problems.join(' ') })));
      const remove = el('button', s['offline.js.delete']);
      remove.type = 'button';
      remove.className = 'link-button';
      remove.addEventListener('click', () => {
        write(read().filter((d) => d.id !== draft.id));
        void render();
      });
      li.append(' ', remove);
      ul.append(li);
    }
    box.append(ul);
  }

  let sending = false;
  async function sendWaiting() {
    // A fresh form token: the one in a page kept on the device may be out of date.
    const page = await (await fetch('/offline', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'text/html' } })).text();
    const token = new DOMParser().parseFromString(page, 'text/html').querySelector('input[name="_csrf"]');
    if (!token) return;
    const s = await strings();
    for (const draft of read().filter((d) => !d.problems)) {
      // Sent meanwhile (by another tab) or deleted: not sent again.
      if (!read().some((d) => d.id === draft.id && !d.problems)) continue;
      const body = new URLSearchParams(draft.fields);
      body.set('_csrf', token.value);
      // The draft's own id: the server answers a second sending of it (a lost answer, another
      // tab) with the case already made, instead of making a second one.
      body.set('client_id', draft.id);
      const response = await fetch('/offline/reports', { method: 'POST', body, credentials: 'same-origin', headers: { accept: 'application/json' } });
      const answer = await response.json().catch(() => ({}));
      if (response.status === 201) {
        write(read().filter((d) => d.id !== draft.id));
        await render(fill(s['offline.js.sent'], { reference: answer.id }), { href: answer.url, text: s['offline.js.follow'] || answer.url });
      } else if (response.status === 400) {
        // Kept, with what is wrong, for the person to read and delete: sending again would fail again.
        write(read().map((d) => (d.id === draft.id ? { ...d, problems: (answer.problems || []).map((p) => p.message) } : d)));
        await render();
      } else return; // refused for now (form token, server busy): try again later
    }
  }
  async function sendAll() {
    if (sending || !navigator.onLine || !read().some((d) => !d.problems)) return;
    sending = true;
    try {
      // One tab at a time sends (each tab looks every few seconds); the others skip this turn.
      if (navigator.locks && navigator.locks.request) await navigator.locks.request('townhall.offlineReports', { ifAvailable: true }, (lock) => (lock ? sendWaiting() : null));
      else await sendWaiting();
    } catch {
      // Still offline after all: the drafts stay until the next try.
    } finally {
      sending = false;
    }
  }

  // Reports waiting on this device are the person's who wrote them: signing out removes them, so
  // the next person on a shared device neither sees them nor sends them from their own account.
  document.addEventListener('submit', (event) => {
    const target = event.target;
    if (target instanceof HTMLFormElement && (target.getAttribute('action') || '') === '/sign-out') {
      try { localStorage.removeItem(KEY); } catch { /* storage off */ }
    }
  }, true);

  const form = document.querySelector('form[data-offline-form]');
  if (form) {
    form.addEventListener('submit', async (event) => {
      if (navigator.onLine) return; // online: an ordinary form, checked and answered by the server
      event.preventDefault();
      const s = await strings();
      const list = read();
      if (list.length >= MAX) return render(s['offline.js.full']);
      const fields = {};
      for (const [name, value] of new FormData(form)) if (name !== '_csrf' && typeof value === 'string') fields[name] = value;
      // A random id made now, sent with the report as client_id so it is never made into two cases.
      const id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
      list.push({ id, fields });
      write(list);
      form.reset();
      await render(s['offline.js.kept']);
    });
  }

  // "Use my location" for a pair of latitude and longitude fields, within the council's area.
  for (const group of document.querySelectorAll('[data-locate]')) {
    if (!navigator.geolocation) break;
    const [lat, long] = group.getAttribute('data-locate').split(',').map((name) => group.querySelector(`[name="${name}"]`));
    const bounds = (group.getAttribute('data-bounds') || '').split(',').map(Number);
    void strings().then((s) => {
      if (!s['media.map.useLocation']) return; // no words (offline, never loaded): no unnamed button
      const button = el('button', s['media.map.useLocation']);
      button.type = 'button';
      button.className = 'secondary';
      const status = el('p');
      status.className = 'locate-status';
      status.setAttribute('aria-live', 'polite');
      group.append(button, status);
      button.addEventListener('click', () => {
        status.textContent = s['media.map.locating'];
        navigator.geolocation.getCurrentPosition((position) => {
          const { latitude: y, longitude: x } = position.coords;
          if (bounds.length === 4 && !(y >= bounds[0] && y <= bounds[2] && x >= bounds[1] && x <= bounds[3])) {
            status.textContent = s['media.map.outside'];
            return;
          }
          lat.value = y.toFixed(6);
          long.value = x.toFixed(6);
          status.textContent = s['media.map.located'];
        }, () => { status.textContent = s['media.map.failed']; }, { enableHighAccuracy: true, timeout: 15000 });
      });
    });
  }

  // The offline page's words are needed once the connection is gone: fetch them while it is here.
  if (document.querySelector('form[data-offline-form]')) void strings();
  window.addEventListener('online', sendAll);
  // Browsers do not always say when the connection returns (a page opened while offline may
  // never hear "online"), so while reports wait, look again every few seconds.
  window.setInterval(() => { if (read().length) void sendAll(); }, 10_000);
  if (read().length) void render().then(sendAll);
})();
