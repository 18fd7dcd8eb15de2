"""Issue 9, hole 6: markup in a region name, a category label, a source note or the Kasi's `analisa.md` never
runs on the public site, in its search, its charts, its downloads or the print document.

The attack: a region master (kecamatan and desa names), a config (`luas.sumber`), a label in the edition's YAML
and an `analisa.md` carrying `<img onerror>`, `"><script>`, `javascript:` links and Jinja (`{{ }}`, `{% %}`);
the site is built (MkDocs, strict) from them. Before the fix a kecamatan name reached the navigation of every
page unescaped, and a `{{ … }}` in it was evaluated by mkdocs-macros (the page title is rendered as Jinja).
The outputs are then read as a browser would (HTML parsed, search index parsed, SVG parsed) and, at the end,
opened in headless Chromium: no handler, no script, no dialog, no error.
"""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from agregat.edisi import jobs
from agregat.buku.build import build_book
from conftest import FIXTURES, ketik_pencarian
from test_book import project_copy
from test_browser import browser, served  # noqa: F401 - the same headless Chromium fixture

GOLDEN = FIXTURES / "golden"
EDISI = "2025-S1"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>window.__xss=1</script>'
JINJA = "{{ 'zq' ~ 'qz' }} {% for i in 'ab' %}W{{ i }}{% endfor %}"
EVALUATED = re.compile(r"zqqz|wawb", re.IGNORECASE)      # what the Jinja above prints if it is ever run
WILAYAH = f"""kode,nama,tingkat,kode_induk,luas_km2,luas_sumber,nama_varian_lama
63.05,Tapin,kabupaten,63,332.48,uji,
63.05.01,Binuang{IMG},kecamatan,63.05,132.39,uji,
63.05.01.1001,"Binuang{SCRIPT.replace('"', '""')}",kelurahan,63.05.01,,,
63.05.01.2003,Tungkap {JINJA},desa,63.05.01,,,
63.05.08,Piani [klik](javascript:alert(2)) {{{{ config }}}},kecamatan,63.05,200.09,uji,
63.05.08.2001,"=HYPERLINK(""http://x.invalid"") <svg onload=alert(3)>",desa,63.05.08,,,
"""
SUMBER = "Uji <img src=x onerror=window.__xss=2> {{ 'zq' ~ 'qz' }} [a](javascript:alert(4))"
NAMA = "Tapin <img src=x onerror=window.__xss=6> {{ 'zq' ~ 'qz' }}"     # the config's kabupaten name
LABEL = "ISLAM <img src=x onerror=alert(5)> {{ 'zq' ~ 'qz' }}"
ANALISA = """## Catatan <img src=x onerror=window.__xss=3> Kasi

Teks <script>window.__xss=4</script> dengan [tautan](javascript:window.__xss=5) dan
<a href="javascript:alert(6)" onclick="alert(7)">klik</a> {{ 'zq' ~ 'qz' }} {% raw %} [sumber](https://dukcapil.go.id).

<iframe src="javascript:alert(8)"></iframe><style>body{display:none}</style>

- Penduduk naik *sedikit*.

### Penutup
Terima kasih.
"""


