"""MkDocs hooks: the book's many near-identical pages are generated from the data, not written by hand.

For every edition in data/: the chapter templates of docs/templates/buku/ become `<periode>/<page>.md`,
one page per region between the root and the desa (kecamatan; kabupaten/kota too in a province book) and
one appendix page per table. Every edition is in the navigation (the newest first, each older one as a
section after the archive), and each page is shown the navigation of its own edition only (`on_nav`,
`on_page_context`): Beranda, that edition's pages, Arsip Edisi; the footer's previous/next links never leave
the edition either. Every page of an edition names its semester in its title and heading and carries the
edition's approval state, an older edition's page also a notice linking to the newest (`agregat.buku.penanda`).
After the build each edition gets its downloads (CSV, XLSX, datapackage.json).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from agregat.buku import aset_situs, penanda
from agregat.buku.halaman import halaman_edisi
from agregat.core.periode import Periode
from agregat.buku.pratinjau import tanpa_tautan_pdf
from agregat.buku.kop import kop_proyek
from agregat.core.config import CACHE_DIR, cache_dipakai
from agregat.buku.mkdocs_macros import pulihkan_blok
from agregat.edisi.muat import daftar_edisi, muat_edisi

#: The build under way: its editions, oldest first (`on_files`), and {periode: the navigation its pages are
#: shown} (`on_nav`).
_EDISI: list[str] = []
_NAV_EDISI: dict[str, Navigation] = {}


CACHE_UNDUHAN = CACHE_DIR / "unduhan"   # each edition's downloads, by input (agregat.buku.cache_keys.unduhan_key)


def _data_dir(config) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("data_dir", "data")


def on_config(config):
    """The site's address from kabupaten.yml (`alamat_situs`, agregat.buku.kop) as MkDocs' site_url, unless
    mkdocs.yml sets one: sitemap.xml then lists every page, and 404.html links its styles and scripts from
    the site's root path, so it works under a sub-path too (https://…/buku/)."""
    if not config.site_url:
        alamat = kop_proyek(Path(config.config_file_path).parent).alamat_situs
        if alamat:
            config.site_url = alamat
    return config


def on_files(files, config):
    data_dir = _data_dir(config)
    templates = Path(config.docs_dir) / "templates" / "buku"
    editions = daftar_edisi(data_dir)
    _EDISI[:] = editions
    nav_latest, nav_older = [], []
    for periode in reversed(editions):
        edisi = muat_edisi(data_dir, periode, tembolok=True)
        pages = halaman_edisi(edisi, templates, terbaru=periode == editions[-1])
        for page in pages:
            files.append(File.generated(config, page.src_uri, content=page.content))
        if periode == editions[-1]:
            nav_latest, terbaru = _nav(pages), edisi
        else:
            nav_older.append({f"{edisi.semester} (edisi lama)": _nav(pages)})
    config.nav = [{"Beranda": "index.md"}, *nav_latest, {"Arsip Edisi": "arsip.md"}, *nav_older]
    if editions:
        _logo(files, config, kop_proyek(Path(config.config_file_path).parent).untuk(terbaru))
    return files


def _logo(files, config, kop) -> None:
    """The configured logo (kabupaten.yml `logo:`, agregat.buku.kop) in the header of every page: written into
    the site as aset/logo.svg or .png and named as the theme's logo; nothing when none is set."""
    if kop.logo is None:
        return
    name = "aset/logo" + (".svg" if kop.logo.jenis == "image/svg+xml" else ".png")
    files.append(File.generated(config, name, content=kop.logo.data))
    config.theme["logo"] = name


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


def _edition_of(item) -> str | None:
    """The periode a navigation item belongs to (the folder of its first page), None for a root page."""
    pages = _pages(item)
    uri = pages[0].file.src_uri if pages else ""
    return uri.split("/", 1)[0] if "/" in uri else None


def _pages(item) -> list[Page]:
    if isinstance(item, Page):
        return [item]
    return [p for child in getattr(item, "children", None) or () for p in _pages(child)]


