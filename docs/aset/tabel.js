// Sortable data tables (tablesort 5.6.0, MIT, vendored in this folder): every numeric cell carries its raw
// value in data-sort, so sorting is by number, not by the Indonesian-formatted text. Works with Material's
// instant navigation as well as on a plain page load.
function aturTabel() {
  document.querySelectorAll("table.tabel-data:not([data-tersortir])").forEach(function (table) {
    table.setAttribute("data-tersortir", "");
    new Tablesort(table);
    // keyboard: every sortable header is focusable and sorts on Enter or Space
    table.querySelectorAll("thead th").forEach(function (th) {
      th.tabIndex = 0;
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); th.click(); }
      });
    });
  });
}
if (typeof document$ !== "undefined") { document$.subscribe(aturTabel); } else {
  document.addEventListener("DOMContentLoaded", aturTabel);
}
