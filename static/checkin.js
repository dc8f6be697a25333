// 考场签到: the 扫码 button of forms marked data-scan-form reads the QR code of a 准考证
// with the phone's camera (BarcodeDetector), puts what it read into the ticket field and
// submits the form; the server reads the ticket from the QR code's /d/<token> URL or a
// typed number. Without JavaScript, camera or BarcodeDetector the button stays hidden and
// the number is typed.
(function () {
  "use strict";

  function setup(form) {
    var btn = form.querySelector("[data-scan]");
    var video = form.querySelector("[data-scan-video]");
    var status = form.querySelector("[data-scan-status]");
    var input = form.querySelector('input[name="ticket"]');
    if (!btn || !video || !input || form.dataset.scanReady) { return; }
    form.dataset.scanReady = "1";
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    var stream = null;
    var timer = null;
    function say(t) { status.hidden = !t; status.textContent = t; }
    function stop() {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.hidden = true;
      btn.textContent = "扫码";
    }
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) { return; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      btn.hidden = false;
      function tick() {
        if (!stream) { return; }
        if (!video.isConnected || !video.srcObject) { stop(); return; } // the page changed
        detector.detect(video).then(function (codes) {
          if (codes.length > 0 && codes[0].rawValue) {
            input.value = codes[0].rawValue;
            stop();
            say("已读取二维码，正在查找考生…");
            if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
            return;
          }
          timer = window.setTimeout(tick, 200);
        }).catch(function () { timer = window.setTimeout(tick, 400); });
      }
      btn.addEventListener("click", function () {
        if (stream) { stop(); say(""); return; }
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          btn.textContent = "停止扫码";
          say("请把准考证上的二维码对准摄像头");
          return video.play().then(tick);
        }).catch(function () {
          stop();
          say("无法打开摄像头，请手工输入准考证号");
        });
      });
    }).catch(function () { /* no QR support: typing only */ });
  }

  function enhance(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-scan-form]").forEach(setup);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (e) { enhance(e.target); });
  // Leaving the page (also by an htmx-boosted link or form) turns the camera off.
  function cameraOff() {
    document.querySelectorAll("video[data-scan-video]").forEach(function (v) {
      if (v.srcObject) { v.srcObject.getTracks().forEach(function (t) { t.stop(); }); v.srcObject = null; }
    });
  }
  window.addEventListener("pagehide", cameraOff);
  document.addEventListener("htmx:beforeSwap", cameraOff);
})();
