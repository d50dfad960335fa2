/*
 * Staff pages that change while open (a case, a queue): elements with data-staff-live="<url>"
 * listen to that event stream; on any event a notice says the page has changed, with a Reload
 * button. Nothing on the page moves by itself (a worker may be typing in a form); the notice is
 * announced politely. Without this script (or without EventSource) a reload shows the same.
 */
(function () {
  'use strict';
  if (!window.EventSource) return;
  var elements = document.querySelectorAll('[data-staff-live]');
  var notice = null;
  var sources = [];

  function showNotice(before) {
    if (notice) return;
    notice = document.createElement('div');
    notice.className = 'notice staff-live-notice';
    notice.setAttribute('role', 'status');
    notice.setAttribute('aria-live', 'polite');
    var text = document.createElement('p');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = 'Reload';
    button.addEventListener('click', function () { window.location.reload(); });
    // Put in the page empty first, then filled, so screen readers announce it.
    before.parentNode.insertBefore(notice, before);
    window.setTimeout(function () {
      text.textContent = 'This page has changed. Reload to see the latest. ';
      text.appendChild(button);
      notice.appendChild(text);
    }, 100);
  }

  Array.prototype.forEach.call(elements, function (element) {
    var url = element.getAttribute('data-staff-live');
    if (!url) return;
    var source = new window.EventSource(url, { withCredentials: true });
    sources.push(source);
    var changed = function () {
      showNotice(element);
      // One notice is enough: stop listening until the page is reloaded.
      sources.forEach(function (s) { s.close(); });
    };
    // Staff streams send every event unnamed, whatever its kind, so "message" hears them all.
    source.onmessage = changed;
  });
  window.addEventListener('pagehide', function () { sources.forEach(function (s) { s.close(); }); });
})();
