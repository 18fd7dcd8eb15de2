"""The three engines (memori, stream, dask) give byte-identical editions and row-level reports, on a register
file and on a folder of partitions; the cross-row rules (duplicate NIK, KK checks) across partitions; and
partition/cluster errors on the command line.

Dask runs on a real dask.distributed LocalCluster of 2 worker processes, started once for this module.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from agregat.sumber import demo
from agregat.sumber import engine_dask
from agregat.edisi import jobs
from agregat.cli.main import main
from agregat.core.config import load_config
from agregat.core.errors import EXIT_CLUSTER, EXIT_INPUT, EXIT_USAGE, ClusterError
from agregat.sumber.ingest import open_register
from agregat.sumber.pipeline import Engine, NikRegistry, Winners
from agregat.sumber.validation import NIK_DUPLICATE
from conftest import COLUMNS, FIXTURES, ROOT, person, snapshot, write_register

PERIOD = "2025-S1"
GOLDEN_CONFIG = FIXTURES / "golden" / "kabupaten.yml"


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two worker processes; yields its scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


def engines(address: str) -> dict[str, Engine]:
    return {"memori": Engine("memori"), "stream": Engine("stream"), "dask": Engine("dask", scheduler=address)}


def run_engines(register, config, out, address: str) -> dict[str, dict[str, bytes]]:
    """Every engine on the same input: {engine: {file: bytes}} of the edition plus `validasi.csv`."""
    results = {}
    for name, engine in engines(address).items():
        result = jobs.aggregate(register, PERIOD, config, out / name / "data", report_dir=out / name / "laporan",
                                engine=engine)
        results[name] = snapshot(result.edition_dir) | {"validasi.csv": result.report_path.read_bytes()}
    return results


def assert_identical(results: dict[str, dict[str, bytes]]) -> None:
    stream = results["stream"]
    assert len(stream) >= 17
    for name, files in results.items():
        assert files.keys() == stream.keys(), name
        different = [file for file in files if files[file] != stream[file]]
        assert different == [], f"{name} differs from stream in {different}"


def manifest(files: dict[str, bytes]) -> dict:
    return yaml.safe_load(files["manifest.yml"])


# ---- the demo register, as one file and as a folder of partitions ------------------------------------------

@pytest.fixture(scope="module")
def demo_register(demo_registers):
    return demo_registers[PERIOD]       # conftest.py: written once per test run


def split_lines(path, folder, boundaries: list[int]) -> list:
    """Write the data lines of a CSV into partitions (each with the header) cut before the given lines."""
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    header, body = lines[0], lines[1:-1]
    folder.mkdir()
    cuts = [1] + boundaries + [len(body) + 1]
    written = []
    for i, (start, end) in enumerate(zip(cuts, cuts[1:])):
        part = folder / f"bagian-{i:03d}.csv"
        part.write_bytes(b"\n".join([header, *lines[start:end]]) + b"\n")
        written.append(part)
    return written


def demo_boundaries(path) -> list[int]:
    """Cut points (line numbers) that split a duplicate NIK pair and a family across partitions."""
    lines = path.read_bytes().split(b"\n")
    duplicate = next(i for i in range(2, len(lines)) if lines[i] == lines[i - 1])
    kk = [line.split(b",")[1] if line else b"" for line in lines]
    family = next(i for i in range(len(lines) // 2, len(lines)) if kk[i] == kk[i - 1] and lines[i] != lines[i - 1])
    return sorted({duplicate, family, len(lines) // 4, len(lines) * 3 // 4})


@pytest.fixture(scope="module")
def demo_partitions(demo_register, tmp_path_factory):
    folder = tmp_path_factory.mktemp("partisi") / "demo-2025-S1"
    split_lines(demo_register, folder, demo_boundaries(demo_register))
    return folder


@pytest.mark.slow
def test_engines_agree_byte_for_byte_on_the_demo_register(demo_register, cluster, tmp_path):
    results = run_engines(demo_register, ROOT / "kabupaten.yml", tmp_path, cluster)
    assert_identical(results)
    found = manifest(results["stream"])
    assert found["dikecualikan"]["nik_ganda"] == 40 and found["dikecualikan"]["baris_rusak"] == 2
    assert found["sumber"]["nama_berkas"] == "demo-2025-S1.csv" and "jumlah_berkas" not in found["sumber"]
    assert {f"{t}.yml" for t in DOCUMENT_TABLES} <= set(results["stream"])


DOCUMENT_TABLES = ("ktp_el", "kia_kepemilikan", "akta_perkawinan", "akta_perceraian")


def test_engines_agree_on_the_document_tables_across_partitions(cluster, tmp_path):
    """STAT_KTP, STAT_KIA, AKTA_KWN, AKTA_CRAI (codes, labels, blanks, unknown values) in two partitions."""
    columns = COLUMNS + ["STAT_KTP", "STAT_KIA", "AKTA_KWN", "AKTA_CRAI"]
    cells = {"STAT_KTP": ["1", "2", "3", "SUDAH CETAK", "", "9"], "STAT_KIA": ["2", "1", "", "X"],
             "AKTA_KWN": ["2", "1", "", "ADA"], "AKTA_CRAI": ["2", "1", ""]}
    rows = []
    for i in range(1, 41):
        born = ("2012-03-04", "1980-05-06", "2008-07-01", "1960-01-02")[i % 4]
        row = person(i, sex=1 + i % 2, born=born, kk=i, STAT_KWN=(1, 2, 3, 4, 2)[i % 5], AGAMA=(1, 2, "")[i % 3])
        rows.append(row | {c: values[i % len(values)] for c, values in cells.items()})
    folder = tmp_path / "register"
    write_register(folder / "a.csv", rows[:23], columns=columns)
    write_register(folder / "b.csv", rows[23:], columns=columns)
    results = run_engines(folder, GOLDEN_CONFIG, tmp_path / "out", cluster)
    assert_identical(results)
    assert {f"{t}.yml" for t in DOCUMENT_TABLES} <= set(results["stream"])
    assert set(manifest(results["stream"])["peringatan"]["kode_tidak_dikenal"]) >= {"STAT_KTP", "STAT_KIA"}


@pytest.mark.slow
def test_a_folder_of_partitions_is_one_register_in_every_engine(demo_register, demo_partitions, cluster, tmp_path):
    """Split with a header per file, the demo register gives the same tables and the same row numbers as the
    file itself; only the manifest's `sumber` tells the folder from the file."""
    parts = sorted(demo_partitions.iterdir())
    assert len(parts) >= 4
    results = run_engines(demo_partitions, ROOT / "kabupaten.yml", tmp_path / "folder", cluster)
    assert_identical(results)
    whole = jobs.aggregate(demo_register, PERIOD, ROOT / "kabupaten.yml", tmp_path / "file" / "data",
                           report_dir=tmp_path / "file" / "laporan")
    from_file = snapshot(whole.edition_dir) | {"validasi.csv": whole.report_path.read_bytes()}
    from_folder = results["stream"]
    assert [f for f in from_file if from_file[f] != from_folder[f]] == ["manifest.yml"]
    file_manifest, folder_manifest = manifest(from_file), manifest(from_folder)
    listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in parts)
    assert folder_manifest.pop("sumber") == {
        "nama_berkas": "demo-2025-S1", "sha256": hashlib.sha256(listing.encode()).hexdigest(), "format": "csv",
        "ukuran_byte": sum(p.stat().st_size for p in parts), "jumlah_berkas": len(parts),
        "pengodean": "utf-8", "pemisah": "koma"}
    file_manifest.pop("sumber")
    assert folder_manifest == file_manifest


