"""Reading a register extract: every format and dialect gives the same book, extra columns are dropped,
row numbers are exact, and each validation rule fixture gives exactly its flattened report.

The register is written from code (tmp_path) in each format; the rule fixtures are tiny CSVs under
tests/fixtures/rules/ (period 2025-S1, reference date 2025-06-30). Synthetic NIKs follow the real layout
`6305` + kecamatan + DDMMYY (day + 40 for women) + serial, so valid rows raise no NIK mismatch warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from agregat.cli.main import main
from agregat.core.config import DEFAULT_CONFIG, KNOWN_COLUMNS, REQUIRED_COLUMNS, load_config
from agregat.sumber.ingest import open_register
from agregat.edisi.output import edition_files
from agregat.core.periode import Periode
from agregat.sumber.pipeline import aggregate_register
from agregat.sumber.validation import REASON_CODES
from conftest import tmp_paths

PERIOD = "2025-S1"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"

COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TGL_LHR", "AGAMA", "PDDK_AKH", "JENIS_PKRJN", "STAT_KWN",
           "STAT_HBKEL", "GOL_DRH", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL", "PNYDNG_CCT", "AKTA_LHR", "ALAMAT"]
CODED = ("JENIS_KLMIN", "AGAMA", "PDDK_AKH", "JENIS_PKRJN", "STAT_KWN", "STAT_HBKEL", "GOL_DRH", "PNYDNG_CCT",
         "AKTA_LHR")
REGION = ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")
IDENTITY = ("NIK", "NO_KK")

# One small register: four families in five kecamatan, codes as numbers and as labels, dates in every
# accepted text form, names with characters outside ASCII (so a Windows-1252 copy differs from UTF-8), and
# one row of each of nik_ganda, nik_tidak_valid, wilayah_tidak_valid and an unknown AGAMA code.
_KK1, _KK3, _KK4 = "6305010101100001", "6305040303200003", "6305070404400004"
BASE_ROWS = [
    ["6305011503800001", _KK1, "AHMAD FAUZI", "1", "1980-03-15", "1", "5", "9", "2", "1", "1",
     "63", "5", "1", "2003", "", "2", "JL. A. YANI KM 5, RT 01"],
    ["6305015505850002", _KK1, "SITI ÄMINAH", "PEREMPUAN", "15-05-1985", "ISLAM", "SLTA/SEDERAJAT", "2",
     "KAWIN", "ISTRI", "4", "63", "5", "1", "2003", "", "1", 'GG. "MAWAR"'],
    ["6305012007100003", _KK1, "RIZKY PRATAMA", "1", "20/07/2010", "1", "2", "3", "1", "4", "13",
     "63", "5", "1", "2003", "2", "2", ""],
    ["6305040201750005", _KK3, "MUHAMMAD ARSYAD", "1", "1975-01-02", "1", "8", "5", "2", "1", "2",
     "63", "5", "4", "1001", "", "2", "RANTAU"],
    ["6305044712780012", _KK3, "HALIMAH TUSSADIAH", "2", "1978-12-07", "1", "5", "2", "2", "3", "3",
     "63", "5", "4", "1001", "", "2", "RANTAU"],
    ["6305046301050013", _KK3, "ZAHRA ANDRÉ", "2", "2005-01-23", "1", "5", "3", "1", "4", "1",
     "63", "5", "4", "1001", "", "2", "RANTAU"],
    ["6305070101400014", _KK4, "H. SYAHRANI", "1", "1940-01-01", "1", "1", "4", "4", "1", "4",
     "63", "5", "7", "2002", "1", "1", "BAKARANGAN"],
    ["6305074404200015", _KK4, "NADIA PUTRI", "2", "2020-04-04", "1", "1", "1", "1", "6", "13",
     "63", "5", "7", "2002", "", "2", "BAKARANGAN"],
    ["6305091203900016", "6305090505050005", "ANDRÉ WIJAYA", "LAKI-LAKI", "1990-03-12", "KRISTEN", "S1", "GURU",
     "BELUM KAWIN", "1", "O", "63", "5", "9", "2003", "", "ADA", "BUNGUR"],
    ["6305095506950017", "6305090606060006", "MAYA SARI", "2", "1995-06-15", "9", "5", "15", "1", "1", "1",
     "63", "5", "9", "2003", "", "2", "BUNGUR"],
    # row 12: the NIK of row 2 again → nik_ganda
    ["6305011503800001", _KK1, "AHMAD FAUZAN", "1", "1980-03-15", "1", "5", "9", "2", "1", "1",
     "63", "5", "1", "2003", "", "2", ""],
    # row 13: a letter in the NIK → nik_tidak_valid
    ["63050I0101000018", _KK1, "BUDI SANTOSO", "1", "2000-01-01", "1", "5", "9", "1", "4", "1",
     "63", "5", "1", "2003", "", "2", ""],
    # row 14: kecamatan 99 does not exist → wilayah_tidak_valid
    ["6305011010100019", _KK1, "JOKO SUSILO", "1", "2010-10-10", "1", "2", "3", "1", "4", "1",
     "63", "5", "99", "2003", "", "2", ""],
    ["6305084808000020", "6305080808080007", "RATNA DEWI", "2", "08-08-2000", "1", "8", "65", "2", "1", "11",
     "63", "5", "8", "2004", "", "2", "PIANI"],
]
BASE_REPORT = [(12, "NIK", "nik_ganda"), (13, "NIK", "nik_tidak_valid"),
               (14, "NO_PROP/NO_KAB/NO_KEC/NO_KEL", "wilayah_tidak_valid"), (11, "AGAMA", "kode_tidak_dikenal")]

HEADER = ",".join(COLUMNS[:15])


def load_yaml(text: str):
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def personal_values(rows: list[list[str]]) -> set[str]:
    """NIK, NO_KK and names of a register: none of them may ever appear in any output."""
    values = set()
    for row in rows:
        values.update(v for v in (row[0], row[1], row[2]) if len(v.strip()) >= 6)
    return values


def assert_no_personal_data(texts, values) -> None:
    for text in texts:
        leaked = sorted(v for v in values if v in text)
        assert leaked == [], "a register value appears in the output"


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def periode():
    return Periode.parse(PERIOD)


def write_config(directory: Path, kolom: dict[str, str]) -> Path:
    """A copy of kabupaten.yml with a `kolom` mapping; `wilayah:` made absolute (it is relative to the file)."""
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["wilayah"] = str((DEFAULT_CONFIG.parent / raw["wilayah"]).resolve())
    raw["kolom"] = kolom
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "kabupaten.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---- writing the register in every format ---------------------------------------------------------------

def csv_bytes(rows, header=COLUMNS, delimiter=",", encoding="utf-8", lineterminator="\n",
              quoting=csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def as_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    return None


def write_xlsx(path: Path, rows, header=COLUMNS, numeric_identity: dict[int, dict[str, object]] | None = None,
               regions_as_text: bool = False):
    """NIK/NO_KK as text cells, TGL_LHR as real date cells, digit-only codes (and regions) as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for index, row in enumerate(rows):
        cells = []
        for name, value in zip(header, row):
            if name == "TGL_LHR":
                cells.append(as_date(value))
            elif name in CODED + (() if regions_as_text else REGION) and value.isdigit():
                cells.append(int(value))
            elif value == "":
                cells.append(None)
            else:
                cells.append(value)
        for name, value in (numeric_identity or {}).get(index, {}).items():
            cells[header.index(name)] = value
        sheet.append(cells)
    for cell in sheet["A"][1:] + sheet["B"][1:]:
        if isinstance(cell.value, str):
            cell.number_format = "@"
    workbook.save(path)


