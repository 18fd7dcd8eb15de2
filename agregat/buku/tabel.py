"""Pembangun tabel HTML buku (hasilnya ``markupsafe.Markup``) dari dokumen agregat yang sudah diurai.

Semua teks dari data (nama wilayah, label kategori, judul) lewat ``aman.teks`` (HTML, Jinja dan
Markdown tidak pernah membacanya sebagai kode). Sel angka: ``<td class="angka" data-sort="MENTAH">TERFORMAT</td>``
(MENTAH = angka polos untuk pengurut tabel JS). Baris total di ``<tfoot>`` memakai nilai wilayah
induk apa adanya, bukan hasil penjumlahan ulang. Keluaran deterministik.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from markupsafe import Markup

from agregat.core import angka
from agregat.core.aman import teks as _teks
from agregat.edisi.muat import judul_wilayah

__all__ = ["LABEL_INDIKATOR", "LABEL_PERBANDINGAN", "KOLOM_INDIKATOR", "TINGKAT_ANAK", "judul_tabel",
           "tabel_wilayah", "tabel_kategori", "tabel_cakupan", "tabel_indikator", "tabel_perbandingan",
           "laju_per_tahun", "tabel_laju", "MAKS_KATEGORI", "jumlah_kolom", "pecah"]

LABEL_INDIKATOR = {
    "penduduk": "Jumlah Penduduk",
    "lk": "Laki-laki",
    "pr": "Perempuan",
    "kk": "Jumlah Kartu Keluarga",
    "luas_km2": "Luas (km²)",
    "kepadatan": "Kepadatan (jiwa/km²)",
    "rasio_jenis_kelamin": "Rasio Jenis Kelamin",
    "rasio_ketergantungan": "Rasio Ketergantungan",
    "rasio_ketergantungan_muda": "Rasio Ketergantungan Muda",
    "rasio_ketergantungan_tua": "Rasio Ketergantungan Tua",
    "rata_rata_anggota_kk": "Rata-rata Anggota Keluarga",
    "persen_wajib_ktp": "Wajib KTP-el (%)",
}
_INDIKATOR_BULAT = {"penduduk", "lk", "pr", "kk"}  # cacah: tanpa desimal; lainnya 2 desimal
KOLOM_INDIKATOR = ("penduduk", "luas_km2", "kepadatan", "rasio_jenis_kelamin", "rata_rata_anggota_kk")

LABEL_PERBANDINGAN = {
    "penduduk": "Jumlah Penduduk",
    "kartu_keluarga": "Jumlah Kartu Keluarga",
    "wajib_ktp": "Jumlah Penduduk Wajib KTP-el",
}
TINGKAT_ANAK = {1: "Kabupaten/Kota", 2: "Kecamatan", 3: "Desa/Kelurahan"}   # by the parent's code parts
MAKS_KATEGORI = 20   # category columns per table, on paper and on the website; wider tables are split (`pecah`)
# The rows and headers are numbers and codes: the site's search indexes the caption (the table's title) and
# the prose around it, not the cells (Material's search skips an element marked data-search-exclude).
_THEAD, _TBODY, _TFOOT = ("<thead data-search-exclude>", "<tbody data-search-exclude>",
                          "<tfoot data-search-exclude>")


# --- potongan HTML ---------------------------------------------------------------------------

def _mentah(value) -> str:
    """Nilai data-sort: angka polos (1234567, 12.34); kosong bila tidak tersedia."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(int(value))


def _angka(value, teks: str) -> str:
    return f'<td class="angka" data-sort="{_teks(_mentah(value))}">{teks}</td>'


def _kepala_baris(sort, teks, kelas: str = "") -> str:
    attr = f' class="{kelas}"' if kelas else ""
    return f'<th scope="row"{attr} data-sort="{_teks(sort)}">{_teks(teks)}</th>'


def _nama(teks) -> str:
    """The cell naming the row (region or category): the column the website keeps in sight (sticky) when a
    wide table scrolls sideways."""
    return f'<td class="nama">{_teks(teks)}</td>'


def _baris(sel: list[str]) -> str:
    return "<tr>" + " ".join(sel) + "</tr>"   # a blank between cells keeps search tokens apart


