/* Questionnaire pages: show a question only when the answer it depends on is given on the same page.
   Without JavaScript every question stays visible, with a hint saying when to fill it in; the server
   ignores the answers of questions whose condition is not met. */
(function () {
  "use strict";

  var form = document.querySelector("[data-survey-form]");
  if (!form) return;

  function selected(code) {
    var values = [];
    form.querySelectorAll("[name='" + code + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) values.push(input.value);
    });
    return values;
  }

  function update() {
    form.querySelectorAll("[data-shown-if]").forEach(function (block) {
      var source = block.getAttribute("data-shown-if");
      if (!form.querySelector("[name='" + source + "']")) return;  // answered on an earlier page
      var wanted = block.getAttribute("data-shown-if-choices").split(" ");
      var shown = selected(source).some(function (value) { return wanted.indexOf(value) !== -1; });
      block.hidden = !shown;
      var hint = block.querySelector(".condition-hint");
      if (hint) hint.hidden = true;
    });
  }

  form.addEventListener("change", update);
  update();
})();
