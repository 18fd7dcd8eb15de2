import datetime as dt

import pytest

from agregat.validation import completed_years, parse_date


@pytest.mark.parametrize("text, date", [
    ("1985-03-12", dt.date(1985, 3, 12)), ("12-03-1985", dt.date(1985, 3, 12)), ("12/03/1985", dt.date(1985, 3, 12)),
    ("1985-03-12 00:00:00", dt.date(1985, 3, 12)), ("2/3/1985", dt.date(1985, 3, 2)), (" 1985-03-12 ", dt.date(1985, 3, 12)),
])
def test_accepted_date_formats(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["", None, "31-02-1990", "1990-13-01", "12.03.1985", "19850312", "6.30501E+15", "abc"])
def test_rejected_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("born, on, age", [
    ((2000, 6, 30), (2025, 6, 30), 25), ((2000, 7, 1), (2025, 6, 30), 24), ((2000, 2, 29), (2025, 2, 28), 24),
    ((2000, 2, 29), (2025, 3, 1), 25), ((2025, 6, 30), (2025, 6, 30), 0),
])
def test_completed_years(born, on, age):
    assert completed_years(dt.date(*born), dt.date(*on)) == age
