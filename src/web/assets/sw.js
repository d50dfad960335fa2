/*
 * Townhall's service worker: keeps a copy of the home page, the offline page and the files they
 * need, so that a person who loses their connection sees the offline page (where a report can
 * still be written) instead of the browser's error. Pages always come from the network first;
 * the copies are only for when it fails. Nothing else is stored.
 */
'use strict';
const CACHE = 'townhall-1';
const SHELL = ['/', '/offline', '/assets/townhall.css', '/assets/offline.js', '/assets/i18n/en.json', '/assets/i18n/es.json', '/assets/i18n/ar.json'];

// Copies are made only of responses fetched without cookies (credentials: 'omit'), so what is kept
// is what a guest would see: never a signed-in person's page, session form token or account links,
// which a shared device would otherwise show the next person after sign-out. A response marked
// private or no-store is never kept either (the offline page, fetched without cookies, is marked
// no-cache: it holds nothing personal).
const keepable = (response) => response.ok && response.type !== 'opaqueredirect'
  && !/private|no-store/i.test(response.headers.get('cache-control') || '');
const guestFetch = (url, options = {}) => fetch(url, { credentials: 'omit', ...options });
const shellFetch = (url) => guestFetch(url, { cache: 'no-store' });

const keep = (key, response) => {
  if (keepable(response)) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(key, copy)).catch(() => {});
  }
  return response;
};

self.addEventListener('install', (event) => {
  // One page failing (not built yet, or a server error) must not stop the others being kept.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(SHELL.map((url) => shellFetch(url).then((r) => (keepable(r) ? cache.put(url, r) : null), () => null))))
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
    // The page itself goes to the network with the person's cookies and is never kept; a shell
    // page's copy is refreshed as a guest's (without cookies) in the background.
    const shell = SHELL.includes(url.pathname) && url.search === '';
    event.respondWith(fetch(request)
      .then((response) => {
        if (shell) event.waitUntil(shellFetch(url.pathname).then((fresh) => keep(url.pathname, fresh), () => null));
        return response;
      })
      .catch(() => caches.match(url.pathname, { ignoreSearch: true }).then((hit) => (shell && hit) || caches.match('/offline'))
        .then((hit) => hit || Response.error())));
  } else if (url.pathname.startsWith('/assets/')) {
    // Files are the same for everyone: fetched without cookies, so they may be kept.
    event.respondWith(guestFetch(request.url).then((response) => keep(request.url, response))
      .catch(() => caches.match(request.url).then((hit) => hit || Response.error())));
  }
});
