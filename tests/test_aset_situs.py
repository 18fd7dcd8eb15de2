"""agregat.buku.aset_situs: the site's stylesheets joined and trimmed to what its pages and scripts can use,
the polyfills after the content (issue 12, point 6)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import cssselect2
import pytest
import tinycss2
import tinyhtml5

from agregat.buku.aset_situs import pangkas, rapikan, semesta

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="{p}assets/stylesheets/main.0123abcd.min.css">
<link rel="stylesheet" href="{p}assets/stylesheets/palette.4567ef01.min.css">
<script src="{p}aset/shim.js"></script>
<link rel="stylesheet" href="{p}aset/buku.css">
</head><body data-md-color-primary="teal"><div class="md-grid kotak">isi</div>
<script src="{p}assets/javascripts/bundle.89abcdef.min.js"></script><script src="{p}aset/tabel.js"></script>
</body></html>"""


def names(html: str = '<div class="ada lain">', script: str = "") -> object:
    return semesta({"index.html": html}, [script])


def test_a_rule_goes_only_when_every_selector_needs_a_name_nobody_uses():
    css = ".ada{a:1}.tiada{b:2}.tiada,.lain{c:3}.tiada .ada{d:4}p{e:5}"
    assert pangkas(css, names()) == ".ada{a:1}.tiada,.lain{c:3}p{e:5}"


def test_names_a_script_makes_are_kept_with_their_prefix():
    script = 'e.classList.add("md-search-result__item");x=`md-tag--${t}`'
    css = ".md-search-result__item{a:1}.md-tag--baru{b:2}.md-tag-icon{c:3}"
    assert pangkas(css, names(script=script)) == ".md-search-result__item{a:1}.md-tag--baru{b:2}"


def test_inside_not_is_where_nothing_is_judged():
    css = ".ada:not(.tiada){a:1}:is(.tiada,.ada) p{b:2}:where(.tiada){c:3}"
    assert pangkas(css, names()) == css


def test_an_attribute_value_nobody_sets_goes_and_a_present_one_stays():
    html = '<body data-md-color-primary="teal">'
    css = ("[data-md-color-primary=indigo]{a:1}[data-md-color-primary=teal]{b:2}[dir=rtl] p{c:3}"
           "[href^=http]{d:4}")
    assert pangkas(css, names(html)) == "[data-md-color-primary=teal]{b:2}[href^=http]{d:4}"


def test_an_attribute_value_counts_whole_quoted_either_way_unquoted_or_with_entities():
    html = """<p aria-label="Geser tabel" data-x="" class='satu' title=dua lang="a&amp;b">"""
    css = '[aria-label="Geser tabel"]{a:1}[data-x=""]{b:2}.satu{c:3}.dua{d:4}[lang="a&b"]{e:5}.tiga{f:6}'
    assert pangkas(css, names(html)) == css.replace(".tiga{f:6}", "")


def test_a_case_insensitive_attribute_selector_and_a_name_a_script_concatenates_stay():
    css = "[type=Submit i]{a:1}.md-status--new{b:2}.md-lain{c:3}"
    assert pangkas(css, names(script='e.className = "md-status--" + s;')) == "[type=Submit i]{a:1}.md-status--new{b:2}"


def test_media_blocks_are_trimmed_within_and_dropped_when_empty_other_at_rules_stay():
    css = ("@charset \"UTF-8\";@media screen{.tiada{a:1}.ada{b:2}}@media print{.tiada{c:3}}"
           "@keyframes k{0%{opacity:0}}@font-face{font-family:x}")
    assert pangkas(css, names()) == "@media screen{.ada{b:2}}@keyframes k{0%{opacity:0}}@font-face{font-family:x}"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for path, text in {
        "assets/stylesheets/main.0123abcd.min.css": "@charset \"UTF-8\";.md-grid{a:1}.md-tiada{b:2}",
        "assets/stylesheets/palette.4567ef01.min.css": "[data-md-color-primary=teal]{c:3}"
                                                      "[data-md-color-primary=red]{d:4}",
        "aset/buku.css": ".kotak{e:5}\n/* catatan */\n.bisa-geser{f:6}.tak-dipakai{g:7}",
        "assets/javascripts/bundle.89abcdef.min.js": "var a=1;",
        "aset/tabel.js": 'b.classList.toggle("bisa-geser", x);',
        "aset/shim.js": "",
        "index.html": PAGE.format(p=""),
        "2025-S1/kecamatan/binuang.html": PAGE.format(p="../../"),
        "404.html": PAGE.format(p="/buku/"),
    }.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    return site


def test_every_page_links_one_joined_sheet_named_by_its_bytes_and_the_shim_moves_before_the_bundle(tmp_path):
    site = _site(tmp_path)
    target = rapikan(site, ["aset/shim.js"], root="/buku/")
    data = (site / target).read_bytes()
    assert target == f"assets/stylesheets/situs.{hashlib.sha256(data).hexdigest()[:12]}.min.css"
    assert data.decode() == ('@charset "UTF-8";.md-grid{a:1}[data-md-color-primary=teal]{c:3}'
                             ".kotak{e:5}.bisa-geser{f:6}")
    for page, prefix in (("index.html", ""), ("2025-S1/kecamatan/binuang.html", "../../"), ("404.html", "/buku/")):
        html = (site / page).read_text(encoding="utf-8")
        head, body = html.split("</head>")
        assert re.findall(r'<link rel="stylesheet" href="([^"]*)">', head) == [prefix + target], page
        assert "shim.js" not in head
        assert f'<script src="{prefix}aset/shim.js"></script><script src="{prefix}assets/javascripts/bundle.' in body


