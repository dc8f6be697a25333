// sitepro's own script: small, optional enhancements only. Every page works without it.
(function () {
  "use strict";
  // Tells the stylesheet that this script runs: what it makes unnecessary (the button that
  // shows a city's agencies, which a change of the city now does by itself) can go, and
  // stays for those without JavaScript. <html> outlives hx-boost swaps, so once is enough.
  document.documentElement.classList.add("js");
  // After htmx swaps in a page with errors, move focus to the error summary so screen
  // readers and keyboard users land on what needs fixing (plain loads use autofocus).
  //
  // A whole-page swap (hx-boost) must also land where the user has to look, as a normal
  // page load would: at the top of the new page, at the error summary when there are
  // errors, or at the new entry after 添加一段工作经历. htmx scrolls boosted swaps itself
  // after these handlers run, so the position is set one tick later.
  var lastOp = null;
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest('button[name="op"]') : null;
    lastOp = b ? b.value : null;
  }, true);
  function landing(op) {
    var s = document.querySelector("[data-error-summary]");
    if (s) { s.scrollIntoView({ block: "start" }); s.focus({ preventScroll: true }); return; }
    if (op === "add") {
      var rows = document.querySelectorAll(".resume-row");
      var last = rows[rows.length - 1];
      if (last) {
        last.scrollIntoView({ block: "start" });
        var i = last.querySelector("input");
        if (i) { i.focus({ preventScroll: true }); }
        return;
      }
    }
    if (op && op.indexOf("remove-") === 0) {
      var f = document.getElementById("f-resume");
      if (f) { f.scrollIntoView({ block: "start" }); return; }
    }
    window.scrollTo(0, 0);
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target === document.body) {
      var op = lastOp;
      lastOp = null;
      window.setTimeout(function () { landing(op); }, 0);
      return;
    }
    var s = e.detail.target && e.detail.target.querySelector ? e.detail.target.querySelector("[data-error-summary]") : null;
    if (s) { s.focus(); }
  });

  // A live preview that finds the value valid (the ID number at registration) carries
  // data-clears: the errors shown for that value before (beside the field and in the
  // summary) no longer hold and go at once, not at the next submit.
  document.addEventListener("htmx:afterSettle", function () {
    var els = document.querySelectorAll("[data-clears]");
    for (var i = 0; i < els.length; i++) {
      var ids = els[i].getAttribute("data-clears").split(" ");
      for (var j = 0; j < ids.length; j++) {
        var x = document.getElementById(ids[j]);
        if (x) { x.remove(); }
      }
      els[i].removeAttribute("data-clears");
    }
  });

  // A choice that decides what the rest of the form offers (继续教育 step 3: the city,
  // whose agencies are listed) is sent at once when it changes, through the button that
  // does the same without JavaScript (data-submit-on-change names the field's id).
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t.id || !t.form) { return; }
    var b = t.form.querySelector('button[data-submit-on-change="' + t.id + '"]');
    if (b) { b.click(); } // a click, so that the button's name and value go with the form, with or without htmx
  });

  // Bulk confirm: a 全选 box (shown only with JavaScript) ticks every row of its form, and
  // the ticks survive the live refresh of the rows, which replaces them when anything
  // changes in the queue (otherwise a new submission would silently clear a selection).
  function rowBoxes(root) { return root.querySelectorAll('input[name="ids"]'); }
  function syncSelectAll(root) {
    var all = root.querySelector("[data-select-all]");
    if (!all) { return; }
    var boxes = rowBoxes(root), n = 0;
    all.closest("[data-select-all-wrap]").hidden = boxes.length === 0;
    for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { n++; } }
    all.checked = boxes.length > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
  document.addEventListener("change", function (e) {
    var t = e.target, form = t.form;
    if (!form) { return; }
    if (t.hasAttribute("data-select-all")) {
      var boxes = rowBoxes(form);
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = t.checked; }
    } else if (t.name === "ids") {
      syncSelectAll(form);
    }
  });
  var ticked = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var el = e.detail.target;
    if (el && el.id === "rows") {
      ticked = [];
      var boxes = rowBoxes(el);
      for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { ticked.push(boxes[i].value); } }
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var el = e.detail.target;
    if (!el || el.id !== "rows") { return; }
    var boxes = rowBoxes(el);
    for (var i = 0; ticked && i < boxes.length; i++) {
      if (ticked.indexOf(boxes[i].value) >= 0) { boxes[i].checked = true; }
    }
    ticked = null;
    syncSelectAll(el);
  });
  // The queue page now comes with its first rows: show 全选 for them at once, not only
  // after the first live refresh (also after an hx-boost navigation to the queue).
  function syncPageRows() {
    var el = document.getElementById("rows");
    if (el) { syncSelectAll(el); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", syncPageRows);
  } else {
    syncPageRows();
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target === document.body) { syncPageRows(); }
  });

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
