"""The macros of the book, bound to one edition and one page: numbering, figures, links.

The same class serves the website (one instance per page, via `define_env`) and the print document
(one instance per chapter, via `cetak`), so both show the same tables, charts and words.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from agregat.sumber.tables import COVERAGE_TABLES

from agregat.core import aman
from agregat.core.config import CACHE_DIR, cache_dipakai
from agregat.core import angka
from agregat.buku import grafik
from agregat.buku import tabel
from agregat.buku.cache_keys import versions
from agregat.buku.kop import Kop, tanggal_dokumen
from agregat.core.periode import WITA
from agregat.edisi.muat import judul_wilayah, tanggal_panjang
from agregat.edisi.output import perubahan
from agregat.core.aman import markdown_aman, teks
from agregat.edisi.muat import Edisi

CACHE_GRAFIK = CACHE_DIR / "grafik"   # drawn charts, by input
_GRAFIK_SOURCE = (b"".join(Path(m.__file__).read_bytes() for m in (grafik, angka, aman))   # chart code, and the
                  + json.dumps(versions(("matplotlib",)), sort_keys=True).encode())          # library that draws
LABEL_TABEL = {
    "penduduk": "Jumlah Penduduk", "kartu_keluarga": "Jumlah Kepala Keluarga",
    "kelompok_umur": "Kelompok Umur", "umur_tunggal": "Umur Tunggal", "struktur_umur": "Struktur Umur",
    "agama": "Agama", "pendidikan": "Pendidikan", "pekerjaan": "Pekerjaan", "status_kawin": "Status Perkawinan",
    "hubungan_keluarga": "Hubungan dalam Keluarga", "golongan_darah": "Golongan Darah",
    "disabilitas": "Disabilitas", "wajib_ktp": "Wajib KTP-el", "akta_kelahiran": "Akta Kelahiran",
    "akta_kelahiran_0_17": "Akta Kelahiran 0-17 Tahun", "akta_kelahiran_0_5": "Akta Kelahiran 0-5 Tahun",
    "kia": "Sasaran KIA", "kepala_keluarga_status_kawin": "Kepala Keluarga Menurut Status Perkawinan",
    "ktp_el": "Perekaman dan Pencetakan KTP-el", "kia_kepemilikan": "Kepemilikan KIA",
    "kk_cetak": "Pencetakan Kartu Keluarga", "akta_perkawinan": "Akta Perkawinan",
    "akta_perceraian": "Akta Perceraian", "kk_kepemilikan": "Kepemilikan Kartu Keluarga",
    "akta_perkawinan_kepemilikan": "Kepemilikan Akta Perkawinan",
    "akta_perceraian_kepemilikan": "Kepemilikan Akta Perceraian",
    "indikator": "Indikator", "perbandingan": "Perbandingan",
}


TIDAK_TERSEDIA = "tidak tersedia pada sumber data edisi ini"
# Tables whose first category is a base and the others counts among it (not parts of a whole): shown per
# region with their coverage % (`tabel.tabel_cakupan`) wherever the book shows a table per region.
CAKUPAN = frozenset(COVERAGE_TABLES)   # agregat.sumber.tables: a base and counts among it, for every such table


def slug_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


_ID = re.compile(r' id="([^"]*)"')


class SimpananBlok:
    """Large raw-HTML blocks (the data tables) kept out of Markdown: `simpan` returns a one-tag placeholder
    for the Markdown text and `pulihkan` puts the blocks back into the converted HTML. Markdown passes a raw
    block through unchanged but parses every tag of it (MkDocs for anchors, md_in_html for `markdown=`
    attributes) — thousands per table; a placeholder costs one. It keeps the block's first `id`, so
    the anchors MkDocs sees stay the same. The placeholder's attribute name is random per instance, so no
    text of a page can pose as one. Invariant: `pulihkan(markdown(text with placeholders))` is the HTML
    Markdown makes of the text with the blocks themselves, and every placeholder is restored once."""

    def __init__(self) -> None:
        self._blok: list[str] = []
        self._nama = f"data-blok-{secrets.token_hex(8)}"
        self._tanda = re.compile(rf'<div {self._nama}="(\d+)"[^>]*></div>', re.ASCII)

    def simpan(self, html: str) -> Markup:
        found = _ID.search(html)
        anchor = f' id="{found.group(1)}"' if found else ""
        self._blok.append(html)
        return Markup(f'<div {self._nama}="{len(self._blok) - 1}"{anchor}></div>')

    def pulihkan(self, html: str) -> str:
        restored: list[int] = []

        def back(match: re.Match) -> str:
            restored.append(int(match.group(1)))
            return self._blok[restored[-1]] if restored[-1] < len(self._blok) else ""

        out = self._tanda.sub(back, html)
        if sorted(restored) != list(range(len(self._blok))):
            raise RuntimeError("placeholder blok HTML hilang atau berganda sesudah Markdown")   # a macro misused inline
        return out


@dataclass
class Buku:
    """Macros for one page (or print chapter) of one edition."""

    edisi: Edisi
    ke_akar: str = ""                 # relative path from the page to the site root, e.g. "../"
    bab: int | str | None = None      # chapter number for table/figure numbers
    grafik_dir: Path | None = None    # where chart SVG files are written (site/<periode>/grafik)
    cache_dir: Path | None = None     # where drawn charts are kept between builds (.cache/grafik)
    sempit: bool = False              # website: each chart drawn a second time for phones (<picture>)
    kop: Kop = field(default_factory=Kop)   # the configured logo and ibu kota (agregat.buku.kop)
    penanda_tangan: dict | None = None      # the Kepala Dinas's lembar pengesahan row (nama, nip), once signed
    sebelumnya: Edisi | None = None         # the previous edition (the site's headline table), when known
    muat: Callable[[str, int], bool] | None = None   # print: whether a table's header words fit n columns (cetak)
    simpanan: SimpananBlok | None = None   # when set, tables reach Markdown as placeholders (see SimpananBlok)
    daftar_tabel: list[tuple[str, str]] = field(default_factory=list)    # (nomor, judul) in order
    daftar_gambar: list[tuple[str, str]] = field(default_factory=list)
    _n_tabel: int = 0
    _n_gambar: int = 0

    # ---- numbering and links --------------------------------------------------------------------
    def _nomor_tabel(self, judul: str) -> str:
        self._n_tabel += 1
        nomor = f"{self.bab}.{self._n_tabel}" if self.bab else str(self._n_tabel)
        self.daftar_tabel.append((nomor, judul))
        return nomor

    def _nomor_gambar(self, judul: str) -> str:
        self._n_gambar += 1
        nomor = f"{self.bab}.{self._n_gambar}" if self.bab else str(self._n_gambar)
        self.daftar_gambar.append((nomor, judul))
        return nomor

    def url(self, path: str) -> str:
        """A site path (from the root) as seen from this page."""
        return f"{self.ke_akar}{path}"

    def url_edisi(self, path: str = "") -> str:
        return self.url(f"{self.edisi.periode}/{path}")

    def _kode(self, kode: str | None) -> str:
        return kode or self.edisi.kabupaten[0]

    def _doc(self, nama: str) -> dict:
        return self.edisi.dokumen[nama]

    def tersedia(self, nama: str) -> bool:
        """Whether the edition carries this table (an edition from a DKB workbook may not). A name that is
        no table of the book is an error, so a misspelt name still fails the strict build."""
        if nama in self.edisi.dokumen:
            return True
        if nama not in LABEL_TABEL:
            raise KeyError(f"tabel {nama!r} tidak dikenal")
        return False

    def _tidak_tersedia(self, nama: str) -> Markup:
        return Markup(f'<p class="catatan tidak-tersedia">{LABEL_TABEL.get(nama, nama)}: {TIDAK_TERSEDIA}.</p>\n')

    def desa_tidak_tersedia(self, nama: str, induk: str | None = None) -> Markup:
        """A note naming the desa/kelurahan (under `induk`, default all) whose numbers the table lacks: a DKB
        sheet had no row for them (the document's `tidak_tersedia`); they are in no total either. Empty when
        the table lacks none, or the edition has no such table."""
        if not self.tersedia(nama):
            return Markup("")
        induk = self._kode(induk)
        kodes = [k for k in self._doc(nama).get("tidak_tersedia") or ()
                 if induk == self.edisi.kabupaten[0] or k.startswith(f"{induk}.")]
        if not kodes:
            return Markup("")
        names = ", ".join(f"{self._judul_wilayah(k)} ({self._judul_wilayah(k.rsplit('.', 1)[0])})" for k in kodes)
        return Markup('<p class="catatan tidak-tersedia">Catatan: angka {} untuk {} desa/kelurahan {} (lembar buku '
                      "kerja DKB tanpa barisnya), jadi tidak termasuk dalam jumlah di atas: {}.</p>\n").format(
            LABEL_TABEL.get(nama, nama), len(kodes), TIDAK_TERSEDIA, names)

    def unduhan(self, nama: str) -> Markup:
        """Links to a table's CSV and XLSX."""
        base = self.url_edisi(f"unduhan/{nama}")
        return Markup(f'<p class="unduhan">Unduh data: <a href="{base}.csv" download>CSV</a> · '
                      f'<a href="{base}.xlsx" download>XLSX</a></p>')

    # ---- numbers in running text ----------------------------------------------------------------
    def angka(self, nama: str, label: str | None = None, kode: str | None = None, kolom: str = "jml") -> str:
        if not self.tersedia(nama):
            return TIDAK_TERSEDIA
        data = self._doc(nama)["wilayah"][self._kode(kode)]["data"]
        label = label or next(iter(data))
        return angka.bilangan(data[label][kolom])

    def indikator(self, kunci: str, kode: str | None = None, desimal: int = 2) -> str:
        """An indicator of a region as text; a `persen_…` one with its "%" (agregat.core.angka.persentase)."""
        value = self._doc("indikator")["wilayah"][self._kode(kode)]["data"][kunci]
        if kunci.startswith("persen_"):
            return angka.persentase(value, desimal)
        return angka.bilangan(value, desimal if isinstance(value, float) else 0)

    def _nama(self, kode: str | None = None, judul: bool = False) -> str:
        """A region's name as text (not escaped); `judul=True` in title case (BINUANG → Binuang)."""
        nama = self._doc("penduduk")["wilayah"][self._kode(kode)]["nama"]
        return nama.title() if judul else nama

    def _judul_wilayah(self, kode: str | None = None) -> str:
        """Level and name of a region as text (not escaped): "Kecamatan Binuang"."""
        return judul_wilayah(self._doc("penduduk")["wilayah"][self._kode(kode)])

    def nama_wilayah(self, kode: str | None = None, judul: bool = False) -> Markup:
        """A region's name, escaped; `judul=True` in title case (BINUANG → Binuang)."""
        return teks(self._nama(kode, judul))

    def judul_wilayah(self, kode: str | None = None) -> Markup:
        """Level and name of a region, escaped: "Kabupaten Tapin", "Kecamatan Binuang", "Provinsi …"."""
        return teks(self._judul_wilayah(kode))

    def daftar_wilayah(self, induk: str | None = None) -> Markup:
        """One sentence naming every region directly below `induk` (its desa/kelurahan, its kecamatan), by code:
        the names the site's search finds (the tables' cells are not indexed)."""
        induk = self._kode(induk)
        anak = tabel._anak(self._doc("penduduk"), induk)     # the rows of its tables, in their order
        names = ", ".join(self._nama(k, judul=True) for k in anak)
        return Markup('<p class="daftar-wilayah">{} ({}): {}.</p>\n').format(self._per_anak(induk), len(anak), names)

    def jumlah_wilayah(self, tingkat: str | list[str] | tuple[str, ...]) -> str:
        """How many regions of these levels the edition has, written the Indonesian way (2.016)."""
        levels = (tingkat,) if isinstance(tingkat, str) else tuple(tingkat)
        return angka.bilangan(len(self.edisi.wilayah(levels)))

    def _per_anak(self, induk: str) -> str:
        """"Kecamatan" (children of a kabupaten/kota), "Desa/Kelurahan" (of a kecamatan), "Kabupaten/Kota" (of a
        provinsi), followed by " di Kecamatan X" when `induk` is not the edition's root. Text, not escaped."""
        label = tabel.TINGKAT_ANAK[induk.count(".") + 1]
        return label + (f" di {self._judul_wilayah(induk)}" if induk != self.edisi.kabupaten[0] else "")

    # ---- tables ---------------------------------------------------------------------------------
    def _tabel(self, html: Markup, judul: str, nama: str | None) -> Markup:
        """A table in its scrolling wrapper, and its download links; a table wider than `tabel.MAKS_KATEGORI`
        categories as several (`tabel.pecah`), each in a wrapper of its own, on the website as in print."""
        links = self.unduhan(nama) if nama else Markup("")
        muat = functools.partial(self.muat, str(html)) if self.muat else None
        parts = []
        for part in tabel.pecah(str(html), muat):
            blok = Markup(f'<div class="tabel-bungkus">{part}</div>')
            parts.append(self.simpanan.simpan(blok) if self.simpanan is not None else blok)
        return Markup("\n".join(parts) + f"\n{links}\n")

    def tabel_wilayah(self, nama: str, induk: str | None = None) -> Markup:
        if not self.tersedia(nama):
            return self._tidak_tersedia(nama)
        doc = self._doc(nama)
        induk = self._kode(induk)
        judul = f"{doc['judul']} per {self._per_anak(induk)}"
        builder = tabel.tabel_cakupan if nama in CAKUPAN else tabel.tabel_wilayah
        return self._tabel(builder(doc, induk, nomor=self._nomor_tabel(judul), judul=judul), judul, nama) \
            + self.desa_tidak_tersedia(nama, induk)

    def tabel_kategori(self, nama: str, kode: str | None = None) -> Markup:
        if not self.tersedia(nama):
            return self._tidak_tersedia(nama)
        doc = self._doc(nama)
        judul = f"{doc['judul']}, {self._nama(kode, judul=True)}"
        return self._tabel(tabel.tabel_kategori(doc, self._kode(kode), nomor=self._nomor_tabel(judul), judul=judul), judul, nama) \
            + self.desa_tidak_tersedia(nama, kode)

    def tabel_indikator(self, kolom: list[str] | tuple[str, ...], induk: str | None = None) -> Markup:
        judul = f"Indikator Kependudukan per {self._per_anak(self._kode(induk))}"
        html = tabel.tabel_indikator(self._doc("indikator"), self._kode(induk), tuple(kolom),
                                     nomor=self._nomor_tabel(judul), judul=judul)
        return self._tabel(html, judul, "indikator")

    def tabel_perbandingan(self, indikator: str = "penduduk", induk: str | None = None) -> Markup:
        if "perbandingan" not in self.edisi.dokumen:
            return Markup('<p class="catatan">Edisi semester sebelumnya belum ada, jadi perbandingan belum '
                          "dapat disajikan.</p>")
        if not self.tersedia(indikator):
            return Markup("")
        judul = f"Perbandingan {LABEL_TABEL[indikator]} dengan Semester Sebelumnya"
        html = tabel.tabel_perbandingan(self._doc("perbandingan"), self._kode(induk), indikator,
                                        nomor=self._nomor_tabel(judul), judul=judul)
        return self._tabel(html, judul, "perbandingan")

    def tabel_laju(self, induk: str | None = None) -> Markup:
        """Laju pertumbuhan penduduk per child region against the previous edition (`perbandingan`)."""
        if "perbandingan" not in self.edisi.dokumen:
            return Markup('<p class="catatan">Edisi semester sebelumnya belum ada, jadi laju pertumbuhan belum '
                          "dapat disajikan.</p>")
        induk = self._kode(induk)
        judul = f"Laju Pertumbuhan Penduduk per {self._per_anak(induk)}"
        html = tabel.tabel_laju(self._doc("perbandingan"), induk, nomor=self._nomor_tabel(judul), judul=judul)
        return self._tabel(html, judul, "perbandingan")

    def laju(self, kode: str | None = None) -> str:
        """The region's laju pertumbuhan per tahun as text with its sign and "%" ("+1,14%"), "–" without a
        previous edition."""
        if "perbandingan" not in self.edisi.dokumen:
            return angka.KOSONG
        v = self._doc("perbandingan")["wilayah"][self._kode(kode)]["data"]["penduduk"]
        return angka.persentase(tabel.laju_per_tahun(v["sebelumnya"], v["sekarang"]), tanda=True)

    # ---- charts ---------------------------------------------------------------------------------
    def _grafik(self, fungsi, *args, **kwargs) -> grafik.Grafik:
        """A chart, from the cache when the same function already drew the same numbers.

        matplotlib takes ~0.2 s a chart and a book has ~40 of them per edition; the key covers the data,
        the arguments and the chart code itself. The key is public, so an entry is not proof of anything:
        `.cache/` is trusted like the code of the machine that builds. Under CI (env `CI`) the cache is never
        used (what is published is drawn in that run), and an entry whose SVG is not one our writer could
        have made (`grafik.svg_wajar`: no script, foreignObject, handler or external link) is dropped and
        the chart drawn again.
        """
        if self.cache_dir is None or not cache_dipakai():
            return fungsi(*args, **kwargs)
        kunci = hashlib.sha256(json.dumps([fungsi.__name__, args, kwargs], sort_keys=True, default=str).encode()
                               + _GRAFIK_SOURCE).hexdigest()
        path = self.cache_dir / f"{kunci}.json"
        if path.is_file():
            try:
                chart = grafik.Grafik(**json.loads(path.read_text(encoding="utf-8")))
                if all(isinstance(v, str) for v in dataclasses.astuple(chart)) and grafik.svg_wajar(chart.svg):
                    return chart
            except (OSError, ValueError, TypeError):
                pass
            path.unlink(missing_ok=True)
        chart = fungsi(*args, **kwargs)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dataclasses.asdict(chart)), encoding="utf-8")
        os.replace(tmp, path)
        return chart

    def _tulis_svg(self, chart: grafik.Grafik, id: str) -> str:
        """Write the chart to `grafik_dir/<id>.svg` (when set, and changed); its URL from this page."""
        if self.grafik_dir is not None:
            self.grafik_dir.mkdir(parents=True, exist_ok=True)
            path = self.grafik_dir / f"{id}.svg"
            if not path.exists() or path.read_text(encoding="utf-8") != chart.svg:
                path.write_text(chart.svg, encoding="utf-8")
        return self.url_edisi(f"grafik/{id}.svg")

    def _gambar(self, fungsi, *args, id: str) -> Markup:
        """A numbered figure of the chart `fungsi(*args)`; with `sempit`, a phone's screen (≤ 30em) gets the
        narrow drawing (`grafik.UKURAN_SEMPIT_CM`, `<id>-sempit.svg`), so its text stays ≥ 11 px there."""
        chart = self._grafik(fungsi, *args, id=id)
        nomor = self._nomor_gambar(chart.judul)
        src = self._tulis_svg(chart, id)
        img = f'<img src="{src}" alt="{teks(chart.alt)}">'
        if self.sempit:
            narrow = self._grafik(fungsi, *args, id=f"{id}-sempit", ukuran=grafik.UKURAN_SEMPIT_CM)
            img = (f'<picture><source media="(max-width: 30em)" srcset="{self._tulis_svg(narrow, f"{id}-sempit")}">'
                   f"{img}</picture>")
        return Markup(f'<figure class="grafik" id="gambar-{nomor}">{img}'
                      f"<figcaption>Gambar {nomor} {teks(chart.judul)}</figcaption></figure>\n")

    def grafik_piramida(self, kode: str | None = None) -> Markup:
        if not self.tersedia("kelompok_umur"):
            return Markup("")
        kode = self._kode(kode)
        id = f"piramida-{kode.replace('.', '-')}"
        return self._gambar(grafik.piramida, self._doc("kelompok_umur"), kode, id=id)

    def grafik_batang(self, nama: str, kode: str | None = None) -> Markup:
        if not self.tersedia(nama):
            return Markup("")
        kode = self._kode(kode)
        id = f"{nama}-{kode.replace('.', '-')}"
        return self._gambar(grafik.batang, self._doc(nama), kode, id=id)

    def grafik_per_kecamatan(self, nama: str = "penduduk", label: str | None = None) -> Markup:
        if not self.tersedia(nama):
            return Markup("")
        id = f"{nama}-per-kecamatan" + (f"-{slug_id(label)}" if label else "")
        return self._gambar(grafik.per_kecamatan, self._doc(nama), label, id=id)

    def grafik_perbandingan(self, indikator: str = "penduduk") -> Markup:
        if "perbandingan" not in self.edisi.dokumen or not self.tersedia(indikator):
            return Markup("")
        id = f"perbandingan-{indikator}"
        return self._gambar(grafik.perbandingan, self._doc("perbandingan"), indikator, id=id)

    # ---- headline figures -----------------------------------------------------------------------
    def ringkasan(self) -> Markup:
        """Headline figures of the edition's root (kabupaten/kota or provinsi) with the change from the previous
        semester: from the edition's perbandingan.yml, and for L and P from the previous edition `sebelumnya`
        (given by the site only when it is the edition that perbandingan.yml compared with); "–" without."""
        kode = self.edisi.kabupaten[0]
        ind = self._doc("indikator")["wilayah"][kode]["data"]
        banding = self.edisi.dokumen.get("perbandingan", {}).get("wilayah", {}).get(kode, {}).get("data", {})
        wajib = (self._doc("wajib_ktp")["wilayah"][kode]["data"]["WAJIB KTP-EL"]["jml"]
                 if self.tersedia("wajib_ktp") else None)
        lalu = self.sebelumnya.dokumen["indikator"]["wilayah"].get(kode, {}).get("data", {}) if self.sebelumnya else {}

        def ubah(kunci: str) -> dict | None:
            return perubahan(lalu[kunci], ind[kunci]) if lalu.get(kunci) is not None else None

        rows = [("Jumlah penduduk", ind["penduduk"], banding.get("penduduk")),
                ("Laki-laki", ind["lk"], ubah("lk")), ("Perempuan", ind["pr"], ubah("pr")),
                ("Kepala keluarga (KK)", ind["kk"], banding.get("kartu_keluarga")),
                ("Wajib KTP-el", wajib, banding.get("wajib_ktp")),
                ("Kepadatan (jiwa/km²)", ind["kepadatan"], None),
                ("Rasio jenis kelamin (L per 100 P)", ind["rasio_jenis_kelamin"], None)]
        body = []
        for label, value, change in rows:
            shown = "tidak tersedia" if value is None else angka.bilangan(value, 2 if isinstance(value, float) else 0)
            if change and change.get("sebelumnya") is not None:
                delta = f"{angka.bertanda(change['selisih'])} ({angka.persentase(change['persen'])})"
            else:
                delta = angka.KOSONG
            body.append(f'<tr><th scope="row">{label}</th><td class="angka">{shown}</td>'
                        f'<td class="angka">{delta}</td></tr>')
        caption = f"Angka utama {self.judul_wilayah()}, {self.edisi.semester}"
        return Markup(f'<table class="ringkasan"><caption>{caption}</caption><thead><tr><th scope="col">Indikator</th>'
                      f'<th scope="col">Semester ini</th><th scope="col">Perubahan dari semester lalu</th></tr>'
                      f"</thead><tbody data-search-exclude>{''.join(body)}</tbody></table>\n")

    def penutup_pengantar(self) -> Markup:
        """The Kata Pengantar's closing: "<ibu kota>, <the document's date in words>", the Kepala Dinas's title,
        room to sign, then name and NIP from the Kepala Dinas's row of the lembar pengesahan (`penanda_tangan`);
        a blank line for each of these (and for the place, when no `ibu_kota` is configured) until then."""
        kosong = Markup('<span class="isian"></span>')
        ttd = self.penanda_tangan or {}

        def isi(value) -> Markup:
            return teks(value) if value not in (None, "") else kosong

        tempat = isi(self.kop.untuk(self.edisi).ibu_kota)
        tanggal = tanggal_panjang(tanggal_dokumen(self.edisi).astimezone(WITA).date())
        return Markup('<div class="penutup-pengantar">\n<p>{}, {}</p>\n<p>Kepala Dinas Kependudukan dan Pencatatan '
                      'Sipil<br>{}</p>\n<div class="ruang-ttd"></div>\n<p class="nama">{}</p>\n<p>NIP {}</p>\n'
                      '</div>').format(tempat, tanggal, self._judul_wilayah(None), isi(ttd.get("nama")),
                                       isi(ttd.get("nip")))

    def analisa(self) -> Markup:
        """The Kasi's analysis text of the edition (data/<periode>/analisa.md): Markdown rendered to HTML with
        raw HTML and unsafe links removed (`aman.markdown_aman`), never passed on as raw HTML."""
        return markdown_aman(self.edisi.analisa or "Analisa edisi ini belum disusun.")
