"""The book follows the levels: a province edition (a small synthetic province register) builds the site in
strict mode, with a page per kabupaten/kota and per kecamatan whose totals equal the YAML."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

from agregat.sumber import demo
from agregat.buku.build import build_book
from agregat.cli.main import main
from agregat.core.wilayah import load_wilayah
from conftest import FIXTURES
from test_book import cells, project_copy

pytestmark = pytest.mark.slow

PROVINSI = FIXTURES / "provinsi"
PERIODS = {"2024-S2": (np.array([6, 10, 5, 8, 10, 6, 7]), 1), "2025-S1": (np.array([7, 12, 5, 9, 11, 6, 8]), 2)}


@pytest.fixture(scope="module")
def province_site(tmp_path_factory):
    """Two semesters of the tiny province (so the comparison tables exist too), and the site built from them."""
    tmp = tmp_path_factory.mktemp("buku-provinsi")
    root = project_copy(tmp)
    wilayah = load_wilayah(PROVINSI / "wilayah.csv", "63")
    for period, (persons, seed) in PERIODS.items():
        register = demo.write_region_register(tmp / f"{period}.csv", wilayah, persons, seed=seed, period=period)
        assert main(["aggregate", "--config", str(PROVINSI / "provinsi.yml"), "--input", str(register),
                     "--period", period, "--data-dir", str(root / "data"), "--report-dir", str(tmp / "lap")]) == 0
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    documents = {name: yaml.safe_load((root / "data" / "2025-S1" / f"{name}.yml").read_text(encoding="utf-8"))
                 for name in ("penduduk", "indikator")}
    return result.site_dir, documents


def region_page(site, nama: str, folder: str):
    return site / "2025-S1" / folder / f"{re.sub(r'[^a-z0-9]+', '-', nama.lower()).strip('-')}.html"


def first_rows(page, section: str, table: str | None = None) -> dict[str, list[str]]:
    """Region code → its first row in a `section` (tbody, tfoot) of the page's tables (or of one table, by id).
    On a region page the penduduk table comes first, so this is [code, LK, PR, Jumlah]."""
    found: dict[str, list[str]] = {}
    for id_, part, row in cells(page):
        if part == section and table in (None, id_):
            found.setdefault(row[0], row)
    return found


def test_every_kabupaten_kota_and_kecamatan_has_its_page_with_the_yaml_totals(province_site):
    site, documents = province_site
    regions = documents["penduduk"]["wilayah"]
    pages = [(k, r) for k, r in regions.items() if r["tingkat"] in ("kabupaten", "kota", "kecamatan")]
    assert [k for k, _ in pages] == ["63.01", "63.01.01", "63.01.02", "63.71", "63.71.01", "63.71.02"]
    for kode, region in pages:
        folder = "kecamatan" if region["tingkat"] == "kecamatan" else "kabupaten"
        page = region_page(site, region["nama"], folder)
        assert page.is_file(), page
        html = page.read_text(encoding="utf-8")
        word = region["tingkat"].capitalize()
        assert "<h1 id=" in html and (f"{word} {region['nama'].title()}<span class=\"judul-edisi\"> — Semester I "
                                      "Tahun 2025</span></h1>") in html, kode
        total = region["data"]["PENDUDUK"]
        assert first_rows(page, "tfoot")[kode] == [kode, str(total["lk"]), str(total["pr"]), str(total["jml"])], kode
        children = {r[0] for _, section, r in cells(page) if section == "tbody"}
        below = {k for k in regions if k.startswith(kode + ".") and k.count(".") == kode.count(".") + 1}
        assert below <= children, kode


def test_a_kabupaten_page_has_its_kecamatan_table(province_site):
    site, documents = province_site
    page = region_page(site, "BANJAR UJI", "kabupaten").read_text(encoding="utf-8")
    assert "Jumlah Penduduk per Kecamatan di Kota Banjar Uji" in page
    regions = documents["penduduk"]["wilayah"]
    rows = first_rows(region_page(site, "BANJAR UJI", "kabupaten"), "tbody")
    for kode in ("63.71.01", "63.71.02"):
        total = regions[kode]["data"]["PENDUDUK"]
        assert rows[kode][1:4] == [str(total["lk"]), str(total["pr"]), str(total["jml"])]


def test_headline_figures_and_chapters_are_for_the_province(province_site):
    site, documents = province_site
    root = documents["indikator"]["wilayah"]["63"]["data"]
    index = (site / "2025-S1" / "index.html").read_text(encoding="utf-8")
    assert "Angka utama Provinsi Uji Selatan, Semester I Tahun 2025" in index
    assert f'<td class="angka">{root["penduduk"]}</td>' in index   # < 1.000: no thousands separator
    bab2 = (site / "2025-S1" / "bab-2-gambaran-umum-wilayah.html").read_text(encoding="utf-8")
    assert re.search(r"Provinsi Uji Selatan \(kode wilayah 63\) terdiri atas\s+1 kabupaten, 1 kota, 4 kecamatan, "
                     r"3 desa, dan\s+4 kelurahan", bab2)
    assert "Indikator Kependudukan per Kabupaten/Kota" in bab2
    assert re.search(r"luas\s+wilayahnya belum tersedia, sehingga kepadatannya tidak tersedia", bab2)
    bab3 = (site / "2025-S1" / "bab-3-jumlah-dan-struktur-penduduk.html").read_text(encoding="utf-8")
    assert "Jumlah Penduduk per Kabupaten/Kota" in bab3
    body = first_rows(site / "2025-S1" / "bab-3-jumlah-dan-struktur-penduduk.html", "tbody", "tabel-3-2")
    for kode in ("63.01", "63.71"):
        total = documents["penduduk"]["wilayah"][kode]["data"]["PENDUDUK"]
        assert body[kode][1:4] == [str(total["lk"]), str(total["pr"]), str(total["jml"])]
    analisa = (site / "2025-S1" / "bab-7-analisa.html").read_text(encoding="utf-8")
    assert "Penduduk Provinsi Uji Selatan tersebar di 2 kabupaten/kota, 4 kecamatan, dan 7 desa/kelurahan" in analisa


def test_the_province_data_package_validates(province_site):
    import frictionless

    site, _ = province_site
    report = frictionless.validate(site / "2025-S1" / "unduhan" / "datapackage.json")
    assert report.valid, report.flatten(["type", "fieldName", "note"])[:5]


def test_navigation_has_a_kabupaten_kota_section_and_labels_stay_text(province_site):
    site, _ = province_site
    index = (site / "2025-S1" / "index.html").read_text(encoding="utf-8")
    assert "Kabupaten/Kota" in index and "Laut Uji" in index and "Banjar Uji" in index
    lampiran = (site / "2025-S1" / "lampiran" / "penduduk.html").read_text(encoding="utf-8")
    assert "SUNGAI &lt;DUA&gt; &amp; &#123;&#123; X &#125;&#125;" in lampiran
    assert "<DUA>" not in lampiran


def test_the_print_edition_names_the_province_not_a_kabupaten(province_site, tmp_path):
    from agregat.buku.cetak import dokumen_cetak
    from agregat.edisi.muat import muat_edisi

    site, _ = province_site
    root = site.parent
    html = dokumen_cetak(muat_edisi(root / "data", "2025-S1"), root / "docs" / "templates" / "buku",
                         tmp_path / "grafik")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "PROVINSI UJI SELATAN" in text and "Logo Pemerintah" not in text     # no logo configured: no box
    assert "Dinas Kependudukan dan Pencatatan Sipil Provinsi Uji Selatan" in text
    assert "Kabupaten Uji" not in text and "KABUPATEN UJI" not in text
