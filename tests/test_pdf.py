"""The PDF made in parts (agregat/buku/pdf.py): laid out side by side, cached per part, assembled with pypdf.

The whole demo book (conftest's `demo_draft_pdf`, made by `build`'s own path) is checked for what assembly must
keep: every link resolves to a named destination, the page labels and the printed page numbers agree, the
outline nests across parts. The three-desa golden edition is rendered several ways that must give the same
bytes (one worker or two, with or without the part cache), and the part cache is attacked: a forged entry may
reach a draft built from that cache, never the `final`/`verify` render.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest

from agregat.buku import cetak, pdf
from agregat.edisi.muat import muat_edisi
from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "docs" / "templates" / "buku"
PERIODE = "2025-S1"


def _links(reader: pypdf.PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            assert "/A" not in annot, annot            # no link left pointing outside the book
            found.append(str(annot["/Dest"]))
    return found


@pytest.fixture(scope="module")
def demo(demo_draft_pdf):
    return pypdf.PdfReader(demo_draft_pdf.pdf)


@pytest.fixture(scope="module")
def emas():
    return muat_edisi(FIXTURES / "golden", PERIODE)


@pytest.mark.slow
def test_every_link_of_the_book_resolves(demo, tmp_path):
    """Each internal link of the print document is a link of the PDF to a named destination that exists,
    the daftar isi's links into other parts included (a link may be several areas: one per line it spans)."""
    document = cetak.dokumen_cetak(muat_edisi(ROOT / "data", PERIODE), TEMPLATES, tmp_path / "grafik")
    links = _links(demo)
    names = set(demo.named_destinations)
    assert set(links) == set(re.findall(r'href="#([^"]+)"', document)) and len(set(links)) > 100
    assert set(links) <= names
    assert set(re.findall(r'\bid="([^"]+)"', document)) == names


