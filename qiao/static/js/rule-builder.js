// The eligibility rule builder: nested groups (all / any, each may be negated) of conditions
// (attribute → operator → value), written into the form's JSON textarea on every change.
// Attributes, operators, choices and words come from the JSON script tag #rule-spec rendered by
// the page, in the reader's language. Without JavaScript the textarea is edited directly; the
// server checks the rule either way (qiao/policies/rules.py is the authority).
(function () {
  "use strict";

  var NO_VALUE = { is_true: true, is_false: true, is_known: true };
  var LIST_SPLIT = /[,，、;；\n]+/;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function option(value, label, selected) {
    var node = el("option", { value: value, text: label });
    if (selected) node.selected = true;
    return node;
  }

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  // ------------------------------------------------------------------ the rule ⇄ the builder's model

  function toModel(node, negated) {
    if (!isObject(node)) throw new Error("not an object");
    var keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === "not") return toModel(node.not, !negated);
    if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any")) {
      if (!Array.isArray(node[keys[0]])) throw new Error("not a list");
      return { type: "group", kind: keys[0], negated: !!negated, items: node[keys[0]].map(function (child) { return toModel(child, false); }) };
    }
    if (typeof node.attr !== "string") throw new Error("not a condition");
    return { type: "cond", attr: node.attr, op: node.op || "", value: node.value === undefined ? null : node.value, at: node.at, negated: !!negated };
  }

  function rootModel(rule) {
    if (isObject(rule) && Object.keys(rule).length === 0) return { type: "group", kind: "all", negated: false, items: [] };
    var model = toModel(rule, false);
    if (model.type === "group" && !model.negated) return model;
    return { type: "group", kind: "all", negated: false, items: [model] };
  }

  function fromModel(model) {
    var out;
    if (model.type === "group") {
      out = {};
      out[model.kind] = model.items.map(fromModel);
    } else {
      out = { attr: model.attr, op: model.op };
      if (!NO_VALUE[model.op]) out.value = model.value;
      if (model.at !== undefined && model.at !== null && model.at !== "") out.at = model.at;
    }
    return model.negated ? { not: out } : out;
  }

  function fromRoot(root) { return root.items.length ? fromModel(root) : {}; }

  // ------------------------------------------------------------------ the builder

  function Builder(container, textarea, spec) {
    this.container = container;
    this.textarea = textarea;
    this.spec = spec;
    this.ui = spec.ui || {};
    this.attributes = {};
    var self = this;
    spec.attributes.forEach(function (a) { self.attributes[a.code] = a; });
  }

  Builder.prototype.load = function () {
    var text = this.textarea.value.trim();
    try {
      this.root = rootModel(text ? JSON.parse(text) : {});
    } catch (error) {
      this.root = null;
    }
    this.render();
    return this.root !== null;
  };

  Builder.prototype.save = function () {
    if (this.root) this.textarea.value = JSON.stringify(fromRoot(this.root), null, 1);
  };

  Builder.prototype.changed = function (structure) {
    this.save();
    if (structure) this.render();
  };

  Builder.prototype.render = function () {
    this.container.textContent = "";
    if (!this.root) {
      this.container.appendChild(el("div", { className: "alert alert-warning py-2 small mb-0", id: "rule-invalid", text: this.ui.invalid_json }));
      return;
    }
    this.container.appendChild(this.group(this.root, "", null));
  };

  Builder.prototype.negateBox = function (model) {
    var self = this;
    var box = el("input", { type: "checkbox", className: "form-check-input rule-negate", title: this.ui.negate_title || "" });
    box.checked = !!model.negated;
    box.addEventListener("change", function () { model.negated = box.checked; self.changed(true); });
    return el("label", { className: "form-check form-check-inline mb-0 small text-danger", title: this.ui.negate_title || "" }, [
      box, el("span", { className: "form-check-label", text: this.ui.negate }),
    ]);
  };

  Builder.prototype.removeButton = function (parent, model) {
    var self = this;
    var button = el("button", { type: "button", className: "btn btn-sm btn-outline-danger rule-remove", title: this.ui.remove, "aria-label": this.ui.remove }, [
      el("i", { className: "bi bi-x-lg" }),
    ]);
    button.addEventListener("click", function () {
      parent.items.splice(parent.items.indexOf(model), 1);
      self.changed(true);
    });
    return button;
  };

  Builder.prototype.group = function (model, number, parent) {
    var self = this;
    var box = el("div", { className: "border rounded p-2 mb-2 rule-group" + (parent ? " bg-body-tertiary" : ""), "data-rule-group": number || "root" });
    var kind = el("select", { className: "form-select form-select-sm w-auto rule-kind", "aria-label": this.ui.all });
    kind.appendChild(option("all", this.ui.all, model.kind === "all"));
    kind.appendChild(option("any", this.ui.any, model.kind === "any"));
    kind.addEventListener("change", function () { model.kind = kind.value; self.changed(false); });
    var head = el("div", { className: "d-flex flex-wrap align-items-center gap-2 mb-2" }, [
      number ? el("span", { className: "badge text-bg-secondary", text: number }) : null,
      parent ? this.negateBox(model) : null,
      kind,
      parent ? el("span", { className: "ms-auto" }) : null,
      parent ? this.removeButton(parent, model) : null,
    ]);
    box.appendChild(head);
    if (!model.items.length && !parent) box.appendChild(el("p", { className: "small text-body-secondary mb-2", id: "rule-empty", text: this.ui.empty }));
    model.items.forEach(function (item, index) {
      var childNumber = number ? number + "." + (index + 1) : String(index + 1);
      box.appendChild(item.type === "group" ? self.group(item, childNumber, model) : self.condition(item, childNumber, model));
    });
    var addCondition = el("button", { type: "button", className: "btn btn-sm btn-outline-primary rule-add-condition" }, [
      el("i", { className: "bi bi-plus-lg" }), document.createTextNode(" " + this.ui.add_condition),
    ]);
    addCondition.addEventListener("click", function () {
      model.items.push({ type: "cond", attr: "", op: "", value: null, negated: false });
      self.changed(true);
    });
    var addGroup = el("button", { type: "button", className: "btn btn-sm btn-outline-secondary rule-add-group" }, [
      el("i", { className: "bi bi-diagram-2" }), document.createTextNode(" " + this.ui.add_group),
    ]);
    addGroup.addEventListener("click", function () {
      model.items.push({ type: "group", kind: model.kind === "all" ? "any" : "all", negated: false, items: [{ type: "cond", attr: "", op: "", value: null, negated: false }] });
      self.changed(true);
    });
    box.appendChild(el("div", { className: "d-flex gap-2" }, [addCondition, addGroup]));
    return box;
  };

  Builder.prototype.condition = function (model, number, parent) {
    var self = this;
    var attr = this.attributes[model.attr];
    var row = el("div", { className: "d-flex flex-wrap align-items-center gap-2 mb-2 rule-condition", "data-condition": number });
    row.appendChild(el("span", { className: "badge text-bg-light border", text: number, title: this.ui.condition + " " + number }));
    row.appendChild(this.negateBox(model));

    var attrSelect = el("select", { className: "form-select form-select-sm w-auto rule-attr", "aria-label": this.ui.attribute });
    attrSelect.appendChild(option("", this.ui.choose, !model.attr));
    this.spec.attributes.forEach(function (a) { attrSelect.appendChild(option(a.code, a.label, a.code === model.attr)); });
    if (model.attr && !attr) attrSelect.appendChild(option(model.attr, model.attr, true));
    attrSelect.addEventListener("change", function () {
      model.attr = attrSelect.value;
      var chosen = self.attributes[model.attr];
      model.op = chosen ? chosen.ops[0] : "";
      model.value = null;
      delete model.at;
      self.changed(true);
    });
    row.appendChild(attrSelect);

    if (attr) {
      var opSelect = el("select", { className: "form-select form-select-sm w-auto rule-op", "aria-label": this.ui.operator });
      if (attr.ops.indexOf(model.op) < 0) opSelect.appendChild(option(model.op, model.op || this.ui.choose, true));
      attr.ops.forEach(function (op) { opSelect.appendChild(option(op, self.spec.operators[op] || op, op === model.op)); });
      opSelect.addEventListener("change", function () {
        var before = model.op;
        model.op = opSelect.value;
        model.value = convertValue(model.value, before, model.op);
        self.changed(true);
      });
      row.appendChild(opSelect);
      var value = this.valueInput(attr, model);
      if (value) row.appendChild(value);
      if (attr.dated) row.appendChild(this.atInput(model));
      if (attr.help) row.title = attr.help;
    }
    row.appendChild(el("span", { className: "ms-auto" }));
    row.appendChild(this.removeButton(parent, model));
    return row;
  };

  function convertValue(value, before, after) {
    if (NO_VALUE[after]) return null;
    var list = after === "in" || after === "not_in";
    if (after === "between") return Array.isArray(value) && value.length === 2 && before === "between" ? value : [null, null];
    if (list) {
      if (Array.isArray(value)) return before === "between" ? [] : value;
      return value === null || value === undefined || value === "" ? [] : [value];
    }
    if (Array.isArray(value)) return value.length ? value[0] : null;
    return value;
  }

  Builder.prototype.choicesFor = function (attr) {
    if (attr.type === "field") {
      return this.spec.fields.map(function (f) { return [f[0], new Array(f[2] + 1).join("— ") + f[1]]; });
    }
    return attr.choices;
  };

  Builder.prototype.scalarInput = function (attr, current, onChange) {
    var input;
    if (attr.type === "choice" || attr.type === "field") {
      input = el("select", { className: "form-select form-select-sm w-auto rule-value", "aria-label": this.ui.value });
      input.appendChild(option("", this.ui.choose, current === null || current === undefined || current === ""));
      var known = false;
      this.choicesFor(attr).forEach(function (c) {
        if (c[0] === current) known = true;
        input.appendChild(option(c[0], c[1], c[0] === current));
      });
      if (current && !known) input.appendChild(option(current, current, true));
      input.addEventListener("change", function () { onChange(input.value || null); });
      return input;
    }
    var type = attr.type === "number" ? "number" : attr.type === "date" ? "date" : "text";
    input = el("input", { type: type, className: "form-control form-control-sm w-auto rule-value", "aria-label": this.ui.value });
    if (type === "number") { input.min = "0"; input.step = attr.integer ? "1" : "any"; input.style.maxWidth = "8rem"; }
    input.value = current === null || current === undefined ? "" : String(current);
    input.addEventListener("input", function () {
      var raw = input.value.trim();
      if (raw === "") onChange(null);
      else if (type === "number") onChange(isNaN(Number(raw)) ? raw : Number(raw));
      else onChange(raw);
    });
    return input;
  };

  Builder.prototype.valueInput = function (attr, model) {
    var self = this;
    if (NO_VALUE[model.op]) return null;
    if (model.op === "in" || model.op === "not_in") {
      var values = Array.isArray(model.value) ? model.value : [];
      if (attr.type === "choice" || attr.type === "field") {
        var choices = this.choicesFor(attr);
        var select = el("select", { className: "form-select form-select-sm w-auto rule-value", multiple: "multiple", size: String(Math.min(6, choices.length || 1)), "aria-label": this.ui.value });
        choices.forEach(function (c) { select.appendChild(option(c[0], c[1], values.indexOf(c[0]) >= 0)); });
        select.addEventListener("change", function () {
          model.value = Array.prototype.filter.call(select.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
          self.changed(false);
        });
        return select;
      }
      var input = el("input", { type: "text", className: "form-control form-control-sm w-auto rule-value", placeholder: this.ui.several, title: this.ui.several, "aria-label": this.ui.value });
      input.value = values.join(", ");
      input.addEventListener("input", function () {
        model.value = input.value.split(LIST_SPLIT).map(function (v) { return v.trim(); }).filter(function (v) { return v; });
        self.changed(false);
      });
      return input;
    }
    if (model.op === "between") {
      var pair = Array.isArray(model.value) && model.value.length === 2 ? model.value : [null, null];
      model.value = pair;
      var low = this.scalarInput(attr, pair[0], function (v) { model.value[0] = v; self.changed(false); });
      var high = this.scalarInput(attr, pair[1], function (v) { model.value[1] = v; self.changed(false); });
      return el("span", { className: "d-inline-flex align-items-center gap-1" }, [low, el("span", { className: "small", text: this.ui.and }), high]);
    }
    return this.scalarInput(attr, Array.isArray(model.value) ? null : model.value, function (v) { model.value = v; self.changed(false); });
  };

  Builder.prototype.atInput = function (model) {
    var self = this;
    var fixed = typeof model.at === "string" && model.at !== "" && model.at !== "application";
    var select = el("select", { className: "form-select form-select-sm w-auto rule-at" });
    select.appendChild(option("application", this.ui.at_application, !fixed));
    select.appendChild(option("date", this.ui.at_date, fixed));
    var date = el("input", { type: "date", className: "form-control form-control-sm w-auto rule-at-date" });
    date.value = fixed ? model.at : "";
    date.hidden = !fixed;
    select.addEventListener("change", function () {
      if (select.value === "application") { delete model.at; date.hidden = true; }
      else { model.at = date.value || ""; date.hidden = false; }
      self.changed(false);
    });
    date.addEventListener("input", function () { model.at = date.value; self.changed(false); });
    return el("span", { className: "d-inline-flex align-items-center gap-1" }, [select, date]);
  };

  function init() {
    var container = document.getElementById("rule-builder");
    var specNode = document.getElementById("rule-spec");
    if (!container || !specNode) return;
    var textarea = document.getElementById(container.getAttribute("data-target"));
    if (!textarea) return;
    var builder = new Builder(container, textarea, JSON.parse(specNode.textContent));
    var details = document.getElementById("rule-json");
    var shown = builder.load();
    if (shown && details && !container.closest("form").querySelector("[data-field='rule']")) details.open = false;
    // typing or pasting JSON by hand redraws the builder
    textarea.addEventListener("change", function () { builder.load(); });
    container.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
