/*
 * Townhall's service worker: keeps a copy of the home page, the offline page and the files they
 * need, so that a person who loses their connection sees the offline page (where a report can
 * still be written) instead of the browser's error. Pages always come from the network first;
 * the copies are only for when it fails. Nothing else is stored.
 */
'use strict';
const CACHE = 'townhall-1';
const SHELL = ['/', '/offline', '/assets/townhall.css', '/assets/offline.js', '/assets/i18n/en.json', '/assets/i18n/es.json', '/assets/i18n/ar.json'];

// A page marked private or no-store (a signed-in person's) is not kept, so a shared device does not
// show it to the next person; the offline page is always kept (it holds nothing personal).
const keepable = (key, response) => response.ok && (key === '/offline' || !/private|no-store/.test(response.headers.get('cache-control') || ''));

const keep = (key, response) => {
  if (keepable(key, response)) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(key, copy)).catch(() => {});
  }
  return response;
};

self.addEventListener('install', (event) => {
  // One page failing (not built yet, or a server error) must not stop the others being kept.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(SHELL.map((url) => fetch(url, { credentials: 'same-origin' }).then((r) => (keepable(url, r) ? cache.put(url, r) : null), () => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    const shell = SHELL.includes(url.pathname) && url.search === '';
    event.respondWith(fetch(request)
      .then((response) => (shell ? keep(url.pathname, response) : response))
      .catch(() => caches.match(url.pathname, { ignoreSearch: true }).then((hit) => (shell && hit) || caches.match('/offline'))
        .then((hit) => hit || Response.error())));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(fetch(request).then((response) => keep(request, response))
      .catch(() => caches.match(request).then((hit) => hit || Response.error())));
  }
});
