// Suggestions under the lead partner and indicator fields, filled in by htmx as officers
// type. Choosing one puts the whole field value back, focus included; the keyboard moves
// between suggestions with the arrow keys and Escape closes them.
(function () {
  "use strict";

  function options(box) {
    return Array.prototype.slice.call(box.querySelectorAll(".cspplan-suggestions__option"));
  }

  function parts(element) {
    var wrapper = element.closest("[data-suggest]");
    if (!wrapper) return null;
    return { input: wrapper.querySelector("input"), box: wrapper.querySelector(".cspplan-suggestions") };
  }

  function close(box) {
    box.innerHTML = "";
  }

  function choose(button) {
    var found = parts(button);
    found.input.value = button.getAttribute("data-value") + (found.input.name === "lead_partners" ? " / " : ", ");
    close(found.box);
    found.input.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".cspplan-suggestions__option");
    if (button) choose(button);
  });

  document.addEventListener("keydown", function (event) {
    var found = parts(event.target);
    if (!found || !found.box) return;
    var list = options(found.box);
    var index = list.indexOf(event.target);
    if (event.key === "Escape" && (index >= 0 || event.target === found.input) && list.length) {
      event.preventDefault();
      close(found.box);
      found.input.focus();
    } else if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) found.input.focus();
      else list[index - 1].focus();
    }
  });
})();
