"""The website built by MkDocs from the YAML editions: strict, complete, numbers equal to the YAML."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from agregat.buku import build as book
from agregat.edisi import jobs
from agregat.edisi.analisa import ensure_analisa
from agregat.buku import cache_keys as kunci
from agregat.buku.build import KEY_FILE, BookError, build_book
from conftest import FIXTURES, ROOT, own_publishing_cache, person, write_register

GOLDEN = FIXTURES / "golden"


class Cells(HTMLParser):
    """(table id, row header data-sort, [cell data-sort values]) for every body row of every data table."""

    def __init__(self):
        super().__init__()
        self.rows, self.table, self.row, self.section = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "tabel-data" in (attrs.get("class") or ""):
            self.table = attrs.get("id")
        elif tag in ("tbody", "tfoot", "thead"):
            self.section = tag
        elif tag == "tr" and self.table:
            self.row = []
        elif tag in ("td", "th") and self.row is not None and "data-sort" in attrs:
            self.row.append(attrs["data-sort"])

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            if self.section in ("tbody", "tfoot") and self.row:
                self.rows.append((self.table, self.section, self.row))
            self.row = None
        elif tag == "table":
            self.table = None


def cells(path: Path):
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.rows


def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "proyek"
    for name in ("docs", "macros", "agregat"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A three-desa edition (the golden register) in a copy of the project."""
    tmp = tmp_path_factory.mktemp("buku")
    root = project_copy(tmp)
    with_kop(root)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    return root, result


LOGO_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>'


def with_kop(root: Path, logo: bytes = LOGO_SVG) -> Path:
    """The golden kabupaten's configuration in the project copy `root`, with a logo, an ibu kota and the
    site's address (under a sub-path)."""
    shutil.copy(GOLDEN / "wilayah.csv", root / "wilayah.csv")
    (root / "logo.svg").write_bytes(logo)
    config = root / "kabupaten.yml"
    config.write_text((GOLDEN / "kabupaten.yml").read_text() + "ibu_kota: Rantau\nlogo: logo.svg\n"
                      "alamat_situs: https://contoh.go.id/buku\n")
    return config


@pytest.mark.slow
def test_pages_of_an_edition(small):
    root, result = small
    site = result.site_dir
    assert not result.skipped
    for page in ("index.html", "arsip.html", "2025-S1/index.html", "2025-S1/bab-3-jumlah-dan-struktur-penduduk.html",
                 "2025-S1/kecamatan/binuang.html", "2025-S1/kecamatan/piani.html", "2025-S1/lampiran/agama.html",
                 "2025-S1/unduhan/datapackage.json", "2025-S1/unduhan/agama.csv", "2025-S1/unduhan/agama.xlsx"):
        assert (site / page).is_file(), page
    assert (root / "data" / "2025-S1" / "analisa.md").is_file()   # the draft of Bab VII, written once


