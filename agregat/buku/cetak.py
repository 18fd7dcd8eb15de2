"""The print edition: the HTML of the whole book, and WeasyPrint set up to lay it out.

The chapters come from the same templates (docs/templates/buku) and the same `Buku` macros as the website,
one `Buku` per chapter, so the PDF shows the same tables, charts and words. Around them this module adds
what only paper needs: cover, lembar pengesahan, daftar isi/tabel/gambar with page numbers, the appendix
(one section per table, one table per kecamatan), a colophon with the edition digest, and a "DRAF"
watermark until the book is final.

    html = dokumen_cetak(edisi, templates_dir, grafik_dir)            # str, self-contained but for the charts
    naskah = naskah_cetak(edisi, templates_dir, grafik_dir)           # the same in pieces (agregat.buku.pdf)

Print-only changes to the macro output (done on the HTML, never in `Buku`): the download links are dropped,
tables with more than `MAKS_KATEGORI` category columns are split into several tables that repeat Kode and
Wilayah, and tables with more than `KOLOM_LANSKAP` columns go on landscape pages (named page `lanskap`).

Memory (the issue's budget is 1 GB; 68,000 appendix cells): WeasyPrint runs with a print user-agent stylesheet
without its pseudo-element rules for every element (`html_cetak`), table ids sit on the captions
(`_id_ke_caption`), and the garbage collector runs less often during layout (`gc_jarang`).

Reproducible: the PDF dates come from the edition's `tanggal_data` (or SOURCE_DATE_EPOCH when set), the PDF
/ID is a hash of the content, and nothing reads the clock, so two builds of one edition are byte-identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import html as html_lib
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import jinja2
import markdown
from markdown.extensions.toc import slugify as _slugify

from agregat.core.peran import ROLES

from agregat.buku.mkdocs_macros import MACROS
from agregat.core.aman import jinja_aman, teks as _e
from agregat.buku.kop import Kop, kepala_dinas, tanggal_dokumen, tanggal_kolofon
from agregat.buku.makro import CACHE_GRAFIK, LABEL_TABEL, Buku, SimpananBlok
from agregat.edisi.muat import Edisi, tanggal_panjang
from agregat.buku.halaman import templates
from agregat.buku.tabel import MAKS_KATEGORI, jumlah_kolom as _jumlah_kolom  # noqa: F401

__all__ = ["BASE_URL", "PEJABAT", "UKURAN", "Naskah", "dokumen_cetak", "gc_jarang", "html_cetak", "isi_url", "naskah_cetak",
           "pengambil", "render_pdf", "tanggal_dokumen", "tanggal_kolofon"]

#: Virtual root of the print document: chart URLs below it are served from `grafik_dir`, nothing else is fetched.
BASE_URL = "https://cetak.buku.invalid/"
CSS = Path(__file__).with_name("cetak.css")
#: Paper sizes (width, height) in mm.
UKURAN = {"A4": (210, 297), "F4": (215, 330)}
#: The officials of the SOP who sign the book, in signing order (their titles: agregat.pengesahan.pejabat.ROLES).
PEJABAT = tuple(role.jabatan for role in ROLES.values())
KOLOM_LANSKAP = 14   # a table with more columns than this goes on a landscape page
KOLOM_RAPAT = 8      # a table with more columns than this is set in a smaller font
MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "toc", "tables")
#: Header font sizes (pt) of a compact (`rapat`) table, largest first; each has its class `kepala-<10 × pt>` in
#: cetak.css. A header wraps between words only (never hyphenated): its longest word must fit its column.
KEPALA_PT = (6.0, 5.5, 5.0, 4.5)
LEBAR_TEKS_MM = {False: 177.0, True: 269.0}   # text width of an A4 page, portrait / landscape (F4 is wider)
LEBAR_KODE_WILAYAH_MM = 45.0                  # the Kode and Wilayah columns of a compact table (cetak.css)
PADDING_SEL_MM = 2.0                          # a compact cell's padding (1.2 mm, cetak.css) and a visible gap


# ---- the book's parts ----------------------------------------------------------------------------

@dataclass
class _Bagian:
    """One top-level section of the book (a chapter, the kata pengantar, one appendix)."""

    kunci: str                  # section id, also the prefix of its heading ids
    jenis: str                  # depan | bab | lampiran
    judul: str
    html: str
    toc: list = field(default_factory=list)   # python-markdown toc_tokens (after heading demotion)
    buku: Buku | None = None
    lanskap: bool = False


def _jinja() -> jinja2.Environment:
    return jinja_aman(jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True))


def _markdown(teks: str, awalan: str) -> tuple[str, list]:
    """Markdown → HTML with the site's extensions; heading ids get `awalan` so they are unique in the book."""
    md = markdown.Markdown(
        extensions=list(MARKDOWN_EXTENSIONS),
        extension_configs={"toc": {"permalink": False,
                                   "slugify": lambda value, sep: f"{awalan}-{_slugify(value, sep)}"}})
    return md.convert(teks), md.toc_tokens