def write_parquet(path: Path, rows, timestamps: bool = False) -> None:
    """Typed columns: text NIK/NO_KK, a date (or timestamp) TGL_LHR, integer codes where all are numbers."""
    arrays = {}
    for position, name in enumerate(COLUMNS):
        values = [row[position] for row in rows]
        if name == "TGL_LHR":
            dates = [as_date(v) for v in values]
            if timestamps:
                arrays[name] = pa.array([dt.datetime.combine(d, dt.time()) if d else None for d in dates],
                                        pa.timestamp("ms"))
            else:
                arrays[name] = pa.array(dates, pa.date32())
        elif name in CODED + REGION and all(v.isdigit() for v in values):
            arrays[name] = pa.array([int(v) for v in values], pa.int64())
        else:
            arrays[name] = pa.array(values, pa.string())
    pq.write_table(pa.table(arrays), path)


def padded(rows):
    return [row[:11] + [row[11], row[12].zfill(2), row[13].zfill(2), row[14]] + row[15:] for row in rows]


MAPPING = {"Nomor_NIK": "NIK", "NOMOR KK": "NO_KK", "jk": "JENIS_KLMIN", "Tanggal Lahir": "TGL_LHR",
           "KODE_KEC": "NO_KEC"}
MAPPED_HEADER = ["Nomor_NIK", "NOMOR KK", "NAMA_LGKP", "jk", "Tanggal Lahir"] + COLUMNS[5:13] + ["kode_kec"] \
    + COLUMNS[14:]

