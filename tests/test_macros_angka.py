"""Penulisan angka gaya Indonesia (agregat/core/angka.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agregat.core import angka


@pytest.mark.parametrize("value, desimal, expected", [
    (0, 0, "0"),
    (7, 0, "7"),
    (999, 0, "999"),
    (1000, 0, "1.000"),
    (1234567, 0, "1.234.567"),
    (203215, 0, "203.215"),
    (12.345, 2, "12,35"),
    (12.34, 2, "12,34"),
    (12.3, 2, "12,30"),
    (2174.95, 2, "2.174,95"),
    (1234567.891, 2, "1.234.567,89"),
    (93.43, 1, "93,4"),
    (2.9, 2, "2,90"),
    (5, 2, "5,00"),
    (Decimal("12.345"), 2, "12,35"),
])
def test_bilangan(value, desimal, expected):
    assert angka.bilangan(value, desimal) == expected


@pytest.mark.parametrize("value, desimal, expected", [
    (0.125, 2, "0,13"),     # banker's rounding would give 0,12
    (0.5, 0, "1"),          # round() would give 0
    (1.5, 0, "2"),
    (2.5, 0, "3"),          # round() would give 2
    (2.675, 2, "2,68"),     # float 2.675 is 2.67499…; the written value is what counts
    (1.005, 2, "1,01"),
    (-0.125, 2, "-0,13"),   # half away from zero
    (-2.5, 0, "-3"),
    (0.124, 2, "0,12"),
])
def test_bilangan_rounds_half_away_from_zero(value, desimal, expected):
    assert angka.bilangan(value, desimal) == expected


def test_bilangan_large_numbers():
    assert angka.bilangan(10**12) == "1.000.000.000.000"
    assert angka.bilangan(10**30 + 1) == "1.000.000.000.000.000.000.000.000.000.001"
    assert angka.bilangan(123456789012345678901234567890.5, 0).startswith("123.456.789.012.345")


def test_a_whole_number_is_written_as_the_decimal_path_writes_it():
    """bilangan's short way for int (most cells of the book) gives the text of the Decimal rounding path."""
    for n in [0, 1, -1, 9, 999, 1000, -1000, 12345, 202061, -999999, 10**6, 10**18 + 7, -(10**25) - 3]:
        assert angka.bilangan(n) == angka._tulis(angka.bulatkan(n, 0)), n
    assert angka.bilangan(1234, 1) == "1.234,0"          # with decimals: the rounding path
    with pytest.raises(TypeError):
        angka.bilangan(True)


def test_bilangan_negative_uses_ascii_hyphen():
    assert angka.bilangan(-1234) == "-1.234"
    assert angka.bilangan(-1234567.5, 1) == "-1.234.567,5"
    assert angka.bilangan(-12.345, 2) == "-12,35"
    assert "\u2212" not in angka.bilangan(-5)


def test_negative_zero_after_rounding_has_no_sign():
    assert angka.bilangan(-0.001, 2) == "0,00"
    assert angka.bilangan(-0.4) == "0"
    assert angka.bertanda(-0.001, 2) == "0,00"


def test_none_and_nan_are_en_dash():
    assert angka.bilangan(None) == "\u2013"
    assert angka.bilangan(None, 2) == "\u2013"
    assert angka.bilangan(float("nan"), 2) == "\u2013"
    assert angka.persen(None) == "\u2013"
    assert angka.bertanda(None) == "\u2013"


def test_persen_two_decimals_without_sign():
    assert angka.persen(12.345) == "12,35"
    assert angka.persen(100) == "100,00"
    assert angka.persen(0.57) == "0,57"
    assert angka.persen(71.54) == "71,54"
    assert angka.persen(33.3333, 1) == "33,3"
    assert "%" not in angka.persen(50)


@pytest.mark.parametrize("value, desimal, expected", [
    (1154, 0, "+1.154"),
    (-12, 0, "-12"),
    (0, 0, "0"),
    (1234567, 0, "+1.234.567"),
    (-1234567, 0, "-1.234.567"),
    (0.57, 2, "+0,57"),
    (-0.125, 2, "-0,13"),
    (0.0, 2, "0,00"),
])
def test_bertanda_signed(value, desimal, expected):
    assert angka.bertanda(value, desimal) == expected


@pytest.mark.parametrize("bad", ["12", True, [1], object()])
def test_rejects_non_numbers(bad):
    with pytest.raises(TypeError):
        angka.bilangan(bad)


def test_rejects_bad_desimal_and_infinity():
    with pytest.raises(ValueError):
        angka.bilangan(1, -1)
    with pytest.raises(ValueError):
        angka.bilangan(float("inf"))


def test_bulatkan_returns_decimal():
    assert angka.bulatkan(0.125, 2) == Decimal("0.13")
    assert angka.bulatkan(None) is None


def test_the_cli_formats_with_the_book_formatter_without_loading_the_book():
    """One number formatter: the CLI's summary uses `angka.bilangan` (half away from zero, never "-0"), and
    importing it does not pull in the book's heavy modules (matplotlib, Markdown)."""
    import subprocess
    import sys
    from pathlib import Path

    from agregat.cli import main as cli

    assert cli.bilangan is angka.bilangan
    code = "import sys, agregat.cli.main; print(sorted({'matplotlib', 'markdown', 'agregat.buku.makro'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    assert loaded.strip() == "[]"


def test_one_percent_format_in_words_everywhere():
    """Issue 12, point 9: "0,57%" (serangkai, as the committed analisa texts write it) from one function, in the
    headline table, the chapters' sentences, the charts' text alternatives and the analisa draft."""
    from pathlib import Path

    from agregat.buku import grafik
    from agregat.buku.makro import Buku
    from agregat.edisi import analisa
    from agregat.edisi.muat import muat_edisi

    assert angka.persentase(0.574) == "0,57%" and angka.persentase(-0.12, tanda=True) == "-0,12%"
    assert angka.persentase(1.154, tanda=True) == "+1,15%" and angka.persentase(None) == "\u2013"
    assert angka.persentase(33.333, 1) == "33,3%"
    edisi = muat_edisi(Path(__file__).resolve().parent.parent / "data", "2025-S1")
    buku = Buku(edisi)
    assert buku.indikator("persen_wajib_ktp") == "71,54%" and buku.laju() == "+1,15%"
    assert "(0,57%)" in buku.ringkasan()
    alt = grafik.perbandingan(edisi.dokumen["perbandingan"]).alt
    assert "202.061 menjadi 203.215 (+1.154, +0,57%)" in alt and " %" not in alt
    assert analisa._persen(0.57) == "0,57%"
