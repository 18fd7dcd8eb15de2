"""The PDF of an edition: the print document (agregat.buku.cetak) laid out in parts, side by side in worker
processes, and assembled into one file.

    buat_pdf(edisi, templates_dir, out_path, grafik_dir)      # Path, written atomically

WeasyPrint lays out one document in one process, and the appendix's ~68.000 table cells make that the slow
step of every build. The book's sections each begin a page, so they can be laid out apart:

1. **Isi** — every chapter, appendix and the colophon (`Naskah.isi`) is its own HTML document with the book's
   head, laid out by a worker without page numbers in its footer. The worker returns the PDF and, per page,
   its size, anchors (link targets) and bookmarks. Links to a target in another part are written as
   `TAUTAN#id` (an external link WeasyPrint keeps) and become links to the named destination `id` in step 3.
2. **Depan and nomor** — with the page of every target known, the front matter is laid out: its daftar isi
   prints those page numbers as text (cetak.css, `data-halaman`), the front matter's own entries still by
   target-counter. Beside it the *nomor* document: one empty page per body page, of the same size and page
   type (portrait or `lanskap`), whose footer is the book's own `@page` page-number rule: 1, 2, 3, …
3. **Rakit** (pypdf) — front pages, then the body pages each with its nomor page drawn over it as a form
   XObject; one name tree of every anchor; the outline built from all the parts' bookmarks with WeasyPrint's
   own tree algorithm (so levels nest across parts exactly as in one document); page labels i, ii, … for
   the front and 1, 2, … for the body; the front part's document info and language; an /ID hashed from
   the parts, so the same inputs give the same bytes.

Each part's PDF is kept in `cache_dir/<key>.pdf` with `<key>.json` (its sha256 and page records);
the key (agregat.buku.cache_keys.bagian_key) covers the part's HTML, every file it fetches (charts), the
render code, fonts and library versions. A change in one chapter lays out that chapter again, the front
matter and the nomor pages, nothing else. With `cache_dir=None` (the `final` step and `verify`:
agregat.buku.build.fresh_pdf) every part is laid out now.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import json
import multiprocessing
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from agregat.buku import cetak
from agregat.buku.cache_keys import bagian_key
from agregat.buku.kop import Kop
from agregat.buku.makro import CACHE_GRAFIK
from agregat.core.atomik import atomic_file, write_atomic, write_atomic_bytes
from agregat.edisi.muat import Edisi

__all__ = ["TAUTAN", "buat_pdf", "pekerja"]

#: Links from one part to a target in another are written to this address (an external link for WeasyPrint;
#: never fetched) and turned into a link to the named destination after the fragment (`_tautan_antarbagian`).
TAUTAN = f"{cetak.BASE_URL}tautan/"
#: CSS px → PDF pt (WeasyPrint writes at zoom 1: 1 px = 0.75 pt).
_PT = 0.75
#: The footer of a body part stays empty: its page number is drawn from the nomor document.
_TANPA_NOMOR = "\n@page { @bottom-center { content: none; } }\n"
#: The nomor document shows only the page number: no running header, no watermark.
_HANYA_NOMOR = "\n@page { background: none; @top-left { content: none; } @top-right { content: none; } }\n"
#: Appendix sections are laid out together up to this many characters of HTML (about 3 s of layout).
MAKS_BAGIAN = 250_000
_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True)
class Bagian:
    """One part laid out: its PDF and, per page, {"w", "h"} (CSS px), "anchors" {name: [x, y]} and
    "bookmarks" [[level, label, [x, y], state]] in WeasyPrint's terms (CSS px from the page's top left)."""

    pdf: bytes
    halaman: list[dict]


def pekerja() -> int:
    """How many parts are laid out at once: the processors this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def buat_pdf(edisi: Edisi, templates_dir: Path, out_path: Path, grafik_dir: Path, final: bool = False,
             ukuran: str = "A4", pengesahan: list[dict] | None = None, grafik_cache: Path | None = CACHE_GRAFIK,
             cache_dir: Path | None = None, jumlah_pekerja: int | None = None, kop: Kop = Kop()) -> Path:
    """Render the book to `out_path` (written to a temporary file beside it, then renamed): the parts of
    the print document laid out by `jumlah_pekerja` processes (default `pekerja()`), parts taken from
    `cache_dir` when given; the logo and ibu kota of `kop` (agregat.buku.kop)."""
    grafik_dir = Path(grafik_dir)
    naskah = cetak.naskah_cetak(edisi, templates_dir, grafik_dir, final=final, ukuran=ukuran,
                                pengesahan=pengesahan, grafik_cache=grafik_cache, kop=kop)
    known = _ids(naskah)
    with _Pelaksana(edisi.periode, grafik_dir, cache_dir, jumlah_pekerja or pekerja()) as pelaksana:
        isi = pelaksana.semua(_dokumen_isi(naskah, known))
        halaman, ukuran_isi = _nomor_halaman(isi)
        depan_html = _tautan_luar(naskah.html(naskah.depan + naskah.daftar(halaman)), known)
        nomor_html = naskah.html([_halaman_kosong(lanskap) for lanskap in ukuran_isi], _HANYA_NOMOR)
        depan, nomor = pelaksana.semua([depan_html, nomor_html])
    pdf = _rakit(depan, isi, nomor)
    with atomic_file(Path(out_path), mode=0o644) as handle:
        handle.write(pdf)
    return Path(out_path)


