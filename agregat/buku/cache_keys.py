"""The keys that say a book output was made from exactly these inputs: the PDF of one edition (`pdf_key`,
the name of its entry in `.cache/pdf/`), an edition's downloads (`unduhan_key`, `.cache/unduhan/`) and the
whole build (`build_key`, in `site/.kunci-build`). All are taken by one hasher (`input_key`); nothing else in
the project keys a book output.

A PDF's key covers everything that can change one byte of it:

- every entry of the edition folder `data/<P>/` (name, kind, bytes; a symlink as the text of its target,
  never followed; a device or FIFO by its kind, never read). The print reads nothing else of `data/`: the
  comparison with the previous semester is the edition's own `perbandingan.yml` (`agregat.edisi.muat.muat_edisi`
  reads one folder), so the previous edition's files are not part of the key;
- the print's code and templates: the `macros/` shim, `docs/templates/`, and every layer the print can
  import from (tests/test_layers.py: `buku` and those below it), whole — `agregat/core`, `sumber`, `edisi`,
  `buku` with `cetak.css` (`PDF_SOURCES`);
- the DejaVu fonts installed on the system (the print has no web fonts), the project version and the versions
  of the libraries that lay out the PDF and draw its charts (`PDF_LIBRARIES`);
- the options: final or draft, paper size, the rows of the lembar pengesahan, and SOURCE_DATE_EPOCH;
- what the book takes from the project's configuration (agregat.buku.kop.Kop.kunci: the logo's bytes, the
  ibu kota), not the rest of kabupaten.yml.

A part of a PDF (agregat.buku.pdf: one chapter or appendix laid out alone) has its own key (`bagian_key`):
its HTML text (styles and page options included), the sha256 of every file it fetches, the code that
lays it out (`BAGIAN_SOURCES`: agregat.buku.cetak and agregat.buku.pdf), the fonts, the layout libraries
(`BAGIAN_LIBRARIES`) and SOURCE_DATE_EPOCH — not the templates or the data, which reach it only through its HTML.

The downloads' key covers the edition's YAML entries (every entry but `analisa.md`, which no download
shows), the code of the layers they are made by (`UNDUHAN_SOURCES`: no templates), the libraries that parse
and write them, and the texts the hook passes (kabupaten, sumber).

The build key covers the site's sources (`SITE_SOURCES`), every entry of every edition, the site's libraries,
the Kop, the options, and the key of every PDF the build publishes.

Invariant: equal keys mean equal inputs; any change of an input gives another key. A key says nothing about
the file stored under it: whoever reads a cache entry checks it (agregat.buku.build).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path

from agregat.buku.kop import kop_proyek

#: Bumped when the meaning of a key changes, so older cache entries are never taken for newer ones.
FORMAT = "agregat-kunci-2"
#: What the print is made of, relative to the project root (folders are taken whole).
PDF_SOURCES = ("macros", "docs/templates", "agregat/__init__.py", "agregat/core", "agregat/sumber", "agregat/edisi",
               "agregat/buku")
#: What the website is made of, relative to the project root.
SITE_SOURCES = ("docs", "macros", "mkdocs.yml", "agregat/__init__.py", "agregat/core", "agregat/sumber", "agregat/edisi",
                "agregat/buku")
#: Distributions whose version can change the PDF (layout, fonts, images, charts, Markdown, templates, YAML).
PDF_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "brotli", "zopfli",
                 "pillow", "pyphen", "matplotlib", "numpy", "markdown", "nh3", "jinja2", "markupsafe", "pyyaml")
#: The code a part is laid out by, relative to the package folder (the rest reaches the part through its HTML).
BAGIAN_SOURCES = ("buku/cetak.py", "buku/pdf.py")
#: Distributions whose version can change a part laid out from given HTML.
BAGIAN_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "brotli", "zopfli",
                    "pillow", "pyphen", "pypdf")
SITE_LIBRARIES = ("mkdocs", "mkdocs-macros-plugin", "mkdocs-material", "pymdown-extensions", "pygments", "markdown",
                  "tinycss2", "nh3", "jinja2", "markupsafe", "matplotlib", "pyyaml", "openpyxl", "xlsxwriter")
#: What an edition's downloads (CSV, XLSX, datapackage.json) are made of besides the edition.
UNDUHAN_SOURCES = ("agregat/__init__.py", "agregat/core", "agregat/sumber", "agregat/edisi", "agregat/buku")
UNDUHAN_LIBRARIES = ("xlsxwriter", "pyyaml")
_NOT_IN_DOWNLOADS = ("analisa.md",)
_SKIPPED = ("__pycache__",)
_BLOCK = 1 << 20


def input_key(parts) -> str:
    """sha256 of a JSON text of `parts` (lists, dicts, strings, numbers; dates as text): unambiguous, since
    JSON quotes every name, whatever characters it holds."""
    text = json.dumps([FORMAT, parts], sort_keys=True, ensure_ascii=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def pdf_key(root: Path, edition_dir: Path, final: bool, ukuran: str, pengesahan: list[dict] | None) -> str:
    """The key of the PDF of the edition in `edition_dir` made with the print code under `root`."""
    edition_dir = Path(edition_dir)
    return input_key(["pdf", {
        "edisi": entries(edition_dir),
        "sumber": sources(root, PDF_SOURCES),
        "fonta": fonts(),
        "pustaka": versions(PDF_LIBRARIES),
        "kop": kop_proyek(root).kunci(),
        "opsi": {"periode": edition_dir.name, "final": bool(final), "ukuran": ukuran, "pengesahan": pengesahan,
                 "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")},
    }])


def bagian_key(html: str, fetched: dict[str, str]) -> str:
    """The key of one part of a PDF laid out from `html`, fetching `fetched` ({url: sha256})."""
    from agregat.core.config import PACKAGE_DIR

    return input_key(["bagian", {
        "html": hashlib.sha256(html.encode("utf-8")).hexdigest(),
        "ambil": fetched,
        "sumber": sources(PACKAGE_DIR, BAGIAN_SOURCES),
        "fonta": fonts(),
        "pustaka": versions(BAGIAN_LIBRARIES),
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }])


def unduhan_key(edition_dir: Path, kabupaten: str, sumber: str) -> str:
    """The key of the downloads of the edition in `edition_dir`, made by the code that is running (the
    `agregat` package where it is imported from, a checkout or an installed wheel)."""
    from agregat.core.config import PACKAGE_DIR

    return input_key(["unduhan", {
        "edisi": [row for row in entries(Path(edition_dir)) if row[0] not in _NOT_IN_DOWNLOADS],
        "sumber": sources(PACKAGE_DIR.parent, UNDUHAN_SOURCES),
        "pustaka": versions(UNDUHAN_LIBRARIES),
        "opsi": {"periode": Path(edition_dir).name, "kabupaten": kabupaten, "sumber": sumber},
    }])


def build_key(root: Path, data_dir: Path, editions: list[str], pdf_keys: dict[str, str], options) -> str:
    """The key of a whole build: site sources, every edition, the Kop and the site's address, the published
    PDFs' keys, the options."""
    kop = kop_proyek(root)
    return input_key(["build", {
        "sumber": sources(root, SITE_SOURCES),
        "edisi": {periode: entries(Path(data_dir) / periode) for periode in editions},
        "pustaka": versions(SITE_LIBRARIES),
        "kop": {**kop.kunci(), "alamat_situs": kop.alamat_situs},
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),   # the Kata Pengantar's date, on the site too
        "pdf": pdf_keys,
        "opsi": options,
    }])


