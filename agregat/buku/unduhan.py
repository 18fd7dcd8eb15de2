"""Unduhan situs: CSV dan XLSX per tabel, dan satu Frictionless Data Package (v2) per edisi.

``tulis_unduhan(dokumen, manifest, out_dir, kabupaten, sumber)`` menulis ke ``out_dir``:

- ``<tabel>.csv``: satu baris per wilayah (kabupaten, kecamatan, desa/kelurahan, urutan dokumen YAML),
  kolom ``kode_wilayah, nama_wilayah, tingkat`` lalu per kategori ``<slug>_lk, <slug>_pr, <slug>_jml``.
  UTF-8 tanpa BOM, pemisah koma, akhir baris ``\\n``, satu baris judul kolom. Sel kosong = nilai tidak ada.
  Teks yang diawali ``=``, ``+``, ``-``, ``@``, tab atau CR diberi awalan ``'`` (tidak dibaca sebagai rumus).
  ``indikator.csv``: satu kolom per indikator; ``perbandingan.csv``: penduduk, kartu_keluarga, wajib_ktp ×
  sebelumnya/sekarang/selisih/persen. Pecahan ditulis desimal biasa dengan titik (``2174.95``).
- ``<tabel>.xlsx``: tabel yang sama di satu lembar bernama tabel itu; judul kolom dalam kata-kata (``title``
  kolom di ``datapackage.json``, mis. "ISLAM (laki-laki)") di baris 1 (tanpa baris judul tambahan), kode wilayah sebagai teks, angka sebagai angka, baris judul dibekukan.
- ``datapackage.json``: Data Package v2 (https://datapackage.org/) dengan satu resource per CSV dan Table
  Schema v2 di dalamnya (tipe, judul kolom berbahasa Indonesia, batasan, ``primaryKey``), ``bytes`` dan
  ``hash`` sha256 tiap CSV sehingga ``frictionless validate`` juga memeriksa keutuhan berkas.

Murni selain menulis berkas-berkas itu, dan deterministik: masukan yang sama → berkas yang identik byte demi
byte (XLSX: tanggal pembuatan dari ``tanggal_data``, stempel waktu zip tetap dari xlsxwriter). Berkas lain di
``out_dir`` tidak disentuh.

Nama kolom kategori (``slug_kolom``): label huruf kecil ASCII, huruf beraksen tanpa aksennya, ``+`` menjadi
``plus`` dan ``-`` di akhir label menjadi ``minus`` (golongan darah ``A+``/``A-``, umur ``75+``), karakter
lain selain huruf/angka menjadi ``_`` (berturut-turut digabung, di tepi dibuang); bila tetap bentrok diberi
akhiran ``_2``, ``_3``, …. Label aslinya ada di ``title`` kolom dalam ``datapackage.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from decimal import Decimal
from numbers import Integral, Real
from pathlib import Path

import xlsxwriter

from agregat.core.atomik import write_atomic_bytes
from agregat.core.errors import UsageError
from agregat.core.periode import Periode

from agregat.edisi.muat import tanggal_panjang

__all__ = ["LISENSI", "slug_kolom", "tulis_unduhan"]

PROFIL_PAKET = "https://datapackage.org/profiles/2.0/datapackage.json"
PROFIL_SKEMA = "https://datapackage.org/profiles/2.0/tableschema.json"
PROFIL_DIALEK = "https://datapackage.org/profiles/2.0/tabledialect.json"

LISENSI = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}

NAMA_TABEL = re.compile(r"[a-z0-9_]+")
# Table Schema `pattern` is an XML Schema regex: implicitly anchored, `^`/`$` would be literal characters.
KODE_WILAYAH = r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?"   # provinsi … desa/kelurahan
TINGKAT = ["provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan"]

JENIS_KELAMIN = (("lk", "laki-laki"), ("pr", "perempuan"), ("jml", "jumlah"))

# Indikator yang dikenal: (judul kolom, tipe, batasan). Kunci lain: judul dari namanya, tipe number, minimum 0.
INDIKATOR = {
    "penduduk": ("Jumlah penduduk", "integer", {"minimum": 0}),
    "lk": ("Penduduk laki-laki", "integer", {"minimum": 0}),
    "pr": ("Penduduk perempuan", "integer", {"minimum": 0}),
    "kk": ("Jumlah kartu keluarga (kepala keluarga)", "integer", {"minimum": 0}),
    "luas_km2": ("Luas wilayah (km²)", "number", {"minimum": 0}),
    "kepadatan": ("Kepadatan penduduk (jiwa per km²)", "number", {"minimum": 0}),
    "rasio_jenis_kelamin": ("Rasio jenis kelamin (laki-laki per 100 perempuan)", "number", {"minimum": 0}),
    "rasio_ketergantungan": ("Rasio ketergantungan (umur 0-14 dan 65+ per 100 penduduk umur 15-64)", "number",
                             {"minimum": 0}),
    "rasio_ketergantungan_muda": ("Rasio ketergantungan muda (umur 0-14 per 100 penduduk umur 15-64)", "number",
                                  {"minimum": 0}),
    "rasio_ketergantungan_tua": ("Rasio ketergantungan tua (umur 65+ per 100 penduduk umur 15-64)", "number",
                                 {"minimum": 0}),
    "rata_rata_anggota_kk": ("Rata-rata anggota keluarga per kartu keluarga", "number", {"minimum": 0}),
    "persen_wajib_ktp": ("Persentase penduduk wajib KTP-el (%)", "number", {"minimum": 0, "maximum": 100}),
}

PERBANDINGAN = (("penduduk", "Penduduk"), ("kartu_keluarga", "Kartu keluarga"), ("wajib_ktp", "Wajib KTP-el"))


# --------------------------------------------------------------------------- nama kolom


def slug_kolom(label: str) -> str:
    """Label kategori → bagian nama kolom: ``KEPERCAYAAN TERHADAP TUHAN YME`` → ``kepercayaan_terhadap_tuhan_yme``.

    ``A+`` → ``a_plus``, ``A-`` → ``a_minus``, ``0-4`` → ``0_4``, ``75+`` → ``75_plus``, ``ÉLAN`` → ``elan``.
    Bisa kosong (label tanpa huruf/angka); ``_kolom_kategori`` memberi pengganti dan memastikan unik.
    """
    text = str(label).strip()
    text = text.replace("+", " plus ")
    text = re.sub(r"-\s*$", " minus", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^0-9A-Za-z]+", "_", text.lower())
    return text.strip("_")


def _kolom_kategori(kategori: list[dict]) -> list[str]:
    """Slug unik per kategori (urutan kategori). Kolom `<slug>_lk|pr|jml` tidak mungkin bentrok antar-slug
    yang berbeda atau dengan kolom wilayah karena akhirannya berbeda."""
    hasil: list[str] = []
    dipakai: set[str] = set()
    for nomor, item in enumerate(kategori, start=1):
        dasar = slug_kolom(item["label"]) or f"kategori_{nomor}"
        slug, n = dasar, 1
        while slug in dipakai:
            n += 1
            slug = f"{dasar}_{n}"
        dipakai.add(slug)
        hasil.append(slug)
    return hasil


# --------------------------------------------------------------------------- tabel antara


class _Tabel:
    """Satu tabel unduhan: nama, metadata, kolom (Table Schema field) dan baris (nilai Python)."""

    def __init__(self, nama: str, judul: str, deskripsi: str, kolom: list[dict], baris: list[list]):
        self.nama, self.judul, self.deskripsi, self.kolom, self.baris = nama, judul, deskripsi, kolom, baris


def _kolom_wilayah() -> list[dict]:
    return [
        {"name": "kode_wilayah", "title": "Kode wilayah", "type": "string",
         "description": "Kode wilayah administrasi Kemendagri: provinsi (1 bagian), kabupaten/kota (2 bagian), "
                        "kecamatan (3 bagian), desa/kelurahan (4 bagian), mis. 63.05.01.1001",
         "constraints": {"required": True, "unique": True, "pattern": KODE_WILAYAH}},
        {"name": "nama_wilayah", "title": "Nama wilayah", "type": "string", "constraints": {"required": True}},
        {"name": "tingkat", "title": "Tingkat wilayah", "type": "string",
         "constraints": {"required": True, "enum": TINGKAT}},
    ]


def _awal_baris(kode, wilayah: dict) -> list:
    return [str(kode), wilayah["nama"], wilayah["tingkat"]]


def _tanggal(tanggal_data: str) -> str:
    return tanggal_panjang(dt.date.fromisoformat(str(tanggal_data)))


def _semester(periode: str) -> str:
    try:
        return Periode.parse(str(periode)).judul
    except UsageError:
        raise ValueError(f"periode '{periode}' tidak dikenal (contoh: 2025-S1)") from None


def _tabel_kategori(nama: str, doc: dict) -> _Tabel:
    kategori = doc["kategori"]
    slugs = _kolom_kategori(kategori)
    kolom = _kolom_wilayah()
    for slug, item in zip(slugs, kategori, strict=True):
        for akhiran, jenis in JENIS_KELAMIN:
            kolom.append({"name": f"{slug}_{akhiran}", "title": f"{item['label']} ({jenis})", "type": "integer",
                          "constraints": {"minimum": 0}})
    label_dikenal = {item["label"] for item in kategori}
    baris = []
    for kode, wilayah in doc["wilayah"].items():
        data = wilayah["data"]
        asing = [label for label in data if label not in label_dikenal]
        if asing:
            raise ValueError(f"tabel {nama}, wilayah {kode}: kategori {asing} tidak ada di daftar kategori")
        row = _awal_baris(kode, wilayah)
        for item in kategori:
            sel = data.get(item["label"])
            row.extend(sel.get(akhiran) if sel else None for akhiran, _ in JENIS_KELAMIN)
        baris.append(row)
    deskripsi = (f"{doc['judul']}, per {_tanggal(doc['tanggal_data'])} ({doc['periode']}). Populasi: "
                 f"{doc['populasi']}. Satu baris per wilayah (kabupaten, kecamatan, desa/kelurahan); untuk tiap "
                 "kategori tiga kolom: laki-laki (_lk), perempuan (_pr) dan jumlah (_jml). Label kategori "
                 "aslinya ada di judul (title) kolom.")
    return _Tabel(nama, doc["judul"], deskripsi, kolom, baris)


def _tabel_indikator(doc: dict) -> _Tabel:
    kunci: list[str] = []
    for wilayah in doc["wilayah"].values():
        kunci.extend(k for k in wilayah["data"] if k not in kunci)
    kolom = _kolom_wilayah()
    for k in kunci:
        judul, tipe, batasan = INDIKATOR.get(k, (k.replace("_", " ").capitalize(), "number", {"minimum": 0}))
        kolom.append({"name": k, "title": judul, "type": tipe, "constraints": dict(batasan)})
    baris = [_awal_baris(kode, w) + [w["data"].get(k) for k in kunci] for kode, w in doc["wilayah"].items()]
    deskripsi = (f"{doc['judul']}, per {_tanggal(doc['tanggal_data'])} ({doc['periode']}): jumlah penduduk, "
                 "kartu keluarga, luas, kepadatan, rasio jenis kelamin, rasio ketergantungan, rata-rata anggota "
                 "keluarga, dan persentase wajib KTP-el per wilayah. Sel kosong: tidak dapat dihitung (mis. luas "
                 "desa/kelurahan tidak tersedia).")
    if doc.get("luas_sumber"):
        deskripsi += f" Sumber luas wilayah: {doc['luas_sumber']}."
    return _Tabel("indikator", doc["judul"], deskripsi, kolom, baris)


def _tabel_perbandingan(doc: dict) -> _Tabel:
    sebelum = doc.get("periode_sebelumnya", "semester sebelumnya")
    kolom = _kolom_wilayah()
    for kunci, judul in PERBANDINGAN:
        kolom += [
            {"name": f"{kunci}_sebelumnya", "title": f"{judul}, {sebelum}", "type": "integer",
             "constraints": {"minimum": 0}},
            {"name": f"{kunci}_sekarang", "title": f"{judul}, {doc['periode']}", "type": "integer",
             "constraints": {"minimum": 0}},
            {"name": f"{kunci}_selisih", "title": f"{judul}, selisih ({doc['periode']} - {sebelum})",
             "type": "integer"},
            {"name": f"{kunci}_persen", "title": f"{judul}, perubahan (%)", "type": "number"},
        ]
    baris = []
    for kode, wilayah in doc["wilayah"].items():
        row = _awal_baris(kode, wilayah)
        for kunci, _ in PERBANDINGAN:
            nilai = wilayah["data"].get(kunci) or {}
            row.extend(nilai.get(k) for k in ("sebelumnya", "sekarang", "selisih", "persen"))
        baris.append(row)
    deskripsi = (f"{doc['judul']}: penduduk, kartu keluarga, dan penduduk wajib KTP-el per "
                 f"{_tanggal(doc['tanggal_data'])} ({doc['periode']}) dibandingkan dengan {sebelum}; selisih "
                 "dan perubahan dalam persen terhadap semester sebelumnya. Sel kosong: wilayah belum ada di "
                 "edisi sebelumnya.")
    return _Tabel("perbandingan", doc["judul"], deskripsi, kolom, baris)


# --------------------------------------------------------------------------- CSV dan XLSX


def _teks_angka(value) -> str:
    """Nilai sel CSV: kosong untuk None, bilangan bulat apa adanya, pecahan desimal biasa dengan titik."""
    if type(value) is int:   # the common case, first (the ABC checks below cost more than the rest)
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"nilai boolean tidak diharapkan: {value!r}")
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"angka tidak hingga/NaN: {value!r}")
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text or "E" in text else text
    raise TypeError(f"bukan angka: {value!r}")


def _sel_teks(value) -> str:
    """A text cell of the CSV. A text that a spreadsheet would read as a formula (first character `=`, `+`,
    `-`, `@`, tab or CR: CSV injection) gets a leading `'`, so Excel/LibreOffice show it as text; the XLSX
    needs no such mark (its text cells are written as strings, never formulas)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_bytes(tabel: _Tabel) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=",", quotechar='"', doublequote=True, lineterminator="\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([k["name"] for k in tabel.kolom])
    for row in tabel.baris:
        writer.writerow([_sel_teks(v) for v in row[:3]] + [_teks_angka(v) for v in row[3:]])
    return buffer.getvalue().encode("utf-8")


