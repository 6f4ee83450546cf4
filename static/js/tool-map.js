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
    if (tool.is_demo) box.appendChild(el("em", options.demoLabel));
    var link = el("a", options.linkLabel, { href: tool.web_url });
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

  // Overseas points would zoom the map out to the whole world: frame metropolitan France when it has
  // tools, and every tool otherwise.
  var METROPOLE = L.latLngBounds([41.2, -5.5], [51.3, 9.8]);
  function mainBounds(markers) {
    var all = L.latLngBounds([]), metropole = L.latLngBounds([]);
    markers.forEach(function (marker) {
      all.extend(marker.getLatLng());
      if (METROPOLE.contains(marker.getLatLng())) metropole.extend(marker.getLatLng());
    });
    return metropole.isValid() ? metropole : all;
  }

  window.barometreTextTooltip = function (layer, text) {
    layer.bindTooltip(function () { return el("span", text); }, { sticky: true });
  };

  window.barometreToolLayer = function (map, options) {
    var status = document.getElementById("map-status");
    var restored = readView(map);
    keepView(map);
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
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
            var marker = L.circleMarker([coords[1], coords[0]], {
              radius: 8, weight: 2, color: "#ffffff", fillOpacity: 0.9,
              fillColor: options.colours[family] || "#555555"
            });
            marker.bindPopup(function () { return el("div", options.loadingLabel); });
            marker.once("popupopen", function () { loadPopup(marker, tool[0], options); });
            marker.bindTooltip(function () {
              return el("span", feature.properties.c + " — " + options.familyLabels[family]);
            });
            markers.push(marker);
          });
        });
        clusters.addLayers(markers);
        if (!restored && markers.length) map.fitBounds(mainBounds(markers), { maxZoom: 11, padding: [20, 20] });
        if (status) status.textContent = status.dataset.loaded.replace("%s", markers.length);
        document.body.setAttribute("data-map-ready", markers.length);
      })
      .catch(function () {
        if (status) status.textContent = status.dataset.failed;
        document.body.setAttribute("data-map-ready", "error");
      });
  };
})();