def _render(env: jinja2.Environment, body: str, buku: Buku, meta: dict) -> str:
    glob = {name: getattr(buku, name) for name in MACROS}
    glob["edisi"] = lambda: buku.edisi
    page = SimpleNamespace(meta=SimpleNamespace(**meta), title=meta.get("title"))
    return env.from_string(body).render({**glob, **meta, "page": page})


def _bagian(edisi: Edisi, templates_dir: Path, grafik_dir: Path,
            grafik_cache: Path | None = CACHE_GRAFIK, kop: Kop = Kop(),
            penanda_tangan: dict | None = None) -> list[_Bagian]:
    """Render every template that belongs in print, in the templates' order (charts from `grafik_cache`,
    or all drawn again when it is None; `kop` and `penanda_tangan` for the Kata Pengantar's closing)."""
    env = _jinja()
    parts: list[_Bagian] = []
    for name, meta, body in templates(templates_dir):
        jenis = meta.get("jenis", "bab")
        stem = Path(name).stem
        if jenis == "kecamatan" or name == "index.md":
            continue                        # site only: a page per kecamatan, the edition's landing page
        if jenis == "lampiran":
            for number, tabel in enumerate(edisi.tabel, start=1):
                title = f"Lampiran {number}. {LABEL_TABEL[tabel]} per Desa/Kelurahan"
                meta_l = {**meta, "periode": edisi.periode, "nama": tabel, "title": title, "bab": f"L{number}"}
                buku = Buku(edisi, ke_akar="", bab=meta_l["bab"], grafik_dir=grafik_dir, cache_dir=grafik_cache,
                            muat=_muat_kepala, simpanan=SimpananBlok())
                text = _turunkan_judul(_render(env, body, buku, meta_l))
                html, toc = _markdown(text, f"lampiran-{number}")
                html = buku.simpanan.pulihkan(html)
                html, lebar = _olah_tabel(html)
                parts.append(_Bagian(f"lampiran-{number}", "lampiran", title, html, toc, buku, lebar))
            continue
        bab = meta.get("bab")
        judul = meta.get("judul", stem)
        meta_b = {**meta, "periode": edisi.periode, "title": judul}
        buku = Buku(edisi, ke_akar="", bab=bab, grafik_dir=grafik_dir, cache_dir=grafik_cache, kop=kop,
                    penanda_tangan=penanda_tangan, muat=_muat_kepala,
                    simpanan=SimpananBlok())
        kunci = f"bab-{bab}" if bab else stem
        html, toc = _markdown(_render(env, body, buku, meta_b), kunci)
        html = buku.simpanan.pulihkan(html)
        html, _ = _olah_tabel(html)
        if bab:
            html = _nomori_subbab(bab, html, toc)
        parts.append(_Bagian(kunci, "bab" if bab else "depan", judul, html, toc, buku))
    return parts


_BERNOMOR = re.compile(r"\d+(\.\d+)*\s", re.ASCII)


def _nomori_subbab(bab: int | str, html: str, toc: list) -> str:
    """A chapter's sub-sections numbered "7.1", "7.2" … by their place, in the heading and in `toc` (changed in
    place, read by the daftar isi), when their text has no number of its own: Bab VII's come from the Kasi's
    analisa.md, written without numbers; the templates number theirs ("3.1 Jumlah Penduduk")."""
    for h1 in toc:
        for nomor, h2 in enumerate(h1["children"], start=1):
            if _BERNOMOR.match(h2["name"]):
                continue
            old = f'<h2 id="{h2["id"]}">{h2["name"]}</h2>'
            h2["name"] = f"{bab}.{nomor} {h2['name']}"
            html = html.replace(old, f'<h2 id="{h2["id"]}">{h2["name"]}</h2>', 1)
    return html