def _tabel(id_: str, judul: str, kolom: list[str], isi: list[str], total: list[str], kolom_nama: int = 1) -> Markup:
    """`kolom_nama`: the index of the column naming the rows (marked class="nama" in the header too)."""
    kelas = {kolom_nama: ' class="nama"'}
    kepala = " ".join(f'<th scope="col"{kelas.get(i, "")}>{_teks(k)}</th>' for i, k in enumerate(kolom))
    return Markup(_susun(f"{_teks(id_)}", _teks(judul), f"<tr>{kepala}</tr>", isi, total))


def _susun(id_: str, caption: str, kepala: str, isi: list[str], total: list[str]) -> str:
    """A data table from its (already escaped) parts; the one place its markup is written."""
    bagian = [f'<table class="tabel-data" id="{id_}">', f"<caption>{caption}</caption>",
              _THEAD, kepala, "</thead>", _TBODY, *isi, "</tbody>"]
    if total:
        bagian += [_TFOOT, *total, "</tfoot>"]
    bagian.append("</table>")
    return "\n".join(bagian)


def _id(nomor, *cadangan: str) -> str:
    dasar = str(nomor) if nomor is not None else "-".join(cadangan)
    return "tabel-" + (re.sub(r"[^0-9a-z]+", "-", dasar.lower()).strip("-") or "x")


def _judul(nomor, judul: str) -> str:
    return judul if nomor is None else f"Tabel {nomor} {judul}"


# --- wilayah ---------------------------------------------------------------------------------

def _wilayah(doc: dict, kode: str) -> dict:
    try:
        return doc["wilayah"][kode]
    except KeyError:
        raise KeyError(f"wilayah {kode} tidak ada dalam tabel {doc.get('indikator', '?')}") from None


def _anak(doc: dict, induk: str) -> list[str]:
    """Kode wilayah anak langsung dari ``induk`` (satu segmen lebih panjang), urut kode."""
    _wilayah(doc, induk)
    tingkat = induk.count(".") + 1
    return sorted(k for k in doc["wilayah"] if k.startswith(induk + ".") and k.count(".") + 1 == tingkat + 1)


def _awal_jumlah(doc: dict, induk: str) -> list[str]:
    """The first two cells of a table's total row: the region's code, "Jumlah Kecamatan Binuang"."""
    return [_kepala_baris(induk, induk), _nama(f"Jumlah {judul_wilayah(_wilayah(doc, induk))}")]


def _label_anak(doc: dict, induk: str) -> str:
    label = TINGKAT_ANAK.get(induk.count(".") + 1)
    if label is None:
        raise ValueError(f"wilayah {induk} tidak mempunyai wilayah bawahan")
    w = _wilayah(doc, induk)
    return label if w["tingkat"] in ("provinsi", "kabupaten") else f"{label} di {judul_wilayah(w)}"


def judul_tabel(doc: dict, tingkat_label: str) -> str:
    """"Jumlah Penduduk Menurut Agama" + "Kecamatan" → "Jumlah Penduduk Menurut Agama per Kecamatan"."""
    return f"{doc['judul']} per {tingkat_label}"


def _nilai(doc: dict, kode: str, label: str) -> dict:
    try:
        return _wilayah(doc, kode)["data"][label]
    except KeyError:
        raise KeyError(f"wilayah {kode}: kategori {label!r} tidak ada dalam tabel {doc['indikator']}") from None


def _label_kategori(doc: dict) -> list[str]:
    return [k["label"] for k in doc["kategori"]]


# --- pembangun tabel -------------------------------------------------------------------------

def _sel_wilayah(doc: dict, kode: str, label_kategori: list[str]) -> list[str]:
    if len(label_kategori) == 1:
        v = _nilai(doc, kode, label_kategori[0])
        return [_angka(v[k], angka.bilangan(v[k])) for k in ("lk", "pr", "jml")]
    jml = [_nilai(doc, kode, label)["jml"] for label in label_kategori]
    return [_angka(v, angka.bilangan(v)) for v in (*jml, sum(jml))]


