"""Grafik SVG statis untuk buku: satu berkas yang sama di situs (inline) dan di PDF (WeasyPrint).

Semua fungsi menerima dokumen YAML yang sudah di-parse (dict), tidak pernah path, dan mengembalikan
`Grafik(svg, judul, alt)`. SVG dimulai dengan elemen `<svg` (tanpa prolog XML), membawa `role="img"`,
`aria-labelledby` ke `<title>` dan `<desc>` di awal, dan teksnya tetap teks (`svg.fonttype: none`).
Keluaran deterministik: masukan yang sama menghasilkan byte yang sama (`svg.hashsalt` = id grafik, tanpa
tanggal/pembuat di metadata). Id internal matplotlib (clip path, marker) diturunkan dari id grafik, jadi
beberapa grafik bisa di-inline di satu halaman tanpa id yang bentrok.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
from dataclasses import dataclass

from agregat.core.periode import Periode
from agregat.edisi.muat import judul_wilayah

from agregat.core.aman import teks as _teks
from agregat.core.angka import bertanda, bilangan, persentase

BIRU, JINGGA, ABU = "#1f77b4", "#d95f02", "#767676"  # aman buta warna; kontras >= 3:1 terhadap putih
UKURAN_CM = (16.0, 9.0)    # the printed page and a wide screen: shown at its own size, 8.5 pt text ≥ 11 px
UKURAN_SEMPIT_CM = (9.0, 11.0)   # a phone (390 px): the website's second drawing, its text ≥ 11 px there too
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    # no text under 8.5 pt (11.3 px at the drawing's own size): every label takes `font.size`
    "font.size": 8.5, "axes.labelsize": 8.5, "xtick.labelsize": 8.5, "ytick.labelsize": 8.5, "legend.fontsize": 8.5,
    "text.color": "#222222", "axes.labelcolor": "#222222", "xtick.color": "#222222", "ytick.color": "#222222",
    "axes.edgecolor": "#444444", "axes.linewidth": 0.6,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "axes.grid.axis": "x", "axes.axisbelow": True, "grid.color": "#dddddd",
    "grid.linewidth": 0.5, "svg.fonttype": "none", "svg.image_inline": True,
    "text.parse_math": False,   # a `$` in a name is a character, never mathtext (matplotlib escapes SVG text)
}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_NAMA_INDIKATOR = {"penduduk": ("Jumlah penduduk", "jiwa"), "kartu_keluarga": ("Jumlah kartu keluarga", "KK"),
                   "wajib_ktp": ("Jumlah penduduk wajib KTP-el", "jiwa")}


@dataclass(frozen=True)
class Grafik:
    svg: str
    judul: str
    alt: str


_SVG, _XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
#: Every element and attribute `_gambar` (matplotlib's SVG writer with `_RC`) emits; nothing else is accepted.
_ELEMEN = {_SVG + name for name in ("svg", "title", "desc", "metadata", "defs", "style", "g", "path", "use",
                                     "clipPath", "rect", "text", "tspan")} | {
    _RDF + "RDF", "{http://creativecommons.org/ns#}Work", "{http://purl.org/dc/elements/1.1/}format",
    "{http://purl.org/dc/elements/1.1/}type"}
_ATRIBUT = {"aria-labelledby", "clip-path", "d", "height", "id", "role", "style", "transform", "type", "version",
            "viewBox", "width", "x", "y", "class", _RDF + "resource", _XLINK + "href"}
_URL_LUAR = re.compile(r"url\(\s*(?!['\"]?#)|@|javascript:|expression", re.IGNORECASE)


def svg_wajar(svg: str) -> bool:
    """True when `svg` could have come from `_gambar`: one `<svg` element of the SVG namespace, no prolog,
    DOCTYPE, entity, comment or processing instruction, only the elements and attributes of `_ELEMEN` and
    `_ATRIBUT`, links (`href`) to `#id` only, and no CSS reaching outside the file (`url(` other than
    `url(#…)`, `@import`). No script, foreignObject, `on*` handler or external reference passes."""
    import xml.etree.ElementTree as ET

    if not isinstance(svg, str) or not svg.startswith("<svg") or "<!" in svg or "<?" in svg:
        return False
    try:
        akar = ET.fromstring(svg)
    except ET.ParseError:
        return False
    for elemen in akar.iter():
        if elemen.tag not in _ELEMEN or not set(elemen.attrib) <= _ATRIBUT:
            return False
        if not elemen.attrib.get(_XLINK + "href", "#").startswith("#"):
            return False
        teks_css = " ".join([elemen.text or "" if elemen.tag == _SVG + "style" else "", *elemen.attrib.values()])
        if _URL_LUAR.search(teks_css):
            return False
    return akar.tag == _SVG + "svg"


def angka(nilai: float, desimal: int = 0, tanda: bool = False) -> str:
    """Gaya Indonesia: 1.234.567 dan 12,3 (the book's one formatter); `tanda` adds + to positive numbers."""
    return (bertanda if tanda else bilangan)(nilai, desimal)


def _periode(periode: str) -> str:
    """`2025-S1` → `Semester I Tahun 2025`."""
    return Periode.parse(periode).judul


_nama = judul_wilayah   # "Kabupaten Tapin": the one rule, agregat.edisi.muat


def _urut_kode(kode: str) -> tuple[int, ...]:  # urutan Kemendagri: 63.05.2 < 63.05.10
    return tuple(int(bagian) for bagian in kode.split("."))


# the level below a root, by the root's code parts: (in a title, in running text)
_ANAK = {1: ("Kabupaten/Kota", "kabupaten/kota"), 2: ("Kecamatan", "kecamatan")}


def _akar(doc: dict) -> str:
    """Kode of the document's root: the region with the shortest code (the kabupaten, or the provinsi)."""
    return min(doc["wilayah"], key=lambda k: (k.count("."), _urut_kode(k)))


def _kabupaten_dan_kecamatan(doc: dict) -> tuple[dict, list[tuple[str, dict]]]:
    """The root region and the regions one level below it (kecamatan of a kabupaten, kabupaten/kota of a
    provinsi), by Kemendagri code."""
    wilayah = doc["wilayah"]
    akar = _akar(doc)
    depth = akar.count(".") + 1
    anak = sorted(((k, w) for k, w in wilayah.items() if k.startswith(akar + ".") and k.count(".") == depth),
                  key=lambda kw: _urut_kode(kw[0]))
    return wilayah[akar], anak


def _wilayah(doc: dict, kode: str | None) -> dict:
    """`kode=None`: the document's root (kabupaten or provinsi)."""
    return doc["wilayah"][kode] if kode is not None else _kabupaten_dan_kecamatan(doc)[0]


def _id(id: str | None, bawaan: str) -> str:
    hasil = id if id is not None else re.sub(r"[^A-Za-z0-9_-]", "-", bawaan)
    if not _ID.match(hasil):
        raise ValueError(f"id grafik tidak sah: {hasil!r} (huruf di depan, lalu huruf/angka/-/_)")
    return hasil


@functools.cache
def _mpl():
    """(matplotlib, matplotlib.figure, matplotlib.ticker) with the Agg backend (no GUI), imported when the first
    chart is drawn: a site build that takes every chart from the cache never loads it (about 0.5 s)."""
    import matplotlib

    matplotlib.use("Agg")   # before the modules below
    from matplotlib import figure, ticker

    return matplotlib, figure, ticker


def _sumbu_angka(ax, sumbu: str = "x", mutlak: bool = False) -> None:
    axis = ax.xaxis if sumbu == "x" else ax.yaxis
    _, _, ticker = _mpl()
    axis.set_major_locator(ticker.MaxNLocator(nbins=3 if _sempit(ax) else 6, integer=True, symmetric=mutlak))
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: angka(abs(v) if mutlak else v)))


