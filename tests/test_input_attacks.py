"""Attacks through the register input (issue 9, holes 7, 8 and 11): entries that are not regular files, an
XLSX built to exhaust memory, Unicode digits in cells, Parquet columns of types no cell has, folder options
naming a file, and --debug on an error whose library message holds a value.

Each test performs the attack on the command line, then asserts the refusal: exit code, the Indonesian
message, no traceback, no register value, and nothing written (the data folder with its earlier editions
byte-identical). The helpers and the `world` fixture are those of tests/test_cli_errors.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from agregat.sumber import ingest
from agregat.sumber import validation
from agregat.core.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE
from test_cli_errors import (GOOD, HEADER, PERIOD, PERSONAL, ROOT, assert_fatal, assert_no_personal_data,  # noqa: F401
                             csv_bytes, earlier_editions, world)


def manifest(world) -> dict:
    return yaml.safe_load((world.data_dir / PERIOD / "manifest.yml").read_text(encoding="utf-8"))


# ---- 7. an entry that is not a readable regular file -------------------------------------------------------

def _partitions(world) -> Path:
    folder = world.inputs / "ekspor"
    folder.mkdir()
    (folder / "1.csv").write_bytes(csv_bytes(GOOD[:2]))
    (folder / "2.csv").write_bytes(csv_bytes(GOOD[2:]))
    return folder


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


SPOILED = {
    # id: (how the entry is made in the partition folder, words of the message)
    "dangling-symlink": (lambda f: (f / "3.csv").symlink_to(f / "hilang.csv"), ["3.csv", "tautan simbolik",
                                                                                 "tujuannya tidak ada"]),
    "symlink-loop": (lambda f: (f / "3.csv").symlink_to(f / "3.csv"), ["3.csv", "berputar"]),
    "fifo": (lambda f: os.mkfifo(f / "3.csv"), ["3.csv", "pipa bernama (FIFO)", "bukan berkas biasa"]),
    "socket": (lambda f: _socket(f / "3.csv"), ["3.csv", "soket"]),
    "device": (lambda f: (f / "3.csv").symlink_to("/dev/null"), ["3.csv", "berkas perangkat"]),
    "symlinked-folder": (lambda f: (f / "3").symlink_to(f), ["subfolder", "3"]),
    "non-utf8-name": (lambda f: (f / os.fsdecode(b"3\xff.csv")).write_bytes(csv_bytes(GOOD[:1])),
                      ["3\\udcff.csv", "bukan teks UTF-8"]),
    "newline-in-name": (lambda f: (f / "3\n.csv").write_bytes(csv_bytes(GOOD[:1])), ["3\\n.csv"]),
}


@pytest.mark.parametrize("case", sorted(SPOILED))
@pytest.mark.parametrize("engine", ["memori", "stream", pytest.param("dask", marks=pytest.mark.slow)])
def test_a_partition_that_is_not_a_regular_file_stops_the_run(case, engine, world, capsys):
    """Before the fix the folder gave an edition from the readable partitions only, and exit 0."""
    folder = _partitions(world)
    make, words = SPOILED[case]
    make(folder)
    extra = ["--engine", engine] + (["--workers", "1"] if engine == "dask" else [])
    err = assert_fatal(world.run(capsys, world.aggregate(folder, *extra)), EXIT_INPUT, "Folder partisi ekspor", *words)
    assert "\n" not in err.strip()
    world.assert_nothing_written()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_partition_stops_the_run(world, capsys):
    folder = _partitions(world)
    (folder / "2.csv").chmod(0)
    try:
        assert_fatal(world.run(capsys, world.aggregate(folder)), EXIT_INPUT, "2.csv", "izin")
    finally:
        (folder / "2.csv").chmod(0o644)
    world.assert_nothing_written()


def test_hidden_entries_are_not_partitions_and_a_symlink_to_a_file_is_read(world, capsys):
    """Names starting with '.' or '_' are skipped whatever they are; a link to a regular file is followed."""
    folder = _partitions(world)
    os.mkfifo(folder / ".pipa")
    (folder / "_SUCCESS").symlink_to(folder / "hilang")
    outside = world.root / "luar.csv"
    (folder / "2.csv").rename(outside)
    (folder / "2.csv").symlink_to(outside)
    code, out, err = world.run(capsys, world.aggregate(folder))
    outside.unlink()
    assert code == 0, err
    assert manifest(world)["baris"] == {"dibaca": 4, "valid": 4, "dikecualikan": 0}


@pytest.mark.parametrize("make, words", [
    (os.mkfifo, ["register.csv", "pipa bernama (FIFO)"]),
    (lambda p: p.symlink_to("/dev/zero"), ["register.csv", "berkas perangkat"]),
    (lambda p: p.symlink_to(p.parent / "hilang.csv"), ["register.csv", "tujuannya tidak ada"]),
], ids=["fifo", "device", "dangling-symlink"])
def test_a_single_input_that_is_not_a_regular_file_is_refused_without_hanging(make, words, world):
    path = world.inputs / "register.csv"
    make(path)
    result = subprocess.run(   # a FIFO opened for reading would block: the subprocess timeout is the guard
        [sys.executable, "build.py", "aggregate", "--input", str(path), "--period", PERIOD,
         "--data-dir", str(world.data_dir), "--report-dir", str(world.report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert_fatal((result.returncode, result.stdout, result.stderr), EXIT_INPUT, *words)
    world.assert_nothing_written()


# ---- 8. an XLSX built to exhaust memory --------------------------------------------------------------------

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_PARTS = {
    "[Content_Types].xml":
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels":
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}


def _column(index: int) -> str:
    return chr(ord("A") + index)


def write_shared_strings_xlsx(path: Path, rows: list[list[str]], extra_strings=(), bad_index: bool = False) -> Path:
    """An XLSX as Excel saves one: every text cell a shared string. `extra_strings`: an iterable of further
    `<si>` entries (bytes) appended to the table; `bad_index`: one cell points past the table."""
    strings: dict[str, int] = {}
    sheet = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>']
    for r, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{_column(c)}{r}" t="s"><v>{strings.setdefault(v, len(strings))}</v></c>'
                        for c, v in enumerate(row) if v != "")
        sheet.append(f'<row r="{r}">{cells}</row>')
    if bad_index:
        sheet.append(f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="s"><v>{10 ** 9}</v></c></row>')
    sheet.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}">'.encode())
            table.write("".join(f"<si><t>{s}</t></si>" for s in strings).encode())
            for block in extra_strings:
                table.write(block)
            table.write(b"</sst>")
    return path


def test_the_shared_strings_writer_makes_a_readable_register(world, capsys):
    path = write_shared_strings_xlsx(world.inputs / "register.xlsx", [HEADER] + GOOD)
    code, out, err = world.run(capsys, world.aggregate(path))
    assert code == 0, err
    assert manifest(world)["baris"] == {"dibaca": 4, "valid": 4, "dikecualikan": 0}


@pytest.mark.slow
def test_an_xlsx_with_twenty_million_shared_strings_is_refused_at_once(world, capsys):
    """The 862 KB workbook of the issue: 20 M tiny entries took 3.2 GB and four minutes before the first row."""
    block = b"<si><t>a</t></si>" * 1_000_000
    path = write_shared_strings_xlsx(world.inputs / "register.xlsx", [HEADER] + GOOD, extra_strings=[block] * 20)
    assert path.stat().st_size < 1 << 20
    # refused from the archive's own listing, before any XML is parsed (the next test proves the parser is
    # never reached); no wall-clock bound here, the machines are shared and noisy
    result = world.run(capsys, world.aggregate(path))
    assert_fatal(result, EXIT_INPUT, "register.xlsx", "melampaui batas aman XLSX", "kali", "CSV")
    world.assert_nothing_written()


def test_too_many_shared_strings_are_refused_before_they_are_parsed(world, capsys, monkeypatch):
    """Entries that compress no better than a real register's are counted in the bytes, against the bound."""
    monkeypatch.setattr(ingest, "XLSX_MAX_SHARED_STRINGS", 1_000)
    entries = [f"<si><t>{i:07d}</t></si>".encode() for i in range(1_001)]
    path = write_shared_strings_xlsx(world.inputs / "register.xlsx", [HEADER] + GOOD, extra_strings=entries)
    parsed = []
    monkeypatch.setattr(ingest.SharedStrings, "append", lambda self, text: parsed.append(text))
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.xlsx", "teks bersama", "batas 1,000")
    assert parsed == []
    world.assert_nothing_written()


