"""Publishing: the website (MkDocs, from docs/ and macros/) and the PDF of every edition in data/.

Reads only `data/<periode>/` (never a register). A build whose inputs did not change is skipped: the build
key (agregat.buku.cache_keys.build_key) and the size of every file the build wrote are kept in `site/.kunci-build`,
removed before a build starts and written (atomically) only after it succeeded; a build is skipped only when
the key is equal and every file listed is still there with its size.

PDFs are kept in `.cache/pdf/<key>.pdf` (agregat.buku.cache_keys.pdf_key: every byte of the edition, the print code,
templates, fonts, library versions and options), with `<key>.json` beside it: the key the PDF was made for
and its sha256. The cache is only an optimisation of publishing: an entry is used when its record names the
key recomputed now from the inputs and the file still has the recorded sha256, else the PDF is rendered
again. The `final` step and `verify` never take a PDF from a cache (`fresh_pdf`). After the `final` step an
edition's PDF is published only as bytes whose sha256 is the one the statement recorded (`final_pdf`): a cache
entry with other bytes is rendered again, and a render with other bytes stops the build before the site is
touched (PdfMismatch).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from agregat.core.config import CACHE_DIR, PROJECT_ROOT, cache_dipakai
from agregat.edisi.analisa import ensure_analisa
from agregat.core.digest import digest_of_contents, edition_entries, file_sha256, read_entry
from agregat.core.errors import EXIT_BOOK, AgregatError, DataChangedError, PdfMismatch
from agregat.core.atomik import write_atomic, write_atomic_bytes
from agregat.core.kemajuan import DIAM, Kemajuan
from agregat.buku.cache_keys import build_key, pdf_key

KEY_FILE = ".kunci-build"
#: sha256 of the PDFs this process rendered itself, by key (trusted: made here, from the inputs hashed).
_RENDERED: dict[str, str] = {}


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


def build_book(root: Path = PROJECT_ROOT, data_dir: Path | None = None, site_dir: Path | None = None,
               final: bool = False, pdf: bool = True, ukuran: str = "A4",
               periods: list[str] | None = None, pengesahan: dict[str, list[dict]] | None = None,
               final_pdf: dict | None = None, status: dict[str, dict] | None = None,
               kemajuan: Kemajuan = DIAM) -> BookResult:
    """Build site/ and the PDFs; skip everything when nothing changed since the last build.

    `pengesahan` gives, per period, the signers shown on the final PDF's lembar pengesahan
    (agregat.pengesahan.langkah.final_gate); a period given there always gets its final PDF. `final_pdf` gives, per
    period whose chain holds the `final` step, its agregat.pengesahan.langkah.PdfFinal: that PDF is made on its
    paper and published only when its bytes have the recorded sha256, else PdfMismatch before anything of
    the site is replaced. `status` gives, per period, the approval state every page of that edition shows
    (computed by the approvals layer from the verified chain, agregat.pengesahan.langkah.status_situs; an
    edition without one shows as a draft, agregat.buku.penanda.DRAF); it is part of the build key.
    `kemajuan` (agregat.core.kemajuan) hears the site and each PDF start and end."""
    from agregat.edisi.muat import daftar_edisi

    data_dir = Path(data_dir or root / "data")
    site_dir = Path(site_dir or root / "site")
    editions = daftar_edisi(data_dir)
    if not editions:
        raise BookError(f"Belum ada edisi di {data_dir}. Jalankan 'python build.py aggregate' dulu.")
    periods = periods or editions
    analisa = ensure_analisa(data_dir)
    pengesahan, final_pdf = pengesahan or {}, final_pdf or {}
    jobs = {p: (final or p in pengesahan, final_pdf[p].ukuran if p in final_pdf else ukuran, pengesahan.get(p),
                final_pdf[p].sha256 if p in final_pdf else None) for p in periods} if pdf else {}
    key = build_key(root, data_dir, editions,
                    {p: pdf_key(root, data_dir / p, is_final, paper, rows) for p, (is_final, paper, rows, _) in jobs.items()},
                    {"pdf": pdf, "ukuran": ukuran, "periode": periods, "site": str(site_dir),
                     "final": {p: job[3] for p, job in jobs.items() if job[3]}, "status": status or {}})
    pdfs = {p: site_dir / p / pdf_name(p) for p in jobs}
    key_file = site_dir / KEY_FILE
    finals_intact = all(pdfs[p].is_file() and file_sha256(pdfs[p]) == job[3] for p, job in jobs.items() if job[3])
    if finals_intact and _up_to_date(key_file, key, site_dir):   # a final PDF is never trusted by its size alone
        return BookResult(site_dir, pdfs, True, analisa)
    # The PDF (layout-bound, single-threaded) runs in its own process while MkDocs builds the site: the two
    # cores work side by side. The final PDFs are checked first: a mismatch leaves the site as it was.
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            pending = {p: pool.submit(cached_pdf, root, data_dir, p, is_final, paper, rows, True, expected)
                       for p, (is_final, paper, rows, expected) in jobs.items()}
            _tell_pdfs(pending, kemajuan)
            checked = {p: _final_bytes(p, pending[p].result(), job[3]) for p, job in jobs.items() if job[3]}
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        key_file.unlink(missing_ok=True)     # from here until success, the build is not up to date
        with kemajuan.langkah("Membangun situs", "Situs selesai") as rincian:
            rincian.append(_build_site(root, data_dir, site_dir, status or {}, kemajuan))
        for periode, target in pdfs.items():
            made = pending[periode].result()
            if made.rendered:
                _RENDERED[made.key] = made.sha256
            if periode in checked:
                write_atomic_bytes(target, checked[periode])
            else:
                _copy(made.path, target)
    _write_key(key_file, key, site_dir)
    return BookResult(site_dir, pdfs, False, analisa)


def _tell_pdfs(pending: dict, kemajuan: Kemajuan) -> None:
    """Tell `kemajuan` each PDF as it starts and ends, from the futures of the one-worker pool: the worker
    makes them in order, so a PDF starts when the one before it ends, and its time is its own. Told from the
    pool's thread as each finishes (while the site builds); a PDF that fails or is cancelled says nothing."""
    import time

    periods = list(pending)

    def start(index: int) -> None:
        if index < len(periods):
            kemajuan.mulai(f"Membuat PDF {periods[index]} ({index + 1}/{len(periods)})")
            pending[periods[index]].add_done_callback(lambda future: done(index, time.perf_counter(), future))

    def done(index: int, ended: float, future) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        made = future.result()
        details = [*_page_count(made.path), *([] if made.rendered else ["dari cache"])]
        kemajuan.selesai(f"PDF {periods[index]} selesai", ended - started[index], details)
        started.append(ended)
        start(index + 1)

    started = [time.perf_counter()]
    start(0)