def sources(root: Path, names: tuple[str, ...]) -> dict[str, list]:
    """{name: entries} of the files and folders `names` below `root` (a missing one: an empty list)."""
    return {name: entries(Path(root) / name) for name in names}


def entries(path: Path) -> list[list[str]]:
    """[relative path, kind, content] of `path` and everything below it, sorted; kinds: file (content is
    the sha256), link (content is the target text), dir, other (never opened), missing. Bytecode folders
    (__pycache__) are left out: they are made from the sources."""
    found: list[list[str]] = []
    _walk(Path(path), "", found)
    return sorted(found)


def _walk(path: Path, name: str, found: list) -> None:
    try:
        if path.is_symlink():
            found.append([name, "link", os.readlink(path)])
        elif path.is_dir():
            found.append([name, "dir", ""])
            for child in os.listdir(path):
                if child not in _SKIPPED:
                    _walk(path / child, f"{name}/{child}" if name else child, found)
        elif path.is_file():
            found.append([name, "file", _sha256(path)])
        elif path.exists():
            found.append([name, "other", ""])
        else:
            found.append([name, "missing", ""])
    except OSError as exc:          # unreadable: still a distinct key, never a crash here
        found.append([name, "error", type(exc).__name__])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def versions(distributions: tuple[str, ...]) -> dict[str, str]:
    """{distribution: installed version} ("-" when not installed), and the project's own version."""
    from agregat import __version__

    found = {"agregat": __version__}
    for name in distributions:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


@functools.cache
def fonts() -> list[list[str]]:
    """[file, sha256] of every installed DejaVu font (what fontconfig lists; the print names only DejaVu).
    Taken once per process."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{family}\t%{file}\n"], capture_output=True, text=True,
                                check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return [["fc-list", "-"]]
    files = sorted({line.split("\t", 1)[1] for line in listed.splitlines()
                    if "\t" in line and "dejavu" in line.split("\t", 1)[0].lower()})
    return [[file, *(row[2] for row in entries(Path(file)))] for file in files]
