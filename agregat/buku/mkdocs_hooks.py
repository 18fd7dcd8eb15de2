"""MkDocs hooks: the book's many near-identical pages are generated from the data, not written by hand.

For every edition in data/: the chapter templates of docs/templates/buku/ become `<periode>/<page>.md`,
one page per region between the root and the desa (kecamatan; kabupaten/kota too in a province book) and
one appendix page per table; the newest edition is the one in the navigation,
the others are reached from the archive. After the build each edition gets its downloads (CSV, XLSX,
datapackage.json).
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup
from mkdocs.structure.files import File

from agregat.buku.halaman import halaman_edisi
from agregat.core.config import CACHE_DIR, cache_dipakai
from agregat.buku.mkdocs_macros import pulihkan_blok
from agregat.edisi.muat import daftar_edisi, muat_edisi


CACHE_UNDUHAN = CACHE_DIR / "unduhan"   # each edition's downloads, by input (agregat.buku.cache_keys.unduhan_key)


def _data_dir(config) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("data_dir", "data")


def on_files(files, config):
    data_dir = _data_dir(config)
    templates = Path(config.docs_dir) / "templates" / "buku"
    editions = daftar_edisi(data_dir)
    nav_latest = []
    for periode in editions:
        pages = halaman_edisi(muat_edisi(data_dir, periode, tembolok=True), templates)
        for page in pages:
            files.append(File.generated(config, page.src_uri, content=page.content))
        if periode == editions[-1]:
            nav_latest = _nav(pages)
    config.nav = [{"Beranda": "index.md"}, *nav_latest, {"Arsip Edisi": "arsip.md"}]
    return files


def _nav(pages) -> list:
    """Navigation for one edition: chapters, then sections (Kecamatan, Lampiran) in order."""
    nav: list = []
    sections: dict[str, list] = {}
    for page in pages:
        if page.bagian:
            if page.bagian not in sections:
                sections[page.bagian] = []
                nav.append({page.bagian: sections[page.bagian]})
            sections[page.bagian].append({page.judul: page.src_uri})
        else:
            nav.append({page.judul: page.src_uri})
    return nav


def on_post_build(config):
    """Each edition's downloads, from `.cache/unduhan/` when the same edition YAML and code made them before."""
    from agregat.buku.cache_keys import unduhan_key
    from agregat.buku.unduhan import tulis_unduhan

    data_dir = _data_dir(config)
    for periode in daftar_edisi(data_dir):
        edisi = muat_edisi(data_dir, periode, tembolok=True)
        kode, nama = edisi.kabupaten
        sumber = sumber_data(edisi)
        cache = CACHE_UNDUHAN / f"{unduhan_key(edisi.folder, nama, sumber)}.zip" if cache_dipakai() else None
        tulis_unduhan(edisi.dokumen, edisi.dokumen["manifest"], Path(config.site_dir) / periode / "unduhan",
                      kabupaten=nama, sumber=sumber, cache=cache)


def sumber_data(edisi) -> str:
    return (f"Data Kependudukan Bersih (DKB) {edisi.semester}, Ditjen Dukcapil Kemendagri; diolah Dinas "
            f"Kependudukan dan Pencatatan Sipil {edisi.tingkat_akar.capitalize()} {edisi.kabupaten[1].title()}")




def on_page_content(html, page, config, files):
    """A page title is HTML to MkDocs and the theme (generated pages store theirs escaped, `agregat.buku.halaman`):
    mark it as such, so the theme's `| e` (footer and toc aria-labels) does not escape it a second time. The
    page's tables come back in place of the placeholders they crossed Markdown as (`makro.SimpananBlok`)."""
    if page.title is not None:
        page.title = Markup(page.title)
    return pulihkan_blok(html, page)


def on_post_page(output, page, config):
    """Give the theme's search dialog an accessible name (axe: aria-dialog-name)."""
    return output.replace('data-md-component="search" role="dialog"',
                          'data-md-component="search" role="dialog" aria-label="Pencarian"', 1)