# ---- cross-row rules across partitions -------------------------------------------------------------------

def crafted_partitions() -> list[list[dict]]:
    """Three partitions whose cross-row cases span files. Copies of one NIK differ in desa, so which copy
    wins changes the tables. Rows are numbered on across the files (CSV: 2-6 + malformed 7 | 8-11 | 12-18)."""
    a = person(1, kk=1)
    b_damaged = person(2, kk=1, STAT_HBKEL=4, JENIS_KLMIN="X", NO_KEL=2003)   # first copy, but not keepable
    b_good = dict(b_damaged, JENIS_KLMIN="1", NO_KEL="1001")                  # first keepable copy: wins
    j = person(10, kk=5, NO_KEL=1001)
    short_nik = person(7, kk=1, STAT_HBKEL=4)
    short_nik["NIK"] = short_nik["NIK"][:-1]
    bad_kk = person(12, kk=6, STAT_HBKEL=4)
    bad_kk["NO_KK"] = bad_kk["NO_KK"][:-1]
    return [
        [a, b_damaged, person(3, kk=2, STAT_HBKEL=4), person(4, kk=3), person(5, kk=4, STAT_HBKEL=4)],
        [b_good, person(6, kk=2), dict(a, AGAMA="2", STAT_HBKEL="4", NO_KEL="1001"), short_nik],
        [dict(b_good, NO_KEL="2003", STAT_HBKEL="4"),                             # third copy: loses
         person(8, kk=3),                                                          # kk 3: a second head
         person(9, kk=4, STAT_HBKEL=4),                                            # kk 4: no head at all
         j, dict(j, NO_KEL="2003", STAT_HBKEL="4"),                                # duplicate in one file
         person(11, kk=5, STAT_HBKEL=4, AGAMA=99), bad_kk],
    ]


