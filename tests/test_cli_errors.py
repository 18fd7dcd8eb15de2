"""Fatal errors of the command line: one Indonesian line naming the file and what to do, the right exit
code, no traceback (unless --debug), no register value, and nothing written — the data folder with its
earlier editions stays byte-identical, with no half-written temp folder left behind.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from agregat.sumber import ingest
from agregat.edisi import jobs
from agregat.cli.main import main
from agregat.core.config import DEFAULT_CONFIG
from agregat.core.errors import EXIT_CONFIG, EXIT_DATA, EXIT_INPUT, EXIT_USAGE
from conftest import tmp_paths

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2025-S1"
HEADER = ["NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TGL_LHR", "AGAMA", "PDDK_AKH", "JENIS_PKRJN", "STAT_KWN",
          "STAT_HBKEL", "GOL_DRH", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]
GOOD = [
    ["6305011503800001", "6305010101100001", "AHMAD FAUZI", "1", "1980-03-15", "1", "5", "9", "2", "1", "1",
     "63", "5", "1", "2003"],
    ["6305015505850002", "6305010101100001", "SITI AMINAH", "2", "1985-05-15", "1", "5", "2", "2", "3", "4",
     "63", "5", "1", "2003"],
    ["6305012007100003", "6305010101100001", "RIZKY PRATAMA", "1", "2010-07-20", "1", "2", "3", "1", "4", "1",
     "63", "5", "1", "2003"],
    ["6305040201750005", "6305040303200003", "MUHAMMAD ARSYAD", "1", "1975-01-02", "1", "3", "9", "2", "1", "4",
     "63", "5", "4", "1001"],
]
BAD_NIK = ["630501570912000", "6305010101100001", "NUR HALIZA", "2", "2012-09-17", "1", "2", "3", "1", "4", "1",
           "63", "5", "1", "2003"]
PERSONAL = {value for row in GOOD + [BAD_NIK] for value in row[:3]}


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry under root (hidden ones too), with the bytes of each file."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def earlier_editions(tmp_path_factory) -> Path:
    """A data folder holding two editions (2024-S2 and 2025-S1) and a file the Kasi added by hand."""
    base = tmp_path_factory.mktemp("earlier")
    register = base / "register.csv"
    register.write_bytes(csv_bytes(GOOD))
    data_dir = base / "data"
    for period in ("2024-S2", PERIOD):
        jobs.aggregate(register, period, DEFAULT_CONFIG, data_dir)
    (data_dir / PERIOD / "analisa.md").write_text("Catatan Kasi.\n", encoding="utf-8")
    assert (data_dir / PERIOD / "perbandingan.yml").is_file()
    return data_dir


class World:
    """A copy of the earlier editions plus a folder for inputs; knows what 'nothing written' means."""

    def __init__(self, tmp_path: Path, earlier: Path):
        self.root = tmp_path
        self.inputs = tmp_path / "masukan"
        self.inputs.mkdir()
        self.data_dir = tmp_path / "data"
        shutil.copytree(earlier, self.data_dir)
        self.report_dir = tmp_path / "laporan"
        self.paths = tmp_paths(tmp_path)         # the default folders: an option forgotten writes there
        self.before = snapshot(self.data_dir)

    def write(self, name: str, content: bytes) -> Path:
        path = self.inputs / name
        path.write_bytes(content)
        return path

    def aggregate(self, path, *extra: str, period: str = PERIOD) -> list[str]:
        return ["aggregate", "--input", str(path), "--period", period, "--data-dir", str(self.data_dir),
                "--report-dir", str(self.report_dir), *extra]

    def validate(self, path, *extra: str, period: str = PERIOD) -> list[str]:
        return ["validate", "--input", str(path), "--period", period, "--report-dir", str(self.report_dir), *extra]

    def assert_nothing_written(self) -> None:
        assert snapshot(self.data_dir) == self.before           # editions byte-identical, no temp folder
        assert not self.report_dir.exists()
        assert not (self.root / "default-data").exists()
        assert not (self.root / "default-laporan").exists()
        assert sorted(p.name for p in self.root.iterdir()) == ["data", "masukan"]


    def run(self, capsys, argv: list[str]) -> tuple[int, str, str]:
        """`python build.py …` with this world's default folders: (exit code, stdout, stderr)."""
        code = main(argv, paths=self.paths)
        captured = capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def world(tmp_path, earlier_editions) -> World:
    return World(tmp_path, earlier_editions)