def _gambar(id: str, judul: str, alt: str, lukis, ukuran: tuple[float, float] = UKURAN_CM) -> Grafik:
    """`ukuran`: (width, height) in cm, `UKURAN_CM` or `UKURAN_SEMPIT_CM`."""
    matplotlib, figure, _ = _mpl()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": id, "svg.id": id}):
        fig = figure.Figure(figsize=(ukuran[0] / 2.54, ukuran[1] / 2.54), layout="constrained")
        lukis(fig.add_subplot())
        keluaran = io.StringIO()
        fig.savefig(keluaran, format="svg", metadata={"Date": None, "Creator": None})
        fig.clear()  # Figure tanpa pyplot tidak terdaftar secara global; clear() melepas artist-nya segera
    svg = keluaran.getvalue()
    svg = svg[svg.index("<svg"):]
    akhir_tag = svg.index(">")
    svg = (svg[:akhir_tag] + f' role="img" aria-labelledby="{id}-judul {id}-alt"'
           ' style="max-width:100%;height:auto">'
           f'\n <title id="{id}-judul">{_teks(judul)}</title>\n <desc id="{id}-alt">{_teks(alt)}</desc>'
           + svg[akhir_tag + 1:])
    # Bila di-inline, gaya `*{...}` matplotlib berlaku ke seluruh halaman dan id kelompok tetapnya
    # (figure_1, axes_1, …) bentrok antar grafik: batasi gayanya, buang id kelompok (tidak dirujuk).
    svg = svg.replace("*{stroke-linejoin", f"#{id} *{{stroke-linejoin", 1)
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)
    return Grafik(svg=svg, judul=judul, alt=alt)