class Live(HTMLParser):
    """Everything in a document that a browser would run or load from the attack: event handlers, scripts
    naming the payloads, `javascript:` URLs, frames, and `<img src=x>`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    re.sub(r"\s", "", value).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag in ("iframe", "object", "embed", "foreignobject"):
            self.found.append(f"<{tag}>")
        if tag == "img" and dict(attrs).get("src", "").lower() == "x":
            self.found.append("<img src=x>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and re.search(r"__xss|alert\(", data, re.IGNORECASE):
            self.found.append(f"<script>{data[:40]}")


def live(html: str) -> list[str]:
    parser = Live()
    parser.feed(html)
    parser.close()
    return parser.found


def _hostile_label(folder: Path) -> None:
    """The label ISLAM of agama.yml becomes `LABEL` (category list and every region's data)."""
    path = folder / "agama.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for kategori in doc["kategori"]:
        if kategori["label"] == "ISLAM":
            kategori["label"] = LABEL
    for region in doc["wilayah"].values():
        region["data"] = {(LABEL if k == "ISLAM" else k): v for k, v in region["data"].items()}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The golden register aggregated against a hostile region master and config, a hostile label and
    analisa.md, and the site built from it (strict)."""
    tmp = tmp_path_factory.mktemp("markup")
    root = project_copy(tmp)
    config_dir = tmp / "konfigurasi"
    config_dir.mkdir()
    (config_dir / "wilayah.csv").write_text(WILAYAH, encoding="utf-8")
    config = (GOLDEN / "kabupaten.yml").read_text(encoding="utf-8")
    config = re.sub(r'(?m)^  sumber: .*$', "  sumber: " + json.dumps(SUMBER), config)
    config = re.sub(r'(?m)^nama: .*$', "nama: " + json.dumps(NAMA), config)
    (config_dir / "kabupaten.yml").write_text(config, encoding="utf-8")
    jobs.aggregate(GOLDEN / "register.csv", EDISI, config_dir / "kabupaten.yml", root / "data")
    edition = root / "data" / EDISI
    _hostile_label(edition)
    (edition / "analisa.md").write_text(ANALISA, encoding="utf-8")
    result = build_book(root=root, site_dir=root / "site", pdf=False)
    return root, result.site_dir


def _files(site: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


@pytest.mark.slow
def test_the_hostile_names_reached_the_site(hostile):
    """The attack is real: the names are in the edition and on the pages, as text."""
    root, site = hostile
    penduduk = yaml.safe_load((root / "data" / EDISI / "penduduk.yml").read_text(encoding="utf-8"))["wilayah"]
    assert IMG.upper() in penduduk["63.05.01"]["nama"] and "{{ 'ZQ' ~ 'QZ' }}" in penduduk["63.05.01.2003"]["nama"]
    kecamatan = next((site / EDISI / "kecamatan").glob("binuang*.html")).read_text(encoding="utf-8")
    assert "Kecamatan Binuang&lt;Img Src=X Onerror=Alert(1)&gt;" in kecamatan     # title, nav, heading
    index = (site / EDISI / "index.html").read_text(encoding="utf-8")
    assert index.count("Binuang&lt;Img Src=X Onerror=Alert(1)&gt;") >= 1           # the navigation
    lampiran = (site / EDISI / "lampiran" / "penduduk.html").read_text(encoding="utf-8")
    assert "TUNGKAP &#123;&#123; &#39;ZQ&#39; ~ &#39;QZ&#39; &#125;&#125; &#123;% FOR I IN &#39;AB&#39; %&#125;" in lampiran
    assert "BINUANG&#34;&gt;&lt;SCRIPT&gt;WINDOW.__XSS=1&lt;/SCRIPT&gt;" in lampiran
    bab2 = (site / EDISI / "bab-2-gambaran-umum-wilayah.html").read_text(encoding="utf-8")
    assert "Uji &lt;img src=x onerror=window.__xss=2&gt; &#123;&#123; &#39;zq&#39; ~ &#39;qz&#39; &#125;&#125;" in bab2
    agama = (site / EDISI / "bab-4-komposisi-penduduk.html").read_text(encoding="utf-8")
    assert "ISLAM &lt;img src=x onerror=alert(5)&gt; &#123;&#123;" in agama


@pytest.mark.slow
def test_no_page_runs_markup_or_jinja_from_the_data(hostile):
    _, site = hostile
    pages = _files(site, ".html")
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not live(html), f"{page.relative_to(site)}: {live(html)}"
        assert not EVALUATED.search(html), f"{page.relative_to(site)}: a name was evaluated as Jinja"


@pytest.mark.slow
def test_the_kasi_text_is_markdown_without_raw_html(hostile):
    _, site = hostile
    html = (site / EDISI / "bab-7-analisa.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    assert not live(article)
    assert "<style>" not in article and "display:none" not in article and "<iframe" not in article
    assert "__xss=4" not in article and "__xss=5" not in article and "alert(6)" not in article   # removed
    assert "<em>sedikit</em>" in article and "<li>Penduduk naik" in article            # Markdown is rendered
    assert re.search(r'<a href="https://dukcapil.go.id" rel="noopener noreferrer nofollow">sumber</a>', article)
    assert re.search(r'<h2 id="[^"]+">Catatan (&lt;img src=x onerror=window.__xss=3&gt; )?Kasi</h2>', article)
    assert re.search(r'<a [^>]*href="#penutup"', html), "the analisa's headings are missing from the page toc"
    assert "&#123;&#123; &#39;zq&#39; ~ &#39;qz&#39; &#125;&#125;" in article or "&#123;&#123; 'zq'" in article


@pytest.mark.slow
def test_search_index_and_sitemap_hold_text_only(hostile):
    """Material renders search titles and texts as HTML: they must be escaped text."""
    _, site = hostile
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = [d["title"] for d in index["docs"]]
    assert any("Binuang&lt;Img Src=X Onerror=Alert(1)&gt;" in t for t in titles), titles[:20]
    for doc in index["docs"]:
        assert not live(doc["title"]) and not live(doc["text"]), doc["location"]
        assert "<img" not in doc["title"].lower() + doc["text"].lower(), doc["location"]
        assert not EVALUATED.search(doc["title"] + doc["text"]), doc["location"]
    for path in _files(site, ".xml"):
        text = path.read_text(encoding="utf-8")
        assert "<img" not in text.lower() and "<script" not in text.lower() and not EVALUATED.search(text)


@pytest.mark.slow
def test_charts_are_inert_svg(hostile):
    _, site = hostile
    charts = _files(site, ".svg")
    assert charts
    for chart in charts:
        svg = chart.read_text(encoding="utf-8")
        assert not live(svg), f"{chart.name}: {live(svg)}"
        assert "<script" not in svg.lower() and not EVALUATED.search(svg), chart.name
    per_kecamatan = (site / EDISI / "grafik" / "penduduk-per-kecamatan.svg").read_text(encoding="utf-8")
    assert "BINUANG&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in per_kecamatan


@pytest.mark.slow
def test_downloads_keep_the_text_and_no_spreadsheet_formula(hostile):
    """CSV/XLSX/JSON are data, not HTML: names stay as written, but nothing is read as a formula."""
    import csv

    import openpyxl

    _, site = hostile
    unduhan = site / EDISI / "unduhan"
    hostile_desa = '=HYPERLINK("HTTP://X.INVALID") <SVG ONLOAD=ALERT(3)>'
    for path in _files(unduhan, ".csv"):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        for row in rows[1:]:
            assert row[1][:1] not in ("=", "+", "-", "@"), (path.name, row[1])
        if path.name == "penduduk.csv":
            assert ["63.05.08.2001", "'" + hostile_desa] == rows[-1][:2] or \
                any(r[:2] == ["63.05.08.2001", "'" + hostile_desa] for r in rows)
    sheet = openpyxl.load_workbook(unduhan / "penduduk.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == hostile_desa]
    assert cells and all(c.data_type == "s" for c in cells)           # a text cell, never a formula
    package = json.loads((unduhan / "datapackage.json").read_text(encoding="utf-8"))
    assert SUMBER in json.dumps(package, ensure_ascii=False)           # the source note, as written
    for path in _files(site, ".json"):
        json.loads(path.read_text(encoding="utf-8"))                   # every JSON file still parses


@pytest.mark.slow
def test_the_print_document_is_escaped_too(hostile, tmp_path):
    from agregat.buku.cetak import dokumen_cetak
    from agregat.edisi.muat import muat_edisi

    root, _ = hostile
    html = dokumen_cetak(muat_edisi(root / "data", EDISI), root / "docs" / "templates" / "buku", tmp_path)
    assert not live(html), live(html)
    assert not EVALUATED.search(html) and "<style>body" not in html
    assert "Uji &lt;img src=x onerror=window.__xss=2&gt;" in html
    assert "KABUPATEN TAPIN &lt;IMG SRC=X ONERROR=WINDOW.__XSS=6&gt; &#123;&#123;" in html     # the cover
    assert "<em>sedikit</em>" in html and "__xss=4" not in html and "alert(6)" not in html
    daftar_isi = html[html.index('id="daftar-isi"'):html.index('id="daftar-tabel"')]
    assert "Penutup" in daftar_isi and "Kasi" in daftar_isi                     # the analisa's headings
    assert "&amp;lt;" not in daftar_isi and "&amp;amp;" not in daftar_isi       # escaped once, not twice


def test_the_covering_letter_escapes_what_it_is_given():
    import datetime as dt

    from agregat.buku.surat import Surat, surat_pengantar

    surat = Surat(dinas="Dinas <b>X</b>", kabupaten="Tapin", ibu_kota="Rantau", judul_buku="Buku {{ 7*7 }}",
                  nomor="470/<script>alert(1)</script>", tanggal=dt.date(2025, 7, 1), penerima='Kepala "><img src=x>',
                  eksemplar=2, penanda_tangan="Nama", nip="1", jabatan="Kepala Dinas")
    html = surat_pengantar(surat)
    assert not live(html) and "<b>X</b>" not in html and "{{" not in html
    assert "470/&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the one escaping rule and the Markdown sanitiser, without MkDocs --------------------------------------

@pytest.mark.parametrize("value", [IMG, SCRIPT, JINJA, SUMBER, LABEL, "A & B 'C' \"D\"", "[x](javascript:y)", 7, None])
def test_teks_leaves_nothing_html_jinja_or_markdown_would_read(value):
    import jinja2
    import markdown

    from agregat.core.aman import teks

    out = str(teks(value))
    assert not re.search(r"[<>{}\[\]\"']", out) and not re.search(r"&(?!amp;|lt;|gt;|#\d+;)", out)
    assert jinja2.Environment().from_string(out).render() == out                   # Jinja: plain text
    assert "<a" not in markdown.markdown(out) and not live(markdown.markdown(out))  # Markdown: no link
    assert html_unescape(out) == str(value)                                        # and it reads back the same
    assert teks(teks(value)) == teks(value)                                         # Markup is not escaped twice


def test_jinja_aman_escapes_what_a_template_prints():
    import jinja2
    from markupsafe import Markup

    from agregat.core.aman import jinja_aman

    env = jinja_aman(jinja2.Environment())
    out = env.from_string("{{ a }}|{{ b }}|{{ c }}").render(a=IMG, b=Markup("<b>makro</b>"), c="{{ 7*7 }}")
    assert out == "&lt;img src=x onerror=alert(1)&gt;|<b>makro</b>|&#123;&#123; 7*7 &#125;&#125;"


def test_markdown_aman_removes_raw_html_and_keeps_markdown():
    from agregat.core.aman import markdown_aman

    text = ("## Judul <b>tebal</b> & [x](javascript:alert(1))\n\nparagraf <script>alert(2)</script> "
            "<img src=y onerror=alert(3)> [ok](https://contoh.go.id \"t\") [jahat](JaVaScRiPt:alert(4))\n\n"
            "> ## di dalam kutipan\n\n<div onclick=alert(5)>blok\n\n<p style=x>lagi</p></div>\n\n"
            "para <i>tak ditutup\n\n### Akhir\u2028baris\n")
    out = str(markdown_aman(text))
    assert not live(out) and "<script" not in out and "style=" not in out and "alert(2)" not in out
    assert "\n## Judul tebal &amp; x\n" in out                        # a top-level heading, as Markdown
    assert "<h2>di dalam kutipan</h2>" in out                            # a nested one stays in its block
    assert '<a href="https://contoh.go.id" title="t" rel="noopener noreferrer nofollow">ok</a>' in out
    assert re.search(r"\n### Akhir.baris\n", out)
    import markdown

    page = markdown.markdown("# Bab\n" + out + "\nsesudah", extensions=["md_in_html", "toc", "attr_list"])
    assert not live(page) and "<p>sesudah</p>" in page and page.count("<div") == page.count("</div>")


# --- in a real browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_url(hostile):
    _, site = hostile
    with served(site, "situs-jahat") as url:
        yield url


@pytest.mark.slow
def test_chromium_runs_nothing_from_the_hostile_names(hostile, hostile_url, browser):  # noqa: F811
    """Every page of the edition and a search for the hostile kecamatan, in headless Chromium: no dialog, no
    uncaught error (an upper-cased `ONERROR=ALERT(1)` that ran would throw), no flag set by a payload, no
    element carrying an event handler."""
    _, site = hostile
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(hostile_url)
                  or r.request.url.startswith(("data:", "blob:")) else r.abort())
    paths = [p.relative_to(site).as_posix() for p in _files(site / EDISI, ".html")] + ["index.html"]
    try:
        for path in paths:
            page.goto(hostile_url + path, wait_until="load")
            flags = page.evaluate("""() => ({
                xss: typeof window.__xss !== 'undefined' || typeof window.__XSS !== 'undefined',
                handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
                    .filter(a => a.name.startsWith('on')).map(a => a.ownerElement.tagName + ' ' + a.name),
                frames: document.querySelectorAll('iframe, object, embed').length })""")
            assert flags == {"xss": False, "handlers": [], "frames": 0}, (path, flags)
        page.goto(hostile_url + "index.html", wait_until="load")
        ketik_pencarian(page, "Binuang").first.wait_for(state="attached")
        results = page.locator(".md-search-result__list").inner_html()
        assert "Binuang" in results and not live(results), results[:500]
        assert page.evaluate("typeof window.__xss") == "undefined"
    finally:
        context.close()
    assert not dialogs, dialogs
    assert not errors, errors

