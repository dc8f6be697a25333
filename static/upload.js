// Photo and document uploads for forms marked data-upload: preview, reduce in the browser
// (long side <= 1600 px, JPEG) and upload with a progress bar as soon as a file is chosen.
// Without JavaScript the same form is a plain multipart upload with a submit button.
(function () {
  "use strict";
  var MAX_SIDE = 1600;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) { resolve(file); return; }
      createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
        if (scale === 1 && file.type === "image/jpeg") { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bmp.width * scale);
        canvas.height = Math.round(bmp.height * scale);
        canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, "image/jpeg", 0.85);
      }).catch(function () { resolve(file); });
    });
  }

  function swapMain(doc) {
    var next = doc && doc.querySelector("#main");
    var cur = document.querySelector("#main");
    if (!next || !cur) { return false; }
    cur.replaceWith(next);
    if (doc.title) { document.title = doc.title; }
    if (window.htmx) { window.htmx.process(next); }
    enhance(next);
    var focus = next.querySelector("[data-error-summary]") || next;
    focus.focus();
    return true;
  }

  function upload(form, input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var preview = form.querySelector("[data-preview]");
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("[data-upload-button]");
    if (preview && window.URL) {
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    }
    status.textContent = "正在压缩图片…";
    input.disabled = true;
    shrink(file).then(function (blob) {
      var token = form.querySelector("[name=_csrf]").value;
      var data = new FormData();
      data.append("_csrf", token);
      data.append(input.name, blob, "upload.jpg");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.responseType = "document";
      xhr.setRequestHeader("X-Csrf-Token", token);
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "正在上传（" + Math.max(1, Math.round(blob.size / 1024)) + " KB）…";
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round(e.loaded / e.total * 100); }
      };
      xhr.onload = function () {
        if (swapMain(xhr.response)) {
          // The server redirected to the next step: show its address.
          if (xhr.responseURL && xhr.responseURL !== location.href) { history.pushState({}, "", xhr.responseURL); }
        } else {
          status.textContent = "上传没有成功，请重新选择照片。";
          input.disabled = false;
        }
      };
      xhr.onerror = function () {
        status.textContent = "网络连接中断，请检查网络后重新选择照片。";
        bar.hidden = true;
        input.disabled = false;
      };
      if (button) { button.disabled = true; }
      xhr.send(data);
    });
  }

  function enhance(root) {
    var forms = root.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) {
      var b = forms[i].querySelector("[data-upload-button]");
      if (b) { b.hidden = true; } // the upload starts as soon as a file is chosen
    }
  }

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (input.type !== "file") { return; }
    var form = input.closest("form[data-upload]");
    if (form) { upload(form, input); }
  });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (e) { enhance(e.target); });
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("form[data-upload]");
    var input = form && form.querySelector("input[type=file]");
    if (input && input.files && input.files[0]) { e.preventDefault(); upload(form, input); }
  });
})();