@pytest.mark.slow
def test_the_configured_logo_heads_every_page_and_the_foreword_closes_with_place_and_date(small):
    """Issue 12, point 4: the logo of kabupaten.yml in the site's header, the ibu kota before the date."""
    root, result = small
    site = result.site_dir
    assert (site / "aset" / "logo.svg").read_bytes() == LOGO_SVG
    for page in ("index.html", "2025-S1/kata-pengantar.html", "2025-S1/kecamatan/binuang.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert re.search(r'<img src="(\.\./)*aset/logo\.svg"', html), page
    pengantar = (site / "2025-S1" / "kata-pengantar.html").read_text(encoding="utf-8")
    assert "<p>Rantau, 30 Juni 2025</p>" in pengantar and "Kepala Dinas Kependudukan dan Pencatatan" in pengantar


@pytest.mark.slow
def test_the_configured_address_fills_the_sitemap_and_roots_the_404_page(small):
    """Issue 12, point 9: `alamat_situs` is MkDocs' site_url: every page in sitemap.xml, and 404.html (served
    for any missing path) takes its styles from the site's own sub-path."""
    root, result = small
    site = result.site_dir
    locs = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert "https://contoh.go.id/buku/2025-S1/kecamatan/binuang.html" in locs and len(locs) > 10
    assert all(loc.startswith("https://contoh.go.id/buku/") for loc in locs)
    missing = (site / "404.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:href|src)="([^"#]*assets/[^"]*)"', missing)
    assert assets and all(a.startswith("/buku/") for a in assets)
    assert re.search(r'<link rel="stylesheet" href="/buku/assets/stylesheets/situs\.[0-9a-f]{12}\.min\.css">', missing)


@pytest.mark.slow
def test_without_an_address_there_is_no_empty_sitemap(demo_site):
    assert not (demo_site / "sitemap.xml").exists() and not (demo_site / "sitemap.xml.gz").exists()
    assert (demo_site / "404.html").is_file()


@pytest.mark.slow
def test_every_number_in_a_table_equals_the_yaml(small):
    root, result = small
    penduduk = yaml.safe_load((root / "data" / "2025-S1" / "penduduk.yml").read_text())["wilayah"]
    rows = [r for r in cells(result.site_dir / "2025-S1" / "bab-3-jumlah-dan-struktur-penduduk.html")
            if r[0] == "tabel-3-1"]   # no earlier edition here, so no comparison table before it
    assert rows, "table 3.1 (penduduk per kecamatan) is missing"
    for _, _, (kode, lk, pr, jml) in rows:
        data = penduduk[kode]["data"]["PENDUDUK"]
        assert (int(lk), int(pr), int(jml)) == (data["lk"], data["pr"], data["jml"]), kode
    assert [r[2][0] for r in rows] == ["63.05.01", "63.05.08", "63.05"]


@pytest.mark.slow
def test_second_build_with_nothing_changed_is_skipped(small):
    root, _ = small
    again = build_book(root=root, site_dir=root / "site", pdf=False)
    assert again.skipped


@pytest.mark.slow
def test_the_kasi_text_is_never_overwritten(small):
    root, _ = small
    analisa = root / "data" / "2025-S1" / "analisa.md"
    analisa.write_text("## Catatan Kasi\n\nTeks yang disunting.\n", encoding="utf-8")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    assert not result.skipped and result.analisa_written == []
    assert analisa.read_text(encoding="utf-8").startswith("## Catatan Kasi")
    assert "Teks yang disunting." in (result.site_dir / "2025-S1" / "bab-7-analisa.html").read_text()


@pytest.mark.slow
def test_a_missing_number_fails_the_build(tmp_path):
    root = project_copy(tmp_path)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    chapter = root / "docs" / "templates" / "buku" / "bab-5-keluarga.md"
    chapter.write_text(chapter.read_text() + '\n{{ angka("tabel_yang_tidak_ada") }}\n')
    with pytest.raises(BookError, match="Situs tidak dapat dibangun"):
        build_book(root=root, site_dir=root / "site", pdf=False)
    chapter.write_text(chapter.read_text().replace('{{ angka("tabel_yang_tidak_ada") }}', "{{ variabel_tak_ada }}"))
    with pytest.raises(BookError):
        build_book(root=root, site_dir=root / "site", pdf=False)


@pytest.mark.slow
def test_labels_from_the_data_show_as_text(tmp_path):
    root = project_copy(tmp_path)
    config = tmp_path / "kabupaten.yml"
    wilayah = (GOLDEN / "wilayah.csv").read_text().replace("Tungkap", "Desa <b>&{{ 7*7 }}")
    (tmp_path / "wilayah.csv").write_text(wilayah)
    config.write_text((GOLDEN / "kabupaten.yml").read_text())
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", config, root / "data")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    page = (result.site_dir / "2025-S1" / "kecamatan" / "binuang.html").read_text(encoding="utf-8")
    assert "<b>&amp;" not in page and "<b>" not in page.split("DESA ")[1][:10]
    assert "&lt;B&gt;&amp;&#123;&#123; 7*7 &#125;&#125;" in page
    assert "49" not in re.findall(r"DESA [^<]*", page)[0]


# ---- the build key: written only after a build that succeeded (issue 9, hole 10) ----------------------

@pytest.mark.slow
def test_an_interrupted_build_is_built_again_never_reported_up_to_date(tmp_path):
    root = project_copy(tmp_path)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    site = root / "site"
    assert not build_book(root=root, site_dir=site, pdf=False).skipped
    # a build that stops half-way (a broken chapter): MkDocs has emptied site/ already
    chapter = root / "docs" / "templates" / "buku" / "bab-5-keluarga.md"
    good = chapter.read_text()
    chapter.write_text(good + '\n{{ angka("tabel_yang_tidak_ada") }}\n')
    with pytest.raises(BookError):
        build_book(root=root, site_dir=site, pdf=False)
    assert not (site / KEY_FILE).exists()
    # back to the inputs of the last good build: built again, not "sudah mutakhir" over an empty site
    chapter.write_text(good)
    again = build_book(root=root, site_dir=site, pdf=False)
    assert not again.skipped and (site / "2025-S1" / "bab-5-keluarga.html").is_file()
    # outputs removed after a build (the key file kept): built again
    shutil.rmtree(site / "2025-S1")
    assert not build_book(root=root, site_dir=site, pdf=False).skipped
    assert (site / "2025-S1" / "index.html").is_file()
    assert build_book(root=root, site_dir=site, pdf=False).skipped


# ---- the PDF follows the data (issue 9, hole 3) --------------------------------------------------------

def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def test_the_pdf_key_covers_every_byte_of_the_edition_the_print_code_and_the_options(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    ensure_analisa(root / "data")
    edition = root / "data" / "2025-S1"

    def key(final=False, ukuran="A4", pengesahan=None):
        return kunci.pdf_key(root, edition, final, ukuran, pengesahan)

    seen = {key()}

    def changed(**options):
        new = key(**options)
        assert new not in seen
        seen.add(new)

    def edit(path: Path, data: bytes):
        before = path.read_bytes()
        path.write_bytes(data)
        changed()
        path.write_bytes(before)
        assert key() in seen

    penduduk = edition / "penduduk.yml"
    edit(penduduk, penduduk.read_bytes().replace(b"jml: 14", b"jml: 15"))
    edit(edition / "analisa.md", b"## Analisa\n\nTeks Kasi yang baru.\n")
    edit(root / "docs" / "templates" / "buku" / "bab-1-pendahuluan.md", b"# Bab I\n")
    buku = root / "agregat" / "buku"
    edit(buku / "cetak.css", (buku / "cetak.css").read_bytes() + b"\np { color: red; }\n")
    edit(buku / "tabel.py", (buku / "tabel.py").read_bytes() + b"\n# ubah\n")
    edit(root / "agregat" / "sumber" / "tables.py", (root / "agregat" / "sumber" / "tables.py").read_bytes() + b"\n# ubah\n")
    edit(root / "macros" / "__init__.py", (root / "macros" / "__init__.py").read_bytes() + b"\n# ubah\n")
    extra = edition / "catatan.txt"
    extra.write_text("x")
    changed()
    extra.unlink()
    target = tmp_path / "palsu.yml"
    target.write_bytes(penduduk.read_bytes())
    moved = penduduk.rename(tmp_path / "asli.yml")
    penduduk.symlink_to(target)                           # same bytes, but a symlink: another key
    changed()
    penduduk.unlink()
    moved.rename(penduduk)
    assert key() in seen
    changed(final=True)
    changed(ukuran="F4")
    changed(final=True, pengesahan=[{"jabatan": "Kepala Dinas", "nama": "A", "nip": "1", "tanggal": "2025-07-10"}])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751241600")
    changed()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    real = kunci.metadata.version
    monkeypatch.setattr(kunci.metadata, "version", lambda name: "99.0" if name == "weasyprint" else real(name))
    changed()
    monkeypatch.setattr(kunci.metadata, "version", real)
    import agregat
    monkeypatch.setattr(agregat, "__version__", "9.9.9")
    changed()
    monkeypatch.undo()
    # the key does not depend on where the edition lies: the cache can be shared by copies of the repository
    copy = tmp_path / "salinan" / "2025-S1"
    shutil.copytree(edition, copy)
    assert kunci.pdf_key(root, copy, False, "A4", None) == key()


def test_the_pdf_key_and_the_build_key_cover_the_logo_and_the_ibu_kota_only(tmp_path, monkeypatch):
    """Issue 12, point 4: the logo's bytes and the ibu kota of kabupaten.yml are in both keys; the rest of
    the configuration (e.g. the pinned root fingerprint) is not."""
    root = project_copy(tmp_path)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    config = with_kop(root)

    def keys():
        pdf = kunci.pdf_key(root, root / "data" / "2025-S1", False, "A4", None)
        return pdf, kunci.build_key(root, root / "data", ["2025-S1"], {"2025-S1": pdf}, {})

    first = keys()
    (root / "logo.svg").write_bytes(LOGO_SVG.replace(b'r="18"', b'r="17"'))
    second = keys()
    assert second[0] != first[0] and second[1] != first[1]
    config.write_text(config.read_text().replace("Rantau", "Tapin Utara"))
    third = keys()
    assert third[0] != second[0] and third[1] != second[1]
    config.write_text(config.read_text() + "pengesahan:\n  sidik_jari_akar: \"SHA256:" + "A" * 43 + "\"\n")
    assert keys() == third
    config.write_text(config.read_text().replace("contoh.go.id/buku", "contoh.go.id/data"))
    fourth = keys()                                   # the site's address: the site's key, not the PDF's
    assert fourth[0] == third[0] and fourth[1] != third[1]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1752000000")   # the document date: the site's Kata Pengantar shows it
    assert keys()[1] != fourth[1]


def test_a_cache_entry_is_used_only_with_its_record_for_the_key_and_the_sha256(tmp_path):
    pdf = tmp_path / "abc.pdf"
    pdf.write_bytes(b"%PDF-1.7 buku\n")
    record = pdf.with_suffix(".json")
    assert book._entry_sha256(pdf, "abc") is None                     # planted without a record
    sha = kunci._sha256(pdf)
    record.write_text(json.dumps({"kunci": "lain", "sha256": sha}))
    assert book._entry_sha256(pdf, "abc") is None                     # made for another key
    record.write_text(json.dumps({"kunci": "abc", "sha256": "0" * 64}))
    assert book._entry_sha256(pdf, "abc") is None                     # the file was changed after
    record.write_text("[1, 2")
    assert book._entry_sha256(pdf, "abc") is None
    record.write_text(json.dumps({"kunci": "abc", "sha256": sha}))
    assert book._entry_sha256(pdf, "abc") == sha


@pytest.mark.slow
def test_a_reaggregated_edition_gets_a_new_pdf_with_its_new_numbers(tmp_path, monkeypatch):
    """After the edition is aggregated again (three more residents of Tungkap), `build` publishes a PDF with
    the new numbers, the same as the site, never the cached PDF of the earlier edition."""
    own_publishing_cache(monkeypatch, tmp_path / "cache")
    root = project_copy(tmp_path)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    result = build_book(root=root, site_dir=root / "site")
    pdf = result.pdfs["2025-S1"]
    assert "adalah 14 jiwa: 7 laki-laki dan 7 perempuan" in pdf_text(pdf)

    register = tmp_path / "register.csv"
    shutil.copy(GOLDEN / "register.csv", register)
    with open(register, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows += [person(9000 + i, sex=1, desa="63.05.01.2003", kk=900 + i) for i in range(3)]
    write_register(register, rows)
    jobs.aggregate(register, "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    assert b"jml: 17" in (root / "data" / "2025-S1" / "penduduk.yml").read_bytes()
    again = build_book(root=root, site_dir=root / "site")
    assert not again.skipped
    text = pdf_text(again.pdfs["2025-S1"])
    assert "adalah 17 jiwa: 10 laki-laki dan 7 perempuan" in text and "adalah 14 jiwa" not in text
    site = (root / "site" / "2025-S1" / "bab-3-jumlah-dan-struktur-penduduk.html").read_text(encoding="utf-8")
    assert "17 jiwa" in site
    assert len(list((tmp_path / "cache" / "pdf").glob("*.pdf"))) == 2


@pytest.mark.slow
def test_all_135_desa_have_their_tables(demo_site):
    desa = [k for k, r in yaml.safe_load((ROOT / "data" / "2025-S1" / "penduduk.yml").read_text())["wilayah"].items()
            if r["tingkat"] in ("desa", "kelurahan")]
    assert len(desa) == 135
    for tabel in yaml.safe_load((ROOT / "data" / "2025-S1" / "manifest.yml").read_text())["tabel"]:
        rows = {r[2][0] for r in cells(demo_site / "2025-S1" / "lampiran" / f"{tabel}.html") if r[1] == "tbody"}
        assert rows == set(desa), tabel


def test_a_killed_analisa_write_leaves_the_edition_valid(tmp_path):
    """`build` writes the Bab VII draft into data/<P>/; a kill before the rename must not leave a hidden
    temporary file inside the edition (the folder rule would then refuse the edition)."""
    import textwrap

    data = tmp_path / "data"
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", data)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        real = os.replace
        def killed(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        os.replace = killed
        from agregat.edisi.analisa import ensure_analisa
        ensure_analisa({str(data)!r})
    """)
    result = subprocess.run([sys.executable, "-c", script],
                            capture_output=True, text=True)
    assert result.returncode == -9
    edition = data / "2025-S1"
    assert not (edition / "analisa.md").exists()
    assert sorted(p.name for p in edition.iterdir() if p.name.startswith(".")) == []
    from agregat.core.digest import edition_entries
    edition_entries(edition)        # still a valid edition
    assert ensure_analisa(data) == ["2025-S1"]


def test_the_pdf_key_covers_every_agregat_module_the_print_imports():
    """`cache_keys.PDF_SOURCES` covers every `agregat` module the print imports, directly or through another
    (e.g. the problem catalogue behind Bab VII): a change of one must give the PDF another key."""
    import ast

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("agregat"):
                for dotted in [node.module] + [f"{node.module}.{a.name}" for a in node.names]:
                    for candidate in (Path(*dotted.split(".")).with_suffix(".py"), Path(*dotted.split("."), "__init__.py")):
                        if (ROOT / candidate).is_file():
                            names.add(candidate.as_posix())
        return names

    todo = imported(ROOT / "agregat" / "buku" / "cetak.py") | {"agregat/buku/cetak.py"}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= imported(ROOT / name) - seen
    assert "agregat/core/masalah.py" in seen
    uncovered = [n for n in sorted(seen) if not any(n == s or n.startswith(s + "/") for s in kunci.PDF_SOURCES)]
    assert uncovered == []


SEARCH_INDEX_MAX = 300_000      # bytes, issue 12: the index of the two demo editions


@pytest.mark.slow
def test_the_search_index_holds_prose_names_and_titles_not_table_cells(demo_site):
    """The site's search index (loaded by every page) is small: prose, headings, region names and table
    titles of the newest edition; no table cell, and no page of an older edition (it does not grow per edition)."""
    path = demo_site / "search" / "search_index.json"
    assert path.stat().st_size <= SEARCH_INDEX_MAX, f"{path}: {path.stat().st_size} bytes"
    docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
    text = "\n".join(f"{d['title']}\n{d['text']}" for d in docs)
    assert not [d["location"] for d in docs if d["location"].startswith("2024-S2/")]
    assert "Tabel 3.2" in text and "Pipitak Jaya" in text.title() and "Tungkap" in text.title()
    # a table row flattened into text: a desa code, then a run of numbers ("63.05.01.2001 863 838 1.701")
    assert not re.search(r"\b63\.05\.\d\d\.\d{4}\b", text), "desa codes (table cells) are in the search index"
    rows = re.findall(r"(?:(?<=\s)[\d.,+–%-]+\s+){5,}", text)
    assert not rows, f"runs of numbers (table rows) in the search index: {rows[:3]}"
    # and the pages carry the tables all the same: their cells are only kept out of the index
    assert "63.05.01.2003" in (demo_site / "2025-S1" / "kecamatan" / "binuang.html").read_text(encoding="utf-8")
    # opened from disk (file://) the theme reads the same index as a script (the offline plugin)
    script = (demo_site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith("var __index = ") and json.loads(script.removeprefix("var __index = "))["docs"] == docs


# ---- polish (issue 12, point 9) ------------------------------------------------------------------------

def _ringkasan_rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="angka">[^<]*</td><td class="angka">([^<]*)</td>',
                           html))


def test_the_headline_table_shows_the_change_of_l_and_p_with_one_percent_format():
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    now, before = muat_edisi(ROOT / "data", "2025-S1"), muat_edisi(ROOT / "data", "2024-S2")
    rows = _ringkasan_rows(Buku(now, sebelumnya=before).ringkasan())
    assert rows["Jumlah penduduk"] == "+1.154 (0,57%)"
    assert rows["Laki-laki"] == "+630 (0,62%)" and rows["Perempuan"] == "+524 (0,52%)"
    without = _ringkasan_rows(Buku(now).ringkasan())       # the previous edition not at hand: no L/P change
    assert without["Laki-laki"] == without["Perempuan"] == "\u2013"
    assert without["Jumlah penduduk"] == "+1.154 (0,57%)"


@pytest.mark.slow
def test_the_site_home_shows_the_change_of_l_and_p(demo_site):
    rows = _ringkasan_rows((demo_site / "index.html").read_text(encoding="utf-8"))
    assert rows["Laki-laki"] == "+630 (0,62%)" and rows["Perempuan"] == "+524 (0,52%)"
    older = _ringkasan_rows((demo_site / "2024-S2" / "index.html").read_text(encoding="utf-8"))
    assert older["Laki-laki"] == "\u2013"                   # the first edition: nothing to compare with
