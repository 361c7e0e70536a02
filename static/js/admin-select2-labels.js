// The admin's Select2 boxes take their accessible name from the choice they show, so an empty
// box has none and its search field has no label. Name each after its field: the <label> of
// the <select> on a form, or the aria-label the server gives the <select> in a table row.
(function () {
  "use strict";

  function labelOf(select) {
    return select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
  }

  function fieldName(select) {
    var label = labelOf(select);
    var text = label ? label.textContent : select.getAttribute("aria-label") || "";
    return text.replace(/:\s*$/, "").trim();
  }

  function nameBox(select) {
    var box = select.nextElementSibling;
    var name = fieldName(select);
    if (!box || !box.classList.contains("select2") || !name) {
      return;
    }
    var selection = box.querySelector(".select2-selection");
    var rendered = box.querySelector(".select2-selection__rendered[id]");
    var label = labelOf(select);
    if (selection && label && rendered) {
      // The field's name, then the choice shown.
      label.id = label.id || select.id + "-label";
      selection.setAttribute("aria-labelledby", label.id + " " + rendered.id);
    } else if (selection) {
      selection.removeAttribute("aria-labelledby");
      selection.setAttribute("aria-label", name);
    }
    if (rendered && rendered.getAttribute("role") === "textbox") {
      // The box shows the choice in a read-only textbox of its own, named like its field.
      rendered.setAttribute("aria-label", name);
    }
    var search = box.querySelector(".select2-search__field");
    if (search) {
      search.setAttribute("aria-label", "Search " + name.toLowerCase());
    }
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameBox);
  }

  // Select2 builds its boxes when the admin's scripts get round to it (and again for each new
  // inline row, and when a choice is made), at no fixed moment: name them whenever the page
  // changes. Naming sets attributes only, which this observer does not watch.
  function start() {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
