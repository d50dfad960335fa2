/*
 * An approved alert's delivery figures on the officer's page, kept current while its messages go
 * out: asks the server for them every two seconds until nothing has been waiting for a while (or
 * ten minutes have passed). Without this script, reloading the page shows the same figures.
 */
(function () {
  'use strict';
  var figures = document.querySelector('[data-delivery-figures][data-src]');
  if (!figures || !window.fetch) return;
  var src = figures.getAttribute('data-src');
  var started = Date.now();
  var quiet = 0;
  function ask() {
    fetch(src, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (f) {
        if (f) {
          figures.textContent = f.queued + ' queued · ' + f.sent + ' sent · ' + f.failed + ' failed';
          quiet = f.queued === 0 ? quiet + 1 : 0;
        }
        if (quiet < 5 && Date.now() - started < 600000) window.setTimeout(ask, 2000);
      }, function () { if (Date.now() - started < 600000) window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
