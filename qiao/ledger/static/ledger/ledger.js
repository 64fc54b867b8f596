// The service ledger's case page: status dialogs and htmx answers that carry a message.
// Loaded as a file so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  function reopen(root) {
    // a dialog answered with a message (a refused change) opens again, once
    (root || document).querySelectorAll("dialog[data-reopen]").forEach(function (dialog) {
      dialog.removeAttribute("data-reopen");
      if (!dialog.open && dialog.showModal) dialog.showModal();
    });
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal && !dialog.open) dialog.showModal();
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) parent.close();
    }
  });

  // A refused change (400) comes back as the part with the message in it: show it in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.xhr.status === 400 && detail.target && detail.target.closest("[data-ledger]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function () { reopen(document); });
})();
