// Photos from the phone's camera are shrunk in the browser before the form is sent (a
// canvas, JPEG, at most 1600 px on the long side): a 4 MB photo becomes a few hundred KB
// over a weak mobile network. A photo the browser cannot decode (HEIC outside Safari) is
// sent as it is; the server keeps it as image/heic. No inline script: the CSP forbids it.
(function () {
  var LONG_SIDE = 1600, QUALITY = 0.8;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (typeof createImageBitmap !== "function") { resolve(file); return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      }, function () { resolve(file); });
    });
  }

  function kb(bytes) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }

  document.querySelectorAll("input[type=file][data-compress]").forEach(function (input) {
    var form = input.form;
    var status = form.querySelector("[data-photo-status]");
    var buttons = form.querySelectorAll("button[type=submit]");
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || typeof DataTransfer !== "function") { return; }
      buttons.forEach(function (b) { b.disabled = true; });
      if (status) { status.textContent = status.getAttribute("data-busy") || "…"; }
      Promise.all(files.map(shrink)).then(function (shrunk) {
        var transfer = new DataTransfer();
        shrunk.forEach(function (f) { transfer.items.add(f); });
        input.files = transfer.files;  // assigning does not fire "change" again
        if (status) {
          status.textContent = shrunk.map(function (f) { return f.name + " (" + kb(f.size) + ")"; }).join("，");
        }
        form.setAttribute("data-photos-ready", String(shrunk.length));
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  });
})();