@pytest.mark.parametrize("bound, value", [("XLSX_MAX_MEMBERS", 5), ("XLSX_MAX_MEMBER_BYTES", 1_000),
                                          ("XLSX_MAX_TOTAL_BYTES", 2_000), ("XLSX_MAX_SHARED_BYTES", 100)])
def test_every_archive_bound_is_checked(bound, value, world, capsys, monkeypatch):
    monkeypatch.setattr(ingest, bound, value)
    path = write_shared_strings_xlsx(world.inputs / "register.xlsx", [HEADER] + GOOD)
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.xlsx", "melampaui batas aman XLSX")
    world.assert_nothing_written()


def test_a_shared_string_index_past_the_table_is_an_input_error(world, capsys):
    path = write_shared_strings_xlsx(world.inputs / "register.xlsx", [HEADER] + GOOD, bad_index=True)
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.xlsx", "rusak")
    world.assert_nothing_written()


# ---- 11. Unicode digits are not digits ---------------------------------------------------------------------

def _row(base: list[str], **changes) -> list[str]:
    row = list(base)
    for column, value in changes.items():
        row[HEADER.index(column)] = value
    return row


UNICODE_ROWS = [
    ("NO_KEL", "2\u00b2", "wilayah_tidak_valid"),                 # 2² : str.isdigit() True, int() fails
    ("NO_KEL", "\u0662\u0660\u0660\u0663", "wilayah_tidak_valid"),  # ٢٠٠٣ : int() reads 2003
    ("NO_KEC", "\u0661", "wilayah_tidak_valid"),                  # ١
    ("NO_KEC", "\u00b9", "wilayah_tidak_valid"),                  # ¹
    ("NIK", "\u0666\u0663\u0660\u0665011503800009", "nik_tidak_valid"),
    ("NIK", "630501150380000\u00b9", "nik_tidak_valid"),
    ("TGL_LHR", "\u0661\u0669\u0668\u0660-03-15", "tgl_lahir_tidak_valid"),
    ("TGL_LHR", "1980-03-1\u00b2", "tgl_lahir_tidak_valid"),
    ("JENIS_KLMIN", "\u0661", "jenis_kelamin_tidak_valid"),
]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_unicode_digits_in_cells_are_excluded_rows(fmt, world, capsys):
    """Before the fix `2²` in NO_KEL ended the whole run with an internal error (exit 70), and `٢٠٠٣` was
    counted as desa 2003."""
    bad = [_row(GOOD[0], **({"NIK": f"630501150380{9000 + i:04d}"} | {column: value}))
           for i, (column, value, _) in enumerate(UNICODE_ROWS)]
    rows = GOOD + bad + [_row(GOOD[1], NIK="6305015505850099", AGAMA="\u0661")]   # ١ as AGAMA: unknown code
    if fmt == "csv":
        path = world.write("register.csv", csv_bytes(rows))
    else:
        path = world.inputs / "register.parquet"
        pq.write_table(pa.table({name: [row[i] for row in rows] for i, name in enumerate(HEADER)}), path)
    code, out, err = world.run(capsys, ["--debug"] + world.aggregate(path))
    assert code == 0, err
    assert "Traceback" not in err
    assert_no_personal_data(out + err)
    excluded = manifest(world)["dikecualikan"]
    expected = {}
    for _, _, reason in UNICODE_ROWS:
        expected[reason] = expected.get(reason, 0) + 1
    assert {k: v for k, v in excluded.items() if v} == expected
    assert manifest(world)["peringatan"]["kode_tidak_dikenal"]["AGAMA"] == 1