VARIANTS = {
    "csv-utf8": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS)),
    "csv-utf8-bom": lambda d: (d / "register.csv", b"\xef\xbb\xbf" + csv_bytes(BASE_ROWS)),
    "csv-cp1252": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, encoding="cp1252")),
    "csv-semicolon": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, delimiter=";")),
    "csv-pipe": lambda d: (d / "register.txt", csv_bytes(BASE_ROWS, delimiter="|")),
    "csv-tab": lambda d: (d / "register.tsv", csv_bytes(BASE_ROWS, delimiter="\t")),
    "csv-quoted": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, quoting=csv.QUOTE_ALL)),
    "csv-crlf": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, lineterminator="\r\n")),
    "csv-cp1252-crlf-semicolon": lambda d: (d / "register.csv", csv_bytes(
        BASE_ROWS, delimiter=";", encoding="cp1252", lineterminator="\r\n")),
    "csv-lowercase-headers": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, header=[c.lower() for c in COLUMNS])),
    "csv-padded-regions": lambda d: (d / "register.csv", csv_bytes(padded(BASE_ROWS))),
    "csv-mapped-headers": lambda d: (d / "register.csv", csv_bytes(BASE_ROWS, header=MAPPED_HEADER)),
    "xlsx": lambda d: (d / "register.xlsx", lambda p: write_xlsx(p, BASE_ROWS)),
    "xlsx-padded-text-regions": lambda d: (d / "register.xlsx",
                                           lambda p: write_xlsx(p, padded(BASE_ROWS), regions_as_text=True)),
    "parquet": lambda d: (d / "register.parquet", lambda p: write_parquet(p, BASE_ROWS)),
    "parquet-timestamp": lambda d: (d / "register.parquet", lambda p: write_parquet(p, BASE_ROWS, timestamps=True)),
}


def make_variant(name: str, directory: Path) -> tuple[Path, Path]:
    """Write the register as variant `name`; return (register path, config path)."""
    directory.mkdir(parents=True, exist_ok=True)
    path, content = VARIANTS[name](directory)
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    config_path = write_config(directory / "config", MAPPING) if name == "csv-mapped-headers" else DEFAULT_CONFIG
    return path, config_path


def report_rows(report) -> list[tuple[int, str, str]]:
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[0] == ["baris", "kolom", "kode", "keterangan"]
    return [(int(r[0]), r[1], r[2]) for r in rows[1:]]


def report_summary(report) -> dict:
    return {"dibaca": report.rows_read, "valid": report.kept, "dikecualikan": dict(report.excluded_counts()),
            "peringatan": {k: v for k, v in report.warnings.items() if v},
            "kode_tidak_dikenal": {k: v for k, v in report.unknown_codes.items() if v}}


def tables_without_manifest(aggregation, config) -> dict[str, str]:
    files = edition_files(aggregation, config, None)
    files.pop("manifest.yml")
    return files


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, config, periode):
    path, _ = make_variant("csv-utf8", tmp_path_factory.mktemp("baseline"))
    aggregation = aggregate_register(path, periode, config)
    return aggregation, tables_without_manifest(aggregation, config)


# ---- the same register in every format ------------------------------------------------------------------

def test_baseline_register_is_what_the_test_expects(baseline):
    aggregation, files = baseline
    report = aggregation.report
    assert report_summary(report) == {
        "dibaca": 14, "valid": 11,
        "dikecualikan": {"nik_tidak_valid": 1, "nik_ganda": 1, "jenis_kelamin_tidak_valid": 0,
                         "tgl_lahir_tidak_valid": 0, "wilayah_tidak_valid": 1, "baris_rusak": 0},
        "peringatan": {}, "kode_tidak_dikenal": {"AGAMA": 1}}
    assert sorted(report_rows(report)) == sorted(BASE_REPORT)
    penduduk = load_yaml(files["penduduk.yml"])["wilayah"]
    assert penduduk["63.05"]["data"]["PENDUDUK"] == {"lk": 5, "pr": 6, "jml": 11}
    assert penduduk["63.05.01.2003"]["data"]["PENDUDUK"] == {"lk": 2, "pr": 1, "jml": 3}
    assert {"disabilitas.yml", "akta_kelahiran.yml"} <= set(files)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "csv-utf8"])
def test_every_format_gives_the_same_book(variant, tmp_path, baseline, periode):
    base_aggregation, base_files = baseline
    path, config_path = make_variant(variant, tmp_path)
    config = load_config(config_path)
    aggregation = aggregate_register(path, periode, config)

    assert report_summary(aggregation.report) == report_summary(base_aggregation.report)
    assert set(aggregation.counts) == set(base_aggregation.counts)
    for name, counts in base_aggregation.counts.items():
        assert np.array_equal(aggregation.counts[name], counts), name
    files = tables_without_manifest(aggregation, config)
    assert files.keys() == base_files.keys()
    for name, text in base_files.items():
        assert files[name] == text, name          # byte for byte
    if not variant.startswith("parquet"):        # Parquet row numbers: see test_parquet_row_numbers_*
        assert report_rows(aggregation.report) == report_rows(base_aggregation.report)