@pytest.mark.slow
def test_page_labels_and_printed_numbers_agree(demo, demo_draft_pdf):
    """i, ii, … on the front matter, 1, 2, … from Bab I; each page but the cover prints its label last."""
    labels = demo.page_labels
    first = labels.index("1")
    assert labels[:first] == [cetak_roman(i) for i in range(1, first + 1)]
    assert labels[first:] == [str(i) for i in range(1, len(labels) - first + 1)]
    assert len(demo_draft_pdf.teks) == len(labels)
    for index, text in enumerate(demo_draft_pdf.teks[1:], start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[-1] == labels[index], (index, lines[-3:])
    assert "Bab I Pendahuluan" in demo_draft_pdf.teks[first]


def cetak_roman(n: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, text in numerals:
        while n >= value:
            out, n = out + text, n - value
    return out


@pytest.mark.slow
def test_outline_nests_across_parts(demo):
    """The appendices are laid out in other parts than the "Lampiran" heading, yet nest under it."""
    top = demo.outline
    i = next(j for j, item in enumerate(top) if not isinstance(item, list) and item.title == "Lampiran")
    assert isinstance(top[i + 1], list) and top[i + 1][0].title.startswith("Lampiran 1. ")
    pages = [demo.get_destination_page_number(item) for item in top if not isinstance(item, list)]
    assert pages == sorted(pages)


@pytest.mark.slow
def test_one_worker_two_workers_and_the_cache_give_the_same_bytes(emas, tmp_path, monkeypatch):
    """The same inputs, the same PDF: laid out in this process, by two workers, or taken from the part cache.
    A second render with the cache lays out nothing; a change in one chapter lays out that chapter alone."""
    cache = tmp_path / "bagian"
    made = {}
    for name, workers, cache_dir in (("satu", 1, None), ("dua", 2, cache)):
        made[name] = pdf.buat_pdf(emas, TEMPLATES, tmp_path / f"{name}.pdf", tmp_path / "grafik",
                                  jumlah_pekerja=workers, cache_dir=cache_dir).read_bytes()
    assert made["satu"] == made["dua"] and list(cache.glob("*.pdf"))
    assert made["satu"].startswith(b"%PDF-") and b"/ID" in made["satu"]

    laid_out = []
    real = pdf.tata_letak
    monkeypatch.setattr(pdf, "tata_letak", lambda html, *a: laid_out.append(html) or real(html, *a))
    again = pdf.buat_pdf(emas, TEMPLATES, tmp_path / "lagi.pdf", tmp_path / "grafik", jumlah_pekerja=1,
                         cache_dir=cache).read_bytes()
    assert again == made["satu"] and laid_out == []

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    bab1 = next(templates.glob("bab-1-*.md"))
    bab1.write_text(bab1.read_text(encoding="utf-8") + "\nKalimat uji yang baru.\n", encoding="utf-8")
    changed = pdf.buat_pdf(emas, templates, tmp_path / "ubah.pdf", tmp_path / "grafik", jumlah_pekerja=1,
                           cache_dir=cache)
    assert len(laid_out) == 1 and "Kalimat uji yang baru." in laid_out[0]
    assert "Kalimat uji yang baru." in "".join(p.extract_text() for p in pypdf.PdfReader(changed).pages)


@pytest.mark.slow
def test_a_forged_part_in_the_cache_never_reaches_the_final(emas, tmp_path):
    """An attacker who can write the part cache replaces every entry by another PDF, with a record that
    matches it. A draft built from that cache takes the forgery (the cache is trusted like the build
    machine's code: README); the final/verify render (`cache_dir=None`, agregat.buku.build.fresh_pdf) lays out
    every part again and gives the genuine bytes. An entry whose record does not match its file is not taken."""
    cache = tmp_path / "bagian"
    genuine = pdf.buat_pdf(emas, TEMPLATES, tmp_path / "asli.pdf", tmp_path / "grafik", cache_dir=cache,
                           final=True).read_bytes()
    shutil.copytree(cache, tmp_path / "bagian-asli")
    for record_path in cache.glob("*.json"):
        record = json.loads(record_path.read_text())
        forged = _forged(len(record["halaman"]))
        record_path.with_suffix(".pdf").write_bytes(forged)
        record_path.write_text(json.dumps({**record, "sha256": hashlib.sha256(forged).hexdigest()}))
    draft = pdf.buat_pdf(emas, TEMPLATES, tmp_path / "draf.pdf", tmp_path / "grafik", cache_dir=cache, final=True)
    assert "PALSU" in _text(draft)             # the forgery was taken from the cache: the attack is real
    fresh = pdf.buat_pdf(emas, TEMPLATES, tmp_path / "final.pdf", tmp_path / "grafik", cache_dir=None, final=True)
    assert fresh.read_bytes() == genuine and "PALSU" not in _text(fresh)

    shutil.rmtree(cache)                         # the genuine entries back, but one forged whose record does not
    shutil.copytree(tmp_path / "bagian-asli", cache)    # name its file's sha256: that one is laid out again
    record_path = max(cache.glob("*.json"), key=lambda path: path.with_suffix(".pdf").stat().st_size)
    record = json.loads(record_path.read_text())
    record_path.with_suffix(".pdf").write_bytes(_forged(len(record["halaman"])))
    record_path.write_text(json.dumps({**record, "sha256": "0" * 64}))
    again = pdf.buat_pdf(emas, TEMPLATES, tmp_path / "lagi.pdf", tmp_path / "grafik", cache_dir=cache, final=True)
    assert again.read_bytes() == genuine


def _forged(pages: int) -> bytes:
    """A PDF of `pages` pages that each say a false figure."""
    html = "<style>section { break-before: page }</style>" + "<section>PALSU 9.999.999 jiwa</section>" * pages
    return pdf.tata_letak(f"<!DOCTYPE html><html><body>{html}</body></html>", PERIODE, "/nonexistent").pdf


def _text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(Path(path).read_bytes())).pages)
