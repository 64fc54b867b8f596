// The bulletins page (reports/bulletins.html): the period fields that fit the chosen period, and the
// refused form shown with its messages. A file, not an inline script: the Content-Security-Policy forbids those.
document.addEventListener("DOMContentLoaded", function () {
  function showPeriodFields() {
    var kind = document.getElementById("id_period");
    if (!kind) return;
    document.querySelectorAll("[data-for-period]").forEach(function (box) {
      box.classList.toggle("d-none", box.dataset.forPeriod.split(" ").indexOf(kind.value) < 0);
    });
  }
  document.body.addEventListener("change", function (event) { if (event.target.id === "id_period") showPeriodFields(); });
  document.body.addEventListener("htmx:afterSwap", showPeriodFields);
  document.body.addEventListener("htmx:beforeSwap", function (event) {  // refused: show the form's messages
    if (event.detail.xhr.status === 400 && event.detail.target.id === "bulletin-page") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  showPeriodFields();
});
