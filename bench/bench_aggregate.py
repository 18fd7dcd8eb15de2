"""Benchmark: `build.py aggregate` against DuckDB computing the same tables from the same CSV.

    python bench/bench_aggregate.py                 # 1,000,000 rows (best of 3)
    python bench/bench_aggregate.py --rows 10000000 --repeat 1

Each run is a separate process; its peak memory is the maximum resident set size the kernel reports for
it (getrusage of a small wrapper's only child). Registers are synthetic (agregat.sumber.demo) and cached in
bench/out/. Prints one line per engine and the ratio of the best wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PERIOD = "2025-S1"
_WRAPPER = ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(json.dumps({'rc': r.returncode, 'wall': time.perf_counter() - t, "
            "'rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")


def measure(command: list[str]) -> dict:
    """Wall time and peak RSS of one command run in its own process."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"perintah gagal ({result['rc']}): {' '.join(command)}")
    return result


def check_same_tables(duckdb_command: list[str], edition: Path) -> None:
    """Both engines must give the same kabupaten count for every table and category."""
    import yaml

    done = subprocess.run(duckdb_command, capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    for name, counts in theirs.items():
        document = yaml.safe_load((edition / f"{name}.yml").read_text(encoding="utf-8"))
        labels = [k["label"] for k in document["kategori"]]
        ours = document["wilayah"][next(iter(document["wilayah"]))]["data"]
        expected = {label: ours[label]["jml"] for label in labels if ours[label]["jml"]}
        got = {labels[int(k)]: n for k, n in counts.items()}   # -1 (unknown) is the last category
        if got != expected:
            raise SystemExit(f"hasil berbeda pada tabel {name}: duckdb {got} ≠ agregat {expected}")
    print(f"hasil sama: {len(theirs)} tabel, setiap kategori tingkat kabupaten")


def register(rows: int) -> Path:
    path = OUT / f"register-{rows}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from agregat.sumber.demo import write_synthetic_register

        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_synthetic_register(path, rows)
        print(f"register sintetis {rows:,} baris dibuat dalam {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()
    path = register(args.rows)
    ours = [sys.executable, str(ROOT / "build.py"), "aggregate", "--input", str(path), "--period", PERIOD,
            "--data-dir", str(OUT / "data"), "--report-dir", str(OUT / "laporan")]
    theirs = [sys.executable, str(ROOT / "bench" / "duckdb_tables.py"), str(path), PERIOD]
    engines = {"agregat": ours} if args.skip_duckdb else {"agregat": ours, "duckdb": theirs}
    best = {}
    for name, command in engines.items():
        runs = [measure(command) for _ in range(args.repeat)]
        best[name] = min(runs, key=lambda r: r["wall"])
        walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
        print(f"{name:8s} {args.rows:>12,} baris: terbaik {best[name]['wall']:.2f} s (semua: {walls}); "
              f"memori puncak {max(r['rss_mb'] for r in runs):.0f} MB; "
              f"{args.rows / best[name]['wall'] / 1e6:.2f} juta baris/s")
    if "duckdb" in best:
        check_same_tables(theirs, OUT / "data" / PERIOD)
        print(f"rasio agregat/duckdb: {best['agregat']['wall'] / best['duckdb']['wall']:.2f} "
              f"(cpu: {os.cpu_count()} inti)")


if __name__ == "__main__":
    main()
