// Cooperation agreements: the commitments checklist is swapped by htmx. htmx leaves 4xx answers
// (and 409, an edit refused because someone else changed the record) unswapped; inside an element marked data-agreements-swap the answer is the checklist (or the
// commitment's form) again with the message, so it is shown in place.
// Loaded as a file, so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && (detail.xhr.status === 400 || detail.xhr.status === 409) && detail.target && detail.target.closest("[data-agreements-swap]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();
