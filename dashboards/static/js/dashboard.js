/* Dasbor TKPKD: charts (Chart.js) and the kab/kota map (Leaflet, no tiles).
 *
 * Reads the figures embedded by the page with json_script (#dashboard-data);
 * no inline scripts, so a strict CSP (script-src 'self') holds. Every chart
 * has a table under it with the exact figures (the text alternative); the
 * charts only draw them. Rupiah is written the Indonesian way by rupiahShort,
 * which mirrors budgets.money.format_rupiah_short.
 */
(function () {
  "use strict";

  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode) { return; }
  var DATA = JSON.parse(dataNode.textContent);

  // --- numbers the Indonesian way (mirror of budgets/money.py) ---------------
  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function number(value, decimals) {
    var fixed = Math.abs(value).toFixed(decimals || 0);
    var parts = fixed.split(".");
    var text = group(parts[0]) + (parts[1] ? "," + parts[1] : "");
    return (value < 0 ? "-" : "") + text;
  }
  var SCALES = [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"]];
  function rupiahShort(value) {
    if (value === null || value === undefined || isNaN(value)) { return "-"; }
    for (var i = 0; i < SCALES.length; i++) {
      if (Math.abs(value) >= SCALES[i][0]) {
        var scaled = Math.round((value / SCALES[i][0]) * 10) / 10;
        var text = scaled === Math.round(scaled) ? number(scaled, 0) : number(scaled, 1);
        return (value < 0 ? "-" : "") + "Rp" + text.replace("-", "") + " " + SCALES[i][1];
      }
    }
    return (value < 0 ? "-Rp" : "Rp") + number(Math.abs(Math.round(value)), 0);
  }
  function percent(fraction) {
    if (fraction === null || fraction === undefined || isNaN(fraction)) { return "-"; }
    return number(fraction * 100, 1) + "%";
  }
  window.TKPKD = { rupiahShort: rupiahShort, percent: percent };

  // --- palette: Okabe-Ito (safe for colour blindness), plus hatching --------
  var BLUE = "#0b5c8a", ORANGE = "#d55e00", SKY = "#56b4e9", GREEN = "#009e73",
      YELLOW = "#e69f00", PURPLE = "#cc79a7", GREY = "#7a8694";
  var SERIES = [BLUE, YELLOW, SKY, GREEN, PURPLE, ORANGE, GREY];

  function hatch(color) {
    // A diagonal-stripe pattern: the second series differs by texture, not
    // only by colour.
    var c = document.createElement("canvas");
    c.width = 8; c.height = 8;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = color; ctx.lineWidth = 2.5;
    ctx.beginPath(); ctx.moveTo(0, 8); ctx.lineTo(8, 0); ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
    ctx.moveTo(6, 10); ctx.lineTo(10, 6); ctx.stroke();
    return ctx.createPattern(c, "repeat");
  }

  if (window.Chart) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#1c2430";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
  }

  function go(urls) {
    return function (event, elements) {
      if (elements && elements.length && urls[elements[0].index]) {
        window.location.href = urls[elements[0].index];
      }
    };
  }
  function shortLabel(text) {
    return text.length > 38 ? text.slice(0, 36) + "…" : text;
  }

  function moneyBars(canvasId, items, horizontal) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !window.Chart || !items || !items.length) { return; }
    var axis = horizontal ? "x" : "y";
    var scales = {};
    scales[axis] = { beginAtZero: true, ticks: { callback: function (v) { return rupiahShort(v); } } };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: items.map(function (i) { return shortLabel(i.label); }),
        datasets: [
          { label: "Pagu", data: items.map(function (i) { return i.pagu; }),
            backgroundColor: BLUE, borderColor: BLUE, borderWidth: 1 },
          { label: "Realisasi", data: items.map(function (i) { return i.realisasi; }),
            backgroundColor: hatch(ORANGE), borderColor: ORANGE, borderWidth: 1.5 }
        ]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        scales: scales,
        onClick: go(items.map(function (i) { return i.url; })),
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: {
            label: function (ctx) {
              var item = items[ctx.dataIndex];
              var text = ctx.dataset.label + ": " + rupiahShort(ctx.raw);
              if (ctx.datasetIndex === 1) { text += " (serapan " + percent(item.serapan) + ")"; }
              return text;
            }
          } }
        }
      }
    });
  }

  moneyBars("chart-pillar", DATA.pillar, false);
  moneyBars("chart-strategy", DATA.strategy, false);
  moneyBars("chart-unit", DATA.unit, true);

  (function yearOverYear() {
    var canvas = document.getElementById("chart-yoy");
    if (!canvas || !window.Chart || !DATA.yoy.years.length) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: DATA.yoy.series.map(function (s) { return shortLabel(s.label); }),
        datasets: DATA.yoy.years.map(function (year, index) {
          var color = SERIES[index % SERIES.length];
          return { label: String(year), backgroundColor: index % 2 ? hatch(color) : color,
                   borderColor: color, borderWidth: 1.5,
                   data: DATA.yoy.series.map(function (s) { return s.values[index]; }) };
        })
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return rupiahShort(v); } } } },
        plugins: { legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + rupiahShort(ctx.raw); } } } }
      }
    });
  })();

  (function roadmap() {
    var canvas = document.getElementById("chart-roadmap");
    if (!canvas || !window.Chart) { return; }
    var q = DATA.roadmap;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: q.map(function (r) { return "TW " + r.quarter; }),
        datasets: [
          { label: "Selesai", data: q.map(function (r) { return r.done; }), backgroundColor: BLUE },
          { label: "Sesuai jadwal", data: q.map(function (r) { return r.on_track; }), backgroundColor: SKY },
          { label: "Terlambat", data: q.map(function (r) { return r.late; }),
            backgroundColor: hatch(ORANGE), borderColor: ORANGE, borderWidth: 1.5 }
        ]
      },
      options: {
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  })();

  // --- the map --------------------------------------------------------------
  var RAMP = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var MEASURE_TEXT = { pagu: "Pagu", realisasi: "Realisasi", serapan: "Serapan",
                       per_poor: "Pagu per penduduk miskin" };

  function breaks(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 1; i < RAMP.length; i++) {
      out.push(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / RAMP.length))]);
    }
    return out;
  }
  function classOf(value, cuts) {
    for (var i = 0; i < cuts.length; i++) { if (value < cuts[i]) { return i; } }
    return cuts.length;
  }
  function formatMeasure(measure, value) {
    return measure === "serapan" ? percent(value) : rupiahShort(value);
  }

  (function map() {
    var node = document.getElementById("map");
    if (!node || !window.L) { return; }
    var info = DATA.map;
    var measure = info.measure;
    var regions = info.regions;
    var values = Object.keys(regions).map(function (k) { return regions[k][measure]; })
      .filter(function (v) { return v !== null && v !== undefined && v > 0; });
    var cuts = breaks(values.length ? values : [0]);
    var leafletMap = L.map(node, { zoomControl: true, attributionControl: false,
                                   scrollWheelZoom: false, zoomSnap: 0.25 });
    // The label is built from text nodes: a region name is data, never markup.
    function mapLabel(name, text) {
      var box = document.createElement("span");
      box.appendChild(document.createTextNode(name));
      box.appendChild(document.createElement("br"));
      var strong = document.createElement("strong");
      strong.appendChild(document.createTextNode(text));
      box.appendChild(strong);
      return box;
    }
    node.setAttribute("data-ready", "0");
    fetch(node.getAttribute("data-geojson"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var layer = L.geoJSON(geo, {
          style: function (feature) {
            var r = regions[feature.properties.kode];
            var v = r ? r[measure] : null;
            var empty = v === null || v === undefined || v <= 0;
            var highlighted = !info.highlight || info.highlight.length <= 2 ||
              feature.properties.kode === info.highlight ||
              feature.properties.kode.indexOf(info.highlight + ".") === 0;
            return {
              color: highlighted ? "#1c2430" : "#9aa5b1", weight: highlighted ? 1.5 : 0.8,
              dashArray: empty ? "4 4" : null,
              fillColor: empty ? "#ffffff" : RAMP[classOf(v, cuts)],
              fillOpacity: empty ? 0.6 : 0.9
            };
          },
          onEachFeature: function (feature, shape) {
            var r = regions[feature.properties.kode];
            var name = r ? r.name : feature.properties.nama;
            var text = r ? (r.text[measure] || "-") : "-";
            shape.bindTooltip(mapLabel(name.replace("Kabupaten ", "Kab. "), text),
                              { permanent: true, direction: "center", className: "map-label" });
            if (r && r.url) {
              shape.on("click", function () { window.location.href = r.url; });
              shape.on("mouseover", function () { shape.setStyle({ weight: 3 }); });
              shape.on("mouseout", function () { layer.resetStyle(shape); });
            }
            if (shape.getElement) {
              shape.on("add", function () {
                var el = shape.getElement();
                if (el) { el.setAttribute("data-kode", feature.properties.kode); }
              });
            }
          }
        }).addTo(leafletMap);
        leafletMap.fitBounds(layer.getBounds(), { padding: [8, 8] });
        layer.eachLayer(function (shape) {
          var el = shape.getElement && shape.getElement();
          if (el) { el.setAttribute("data-kode", shape.feature.properties.kode); el.classList.add("region-shape"); }
        });
        node.setAttribute("data-ready", "1");
        legend(cuts, measure, values.length > 0);
      })
      .catch(function () {
        node.textContent = "Peta tidak dapat dimuat; angka lengkap ada di tabel di bawah.";
      });
  })();

  function legend(cuts, measure, hasValues) {
    var box = document.getElementById("map-legend");
    if (!box) { return; }
    box.textContent = "";
    var title = document.createElement("p");
    title.className = "legend-title";
    title.textContent = MEASURE_TEXT[measure] || measure;
    box.appendChild(title);
    if (!hasValues) {
      var none = document.createElement("p");
      none.textContent = measure === "per_poor"
        ? "Belum ada data kemiskinan; unggah tabel BPS."
        : "Tidak ada angka untuk filter ini.";
      box.appendChild(none);
    } else {
      for (var i = 0; i < RAMP.length; i++) {
        var row = document.createElement("div");
        row.className = "legend-row";
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = RAMP[i];
        var label = document.createElement("span");
        var low = i === 0 ? null : cuts[i - 1];
        var high = i < cuts.length ? cuts[i] : null;
        label.textContent = low === null ? "< " + formatMeasure(measure, high)
          : high === null ? "≥ " + formatMeasure(measure, low)
          : formatMeasure(measure, low) + " – " + formatMeasure(measure, high);
        row.appendChild(swatch); row.appendChild(label);
        box.appendChild(row);
      }
    }
    var emptyRow = document.createElement("div");
    emptyRow.className = "legend-row";
    var emptySwatch = document.createElement("span");
    emptySwatch.className = "swatch swatch-empty";
    var emptyLabel = document.createElement("span");
    emptyLabel.textContent = "Tanpa anggaran / data (garis putus-putus)";
    emptyRow.appendChild(emptySwatch); emptyRow.appendChild(emptyLabel);
    box.appendChild(emptyRow);
  }

  // --- small things ---------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll(".gauge-fill"), function (el) {
    var f = parseFloat(el.getAttribute("data-fraction")) || 0;
    el.style.width = Math.max(0, Math.min(1, f)) * 100 + "%";
  });
  var printButton = document.getElementById("print-button");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  window.addEventListener("beforeprint", function () {
    if (window.Chart) { Object.values(Chart.instances).forEach(function (c) { c.resize(); }); }
  });
  // Changing a select applies the filter at once (the button stays for no-JS use).
  var form = document.querySelector(".dash-filter");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      select.addEventListener("change", function () {
        if (select.name === "wilayah") {
          var unit = form.querySelector("select[name=unit]");
          if (unit) { unit.value = ""; }
        }
        form.submit();
      });
    });
  }
})();