def tabel_wilayah(doc: dict, induk: str = "63.05", nomor=None, judul: str | None = None) -> Markup:
    """Satu baris per wilayah bawahan ``induk`` (urut kode); total = nilai ``induk`` sendiri.

    Satu kategori: Kode | Wilayah | LK | PR | Jumlah. Beberapa kategori: Kode | Wilayah |
    satu kolom per kategori (jml) | Jumlah (jumlah semua kategori pada baris itu).
    """
    labels = _label_kategori(doc)
    kolom = ["Kode", "Wilayah", *(["LK", "PR"] if len(labels) == 1 else labels), "Jumlah"]
    isi = [_baris([_kepala_baris(k, k), _nama(_wilayah(doc, k)['nama']),
                   *_sel_wilayah(doc, k, labels)]) for k in _anak(doc, induk)]
    total = [_baris([*_awal_jumlah(doc, induk),
                     *_sel_wilayah(doc, induk, labels)])]
    judul = judul or judul_tabel(doc, _label_anak(doc, induk))
    return _tabel(_id(nomor, doc["indikator"], induk), _judul(nomor, judul), kolom, isi, total)


def _bagian(jml: int, total: int) -> Decimal | None:
    return None if not total else angka.bulatkan(Decimal(jml) * 100 / Decimal(total), 2)


def tabel_kategori(doc: dict, kode: str = "63.05", nomor=None, judul: str | None = None) -> Markup:
    """Satu baris per kategori untuk satu wilayah: Kode | Kategori | LK | PR | Jumlah | %. Bila setiap kode sama
    dengan labelnya (kelompok umur "0-4"), kolom Kode tidak ditulis: Kategori | LK | PR | Jumlah | %."""
    w = _wilayah(doc, kode)
    data = [(k["kode"], k["label"], _nilai(doc, kode, k["label"])) for k in doc["kategori"]]
    jumlah = {f: sum(v[f] for _, _, v in data) for f in ("lk", "pr", "jml")}

    def sel(v: dict) -> list[str]:
        p = _bagian(v["jml"], jumlah["jml"])
        return [_angka(v[f], angka.bilangan(v[f])) for f in ("lk", "pr", "jml")] + [_angka(p, angka.persen(p))]

    judul = judul or f"{doc['judul']} di {judul_wilayah(w)}"
    id_, judul = _id(nomor, doc["indikator"], "kategori", kode), _judul(nomor, judul)
    if all(str(kk) == label for kk, label, _ in data):    # age bands: the code is the label, shown once
        isi = [_baris([_kepala_baris(i, label, "nama"), *sel(v)]) for i, (_, label, v) in enumerate(data, start=1)]
        total = [_baris(['<th scope="row" class="nama">Jumlah</th>', *sel(jumlah)])]
        return _tabel(id_, judul, ["Kategori", "LK", "PR", "Jumlah", "%"], isi, total, kolom_nama=0)
    isi = [_baris([_kepala_baris(i, kk), _nama(label), *sel(v)]) for i, (kk, label, v) in enumerate(data, start=1)]
    total = [_baris(['<th scope="row" colspan="2" class="nama">Jumlah</th>', *sel(jumlah)])]
    return _tabel(id_, judul, ["Kode", "Kategori", "LK", "PR", "Jumlah", "%"], isi, total)


def tabel_cakupan(doc: dict, induk: str = "63.05", nomor=None, judul: str | None = None) -> Markup:
    """Cakupan per wilayah bawahan ``induk``; total = ``induk``. Kategori pertama adalah dasarnya (mis. wajib
    KTP-el), kategori lain dihitung dari dasar itu (sudah rekam, sudah cetak), bukan bagian yang dijumlah:
    Kode | Wilayah | dasar LK, PR, Jumlah | tiap kategori lain LK, PR, Jumlah, % dari dasar (jumlah)."""
    dasar, *lain = _label_kategori(doc)

    def sel(kode: str) -> list[str]:
        base = _nilai(doc, kode, dasar)
        out = [_angka(base[f], angka.bilangan(base[f])) for f in ("lk", "pr", "jml")]
        for label in lain:
            v = _nilai(doc, kode, label)
            p = _bagian(v["jml"], base["jml"])
            out += [_angka(v[f], angka.bilangan(v[f])) for f in ("lk", "pr", "jml")] + [_angka(p, angka.persen(p))]
        return out

    kolom = ["Kode", "Wilayah", *(f"{dasar} {f}" for f in ("LK", "PR", "Jumlah")),
             *(f"{label} {f}" for label in lain for f in ("LK", "PR", "Jumlah", "%"))]
    isi = [_baris([_kepala_baris(k, k), _nama(_wilayah(doc, k)['nama']), *sel(k)])
           for k in _anak(doc, induk)]
    total = [_baris([*_awal_jumlah(doc, induk),
                     *sel(induk)])]
    judul = judul or judul_tabel(doc, _label_anak(doc, induk))
    return _tabel(_id(nomor, doc["indikator"], "cakupan", induk), _judul(nomor, judul), kolom, isi, total)