def _nama_lembar(nama: str) -> str:
    return (re.sub(r"[\[\]:*?/\\']", "_", nama) or "tabel")[:31]


def _xlsx_bytes(tabel: _Tabel, properti: dict) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties(properti)
    tebal = workbook.add_format({"bold": True})
    format_tipe = {"integer": workbook.add_format({"num_format": "#,##0"}),
                   "number": workbook.add_format({"num_format": "#,##0.00"})}
    sheet = workbook.add_worksheet(_nama_lembar(tabel.nama))
    lebar = []
    for c, kolom in enumerate(tabel.kolom):     # headers in words ("ISLAM (laki-laki)"), the CSV keeps the names
        sheet.write_string(0, c, kolom["title"], tebal)
        lebar.append(len(kolom["title"]))
    formats = [None if kolom["type"] == "string" else format_tipe[kolom["type"]] for kolom in tabel.kolom]
    write_string, write_number = sheet.write_string, sheet.write_number
    for r, row in enumerate(tabel.baris, start=1):
        for c, (number_format, value) in enumerate(zip(formats, row, strict=True)):
            if value is None:
                continue
            if number_format is None:
                text = str(value)
                write_string(r, c, text)
                lebar[c] = max(lebar[c], len(text))
            else:
                _teks_angka(value)  # same checks as the CSV
                write_number(r, c, value, number_format)
                lebar[c] = max(lebar[c], len(f"{value:,}"))
    for c, panjang in enumerate(lebar):
        sheet.set_column(c, c, min(max(panjang, 6) + 2, 60))
    sheet.freeze_panes(1, 0)
    if tabel.baris:
        sheet.autofilter(0, 0, len(tabel.baris), len(tabel.kolom) - 1)
        sheet.ignore_errors({"number_stored_as_text": f"A2:A{len(tabel.baris) + 1}"})
    workbook.close()
    return buffer.getvalue()