@pytest.mark.parametrize("variant, encoding, delimiter", [
    ("csv-utf8", "utf-8", ","), ("csv-utf8-bom", "utf-8", ","), ("csv-cp1252", "cp1252", ","),
    ("csv-semicolon", "utf-8", ";"), ("csv-pipe", "utf-8", "|"), ("csv-tab", "utf-8", "\t"),
    ("csv-cp1252-crlf-semicolon", "cp1252", ";"),
])
def test_csv_dialect_is_detected(variant, encoding, delimiter, tmp_path, config):
    path, _ = make_variant(variant, tmp_path)
    register = open_register(path, config)
    assert (register.format, register.encoding, register.delimiter) == ("csv", encoding, delimiter)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_extra_columns_are_dropped_on_read(variant, tmp_path):
    path, config_path = make_variant(variant, tmp_path)
    register = open_register(path, load_config(config_path))
    present = tuple(c for c in KNOWN_COLUMNS if c in COLUMNS)
    assert register.columns == present              # required + PNYDNG_CCT, AKTA_LHR, in canonical order
    chunks = list(register.chunks())
    assert sum(len(c) for c in chunks) == len(BASE_ROWS)
    for chunk in chunks:
        assert list(chunk.columns) == list(present)
        assert "NAMA_LGKP" not in chunk.columns and "ALAMAT" not in chunk.columns
        assert all(array.type == pa.string() for array in chunk.columns.values())
        text = " ".join(str(v) for array in chunk.columns.values() for v in array.to_pylist())
        assert "AHMAD FAUZI" not in text and "RANTAU" not in text


@pytest.mark.parametrize("variant", ["csv-utf8", "csv-quoted", "csv-crlf", "xlsx"])
def test_first_data_row_is_row_2(variant, tmp_path, config):
    path, _ = make_variant(variant, tmp_path)
    chunk = next(open_register(path, config).chunks())
    assert chunk.rows[:3].tolist() == [2, 3, 4]


@pytest.mark.parametrize("variant", ["parquet", "parquet-timestamp"])
def test_parquet_row_numbers_match_the_other_formats(variant, tmp_path, config, periode, baseline):
    # Regression (fixed): Register._parquet_chunks numbers rows from 1 (np.arange(done + 1, …)) whereas every other
    # reader, and the Chunk contract, give the header row 1 and the first data row 2; the same register
    # therefore gets a different validasi.csv as Parquet (every row one lower).
    path, _ = make_variant(variant, tmp_path)
    chunk = next(open_register(path, config).chunks())
    assert chunk.rows[:3].tolist() == [2, 3, 4]
    aggregation = aggregate_register(path, periode, config)
    assert report_rows(aggregation.report) == report_rows(baseline[0].report)


def test_codes_values_and_labels_in_xlsx_are_text(tmp_path, config):
    path, _ = make_variant("xlsx", tmp_path)
    chunk = next(open_register(path, config).chunks())
    assert chunk.columns["NIK"].to_pylist()[:2] == ["6305011503800001", "6305015505850002"]
    assert chunk.columns["TGL_LHR"].to_pylist()[:3] == ["1980-03-15", "1985-05-15", "2010-07-20"]
    assert chunk.columns["AGAMA"].to_pylist()[:2] == ["1", "ISLAM"]
    assert chunk.columns["NO_KEC"].to_pylist()[:4] == ["1", "1", "1", "4"]


# ---- region numbers --------------------------------------------------------------------------------------

def test_padded_and_unpadded_region_numbers_are_the_same_desa(tmp_path, config, periode):
    rows = [BASE_ROWS[0], BASE_ROWS[1], BASE_ROWS[3]]
    mixed = [rows[0][:12] + ["05", "01", "2003"] + rows[0][15:],      # padded
             rows[1][:12] + ["5", "1", "2003"] + rows[1][15:],        # not padded
             rows[2][:12] + ["005", "04", "1001"] + rows[2][15:]]
    plain = tmp_path / "plain.csv"
    plain.write_bytes(csv_bytes(rows))
    mix = tmp_path / "mixed.csv"
    mix.write_bytes(csv_bytes(mixed))
    a, b = (aggregate_register(p, periode, config) for p in (plain, mix))
    assert report_rows(b.report) == report_rows(a.report) == []
    for name in a.counts:
        assert np.array_equal(a.counts[name], b.counts[name]), name
    penduduk = load_yaml(edition_files(b, config, None)["penduduk.yml"])["wilayah"]
    assert penduduk["63.05.01.2003"]["data"]["PENDUDUK"] == {"lk": 1, "pr": 1, "jml": 2}
    assert penduduk["63.05.04.1001"]["data"]["PENDUDUK"] == {"lk": 1, "pr": 0, "jml": 1}