def write_crafted(folder, fmt: str) -> None:
    folder.mkdir()
    for i, rows in enumerate(crafted_partitions()):
        path = write_register(folder / f"p{i}.csv", rows)
        if i == 0:   # a malformed line: this partition needs the exact (slow) CSV scan
            path.write_bytes(path.read_bytes() + b"1,2,3\n")
        if fmt == "parquet":
            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS}), parse_options=pacsv.ParseOptions(
                invalid_row_handler=lambda row: "skip"))
            pq.write_table(table, folder / f"p{i}.parquet")
            path.unlink()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_cross_partition_duplicates_and_families_are_judged_on_the_whole_register(fmt, cluster, tmp_path):
    folder = tmp_path / f"krafted-{fmt}"
    write_crafted(folder, fmt)
    results = run_engines(folder, GOLDEN_CONFIG, tmp_path / "out", cluster)
    assert_identical(results)
    found = manifest(results["dask"])
    assert found["dikecualikan"] == {"nik_tidak_valid": 1, "nik_ganda": 3, "jenis_kelamin_tidak_valid": 1,
                                     "tgl_lahir_tidak_valid": 0, "wilayah_tidak_valid": 0,
                                     "baris_rusak": 1 if fmt == "csv" else 0}
    assert found["peringatan"]["kk_kepala_ganda"] == 1 and found["peringatan"]["kk_tanpa_kepala"] == 1
    assert found["peringatan"]["no_kk_tidak_valid"] == 1
    assert found["sumber"]["jumlah_berkas"] == 3 and found["sumber"]["format"] == fmt
    report = results["dask"]["validasi.csv"].decode().splitlines()
    flagged = {(line.split(",")[2], int(line.split(",")[0])) for line in report[1:]}
    shift = 0 if fmt == "csv" else 1   # Parquet has no malformed line: later files start a row earlier
    assert {row for code, row in flagged if code == "nik_ganda"} == {10 - shift, 12 - shift, 16 - shift}
    assert ("jenis_kelamin_tidak_valid", 3) in flagged                      # the damaged first copy
    assert ("kk_kepala_ganda", 5) in flagged and ("kk_tanpa_kepala", 6) in flagged
    penduduk = yaml.safe_load(results["dask"]["penduduk.yml"])["wilayah"]
    assert penduduk["63.05.01.1001"]["data"]["PENDUDUK"]["lk"] == 2   # b_good and j; their copies did not count


def last_copy_wins(rows):
    """A wrong rule: the *last* keepable copy of a NIK wins."""
    keepable = rows.assign(baris_dipakai=rows["baris_dipakai"].where(rows["baris_dipakai"] < engine_dask.NO_ROW, -1))
    grouped = keepable.groupby("nik").agg({"baris": "count", "baris_dipakai": "max"})
    return grouped[(grouped["baris"] > 1) & (grouped["baris_dipakai"] >= 0)]["baris_dipakai"]


def within_partition_only(rows):
    """A wrong rule: duplicates are looked for inside each partition only (no shuffle)."""
    return rows.map_partitions(_first_kept_in_partition).groupby("nik")["baris_dipakai"].min()


