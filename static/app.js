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
})();
