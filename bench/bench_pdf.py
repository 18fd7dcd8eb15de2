"""Benchmark: the PDF of one demo edition, made in parts (agregat.buku.pdf), against one WeasyPrint process.

    python bench/bench_pdf.py [--period 2025-S1] [--repeat 3]

In one run, each figure the best of `--repeat` (the machine is shared: the ratio is the robust figure):
1. **PDF, cold**: `agregat.buku.pdf.buat_pdf` with an empty part cache, in a fresh process — time, pages,
   pages/s, peak memory of that process and its workers together (bench.memori);
2. **PDF, one plain process**: the same print document (`agregat.buku.cetak.dokumen_cetak`) rendered by plain
   `weasyprint.HTML(...).write_pdf()` in a fresh process — time, pages/s; the speed-up of 1 over 2;
   **bare cells**: the text of every table cell of that document in bare tables with a minimal stylesheet
   (`dokumen_polos`), laid out by plain WeasyPrint in one worker process per core — WeasyPrint's own cost of
   those cells without anything the book adds (styles, charts, chapters, assembly), beside the book's time;
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
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from agregat.buku.pdf import pekerja  # noqa: E402

OUT = ROOT / "bench" / "out"
COPIED = ("agregat", "macros", "docs", "data", "bench", "mkdocs.yml", "kabupaten.yml", "build.py", "pyproject.toml")

# Runs in a fresh process: argv = root, period, out.pdf, mode (bagian | tunggal | polos), cache dir
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
if mode == "polos":
    from bench.bench_pdf import dokumen_polos, tata_letak_polos
    polos = dokumen_polos(cetak.dokumen_cetak(edisi, templates, grafik, grafik_cache=None))
with PuncakMemori() as puncak:
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "bagian":
        from agregat.buku.pdf import buat_pdf
        buat_pdf(edisi, templates, Path(out), grafik, grafik_cache=None, cache_dir=Path(cache))
    elif mode == "polos":     # in parts of ±8.000 cells, one worker process per core, as agregat.buku.pdf works
        import concurrent.futures, io, multiprocessing
        from pypdf import PdfWriter
        from agregat.buku.pdf import pekerja
        with concurrent.futures.ProcessPoolExecutor(pekerja(), mp_context=multiprocessing.get_context("fork")) as pool:
            made = list(pool.map(tata_letak_polos, polos))
        merged = PdfWriter()
        for data in made:
            merged.append(io.BytesIO(data))
        merged.write(out)
    else:
        import weasyprint
        html = cetak.dokumen_cetak(edisi, templates, grafik, grafik_cache=None)
        weasyprint.HTML(string=html, base_url=cetak.BASE_URL,
                        url_fetcher=cetak.pengambil(periode, grafik)).write_pdf(out)
    took = time.perf_counter() - started
from pypdf import PdfReader
sel = sum(bagian.count("<td>") for bagian in polos) if mode == "polos" else None
print(json.dumps({"detik": took, "halaman": len(PdfReader(out).pages), "mb": puncak.mb, "sel": sel}))
"""

#: The bare cells' page and style: the appendix's font and size, one line a cell, no padding, rules or shading.
_POLOS_GAYA = ("@page { size: A4 landscape; margin: 10mm } body { margin: 0; font: 6.5pt 'DejaVu Sans Condensed' } "
               "table { width: 100%; table-layout: fixed; border-collapse: collapse } "
               "td { padding: 0; white-space: nowrap }")
_SEL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1>", re.S)


def tata_letak_polos(html: str) -> bytes:
    """One bare-cells document's PDF, by plain WeasyPrint (in a worker process)."""
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def dokumen_polos(html: str, kolom: int = 20, baris: int = 40, per_dokumen: int = 10) -> list[str]:
    """The bare cells of a print document: every table cell's text (tags dropped), in its order, in bare
    tables of `baris` rows of `kolom` cells with a minimal stylesheet, `per_dokumen` tables a document — what
    WeasyPrint must do for the cells alone, whatever the book's styling, charts and chapters add."""
    teks = [re.sub(r"<[^>]+>", "", isi).strip() for _, isi in _SEL.findall(html)]   # still HTML text
    rows = ["<tr>" + "".join(f"<td>{t}</td>" for t in teks[i:i + kolom]) + "</tr>" for i in range(0, len(teks), kolom)]
    tables = ["<table>" + "".join(rows[i:i + baris]) + "</table>" for i in range(0, len(rows), baris)]
    return [f"<!DOCTYPE html><html><head><style>{_POLOS_GAYA}</style></head><body>{''.join(tables[i:i + per_dokumen])}"
            "</body></html>" for i in range(0, len(tables), per_dokumen)]


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
    polos = min((pdf_run(ROOT, p, "polos") for _ in range(args.repeat)), key=lambda r: r["detik"])
    inti = pekerja()
    print(f"sel polos: {polos['sel']} sel tabel edisi ini dalam tabel polos (tanpa gaya, grafik, bab, dan perakitan "
          f"buku), WeasyPrint biasa, {inti} proses pekerja: {polos['detik']:.1f} s = {pages / polos['detik']:.1f} "
          f"halaman buku/s (buku per bagian di atas: {best['detik']:.1f} s)")

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