def test_unicode_digits_are_not_dates():
    assert validation.parse_date("\u0661\u0669\u0668\u0665-03-12") is None
    assert validation.parse_date("12/03/\u0661\u0669\u0668\u0665") is None
    assert validation.parse_date("1985-03-12") is not None


# ---- 11. Parquet columns of a type no cell has -------------------------------------------------------------

@pytest.mark.parametrize("column, array, kind", [
    ("NO_KEL", pa.array([["2003"]] * 4, pa.list_(pa.string())), "bersarang"),
    ("NIK", pa.array([{"a": 1}] * 4, pa.struct([("a", pa.int8())])), "bersarang"),
    ("NIK", pa.array([row[0].encode() for row in GOOD], pa.binary()), "biner"),
    ("TGL_LHR", pa.array([b"\xff\xfe"] * 4, pa.binary()), "biner"),
], ids=["list", "struct", "binary-nik", "binary-invalid-utf8"])
def test_a_parquet_column_of_nested_or_binary_type_is_an_input_error(column, array, kind, world, capsys):
    table = pa.table({name: [row[i] for row in GOOD] for i, name in enumerate(HEADER)})
    table = table.set_column(HEADER.index(column), column, array)
    path = world.inputs / "register.parquet"
    pq.write_table(table, path)
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.parquet", f"kolom {column}", kind)
    world.assert_nothing_written()