def _first_kept_in_partition(frame):
    grouped = frame.groupby("nik").agg({"baris": "count", "baris_dipakai": "min"})
    found = grouped[(grouped["baris"] > 1) & (grouped["baris_dipakai"] < engine_dask.NO_ROW)]
    return found["baris_dipakai"].reset_index()


@pytest.mark.parametrize("wrong_rule", [last_copy_wins, within_partition_only])
def test_a_wrong_duplicate_rule_on_dask_is_caught_by_the_comparison(wrong_rule, cluster, tmp_path, monkeypatch):
    folder = tmp_path / "krafted"
    write_crafted(folder, "csv")
    monkeypatch.setattr(engine_dask, "duplicate_winners", wrong_rule)
    results = run_engines(folder, GOLDEN_CONFIG, tmp_path / "out", cluster)
    with pytest.raises(AssertionError, match="dask differs from stream"):
        assert_identical(results)


def test_a_wrong_family_rule_on_dask_is_caught_by_the_comparison(cluster, tmp_path, monkeypatch):
    """KK checks done per partition only would flag kk 2 (head and member in different files)."""
    folder = tmp_path / "krafted"
    write_crafted(folder, "csv")
    monkeypatch.setattr(engine_dask, "family_anomalies", lambda families: families.map_partitions(
        _families_in_partition))
    results = run_engines(folder, GOLDEN_CONFIG, tmp_path / "out", cluster)
    with pytest.raises(AssertionError, match="dask differs from stream"):
        assert_identical(results)


def _families_in_partition(frame):
    grouped = frame.groupby("no_kk").agg({"kepala": "sum", "baris": "min"})
    return grouped[grouped["kepala"] != 1]


# ---- the duplicate rule: the registry (in order) and the winners (global view) agree -----------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 6), st.booleans()), min_size=1, max_size=60),
       st.lists(st.integers(1, 59), max_size=5))
def test_winners_mark_the_same_rows_as_the_registry_for_any_chunking(rows, cuts):
    """NikRegistry over arbitrary chunks = Winners from the whole register (first keepable copy by row)."""
    from dataclasses import replace

    nik = np.array([n if n < 0 else 6305010000000000 + n for n, _ in rows], dtype=np.int64)
    reason = np.array([0 if keepable else 4 for _, keepable in rows], dtype=np.int8)
    reason[nik < 0] = 1
    numbers = np.arange(2, len(rows) + 2, dtype=np.int64)
    template = _facts(numbers, reason, nik)
    registry, marked = NikRegistry(), []
    for start, end in zip([0, *sorted(set(cuts))], [*sorted(set(cuts)), len(rows)]):
        if start < end:
            part = replace(template, rows=numbers[start:end], reason=reason[start:end].copy(), nik=nik[start:end])
            registry.mark_duplicates(part)
            marked.append(part.reason)
    keepable = (reason == 0) & (nik >= 0)
    first = {}
    for n, row in zip(nik[keepable], numbers[keepable]):
        first.setdefault(int(n), int(row))
    winners = Winners(np.array(sorted(first), dtype=np.int64), np.array([first[n] for n in sorted(first)]))
    assert np.array_equal(np.concatenate(marked), winners.mark_duplicates(template).reason)
    assert np.array_equal(template.reason, reason)                        # Winners leave their input as it was
    later_copy = [i for i in range(len(rows)) if nik[i] >= 0 and int(nik[i]) in first and numbers[i] > first[int(nik[i])]]
    assert np.flatnonzero(np.concatenate(marked) == NIK_DUPLICATE).tolist() == later_copy


def _facts(rows, reason, nik):
    from agregat.sumber.validation import RowFacts

    n = len(rows)
    zeros = np.zeros(n, dtype=np.int64)
    return RowFacts(rows, reason, nik, zeros, zeros, zeros, zeros, {}, None, None, zeros.astype(bool),
                    zeros.astype(bool))


# ---- partitions: numbering and refusal ---------------------------------------------------------------------

