"""Benchmark: `build.py aggregate` reading a DKB aggregate workbook end to end (best of 3, each in its own process).

    python bench/bench_dkb.py                       # the real Kabupaten Madiun workbook and a province-sized one
    python bench/bench_dkb.py --repeat 1 --real PATH.xlsx

1. kabupaten: the real `DKB_SMSTR_2_2024_3519.xlsx` (206 desa) with the config `init --code 35.19` writes;
2. provinsi: a workbook in the real layout (`agregat.sumber.demo_dkb`) for the Kalimantan Selatan master
   (`provinsi-63.yml`, 2.016 desa) from a synthetic edition (random counts per desa, the same population in
   every person sheet), written once into bench/out/.
Peak memory is the maximum resident set size of the `aggregate` process (getrusage of a wrapper's child).
Targets (issue 10): kabupaten ≤ 5 s, provinsi ≤ 20 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_aggregate import measure  # noqa: E402

OUT = ROOT / "bench" / "out"
PERIOD = "2024-S2"
REAL = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
             if (p / "reference" / "dkb" / "DKB_SMSTR_2_2024_3519.xlsx").is_file()), ROOT.parent / "shared") \
    / "reference" / "dkb" / "DKB_SMSTR_2_2024_3519.xlsx"
TARGETS = {"kabupaten": 5.0, "provinsi": 20.0}


def synthetic_tables(wilayah, seed: int = 63) -> dict:
    """Counts per desa for every table the workbook layout carries; every person table sums to the same
    population per desa and sex. Not calibrated to any published figure."""
    from agregat.sumber.demo_dkb import Tabel
    from agregat.core.kode import load_code_lists

    rng = np.random.default_rng(seed)
    n = len(wilayah.desa)
    pop = rng.integers(400, 5000, size=(n, 2))
    age_p = np.exp(-np.arange(101) / 35.0)
    ages = np.stack([np.stack([rng.multinomial(pop[i, s], age_p / age_p.sum()) for s in (0, 1)]) for i in range(n)])

    def split(total: np.ndarray, weights) -> np.ndarray:   # (n, 2) → (n, 2, k)
        w = np.asarray(weights, dtype=float)
        return np.stack([np.stack([rng.multinomial(total[i, s], w / w.sum()) for s in (0, 1)]) for i in range(n)])

    def coded(name: str, weights) -> Tabel:
        kategori = load_code_lists()[name].kategori
        w = list(weights) + [1.0] * (len(kategori) - len(weights))
        counts = np.concatenate([split(pop, w), np.zeros((n, 2, 1), dtype=np.int64)], axis=2)
        return Tabel(tuple(k for k, _ in kategori) + ("?",), counts)

    bands = np.stack([ages[:, :, a:a + 5].sum(axis=2) for a in range(0, 75, 5)] + [ages[:, :, 75:].sum(axis=2)],
                     axis=2)
    young = ages[:, :, :18].sum(axis=2)
    akta_young = split(young, (9, 1))
    akta_all = akta_young + split(pop - young, (7, 3))
    wajib = ages[:, :, 17:].sum(axis=2)
    kinds = split(pop, (1, 1, 1, 1, 1, 1, 600))
    heads = np.stack([pop[:, 0] * 6 // 10, pop[:, 1] // 10], axis=1)
    zeros = np.zeros((n, 2, 1), dtype=np.int64)
    return {
        "penduduk": Tabel(("1",), pop[:, :, None]),
        "umur_tunggal": Tabel(tuple(str(a) for a in range(100)) + ("100+",), ages),
        "kelompok_umur": Tabel(tuple(f"{a}-{a + 4}" for a in range(0, 75, 5)) + ("75+",), bands),
        "agama": coded("agama", (90, 4, 3, 1, 1, 0.2, 0.5)),
        "pendidikan": coded("pendidikan", (20, 15, 25, 15, 18, 1, 2, 4, 0.5, 0.1)),
        "pekerjaan": coded("pekerjaan", (30, 15, 20, 2, 3, 1, 1, 5, 12)),
        "status_kawin": coded("status_kawin", (40, 50, 3, 7)),
        "kartu_keluarga": Tabel(("1",), heads[:, :, None]),
        "akta_kelahiran": Tabel(("1", "2", "?"), np.concatenate([akta_all, zeros], axis=2)),
        "akta_kelahiran_0_17": Tabel(("1", "2", "?"), np.concatenate([akta_young, zeros], axis=2)),
        "disabilitas": Tabel(("1", "2", "3", "4", "5", "6", "7", "?"), np.concatenate([kinds, zeros], axis=2)),
        "wajib_ktp": Tabel(("1", "2"), np.stack([wajib, pop - wajib], axis=2)),
    }


def province_workbook() -> Path:
    path = OUT / "dkb-63.xlsx"
    if not path.is_file():
        from agregat.core.config import load_config
        from agregat.sumber.demo_dkb import write_dkb_workbook
        from agregat.core.wilayah import load_wilayah

        config = load_config(ROOT / "provinsi-63.yml")
        wilayah = load_wilayah(config.wilayah, config.kode)
        print(f"menulis buku kerja provinsi ({len(wilayah.desa)} desa) ke {path} …", flush=True)
        write_dkb_workbook(synthetic_tables(wilayah), wilayah, path, config.provinsi)
    return path


def kabupaten_config() -> Path:
    config = OUT / "madiun" / "madiun.yml"
    if not config.is_file():
        config.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "init", "--code", "35.19", "--output", str(config)],
                       check=True, stdout=subprocess.DEVNULL)
    return config


def run(name: str, config: Path, workbook: Path, repeat: int) -> dict:
    data = OUT / f"dkb-{name}" / "data"
    command = [sys.executable, str(ROOT / "build.py"), "--config", str(config), "aggregate", "--input",
               str(workbook), "--period", PERIOD, "--data-dir", str(data), "--report-dir",
               str(OUT / f"dkb-{name}" / "laporan")]
    runs = [measure(command) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["wall"])
    size = workbook.stat().st_size / 1e6
    walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
    verdict = "memenuhi" if best["wall"] <= TARGETS[name] else "MELEBIHI"
    print(f"{name:9s} {workbook.name} ({size:.1f} MB): terbaik {best['wall']:.2f} s dari {repeat} "
          f"({walls}), memori puncak {max(r['rss_mb'] for r in runs):.0f} MB; "
          f"target ≤ {TARGETS[name]:.0f} s {verdict}")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--real", type=Path, default=REAL, help="buku kerja DKB kabupaten yang asli")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"beban mesin (1/5/15 menit): {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} inti")
    if args.real.is_file():
        run("kabupaten", kabupaten_config(), args.real, args.repeat)
    else:
        print(f"kabupaten: {args.real} tidak ada, dilewati")
    run("provinsi", ROOT / "provinsi-63.yml", province_workbook(), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