def _sel_indikator(doc: dict, kode: str, kolom) -> list[str]:
    data = _wilayah(doc, kode)["data"]
    return [_angka(data[k], angka.bilangan(data[k], 0 if k in _INDIKATOR_BULAT else 2)) for k in kolom]


def tabel_indikator(indikator_doc: dict, induk: str = "63.05", kolom=KOLOM_INDIKATOR, nomor=None,
                    judul: str | None = None) -> Markup:
    """Indikator (kolom dari ``LABEL_INDIKATOR``) per wilayah bawahan ``induk``; total = ``induk``."""
    kolom = tuple(kolom)
    asing = [k for k in kolom if k not in LABEL_INDIKATOR]
    if asing or not kolom:
        raise ValueError(f"kolom indikator tidak dikenal: {asing or 'kosong'}; pilih dari {sorted(LABEL_INDIKATOR)}")
    doc = indikator_doc
    isi = [_baris([_kepala_baris(k, k), _nama(_wilayah(doc, k)['nama']),
                   *_sel_indikator(doc, k, kolom)]) for k in _anak(doc, induk)]
    total = [_baris([*_awal_jumlah(doc, induk),
                     *_sel_indikator(doc, induk, kolom)])]
    judul = judul or judul_tabel(doc, _label_anak(doc, induk))
    return _tabel(_id(nomor, "indikator", induk), _judul(nomor, judul),
                  ["Kode", "Wilayah", *(LABEL_INDIKATOR[k] for k in kolom)], isi, total)


def _sel_perbandingan(doc: dict, kode: str, indikator: str) -> list[str]:
    try:
        v = _wilayah(doc, kode)["data"][indikator]
    except KeyError:
        raise KeyError(f"wilayah {kode}: perbandingan {indikator!r} tidak ada") from None
    return [_angka(v["sebelumnya"], angka.bilangan(v["sebelumnya"])),
            _angka(v["sekarang"], angka.bilangan(v["sekarang"])),
            _angka(v["selisih"], angka.bertanda(v["selisih"])),
            _angka(v["persen"], angka.bertanda(v["persen"], 2))]


def tabel_perbandingan(perbandingan_doc: dict, induk: str = "63.05", indikator: str = "penduduk", nomor=None,
                       judul: str | None = None) -> Markup:
    """Kode | Wilayah | Semester lalu | Semester ini | Selisih | % per wilayah bawahan; total = ``induk``.

    Selisih dan % ditulis bertanda (+1.154, -0,12); semester lalu yang kosong (desa baru) → "–".
    """
    if indikator not in LABEL_PERBANDINGAN:
        raise ValueError(f"indikator perbandingan tidak dikenal: {indikator!r}; "
                         f"pilih dari {sorted(LABEL_PERBANDINGAN)}")
    doc = perbandingan_doc
    isi = [_baris([_kepala_baris(k, k), _nama(_wilayah(doc, k)['nama']),
                   *_sel_perbandingan(doc, k, indikator)]) for k in _anak(doc, induk)]
    total = [_baris([*_awal_jumlah(doc, induk),
                     *_sel_perbandingan(doc, induk, indikator)])]
    judul = judul or (f"Perbandingan {LABEL_PERBANDINGAN[indikator]} dengan Semester Sebelumnya "
                      f"per {_label_anak(doc, induk)}")
    return _tabel(_id(nomor, "perbandingan", indikator, induk), _judul(nomor, judul),
                  ["Kode", "Wilayah", "Semester lalu", "Semester ini", "Selisih", "%"], isi, total)


def laju_per_tahun(sebelumnya, sekarang) -> Decimal | None:
    """Laju pertumbuhan per tahun (%) dari dua semester berurutan, geometris: ((sekarang ÷ sebelumnya)² − 1) × 100,
    2 desimal; None bila semester lalu kosong atau nol."""
    if not sebelumnya or sekarang is None:
        return None
    return angka.bulatkan((Decimal(sekarang) / Decimal(sebelumnya)) ** 2 * 100 - 100, 2)