# ---- the parts -----------------------------------------------------------------------------------

def _dokumen_isi(naskah: cetak.Naskah, known: set[str]) -> list[str]:
    """The HTML document of every body part, in book order (links to `known` targets in other parts:
    `_tautan_luar`)."""
    return [naskah.html([_tautan_luar(html, known) for html in group], _TANPA_NOMOR) for group in _kelompok(naskah.isi)]


def _kelompok(isi: list[tuple[str, str]]) -> list[list[str]]:
    """The body sections grouped into parts: each chapter alone (a changed chapter is laid out again alone),
    consecutive appendices together up to `MAKS_BAGIAN` characters of HTML (each part costs a document's
    set-up; a large appendix stays alone). Every section starts a page, so grouping never moves a line."""
    groups: list[list[str]] = []
    size = 0
    for kunci, html in isi:
        joinable = kunci.startswith("lampiran-") and groups and groups[-1][0].startswith('<section class="lampiran')
        if joinable and size + len(html) <= MAKS_BAGIAN:
            groups[-1].append(html)
            size += len(html)
        else:
            groups.append([html])
            size = len(html)
    return groups


def _ids(naskah: cetak.Naskah) -> set[str]:
    """Every id of the book (the daftar's anchors are the same with or without page numbers)."""
    return set(_ID.findall("".join([*naskah.depan, *naskah.daftar(), *(html for _, html in naskah.isi)])))


def _tautan_luar(html: str, known: set[str]) -> str:
    """`html` with each link to a target of the book that is not in `html` itself sent to `TAUTAN#target`."""
    own = set(_ID.findall(html))

    def tautan(match: re.Match) -> str:
        target = match.group(1)
        return match.group(0) if target in own or target not in known else f'href="{TAUTAN}#{target}"'

    return _HREF.sub(tautan, html)


def _nomor_halaman(isi: list[Bagian]) -> tuple[dict[str, str], list[bool]]:
    """({anchor: printed page number} of every body target, [landscape?] per body page) — body pages are
    numbered 1, 2, … in book order, as the single document's `counter(page)` after `isi-awal` resets it."""
    halaman: dict[str, str] = {}
    lanskap: list[bool] = []
    for part in isi:
        for page in part.halaman:
            lanskap.append(page["w"] > page["h"])
            for anchor in page["anchors"]:
                halaman.setdefault(anchor, str(len(lanskap)))
    return halaman, lanskap