def assert_fatal(result, exit_code: int, *words: str) -> str:
    code, out, err = result
    assert code == exit_code, err
    assert err.startswith("Kesalahan: ")
    assert "Traceback" not in err and "Error:" not in err
    assert len(err.strip().splitlines()) == 1                  # one message, one line
    for word in words:
        assert word in err
    assert_no_personal_data(out + err)
    return err


def assert_no_personal_data(text: str) -> None:
    assert sorted(v for v in PERSONAL if v in text) == [], "a NIK, KK number or name appears in the output"


# ---- the register cannot be read as a register -----------------------------------------------------------

def _empty_xlsx(path: Path) -> bytes:
    openpyxl.Workbook().save(path)
    return path.read_bytes()


def _xlsx_without(path: Path, missing: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    keep = [i for i, h in enumerate(HEADER) if h != missing]
    for row in [HEADER] + GOOD:
        sheet.append([row[i] for i in keep])
    workbook.save(path)
    return path.read_bytes()


UNUSABLE = {
    # id: (file name, content maker(tmp dir) or None for a missing file, words the message must hold)
    "missing": ("tidak_ada.csv", None, ["tidak_ada.csv", "tidak ditemukan", "--input"]),
    "empty": ("kosong.csv", lambda d: b"", ["kosong.csv", "kosong", "Ekspor ulang"]),
    "only-blank-lines": ("kosong.csv", lambda d: b"\n  \r\n\t\n", ["kosong.csv", "kosong"]),
    "binary": ("register.csv", lambda d: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20,
               ["register.csv", "bukan tabel", "CSV, XLSX atau Parquet"]),
    "no-separator": ("register.csv", lambda d: b"Data penduduk Kabupaten Tapin\nSemester I 2025\n",
                     ["register.csv", "bukan tabel", "pemisah", "Ekspor ulang"]),
    "old-xls": ("register.xls", lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,
                ["register.xls", "XLS", "XLSX"]),
    "damaged-xlsx": ("register.xlsx", lambda d: b"PK\x03\x04" + b"rusak" * 200, ["register.xlsx", "XLSX"]),
    "empty-xlsx": ("register.xlsx", lambda d: _empty_xlsx(d / "tmp.xlsx"), ["register.xlsx", "kosong"]),
    "damaged-parquet": ("register.parquet", lambda d: b"PAR1" + b"rusak" * 200 + b"PAR1",
                        ["register.parquet", "Parquet", "Ekspor ulang"]),
    "duplicate-column": ("register.csv", lambda d: csv_bytes([r + [r[0]] for r in GOOD], header=HEADER + ["nik"]),
                         ["register.csv", "NIK", "lebih dari sekali"]),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
@pytest.mark.parametrize("command", ["aggregate", "validate"])
def test_unusable_register_is_fatal(case, command, world, capsys):
    name, make, words = UNUSABLE[case]
    path = world.inputs / name
    if make is not None:
        world.write(name, make(world.root))
        (world.root / "tmp.xlsx").unlink(missing_ok=True)
    argv = world.aggregate(path) if command == "aggregate" else world.validate(path)
    assert_fatal(world.run(capsys, argv), EXIT_INPUT, *words)
    world.assert_nothing_written()


def test_input_is_an_empty_folder(world, capsys):
    """A folder is read as a register in partitions (tests/test_engines.py); an empty one has none."""
    folder = world.inputs / "ekspor"
    folder.mkdir()
    assert_fatal(world.run(capsys, world.aggregate(folder)), EXIT_INPUT, "ekspor", "tidak berisi berkas partisi")
    world.assert_nothing_written()


def test_unreadable_register(world, capsys, monkeypatch):
    path = world.write("register.csv", csv_bytes(GOOD))
    real_open = open

    def no_permission(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(ingest, "open", no_permission, raising=False)
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.csv", "tidak dapat dibaca", "izin")
    world.assert_nothing_written()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_unreadable_register_by_mode(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    path.chmod(0)
    try:
        assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.csv", "izin")
    finally:
        path.chmod(0o644)
    world.assert_nothing_written()


def test_text_neither_utf8_nor_cp1252_is_read_as_latin1(world, capsys):
    # A name holding byte 0x81 (undefined in Windows-1252, e.g. a UTF-8 'Á' in an otherwise cp1252 file):
    # the columns the book reads are plain ASCII, so the register is read as Latin-1 rather than refused.
    content = csv_bytes(GOOD).replace(b"SITI AMINAH", b"S\xc9TI \xc3\x81MINAH")
    path = world.write("register.csv", content)
    code, out, err = world.run(capsys, world.aggregate(path))
    assert code == 0, err
    assert_no_personal_data(out + err)
    manifest = yaml.safe_load((world.data_dir / PERIOD / "manifest.yml").read_text())
    assert manifest["sumber"]["pengodean"] == "latin-1"
    assert manifest["baris"] == {"dibaca": 4, "valid": 4, "dikecualikan": 0}


# ---- required columns ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_missing_required_columns_are_named(fmt, world, capsys):
    keep = [i for i, h in enumerate(HEADER) if h not in ("GOL_DRH", "NO_KEL")]
    if fmt == "csv":
        path = world.write("register.csv", csv_bytes([[r[i] for i in keep] for r in GOOD],
                                                       header=[HEADER[i] for i in keep]))
    else:
        path = world.write("register.xlsx", _xlsx_without(world.root / "tmp.xlsx", "GOL_DRH"))
        (world.root / "tmp.xlsx").unlink()
    err = assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT,
                       path.name, "GOL_DRH", "tidak ditemukan", "Kolom yang ada: NIK, NO_KK, NAMA_LGKP, JENIS_KLMIN",
                       "kabupaten.yml", "'kolom'")
    if fmt == "csv":
        assert "kolom wajib GOL_DRH, NO_KEL tidak ditemukan" in err
    else:
        assert "kolom wajib GOL_DRH tidak ditemukan" in err
    world.assert_nothing_written()


def test_headerless_export_message_does_not_quote_values(world, capsys):
    # Regression (fixed): an export saved without its header row makes _match_header list the first *data* row as
    # "Kolom yang ada: 6305011503800001, 6305010101100001, AHMAD FAUZI, …": a NIK, a KK number and a name
    # in the error message, which must give row and column but never a cell value.
    path = world.write("register.csv", csv_bytes(GOOD, header=None))
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_INPUT, "register.csv", "tidak ditemukan")
    world.assert_nothing_written()


# ---- the register was read, but makes no edition ---------------------------------------------------------

def test_no_valid_row(world, capsys):
    path = world.write("register.csv", csv_bytes([BAD_NIK, [r if i else "X" for i, r in enumerate(GOOD[0])]]))
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_DATA,
                 "register.csv", "tidak berisi satu pun baris yang valid", "2 baris dibaca", "validate")
    world.assert_nothing_written()


def test_header_only_register(world, capsys):
    path = world.write("register.csv", csv_bytes([]))
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_DATA, "register.csv", "tidak berisi satu pun baris")
    world.assert_nothing_written()


