"""Penulisan angka gaya Indonesia untuk buku: 1.234.567 dan 12,34.

Pembulatan setengah menjauhi nol (0,125 → 0,13), bukan pembulatan bankir, dihitung dengan
``decimal.Decimal`` dari teks angka (``repr``) sehingga 12.345 menjadi 12,35 seperti yang
terlihat di data. Angka negatif memakai tanda hubung ASCII ("-") agar teks di PDF dan di uji
tetap polos; nilai kosong (None/NaN) ditulis "–" (en dash: data tidak tersedia).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral, Real

__all__ = ["KOSONG", "bertanda", "bilangan", "bulatkan", "persen", "persentase"]

KOSONG = "\u2013"  # en dash: nilai tidak tersedia


def bulatkan(value, desimal: int = 0) -> Decimal | None:
    """``value`` dibulatkan ke ``desimal`` angka di belakang koma (setengah menjauhi nol).

    None dan NaN → None. Nol negatif dinormalkan menjadi nol (tidak pernah "-0").
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
        raise TypeError(f"bukan angka: {value!r}")
    if not isinstance(desimal, int) or isinstance(desimal, bool) or desimal < 0:
        raise ValueError(f"desimal harus bilangan bulat >= 0, bukan {desimal!r}")
    if isinstance(value, Decimal):
        angka = value
    elif isinstance(value, Integral):
        angka = Decimal(int(value))
    else:
        angka = Decimal(repr(float(value)))
    if angka.is_nan():
        return None
    if angka.is_infinite():
        raise ValueError(f"angka tak hingga: {value!r}")
    with decimal.localcontext() as ctx:
        ctx.prec = max(28, angka.adjusted() + desimal + 3)
        hasil = angka.quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    return hasil.copy_abs() if hasil == 0 else hasil


def _tulis(angka: Decimal) -> str:
    teks = f"{angka.copy_abs():f}"
    bulat, _, pecahan = teks.partition(".")
    bulat = f"{int(bulat):,}".replace(",", ".")
    tanda = "-" if angka < 0 else ""
    return tanda + bulat + ("," + pecahan if pecahan else "")


def bilangan(value, desimal: int = 0) -> str:
    """1234567 → "1.234.567"; 12.345 (desimal=2) → "12,35"; -1234 → "-1.234"; None → "–"."""
    if type(value) is int and desimal == 0:     # most cells of the book: the same text, without Decimal
        return f"{value:,}".replace(",", ".")
    angka = bulatkan(value, desimal)
    return KOSONG if angka is None else _tulis(angka)


def persen(value, desimal: int = 2) -> str:
    """Persentase tanpa tanda %: 12.345 → "12,35" (judul kolom yang memuat "%")."""
    return bilangan(value, desimal)


def persentase(value, desimal: int = 2, tanda: bool = False) -> str:
    """Persentase dalam kalimat dan sel yang tidak berjudul "%": 0.574 → "0,57%" (tanpa spasi sebelum %, seperti
    teks analisa yang sudah disahkan); ``tanda=True`` → "+0,57%"; None → "–". Satu-satunya penulisan persen
    bertanda % di buku (situs, PDF, grafik, draf analisa, ringkasan PR)."""
    teks = (bertanda if tanda else bilangan)(value, desimal)
    return teks if teks == KOSONG else f"{teks}%"


def bertanda(value, desimal: int = 0) -> str:
    """Perubahan bertanda: 1154 → "+1.154", -12 → "-12", 0 → "0"; None → "–"."""
    angka = bulatkan(value, desimal)
    if angka is None:
        return KOSONG
    return ("+" if angka > 0 else "") + _tulis(angka)