def _halaman_kosong(lanskap: bool) -> str:
    """One empty page of the nomor document, on the book's page type for it (cetak.css `section`)."""
    return '<section class="lanskap"></section>' if lanskap else "<section></section>"


class _Pelaksana:
    """Lays out part documents: from the cache when an entry was made for the part's key, else in a pool of
    worker processes (or in this process with one worker), largest first; stores what it laid out."""

    def __init__(self, periode: str, grafik_dir: Path, cache_dir: Path | None, jumlah: int):
        self.periode, self.grafik_dir, self.cache_dir, self.jumlah = periode, Path(grafik_dir), cache_dir, jumlah
        self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def semua(self, documents: list[str]) -> list[Bagian]:
        keys = [self._key(html) for html in documents]
        found = [self._dari_cache(key) for key in keys]
        todo = sorted((i for i, part in enumerate(found) if part is None), key=lambda i: -len(documents[i]))
        if todo and self.jumlah > 1 and len(todo) > 1:
            if self.pool is None:
                self.pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=self.jumlah, mp_context=multiprocessing.get_context("fork"))
            futures = {i: self.pool.submit(tata_letak, documents[i], self.periode, str(self.grafik_dir)) for i in todo}
            made = {i: future.result() for i, future in futures.items()}
        else:
            made = {i: tata_letak(documents[i], self.periode, str(self.grafik_dir)) for i in todo}
        for i, part in made.items():
            found[i] = part
            self._simpan(keys[i], part)
        return found

    def _key(self, html: str) -> str | None:
        return None if self.cache_dir is None else bagian_key(html, _sumber(html, self.periode, self.grafik_dir))

    def _dari_cache(self, key: str | None) -> Bagian | None:
        if key is None:
            return None
        path = Path(self.cache_dir) / f"{key}.pdf"
        try:
            record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            data = path.read_bytes()
            if record.get("kunci") == key and record.get("sha256") == hashlib.sha256(data).hexdigest():
                return Bagian(data, record["halaman"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return None

    def _simpan(self, key: str | None, part: Bagian) -> None:
        if key is None:
            return
        path = Path(self.cache_dir) / f"{key}.pdf"
        write_atomic_bytes(path, part.pdf)
        write_atomic(path.with_suffix(".json"), json.dumps(
            {"kunci": key, "sha256": hashlib.sha256(part.pdf).hexdigest(), "halaman": part.halaman}))


def _sumber(html: str, periode: str, grafik_dir: Path) -> dict[str, str]:
    """{url: sha256 of the bytes the print's fetcher serves for it} of every address below BASE_URL the
    document names (what a part is laid out from besides its text)."""
    found = {}
    for url in sorted(set(re.findall(re.escape(cetak.BASE_URL) + r'[^"\'\s)]*', html))):
        if url.startswith(TAUTAN):
            continue
        try:
            found[url] = hashlib.sha256(cetak.isi_url(url, periode, grafik_dir)).hexdigest()
        except (OSError, ValueError):
            found[url] = "-"
    return found


def tata_letak(html: str, periode: str, grafik_dir: str) -> Bagian:
    """Lay out one part document and write its PDF (in a worker process): the bytes and the page records."""
    with cetak.gc_jarang():
        document = cetak.html_cetak()(string=html, base_url=cetak.BASE_URL,
                                      url_fetcher=cetak.pengambil(periode, Path(grafik_dir))).render()
        pages = [{"w": page.width, "h": page.height,
                  "anchors": {name: [x, y] for name, (x, y, _, _) in page.anchors.items()},
                  "bookmarks": [[level, label, [x, y], state] for level, label, (x, y), state in page.bookmarks]}
                 for page in document.pages]
        return Bagian(document.write_pdf(), pages)


# ---- assembly ------------------------------------------------------------------------------------

def _rakit(depan: Bagian, isi: list[Bagian], nomor: Bagian) -> bytes:
    """One PDF of the front part, the body parts (their page numbers drawn from `nomor`) — see the module doc."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    writer = PdfWriter()
    parts = [depan, *isi]
    readers = [PdfReader(io.BytesIO(part.pdf)) for part in parts]
    for reader in readers:
        for page in reader.pages:
            writer.add_page(page)
    n_depan = len(readers[0].pages)
    _beri_nomor(writer, PdfReader(io.BytesIO(nomor.pdf)), n_depan)
    records = [page for part in parts for page in part.halaman]
    _tujuan(writer, records)
    _tautan_antarbagian(writer)
    _kerangka(writer, records)
    writer.set_page_label(0, n_depan - 1, style="/r", start=1)
    writer.set_page_label(n_depan, len(writer.pages) - 1, style="/D", start=1)
    info = readers[0].metadata or {}
    writer.add_metadata({key: info[key] for key in info})
    if "/Lang" in readers[0].trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = TextStringObject(readers[0].trailer["/Root"]["/Lang"])
    digest = hashlib.sha256(b"".join(hashlib.sha256(part.pdf).digest() for part in [*parts, nomor])).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _beri_nomor(writer, nomor, awal: int) -> None:
    """Draw page `i` of `nomor` over body page `i` (writer page `awal + i`) as a form XObject `/Nomor`,
    after the page's own content wrapped in q … Q (so nothing of its graphics state carries over)."""
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject)

    def stream(data: bytes, extra: dict | None = None):
        obj = DecodedStreamObject()
        obj.set_data(data)
        obj.update(extra or {})
        return writer._add_object(obj)

    buka = stream(b"q\n")
    tutup = stream(b"\nQ\nq /Nomor Do Q\n")
    if len(nomor.pages) != len(writer.pages) - awal:
        raise RuntimeError("jumlah halaman nomor tidak sama dengan halaman isi")
    for i, source in enumerate(nomor.pages):
        page = writer.pages[awal + i]
        form = stream(source.get_contents().get_data(), {
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(source.mediabox),
            NameObject("/Resources"): source["/Resources"].get_object().clone(writer)})
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/Nomor")] = form
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page["/Contents"].get_object() if "/Contents" in page else ArrayObject()
        own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([buka, *own, tutup])


def _tujuan(writer, records: list[dict]) -> None:
    """The name tree of every anchor (first occurrence wins, as in one document), sorted by name."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    seen: dict[str, ArrayObject] = {}
    for index, record in enumerate(records):
        page = writer.pages[index].indirect_reference
        for name, (x, y) in record["anchors"].items():
            if name not in seen:
                seen[name] = ArrayObject([page, NameObject("/XYZ"), FloatObject(x * _PT),
                                          FloatObject((record["h"] - y) * _PT), NumberObject(0)])
    names = ArrayObject()
    for name in sorted(seen):
        names += [TextStringObject(name), seen[name]]
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): writer._add_object(DictionaryObject({NameObject("/Names"): names}))})


def _tautan_antarbagian(writer) -> None:
    """Each link to `TAUTAN#id` becomes a link to the named destination `id`."""
    from pypdf.generic import NameObject, TextStringObject

    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(f"{TAUTAN}#"):
                del annot["/A"]
                annot[NameObject("/Dest")] = TextStringObject(uri[len(TAUTAN) + 1:])


def _kerangka(writer, records: list[dict]) -> None:
    """The outline of all parts' bookmarks, nested by WeasyPrint's own algorithm over the whole book."""
    import weasyprint
    from pypdf.generic import Fit

    pages = [SimpleNamespace(height=r["h"], bookmarks=[(level, label, tuple(point), state)
                                                       for level, label, point, state in r["bookmarks"]])
             for r in records]
    tree = weasyprint.Document.make_bookmark_tree(SimpleNamespace(pages=pages), scale=_PT, transform_pages=True)

    def add(subtrees, parent=None) -> None:
        for label, (page, x, y), children, state in subtrees:
            item = writer.add_outline_item(title=label, page_number=page, parent=parent,
                                           fit=Fit.xyz(left=x, top=y, zoom=0), is_open=state != "closed")
            add(children, item)

    add(tree)
