/*
 * Live updates of a report's page: when the server says the report changed, fetch the page
 * again and replace its [data-live] section, then say so to screen readers. Without this
 * script (or without EventSource) a reload shows the same.
 */
(function () {
  'use strict';
  var section = document.querySelector('[data-live]');
  if (!section || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var status = document.querySelector('[data-live-status]');
  var message = section.getAttribute('data-live-message') || 'This report was updated';
  var loading = false;
  var again = false;

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live]');
        if (!fresh) return;
        section.innerHTML = fresh.innerHTML;
        if (status) {
          // Clear first, so the same words are announced again on a second update.
          status.textContent = '';
          window.setTimeout(function () { status.textContent = message; }, 100);
        }
      })
      .catch(function () { /* offline for a moment: the next update or a reload shows it */ })
      .then(function () {
        loading = false;
        if (again) { again = false; refresh(); }
      }, function () { loading = false; });
  }

  var source = new window.EventSource(section.getAttribute('data-live'));
  source.addEventListener('update', refresh);
  window.addEventListener('pagehide', function () { source.close(); });
})();
