/* The tools map: fetches the GeoJSON of the filtered tools and draws clustered markers.
   Called by the folium figure (tools_registry/maps.py) with the Leaflet map and its options.
   Names come from users: tooltips and popups are DOM nodes filled with textContent, never HTML strings. */
(function () {
  "use strict";

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  // The map data carries each tool's id and family only; its details come from the API on demand.
  function popup(tool, options) {
    var box = el("div", null, { "class": "map-popup" });
    box.appendChild(el("strong", tool.name));
    if (tool.collectivity) box.appendChild(el("div", tool.collectivity.name));
    box.appendChild(el("div", options.familyLabels[tool.family] + (tool.family_other ? " : " + tool.family_other : "")));
    if (tool.life_status === "ended") {
      box.appendChild(el("div", options.endedLabel + (tool.end_year ? " (" + tool.end_year + ")" : ""), { "class": "map-popup-ended" }));
    }
    if (tool.is_demo) box.appendChild(el("em", options.demoLabel));
    var link = el("a", options.linkLabel, { href: tool.web_url });
    if (options.newWindowLabel) {
      // The embedded map: the tool's page refuses to be framed, so it opens in a new window.
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(el("span", " (" + options.newWindowLabel + ")", { "class": "visually-hidden" }));
    }
    box.appendChild(el("div")).appendChild(link);
    return box;
  }

  function loadPopup(marker, id, options) {
    fetch(options.detailUrl + "?id=" + id, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (page) { marker.setPopupContent(popup(page.results[0], options)); })
      .catch(function () { marker.setPopupContent(el("div", options.failedLabel)); });
  }

  function readView(map) {
    var match = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
    if (!match) return false;
    map.setView([parseFloat(match[2]), parseFloat(match[3])], parseInt(match[1], 10));
    return true;
  }

  function keepView(map) {
    map.on("moveend", function () {
      var centre = map.getCenter();
      var hash = "#" + map.getZoom() + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4);
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
      document.querySelectorAll("[data-keep-hash]").forEach(function (link) {
        link.href = link.href.split("#")[0] + hash;
      });
    });
  }

  // The markers of each area (metropolitan France first, then overseas), in the order of `areas`.
  function byArea(markers, areas) {
    var found = areas.map(function (area) {
      return { label: area.label, box: L.latLngBounds(area.bounds), bounds: L.latLngBounds([]), count: 0 };
    });
    markers.forEach(function (marker) {
      for (var i = 0; i < found.length; i++) {
        if (found[i].box.contains(marker.getLatLng())) {
          found[i].bounds.extend(marker.getLatLng());
          found[i].count += 1;
          return;
        }
      }
    });
    return found.filter(function (area) { return area.count; });
  }

  // One map of France cannot show the overseas tools at the same time as the others: when tools lie in
  // several areas, a button per area frames its tools.
  function areaButtons(map, areas, label) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = el("div", null, { "class": "map-areas leaflet-bar", role: "group", "aria-label": label });
      box.appendChild(el("p", label, { "aria-hidden": "true" }));
      areas.forEach(function (area) {
        var button = el("button", area.label + " (" + area.count + ")", { type: "button" });
        button.addEventListener("click", function () { frame(map, area.bounds); });
        box.appendChild(button);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function frame(map, bounds, animate) {
    map.fitBounds(bounds, { maxZoom: 11, padding: [20, 20], animate: animate !== false });
  }

  window.barometreTextTooltip = function (layer, text) {
    layer.bindTooltip(function () { return el("span", text); }, { sticky: true });
  };

  window.barometreToolLayer = function (map, options) {
    // The status says "loading" only once a script runs: without JavaScript nothing would ever load.
    var status = document.getElementById("map-status");
    if (status) status.textContent = status.dataset.loading;
    var restored = readView(map);
    keepView(map);
    // Unanimated clusters: while an animation runs the group ignores the map's moves, so a move made
    // then (a quick click on an area button) would leave the previous area's markers drawn.
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false, animate: false });
    map.addLayer(clusters);
    fetch(options.dataUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (collection) {
        var markers = [];
        collection.features.forEach(function (feature) {
          var coords = feature.geometry.coordinates;
          feature.properties.t.forEach(function (tool) {
            var family = collection.families[tool[1]];
            var ended = tool[2] === 1;
            // An ended tool: a pale circle with a dashed dark outline, told apart without colour.
            var marker = L.circleMarker([coords[1], coords[0]], ended ? {
              radius: 7, weight: 2, color: "#333333", dashArray: "3 3", fillOpacity: 0.25,
              fillColor: options.colours[family] || "#555555", className: "marker-ended"
            } : {
              radius: 8, weight: 2, color: "#ffffff", fillOpacity: 0.9,
              fillColor: options.colours[family] || "#555555"
            });
            marker.bindPopup(function () { return el("div", options.loadingLabel); });
            marker.once("popupopen", function () { loadPopup(marker, tool[0], options); });
            marker.bindTooltip(function () {
              var label = feature.properties.c + " — " + options.familyLabels[family];
              return el("span", ended ? label + " — " + options.endedLabel : label);
            });
            markers.push(marker);
          });
        });
        clusters.addLayers(markers);
        var areas = byArea(markers, options.areas);
        // The map opens on the first area with tools: metropolitan France whenever it has some.
        if (!restored && markers.length) {
          // At once, not animated: when the page says the map is ready, its markers are where they stay.
          frame(map, areas.length ? areas[0].bounds : L.featureGroup(markers).getBounds(), false);
        }
        if (areas.length > 1) areaButtons(map, areas, options.areasLabel);
        if (status) status.textContent = status.dataset.loaded;
        document.body.setAttribute("data-map-ready", markers.length);
      })
      .catch(function () {
        if (status) status.textContent = status.dataset.failed;
        document.body.setAttribute("data-map-ready", "error");
      });
  };
})();
