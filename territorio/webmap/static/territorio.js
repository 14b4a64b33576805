/* territorio web maps: one indicator at a time, overlays, legend, search, URL hash.
 * Reads the page's data from <script type="application/json" id="tdata">; every string in
 * it is plain text and reaches the page through textContent (or is escaped here).
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("tdata").textContent);
  var W = D.texts;
  var map, comuni, estimated, highlight, current = null, overlays = {};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  /* ---------- search: accents, case, apostrophes and "S." abbreviations ---------- */
  function norm(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }
  var index = D.comuni.names.map(function (n, i) {
    return { i: i, words: norm(n).split(" "), full: norm(n), code: D.comuni.codes[i] };
  });
  function find(query) {
    var q = norm(query);
    if (!q) return [];
    var tokens = q.split(" ");
    var hits = [];
    index.forEach(function (c) {
      var score = -1;
      if (/^[0-9 ]+$/.test(q)) {
        var digits = q.replace(/ /g, "");
        if (c.code === digits.padStart(6, "0")) score = 0;
        else if (c.code.indexOf(digits) === 0) score = 2;
      } else if (c.full === q) score = 0;
      else {
        var j = 0, ok = true;
        for (var t = 0; t < tokens.length && ok; t++) {
          while (j < c.words.length && c.words[j].indexOf(tokens[t]) !== 0) j++;
          if (j === c.words.length) ok = false;
          j++;
        }
        if (ok) score = c.full.indexOf(q) === 0 ? 1 : 2;
      }
      if (score >= 0) hits.push([score, D.comuni.names[c.i], c.i]);
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1].localeCompare(b[1], "it"); });
    return hits.slice(0, 12).map(function (h) { return h[2]; });
  }

  function setupSearch() {
    var input = document.getElementById("search");
    if (!input) return;
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var hits = [], active = -1;
    function render() {
      list.innerHTML = "";
      hits.forEach(function (i, k) {
        var li = el("li", { id: "sr-" + k, role: "option", "aria-selected": k === active },
          D.comuni.names[i] + " (" + D.comuni.codes[i] + ")");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length > 0);
      if (active >= 0) input.setAttribute("aria-activedescendant", "sr-" + active);
      else input.removeAttribute("aria-activedescendant");
      status.textContent = input.value.trim()
        ? (hits.length ? W.found.replace("{n}", hits.length) : W.none) : "";
    }
    function choose(i) {
      hits = []; active = -1; render();
      input.value = D.comuni.names[i];
      status.textContent = W.shown.replace("{name}", D.comuni.names[i]);
      goTo(i);
    }
    input.addEventListener("input", function () { hits = find(input.value); active = -1; render(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && hits.length) { active = (active + 1) % hits.length; render(); e.preventDefault(); }
      else if (e.key === "ArrowUp" && hits.length) { active = (active - 1 + hits.length) % hits.length; render(); e.preventDefault(); }
      else if (e.key === "Enter") {
        if (!hits.length) hits = find(input.value);
        if (hits.length) choose(hits[active >= 0 ? active : 0]);
        e.preventDefault();
      } else if (e.key === "Escape") { hits = []; active = -1; render(); }
    });
    input.addEventListener("blur", function () { setTimeout(function () { hits = []; render(); }, 150); });
  }

  /* ---------- the comune layer, one indicator at a time ---------- */
  function indicator(id) {
    for (var k = 0; k < D.indicators.length; k++) if (D.indicators[k].id === id) return D.indicators[k];
    return null;
  }
  function style(f) {
    var i = f.properties.i, ind = current;
    var cls = ind ? ind.cls[i] : -1;
    var focus = D.focus === D.comuni.codes[i];
    if (!ind) {
      return { color: focus ? "#b5382f" : "#555", weight: focus ? 3 : 1, fillColor: "#fff", fillOpacity: focus ? 0.1 : 0.02 };
    }
    return {
      color: "#ffffff", weight: 0.8,
      fillColor: cls >= 0 ? ind.classes[cls].c : "url(#tp-nd)", fillOpacity: cls >= 0 ? 0.85 : 1,
    };
  }
  function valueLine(i) {
    if (!current) return "";
    var est = current.est && current.est[i];
    return current.label + ": " + current.txt[i] +
      (est ? " (" + W.estimate + ")" : "");
  }
  function tooltip(layer) {
    var i = layer.feature.properties.i;
    return "<b>" + esc(D.comuni.names[i]) + "</b>" + (current ? "<br>" + esc(valueLine(i)) : "");
  }
  function popup(layer) {
    var i = layer.feature.properties.i, code = D.comuni.codes[i];
    var html = "<b>" + esc(D.comuni.names[i]) + "</b> (" + esc(code) + ")";
    if (current) {
      html += "<br>" + esc(valueLine(i));
      if (current.est && current.est[i]) html += "<br><small>" + esc(W.estimate) + ": " + esc(current.estNote) + "</small>";
    }
    if (D.atlas != null && code !== D.focus) {
      html += '<br><a href="' + esc(D.atlas + code + ".html") + '">' + esc(W.open_atlas) + "</a>";
    }
    return html;
  }
  function drawComuni() {
    comuni = L.geoJSON(D.comuni.geo, {
      style: style,
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () { return tooltip(layer); }, { sticky: true });
        layer.bindPopup(function () { return popup(layer); });
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#222" }); });
        layer.on("mouseout", function () { comuni.resetStyle(layer); if (layer === highlight) mark(layer); });
      },
    }).addTo(map);
  }
  function drawEstimates() {
    if (estimated) { map.removeLayer(estimated); estimated = null; }
    if (!current || !current.est) return;
    estimated = L.geoJSON(D.comuni.geo, {
      filter: function (f) { return current.est[f.properties.i] === 1; },
      style: { stroke: false, fillColor: "url(#tp-est)", fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
  }
  function mark(layer) { layer.setStyle({ weight: 4, color: "#000" }); layer.bringToFront(); }
  function goTo(i) {
    if (D.page === "atlas") {
      window.location.href = D.comuni.codes[i] + ".html";
      return;
    }
    comuni.eachLayer(function (layer) {
      if (layer.feature.properties.i !== i) return;
      if (highlight && highlight !== layer) comuni.resetStyle(highlight);
      highlight = layer; mark(layer);
      map.fitBounds(layer.getBounds(), { maxZoom: 13, animate: false });
      layer.openPopup(layer.getBounds().getCenter());
    });
    state.comune = D.comuni.codes[i];
    writeHash();
  }

  function choose(id) {
    current = indicator(id);
    if (comuni) comuni.setStyle(style);
    if (highlight) mark(highlight);
    drawEstimates();
    renderLegend();
    var about = document.getElementById("about");
    if (about && current) about.textContent = current.about;
    state.indicatore = current ? current.id : null;
    writeHash();
  }

  /* ---------- legend ---------- */
  function swatch(fill, extra) {
    var s = '<svg width="18" height="12" aria-hidden="true" focusable="false"><rect x="0.5" y="0.5" width="17" height="11" fill="' +
      fill + '" stroke="#666"' + (extra || "") + "/></svg>";
    return s;
  }
  function renderLegend() {
    var box = document.getElementById("legend");
    if (!box) return;
    var html = "";
    if (current) {
      html += "<h3>" + esc(current.label) + "</h3>";
      var sub = [current.unit, current.year].filter(Boolean).join(" · ");
      if (sub) html += '<p class="sub">' + esc(sub) + "</p>";
      html += "<ul>";
      current.classes.forEach(function (c) { html += "<li>" + swatch(c.c) + esc(c.l) + "</li>"; });
      if (current.cls.indexOf(-1) >= 0) html += "<li>" + swatch("url(#tp-nd)") + esc(W.nodata) + "</li>";
      if (current.est) html += "<li>" + swatch("url(#tp-est)") + esc(W.estimate_legend) + "</li>";
      html += "</ul>";
      if (current.method) html += '<p class="sub">' + esc(current.method) + "</p>";
    }
    var shown = D.overlays.filter(function (o) { return overlays[o.id] && map.hasLayer(overlays[o.id]); });
    if (shown.length) {
      html += "<ul>";
      shown.forEach(function (o) { html += "<li>" + symbol(o, 14) + esc(o.label) + "</li>"; });
      html += "</ul>";
    }
    box.innerHTML = html;
  }

  /* ---------- overlays ---------- */
  var SHAPES = {
    circle: '<circle cx="8" cy="8" r="5.5"/>',
    square: '<rect x="3" y="3" width="10" height="10"/>',
    triangle: '<path d="M8 2 L14 13 L2 13 Z"/>',
    diamond: '<path d="M8 1.5 L14.5 8 L8 14.5 L1.5 8 Z"/>',
    cross: '<path d="M6 2h4v4h4v4h-4v4H6v-4H2V6h4z"/>',
    star: '<path d="M8 1.5l1.9 4.2 4.6.4-3.5 3 1.1 4.5L8 11.2l-4.1 2.4 1.1-4.5-3.5-3 4.6-.4z"/>',
  };
  function symbol(o, size) {
    if (o.kind !== "point") {
      return swatch(o.scenario ? "url(#tp-scen)" : o.color, o.scenario ? ' stroke-dasharray="3 2"' : "");
    }
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
      '<g fill="' + (o.scenario ? "#ffffff" : o.color) + '" stroke="' + (o.scenario ? o.color : "#fff") +
      '" stroke-width="' + (o.scenario ? 2 : 1.2) + '"' + (o.scenario ? ' stroke-dasharray="2 1.5"' : "") + ">" +
      (SHAPES[o.shape] || SHAPES.circle) + "</g></svg>";
  }
  function overlayTip(o, props) {
    var lines = o.fields.map(function (label, k) { return esc(label) + ": " + esc(props.v[k]); });
    return "<b>" + esc(o.label) + "</b><br>" + lines.join("<br>");
  }
  function buildOverlay(o) {
    var icon = L.divIcon({ className: "tmark", html: symbol(o, 16), iconSize: [16, 16], iconAnchor: [8, 8] });
    return L.geoJSON(o.geo, {
      pointToLayer: function (f, latlng) { return L.marker(latlng, { icon: icon, keyboard: false }); },
      style: {
        color: o.color, weight: o.scenario ? 2 : 1.2, dashArray: o.scenario ? "6 4" : null,
        fillColor: o.scenario ? "url(#tp-scen)" : o.color, fillOpacity: o.scenario ? 1 : (o.fill || 0.22),
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(overlayTip(o, f.properties));
        layer.bindPopup(overlayTip(o, f.properties));
      },
    });
  }
  function setupOverlays() {
    var box = document.getElementById("overlays");
    D.overlays.forEach(function (o) {
      overlays[o.id] = buildOverlay(o);
      var on = state.livelli ? state.livelli.indexOf(o.id) >= 0 : o.show;
      if (on) overlays[o.id].addTo(map);
      if (!box) return;
      var id = "ov-" + o.id;
      var label = el("label", { for: id });
      var input = el("input", { type: "checkbox", id: id });
      input.checked = on;
      input.addEventListener("change", function () {
        if (input.checked) overlays[o.id].addTo(map); else map.removeLayer(overlays[o.id]);
        renderLegend();
        state.livelli = D.overlays.filter(function (x) { return map.hasLayer(overlays[x.id]); }).map(function (x) { return x.id; });
        writeHash();
      });
      label.appendChild(input);
      label.insertAdjacentHTML("beforeend", symbol(o, 14));
      label.appendChild(document.createTextNode(o.label + " (" + o.count + ")"));
      box.appendChild(label);
    });
  }

  /* ---------- indicator selector ---------- */
  function setupSelector() {
    var select = document.getElementById("indicator-select");
    if (select) {
      select.value = current ? current.id : "";
      select.addEventListener("change", function () { choose(select.value); });
    }
    document.querySelectorAll('input[name="indicatore"]').forEach(function (r) {
      r.checked = current && r.value === current.id;
      r.addEventListener("change", function () { if (r.checked) choose(r.value); });
    });
  }

  /* ---------- URL hash: comune, indicator, overlays, view ---------- */
  var state = {};
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv[0]) out[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || "");
    });
    if (out.livelli != null) out.livelli = out.livelli ? out.livelli.split(",") : [];
    return out;
  }
  function writeHash() {
    if (D.page === "atlas" || !map) return;
    var c = map.getCenter();
    state.vista = c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + map.getZoom();
    var parts = [];
    ["comune", "indicatore", "livelli", "vista"].forEach(function (k) {
      var v = state[k];
      if (v == null || v === "") return;
      parts.push(k + "=" + encodeURIComponent(Array.isArray(v) ? v.join(",") : v));
    });
    history.replaceState(null, "", "#" + parts.join("&"));
  }

  /* ---------- start ---------- */
  function start() {
    state = readHash();
    map = L.map("map", {
      zoomControl: false, attributionControl: false, preferCanvas: false,
      zoomSnap: 0.25, renderer: L.svg({ padding: 0.5 }),
    });
    L.control.zoom({ position: "topright", zoomInTitle: W.zoom_in, zoomOutTitle: W.zoom_out }).addTo(map);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    var attribution = L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>', position: "bottomright" });
    attribution.addTo(map);
    attribution.addAttribution(esc(W.credits) + " " + D.credits.map(esc).join(", ") +
      ' — <a href="#src-h">' + esc(W.licences) + "</a>");
    map.fitBounds(D.bounds, { animate: false });
    if (D.tiles) {
      var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        attribution: "© OpenStreetMap contributors, ODbL", maxZoom: 19,
      });
      var toggle = document.getElementById("osm-tiles");
      if (toggle) toggle.addEventListener("change", function () {
        if (toggle.checked) tiles.addTo(map).bringToBack(); else map.removeLayer(tiles);
      });
    }
    current = indicator(state.indicatore) || indicator(D.initial);
    drawComuni();
    setupOverlays();
    setupSelector();
    choose(current ? current.id : null);
    setupSearch();
    if (state.comune) {
      var i = D.comuni.codes.indexOf(state.comune);
      if (i >= 0 && D.page !== "atlas") goTo(i);
    } else if (state.vista) {
      var v = state.vista.split(",").map(Number);
      if (v.length === 3 && v.every(isFinite)) map.setView([v[0], v[1]], v[2], { animate: false });
    }
    map.on("moveend", writeHash);
    window.addEventListener("beforeprint", function () { map.invalidateSize(); map.fitBounds(D.bounds, { animate: false }); });
    window.territorioMap = map;  // for scripted checks (tests, notebooks)
    document.documentElement.classList.add("ready");
  }
  start();
})();