def _turunkan_judul(teks: str) -> str:
    """Appendix headings one level down (# → ##): the appendices sit under one "Lampiran" heading."""
    return re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", teks)


# ---- print variants of the macro tables ----------------------------------------------------------

_TABEL = re.compile(r'<div class="tabel-bungkus">\s*(<table class="tabel-data"[^>]*>.*?</table>)\s*</div>', re.DOTALL)
_UNDUHAN = re.compile(r'\n?<p class="unduhan">.*?</p>', re.DOTALL)
# for the site's table sorter (a third of the HTML to parse) and its search: not for paper
_DATA_SORT = re.compile(r' data-(?:sort="[^"]*"|search-exclude)')
_ID_TABEL = re.compile(r'<table class="tabel-data" id="([^"]*)">(\s*)<caption>')


def _olah_tabel(html: str) -> tuple[str, bool]:
    """Drop the download links and sort keys, mark wide tables (each wrapper holds one table: the macros split
    wide ones, `Buku.muat`). Returns (html, any table on landscape pages)."""
    html = _UNDUHAN.sub("", html)
    lebar = False

    def ganti(match: re.Match) -> str:
        nonlocal lebar
        table = _DATA_SORT.sub("", match.group(1))
        kolom = _jumlah_kolom(table)
        table = _lanjutan(_id_ke_caption(table))
        kelas = ["tabel-bungkus"]
        if kolom > KOLOM_RAPAT:
            kelas.append("rapat")
            table = _kelas_kepala(table, kolom > KOLOM_LANSKAP)
        if kolom > KOLOM_LANSKAP:
            kelas.append("lanskap")
            lebar = True
        return f'<div class="{" ".join(kelas)}">{table}</div>'

    return _TABEL.sub(ganti, html), lebar


_NOMOR_TABEL = re.compile(r"<caption[^>]*>\s*(Tabel\s+[^\s<]+)")
_BARIS_PERTAMA = re.compile(r"(<tbody>\s*<tr>\s*<t[hd])\b")


def _lanjutan(table: str) -> str:
    """The table's continuation in the page header: its first body cell sets the running string `kepala`
    to "Tabel 3.5 (lanjutan)", a marker after the table sets it back (cetak.css). A page whose top is the
    rest of a table that began on an earlier page then says so above the repeated header row."""
    nomor = _NOMOR_TABEL.search(table)
    if nomor is None:
        return table
    label = _e(" ".join(nomor.group(1).split()) + " (lanjutan)")
    table = _BARIS_PERTAMA.sub(rf'\1 data-lanjutan="{label}"', table, count=1)
    return table + '\n<div class="akhir-tabel"></div>'


_KEPALA = re.compile(r'<th scope="col"[^>]*>(.*?)</th>', re.DOTALL)


def _label_kepala(table: str) -> list[str]:
    """The texts of a region table's category headers (all but Kode and Wilayah), unescaped."""
    return [html_lib.unescape(label) for label in _KEPALA.findall(table.split("</thead>", 1)[0])[2:]]


@functools.cache
def _lebar_kata_mm(kata: str, pt: float) -> float:
    """Width of `kata` in bold DejaVu Sans Condensed (a compact table's header) at `pt`, in mm; estimated
    (a wide 0.8 em a letter) when Pillow cannot find the font."""
    try:
        em = _fonta_kepala().getlength(kata) / 1000
    except (ImportError, OSError):
        em = 0.8 * len(kata)
    return em * pt * 25.4 / 72


@functools.cache
def _fonta_kepala():
    from PIL import ImageFont

    return ImageFont.truetype("DejaVuSansCondensed-Bold.ttf", 1000)


