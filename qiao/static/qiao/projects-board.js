// Investment projects: the pipeline board (drag a card to another column, or use its "Move" button;
// a dialog asks the date, a note, and the reason when dropping) and the project page's htmx panels.
// Loaded as a file, so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.getAttribute("content")) return meta.getAttribute("content");
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // htmx leaves 4xx answers unswapped; panels marked data-swap-errors show them in place (the answer
  // is the panel again, with the message and the form as it was typed)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.xhr.status === 400 && detail.target && detail.target.closest("[data-swap-errors]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  // ------------------------------------------------------------------ the board

  var pending = null; // {card, origin, next, stage}
  var dragged = null;

  function columns() { return document.getElementById("board-columns"); }
  function dialog() { return document.getElementById("move-dialog"); }
  function byId(id) { return document.getElementById(id); }

  function message(text, kind) {
    var box = byId("board-message");
    if (!box) return;
    box.textContent = text;
    box.className = "alert alert-" + kind;
  }

  function putBack() {
    if (pending && pending.card && pending.origin && pending.card.parentElement !== pending.origin) {
      pending.origin.insertBefore(pending.card, pending.next && pending.next.parentElement === pending.origin ? pending.next : null);
    }
  }

  function toggleReason() {
    var root = columns();
    var select = byId("move-dialog-stage");
    var row = byId("move-dialog-reason-row");
    if (root && select && row) row.classList.toggle("d-none", select.value !== root.dataset.dropped);
  }

  function openDialog(card, stage) {
    var box = dialog();
    var root = columns();
    if (!box || !root || !card) return;
    pending = pending && pending.card === card ? pending : { card: card, origin: card.parentElement, next: card.nextElementSibling };
    pending.stage = stage;
    byId("move-dialog-name").textContent = card.dataset.name || "";
    var select = byId("move-dialog-stage");
    // the keyboard's way offers the moves the rules allow; a drag names its column (the server decides)
    var allowed = (card.dataset.moves || "").split(" ").filter(Boolean);
    Array.prototype.forEach.call(select.options, function (option) {
      option.disabled = option.value === card.dataset.stage || (!stage && allowed.length > 0 && allowed.indexOf(option.value) < 0);
    });
    if (stage) {
      select.value = stage;
    } else {
      var first = Array.prototype.find.call(select.options, function (option) { return !option.disabled; });
      if (first) select.value = first.value;
    }
    byId("move-dialog-on").value = root.dataset.today || "";
    byId("move-dialog-note").value = "";
    byId("move-dialog-reason").value = "";
    byId("move-dialog-error").classList.add("d-none");
    toggleReason();
    if (!box.open) box.showModal();
    (stage ? byId("move-dialog-on") : select).focus();
  }

  function closeDialog() {
    putBack();
    pending = null;
    var box = dialog();
    if (box && box.open) box.close();
  }

  function refresh() {
    return fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) { return response.text(); }).then(function (html) {
      var root = columns();
      if (!root) return;
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("#board-columns");
      if (fresh) root.replaceWith(fresh);
    });
  }

  function submit(event) {
    event.preventDefault();
    var root = columns();
    if (!pending || !root) return;
    var card = pending.card;
    var data = new FormData();
    data.append("stage", byId("move-dialog-stage").value);
    data.append("on", byId("move-dialog-on").value);
    data.append("note", byId("move-dialog-note").value);
    data.append("reason", byId("move-dialog-reason").value);
    var button = byId("move-dialog-submit");
    button.disabled = true;
    var url = root.dataset.moveUrl.replace("/0/", "/" + encodeURIComponent(card.dataset.project) + "/");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: data,
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: response.statusText }; }).then(function (answer) {
        return { ok: response.ok && answer.ok, answer: answer };
      });
    }).then(function (result) {
      button.disabled = false;
      if (result.ok) {
        pending = null;
        dialog().close();
        message(result.answer.message, "success");
        return refresh();
      }
      putBack(); // refused: the card goes back where it was
      var error = byId("move-dialog-error");
      error.textContent = result.answer.message || "";
      error.classList.remove("d-none");
      message(result.answer.message || "", "danger");
      return null;
    }).catch(function () {
      button.disabled = false;
      putBack();
      var root = columns();
      message(root ? root.dataset.networkError || "" : "", "danger");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!card) return;
    dragged = card;
    pending = null;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.project);
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (card) card.classList.remove("dragging");
    document.querySelectorAll(".board-column.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });

  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".board-column.drop-target").forEach(function (c) { if (c !== column) c.classList.remove("drop-target"); });
    column.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = dragged;
    dragged = null;
    if (column.dataset.stage === card.dataset.stage) return;
    pending = { card: card, origin: card.parentElement, next: card.nextElementSibling };
    var list = column.querySelector(".board-cards");
    if (list) list.insertBefore(card, list.firstElementChild); // shown in its new column until answered
    openDialog(card, column.dataset.stage);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".board-move");
    if (button) {
      pending = null;
      openDialog(button.closest(".board-card"), null);
      return;
    }
    if (event.target.id === "move-dialog-cancel") closeDialog();
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "move-dialog-stage") toggleReason();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (!box) return;
    byId("move-dialog-form").addEventListener("submit", submit);
    box.addEventListener("cancel", function () { putBack(); pending = null; }); // Esc
  });
})();
