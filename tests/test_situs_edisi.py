"""The website as its readers read it (issue 12, points 2 and 3): every page of an edition names its semester,
an older edition's page says so and links to the newest, its navigation stays inside its edition, search puts
the newest edition first, and every page shows the edition's approval state exactly as `verify` reads it."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from agregat.buku import build as book
from agregat.buku.penanda import BOOST_TERBARU, DRAF
from agregat.core.digest import edition_digest
from agregat.core.periode import Periode
from agregat.pengesahan import langkah, verifikasi
from conftest import OFFICIALS, PERIODE, ROOT, run, tmp_paths

EDISI_DEMO = ("2024-S2", "2025-S1")
TERBARU = EDISI_DEMO[-1]


class Halaman(HTMLParser):
    """What a reader sees of one built page: its <title>, its first h1, the links of the primary navigation
    and of rel=prev/next, and the admonitions (class, text, links)."""

    def __init__(self):
        super().__init__()
        self.title = self.h1 = ""
        self.nav_links: list[str] = []
        self.rel_links: list[str] = []
        self.admonitions: list[dict] = []
        self._in_title = self._in_h1 = False
        self._h1_done = False
        self._nav_depth = 0      # >0 inside the primary navigation (nested navs counted)
        self._adm_depth = 0      # >0 inside an admonition (nested divs counted)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "title":
            self._in_title = True
        elif tag == "h1" and not self._h1_done:
            self._in_h1 = True
        elif tag == "nav" and (self._nav_depth or "md-nav--primary" in classes):
            self._nav_depth += 1
        elif tag == "link" and attrs.get("rel") in ("prev", "next"):
            self.rel_links.append(attrs["href"])
        if tag == "div" and (self._adm_depth or "admonition" in classes):
            if not self._adm_depth:
                self.admonitions.append({"class": classes, "text": "", "links": []})
            self._adm_depth += 1
        if tag == "a" and attrs.get("href"):
            if self._nav_depth:
                self.nav_links.append(attrs["href"])
            if self._adm_depth:
                self.admonitions[-1]["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "h1" and self._in_h1:
            self._in_h1, self._h1_done = False, True
        elif tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        elif tag == "div" and self._adm_depth:
            self._adm_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_h1:
            self.h1 += data
        if self._adm_depth:
            self.admonitions[-1]["text"] += data


def halaman(path: Path) -> Halaman:
    parser = Halaman()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pages_of(site: Path, periode: str) -> list[Path]:
    return sorted((site / periode).rglob("*.html"))


def resolved(site: Path, page: Path, href: str) -> str:
    """`href` of `page` as a path from the site root (no fragment)."""
    target = href.split("#", 1)[0]
    if not target:
        return page.relative_to(site).as_posix()
    return posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), target))


def status_banners(page: Halaman) -> list[dict]:
    return [a for a in page.admonitions if "status-edisi" in a["class"]]


def one(text: str) -> str:
    return " ".join(text.split())


# ---- point 2: pages that say their semester -------------------------------------------------------------

@pytest.mark.slow
def test_every_page_of_both_demo_editions_names_its_edition_in_title_and_heading(demo_site):
    for periode in EDISI_DEMO:
        semester = Periode.parse(periode).judul
        pages = pages_of(demo_site, periode)
        assert len(pages) > 30, periode
        for path in pages:
            page = halaman(path)
            assert semester in page.title, (path, page.title)
            assert semester in one(page.h1), (path, page.h1)
    # the two editions' pages no longer share a title
    old, new = (halaman(demo_site / p / "kecamatan" / "binuang.html").title for p in EDISI_DEMO)
    assert old != new


@pytest.mark.slow
def test_an_older_edition_page_links_to_the_same_page_of_the_newest(demo_site):
    semester = Periode.parse(TERBARU).judul
    for path in pages_of(demo_site, EDISI_DEMO[0]):
        page = halaman(path)
        notices = [a for a in page.admonitions if "edisi-lama" in a["class"]]
        assert len(notices) == 1 and "Edisi lama" in notices[0]["text"] and semester in notices[0]["text"], path
        (link,) = notices[0]["links"]
        target = resolved(demo_site, path, link)
        same = f"{TERBARU}/" + path.relative_to(demo_site / EDISI_DEMO[0]).as_posix()
        assert (demo_site / target).is_file(), (path, link)
        assert target == (same if (demo_site / same).is_file() else f"{TERBARU}/index.html"), path
    for path in pages_of(demo_site, TERBARU):
        assert not [a for a in halaman(path).admonitions if "edisi-lama" in a["class"]], path


@pytest.mark.slow
def test_the_navigation_of_a_page_stays_inside_its_edition(demo_site):
    roots = {"index.html", "arsip.html"}
    for periode in EDISI_DEMO:
        other = next(p for p in EDISI_DEMO if p != periode)
        for path in pages_of(demo_site, periode):
            page = halaman(path)
            targets = {resolved(demo_site, path, href) for href in page.nav_links + page.rel_links}
            outside = {t for t in targets if t not in roots and not t.startswith(f"{periode}/")}
            assert outside == set(), (path, outside)
            assert f"{periode}/bab-3-jumlah-dan-struktur-penduduk.html" in targets, path
            assert not any(t.startswith(f"{other}/") for t in targets), path
    # the root pages show the newest edition's navigation
    targets = {resolved(demo_site, demo_site / "arsip.html", h) for h in halaman(demo_site / "arsip.html").nav_links}
    assert f"{TERBARU}/index.html" in targets and not any(t.startswith(f"{EDISI_DEMO[0]}/") for t in targets)


@pytest.mark.slow
def test_search_names_the_edition_and_ranks_the_newest_first(demo_site):
    entries = json.loads((demo_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    boosts = {}
    for entry in entries:
        periode = entry["location"].split("/", 1)[0]
        if periode in EDISI_DEMO:
            boosts.setdefault(periode, set()).add(entry.get("boost"))
            if "#" not in entry["location"]:     # the page itself: what a result is listed under
                assert Periode.parse(periode).judul in entry["title"], entry["location"]
    assert boosts == {TERBARU: {BOOST_TERBARU}} and BOOST_TERBARU > 1   # older editions are not searched
    binuang = [e for e in entries if e["location"].endswith("kecamatan/binuang.html")]
    assert [e["location"].split("/")[0] for e in binuang] == [TERBARU]     # one hit, in the newest edition


# ---- point 3: drafts never look published ---------------------------------------------------------------

@pytest.mark.slow
def test_an_edition_nobody_approved_carries_the_draft_banner_on_every_page(demo_site):
    for periode in EDISI_DEMO:
        for path in pages_of(demo_site, periode):
            (banner,) = status_banners(halaman(path))
            assert "danger" in banner["class"] and DRAF["label"] in banner["text"], path
    (banner,) = status_banners(halaman(demo_site / "index.html"))     # the home page shows the newest's figures
    assert DRAF["label"] in banner["text"]
    arsip = one((demo_site / "arsip.html").read_text(encoding="utf-8"))
    for periode in EDISI_DEMO:
        row = re.search(rf"<td>{Periode.parse(periode).judul}</td>(.*?)</tr>", arsip)
        assert row and DRAF["label"] in row.group(1), periode


def test_the_state_is_read_from_the_verified_chain(through_arahan):
    """`status_situs` reads `verify`'s result: approved through the Kepala Dinas's paraf with the signer; a draft
    for no approvals, a chain `verify` rejects, or numbers that are not the approved ones."""
    from agregat.core.config import load_config

    config = load_config(through_arahan / "kabupaten.yml")
    rantai = langkah.periksa(through_arahan, through_arahan / "data", PERIODE, config)
    assert rantai.sah
    digest = edition_digest(through_arahan / "data" / PERIODE)
    state = langkah.status_situs(rantai, digest)
    assert state["status"] == "disahkan"
    assert state["label"] == f"Disahkan (oleh Kepala Dinas {OFFICIALS['kadis'][1]}, 10 Juli 2025)"
    assert langkah.status_situs(None, None) == DRAF
    assert langkah.status_situs(rantai, "0" * 64)["status"] == "draf"
    rantai.temuan.append(verifikasi.Temuan(24, "approvals/", "ditolak verify"))
    assert langkah.status_situs(rantai, digest)["status"] == "draf"


@pytest.mark.slow
def test_an_approved_chain_shows_disahkan_with_its_signer_on_every_page(golden_through_arahan, tmp_path,
                                                                        monkeypatch, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(golden_through_arahan, repo)
    paths = tmp_paths(tmp_path)
    site = paths.site
    monkeypatch.setattr(book, "CACHE_DIR", tmp_path / "cache")
    assert run(repo, "build", "--no-pdf", "--data-dir", str(repo / "data"), paths=paths) == 0
    label = f"Disahkan (oleh Kepala Dinas {OFFICIALS['kadis'][1]}, 10 Juli 2025)"
    pages = pages_of(site, PERIODE)
    assert pages
    for path in pages:
        (banner,) = status_banners(halaman(path))
        assert label in one(banner["text"]) and "danger" not in banner["class"], path
    assert label in one((site / "arsip.html").read_text(encoding="utf-8"))
    # the state is part of the build key: the same inputs skip, another state builds again
    capsys.readouterr()
    assert run(repo, "build", "--no-pdf", "--data-dir", str(repo / "data"), paths=paths) == 0
    assert "sudah mutakhir" in capsys.readouterr().out
    again = book.build_book(root=ROOT, data_dir=repo / "data", site_dir=site, pdf=False)
    assert not again.skipped
    (banner,) = status_banners(halaman(site / PERIODE / "index.html"))
    assert DRAF["label"] in banner["text"]
