"""Only ASCII 0-9 are digits anywhere a code, a date, a period or a number is read.

Python's `\\d` and `str.isdigit()` accept every Unicode digit (`٢`, `²`), which made shadow editions
(`data/٢٠٢٥-S1`) and crashed runs (`int("2²")`). This test keeps the whole class closed: a new `\\d` or a bare
`isdigit()` in the library fails here, naming the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("agregat/**/*.py"), *ROOT.glob("macros/**/*.py"), ROOT / "build.py"])
#: Lines where a Unicode class is meant: word letters for the analysis text (digits excluded either way).
ALLOWED = {("agregat/edisi/analisa.py", "_KATA = ")}


def _findings() -> list[str]:
    found = []
    for path in SOURCES:
        name = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if any(name == allowed and marker in line for allowed, marker in ALLOWED):
                continue
            if "\\d" in code and "re.ASCII" not in code:
                found.append(f"{name}:{number}: \\d tanpa re.ASCII")
            if re.search(r"\.is(digit|decimal|numeric)\(\)", code) and "isascii()" not in code:
                found.append(f"{name}:{number}: isdigit() tanpa isascii()")
    return found


def test_no_unicode_digit_pattern_in_the_library():
    assert _findings() == []


@pytest.mark.parametrize("text", ["٢٠٢٥", "2²", "２０２５"])
def test_python_would_accept_these_so_the_rule_matters(text):
    assert (re.fullmatch(r"\d+", text) or text.isdigit()) and not re.fullmatch(r"[0-9]+", text)


def test_a_non_ascii_source_date_epoch_is_a_usage_error(monkeypatch):
    from agregat.core.errors import UsageError
    from agregat.buku.cetak import tanggal_dokumen

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "17512416٠٠")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        tanggal_dokumen(None)
