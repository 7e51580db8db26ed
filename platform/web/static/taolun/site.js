// No inline scripts (the CSP forbids them): page behaviour lives here.
// A <select class="autosubmit"> submits its form when changed (the button stays for no-JS).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.classList && target.classList.contains("autosubmit") && target.form) {
    target.form.submit();
  }
});

// A form with data-keep="NAME" keeps what was typed in the phone's storage (the network may
// drop, the page may be closed) and gets it back when opened again; its hidden request key
// comes back too, so submitting again after a lost answer records the entry once. A page
// with data-clear-kept="NAME" (shown after a successful submission) forgets it.
(function () {
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  var store = storage();
  if (!store) { return; }
  document.querySelectorAll("[data-clear-kept]").forEach(function (el) {
    store.removeItem("taolun-form:" + el.getAttribute("data-clear-kept"));
  });
  document.querySelectorAll("form[data-keep]").forEach(function (form) {
    var key = "taolun-form:" + form.getAttribute("data-keep");
    var kept = null;
    try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept && !form.querySelector(".field-error, .error")) {
      Object.keys(kept).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.type !== "file" && name !== "csrfmiddlewaretoken") { field.value = kept[name]; }
      });
    }
    function save() {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        // A file cannot be kept (nor put back): the photos are picked again.
        if (field.name && field.type !== "file" && field.name !== "csrfmiddlewaretoken") { values[field.name] = field.value; }
      });
      store.setItem(key, JSON.stringify(values));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();