def test_register_of_another_kabupaten_has_no_valid_row(world, capsys):
    rows = [r[:12] + ["6"] + r[13:] for r in GOOD]          # NO_KAB 6: Kabupaten 63.06
    path = world.write("register.csv", csv_bytes(rows))
    assert_fatal(world.run(capsys, world.aggregate(path)), EXIT_DATA, "register.csv", "kabupaten.yml")
    world.assert_nothing_written()


def test_strict_with_an_excluded_row(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD + [BAD_NIK]))
    assert_fatal(world.run(capsys, world.aggregate(path, "--strict")), EXIT_DATA,
                 "--strict", "1 baris", "register.csv", "validate")
    world.assert_nothing_written()


def test_strict_with_a_malformed_row(world, capsys):
    content = csv_bytes(GOOD) + b"6305015709120004,6305010101100001,NUR HALIZA,2\n"
    path = world.write("register.csv", content)
    assert_fatal(world.run(capsys, world.aggregate(path, "--strict")), EXIT_DATA, "--strict", "1 baris")
    world.assert_nothing_written()


def test_strict_without_excluded_rows_writes_the_edition(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    code, out, err = world.run(capsys, world.aggregate(path, "--strict"))
    assert (code, err) == (0, "")
    assert "Edisi 2025-S1 ditulis" in out
    assert (world.data_dir / PERIOD / "analisa.md").read_text(encoding="utf-8") == "Catatan Kasi.\n"
    assert not [p for p in world.data_dir.iterdir() if p.name.startswith(".")]
    assert_no_personal_data(out)


def test_validate_strict_with_an_excluded_row(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD + [BAD_NIK]))
    code, out, err = world.run(capsys, world.validate(path, "--strict"))
    assert_fatal((code, out, err), EXIT_DATA, "--strict", "1 baris", "validasi.csv")
    assert "5 baris dibaca, 4 valid, 1 dikecualikan" in out
    report = world.report_dir / PERIOD / "validasi.csv"
    assert report.read_text(encoding="utf-8").splitlines()[1:] == [
        "6,NIK,nik_tidak_valid,NIK bukan tepat 16 angka"]
    assert snapshot(world.data_dir) == world.before           # validate never writes data
    assert not (world.root / "default-data").exists()


