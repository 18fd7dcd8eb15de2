import datetime as dt

import pytest

from agregat.errors import UsageError
from agregat.periode import Periode


@pytest.mark.parametrize("text, tanggal, sebelumnya", [
    ("2025-S1", dt.date(2025, 6, 30), "2024-S2"),
    ("2024-S2", dt.date(2024, 12, 31), "2024-S1"),
])
def test_reference_date_and_previous_semester(text, tanggal, sebelumnya):
    periode = Periode.parse(text)
    assert periode.tanggal == tanggal
    assert str(periode.sebelumnya) == sebelumnya
    assert str(periode) == text


@pytest.mark.parametrize("text", ["2025-S3", "25-S1", "2025S1", "2025-s1x", "", "2025-06-30"])
def test_malformed_period_is_refused_with_an_example(text):
    with pytest.raises(UsageError, match="Tulis tahun dan semester seperti 2025-S1"):
        Periode.parse(text)


@pytest.mark.parametrize("text", ["٢٠٢٥-S1", "２０２５-S1", "2025-S١", "۲۰۲۵-S2", "𝟐𝟎𝟐𝟓-S1"])
def test_periods_are_ascii_digits_only(text):
    with pytest.raises(UsageError):
        Periode.parse(text)
    assert not Periode.is_canonical(text)


@pytest.mark.parametrize("text, canonical", [("2025-S1", True), (" 2025-S1", False), ("2025-S1\n", False),
                                             ("2025-S2", True), ("0999-S1", False), (None, False)])
def test_a_canonical_period_is_exactly_how_the_tool_writes_it(text, canonical):
    assert Periode.is_canonical(text) is canonical
