// "Print" buttons of printable pages (matching/plan_print.html): a file, since the CSP forbids onclick="…".
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