# --------------------------------------------------------------------------- datapackage.json


def _slug_nama(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    text = re.sub(r"^\s*kabupaten\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def _nama_kabupaten(kabupaten: str) -> str:
    """"Tapin" from "Kabupaten Tapin", "Tapin" or the data's "TAPIN" (a name in capitals in title case)."""
    nama = re.sub(r"^\s*kabupaten\s+", "", str(kabupaten), flags=re.IGNORECASE).strip()
    return nama.title() if nama.isupper() else nama


def _resource(tabel: _Tabel, isi: bytes) -> dict:
    return {
        "name": tabel.nama,
        "type": "table",
        "path": f"{tabel.nama}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(isi),
        "hash": "sha256:" + hashlib.sha256(isi).hexdigest(),
        "title": tabel.judul,
        "description": tabel.deskripsi,
        "dialect": {"$schema": PROFIL_DIALEK, "header": True, "delimiter": ",", "lineTerminator": "\n",
                    "quoteChar": '"', "doubleQuote": True},
        "schema": {"$schema": PROFIL_SKEMA, "fields": tabel.kolom, "missingValues": [""],
                   "primaryKey": ["kode_wilayah"]},
    }


def _paket(manifest: dict, kabupaten: str, sumber: str, resources: list[dict]) -> dict:
    periode = str(manifest["periode"])
    nama_kab = _nama_kabupaten(kabupaten)
    semester = _semester(periode)
    tanggal = _tanggal(manifest["tanggal_data"])
    dinas = f"Dinas Kependudukan dan Pencatatan Sipil Kabupaten {nama_kab}"
    return {
        "$schema": PROFIL_PAKET,
        "name": f"buku-data-agregat-{_slug_nama(kabupaten)}-{periode.lower()}",
        "title": f"Buku Data Agregat Kependudukan Kabupaten {nama_kab} {semester}",
        "description": (
            f"Data agregat kependudukan Kabupaten {nama_kab} per {tanggal} ({semester}): jumlah penduduk "
            "menurut jenis kelamin dan berbagai karakteristik (umur, agama, pendidikan, pekerjaan, status "
            "perkawinan, hubungan keluarga, golongan darah, disabilitas, dokumen kependudukan), indikator "
            "kependudukan, dan perbandingan dengan semester sebelumnya, untuk kabupaten, setiap kecamatan, dan "
            "setiap desa/kelurahan. Hanya angka agregat; tidak memuat data perseorangan. Satu berkas CSV (UTF-8, "
            "pemisah koma) per tabel; berkas XLSX dengan isi yang sama tersedia di samping berkas ini."
        ),
        "version": periode,
        "licenses": [dict(LISENSI)],
        "sources": [{"title": sumber}],
        "contributors": [{"title": dinas, "roles": ["publisher"]}],
        "keywords": ["kependudukan", "data agregat", "Dukcapil", f"Kabupaten {nama_kab}", periode, semester],
        "resources": resources,
    }


# --------------------------------------------------------------------------- entri


def _daftar_tabel(documents: dict, manifest: dict) -> list[str]:
    names = list(manifest["tabel"]) + ["indikator"]
    if "perbandingan" in documents:
        names.append("perbandingan")
    for name in names:
        if not isinstance(name, str) or not NAMA_TABEL.fullmatch(name):
            raise ValueError(f"nama tabel tidak sah untuk nama berkas: {name!r}")
        if name not in documents:
            raise ValueError(f"dokumen tabel '{name}' tidak ada (disebut di manifest.yml)")
        if str(documents[name].get("periode")) != str(manifest["periode"]):
            raise ValueError(f"tabel '{name}' berperiode {documents[name].get('periode')}, "
                             f"manifest {manifest['periode']}")
    if len(set(names)) != len(names):
        raise ValueError(f"nama tabel ganda di manifest.yml: {names}")
    return names


def tulis_unduhan(documents: dict[str, dict], manifest: dict, out_dir: Path, kabupaten: str,
                  sumber: str, cache: Path | None = None) -> list[Path]:
    """Tulis ``<tabel>.csv``, ``<tabel>.xlsx`` untuk tiap tabel edisi dan ``datapackage.json`` ke ``out_dir``.

    ``documents``: dokumen YAML edisi per nama (tabel di ``manifest['tabel']``, ``indikator``, dan
    ``perbandingan`` bila ada; dokumen lain, mis. ``manifest``, diabaikan). ``kabupaten``: nama kabupaten
    tanpa kata "Kabupaten" (mis. ``Tapin``). ``sumber``: judul sumber data untuk ``sources`` paket.
    ``cache``: berkas zip tempat berkas-berkas dari masukan yang sama disimpan (namanya kunci masukan itu,
    ``cache_keys.unduhan_key``): dipakai bila berisi tepat nama-nama berkas ini dan utuh (CRC zip), selain itu
    dibuat lagi lalu disimpan di sana. Mengembalikan jalur berkas yang ditulis, terurut.
    """
    names = _daftar_tabel(documents, manifest)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = [f"{name}.{ext}" for name in names for ext in ("csv", "xlsx")] + ["datapackage.json"]
    berkas = _dari_cache(cache, wanted) if cache is not None else None
    if berkas is None:
        berkas = _berkas_unduhan(documents, manifest, names, kabupaten, sumber)
        if cache is not None:
            _ke_cache(cache, berkas)
    paths = []
    for nama_berkas, isi in berkas.items():
        path = out_dir / nama_berkas
        path.write_bytes(isi)
        paths.append(path)
    return sorted(paths)


def _dari_cache(cache: Path, wanted: list[str]) -> dict[str, bytes] | None:
    """The files kept in the zip `cache`, in `wanted` order; None when it is absent, unreadable, damaged or
    holds other names."""
    try:
        with zipfile.ZipFile(cache) as arsip:
            if sorted(arsip.namelist()) != sorted(wanted):
                return None
            return {name: arsip.read(name) for name in wanted}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError):
        return None


def _ke_cache(cache: Path, berkas: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as arsip:
        for name, isi in berkas.items():
            arsip.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), isi)
    cache.parent.mkdir(parents=True, exist_ok=True)
    write_atomic_bytes(cache, buffer.getvalue())