def test_validate_strict_without_excluded_rows(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    code, out, err = world.run(capsys, world.validate(path, "--strict"))
    assert (code, err) == (0, "")
    assert (world.report_dir / PERIOD / "validasi.csv").read_text(encoding="utf-8") == \
        "baris,kolom,kode,keterangan\n"


def test_validate_writes_only_the_report(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD + [BAD_NIK]))
    code, out, err = world.run(capsys, world.validate(path))
    assert (code, err) == (0, "")
    assert snapshot(world.data_dir) == world.before
    assert sorted(p.relative_to(world.root).as_posix() for p in world.root.rglob("*")
                  if p.is_file() and not p.is_relative_to(world.data_dir)) == [
        "laporan/2025-S1/validasi.csv", "masukan/register.csv"]
    assert_no_personal_data(out + (world.report_dir / PERIOD / "validasi.csv").read_text(encoding="utf-8"))


# ---- command line and configuration ----------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2025-S3", "25-S1", "2025-S0", "2025S1", "S1-2025", "2025-S1-2", ""])
@pytest.mark.parametrize("command", ["aggregate", "validate"])
def test_malformed_period(period, command, world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    argv = world.aggregate(path, period=period) if command == "aggregate" else world.validate(path, period=period)
    assert_fatal(world.run(capsys, argv), EXIT_USAGE, f"Periode '{period}' tidak dikenal", "2025-S1", "2025-S2")
    world.assert_nothing_written()


def test_missing_option_is_a_usage_error(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    with pytest.raises(SystemExit) as exit_info:
        main(["aggregate", "--input", str(path), "--data-dir", str(world.data_dir)], paths=world.paths)
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Kesalahan: " in err and "--period" in err and "Traceback" not in err
    world.assert_nothing_written()


def test_missing_config(world, capsys):
    path = world.write("register.csv", csv_bytes(GOOD))
    config = world.root / "tidak_ada.yml"
    assert_fatal(world.run(capsys, ["--config", str(config)] + world.aggregate(path)), EXIT_CONFIG,
                 "tidak_ada.yml", "tidak ditemukan", "--config")
    world.assert_nothing_written()


def test_config_with_missing_wilayah_file(world, capsys):
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["wilayah"] = str(world.root / "tidak_ada.csv")
    config = world.inputs / "kabupaten.yml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    path = world.write("register.csv", csv_bytes(GOOD))
    assert_fatal(world.run(capsys, ["--config", str(config)] + world.aggregate(path)), EXIT_CONFIG,
                 "'wilayah'", "tidak_ada.csv")
    world.assert_nothing_written()


def test_digest_of_a_missing_edition(world, capsys):
    assert_fatal(world.run(capsys, ["digest", "--period", "2023-S1", "--data-dir", str(world.data_dir)]), EXIT_USAGE,
                 "2023-S1", "belum ada", "aggregate")
    world.assert_nothing_written()


def test_debug_shows_the_traceback(world, capsys):
    path = world.inputs / "tidak_ada.csv"
    code, out, err = world.run(capsys, ["--debug"] + world.aggregate(path))
    assert code == EXIT_INPUT
    assert "Traceback (most recent call last)" in err
    assert "InputError" in err
    assert err.strip().splitlines()[-1].startswith("Kesalahan: Berkas register tidak_ada.csv tidak ditemukan")
    world.assert_nothing_written()


def test_missing_file_through_build_py(world):
    path = world.inputs / "tidak_ada.csv"
    result = subprocess.run(
        [sys.executable, "build.py", "aggregate", "--input", str(path), "--period", PERIOD,
         "--data-dir", str(world.data_dir), "--report-dir", str(world.report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == EXIT_INPUT, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Kesalahan: Berkas register tidak_ada.csv tidak ditemukan.")
    assert len(result.stderr.strip().splitlines()) == 1
    world.assert_nothing_written()


def test_malformed_period_through_build_py(world):
    path = world.write("register.csv", csv_bytes(GOOD))
    result = subprocess.run(
        [sys.executable, "build.py", "validate", "--input", str(path), "--period", "2025-S3",
         "--report-dir", str(world.report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Kesalahan: Periode '2025-S3' tidak dikenal.")
    world.assert_nothing_written()
