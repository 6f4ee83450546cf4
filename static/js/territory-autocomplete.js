/* Collectivity picker: an ARIA combobox over the territory reference (/api/v1/territories/?search=).
   Without JavaScript the text field still works: the server accepts an exact official code or name. */
(function () {
  "use strict";

  function setup(root) {
    var input = root.querySelector("input[type=text]");
    var hidden = root.querySelector("input[type=hidden]");
    var list = root.querySelector("[role=listbox]");
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    root.appendChild(live);
    var options = [], active = -1, timer = null, lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      var item = options[index];
      if (!item) return;
      input.value = item.label;
      hidden.value = item.id;
      lastQuery = input.value;
      close();
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (node, i) { node.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) input.setAttribute("aria-activedescendant", items[index].id);
    }

    function show(results) {
      options = results;
      list.textContent = "";
      results.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label + (item.postcodes ? " — " + item.postcodes.split(" ").slice(0, 3).join(", ") : "");
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(index); });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      live.textContent = results.length ? results.length + " ↓" : root.dataset.noResult;
      active = -1;
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(root.dataset.source + "?search=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (data) { if (input.value.trim() === query) show(data.results || data); })
          .catch(function () { close(); });
      }, 200);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, options.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function toggleUnlisted() {
    var box = document.getElementById("id_not_listed");
    var block = document.querySelector("[data-unlisted]");
    if (!box || !block) return;
    var update = function () { block.hidden = !box.checked; };
    box.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("[data-territory-autocomplete]").forEach(setup);
  toggleUnlisted();
})();