def _page_count(path: Path) -> list[str]:
    """["168 halaman"]: the page count the PDF's page tree states, or [] when it cannot be read."""
    try:
        from pypdf import PdfReader

        return [f"{len(PdfReader(path).pages)} halaman"]
    except Exception:  # noqa: BLE001 - a count for the user's eyes only, never a reason to stop a build
        return []


def _final_bytes(periode: str, made: "PdfCetak", expected: str) -> bytes:
    """The bytes of the final PDF to publish, read once and checked here against the sha256 the `final`
    statement recorded (whatever happened to the cache file since `cached_pdf` looked at it)."""
    data = made.path.read_bytes()
    _require_final(periode, hashlib.sha256(data).hexdigest(), expected)
    return data


def _require_final(periode: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise PdfMismatch(f"PDF final {periode} yang dibuat sekarang (sha256 {actual}) bukan PDF final yang dicatat "
                          f"di langkah final ({expected}), jadi tidak diterbitkan dan situs tidak diubah. Kode "
                          "cetak, fonta, atau versi pustaka di mesin ini berbeda dari saat langkah final: bangun "
                          "dengan lingkungan yang sama (requirements.txt, fonta DejaVu), lalu periksa dengan "
                          f"`python build.py verify --period {periode}`.")


def _outputs(site_dir: Path) -> dict[str, int]:
    """{relative path: size} of every file of the site but the key file."""
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size for p in sorted(site_dir.rglob("*"))
            if p.is_file() and p.name != KEY_FILE}