def ukuran_kepala(labels: list[str], kolom_data: int, lanskap: bool) -> float | None:
    """The largest of KEPALA_PT at which the longest word of `labels` fits a column of a compact table with
    `kolom_data` columns beside Kode and Wilayah (equal widths, table-layout: fixed), None when none does.
    Words end at spaces; a "/" ends one too (a line may break after it)."""
    lebar = (LEBAR_TEKS_MM[lanskap] - LEBAR_KODE_WILAYAH_MM) / max(kolom_data, 1) - PADDING_SEL_MM
    kata = [k for label in labels for k in re.split(r"(?<=/)|\s+", label) if k]
    for pt in KEPALA_PT:
        if all(_lebar_kata_mm(k, pt) <= lebar for k in kata):
            return pt
    return None


def _muat_kepala(table: str, kolom_data: int) -> bool:
    """Whether the header words of `table` fit a landscape compact table of `kolom_data` columns beside Kode
    and Wilayah at some header size: the print's `Buku.muat` (`tabel.pecah` makes more parts, so wider
    columns, until they do)."""
    return ukuran_kepala(_label_kepala(table), kolom_data, True) is not None


def _kelas_kepala(table: str, lanskap: bool) -> str:
    """The table with the class of its header size (`kepala-60` … `kepala-45`, the smallest when even that
    does not fit)."""
    pt = ukuran_kepala(_label_kepala(table), _jumlah_kolom(table) - 2, lanskap) or KEPALA_PT[-1]
    return table.replace('<table class="tabel-data"', f'<table class="tabel-data kepala-{round(pt * 10)}"', 1)


def _id_ke_caption(table: str) -> str:
    """Move the table's id (the target of the Daftar Tabel's links) to its caption, the same place on paper.
    WeasyPrint keeps the box of every element with an id (a link target) for the whole layout: for a caption
    that is one line, for a table every cell (about 50 MB of the demo book's appendix)."""
    return _ID_TABEL.sub(r'<table class="tabel-data">\2<caption id="\1">', table, count=1)


# ---- front and back matter -----------------------------------------------------------------------

def _sampul(edisi: Edisi, kop: Kop = Kop()) -> str:
    """The cover; the configured logo on top (agregat.buku.kop), nothing in its place when none is set."""
    tahun = edisi.periode[:4]
    semester = edisi.semester.split(" Tahun ")[0]
    uri = kop.untuk(edisi).logo_uri()
    logo = f'<img class="logo" src="{uri}" alt="Logo Pemerintah {_e(edisi.nama_akar)}">' if uri else ""
    return f"""
<section class="sampul" id="sampul">
{logo}
<p class="sampul-judul">BUKU DATA AGREGAT KEPENDUDUKAN</p>
<p class="sampul-kabupaten">{_e(edisi.nama_akar.upper())}</p>
<p class="sampul-semester">{_e(semester.upper())} TAHUN {_e(tahun)}</p>
<p class="sampul-keadaan">Keadaan per {_e(edisi.tanggal)}</p>
<div class="sampul-bawah">
<p>DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL</p>
<p>{_e(edisi.nama_akar.upper())}</p>
<p>{_e(tahun)}</p>
</div>
</section>"""


def _pengesahan(edisi: Edisi, pengesahan: list[dict] | None) -> str:
    """The SOP officials, with blank lines to sign by hand, or filled from the approvals (`pengesahan`:
    dicts with jabatan, nama, nip, keputusan, tanggal; matched to the SOP officials by jabatan, others after).
    Each cell holds what its column header names: Nama/NIP, the (Keputusan and) Tanggal, room to sign."""
    given = {str(p.get("jabatan", "")).strip().lower(): p for p in (pengesahan or [])}
    known = {j.lower() for j in PEJABAT}
    order = list(PEJABAT) + [str(p.get("jabatan", "")) for p in (pengesahan or [])
                             if str(p.get("jabatan", "")).strip().lower() not in known]
    rows = []
    for nomor, jabatan in enumerate(order, start=1):
        p = given.get(jabatan.strip().lower(), {})

        def isi(key: str, p: dict = p) -> str:
            value = p.get(key)
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                value = tanggal_panjang(value)
            return _e(value) if value not in (None, "") else '<span class="isian"></span>'

        keputusan = f'<p>Keputusan: {isi("keputusan")}</p>' if pengesahan is not None else ""
        rows.append(f'<tr><td class="no">{nomor}.</td><th scope="row">{_e(jabatan)}</th>'
                    f'<td><p>Nama: {isi("nama")}</p><p>NIP: {isi("nip")}</p></td>'
                    f'<td>{keputusan}<p>Tanggal: {isi("tanggal")}</p></td>'
                    f'<td class="ttd"><span class="isian"></span></td></tr>')
    kolom_tanggal = "Keputusan dan Tanggal" if pengesahan is not None else "Tanggal"
    return f"""
<section class="depan pengesahan" id="pengesahan">
<h1 id="lembar-pengesahan">Lembar Pengesahan</h1>
<p>Buku Data Agregat Kependudukan {_e(edisi.nama_akar)} {_e(edisi.semester)}, keadaan per
{_e(edisi.tanggal)}, telah disusun, diperiksa, dan disahkan sesuai Standar Operasional Prosedur Penyusunan
Buku Data Agregat oleh:</p>
<table class="pengesahan"><thead><tr><th scope="col">No.</th><th scope="col">Jabatan</th>
<th scope="col">Nama dan NIP</th><th scope="col">{kolom_tanggal}</th><th scope="col">Paraf/Tanda tangan</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</section>"""


