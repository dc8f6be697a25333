// sitepro's own script: small, optional enhancements only. Every page works without it.
(function () {
  "use strict";
  // After htmx swaps in a page with errors, move focus to the error summary so screen
  // readers and keyboard users land on what needs fixing (plain loads use autofocus).
  function focusErrors() {
    var s = document.querySelector("[data-error-summary]");
    if (s) { s.focus(); }
  }
  document.addEventListener("htmx:afterSettle", focusErrors);

  // A live queue holds an SSE connection; browsers allow only six per site over HTTP/1.1,
  // so a reviewer with many tabs would stall. A hidden tab parks its live element (htmx
  // closes the stream) and puts it back when shown again: the stream reconnects, the
  // server's catch-up event rings, and the rows are fetched fresh.
  var parked = null;
  document.addEventListener("visibilitychange", function () {
    if (!window.htmx) { return; }
    var live = document.querySelector("[sse-connect]");
    if (document.hidden && live && !parked) {
      parked = { el: live.cloneNode(true), parent: live.parentNode, next: live.nextSibling };
      window.htmx.remove(live);
    } else if (!document.hidden && parked) {
      if (document.contains(parked.parent)) {
        parked.parent.insertBefore(parked.el, parked.next);
        window.htmx.process(parked.el);
      }
      parked = null;
    }
  });
})();
