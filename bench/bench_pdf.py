"""Benchmark: the PDF of one demo edition, made in parts (agregat.buku.pdf), against one WeasyPrint process.

    python bench/bench_pdf.py [--period 2025-S1] [--repeat 3]

In one run, each figure the best of `--repeat` (the machine is shared: the ratio is the robust figure):
1. **PDF, cold**: `agregat.buku.pdf.buat_pdf` with an empty part cache, in a fresh process — time, pages,
   pages/s, peak memory of that process and its workers together (bench.memori);
2. **PDF, one plain process**: the same print document (`agregat.buku.cetak.dokumen_cetak`) rendered by plain
   `weasyprint.HTML(...).write_pdf()` in a fresh process — time, pages/s; the speed-up of 1 over 2;
3. **build, cold**: `build.py build --period P` in a copy of the project with empty caches (site of every
   edition + the PDF of P);
4. **build after one change**: `data/<P>/analisa.md` changed, then one chapter template changed;
5. **build, nothing changed**.
The copy (bench/out/proyek/) holds docs/, macros/, agregat/, data/, the configuration and build.py: the
repository's own files are never touched.
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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
COPIED = ("agregat", "macros", "docs", "data", "bench", "mkdocs.yml", "kabupaten.yml", "build.py", "pyproject.toml")

# Runs in a fresh process: argv = root, period, out.pdf, mode (bagian | tunggal), cache dir
_PDF = r"""
import json, sys, time
from pathlib import Path
root, periode, out, mode, cache = sys.argv[1:6]
sys.path.insert(0, root)
from bench.memori import PuncakMemori
from agregat.edisi.muat import muat_edisi
from agregat.buku import cetak
edisi = muat_edisi(Path(root) / "data", periode)
templates, grafik = Path(root) / "docs/templates/buku", Path(out).with_suffix(".grafik")
with PuncakMemori() as puncak:
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "bagian":
        from agregat.buku.pdf import buat_pdf
        buat_pdf(edisi, templates, Path(out), grafik, grafik_cache=None, cache_dir=Path(cache))
    else:
        import weasyprint
        html = cetak.dokumen_cetak(edisi, templates, grafik, grafik_cache=None)
        weasyprint.HTML(string=html, base_url=cetak.BASE_URL,
                        url_fetcher=cetak.pengambil(periode, grafik)).write_pdf(out)
    took = time.perf_counter() - started
from pypdf import PdfReader
print(json.dumps({"detik": took, "halaman": len(PdfReader(out).pages), "mb": puncak.mb}))
"""


def pdf_run(root: Path, periode: str, mode: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        env = {**os.environ, "AGREGAT_CACHE": str(Path(tmp) / "cache")}
        done = subprocess.run([sys.executable, "-c", _PDF, str(root), periode, str(Path(tmp) / "buku.pdf"), mode,
                               str(Path(tmp) / "bagian")], capture_output=True, text=True, env=env)
        if done.returncode:
            raise SystemExit(done.stderr[-2000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def build_run(project: Path, periode: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(project / "build.py"), "build", "--period", periode], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "AGREGAT_CACHE": str(project / ".cache")})
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return time.perf_counter() - started


def copy_project(target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "out"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2025-S1")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    p = args.period

    parts, plain = [], []
    for _ in range(args.repeat):              # interleaved: both see the same machine
        parts.append(pdf_run(ROOT, p, "bagian"))
        plain.append(pdf_run(ROOT, p, "tunggal"))
    best, base = min(parts, key=lambda r: r["detik"]), min(plain, key=lambda r: r["detik"])
    pages = best["halaman"]
    print(f"PDF {p} dingin, bertahap ({pages} halaman): {best['detik']:.1f} s, {pages / best['detik']:.1f} halaman/s, "
          f"memori puncak semua proses {max(r['mb'] for r in parts):.0f} MB")
    print(f"PDF {p} satu proses WeasyPrint biasa ({base['halaman']} halaman): {base['detik']:.1f} s, "
          f"{base['halaman'] / base['detik']:.1f} halaman/s, memori puncak {max(r['mb'] for r in plain):.0f} MB")
    rounds = ", ".join(f"{b['detik'] / a['detik']:.2f}x" for a, b in zip(parts, plain))
    print(f"percepatan: {base['detik'] / best['detik']:.2f}x (tiap putaran: {rounds})")

    cold, analisa, bab, same = [], [], [], []
    for _ in range(args.repeat):
        project = copy_project(OUT / "proyek")
        cold.append(build_run(project, p))
        append(project / "data" / p / "analisa.md", "\nCatatan tambahan Kasi untuk uji ulang.\n")
        analisa.append(build_run(project, p))
        append(next((project / "docs" / "templates" / "buku").glob("bab-5-*.md")), "\nKalimat uji bab.\n")
        bab.append(build_run(project, p))
        same.append(build_run(project, p))
    print(f"build --period {p} dingin (situs semua edisi + PDF {p}): {min(cold):.1f} s")
    print(f"build setelah analisa.md diubah: {min(analisa):.1f} s; setelah satu templat bab diubah: {min(bab):.1f} s")
    print(f"build tanpa perubahan: {min(same):.2f} s")


if __name__ == "__main__":
    main()