def _berkas_unduhan(documents: dict[str, dict], manifest: dict, names: list[str], kabupaten: str,
                    sumber: str) -> dict[str, bytes]:
    """{file name: bytes} of every download, in the order they are listed (tables, then datapackage.json)."""
    tanggal = dt.date.fromisoformat(str(manifest["tanggal_data"]))
    nama_kab = _nama_kabupaten(kabupaten)
    berkas: dict[str, bytes] = {}
    resources = []
    for name in names:
        doc = documents[name]
        if name == "indikator":
            tabel = _tabel_indikator(doc)
        elif name == "perbandingan":
            tabel = _tabel_perbandingan(doc)
        else:
            tabel = _tabel_kategori(name, doc)
        isi_csv = _csv_bytes(tabel)
        properti = {
            "title": tabel.judul,
            "subject": f"Buku Data Agregat Kependudukan Kabupaten {nama_kab} {_semester(manifest['periode'])}",
            "author": f"Dinas Kependudukan dan Pencatatan Sipil Kabupaten {nama_kab}",
            "company": f"Dinas Kependudukan dan Pencatatan Sipil Kabupaten {nama_kab}",
            "keywords": f"kependudukan, data agregat, {manifest['periode']}",
            "comments": f"Sumber: {sumber}. Lisensi: {LISENSI['title']} ({LISENSI['path']}).",
            "created": dt.datetime.combine(tanggal, dt.time()),
        }
        berkas[f"{name}.csv"] = isi_csv
        berkas[f"{name}.xlsx"] = _xlsx_bytes(tabel, properti)
        resources.append(_resource(tabel, isi_csv))
    paket = _paket(manifest, kabupaten, sumber, resources)
    berkas["datapackage.json"] = (json.dumps(paket, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
    return berkas