def _tautan(anchor: str, name: str, halaman: dict[str, str] | None) -> str:
    """A daftar link to `anchor`; its page number printed from `halaman` when given (the target is in another
    part of the PDF, agregat.buku.pdf), else from the target itself (CSS target-counter)."""
    nomor = f' data-halaman="{_e(halaman[anchor])}"' if halaman is not None and anchor in halaman else ""
    return f'<a href="#{anchor}"{nomor}>{name}</a>'


def _daftar_isi(parts: list[_Bagian], halaman: dict[str, str] | None = None) -> str:
    # a toc token's "name" is HTML already: the heading's text, escaped by Python-Markdown (no tags)
    items = ['<li class="romawi"><a href="#lembar-pengesahan">Lembar Pengesahan</a></li>']
    for part in parts:
        if part.jenis == "depan":
            items += [f'<li class="romawi"><a href="#{t["id"]}">{t["name"]}</a></li>' for t in part.toc]
    items += ['<li class="romawi"><a href="#daftar-tabel">Daftar Tabel</a></li>',
              '<li class="romawi"><a href="#daftar-gambar">Daftar Gambar</a></li>']
    for part in parts:
        if part.jenis == "bab":
            for h1 in part.toc:
                items.append(f'<li class="tingkat-1">{_tautan(h1["id"], h1["name"], halaman)}</li>')
                items += [f'<li class="tingkat-2">{_tautan(h2["id"], h2["name"], halaman)}</li>'
                          for h2 in h1["children"]]
    lampiran = [p for p in parts if p.jenis == "lampiran"]
    if lampiran:
        items.append(f'<li class="tingkat-1">{_tautan("lampiran", "Lampiran", halaman)}</li>')
        for part in lampiran:
            items += [f'<li class="tingkat-2">{_tautan(t["id"], t["name"], halaman)}</li>' for t in part.toc]
    items.append(f'<li class="tingkat-1">{_tautan("kolofon", "Kolofon", halaman)}</li>')
    return ('<section class="depan daftar" id="daftar-isi-bagian"><h1 id="daftar-isi">Daftar Isi</h1>\n'
            '<ul class="daftar-isi">\n' + "\n".join(items) + "\n</ul></section>")


def _entri_daftar(kata: str, nomor: str, text: str) -> str:
    return f'<span class="nomor">{kata} {_e(nomor)}</span> {_e(text)}'


def _daftar(judul: str, id_: str, kata: str, entries: list[tuple[str, str, str]],
            halaman: dict[str, str] | None = None) -> str:
    if entries:
        items = "\n".join(f'<li>{_tautan(anchor, _entri_daftar(kata, nomor, text), halaman)}</li>'
                          for nomor, text, anchor in entries)
        body = f'<ul class="daftar-isi daftar-{id_}">\n{items}\n</ul>'
    else:
        body = f"<p>Tidak ada {kata.lower()} dalam edisi ini.</p>"
    return f'<section class="depan daftar" id="{id_}-bagian"><h1 id="{id_}">{_e(judul)}</h1>\n{body}</section>'


def _id_tabel(nomor: str) -> str:
    return "tabel-" + (re.sub(r"[^0-9a-z]+", "-", str(nomor).lower()).strip("-") or "x")