# ---- NIK and NO_KK are text ------------------------------------------------------------------------------

def test_csv_nik_is_never_parsed_as_a_number(tmp_path, config, periode):
    rows = [list(r) for r in BASE_ROWS[:3]]
    rows[1][0] = "6.30502E+15"                     # what a spreadsheet makes of a NIK
    rows[2][0] = "'6305012007100003"               # a leading apostrophe (text marker) is trimmed
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows))
    chunk = next(open_register(path, config).chunks())
    assert chunk.columns["NIK"].to_pylist() == ["6305011503800001", "6.30502E+15", "'6305012007100003"]
    aggregation = aggregate_register(path, periode, config)
    assert report_rows(aggregation.report) == [(3, "NIK", "nik_tidak_valid")]


def test_xlsx_text_nik_cell_is_kept(tmp_path, config, periode):
    path = tmp_path / "register.xlsx"
    write_xlsx(path, BASE_ROWS[:3])
    aggregation = aggregate_register(path, periode, config)
    assert report_rows(aggregation.report) == []
    assert aggregation.report.kept == 3


def test_xlsx_numeric_nik_cell_is_excluded(tmp_path, config, periode):
    # Regression (fixed): a numeric NIK cell of 16 digits comes back from openpyxl as an int (or an integral float that
    # openpyxl wrote as an int) and _cell_text turns it into a valid-looking 16-digit text, so a NIK that
    # a spreadsheet has already damaged (only 15 significant digits survive) is counted instead of
    # being excluded as nik_tidak_valid.
    path = tmp_path / "register.xlsx"
    write_xlsx(path, BASE_ROWS[:4], numeric_identity={
        1: {"NIK": 6305015505850002},          # an integer cell
        2: {"NIK": 6.30501200710e15},          # a float cell, as a spreadsheet stores it
    })
    aggregation = aggregate_register(path, periode, config)
    assert report_rows(aggregation.report) == [(3, "NIK", "nik_tidak_valid"), (4, "NIK", "nik_tidak_valid")]
    assert aggregation.report.excluded_counts()["nik_tidak_valid"] == 2


def test_xlsx_numeric_no_kk_cell_is_flagged(tmp_path, config, periode):
    # Regression (fixed): same as the NIK: a numeric NO_KK cell (damaged by the spreadsheet) is read as a valid KK number
    # instead of raising no_kk_tidak_valid.
    path = tmp_path / "register.xlsx"
    write_xlsx(path, BASE_ROWS[:4], numeric_identity={3: {"NO_KK": 6305040303200003}})
    rows = report_rows(aggregate_register(path, periode, config).report)
    assert rows == [(5, "NO_KK", "no_kk_tidak_valid")]


# ---- exact row numbers -----------------------------------------------------------------------------------

def _fields(nik: str, name: str = "SYAHRUL GUNAWAN") -> list[str]:
    return [nik, "6305010101100001", name, "1", "1980-03-15", "1", "5", "9", "2", "1", "1", "63", "5", "1", "2003"]