def test_rows_are_numbered_on_across_partitions(tmp_path):
    folder = tmp_path / "ekspor"
    folder.mkdir()
    write_register(folder / "b.csv", [person(3), person(4), person(5)])
    write_register(folder / "a.csv", [person(1), person(2)])
    (folder / "_SUCCESS").write_bytes(b"")          # written by Spark/Dask next to partitions: not one of them
    (folder / ".a.csv.swp").write_bytes(b"\x00")
    register = open_register(folder, load_config(GOLDEN_CONFIG))
    assert [p.path.name for p in register.parts] == ["a.csv", "b.csv"]
    assert np.concatenate([c.rows for c in register.chunks()]).tolist() == [2, 3, 4, 5, 6]
    assert register.size == (folder / "a.csv").stat().st_size + (folder / "b.csv").stat().st_size


@pytest.mark.slow
def test_the_dask_engine_on_a_new_local_cluster(tmp_path):
    """Without --scheduler the engine starts (and stops) its own LocalCluster of --workers processes."""
    stream = jobs.validate(FIXTURES / "golden" / "register.csv", PERIOD, GOLDEN_CONFIG)
    local = jobs.validate(FIXTURES / "golden" / "register.csv", PERIOD, GOLDEN_CONFIG, engine=Engine("dask", workers=1))
    assert local.report.to_csv() == stream.report.to_csv()
    assert all(np.array_equal(local.counts[name], stream.counts[name]) for name in stream.counts)


def cli(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def aggregate_argv(tmp_path, path, *extra):
    return ["--config", str(GOLDEN_CONFIG), "aggregate", "--input", str(path), "--period", PERIOD,
            "--data-dir", str(tmp_path / "data"), "--report-dir", str(tmp_path / "laporan"), *extra]


def assert_refused(result, exit_code, expected_start, tmp_path):
    code, _, err = result
    assert code == exit_code, err
    assert err.startswith(f"Kesalahan: {expected_start}"), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "data").exists() and not (tmp_path / "laporan").exists()


def good_partitions(folder):
    folder.mkdir(parents=True)
    write_register(folder / "1.csv", [person(1), person(2)])
    write_register(folder / "2.csv", [person(3)])
    return folder


BROKEN_FOLDERS = {
    "mixed_formats": (lambda f: pq.write_table(pacsv.read_csv(f / "1.csv"), f / "3.parquet"),
                      "Folder partisi ekspor mencampur format: 1.csv CSV, 3.parquet PARQUET."),
    "other_header": (lambda f: write_register(f / "3.csv", [person(4)], delimiter=";"),
                     "Folder partisi ekspor: baris judul (kolom atau pemisahnya) 3.csv berbeda dengan 1.csv."),
    "empty_file": (lambda f: (f / "3.csv").write_bytes(b""), "Berkas register 3.csv kosong."),
    "xlsx": (lambda f: __import__("openpyxl").Workbook().save(f / "3.xlsx"),
             "Folder partisi ekspor: berkas 3.xlsx berformat XLSX."),
    "subfolder": (lambda f: (f / "lagi").mkdir(), "Folder partisi ekspor berisi subfolder (lagi)."),
}


@pytest.mark.parametrize("case", sorted(BROKEN_FOLDERS))
@pytest.mark.parametrize("engine", ["stream", "dask"])
def test_a_bad_partition_stops_every_engine_before_anything_is_written(case, engine, cluster, tmp_path, capsys):
    folder = good_partitions(tmp_path / "masukan" / "ekspor")
    spoil, message = BROKEN_FOLDERS[case]
    spoil(folder)
    extra = ["--engine", "dask", "--scheduler", cluster] if engine == "dask" else []
    assert_refused(cli(capsys, aggregate_argv(tmp_path, folder, *extra)), EXIT_INPUT, message, tmp_path)


def test_an_empty_folder_is_refused(tmp_path, capsys):
    (tmp_path / "kosong").mkdir()
    assert_refused(cli(capsys, aggregate_argv(tmp_path, tmp_path / "kosong")), EXIT_INPUT,
                   "Folder kosong tidak berisi berkas partisi.", tmp_path)


