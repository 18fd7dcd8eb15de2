"""Which pages an edition has: chapter templates × edition, one page per kecamatan, one per appendix table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .buku import LABEL_TABEL
from .edisi import Edisi


@dataclass(frozen=True)
class Halaman:
    src_uri: str        # e.g. 2025-S1/bab-3-jumlah-dan-struktur-penduduk.md
    judul: str          # navigation title
    bagian: str | None  # navigation section (Kecamatan, Lampiran) or None
    content: str        # Markdown with macros, front matter included


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, text


def _page(src_uri: str, meta: dict, body: str, judul: str, bagian: str | None = None) -> Halaman:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)
    return Halaman(src_uri, judul, bagian, f"---\n{front}---\n{body}")


def templates(folder: Path) -> list[tuple[str, dict, str]]:
    """(file name, front matter, body) of every template, in their `urutan` order."""
    found = []
    for path in sorted(Path(folder).glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        found.append((path.name, meta, body))
    return sorted(found, key=lambda t: (t[1].get("urutan", 99), t[0]))


def halaman_edisi(edisi: Edisi, folder: Path) -> list[Halaman]:
    """Every page of one edition, in reading order."""
    pages = []
    base = {"periode": edisi.periode}
    for name, meta, body in templates(folder):
        jenis = meta.get("jenis", "bab")
        judul = meta.get("judul", name)
        if jenis == "kecamatan":
            used: set[str] = set()
            for kode, nama in edisi.wilayah("kecamatan"):
                page_slug = slug(nama) if slug(nama) not in used else slug(kode)
                used.add(page_slug)
                title = f"Kecamatan {nama.title()}"
                pages.append(_page(f"{edisi.periode}/kecamatan/{page_slug}.md",
                                   {**base, "kode": kode, "title": title, "bab": f"K{kode[-2:]}"},
                                   body, nama.title(), "Kecamatan"))
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
