// Qiao's own behaviour, loaded as a file so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  function autocomplete(root) {
    root.querySelectorAll("select[data-autocomplete]").forEach(function (select) {
      if (select.tomselect || typeof TomSelect === "undefined") return;
      var kind = select.getAttribute("data-autocomplete");
      new TomSelect(select, {
        valueField: "value", labelField: "text", searchField: [], maxOptions: 20, allowEmptyOption: true,
        plugins: select.multiple ? ["remove_button"] : [],
        load: function (query, callback) {
          fetch("/autocomplete/" + encodeURIComponent(kind) + "/?q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (r) { return r.json(); }).then(function (j) { callback(j.results); }).catch(function () { callback(); });
        },
        shouldLoad: function (query) { return query.length > 0; },
        score: function () { return function () { return 1; }; },
      });
    });
  }

  function multiSelects(root) {
    root.querySelectorAll("select[multiple]:not([data-autocomplete])").forEach(function (select) {
      if (select.tomselect || typeof TomSelect === "undefined") return;
      new TomSelect(select, { plugins: ["remove_button"], hidePlaceholder: true });
    });
  }

  function confirmations(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmBound) return;
      form.dataset.confirmBound = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function closeSearchPopup() {
    document.addEventListener("click", function (event) {
      var popup = document.getElementById("search-popup");
      if (popup && !popup.contains(event.target) && event.target.id !== "global-search") popup.innerHTML = "";
    });
    document.addEventListener("keydown", function (event) {
      var popup = document.getElementById("search-popup");
      if (event.key === "Escape" && popup) popup.innerHTML = "";
    });
  }

  // Progress bars: the width comes from data-progress (0-100) and is set through the DOM, which the
  // Content-Security-Policy allows (a style="" attribute it does not).
  function progressBars(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-progress]") : [];
    if (root.matches && root.matches("[data-progress]")) bars = [root].concat(Array.prototype.slice.call(bars));
    Array.prototype.forEach.call(bars, function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-progress")) || 0));
      bar.style.width = value + "%";
    });
  }

  // "Cancel" on a new record's form goes back where the user came from (a javascript: link the CSP refuses).
  function historyBack() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-history-back]");
      if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  }

  function init(root) { autocomplete(root); multiSelects(root); confirmations(root); progressBars(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); closeSearchPopup(); historyBack(); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  document.addEventListener("htmx:load", function (event) { progressBars(event.target); });
})();