# ---- 11. a folder option that names a file ------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--data-dir", "--report-dir"])
@pytest.mark.parametrize("where", ["itself", "parent"])
def test_a_folder_option_naming_a_file_is_a_usage_error(option, where, world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    blocker = world.inputs / "berkas"
    blocker.write_bytes(b"bukan folder\n")
    target = blocker if where == "itself" else blocker / "sub"
    argv = world.aggregate(path)
    argv[argv.index(option) + 1] = str(target)
    assert_fatal(world.run(capsys, argv), EXIT_USAGE, option, "berkas", "bukan folder")
    assert blocker.read_bytes() == b"bukan folder\n"
    world.assert_nothing_written()


def test_validate_with_a_report_dir_naming_a_file(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    blocker = world.write("berkas", b"x")
    assert_fatal(world.run(capsys, world.validate(path)[:-2] + ["--report-dir", str(blocker)]), EXIT_USAGE,
                 "--report-dir", "bukan folder")
    world.assert_nothing_written()


def test_build_with_a_data_dir_naming_a_file(world, capsys):
    blocker = world.write("berkas", b"x")
    assert_fatal(world.run(capsys, ["build", "--no-pdf", "--data-dir", str(blocker)]), EXIT_USAGE, "--data-dir",
                 "bukan folder")
    world.assert_nothing_written()


# ---- 11. --debug never prints a cell value --------------------------------------------------------------------

def test_debug_hides_a_library_message_that_holds_a_value(world, capsys, monkeypatch):
    """An internal error whose message quotes a cell (as int() does): --debug shows the frames, not the value."""
    nik = GOOD[0][0]

    def broken(array):
        return int(array[0].as_py() + "x")   # ValueError: invalid literal for int() with base 10: '6305…x'

    monkeypatch.setattr(validation, "_sixteen_digits", broken)
    path = world.write("register.csv", csv_bytes(GOOD))
    code, out, err = world.run(capsys, ["--debug"] + world.aggregate(path))
    assert code == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in err and "ValueError" in err and "_sixteen_digits" in err
    assert nik not in out + err
    assert_no_personal_data(out + err)
    world.assert_nothing_written()
