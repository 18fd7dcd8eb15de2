"""Which pages an edition has: chapter templates × edition, one page per region between the root and the desa
(kecamatan; for a province also kabupaten/kota), one per appendix table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from agregat.core.aman import teks
from agregat.buku.makro import LABEL_TABEL
from agregat.buku.penanda import BOOST_TERBARU, judul_halaman
from agregat.edisi.muat import Edisi


@dataclass(frozen=True)
class Halaman:
    src_uri: str        # e.g. 2025-S1/bab-3-jumlah-dan-struktur-penduduk.md
    judul: str          # navigation title, HTML-escaped
    bagian: str | None  # navigation section (Kecamatan, Lampiran) or None, HTML-escaped
    content: str        # Markdown with macros, front matter included


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, text


def _page(src_uri: str, meta: dict, body: str, judul: str, bagian: str | None = None) -> Halaman:
    """A generated page. Its title names its edition (`penanda.judul_halaman`, from `semester` in `meta`); its
    navigation title does not (the navigation of a page is its own edition's). MkDocs and the theme print a
    page's title and navigation title as HTML, and mkdocs-macros renders a title holding `{{` as Jinja: both
    are stored escaped (`aman.teks`)."""
    meta = dict(meta)
    semester = meta.pop("semester", None)
    if "title" in meta:
        title = judul_halaman(meta["title"], semester) if semester else meta["title"]
        meta["title"] = str(teks(title))
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)
    return Halaman(src_uri, str(teks(judul)), bagian and str(teks(bagian)), f"---\n{front}---\n{body}")


def templates(folder: Path) -> list[tuple[str, dict, str]]:
    """(file name, front matter, body) of every template, in their `urutan` order."""
    found = []
    for path in sorted(Path(folder).glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        found.append((path.name, meta, body))
    return sorted(found, key=lambda t: (t[1].get("urutan", 99), t[0]))


# folder, navigation section, and title word of a region page, by level
REGION_PAGES = {"kabupaten": ("kabupaten", "Kabupaten/Kota", "Kabupaten"),
                "kota": ("kabupaten", "Kabupaten/Kota", "Kota"),
                "kecamatan": ("kecamatan", "Kecamatan", "Kecamatan")}


def region_pages(edisi: Edisi, base: dict, body: str) -> list[Halaman]:
    """One page per region of `edisi.halaman_wilayah()` from the region template (`jenis: kecamatan`).

    Pages live in `<periode>/<folder>/<slug of the name>.md`, or `<slug of the code>.md` when the name is
    taken; `bab` (table and figure numbers) is "K" + the code below the root: K01 in a kabupaten book,
    K05 and K05.01 in a province book.
    """
    akar = edisi.kabupaten[0]
    pages = []
    used: set[tuple[str, str]] = set()
    for kode, nama, tingkat in edisi.halaman_wilayah():
        folder, bagian, word = REGION_PAGES[tingkat]
        page_slug = slug(nama) if (folder, slug(nama)) not in used else slug(kode)
        used.add((folder, page_slug))
        bab = "K" + kode[len(akar) + 1:]
        pages.append(_page(f"{edisi.periode}/{folder}/{page_slug}.md",
                           {**base, "kode": kode, "title": f"{word} {nama.title()}", "bab": bab},
                           body, nama.title(), bagian))
    return pages


def halaman_edisi(edisi: Edisi, folder: Path, terbaru: bool = True) -> list[Halaman]:
    """Every page of one edition, in reading order. Only the newest edition (`terbaru`) is searched, its pages
    ranked up (Material's `search.boost`); the pages of older editions (reached from the archive) stay out of
    the search index (`search.exclude`), so the index does not grow with every edition."""
    pages = []
    base = {"periode": edisi.periode, "semester": edisi.semester,
            "search": {"boost": BOOST_TERBARU} if terbaru else {"exclude": True}}
    for name, meta, body in templates(folder):
        jenis = meta.get("jenis", "bab")
        judul = meta.get("judul", name)
        if jenis == "kecamatan":
            pages += region_pages(edisi, base, body)
        elif jenis == "lampiran":
            for number, tabel in enumerate(edisi.tabel, start=1):
                title = f"Lampiran {number}. {LABEL_TABEL[tabel]} per Desa/Kelurahan"
                pages.append(_page(f"{edisi.periode}/lampiran/{tabel}.md",
                                   {**base, "nama": tabel, "title": title, "bab": f"L{number}"},
                                   body, LABEL_TABEL[tabel], "Lampiran"))
        else:
            extra = {k: v for k, v in meta.items() if k in ("bab",)}
            pages.append(_page(f"{edisi.periode}/{name}", {**base, **extra, "title": judul}, body, judul))
    return pages
