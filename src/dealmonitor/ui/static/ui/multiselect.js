/* A search box for long checkbox lists (ui.forms.SearchableCheckboxSelectMultiple).
   Without this script the list is an ordinary, scrollable list of checkboxes. */
(function () {
  "use strict";
  function enhance(box, index) {
    var options = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    if (!options.length) { return; }
    var id = "dm-multiselect-search-" + index;
    var bar = document.createElement("div");
    bar.className = "dm-multiselect__bar";
    var label = document.createElement("label");
    label.className = "utrecht-form-label";
    label.htmlFor = id;
    label.textContent = box.dataset.searchLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "utrecht-textbox utrecht-textbox--html-input dm-multiselect__search";
    input.setAttribute("autocomplete", "off");
    var status = document.createElement("p");
    status.className = "utrecht-paragraph dm-multiselect__status";
    status.setAttribute("aria-live", "polite");
    var none = document.createElement("p");
    none.className = "utrecht-paragraph dm-muted";
    none.textContent = box.dataset.noneLabel;
    none.hidden = true;
    bar.appendChild(label);
    bar.appendChild(input);
    bar.appendChild(status);
    box.parentNode.insertBefore(bar, box);
    box.appendChild(none);
    input.setAttribute("aria-controls", box.querySelector("div[id]") ? box.querySelector("div[id]").id : "");

    function row(option) { return option.closest("label") ? option.closest("label").parentNode : option.parentNode; }
    function count() {
      var n = options.filter(function (o) { return o.checked; }).length;
      status.textContent = box.dataset.chosenLabel.replace("%(n)s", n);
    }
    function filter() {
      var words = input.value.toLowerCase().trim();
      var shown = 0;
      options.forEach(function (option) {
        var text = (option.closest("label") || option.parentNode).textContent.toLowerCase();
        var match = !words || text.indexOf(words) !== -1;
        row(option).hidden = !match;
        if (match) { shown += 1; }
      });
      none.hidden = shown > 0;
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // do not send the form
    });
    box.addEventListener("change", count);
    count();
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dm-multiselect]"), enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