def test_the_same_site_gives_the_same_bytes(tmp_path):
    first, second = _site(tmp_path / "a"), _site(tmp_path / "b")
    assert rapikan(first, ["aset/shim.js"], "/buku/") == rapikan(second, ["aset/shim.js"], "/buku/")
    for path in sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file()):
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


@pytest.mark.parametrize("change", ["external sheet", "relative url", "import"])
def test_a_site_whose_sheets_would_change_meaning_once_joined_is_left_as_it_is(tmp_path, change):
    """An external sheet among them (the cascade order would change), an address relative to its folder or an
    @import (the joined file lives elsewhere, @import only counts at its head)."""
    site = _site(tmp_path)
    if change == "external sheet":
        for page in site.rglob("*.html"):
            page.write_text(page.read_text(encoding="utf-8").replace(
                '<script src="', '<link rel="stylesheet" href="https://cdn.example/luar.css"><script src="', 1),
                encoding="utf-8")
    else:
        (site / "aset" / "buku.css").write_text(".x{background:url(latar.png)}" if change == "relative url"
                                                 else '@import "lain.css";.x{a:1}', encoding="utf-8")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert rapikan(site, ["aset/shim.js"], "/buku/") is None
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_page_linking_other_sheets_than_the_first_is_left_as_it_is(tmp_path):
    site = _site(tmp_path)
    other = site / "lain.html"
    other.write_text(PAGE.format(p="").replace('<link rel="stylesheet" href="aset/buku.css">', ""), encoding="utf-8")
    before = other.read_bytes()
    target = rapikan(site, ["aset/shim.js"], "/buku/")
    assert other.read_bytes() == before
    assert target in (site / "index.html").read_text(encoding="utf-8")


def test_a_site_without_the_themes_sheet_is_left_as_it_is(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
    assert rapikan(site, [], "/") is None
    assert (site / "index.html").read_text(encoding="utf-8") == "<html><head></head><body>x</body></html>"


# The built demo site ----------------------------------------------------------------------------------------

def _joined(demo_site: Path, page: str) -> tuple[str, str]:
    html = (demo_site / page).read_text(encoding="utf-8")
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]*)">', html.split("</head>")[0])
    assert len(hrefs) == 1 and re.fullmatch(r"(/|(\.\./)*)assets/stylesheets/situs\.[0-9a-f]{12}\.min\.css", hrefs[0])
    folder = demo_site if hrefs[0].startswith("/") else (demo_site / page).parent      # 404.html: from the root
    return html, (folder / hrefs[0].lstrip("/")).read_text(encoding="utf-8")


def _rules(css: str):
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            yield from (r for r in tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
                        if r.type == "qualified-rule")


@pytest.mark.slow
@pytest.mark.parametrize("page", ["index.html", "2025-S1/bab-3-jumlah-dan-struktur-penduduk.html",
                                  "2025-S1/kecamatan/binuang.html", "2025-S1/lampiran/pekerjaan.html",
                                  "2024-S2/index.html", "404.html"])
def test_no_rule_that_matches_an_element_of_a_demo_page_is_left_out(demo_site, page):
    """Every rule of the theme's and the book's stylesheets that matches an element of the page as written
    (cssselect2, the selector engine WeasyPrint uses) is in the joined sheet the page links."""
    html, joined = _joined(demo_site, page)
    original = "".join((demo_site / path).read_text(encoding="utf-8") for path in (
        *sorted((demo_site / "assets" / "stylesheets").glob("main.*.min.css")),
        *sorted((demo_site / "assets" / "stylesheets").glob("palette.*.min.css")), demo_site / "aset" / "buku.css"))
    matcher = cssselect2.Matcher()
    rules = list(_rules(original))
    for index, rule in enumerate(rules):
        for selector in tinycss2.serialize(rule.prelude).split(","):
            try:
                for compiled in cssselect2.compile_selector_list(selector):
                    matcher.add_selector(compiled, index)
            except cssselect2.SelectorError:
                pass
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html, namespace_html_elements=False))
    matched = {payload for element in root.iter_subtree() for *_, payload in matcher.match(element)}
    assert len(matched) > 100
    missing = [tinycss2.serialize(rules[i].prelude) for i in sorted(matched) if rules[i].serialize() not in joined]
    assert not missing, missing[:5]


@pytest.mark.slow
def test_the_demo_site_is_trimmed_yet_keeps_what_scripts_and_its_colours_need(demo_site):
    html, joined = _joined(demo_site, "2025-S1/kecamatan/binuang.html")
    material = next((demo_site / "assets" / "stylesheets").glob("main.*.min.css")).stat().st_size
    assert len(joined.encode()) < 0.8 * material
    for kept in (".md-search-result__item", ".md-tooltip2", ".geser-petunjuk", ".tabel-bungkus.bisa-geser",
                 "[data-md-color-primary=teal]", "[data-md-color-accent=deep-orange]"):
        assert kept in joined, kept
    assert "[data-md-color-primary=indigo]{" not in joined       # kept only in a group that names teal
    head, body = html.split("</head>")
    assert "iframe-worker" not in head
    assert re.search(r'<script src="(\.\./)*aset/iframe-worker\.min\.js"></script><script src="(\.\./)*assets/'
                     r'javascripts/bundle\.', body)
