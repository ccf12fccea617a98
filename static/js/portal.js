// Small behaviours of every page, kept out of the HTML so the
// Content-Security-Policy can forbid inline script (script-src 'self').
(function () {
  "use strict";
  // <select data-autosubmit>: submit its form when the choice changes
  // (the language switch); a <noscript> button covers browsers without JS.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) {
        select.form.submit();
      }
    });
  });
  // <button data-print>: print the page (instead of an inline onclick).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