def _entri(parts: list[_Bagian], ids: set[str]) -> tuple[list, list]:
    """(nomor, judul, anchor) of every chapter table and figure whose anchor is in the document."""
    tabel, gambar = [], []
    for part in parts:
        if part.jenis != "bab" or part.buku is None:
            continue
        tabel += [(n, j, _id_tabel(n)) for n, j in part.buku.daftar_tabel if _id_tabel(n) in ids]
        gambar += [(n, j, f"gambar-{n}") for n, j in part.buku.daftar_gambar if f"gambar-{n}" in ids]
    return tabel, gambar


def _kolofon(edisi: Edisi, final: bool, tanggal_dok: dt.datetime) -> str:
    import weasyprint

    from agregat import __version__ as versi_alat
    from agregat.core.digest import edition_digest

    sumber = (f"Data Kependudukan Bersih (DKB) {edisi.semester}, Ditjen Dukcapil Kemendagri; diolah Dinas "
              f"Kependudukan dan Pencatatan Sipil {edisi.nama_akar}")
    status = "Final (disahkan)" if final else "Draf – belum disahkan, bukan untuk dikutip"
    rows = [("Judul", f"Buku Data Agregat Kependudukan {edisi.nama_akar}"),
            ("Edisi", f"{edisi.semester} ({edisi.periode})"),
            ("Keadaan data", edisi.tanggal),
            ("Sumber data", sumber),
            ("Penerbit", f"Dinas Kependudukan dan Pencatatan Sipil {edisi.nama_akar}"),
            ("Status", status),
            ("Tanggal dokumen", tanggal_kolofon(tanggal_dok)),
            ("Dibuat dengan", f"agregat {versi_alat}, WeasyPrint {weasyprint.__version__}"),
            ("Lisensi", "Data agregat, lisensi CC BY 4.0")]
    body = "\n".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    digest = edition_digest(edisi.folder)
    return f"""
<section class="kolofon" id="kolofon-bagian">
<h1 id="kolofon">Kolofon</h1>
<table class="kolofon"><tbody>
{body}
<tr><th scope="row">Digest edisi</th><td><code class="digest">{digest}</code><br>
<span class="catatan">sha256 daftar berkas folder data/{_e(edisi.periode)} (agregat.core.digest.edition_digest); angka
yang sama ditandatangani pada lembar pengesahan.</span></td></tr>
</tbody></table>
<p class="catatan">Hanya angka agregat yang disajikan; tidak ada data pribadi dalam buku ini.</p>
</section>"""


# ---- dates, styles, the document ----------------------------------------------------------------

def _watermark() -> str:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="170mm" height="170mm" viewBox="0 0 400 400">'
           '<text x="200" y="236" transform="rotate(-45 200 200)" text-anchor="middle" font-family="DejaVu Sans" '
           'font-weight="bold" font-size="120" fill="#e4e4e4">DRAF</text></svg>')
    return "data:image/svg+xml," + urllib.parse.quote(svg)


def _css_halaman(ukuran: str, final: bool) -> str:
    if ukuran not in UKURAN:
        raise ValueError(f"ukuran kertas tidak dikenal: {ukuran!r}; pilih {', '.join(UKURAN)}")
    w, h = UKURAN[ukuran]
    css = [f"@page {{ size: {w}mm {h}mm; }}", f"@page lanskap {{ size: {h}mm {w}mm; }}"]
    if not final:
        css.append(f'@page {{ background: url("{_watermark()}") no-repeat center center; }}')
    return "\n".join(css)


@dataclass
class Naskah:
    """The print document in its pieces: what `dokumen_cetak` joins into one HTML text, and what
    agregat.buku.pdf renders as separate parts (the front matter last, once the page of every target is known).

    `depan` is the cover, the lembar pengesahan and the front sections; `isi` the chapters, the appendices
    and the colophon, each a `(key, section html)` in book order; `daftar(halaman)` the daftar isi, tabel
    and gambar (with `halaman`, {anchor: printed page number} of the targets outside the front matter)."""

    head: str
    body_class: str
    depan: list[str]
    isi: list[tuple[str, str]]
    parts: list[_Bagian]
    tabel: list
    gambar: list

    def daftar(self, halaman: dict[str, str] | None = None) -> list[str]:
        return [_daftar_isi(self.parts, halaman), _daftar("Daftar Tabel", "daftar-tabel", "Tabel", self.tabel, halaman),
                _daftar("Daftar Gambar", "daftar-gambar", "Gambar", self.gambar, halaman)]

    def html(self, sections: list[str], head_extra: str = "") -> str:
        """A complete HTML document of `sections` with this book's head (`head_extra` appended to its style)."""
        return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n{self.head}{head_extra}</style>\n</head>\n'
                f'<body class="{self.body_class}">\n' + "\n".join(sections) + "\n</body>\n</html>\n")


