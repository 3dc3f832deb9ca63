// Improvements for browsers with JavaScript; every page works without them.
// - Inline edit: focus moves to the form's first field when it opens, and back to the row's link
//   after saving (the row's live region says it was saved).
// - The condition and merge fields show only for their decision.
// - An answer htmx does not swap (403, 401, 404, 500: the session ended, the right was taken
//   away) is not swallowed: the same request is made without htmx, so the person sees the full
//   page that says what happened, in their language.
(function () {
  "use strict";

  function followDecision(form) {
    var select = form.querySelector("select[name=decision]");
    if (!select) return;
    var update = function () {
      form.querySelectorAll("[data-when-decision]").forEach(function (field) {
        field.hidden = field.getAttribute("data-when-decision") !== select.value;
      });
      form.querySelectorAll(".decision-hint").forEach(function (hint) {
        hint.hidden = true;
      });
    };
    select.addEventListener("change", update);
    update();
  }

  function prepare(root) {
    root.querySelectorAll("form.edit-form").forEach(followDecision);
  }

  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt) return;
    if (elt.tagName === "FORM") {
      HTMLFormElement.prototype.submit.call(elt);
    } else if (elt.getAttribute("href")) {
      window.location.href = elt.getAttribute("href");
    }
  });

  // htmx:load fires on every element htmx has just put in the page (the old row is gone by then).
  document.addEventListener("htmx:load", function (event) {
    var fresh = event.detail && event.detail.elt;
    if (!fresh || fresh.tagName !== "TR") return;
    prepare(fresh);
    if (fresh.classList.contains("editing")) {
      var first = fresh.querySelector("select, input:not([type=hidden]), textarea");
      if (first) first.focus();
    } else if (fresh.hasAttribute("data-saved")) {
      var link = fresh.querySelector("th a");
      if (link) link.focus();
    }
  });
})();
