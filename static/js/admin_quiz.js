// Quiz and question pages in admin: a question shows only the fields of its kind, and a new row of
// choices (or questions) is numbered after the last one instead of starting again at 1.
(function () {
  "use strict";
  var CHOICE_KINDS = ["single", "multiple", "true_false"];
  var FIELDS_OF_KIND = {
    numeric: [".field-numeric_answer", ".field-numeric_tolerance"],
    short_text: [".field-accepted_answers"],
  };
  var KIND_FIELDS = [".field-numeric_answer", ".field-numeric_tolerance", ".field-accepted_answers"];

  function show(element, visible) {
    element.style.display = visible ? "" : "none";
  }

  function applyKind(select) {
    var scope = select.closest(".inline-related") || select.form;
    var wanted = FIELDS_OF_KIND[select.value] || [];
    KIND_FIELDS.forEach(function (selector) {
      scope.querySelectorAll(selector).forEach(function (element) {
        show(element, wanted.indexOf(selector) !== -1);
      });
    });
    // The question's own page: its choices, unless it has saved ones (their error must stay visible).
    var choices = select.closest(".inline-related") ? null : document.getElementById("choices-group");
    var saved = document.getElementById("id_choices-INITIAL_FORMS");
    if (choices) {
      show(choices, CHOICE_KINDS.indexOf(select.value) !== -1 || (saved && saved.value !== "0"));
    }
  }

  function isKindSelect(element) {
    return element.matches && element.matches("select[name$='kind']") && element.name.indexOf("__prefix__") === -1;
  }

  document.addEventListener("change", function (event) {
    if (isKindSelect(event.target)) applyKind(event.target);
  });

  document.addEventListener("formset:added", function (event) {
    var prefix = event.detail && event.detail.formsetName;
    var row = event.target;
    var kind = row.querySelector("select[name$='-kind']");
    if (kind) applyKind(kind);
    if (prefix !== "choices" && prefix !== "questions") return;
    var order = row.querySelector("input[name$='-order']");
    if (!order) return;
    var highest = 0;
    document.querySelectorAll("input[name^='" + prefix + "-'][name$='-order']").forEach(function (input) {
      if (input === order || input.name.indexOf("__prefix__") !== -1) return;
      var value = parseInt(input.value, 10);
      if (!isNaN(value) && value > highest) highest = value;
    });
    order.value = highest + 1;
  });

  function init() {
    document.querySelectorAll("select[name$='kind']").forEach(function (select) {
      if (isKindSelect(select)) applyKind(select);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
