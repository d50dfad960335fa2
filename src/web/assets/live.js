/*
 * Live updates of a report's page: when the server says the report changed, fetch the page
 * again and replace its [data-live] section, then say so to screen readers. An emergency alert
 * approved meanwhile is heard the same way: the page's [data-alert-banner] is replaced too. Keyboard focus
 * (e.g. on the Follow button) is put back on the same control in the new section, or it would
 * fall to the start of the page. Without this script (or without EventSource) a reload shows
 * the same.
 */
(function () {
  'use strict';
  var section = document.querySelector('[data-live]');
  if (!section || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var status = document.querySelector('[data-live-status]');
  var message = section.getAttribute('data-live-message') || 'This report was updated';
  var loading = false;
  var again = false;

  /** How to find the focused control again in the new section: its id, else its form or link address and position. */
  function describe(element) {
    if (!element || element === section || !section.contains(element)) return null;
    if (element.id) return { id: element.id };
    var form = element.closest('form');
    var scope = form ? 'form[action="' + form.getAttribute('action') + '"]' : null;
    var tag = element.tagName.toLowerCase();
    var href = element.getAttribute('href');
    var selector = scope ? scope + ' ' + tag : (href !== null ? tag + '[href="' + href + '"]' : tag);
    var all = section.querySelectorAll(selector);
    return { selector: selector, index: Array.prototype.indexOf.call(all, element) };
  }

  function restore(place) {
    if (!place) return;
    var target;
    try {
      target = place.id ? document.getElementById(place.id) : section.querySelectorAll(place.selector)[Math.max(0, place.index)];
    } catch {
      return; // an address that is no valid selector: leave focus be
    }
    if (target && section.contains(target)) target.focus();
  }

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        // The emergency alert banner (outside the section): shown or dropped as the page now has it.
        var banner = document.querySelector('[data-alert-banner]');
        var freshBanner = doc.querySelector('[data-alert-banner]');
        if (banner && freshBanner && banner.innerHTML !== freshBanner.innerHTML) banner.innerHTML = freshBanner.innerHTML;
        var fresh = doc.querySelector('[data-live]');
        if (!fresh) return;
        if (fresh.innerHTML === section.innerHTML) return;
        var focused = describe(document.activeElement);
        section.innerHTML = fresh.innerHTML;
        restore(focused);
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
  // An emergency alert reaches every open report page at once: each asks after a pause of its own,
  // longer than the 3 s a server keeps its list of alerts (alerts/banner.ts), so any process
  // answering has read the list since the alert was approved.
  source.addEventListener('alert', function () { window.setTimeout(refresh, 3200 + Math.random() * 2000); });
  window.addEventListener('pagehide', function () { source.close(); });
})();
