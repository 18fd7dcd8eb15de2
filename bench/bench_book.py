"""Benchmark: the book (site + PDF) of the demo edition whose aggregates exist.

    python bench/bench_book.py

1. cold: `build.py build --period 2025-S1` with empty caches (.cache/, site/) — site of every edition in
   data/ plus the PDF of 2025-S1;
2. warm: the same command again with nothing changed (the build is skipped by its input key);
3. the PDF alone (agregat.buku.pdf.buat_pdf in its own process): time, pages, pages/s, peak memory.
Each run is its own process; peak memory is that process's maximum resident set size.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_aggregate import measure  # noqa: E402

PERIOD = "2025-S1"
PDF_ONLY = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from pypdf import PdfReader
from agregat.buku.pdf import buat_pdf
from agregat.edisi.muat import muat_edisi
out = Path(sys.argv[1])
started, cpu = time.perf_counter(), time.process_time()
buat_pdf(muat_edisi(Path({str(ROOT / 'data')!r}), {PERIOD!r}), Path({str(ROOT / 'docs/templates/buku')!r}), out,
         Path(sys.argv[2]))
took, cpu = time.perf_counter() - started, time.process_time() - cpu
pages = len(PdfReader(out).pages)
print(f"{{pages}} halaman, {{took:.1f}} s (CPU {{cpu:.1f}} s), {{pages / took:.1f}} halaman/s")
"""


def main() -> None:
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)
    shutil.rmtree(ROOT / "site", ignore_errors=True)
    command = [sys.executable, str(ROOT / "build.py"), "build", "--period", PERIOD]
    cold = measure(command)
    warm = measure(command)
    print(f"dingin (situs semua edisi + PDF {PERIOD}): {cold['wall']:.1f} s, memori puncak {cold['rss_mb']:.0f} MB")
    print(f"hangat (tidak ada yang berubah): {warm['wall']:.2f} s")
    out = ROOT / "bench" / "out" / f"buku-{PERIOD}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    grafik = ROOT / "bench" / "out" / "grafik"
    done = subprocess.run([sys.executable, "-c", ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
                           "r = subprocess.run(sys.argv[1:]); print(json.dumps({'rss_mb': resource.getrusage("
                           "resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 'wall': time.perf_counter() - t}))"),
                           sys.executable, "-c", PDF_ONLY, str(out), str(grafik)],
                          capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    print(f"PDF saja: {lines[0]}; memori puncak {json.loads(lines[-1])['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
