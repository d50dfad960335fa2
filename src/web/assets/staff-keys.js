/*
 * Keyboard shortcuts for the staff workspace (queue and case pages): j next case, k previous
 * case, c take (claim) the case, r reply to residents. Progressive enhancement only: every one
 * of these is also a link or a button. Shortcuts never fire while the person types in a field
 * or holds Ctrl, Alt or Meta, and they can be switched off on the page (WCAG 2.1.4): speech
 * input and screen reader users may send single letters. The choice is kept in this browser.
 */
(function () {
  'use strict';
  var STORE = 'townhall.staff.shortcuts';
  var QUEUE = 'townhall.staff.queue';
  var storage = function (kind) { try { return window[kind]; } catch { return null; } };
  var local = storage('localStorage');
  var session = storage('sessionStorage');
  var enabled = !(local && local.getItem(STORE) === 'off');

  var table = document.getElementById('queue-table');
  var casePage = document.querySelector('.case-page[data-case]');

  // The switch on the page (hidden without this script, since it would do nothing).
  Array.prototype.forEach.call(document.querySelectorAll('.shortcut-switch'), function (p) {
    p.hidden = false;
    var box = p.querySelector('input');
    box.checked = !enabled;
    box.addEventListener('change', function () {
      enabled = !box.checked;
      if (local) { if (enabled) local.removeItem(STORE); else local.setItem(STORE, 'off'); }
      describe();
    });
  });

  // The queue's order, so j and k on a case page step through the queue the person came from.
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-case]')) : [];
  if (table && session) {
    session.setItem(QUEUE, JSON.stringify({ href: location.pathname + location.search, ids: rows.map(function (r) { return r.getAttribute('data-case'); }) }));
  }
  var queue = null;
  if (session) { try { queue = JSON.parse(session.getItem(QUEUE) || 'null'); } catch { queue = null; } }

  function neighbour(step) {
    if (!casePage || !queue || !queue.ids) return null;
    var at = queue.ids.indexOf(casePage.getAttribute('data-case'));
    if (at < 0) return null;
    return queue.ids[at + step] || null;
  }

  // Previous and next links on a case page opened from a queue.
  if (casePage && queue && queue.ids && queue.ids.indexOf(casePage.getAttribute('data-case')) >= 0) {
    var back = document.getElementById('back-to-queue');
    if (back && queue.href && queue.href.indexOf('/staff') === 0) { back.href = queue.href; back.textContent = 'Back to the queue'; }
    var steps = document.querySelector('.queue-steps');
    [[-1, 'Previous case', 'k'], [1, 'Next case', 'j']].forEach(function (item) {
      var id = neighbour(item[0]);
      if (!id || !steps) return;
      var link = document.createElement('a');
      link.href = '/staff/requests/' + id;
      link.textContent = item[1] + ' (#' + id + ')';
      link.setAttribute('data-shortcut', item[2]);
      steps.appendChild(link);
      steps.hidden = false;
    });
  }

  // aria-keyshortcuts on the controls the keys stand for, only while the keys work.
  function describe() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-shortcut]'), function (el) {
      if (enabled) el.setAttribute('aria-keyshortcuts', el.getAttribute('data-shortcut'));
      else el.removeAttribute('aria-keyshortcuts');
    });
    rows.forEach(function (row) {
      var link = row.querySelector('a.case-link');
      if (!link) return;
      if (enabled) link.setAttribute('aria-keyshortcuts', 'j k c r');
      else link.removeAttribute('aria-keyshortcuts');
    });
    var reply = document.getElementById('public_text');
    if (reply) { if (enabled) reply.setAttribute('aria-keyshortcuts', 'r'); else reply.removeAttribute('aria-keyshortcuts'); }
  }
  describe();

  var current = -1;
  function choose(index) {
    if (rows.length === 0) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (rows[current]) rows[current].classList.remove('current');
    current = index;
    rows[current].classList.add('current');
    var link = rows[current].querySelector('a.case-link');
    if (link) link.focus();
  }
  // A row whose link has focus (by Tab or a click) is the chosen one.
  rows.forEach(function (row, index) {
    row.addEventListener('focusin', function () {
      if (rows[current]) rows[current].classList.remove('current');
      current = index;
      row.classList.add('current');
    });
  });

  function randomKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function post(action, fields) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
  }

  document.addEventListener('keydown', function (event) {
    if (!enabled || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) return;
    var key = event.key;
    if (table) {
      var row = rows[current];
      if (key === 'j') choose(current + 1);
      else if (key === 'k') choose(current < 0 ? 0 : current - 1);
      else if ((key === 'c' || key === 'r') && row) {
        var id = row.getAttribute('data-case');
        if (key === 'r') location.href = '/staff/requests/' + id + '#reply';
        else {
          var csrf = document.querySelector('#bulk-form input[name="_csrf"]');
          post('/staff/requests/' + id + '/actions', { _csrf: csrf ? csrf.value : '', idempotency_key: randomKey(), action: 'claim' });
        }
      } else return;
      event.preventDefault();
    } else if (casePage) {
      if (key === 'j' || key === 'k') {
        var next = neighbour(key === 'j' ? 1 : -1);
        if (!next) return;
        location.href = '/staff/requests/' + next;
      } else if (key === 'c') {
        var claim = document.querySelector('button[data-shortcut="c"]');
        if (!claim) return;
        claim.click();
      } else if (key === 'r') {
        var reply = document.getElementById('public_text');
        if (!reply) return;
        reply.focus();
        reply.scrollIntoView({ block: 'center' });
      } else return;
      event.preventDefault();
    }
  });

  // Arriving from the queue's "r": the reply box, ready to type in.
  if (casePage && location.hash === '#reply') {
    var box = document.getElementById('public_text');
    if (box) { box.focus(); box.scrollIntoView({ block: 'center' }); }
  }
})();
