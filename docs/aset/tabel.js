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
// Wide tables: a wrapper whose table is wider than the screen gets the class bisa-geser, a hint above it
// ("Geser tabel ke samping"), keyboard focus and a name (the caption); di-ujung once scrolled to its end.
// Every width is read before any class is set: one layout for the page, not one per table.
function tandaiGeser() {
  var semua = Array.prototype.slice.call(document.querySelectorAll(".tabel-bungkus"));
  semua.forEach(function (bungkus) {
    var petunjuk = bungkus.previousElementSibling;
    if (!petunjuk || !petunjuk.classList.contains("geser-petunjuk")) {
      petunjuk = document.createElement("p");
      petunjuk.className = "geser-petunjuk";
      petunjuk.setAttribute("aria-hidden", "true");
      petunjuk.textContent = "Geser tabel ke samping \u2192";
      bungkus.parentNode.insertBefore(petunjuk, bungkus);
      bungkus.addEventListener("scroll", function () { ujung(bungkus); }, {passive: true});
    }
  });
  var lebar = semua.map(ukur);
  semua.forEach(function (bungkus, i) {
    var geser = lebar[i].isi > lebar[i].tampak + 1;
    bungkus.classList.toggle("bisa-geser", geser);
    bungkus.previousElementSibling.hidden = !geser;
    var caption = bungkus.querySelector("caption");
    if (geser) {
      bungkus.tabIndex = 0;
      bungkus.setAttribute("role", "region");
      if (caption) bungkus.setAttribute("aria-label", caption.textContent);
    } else {
      bungkus.removeAttribute("tabindex");
      bungkus.removeAttribute("role");
      bungkus.removeAttribute("aria-label");
    }
    tandaiUjung(bungkus, lebar[i]);
  });
}
function ukur(bungkus) {
  return {isi: bungkus.scrollWidth, tampak: bungkus.clientWidth, geser: bungkus.scrollLeft};
}
function tandaiUjung(bungkus, lebar) {
  bungkus.classList.toggle("di-ujung", lebar.geser + lebar.tampak >= lebar.isi - 1);
}
function ujung(bungkus) {
  tandaiUjung(bungkus, ukur(bungkus));
}
function aturHalaman() { aturTabel(); tandaiGeser(); }
window.addEventListener("resize", tandaiGeser);
if (typeof document$ !== "undefined") { document$.subscribe(aturHalaman); } else {
  document.addEventListener("DOMContentLoaded", aturHalaman);
}