def _sel_laju(doc: dict, kode: str) -> list[str]:
    try:
        v = _wilayah(doc, kode)["data"]["penduduk"]
    except KeyError:
        raise KeyError(f"wilayah {kode}: perbandingan 'penduduk' tidak ada") from None
    laju = laju_per_tahun(v["sebelumnya"], v["sekarang"])
    return [_angka(v["sebelumnya"], angka.bilangan(v["sebelumnya"])),
            _angka(v["sekarang"], angka.bilangan(v["sekarang"])),
            _angka(v["persen"], angka.bertanda(v["persen"], 2)),
            _angka(laju, angka.bertanda(laju, 2))]


def tabel_laju(perbandingan_doc: dict, induk: str = "63.05", nomor=None, judul: str | None = None) -> Markup:
    """Kode | Wilayah | Semester lalu | Semester ini | Pertumbuhan semester (%) | Laju per tahun (%) per wilayah
    bawahan ``induk``; total = ``induk``. Dari ``perbandingan`` (penduduk); desa baru → "–"."""
    doc = perbandingan_doc
    isi = [_baris([_kepala_baris(k, k), _nama(_wilayah(doc, k)['nama']), *_sel_laju(doc, k)])
           for k in _anak(doc, induk)]
    total = [_baris([*_awal_jumlah(doc, induk),
                     *_sel_laju(doc, induk)])]
    judul = judul or f"Laju Pertumbuhan Penduduk per {_label_anak(doc, induk)}"
    return _tabel(_id(nomor, "laju", induk), _judul(nomor, judul),
                  ["Kode", "Wilayah", "Semester lalu", "Semester ini", "Pertumbuhan semester (%)",
                   "Laju per tahun (%)"], isi, total)


# --- tabel lebar: dipecah, di kertas dan di situs -----------------------------------------------------

_BARIS = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_SEL = re.compile(r"<t([hd])\b[^>]*>.*?</t\1>", re.DOTALL)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.DOTALL)
_ID = re.compile(r'<table class="tabel-data" id="([^"]*)"')
_BADAN = re.compile(r"(<tbody\b[^>]*>)")


def jumlah_kolom(table: str) -> int:
    """How many header columns a table of `_susun` has."""
    head = table.split("</thead>", 1)[0]
    return head.count('<th scope="col"')


def pecah(table: str, muat=None) -> list[str]:
    """A Kode | Wilayah | k1 … kn | Jumlah table with n > MAKS_KATEGORI → several tables of ≤ MAKS_KATEGORI
    categories, each repeating Kode and Wilayah (and the total row); Jumlah stays with the last part.
    Any other table (fewer categories, colspans, no caption or id) is returned whole, as the only item.
    The print (`agregat.buku.cetak`) and the website (`agregat.buku.makro`) split with this one rule; the
    print adds `muat(n)`: whether a part's n data columns leave its header words room (else more parts)."""
    n_kolom = jumlah_kolom(table)
    kategori = n_kolom - 3
    if kategori <= MAKS_KATEGORI:
        return [table]
    head, _, rest = (_BADAN.split(table, 1) + ["", ""])[:3]
    rows = [[c.group(0) for c in _SEL.finditer(r)] for r in _BARIS.findall(table)]
    if not rest or any(len(r) != n_kolom for r in rows):
        return [table]                      # not a plain region table (colspans): leave it whole
    caption = _CAPTION.search(head)
    table_id = _ID.search(head)
    if caption is None or table_id is None:
        return [table]
    n_bagian = math.ceil(kategori / MAKS_KATEGORI)
    ukuran = math.ceil(kategori / n_bagian)
    while muat is not None and ukuran > 1 and not muat(ukuran + 1):     # more parts: wider columns
        n_bagian += 1
        ukuran = math.ceil(kategori / n_bagian)
    has_foot = "<tfoot" in rest
    n_body = len(_BARIS.findall(rest.split("</tbody>", 1)[0]))
    parts = []
    for i in range(n_bagian):
        lo = 2 + i * ukuran
        hi = min(2 + kategori, lo + ukuran) + (1 if i == n_bagian - 1 else 0)
        cols = [0, 1, *range(lo, hi)]
        pick = [("<tr>" + "".join(r[c] for c in cols) + "</tr>") for r in rows]
        ident = table_id.group(1) if i == 0 else f"{table_id.group(1)}-{i + 1}"
        cap = f"{caption.group(1)} (bagian {i + 1} dari {n_bagian})"
        parts.append(_susun(ident, cap, pick[0], pick[1:1 + n_body], pick[1 + n_body:] if has_foot else []))
    return parts
