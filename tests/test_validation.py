import datetime as dt

import pytest

from agregat.sumber.validation import completed_years, parse_date


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


# ---- rules on whole registers ---------------------------------------------------------------------

from agregat.edisi import jobs  # noqa: E402
from agregat.core.errors import InputError  # noqa: E402
from conftest import FIXTURES, person, write_register  # noqa: E402

GOLDEN_CONFIG = FIXTURES / "golden" / "kabupaten.yml"


def report_rows(tmp_path, rows):
    path = write_register(tmp_path / "r.csv", rows)
    aggregation = jobs.validate(path, "2025-S1", GOLDEN_CONFIG)
    lines = aggregation.report.to_csv().splitlines()[1:]
    return aggregation, [tuple(line.split(",")[:3]) for line in lines]


@pytest.mark.parametrize("parts", [
    {"NO_KEC": "1", "NO_KEL": "12001"},                 # would be 63.05.02.2001 if the parts were not bounded
    {"NO_KAB": "4", "NO_KEC": "101", "NO_KEL": "2003"},  # would be 63.05.01.2003
    {"NO_PROP": "-63"}, {"NO_KEL": ""},
])
def test_region_parts_out_of_range_are_not_a_desa(tmp_path, parts):
    _, rows = report_rows(tmp_path, [person(1, desa="63.05.01.2003"), dict(person(2, desa="63.05.01.2003"), **parts)])
    assert rows == [("3", "NO_PROP/NO_KAB/NO_KEC/NO_KEL", "wilayah_tidak_valid")]


def test_a_damaged_first_copy_does_not_make_the_good_copy_a_duplicate(tmp_path):
    good = person(1, desa="63.05.01.2003")
    aggregation, rows = report_rows(tmp_path, [dict(good, JENIS_KLMIN="X"), good, good])
    assert rows == [("2", "JENIS_KLMIN", "jenis_kelamin_tidak_valid"), ("4", "NIK", "nik_ganda")]
    assert aggregation.report.kept == 1


def test_an_unclosed_quote_is_fatal_and_names_the_row(tmp_path):
    rows = [person(i, desa="63.05.01.2003", kk=i) for i in range(1, 30)]
    path = write_register(tmp_path / "r.csv", rows)
    lines = path.read_text().splitlines()
    lines[5] = lines[5].replace("ORANG CONTOH 5", '"ORANG CONTOH 5')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"r\.csv: sekitar baris 6 ada tanda kutip"):
        jobs.validate(path, "2025-S1", GOLDEN_CONFIG)


def test_a_closed_multiline_value_is_one_row(tmp_path):
    rows = [person(i, desa="63.05.01.2003", kk=i) for i in range(1, 6)]
    rows[1]["NAMA_LGKP"] = "DUA\nBARIS"
    rows[3]["JENIS_KLMIN"] = "X"
    aggregation, report = report_rows(tmp_path, rows)
    assert report == [("5", "JENIS_KLMIN", "jenis_kelamin_tidak_valid")]
    assert aggregation.report.kept == 4