def test_an_unreachable_scheduler_is_one_indonesian_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(engine_dask, "CONNECT_TIMEOUT", "1s")
    folder = good_partitions(tmp_path / "ekspor")
    result = cli(capsys, aggregate_argv(tmp_path, folder, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"))
    assert_refused(result, EXIT_CLUSTER, "Penjadwal Dask tcp://127.0.0.1:9 tidak dapat dihubungi dalam 1s.",
                   tmp_path)


@pytest.mark.parametrize("extra, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler dan --workers hanya berlaku dengan --engine dask."),
    (["--engine", "dask", "--workers", "0"], "--workers harus bilangan bulat ≥ 1."),
    (["--engine", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "Pilih salah satu:"),
])
def test_engine_options_are_checked(extra, message, tmp_path, capsys):
    folder = good_partitions(tmp_path / "ekspor")
    assert_refused(cli(capsys, aggregate_argv(tmp_path, folder, *extra)), EXIT_USAGE, message, tmp_path)


def test_validate_takes_the_engine_too(cluster, tmp_path, capsys):
    folder = good_partitions(tmp_path / "ekspor")
    code, out, err = cli(capsys, ["--config", str(GOLDEN_CONFIG), "validate", "--input", str(folder), "--period",
                                  PERIOD, "--report-dir", str(tmp_path / "laporan"), "--engine", "dask",
                                  "--scheduler", cluster])
    assert code == 0, err
    assert out.startswith("Register ekspor (2025-S1, per 30-06-2025): 3 baris dibaca, 3 valid, 0 dikecualikan.")


def outside_cluster(folder, pythonpath: str | None):
    """A real `dask scheduler` started in `folder` (outside the project); yields (address, start_worker).
    Without `pythonpath` it cannot import agregat. Every process is stopped afterwards."""
    import os
    import socket
    import subprocess
    import time
    from contextlib import contextmanager

    from distributed import Client

    @contextmanager
    def running():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        address = f"tcp://127.0.0.1:{port}"
        dask = str(ROOT / ".venv" / "bin" / "dask") if (ROOT / ".venv" / "bin" / "dask").exists() else "dask"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | (
            {"PYTHONPATH": pythonpath} if pythonpath else {})
        folder.mkdir(exist_ok=True)
        started = []

        def start(*argv):
            started.append(subprocess.Popen([dask, *argv], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))

        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                Client(address, timeout="1s").close()
                break
            except OSError:
                time.sleep(0.3)
        try:
            yield address, lambda: start("worker", address, "--nworkers", "1", "--nthreads", "1")
        finally:
            for process in reversed(started):
                process.terminate()
                process.wait(timeout=30)

    return running()


@pytest.fixture
def foreign_scheduler(tmp_path):
    """A scheduler started outside the project without PYTHONPATH (it cannot import agregat)."""
    with outside_cluster(tmp_path / "di-luar-proyek", None) as started:
        yield started


@pytest.mark.slow
def test_a_cluster_without_workers_or_without_the_package_is_refused(foreign_scheduler, tmp_path, capsys,
                                                                     monkeypatch):
    address, start_worker = foreign_scheduler
    folder = good_partitions(tmp_path / "ekspor")
    monkeypatch.setattr(engine_dask, "WORKER_TIMEOUT", 1)
    assert_refused(cli(capsys, aggregate_argv(tmp_path, folder, "--engine", "dask", "--scheduler", address)),
                   EXIT_CLUSTER, f"Penjadwal Dask {address} belum punya worker setelah 1 detik.", tmp_path)
    start_worker()
    monkeypatch.setattr(engine_dask, "WORKER_TIMEOUT", 30)
    assert_refused(cli(capsys, aggregate_argv(tmp_path, folder, "--engine", "dask", "--scheduler", address)),
                   EXIT_CLUSTER, f"Penjadwal atau worker Dask di {address} tidak memuat paket agregat versi", tmp_path)


# ---- stress: header-only partitions, rows outside the region, CSV = Parquet, a province config --------------

PROVINCE_CONFIG = ROOT / "provinsi-63.yml"
OUTSIDE = "63.06.01.2001"     # Hulu Sungai Selatan: outside Tapin, inside the province


def stress_partitions() -> list[list[dict] | None]:
    """Partitions (None = header only) where every cross-row case spans files. Copies of one NIK differ in
    desa, so which copy wins shows in the tables. CSV rows: 2-4 | - | 5-9 | - | 10-12."""
    x_outside = person(1, kk=1, desa=OUTSIDE)                       # first copy: outside Tapin (kept in 63)
    x_tapin = dict(x_outside, NO_PROP="63", NO_KAB="5", NO_KEC="1", NO_KEL="1001")
    y = person(2, kk=7, desa=OUTSIDE, STAT_HBKEL=4)                   # a member without a head (other NO_KK)
    head7 = person(3, kk=7, desa="63.05.08.2001")                     # head of a KK whose member is 2 files on
    damaged = person(4, kk=8, JENIS_KLMIN="X")
    good = dict(damaged, JENIS_KLMIN="1", NO_KEL="1001")
    unknown = person(5, kk=9, AGAMA="77", PDDK_AKH="")
    return [
        [x_outside, y, damaged],
        None,
        [x_tapin, good, head7, dict(y, NO_KEL="2002"), unknown],
        None,
        [dict(good, NO_KEL="2003"), dict(x_tapin, NO_KEL="2003"), person(6, kk=7, desa="63.05.08.2001",
                                                                        STAT_HBKEL=4)],
    ]


def write_stress(folder, fmt: str) -> None:
    folder.mkdir(parents=True)
    for i, rows in enumerate(stress_partitions()):
        path = write_register(folder / f"p{i}.csv", rows or [])
        if fmt == "parquet":
            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS}))
            pq.write_table(table, folder / f"p{i}.parquet")   # a header-only CSV: a Parquet file of 0 rows
            path.unlink()
        elif rows is None and i == 3:       # a header without its newline
            path.write_bytes(path.read_bytes().rstrip(b"\n"))