def _sempit(ax) -> bool:
    """Whether `ax` is on the narrow drawing (`UKURAN_SEMPIT_CM`)."""
    return ax.figure.get_figwidth() * 2.54 < (UKURAN_CM[0] + UKURAN_SEMPIT_CM[0]) / 2


def _lebar_label(ax) -> int:
    """Characters per line of a category label: fewer on the narrow drawing, so the bars keep their room."""
    return 16 if _sempit(ax) else 28


def _batang_mendatar(ax, label: list[str], nilai: list[int], warna, satuan: str = "jiwa") -> None:
    bar = ax.barh(range(len(nilai)), nilai, color=warna, height=0.7)
    ax.bar_label(bar, labels=[angka(v) for v in nilai], padding=2)
    ax.set_yticks(range(len(nilai)), [textwrap.fill(t, _lebar_label(ax), break_long_words=False) for t in label])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(nilai) - 0.5, -0.5)  # dari atas ke bawah
    ax.set_xlim(0, max(nilai, default=0) * 1.15 or 1)
    _sumbu_angka(ax)
    ax.set_xlabel(f"Jumlah ({satuan})")


def piramida(doc_kelompok_umur: dict, kode: str | None = "63.05", id: str | None = None,
             ukuran: tuple[float, float] = UKURAN_CM) -> Grafik:
    """Piramida penduduk: kelompok umur dari bawah (0-4) ke atas (75+), laki-laki kiri, perempuan kanan."""
    doc, wil = doc_kelompok_umur, _wilayah(doc_kelompok_umur, kode)
    label = [k["label"] for k in doc["kategori"]]
    sel = [wil["data"].get(t, {"lk": 0, "pr": 0, "jml": 0}) for t in label]
    lk, pr = [s["lk"] for s in sel], [s["pr"] for s in sel]
    besar = max(range(len(sel)), key=lambda i: (sel[i]["jml"], -i))
    kecil = min(range(len(sel)), key=lambda i: (sel[i]["jml"], i))
    nama, periode = _nama(wil), _periode(doc["periode"])
    judul = f"Piramida Penduduk {nama}, {periode}"
    alt = (f"Piramida penduduk {nama} {periode}: jumlah {angka(sum(lk) + sum(pr))} jiwa, laki-laki "
           f"{angka(sum(lk))}, perempuan {angka(sum(pr))}; kelompok umur terbesar {label[besar]} tahun "
           f"({angka(sel[besar]['jml'])} jiwa: laki-laki {angka(lk[besar])}, perempuan {angka(pr[besar])}), "
           f"terkecil {label[kecil]} tahun ({angka(sel[kecil]['jml'])} jiwa).")

    def lukis(ax):
        y = range(len(label))
        ax.barh(y, [-v for v in lk], color=BIRU, height=0.8, label="Laki-laki")
        ax.barh(y, pr, color=JINGGA, height=0.8, label="Perempuan")
        ax.set_yticks(y, label)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(label) - 0.4)
        batas = max(lk + pr + [1]) * 1.08
        ax.set_xlim(-batas, batas)
        ax.axvline(0, color="#444444", linewidth=0.6)
        _sumbu_angka(ax, mutlak=True)
        ax.set_xlabel("Jumlah penduduk (jiwa)")
        ax.set_ylabel("Kelompok umur (tahun)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=2, frameon=False, borderaxespad=0.2)

    return _gambar(_id(id, f"grafik-piramida-{kode or 'kabupaten'}"), judul, alt, lukis, ukuran)


def batang(doc: dict, kode: str | None = "63.05", id: str | None = None, maks_kategori: int = 12,
           ukuran: tuple[float, float] = UKURAN_CM) -> Grafik:
    """Batang mendatar jumlah (jml) per kategori, terbanyak di atas; kategori bernilai nol tidak digambar.

    Bila kategori berisi lebih dari `maks_kategori`, yang terbanyak (`maks_kategori - 1`) tetap dan sisanya
    digabung menjadi satu batang terakhir "LAINNYA (n kategori)", jadi paling banyak `maks_kategori` batang.
    """
    if maks_kategori < 2:
        raise ValueError("maks_kategori paling sedikit 2")
    wil = _wilayah(doc, kode)
    semua = [(k["label"], wil["data"].get(k["label"], {}).get("jml", 0)) for k in doc["kategori"]]
    isi = sorted((kv for kv in semua if kv[1] > 0), key=lambda kv: -kv[1])  # stabil: urutan kategori bila sama
    nol, total = len(semua) - len(isi), sum(v for _, v in isi)
    baris, warna = isi, [BIRU] * len(isi)
    if len(isi) > maks_kategori:
        sisa = isi[maks_kategori - 1:]
        baris = isi[:maks_kategori - 1] + [(f"LAINNYA ({len(sisa)} kategori)", sum(v for _, v in sisa))]
        warna = [BIRU] * (maks_kategori - 1) + [ABU]
    nama, periode = _nama(wil), _periode(doc["periode"])
    judul = f"{doc['judul']}, {nama}, {periode}"
    rinci = "; ".join(f"{t} {angka(v)} ({persentase(100 * v / total, 1)})" for t, v in baris)
    alt = (f"{doc['judul']}, {nama} {periode}: jumlah {angka(total)} jiwa dalam {len(isi)} kategori, "
           f"dari yang terbanyak: {rinci}." if isi else f"{doc['judul']}, {nama} {periode}: semua kategori nol.")
    if isi and nol:
        alt += f" {nol} kategori lain bernilai nol."

    def lukis(ax):
        _batang_mendatar(ax, [t for t, _ in baris], [v for _, v in baris], warna)

    return _gambar(_id(id, f"grafik-{doc['indikator']}-{kode or 'kabupaten'}"), judul, alt, lukis, ukuran)


def per_kecamatan(doc: dict, kategori_label: str | None = None, id: str | None = None,
                  ukuran: tuple[float, float] = UKURAN_CM) -> Grafik:
    """Batang per wilayah satu tingkat di bawah akar (kecamatan; kabupaten/kota untuk buku provinsi), urut kode
    Kemendagri: jumlah semua kategori, atau jml satu kategori."""
    if kategori_label is not None and kategori_label not in {k["label"] for k in doc["kategori"]}:
        raise ValueError(f"kategori {kategori_label!r} tidak ada di tabel {doc['indikator']}")
    kab, kec = _kabupaten_dan_kecamatan(doc)

    def jumlah(w):
        data = w["data"]
        if kategori_label is None:
            return sum(s["jml"] for s in data.values())
        return data.get(kategori_label, {}).get("jml", 0)

    label, nilai = [w["nama"] for _, w in kec], [jumlah(w) for _, w in kec]
    apa = doc["judul"] + (f": {kategori_label}" if kategori_label else "")
    nama, periode = _nama(kab), _periode(doc["periode"])
    per_judul, per_teks = _ANAK[_akar(doc).count(".") + 1]
    judul = f"{apa} per {per_judul}, {nama}, {periode}"
    alt = f"{apa} per {per_teks}, {nama} {periode}: " + "; ".join(
        f"{t} {angka(v)}" for t, v in zip(label, nilai)) + "."
    if nilai:
        terbanyak, tersedikit = nilai.index(max(nilai)), nilai.index(min(nilai))
        alt += (f" Terbanyak {label[terbanyak]} ({angka(nilai[terbanyak])}), tersedikit {label[tersedikit]} "
                f"({angka(nilai[tersedikit])}); jumlah {len(nilai)} {per_teks} {angka(sum(nilai))}.")
    slug = f"grafik-{doc['indikator']}-kecamatan" + (f"-{kategori_label}" if kategori_label else "")
    return _gambar(_id(id, slug), judul, alt, lambda ax: _batang_mendatar(ax, label, nilai, BIRU), ukuran)


def perbandingan(perbandingan_doc: dict, indikator: str = "penduduk", id: str | None = None,
                 ukuran: tuple[float, float] = UKURAN_CM) -> Grafik:
    """Per wilayah di bawah akar (kecamatan, atau kabupaten/kota) dua batang: semester lalu (abu-abu) dan
    semester ini (biru), dengan selisihnya.

    Kecamatan tanpa angka semester lalu (`sebelumnya: null`) hanya mendapat batang semester ini.
    """
    doc = perbandingan_doc
    apa, satuan = _NAMA_INDIKATOR.get(indikator, (indikator.replace("_", " ").capitalize(), "jiwa"))
    kab, kec = _kabupaten_dan_kecamatan(doc)
    lalu, kini = _periode(doc["periode_sebelumnya"]), _periode(doc["periode"])
    baris = [(w["nama"], w["data"][indikator]) for _, w in kec]

    def ubah(d):
        if d["sebelumnya"] is None:
            return f"{angka(d['sekarang'])} (tidak ada data semester lalu)"
        persen = "" if d["persen"] is None else f", {persentase(d['persen'], tanda=True)}"
        selisih = d["sekarang"] - d["sebelumnya"] if d["selisih"] is None else d["selisih"]
        return f"{angka(d['sebelumnya'])} menjadi {angka(d['sekarang'])} ({angka(selisih, tanda=True)}{persen})"

    per_judul, per_teks = _ANAK[_akar(doc).count(".") + 1]
    judul = f"{apa} per {per_judul}, {lalu} dan {kini}"
    alt = (f"{apa} per {per_teks}, {lalu} dibandingkan {kini}. {_nama(kab)}: {ubah(kab['data'][indikator])}. "
           + "; ".join(f"{t}: {ubah(d)}" for t, d in baris) + ".")

    def lukis(ax):
        y = range(len(baris))
        ada = [(i, d["sebelumnya"]) for i, (_, d) in enumerate(baris) if d["sebelumnya"] is not None]
        ax.barh([i - 0.2 for i, _ in ada], [v for _, v in ada], height=0.4, color=ABU, label=lalu)
        ax.barh([i + 0.2 for i in y], [d["sekarang"] for _, d in baris], height=0.4, color=BIRU, label=kini)
        for i, (_, d) in enumerate(baris):
            teks = angka(d["sekarang"])
            if d["sebelumnya"] is not None:
                teks += f" ({angka(d['sekarang'] - d['sebelumnya'], tanda=True)})"
            ax.annotate(teks, (max(d["sekarang"], d["sebelumnya"] or 0), i), xytext=(3, 0),
                        textcoords="offset points", va="center")
        ax.set_yticks(y, [textwrap.fill(t, _lebar_label(ax), break_long_words=False) for t, _ in baris])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(len(baris) - 0.5, -0.5)
        puncak = max([max(d["sekarang"], d["sebelumnya"] or 0) for _, d in baris], default=0)
        ax.set_xlim(0, puncak * 1.3 or 1)
        _sumbu_angka(ax)
        ax.set_xlabel(f"{apa} ({satuan})")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=2, frameon=False, borderaxespad=0.2)

    return _gambar(_id(id, f"grafik-perbandingan-{indikator}"), judul, alt, lukis, ukuran)