def on_nav(nav, config, files):
    """One navigation per edition: the root pages (Beranda first, the rest last) around that edition's items
    (an older edition's section unwrapped, so every edition reads alike). Previous/next of an edition's pages
    run from Beranda through its own pages to Arsip Edisi; the root pages keep those of the newest edition,
    whose navigation is also the site's (root pages, 404)."""
    _NAV_EDISI.clear()
    roots = [item for item in nav.items if _edition_of(item) is None]
    order = list(dict.fromkeys(e for e in map(_edition_of, nav.items) if e))   # newest first
    for periode in reversed(order):        # the newest last: the root pages keep its links
        own = [item for item in nav.items if _edition_of(item) == periode]
        if periode != order[0] and len(own) == 1 and isinstance(own[0], Section):
            own = own[0].children
        items = [*roots[:1], *own, *roots[1:]]
        pages = [p for item in items for p in _pages(item)]
        for before, page, after in zip([None, *pages], pages, [*pages[1:], None]):
            if _edition_of(page) == periode or periode == order[0]:
                page.previous_page, page.next_page = before, after
        _NAV_EDISI[periode] = Navigation(items, pages)
    return _NAV_EDISI[order[0]] if order else nav


def on_page_context(context, page, config, nav):
    """A page is shown the navigation of its own edition (a root page: the newest edition's)."""
    own = _NAV_EDISI.get(page.meta.get("periode") or "")
    if own is not None:
        context["nav"] = own
    return context


def on_post_build(config):
    """The pages' stylesheets joined and trimmed to what the site uses, the polyfills after the content
    (`agregat.buku.aset_situs`); each edition's downloads, from `.cache/unduhan/` when the same edition YAML
    and code made them before."""
    from agregat.buku.cache_keys import unduhan_key
    from agregat.buku.unduhan import tulis_unduhan

    polyfills = [str(script) for script in config.extra.get("polyfills") or []]
    aset_situs.rapikan(Path(config.site_dir), polyfills, urlsplit(config.site_url or "/").path or "/")
    if not config.site_url:     # without an address the sitemap lists nothing: none rather than an empty one
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (Path(config.site_dir) / name).unlink(missing_ok=True)

    data_dir = _data_dir(config)
    for periode in daftar_edisi(data_dir):
        edisi = muat_edisi(data_dir, periode, tembolok=True)
        nama = edisi.nama_akar
        sumber = sumber_data(edisi)
        cache = CACHE_UNDUHAN / f"{unduhan_key(edisi.folder, nama, sumber)}.zip" if cache_dipakai() else None
        tulis_unduhan(edisi.dokumen, edisi.dokumen["manifest"], Path(config.site_dir) / periode / "unduhan",
                      kabupaten=nama, sumber=sumber, cache=cache)


def sumber_data(edisi) -> str:
    return (f"Data Kependudukan Bersih (DKB) {edisi.semester}, Ditjen Dukcapil Kemendagri; diolah Dinas "
            f"Kependudukan dan Pencatatan Sipil {edisi.nama_akar}")


def on_page_content(html, page, config, files):
    """A page title is HTML to MkDocs and the theme (generated pages store theirs escaped, `agregat.buku.halaman`):
    mark it as such, so the theme's `| e` (footer and toc aria-labels) does not escape it a second time.

    A page of an edition (front matter `periode`; the home page: the newest edition, whose figures it shows)
    gets its heading area: the semester in its h1, the edition's approval state as handed down by the build
    (`extra.status_edisi`, `agregat.buku.penanda`), and on an older edition the notice linking to the same
    page of the newest edition, or to its landing page when the newest has no such page. The page's tables
    come back in place of the placeholders they crossed Markdown as (`makro.SimpananBlok`)."""
    if page.title is not None:
        page.title = Markup(page.title)
    editions = _EDISI
    periode = page.meta.get("periode") or (editions[-1] if page.is_homepage and editions else None)
    html = pulihkan_blok(html, page)
    if periode is None:
        return html
    semester = Periode.parse(periode).judul
    terbaru = None
    if periode != editions[-1]:
        same = files.get_file_from_path(editions[-1] + page.file.src_uri[len(periode):])
        target = same or files.get_file_from_path(f"{editions[-1]}/index.md")
        terbaru = (Periode.parse(editions[-1]).judul, target.url_relative_to(page.file))
    status = penanda.status_dari(config.extra.get("status_edisi"), periode)
    banners = penanda.spanduk(status, semester, terbaru)
    if page.is_homepage:
        return penanda.sisipkan_spanduk(html, banners)
    return penanda.sisipkan_spanduk(penanda.h1_edisi(html, semester), banners)


def on_post_page(output, page, config):
    """Give the theme's search dialog an accessible name (axe: aria-dialog-name); in the preview (`serve`, no
    PDF made) a link to an edition's PDF becomes a note that `build` makes it (agregat.buku.pratinjau)."""
    output = output.replace('data-md-component="search" role="dialog"',
                            'data-md-component="search" role="dialog" aria-label="Pencarian"', 1)
    return tanpa_tautan_pdf(output) if config.extra.get("pratinjau") else output
