/* Progressive enhancement of the evaluation form's pickers: the list narrows as one types.
   Without JavaScript the search button next to the field narrows the same list on the server. */
(function () {
  "use strict";
  function words(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  }
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var input = picker.querySelector("[data-picker-filter]");
    var shown = picker.querySelector("[data-picker-shown]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-option]"));
    if (!input) {
      return;
    }
    input.addEventListener("input", function () {
      var wanted = words(input.value);
      var count = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var text = option.textContent.toLocaleLowerCase();
        // A chosen item always stays visible, as on the server.
        var visible = box.checked || wanted.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !visible;
        if (visible) {
          count += 1;
        }
      });
      if (shown) {
        shown.textContent = String(count);
      }
    });
    // Enter in the search field narrows the list here instead of sending the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });
})();
