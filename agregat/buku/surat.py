"""Surat pengantar: the covering letter that goes with each printed copy of the book (SOP step 8).

    html = surat_pengantar(surat)            # one letter as a print HTML document
    buat_surat_pdf(surat, out_path)          # its PDF, written atomically, reproducible

Reads nothing but the `Surat` it is given (no register, no edition files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from agregat.core.atomik import atomic_file
from agregat.core.periode import WITA

from agregat.edisi.muat import tanggal_panjang
from agregat.core.aman import teks as _e

ANGKA = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
         "sebelas")

CSS = """
@page { size: A4; margin: 20mm 22mm 22mm 25mm; }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; }
.kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 4pt; margin-bottom: 12pt; }
.kop p { margin: 0; } .kop .instansi { font-size: 14pt; font-weight: bold; }
table.kepala td { padding: 1pt 6pt 1pt 0; vertical-align: top; }
table.barang { border-collapse: collapse; width: 100%; margin: 10pt 0; }
table.barang th, table.barang td { border: 0.6pt solid #000; padding: 4pt; vertical-align: top; }
.ttd { margin-left: 55%; margin-top: 18pt; } .ttd .nama { margin-top: 48pt; font-weight: bold; text-decoration: underline; }
h1 { font-size: 12pt; text-align: center; text-decoration: underline; margin: 10pt 0 2pt; }
.nomor { text-align: center; margin: 0 0 12pt; }
"""


@dataclass(frozen=True)
class Surat:
    """One covering letter."""

    dinas: str
    kabupaten: str            # "Tapin"
    ibu_kota: str             # "Rantau"
    judul_buku: str           # "Buku Data Agregat Kependudukan Kabupaten Tapin Semester I Tahun 2025"
    nomor: str
    tanggal: dt.date
    penerima: str
    eksemplar: int
    penanda_tangan: str       # name
    nip: str
    jabatan: str


def terbilang(number: int) -> str:
    """Small counts in words, as letters write them: `2 (dua)`."""
    words = ANGKA[number] if 0 <= number < len(ANGKA) else str(number)
    return f"{number} ({words})"


def surat_pengantar(surat: Surat) -> str:
    created = dt.datetime(surat.tanggal.year, surat.tanggal.month, surat.tanggal.day,
                          tzinfo=WITA).isoformat()
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Surat Pengantar {_e(surat.nomor)}</title>
<meta name="author" content="{_e(surat.dinas)}"><meta name="dcterms.created" content="{created}">
<meta name="dcterms.modified" content="{created}"><style>{CSS}</style></head><body>
<div class="kop"><p>PEMERINTAH KABUPATEN {_e(surat.kabupaten.upper())}</p>
<p class="instansi">{_e(surat.dinas.upper())}</p><p>{_e(surat.ibu_kota)}</p></div>
<p style="text-align:right">{_e(surat.ibu_kota)}, {_e(tanggal_panjang(surat.tanggal))}</p>
<p>Kepada Yth.<br>{_e(surat.penerima)}<br>di tempat</p>
<h1>SURAT PENGANTAR</h1><p class="nomor">Nomor: {_e(surat.nomor)}</p>
<table class="barang"><thead><tr><th>No.</th><th>Naskah/barang yang dikirimkan</th><th>Banyaknya</th>
<th>Keterangan</th></tr></thead><tbody><tr><td>1.</td><td>{_e(surat.judul_buku)}</td>
<td>{_e(terbilang(surat.eksemplar))} eksemplar</td><td>Disampaikan dengan hormat untuk dipergunakan
sebagaimana mestinya.</td></tr></tbody></table>
<div class="ttd"><p>{_e(surat.jabatan)},</p><p class="nama">{_e(surat.penanda_tangan)}</p>
<p>NIP {_e(surat.nip)}</p></div>
<p style="margin-top:24pt">Diterima tanggal: ....................<br>Nama/tanda tangan penerima: ....................</p>
</body></html>"""


def buat_surat_pdf(surat: Surat, out_path: Path) -> Path:
    """Render one letter to `out_path` atomically."""
    import weasyprint

    out_path = Path(out_path)
    with atomic_file(out_path, mode=0o644) as handle:
        weasyprint.HTML(string=surat_pengantar(surat)).write_pdf(handle, pdf_identifier=True)
    return out_path