def naskah_cetak(edisi: Edisi, templates_dir: Path, grafik_dir: Path, final: bool = False, ukuran: str = "A4",
                 pengesahan: list[dict] | None = None, grafik_cache: Path | None = CACHE_GRAFIK,
                 kop: Kop = Kop()) -> Naskah:
    """The whole book in its pieces (charts are referenced below `BASE_URL`; taken from the chart cache
    `grafik_cache`, or all drawn again when it is None; the logo and ibu kota of `kop`)."""
    grafik_dir = Path(grafik_dir)
    css_halaman = _css_halaman(ukuran, final)
    parts = _bagian(edisi, Path(templates_dir), grafik_dir, grafik_cache, kop.untuk(edisi), kepala_dinas(pengesahan))
    ids = set(re.findall(r'\bid="([^"]+)"', "".join(p.html for p in parts)))
    tabel, gambar = _entri(parts, ids)
    penulis = f"Dinas Kependudukan dan Pencatatan Sipil {edisi.nama_akar}"
    judul = f"Buku Data Agregat Kependudukan {edisi.nama_akar} {edisi.semester}"
    tanggal = tanggal_dokumen(edisi)

    depan = [_sampul(edisi, kop), _pengesahan(edisi, pengesahan)]
    depan += [f'<section class="depan" id="{p.kunci}-bagian">\n{p.html}\n</section>' for p in parts if p.jenis == "depan"]
    isi = []
    pertama = True
    for part in parts:
        if part.jenis == "bab":
            kelas = "bab bab-pertama" if pertama else "bab"
            pertama = False
            isi.append((part.kunci, f'<section class="{kelas}" id="{part.kunci}-bagian">\n{part.html}\n</section>'))
    lampiran = [p for p in parts if p.jenis == "lampiran"]
    for i, part in enumerate(lampiran):
        kelas = "lampiran lanskap" if part.lanskap else "lampiran"
        kepala = '<h1 id="lampiran" class="lampiran-judul">Lampiran</h1>\n' if i == 0 else ""
        isi.append((part.kunci, f'<section class="{kelas}" id="{part.kunci}-bagian">\n{kepala}{part.html}\n</section>'))
    isi.append(("kolofon", _kolofon(edisi, final, tanggal)))

    stamp = tanggal.isoformat()
    head = f"""<meta charset="utf-8">
<title>{_e(judul)}</title>
<meta name="author" content="{_e(penulis)}">
<meta name="description" content="{_e(f"Data agregat kependudukan {edisi.nama_akar} per kecamatan dan desa/kelurahan, keadaan per {edisi.tanggal}")}">
<meta name="keywords" content="{_e(f"kependudukan, data agregat, Dukcapil, {edisi.nama_akar}, {edisi.semester}, {edisi.periode}")}">
<meta name="generator" content="agregat (agregat.buku.cetak)">
<meta name="dcterms.created" content="{stamp}">
<meta name="dcterms.modified" content="{stamp}">
<style>
{CSS.read_text(encoding="utf-8")}
{css_halaman}
"""
    return Naskah(head, "final" if final else "draf", depan, isi, parts, tabel, gambar)


def dokumen_cetak(edisi: Edisi, templates_dir: Path, grafik_dir: Path, final: bool = False, ukuran: str = "A4",
                  pengesahan: list[dict] | None = None, grafik_cache: Path | None = CACHE_GRAFIK,
                  kop: Kop = Kop()) -> str:
    """The whole book as one print HTML document (charts are referenced below `BASE_URL`; taken from the chart
    cache `grafik_cache`, or all drawn again when it is None). The daftar isi takes its page numbers from
    the targets (CSS target-counter): this is the document a single WeasyPrint process renders."""
    naskah = naskah_cetak(edisi, templates_dir, grafik_dir, final, ukuran, pengesahan, grafik_cache, kop)
    return naskah.html(naskah.depan + naskah.daftar() + [html for _, html in naskah.isi])


