/* The summary of what to correct in a refused form takes the focus when the page opens, so that a screen
   reader reads it first and the keyboard starts from it. Its links put the cursor in the field and show
   the whole field, label or question included, which the browser alone would leave above the screen.
   Without JavaScript the summary is still the first thing under the title, announced by role=alert,
   and its links still lead to the fields. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var control = link && document.getElementById(link.hash.slice(1));
    if (!control) return;
    event.preventDefault();
    (control.closest(".field") || control).scrollIntoView();
    control.focus({ preventScroll: true });
  });
  summary.focus();
})();