def flagged_rows(files: dict[str, bytes]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for line in files["validasi.csv"].decode().splitlines()[1:]:
        row, _, code = line.split(",")[:3]
        found.setdefault(code, []).append(int(row))
    return found


@pytest.fixture(scope="module")
def stress_results(cluster, tmp_path_factory):
    """{(config, format): results of every engine} on the stress partitions."""
    out = tmp_path_factory.mktemp("stress")
    results = {}
    for config_name, config in (("tapin", GOLDEN_CONFIG), ("provinsi", PROVINCE_CONFIG)):
        for fmt in ("csv", "parquet"):
            folder = out / f"{config_name}-{fmt}" / "ekspor"
            write_stress(folder, fmt)
            results[config_name, fmt] = run_engines(folder, config, out / f"{config_name}-{fmt}" / "out", cluster)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("config_name", ["tapin", "provinsi"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_engines_agree_on_header_only_partitions_and_rows_outside_the_region(stress_results, config_name, fmt):
    results = stress_results[config_name, fmt]
    assert_identical(results)
    found = manifest(results["stream"])
    assert found["baris"]["dibaca"] == 11 and found["sumber"]["jumlah_berkas"] == 5
    flagged = flagged_rows(results["dask"])
    assert flagged["jenis_kelamin_tidak_valid"] == [4]
    assert flagged["kode_tidak_dikenal"] == [9, 9]
    penduduk = yaml.safe_load(results["dask"]["penduduk.yml"])["wilayah"]
    if config_name == "tapin":
        # x_outside and y are outside Tapin: x_tapin (row 5) is the first kept copy, y's copy is outside too
        assert flagged["wilayah_tidak_valid"] == [2, 3, 8]
        assert flagged["nik_ganda"] == [10, 11]
        assert found["peringatan"]["kk_tanpa_kepala"] == 0 and found["peringatan"]["kk_kepala_ganda"] == 0
        assert penduduk["63.05.01.1001"]["data"]["PENDUDUK"]["jml"] == 2            # x_tapin and good
        assert penduduk["63.05"]["data"]["PENDUDUK"]["jml"] == 5
    else:
        # the whole province: x_outside (row 2) and y (row 3) win; later copies of them and of good are duplicates
        assert "wilayah_tidak_valid" not in flagged
        assert flagged["nik_ganda"] == [5, 8, 10, 11]
        assert penduduk["63"]["data"]["PENDUDUK"]["jml"] == 6
        assert penduduk["63.06"]["data"]["PENDUDUK"]["jml"] == 2
        assert penduduk["63.06.01"]["data"]["PENDUDUK"]["jml"] == 2
        assert penduduk[OUTSIDE]["data"]["PENDUDUK"]["jml"] == 2
        assert penduduk["63.05"]["data"]["PENDUDUK"]["jml"] == 4
        assert penduduk["63.05.08"]["data"]["PENDUDUK"]["jml"] == 2
        assert penduduk["63.05.01.1001"]["data"]["PENDUDUK"]["jml"] == 1            # good only
        assert found["provinsi"] == {"kode": "63", "nama": "KALIMANTAN SELATAN"}
        assert flagged["kk_tanpa_kepala"] == [3]          # y's family (63.06.01): now kept, and headless
        assert found["peringatan"]["kk_kepala_ganda"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("config_name", ["tapin", "provinsi"])
def test_csv_and_parquet_partitions_of_the_same_rows_give_the_same_edition(stress_results, config_name):
    """Only the manifest's `sumber` (format, digest, size, CSV details) tells the two apart."""
    csv_files, parquet_files = (stress_results[config_name, fmt]["dask"] for fmt in ("csv", "parquet"))
    assert [f for f in csv_files if csv_files[f] != parquet_files[f]] == ["manifest.yml"]
    csv_manifest, parquet_manifest = manifest(csv_files), manifest(parquet_files)
    csv_manifest.pop("sumber"), parquet_manifest.pop("sumber")
    assert csv_manifest == parquet_manifest


@pytest.mark.slow
def test_a_relative_input_reaches_workers_that_run_in_another_folder(tmp_path, capsys, monkeypatch):
    """Workers started elsewhere (another working folder) get absolute paths, and a register file a
    worker cannot see is a cluster problem in one Indonesian line, not a lost connection."""
    with outside_cluster(tmp_path / "di-tempat-lain", str(ROOT)) as (address, start_worker):
        start_worker()
        monkeypatch.chdir(FIXTURES / "golden")
        code, out, err = cli(capsys, aggregate_argv(tmp_path, "register.csv", "--engine", "dask",
                                                    "--scheduler", address))
        assert code == 0, err
        assert out.startswith("Register register.csv (2025-S1, per 30-06-2025): 20 baris dibaca, 14 valid")
    with pytest.raises(ClusterError, match=r"^Worker Dask di .* tidak menemukan berkas register /tidak/ada.csv"):
        engine_dask.on_worker(Path("/tidak/ada.csv"), function=engine_dask.read_partition)


def damaged_parquet_folder(folder):
    """Two Parquet partitions; the second has a sound footer but damaged data pages."""
    folder.mkdir(parents=True)
    for i in range(2):
        source = write_register(folder.parent / f"bron-{i}.csv", [person(j + 100 * i) for j in range(1, 50)])
        pq.write_table(pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in COLUMNS})), folder / f"p{i}.parquet")
    damaged = bytearray((folder / "p1.parquet").read_bytes())
    damaged[8:800] = b"\xff" * 792
    (folder / "p1.parquet").write_bytes(bytes(damaged))
    return folder


@pytest.mark.parametrize("engine", ["stream", "dask"])
def test_a_parquet_partition_with_damaged_pages_is_refused(engine, cluster, tmp_path, capsys):
    folder = damaged_parquet_folder(tmp_path / "masukan" / "ekspor")
    extra = ["--engine", "dask", "--scheduler", cluster] if engine == "dask" else []
    assert_refused(cli(capsys, aggregate_argv(tmp_path, folder, *extra)), EXIT_INPUT,
                   "Berkas p1.parquet tidak dapat dibaca sebagai Parquet (rusak).", tmp_path)


@pytest.mark.slow
def test_a_local_cluster_prints_no_worker_traceback(tmp_path):
    """The workers of the engine's own LocalCluster write to this console: a partition refused on a worker
    gives the one Indonesian line, not the worker's 'Compute Failed' log with its traceback."""
    import subprocess
    import sys

    folder = good_partitions(tmp_path / "masukan" / "ekspor")
    (folder / "3.csv").write_bytes(b"")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), *aggregate_argv(tmp_path, folder, "--engine",
                                                                                   "dask", "--workers", "1")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == EXIT_INPUT, done.stderr
    assert done.stderr.splitlines() == ["Kesalahan: Berkas register 3.csv kosong. Ekspor ulang register dari SIAK."]
    assert not (tmp_path / "data").exists() and not (tmp_path / "laporan").exists()
