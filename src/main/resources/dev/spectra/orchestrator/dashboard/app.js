// Spectra dashboard: local times, the time-zone field of the filters, confirmations, live calls.
// Everything it adds to the page is set as text, never as markup.
(function () {
  'use strict';

  function localTimes(root) {
    root.querySelectorAll('time[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) {
        t.textContent = d.toLocaleString();
        t.title = t.getAttribute('datetime');
      }
    });
  }

  function timeZoneFields() {
    // datetime-local values are in the browser's zone; the server needs the offset to read them.
    document.querySelectorAll('input[data-tz]').forEach(function (i) {
      i.value = String(new Date().getTimezoneOffset());
    });
  }

  function confirmations() {
    document.querySelectorAll('form[data-confirm]').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
      });
    });
  }

  function cell(text, numeric) {
    var td = document.createElement('td');
    if (numeric) td.className = 'n';
    td.textContent = text;
    return td;
  }

  function liveCalls() {
    var body = document.getElementById('call-rows');
    if (!body || body.getAttribute('data-live') !== '1' || !window.EventSource) return;
    var want = {
      model: body.getAttribute('data-model'), route: body.getAttribute('data-route'),
      key: body.getAttribute('data-key'), outcome: body.getAttribute('data-outcome')
    };
    var status = document.getElementById('live-status');
    var source = new EventSource('/ui/events');
    source.addEventListener('open', function () {
      if (status) status.textContent = 'Live: new calls appear here as they are recorded.';
      body.setAttribute('data-connected', '1');
    });
    source.addEventListener('call', function (e) {
      var c = JSON.parse(e.data);
      if ((want.model && c.model !== want.model) || (want.route && c.route !== want.route)
          || (want.key && c.key !== want.key) || (want.outcome && c.outcome !== want.outcome)) return;
      var tr = document.createElement('tr');
      tr.className = 'o-' + c.outcome + ' new';
      var time = document.createElement('time');
      time.setAttribute('datetime', c.started);
      var td = document.createElement('td');
      td.appendChild(time);
      tr.appendChild(td);
      var req = document.createElement('td');
      if (c.request) {
        var a = document.createElement('a');
        a.href = '/ui/calls/' + encodeURIComponent(c.request);
        a.textContent = c.request.length > 14 ? c.request.substring(0, 14) + '\u2026' : c.request;
        req.appendChild(a);
      } else {
        req.textContent = '-';
      }
      tr.appendChild(req);
      tr.appendChild(cell(c.model));
      tr.appendChild(cell(c.route || '-'));
      tr.appendChild(cell(c.key || '-'));
      tr.appendChild(cell(c.outcome));
      tr.appendChild(cell(c.failure || ''));
      tr.appendChild(cell(c.tokensIn + ' / ' + c.tokensOut, true));
      tr.appendChild(cell(c.cost, true));
      tr.appendChild(cell(c.latencyMs === null ? '-' : c.latencyMs + ' ms', true));
      localTimes(tr);
      body.insertBefore(tr, body.firstChild);
      var none = document.getElementById('no-calls');
      if (none) none.remove();
      while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
    });
    source.addEventListener('error', function () {
      if (status) status.textContent = 'Live updates paused; the browser reconnects by itself.';
    });
    window.addEventListener('pagehide', function () { source.close(); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    localTimes(document);
    timeZoneFields();
    confirmations();
    liveCalls();
  });
})();
