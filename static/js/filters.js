/* The filter panel of the catalogue and the map is folded behind its summary, so that on a phone the
   results come first. On a wide screen there is room beside the results: it opens. Without
   JavaScript it stays folded everywhere and opens with one click. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-filters-panel]");
  if (panel && window.matchMedia("(min-width: 50rem)").matches) {
    panel.open = true;
  }
})();
