/* SIPD import pages: drop zone for the upload form, progress polling on the
   batch page. No framework; works without it (plain form, reload). */
(function () {
  "use strict";

  var zone = document.getElementById("dropzone");
  if (zone) {
    var input = zone.querySelector("input[type=file]");
    var text = document.getElementById("dropzone-text");
    var show = function () {
      text.textContent = input.files && input.files.length
        ? input.files[0].name + " (" + Math.round(input.files[0].size / 1024) + " KB)"
        : zone.getAttribute("data-empty");
    };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("dragover"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragover"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
      }
    });
  }

  // The bar's starting width comes as data-percent (no style attribute: CSP).
  var startBar = document.getElementById("progress-bar");
  if (startBar && startBar.hasAttribute("data-percent")) {
    startBar.style.width = startBar.getAttribute("data-percent") + "%";
  }

  var panel = document.getElementById("import-status");
  if (panel && panel.getAttribute("data-running") === "1") {
    var url = panel.getAttribute("data-progress-url");
    var bar = document.getElementById("progress-bar");
    var barBox = document.getElementById("progress");
    var label = document.getElementById("status-label");
    var ptext = document.getElementById("progress-text");
    var fmt = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var pct = d.total ? Math.round(100 * d.done / d.total) : 0;
          bar.style.width = pct + "%";
          barBox.setAttribute("aria-valuenow", d.done);
          barBox.setAttribute("aria-valuemax", d.total);
          label.textContent = d.status_label;
          ptext.textContent = fmt(d.done) + " / " + fmt(d.total);
          if (d.running) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }

  var rb = document.getElementById("rollback-form");
  if (rb) {
    rb.addEventListener("submit", function (e) {
      if (!window.confirm(rb.getAttribute("data-confirm") || "Batalkan batch ini?")) { e.preventDefault(); }
    });
  }
})();