def _write_key(key_file: Path, key: str, site_dir: Path) -> None:
    write_atomic(key_file, json.dumps({"kunci": key, "berkas": _outputs(site_dir)}, indent=0, sort_keys=True))


def _up_to_date(key_file: Path, key: str, site_dir: Path) -> bool:
    """True when the last build that succeeded had this key and each file it wrote is still there, same size."""
    try:
        record = json.loads(key_file.read_text(encoding="utf-8"))
        return record["kunci"] == key and bool(record["berkas"]) and all(
            (site_dir / name).is_file() and (site_dir / name).stat().st_size == size
            for name, size in record["berkas"].items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def page_progress(config, kemajuan: Kemajuan):
    """Register on the MkDocs `config` a plugin telling `kemajuan` the pages written so far, of how many
    (agregat.core.kemajuan: "  1.200 dari 2.468 halaman…"); returns it (`.count`: pages written)."""
    from mkdocs.plugins import BasePlugin

    from agregat.core.angka import bilangan

    class PageProgress(BasePlugin):
        count = total = 0

        def on_nav(self, nav, config, files):
            self.count, self.total = 0, len(files.documentation_pages())

        def on_post_page(self, output, page, config):
            self.count += 1
            kemajuan.maju(self.count, f"dari {bilangan(self.total)} halaman")
            return output

    config.plugins["agregat-kemajuan"] = plugin = PageProgress()
    return plugin


def _build_site(root: Path, data_dir: Path, site_dir: Path, status: dict[str, dict] | None = None,
                kemajuan: Kemajuan = DIAM) -> str:
    """MkDocs' own build of the site into `site_dir`, with the editions of `data_dir` and their approval states
    `status` (config `extra.status_edisi`, read by agregat.buku.mkdocs_hooks); returns "N halaman" (the pages
    written) for `kemajuan`, which hears them as they come."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from agregat.core.angka import bilangan

    saved_path = list(sys.path)   # mkdocs-macros puts the project folder first in sys.path for good: a book
    try:                           # of another folder would then shadow `agregat` for processes started later
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        config.extra["data_dir"] = str(data_dir)
        config.extra["status_edisi"] = dict(status or {})
        pages = page_progress(config, kemajuan)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
            sys.path[:] = saved_path
        return f"{bilangan(pages.count)} halaman"
    except (MkDocsException, SystemExit) as exc:
        # mkdocs-macros (on_error_fail) stops the build with SystemExit after logging the page and the error
        reason = str(exc) if isinstance(exc, MkDocsException) else "makro gagal (lihat pesan di atas)"
        raise BookError(f"Situs tidak dapat dibangun: {reason}. Periksa halaman di docs/ dan angka di data/; "
                        "jalankan lagi dengan --debug untuk rinciannya.") from None


@dataclass(frozen=True)
class PdfCetak:
    """A PDF in the cache: the key it was made for, its sha256, and whether this call rendered it."""

    path: Path
    key: str
    sha256: str
    rendered: bool = False


def cached_pdf(root: Path, data_dir: Path, periode: str, final: bool, ukuran: str,
               pengesahan: list[dict] | None = None, detail: bool = False, expected: str | None = None):
    """The edition's PDF for publishing: the cache entry for the key recomputed now, when its record names that
    key and the file still has the recorded sha256 (and, with `expected`, that sha256 is `expected`: the final
    PDF's, agregat.pengesahan.langkah.PdfFinal); else rendered (may run in a worker process). A render whose sha256 is
    not `expected` is PdfMismatch. Returns the path (or the `PdfCetak` with `detail`)."""
    key = pdf_key(root, Path(data_dir) / periode, final, ukuran, pengesahan)
    path = _cache_path(key)
    sha = _entry_sha256(path, key)
    if expected is not None and sha != expected:
        sha = None
    made = PdfCetak(path, key, sha) if sha else _render(root, data_dir, periode, final, ukuran, pengesahan, key)
    if expected is not None:
        _require_final(periode, made.sha256, expected)
    return made if detail else made.path


def fresh_pdf(root: Path, data_dir: Path, periode: str, ukuran: str, pengesahan: list[dict] | None) -> PdfCetak:
    """The final PDF of the edition as it stands, for the `final` step and `verify`: rendered now, never taken
    from a cache (neither `.cache/pdf/` nor the chart cache: a file placed there would otherwise be signed).
    The only reuse is of a PDF this same process rendered for the same key, while the cached file still has
    the sha256 it had then. The render replaces the cache entry, so the next build publishes these bytes.
    Callers take `sha256` from the result, never from the file again."""
    key = pdf_key(root, Path(data_dir) / periode, True, ukuran, pengesahan)
    path = _cache_path(key)
    known = _RENDERED.get(key)
    if known and path.is_file() and file_sha256(path) == known:
        return PdfCetak(path, key, known)
    return _render(root, data_dir, periode, True, ukuran, pengesahan, key, fresh=True)


def _cache_path(key: str) -> Path:
    return CACHE_DIR / "pdf" / f"{key}.pdf"


def _entry_sha256(path: Path, key: str) -> str | None:
    """The PDF's sha256 when `path` and its record `<key>.json` are an entry made for `key`, else None."""
    try:
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if record.get("kunci") == key and record.get("sha256") == file_sha256(path):
            return record["sha256"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def fresh_pdf_of_approved(root: Path, data_dir: Path, periode: str, ukuran: str, pengesahan: list[dict] | None,
                          digest: str) -> PdfCetak:
    """`fresh_pdf` of the edition's bytes read once and checked against the approved `digest`, rendered from a
    private copy of exactly those bytes: a file swapped in data/<P>/ between the check and the render cannot
    reach the PDF whose sha256 is signed (`final`) or compared (`verify`). DataChangedError when the edition is
    not the approved one."""
    edition = Path(data_dir) / periode
    contents = {name: read_entry(edition, name) for name in edition_entries(edition)}
    actual = digest_of_contents(contents)
    if actual != digest:
        raise DataChangedError(f"Isi data/{periode}/ (digest {actual}) bukan yang disetujui ({digest}), jadi PDF "
                               "final tidak dibuat. Kembalikan data yang disetujui (git checkout -- data/).")
    with tempfile.TemporaryDirectory(prefix="edisi-") as tmp:
        copy = Path(tmp) / periode
        copy.mkdir()
        for name, data in contents.items():
            (copy / name).write_bytes(data)
        return fresh_pdf(root, Path(tmp), periode, ukuran, pengesahan)


def _render(root: Path, data_dir: Path, periode: str, final: bool, ukuran: str, pengesahan: list[dict] | None,
            key: str, fresh: bool = False) -> PdfCetak:
    """Render the PDF and store it under `key`, record beside it; the sha256 is taken of the bytes written
    here. Charts drawn before are taken from the chart cache and parts of the PDF laid out before from
    `.cache/pdf-bagian/` (agregat.buku.pdf), as the site takes its charts — unless `fresh` (the `final` step,
    `verify`): then the PDF is made from the inputs alone, every chart drawn again into a fresh folder and
    every part laid out now."""
    from agregat.buku.makro import CACHE_GRAFIK
    from agregat.buku.pdf import buat_pdf
    from agregat.buku.kop import kop_proyek
    from agregat.edisi.muat import muat_edisi

    path = _cache_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cetak-", dir=path.parent) as tmp:
        made = Path(tmp) / "buku.pdf"
        buat_pdf(muat_edisi(data_dir, periode), Path(root) / "docs" / "templates" / "buku", made, Path(tmp) / "grafik",
                 final=final, ukuran=ukuran, pengesahan=pengesahan, grafik_cache=None if fresh else CACHE_GRAFIK,
                 cache_dir=None if fresh or not cache_dipakai() else CACHE_DIR / "pdf-bagian",
                 kop=kop_proyek(root))
        sha = file_sha256(made)
        os.replace(made, path)
    write_atomic(path.with_suffix(".json"), json.dumps({"kunci": key, "sha256": sha}))
    _RENDERED[key] = sha
    return PdfCetak(path, key, sha, rendered=True)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
