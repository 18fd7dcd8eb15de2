"""Benchmark: the streamed engine, DuckDB, and the Dask engine (LocalCluster of 1 and 2 workers) on the same
register, as one CSV file and as a folder of CSV partitions.

    python bench/bench_dask.py                              # 1,000,000 rows in 4 partitions
    python bench/bench_dask.py --rows 10000000 --partitions 10

Each run is `build.py aggregate` (or bench/duckdb_tables.py) in its own process. Peak memory is sampled
every 0.1 s as the sum of the resident memory of the whole process tree (client, scheduler, nanny and
worker processes), and the largest single process is reported beside it. The Dask editions must equal
the streamed edition of the same folder byte for byte. Ends with an estimate for a national register
(285 million rows), derived from the measured per-row figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PERIOD = "2025-S1"
NATIONAL_ROWS = 285_000_000
SAMPLE_SECONDS = 0.1

sys.path.insert(0, str(ROOT / "bench"))
from bench_aggregate import check_same_tables, register  # a sibling script, not a package


def split_into_partitions(path: Path, parts: int) -> Path:
    """The CSV cut into `parts` files of whole lines, each with the header (cached beside the file)."""
    folder = OUT / f"partisi-{path.stem}-{parts}"
    if folder.is_dir() and len(list(folder.glob("*.csv"))) == parts:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    size = path.stat().st_size
    with open(path, "rb") as source:
        header = source.readline()
        for i in range(parts):
            target = size * (i + 1) // parts
            with open(folder / f"bagian-{i:04d}.csv", "wb") as part:
                part.write(header)
                while source.tell() < target:
                    block = source.read(min(8 << 20, target - source.tell()))
                    part.write(block)
                part.write(source.readline())   # finish the line the block ended in
    return folder


def measure(command: list[str]) -> dict:
    """Wall time and peak memory (sum over the process tree, and the largest process) of one command."""
    started = time.perf_counter()
    errors = tempfile.TemporaryFile()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
    peak_sum = peak_one = 0
    processes: dict[int, psutil.Process] = {}
    while process.poll() is None:
        try:
            for child in [process, *process.children(recursive=True)]:
                processes.setdefault(child.pid, child)
        except psutil.Error:
            pass
        sizes = []
        for pid, child in list(processes.items()):
            try:
                sizes.append(child.memory_info().rss)
            except psutil.Error:
                del processes[pid]
        peak_sum, peak_one = max(peak_sum, sum(sizes)), max([peak_one, *sizes])
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        errors.seek(0)
        raise SystemExit(f"perintah gagal ({process.returncode}): {' '.join(command)}\n{errors.read().decode()}")
    return {"wall": wall, "sum_mb": peak_sum / 2**20, "max_mb": peak_one / 2**20}


def aggregate_command(source: Path, name: str, *engine: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "aggregate", "--input", str(source), "--period", PERIOD,
            "--data-dir", str(OUT / "dask" / name / "data"), "--report-dir", str(OUT / "dask" / name / "laporan"),
            *engine]


def edition(name: str) -> dict[str, bytes]:
    folder = OUT / "dask" / name / "data" / PERIOD
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def national_estimate(rows: int, partitions: int, results: dict) -> list[str]:
    """What 285 million rows need, scaled from the measured Dask runs.

    Time: the rows/s of one worker on its own core (the 1-worker run, start-up included), times the number
    of workers; this assumes one core per worker and that the NIK/NO_KK shuffle keeps up. Memory: a worker
    holds the checked facts of its partitions between the two passes, so its peak grows with the rows it
    holds; bytes per row come from the 1-worker run, which held every row.
    """
    one, two = results["dask-1"], results["dask-2"]
    speedup = one["wall"] / two["wall"]
    per_worker = rows / one["wall"]
    idle_mb = 150.0                                   # a worker process with the package imported
    bytes_per_row = max(one["max_mb"] - idle_mb, 0) * 2**20 / rows
    partition_rows = rows // partitions
    lines = [f"skala 1→2 worker di mesin ini: {speedup:.2f}× ({one['wall']:.1f} s → {two['wall']:.1f} s)",
             (f"per worker: {per_worker / 1e6:.2f} juta baris/s; memori ≈ {idle_mb:.0f} MB + {bytes_per_row:.0f} "
              "byte × baris yang dipegangnya"),
             (f"nasional {NATIONAL_ROWS / 1e6:.0f} juta baris, partisi {partition_rows / 1e6:.1f} juta baris "
              f"→ {-(-NATIONAL_ROWS // partition_rows)} partisi; lewat jaringan ±{NATIONAL_ROWS * 24 / 2**30:.1f} GB "
              "(NIK, baris, baris dipakai) untuk pengocokan NIK:")]
    for workers in (8, 16, 32, 64):
        held = NATIONAL_ROWS / workers
        memory_gb = (idle_mb * 2**20 + bytes_per_row * held) / 2**30
        minutes = NATIONAL_ROWS / (per_worker * workers) / 60
        lines.append(f"  {workers:3d} worker: ±{minutes:.1f} menit, memori per worker ±{memory_gb:.1f} GB")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()
    path = register(args.rows)
    folder = split_into_partitions(path, args.partitions)
    print(f"beban mesin sebelum: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (cpu: {os.cpu_count()} inti)")
    runs = {
        "stream-berkas": aggregate_command(path, "stream-berkas"),
        "stream-folder": aggregate_command(folder, "stream-folder"),
        "dask-1": aggregate_command(folder, "dask-1", "--engine", "dask", "--workers", "1"),
        "dask-2": aggregate_command(folder, "dask-2", "--engine", "dask", "--workers", "2"),
    }
    duckdb = [sys.executable, str(ROOT / "bench" / "duckdb_tables.py"), str(path), PERIOD]
    if not args.skip_duckdb:
        runs["duckdb"] = duckdb
    results = {}
    for name, command in runs.items():
        results[name] = result = measure(command)
        print(f"{name:14s} {args.rows:>12,} baris: {result['wall']:6.1f} s, "
              f"{args.rows / result['wall'] / 1e6:.2f} juta baris/s; memori puncak {result['sum_mb']:,.0f} MB "
              f"(jumlah semua proses), proses terbesar {result['max_mb']:,.0f} MB", flush=True)
    print(f"beban mesin sesudah: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    reference = edition("stream-folder")
    for name in ("dask-1", "dask-2"):
        if edition(name) != reference:
            raise SystemExit(f"edisi {name} berbeda dengan stream-folder")
    tables = {n: b for n, b in edition("stream-berkas").items() if n != "manifest.yml"}
    if tables != {n: b for n, b in reference.items() if n != "manifest.yml"}:
        raise SystemExit("tabel dari folder partisi berbeda dengan tabel dari berkasnya")
    print("edisi sama byte demi byte: dask-1, dask-2 = stream-folder; tabel folder = tabel berkas")
    if not args.skip_duckdb:
        check_same_tables(duckdb, OUT / "dask" / "stream-berkas" / "data" / PERIOD)
        print(f"rasio stream/duckdb: {results['stream-berkas']['wall'] / results['duckdb']['wall']:.2f}")
    for line in national_estimate(args.rows, args.partitions, results):
        print(line)
    (OUT / "dask" / f"hasil-{args.rows}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
