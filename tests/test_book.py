"""The website built by MkDocs from the YAML editions: strict, complete, numbers equal to the YAML."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from agregat import jobs
from agregat.book import BookError, build_book
from conftest import FIXTURES, ROOT

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
    for name in ("docs", "macros"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "agregat").mkdir()
    shutil.copy(ROOT / "agregat" / "__init__.py", root / "agregat" / "__init__.py")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A three-desa edition (the golden register) in a copy of the project."""
    tmp = tmp_path_factory.mktemp("buku")
    root = project_copy(tmp)
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", root / "data")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    return root, result


def test_pages_of_an_edition(small):
    root, result = small
    site = result.site_dir
    assert not result.skipped
    for page in ("index.html", "arsip.html", "2025-S1/index.html", "2025-S1/bab-3-jumlah-dan-struktur-penduduk.html",
                 "2025-S1/kecamatan/binuang.html", "2025-S1/kecamatan/piani.html", "2025-S1/lampiran/agama.html",
                 "2025-S1/unduhan/datapackage.json", "2025-S1/unduhan/agama.csv", "2025-S1/unduhan/agama.xlsx"):
        assert (site / page).is_file(), page
    assert (root / "data" / "2025-S1" / "analisa.md").is_file()   # the draft of Bab VII, written once


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


def test_second_build_with_nothing_changed_is_skipped(small):
    root, _ = small
    again = build_book(root=root, site_dir=root / "site", pdf=False)
    assert again.skipped


def test_the_kasi_text_is_never_overwritten(small):
    root, _ = small
    analisa = root / "data" / "2025-S1" / "analisa.md"
    analisa.write_text("## Catatan Kasi\n\nTeks yang disunting.\n", encoding="utf-8")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    assert not result.skipped and result.analisa_written == []
    assert analisa.read_text(encoding="utf-8").startswith("## Catatan Kasi")
    assert "Teks yang disunting." in (result.site_dir / "2025-S1" / "bab-7-analisa.html").read_text()


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


@pytest.mark.slow
def test_all_135_desa_have_their_tables(tmp_path):
    result = build_book(site_dir=tmp_path / "site", pdf=False)
    desa = [k for k, r in yaml.safe_load((ROOT / "data" / "2025-S1" / "penduduk.yml").read_text())["wilayah"].items()
            if r["tingkat"] in ("desa", "kelurahan")]
    assert len(desa) == 135
    for tabel in yaml.safe_load((ROOT / "data" / "2025-S1" / "manifest.yml").read_text())["tabel"]:
        rows = {r[2][0] for r in cells(result.site_dir / "2025-S1" / "lampiran" / f"{tabel}.html") if r[1] == "tbody"}
        assert rows == set(desa), tabel
