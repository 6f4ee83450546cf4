/* Copy buttons for read-only code boxes (the map's embedding code). Without JavaScript the button stays
   hidden and the code is selected and copied by hand; with it, the button copies the code, or selects
   it where the browser refuses scripts the clipboard, and says which it did. */
(function () {
  "use strict";

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status='" + button.dataset.copy + "']");
    function say(text) {
      if (status) status.textContent = text;
    }
    box.addEventListener("focus", function () { box.select(); });
    button.addEventListener("click", function () {
      var copied = navigator.clipboard ? navigator.clipboard.writeText(box.value) : Promise.reject();
      copied.then(
        function () { say(button.dataset.copied); },
        function () {
          box.focus();
          say(button.dataset.selected);
        }
      );
    });
    button.hidden = false;
  });
})();
