"""Publishing: the website (MkDocs, from docs/ and macros/) and the PDF of every edition in data/.

Reads only `data/<periode>/` (never a register). A build whose inputs did not change is skipped: the key
is a hash of every input file and option, kept in `site/.kunci-build`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import PROJECT_ROOT
from .errors import EXIT_BOOK, AgregatError
from .atomik import write_atomic

CACHE_DIR = PROJECT_ROOT / ".cache"
KEY_FILE = ".kunci-build"
INPUT_GLOBS = ("docs/**/*", "macros/**/*.py", "macros/**/*.css", "mkdocs.yml", "agregat/__init__.py")


class BookError(AgregatError):
    """The website or the PDF could not be built (a broken page, a missing number)."""

    exit_code = EXIT_BOOK


@dataclass
class BookResult:
    site_dir: Path
    pdfs: dict[str, Path]
    skipped: bool
    analisa_written: list[str]


def pdf_name(periode: str) -> str:
    return f"buku-data-agregat-{periode}.pdf"


def ensure_analisa(data_dir: Path, periods: list[str] | None = None) -> list[str]:
    """Write the generated draft of Bab VII (`analisa.md`) where an edition (of `periods`, default all) has
    none; never overwrite."""
    from macros.analisa import tulis_analisa
    from macros.edisi import daftar_edisi, muat_edisi

    written = []
    for periode in daftar_edisi(data_dir):
        path = Path(data_dir) / periode / "analisa.md"
        if (periods is None or periode in periods) and not os.path.lexists(path):
            write_atomic(path, tulis_analisa(muat_edisi(data_dir, periode).dokumen))
            written.append(periode)
    return written


def input_key(root: Path, data_dir: Path, options: tuple) -> str:
    """sha256 over every input file's path and bytes, and the options."""
    digest = hashlib.sha256(repr(options).encode())
    paths = {p for pattern in INPUT_GLOBS for p in root.glob(pattern) if p.is_file()}
    paths |= {p for p in Path(data_dir).glob("*/*") if p.is_file() and p.parent.name != "raw"}
    for path in sorted(paths):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_book(root: Path = PROJECT_ROOT, data_dir: Path | None = None, site_dir: Path | None = None,
               final: bool = False, pdf: bool = True, ukuran: str = "A4",
               periods: list[str] | None = None, pengesahan: dict[str, list[dict]] | None = None) -> BookResult:
    """Build site/ and the PDFs; skip everything when nothing changed since the last build.

    `pengesahan` gives, per period, the signers shown on the final PDF's lembar pengesahan
    (agregat.pengesahan.final_gate); a period given there always gets its final PDF."""
    from macros.edisi import daftar_edisi

    data_dir = Path(data_dir or root / "data")
    site_dir = Path(site_dir or root / "site")
    editions = daftar_edisi(data_dir)
    if not editions:
        raise BookError(f"Belum ada edisi di {data_dir}. Jalankan 'python build.py aggregate' dulu.")
    periods = periods or editions
    analisa = ensure_analisa(data_dir)
    pengesahan = pengesahan or {}
    key = input_key(root, data_dir, (final, pdf, ukuran, tuple(periods), str(site_dir), _frozen(pengesahan)))
    pdfs = {p: site_dir / p / pdf_name(p) for p in periods} if pdf else {}
    key_file = site_dir / KEY_FILE
    if key_file.is_file() and key_file.read_text() == key and all(p.is_file() for p in pdfs.values()):
        return BookResult(site_dir, pdfs, True, analisa)
    # The PDF (layout-bound, single-threaded) runs in its own process while MkDocs builds the site: the two
    # cores work side by side. Its charts come from the same chart cache, drawn into a folder of its own.
    with ProcessPoolExecutor(max_workers=1) as pool:
        pending = {p: pool.submit(cached_pdf, root, data_dir, p, final or p in pengesahan, ukuran, pengesahan.get(p))
                   for p in pdfs}
        _build_site(root, data_dir, site_dir)
        for periode, target in pdfs.items():
            _copy(pending[periode].result(), target)
    write_atomic(key_file, key)
    return BookResult(site_dir, pdfs, False, analisa)


def _build_site(root: Path, data_dir: Path, site_dir: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        config.extra["data_dir"] = str(data_dir)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as exc:
        # mkdocs-macros (on_error_fail) stops the build with SystemExit after logging the page and the error
        reason = str(exc) if isinstance(exc, MkDocsException) else "makro gagal (lihat pesan di atas)"
        raise BookError(f"Situs tidak dapat dibangun: {reason}. Periksa halaman di docs/ dan angka di data/; "
                        "jalankan lagi dengan --debug untuk rinciannya.") from None


def cached_pdf(root: Path, data_dir: Path, periode: str, final: bool, ukuran: str,
               pengesahan: list[dict] | None = None) -> Path:
    """The edition's PDF from the cache, rendered when its inputs changed (may run in a worker process)."""
    from macros.cetak import buat_pdf
    from macros.edisi import muat_edisi

    key = input_key(root, data_dir / periode, ("pdf", periode, final, ukuran, _frozen(pengesahan)))
    cached = CACHE_DIR / "pdf" / f"{key}.pdf"
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        buat_pdf(muat_edisi(data_dir, periode), root / "docs" / "templates" / "buku", cached,
                 CACHE_DIR / "grafik-cetak" / periode, final=final, ukuran=ukuran, pengesahan=pengesahan)
    return cached


def _frozen(value) -> str:
    """A stable text of nested dicts/lists/dates, for cache keys."""
    import json

    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
