// Print pages: the 打印 / 保存为PDF button opens the browser's print dialog, where the
// document can also be saved as PDF. Without this script the page says to use the
// browser menu instead, so printing never depends on it.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  var hint = document.querySelector("[data-print-hint]");
  if (hint) {
    hint.textContent = "在打印窗口中选择打印机，或选择“另存为PDF”保存到手机或电脑。";
  }
  button.addEventListener("click", function () { window.print(); });
})();