def _line(nik: str, name: str = "SYAHRUL GUNAWAN") -> str:
    """One CSV record (quoted where needed, e.g. a name with an embedded newline)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(_fields(nik, name))
    return out.getvalue()[:-1]


GOOD_A = _line("6305011503800001", "AHMAD FAUZI")
BAD_1 = _line("BELUM ADA NIK 1")
BAD_2 = _line("BELUM ADA NIK 2")
BAD_3 = _line("BELUM ADA NIK 3")
SHORT = "6305015505850002,6305010101100001,SITI AMINAH,2"
LONG = _line("6305012007100003", "RIZKY PRATAMA") + ",EKSTRA"


def _run(tmp_path, config, periode, text: str, newline: str = "\n"):
    path = tmp_path / "register.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return aggregate_register(path, periode, config)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_row_numbers_with_blank_lines(tmp_path, config, periode, newline):
    text = "\n".join([HEADER, GOOD_A, "", BAD_1, "", "", BAD_2, "", ""]) + "\n"
    aggregation = _run(tmp_path, config, periode, text, newline)
    assert report_rows(aggregation.report) == [(4, "NIK", "nik_tidak_valid"), (7, "NIK", "nik_tidak_valid")]
    assert (aggregation.report.rows_read, aggregation.report.kept) == (3, 1)


def test_row_numbers_with_blank_line_right_after_the_header(tmp_path, config, periode):
    text = "\n".join([HEADER, "", GOOD_A, BAD_1]) + "\n"
    aggregation = _run(tmp_path, config, periode, text)
    assert report_rows(aggregation.report) == [(4, "NIK", "nik_tidak_valid")]


def test_row_numbers_with_malformed_rows(tmp_path, config, periode):
    text = "\n".join([HEADER, GOOD_A, SHORT, BAD_1, LONG, BAD_2]) + "\n"
    aggregation = _run(tmp_path, config, periode, text)
    assert report_rows(aggregation.report) == [
        (3, "-", "baris_rusak"), (4, "NIK", "nik_tidak_valid"), (5, "-", "baris_rusak"),
        (6, "NIK", "nik_tidak_valid")]
    report = aggregation.report
    assert (report.rows_read, report.kept, report.excluded_total) == (5, 1, 4)
    assert report.excluded_counts()["baris_rusak"] == 2


def test_row_numbers_without_final_newline(tmp_path, config, periode):
    aggregation = _run(tmp_path, config, periode, "\n".join([HEADER, GOOD_A, BAD_1, LONG]))
    assert report_rows(aggregation.report) == [(3, "NIK", "nik_tidak_valid"), (4, "-", "baris_rusak")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_row_numbers_of_a_record_with_an_embedded_newline(tmp_path, config, periode, newline):
    multi = _line("BELUM ADA NIK 4", "JL. MAWAR\nRT 01\nRANTAU")
    text = "\n".join([HEADER, GOOD_A, "", SHORT, BAD_1, multi]) + "\n"
    aggregation = _run(tmp_path, config, periode, text, newline)
    assert report_rows(aggregation.report) == [
        (4, "-", "baris_rusak"), (5, "NIK", "nik_tidak_valid"), (6, "NIK", "nik_tidak_valid")]
    assert (aggregation.report.rows_read, aggregation.report.kept) == (4, 1)


def test_row_numbers_when_an_unquoted_newline_splits_a_record(tmp_path, config, periode):
    broken = ",".join(_fields("6305011503800001", "AHMAD\nFAUZI"))     # not quoted: two short rows
    aggregation = _run(tmp_path, config, periode, "\n".join([HEADER, broken, BAD_1]) + "\n")
    assert report_rows(aggregation.report) == [
        (2, "-", "baris_rusak"), (3, "-", "baris_rusak"), (4, "NIK", "nik_tidak_valid")]


def test_row_numbers_after_an_embedded_newline_match_the_spreadsheet(tmp_path, config, periode):
    # Regression (fixed): ingest.py promises "the row number a person would see in a
    # spreadsheet (header = row 1)", and an XLSX gives exactly that. For a CSV, prepare_precise_scan
    # numbers records by the *text line* they start on, so every record after a quoted value with an
    # embedded newline (common in ALAMAT) is reported one row lower per extra line than the row a
    # spreadsheet shows, and the same register gives a different validasi.csv as CSV and as XLSX.
    multi = _line("6305011503800001", "AHMAD\nFAUZI")
    csv_path = tmp_path / "register.csv"
    csv_path.write_bytes(("\n".join([HEADER, multi, BAD_1, "", BAD_2]) + "\n").encode("utf-8"))
    xlsx_path = tmp_path / "register.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in (HEADER.split(","), _fields("6305011503800001", "AHMAD\nFAUZI"), BAD_1.split(","), [],
                   BAD_2.split(",")):
        sheet.append(values)
    workbook.save(xlsx_path)

    from_xlsx = report_rows(aggregate_register(xlsx_path, periode, config).report)
    assert from_xlsx == [(3, "NIK", "nik_tidak_valid"), (5, "NIK", "nik_tidak_valid")]
    assert report_rows(aggregate_register(csv_path, periode, config).report) == from_xlsx


def test_row_numbers_in_xlsx_keep_blank_rows(tmp_path, config, periode):
    path = tmp_path / "register.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in (HEADER.split(","), GOOD_A.split(","), [], [], BAD_2.split(",")):   # rows 3 and 4 blank
        sheet.append(values)
    workbook.save(path)
    aggregation = aggregate_register(path, periode, config)
    assert report_rows(aggregation.report) == [(5, "NIK", "nik_tidak_valid")]


def test_row_numbers_are_exact_beyond_the_first_chunk(tmp_path, config, periode, monkeypatch):
    # Small blocks so that the register is read in many batches, with a rescan for its blank line.
    import agregat.sumber.ingest as ingest

    monkeypatch.setattr(ingest, "CSV_BLOCK_SIZE", 4096)
    good = [_line(f"63050115038{n:05d}", "AHMAD FAUZI") for n in range(1, 400)]   # NIK/date mismatch only
    lines = [HEADER] + good[:150] + [""] + good[150:300] + [BAD_1, SHORT] + good[300:]
    aggregation = _run(tmp_path, config, periode, "\n".join(lines) + "\n")
    rows = [r for r in report_rows(aggregation.report) if r[2] in REASON_CODES]   # all are KK heads: warnings
    assert rows == [(303, "NIK", "nik_tidak_valid"), (304, "-", "baris_rusak")]


# ---- the rule fixtures -----------------------------------------------------------------------------------

W = "NO_PROP/NO_KAB/NO_KEC/NO_KEL"
RULES = {
    "nik_tidak_valid": dict(
        report=[(3, "NIK", "nik_tidak_valid"), (4, "NIK", "nik_tidak_valid"), (5, "NIK", "nik_tidak_valid"),
                (7, "NIK", "nik_tidak_valid")],      # row 7: blank NIK and bad sex → counted once, as NIK
        baris=(6, 2, 4), dikecualikan={"nik_tidak_valid": 4}, peringatan={}),
    "nik_ganda": dict(
        report=[(4, "NIK", "nik_ganda"), (6, "NIK", "nik_ganda"), (7, "NIK", "nik_ganda")],
        baris=(6, 3, 3), dikecualikan={"nik_ganda": 3}, peringatan={}),
    "jenis_kelamin_tidak_valid": dict(
        report=[(4, "JENIS_KLMIN", "jenis_kelamin_tidak_valid"), (5, "JENIS_KLMIN", "jenis_kelamin_tidak_valid"),
                (6, "JENIS_KLMIN", "jenis_kelamin_tidak_valid")],
        baris=(6, 3, 3), dikecualikan={"jenis_kelamin_tidak_valid": 3}, peringatan={}),
    "tgl_lahir_tidak_valid": dict(
        report=[(4, "TGL_LHR", "tgl_lahir_tidak_valid"), (5, "TGL_LHR", "tgl_lahir_tidak_valid"),
                (6, "TGL_LHR", "tgl_lahir_tidak_valid")],
        baris=(6, 3, 3), dikecualikan={"tgl_lahir_tidak_valid": 3}, peringatan={}),
    "wilayah_tidak_valid": dict(
        report=[(4, W, "wilayah_tidak_valid"), (5, W, "wilayah_tidak_valid"), (6, W, "wilayah_tidak_valid")],
        baris=(6, 3, 3), dikecualikan={"wilayah_tidak_valid": 3}, peringatan={}),
    "kode_tidak_dikenal": dict(
        report=[(3, "AGAMA", "kode_tidak_dikenal"), (4, "AGAMA", "kode_tidak_dikenal"),
                (5, "PDDK_AKH", "kode_tidak_dikenal"), (6, "PDDK_AKH", "kode_tidak_dikenal"),
                (7, "AGAMA", "kode_tidak_dikenal"), (7, "PDDK_AKH", "kode_tidak_dikenal")],
        baris=(6, 6, 0), dikecualikan={},
        peringatan={"kode_tidak_dikenal.AGAMA": 3, "kode_tidak_dikenal.PDDK_AKH": 3}),
    "nik_mismatch": dict(
        report=[(3, "NIK", "nik_tgl_lahir_beda"), (4, "NIK", "nik_jenis_kelamin_beda"),
                (5, "NIK", "nik_tgl_lahir_beda"), (5, "NIK", "nik_jenis_kelamin_beda")],
        baris=(5, 5, 0), dikecualikan={}, peringatan={"nik_tgl_lahir_beda": 2, "nik_jenis_kelamin_beda": 2}),
    "kk": dict(
        report=[(4, "STAT_HBKEL", "kk_tanpa_kepala"), (6, "STAT_HBKEL", "kk_kepala_ganda"),
                (8, "NO_KK", "no_kk_tidak_valid")],
        baris=(7, 7, 0), dikecualikan={},
        peringatan={"kk_tanpa_kepala": 1, "kk_kepala_ganda": 1, "no_kk_tidak_valid": 1}),
    "baris_rusak": dict(
        report=[(3, "-", "baris_rusak"), (6, "-", "baris_rusak")],
        baris=(5, 3, 2), dikecualikan={"baris_rusak": 2}, peringatan={}),
}


def fixture_personal_values(path: Path) -> set[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle)][1:]
    return personal_values([r + [""] * 3 for r in rows if r])


def read_validasi(path: Path) -> list[tuple[int, str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["baris", "kolom", "kode", "keterangan"]
    return [(int(r[0]), r[1], r[2]) for r in rows[1:]]


def flat_warnings(peringatan: dict) -> dict[str, int]:
    flat = {}
    for code, value in peringatan.items():
        if isinstance(value, dict):
            flat.update({f"{code}.{column}": n for column, n in value.items() if n})
        elif value:
            flat[code] = value
    return flat


@pytest.mark.parametrize("rule", list(RULES))
def test_rule_fixture(rule, tmp_path, capsys):
    expected = RULES[rule]
    fixture = FIXTURES / f"{rule}.csv"
    personal = fixture_personal_values(fixture)
    assert personal, "the fixture has NIKs and names to look for"

    # validate: only the row-level report
    report_dir = tmp_path / "laporan"
    assert main(["validate", "--input", str(fixture), "--period", PERIOD, "--report-dir", str(report_dir)],
                paths=tmp_paths(tmp_path)) == 0
    validate_out = capsys.readouterr()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "laporan/2025-S1/validasi.csv"]
    validasi = report_dir / PERIOD / "validasi.csv"
    assert read_validasi(validasi) == expected["report"]

    # aggregate: the same report, and the counts in the manifest
    data_dir, report_dir2 = tmp_path / "data", tmp_path / "laporan2"
    assert main(["aggregate", "--input", str(fixture), "--period", PERIOD, "--data-dir", str(data_dir),
                 "--report-dir", str(report_dir2)], paths=tmp_paths(tmp_path)) == 0
    aggregate_out = capsys.readouterr()
    assert (report_dir2 / PERIOD / "validasi.csv").read_bytes() == validasi.read_bytes()
    manifest = load_yaml((data_dir / PERIOD / "manifest.yml").read_text(encoding="utf-8"))
    dibaca, valid, dikecualikan = expected["baris"]
    assert manifest["baris"] == {"dibaca": dibaca, "valid": valid, "dikecualikan": dikecualikan}
    assert {k: v for k, v in manifest["dikecualikan"].items() if v} == expected["dikecualikan"]
    assert flat_warnings(manifest["peringatan"]) == expected["peringatan"]
    assert "NAMA_LGKP" not in manifest["kolom"]

    outputs = [validate_out.out, validate_out.err, aggregate_out.out, aggregate_out.err,
               validasi.read_text(encoding="utf-8")]
    outputs += [p.read_text(encoding="utf-8") for p in (data_dir / PERIOD).iterdir()]
    assert_no_personal_data(outputs, personal)


def test_unknown_codes_are_counted_as_tidak_diketahui(tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert main(["aggregate", "--input", str(FIXTURES / "kode_tidak_dikenal.csv"), "--period", PERIOD,
                 "--data-dir", str(data_dir), "--report-dir", str(tmp_path / "laporan")],
                paths=tmp_paths(tmp_path)) == 0
    agama = load_yaml((data_dir / PERIOD / "agama.yml").read_text(encoding="utf-8"))
    kabupaten = agama["wilayah"]["63.05"]["data"]
    assert kabupaten["TIDAK DIKETAHUI"] == {"lk": 1, "pr": 2, "jml": 3}
    assert kabupaten["ISLAM"]["jml"] == 3


def test_wilayah_fixture_counts_padded_and_unpadded_in_one_desa(tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert main(["aggregate", "--input", str(FIXTURES / "wilayah_tidak_valid.csv"), "--period", PERIOD,
                 "--data-dir", str(data_dir), "--report-dir", str(tmp_path / "laporan")],
                paths=tmp_paths(tmp_path)) == 0
    penduduk = load_yaml((data_dir / PERIOD / "penduduk.yml").read_text(encoding="utf-8"))["wilayah"]
    assert penduduk["63.05.01.2003"]["data"]["PENDUDUK"] == {"lk": 1, "pr": 1, "jml": 2}
    assert penduduk["63.05.04.1001"]["data"]["PENDUDUK"] == {"lk": 1, "pr": 0, "jml": 1}
    assert penduduk["63.05"]["data"]["PENDUDUK"]["jml"] == 3


def test_tgl_lahir_on_the_reference_date_is_valid(config, periode):
    aggregation = aggregate_register(FIXTURES / "tgl_lahir_tidak_valid.csv", periode, config)
    single_ages = aggregation.counts["umur_tunggal"].sum(axis=0)          # [sex, age] for the kabupaten
    assert single_ages[:, 0].tolist() == [0, 1]                           # born 2025-06-30: age 0, female
    assert single_ages.sum() == 3


def test_rule_fixtures_have_the_siak_header():
    for path in sorted(FIXTURES.glob("*.csv")):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert set(REQUIRED_COLUMNS) <= set(header), path.name
