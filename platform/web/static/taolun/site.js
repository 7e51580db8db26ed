// No inline scripts (the CSP forbids them): page behaviour lives here.
// A <select class="autosubmit"> submits its form when changed (the button stays for no-JS).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.classList && target.classList.contains("autosubmit") && target.form) {
    target.form.submit();
  }
});