# ---- PDF -----------------------------------------------------------------------------------------

_SVG_GAYA = re.compile(rb'(<svg\b[^>]*?)\s+style="[^"]*"')


def _svg_cetak(svg: bytes) -> bytes:
    """The root `style` of the site's charts (max-width:100%;height:auto) makes WeasyPrint 70 size them as
    squares: drop it, so the chart keeps the ratio of its width/height attributes."""
    return _SVG_GAYA.sub(rb"\1", svg, count=1)


def isi_url(url: str, periode: str, grafik_dir: Path) -> bytes:
    """The bytes the print serves for `url`: a chart of the edition from `grafik_dir` (below
    `BASE_URL<periode>/grafik/`, a plain `.svg` name). ValueError for anything else: the print fetches nothing
    from outside."""
    prefix = f"{BASE_URL}{periode}/grafik/"
    if url.startswith(prefix):
        name = urllib.parse.unquote(url[len(prefix):].split("?")[0].split("#")[0])
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".svg"):
            raise ValueError(f"bukan grafik buku: {url}")
        return _svg_cetak((Path(grafik_dir) / name).read_bytes())
    raise ValueError(f"cetak tidak mengambil sumber luar: {url}")


def pengambil(periode: str, grafik_dir: Path):
    """A WeasyPrint URL fetcher that serves what `isi_url` serves (and data: URLs) and fetches nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Pengambil(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            return URLFetcherResponse(url, isi_url(url, periode, grafik_dir), {"Content-Type": "image/svg+xml"})

    return Pengambil(allowed_protocols={"data", "https"}, fail_on_errors=True)


# WeasyPrint's user-agent stylesheet has rules for pseudo-elements of *every* element (`::marker` and the
# footnote/note calls and markers). Each matching rule gives each element its own pseudo-element style, never
# shared: about six style objects per table cell, half the layout memory of the appendix and a sixth of its
# time. The book has no footnotes or notes and only `li` are list items, so print scopes `::marker` to `li`
# and drops the note rules; the PDF comes out byte-identical.
_UA_CATATAN = re.compile(r"(?m)^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n")
_UA_MARKER = "\n::marker {"


def _ua_cetak(ua: str) -> str:
    """WeasyPrint's user-agent stylesheet text `ua` without the universal pseudo-element rules (see above)."""
    return _UA_CATATAN.sub("", ua.replace(_UA_MARKER, "\nli::marker {"))


@functools.cache
def html_cetak() -> type:
    """`weasyprint.HTML` with the print user-agent stylesheet (the plain class if this WeasyPrint's sheet
    no longer has the rules: a slower build, never a different book)."""
    import weasyprint
    from weasyprint import html as wp_html
    from weasyprint.css.counters import CounterStyle

    teks = _ua_cetak(wp_html.UA)
    if teks == wp_html.UA:
        return weasyprint.HTML
    # The sheet's @counter-style rules are already in the UA counter styles each document copies; parsed into
    # those again, `disc` and `decimal` would be "redefined" (a warning): parse them into a throwaway.
    lembar = weasyprint.CSS(string=teks, counter_style=CounterStyle())

    class HTMLCetak(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [lembar, wp_html.UA_FORM_STYLESHEET] if forms else [lembar]

    return HTMLCetak


@contextlib.contextmanager
def gc_jarang():
    """Run Python's cyclic garbage collector less often: layout makes millions of objects that live until the
    PDF is written, and scanning them again and again costs about a tenth of the time. Restored on exit."""
    before = gc.get_threshold()
    gc.set_threshold(10_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def render_pdf(html: str, edisi: Edisi, grafik_dir: Path):
    """Lay out a print HTML document in this process (a `weasyprint.Document`); the book's PDF is made in
    parts by agregat.buku.pdf.buat_pdf."""
    return html_cetak()(string=html, base_url=BASE_URL, url_fetcher=pengambil(edisi.periode, Path(grafik_dir))).render()
