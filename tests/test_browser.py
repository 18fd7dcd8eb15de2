"""The website in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

The site is built once per test run into a temporary folder (conftest's `demo_site`) and served on 127.0.0.1
by Python's http.server.
Every request that would leave 127.0.0.1 is blocked and recorded: the site must work offline.
axe-core comes from npm (tests/browser/package.json, lock committed, node_modules git-ignored).

Locally a missing Chromium, Playwright or axe-core skips these tests; with CI=true it fails them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ketik_pencarian

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BROWSER_DIR = Path(__file__).resolve().parent / "browser"
AXE_JS = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
EDISI = "2025-S1"
BAB_3 = f"{EDISI}/bab-3-jumlah-dan-struktur-penduduk.html"
KECAMATAN = f"{EDISI}/kecamatan/binuang.html"
LAMPIRAN = f"{EDISI}/lampiran/pekerjaan.html"      # the widest appendix (94 categories), split as in print
PONSEL, DESKTOP = (390, 844), (1366, 900)
CSV_HEADER = "kode_wilayah,nama_wilayah,tingkat"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(message: str):
    """A missing tool fails the test on CI and skips it locally: never a silent pass."""
    if _in_ci():
        pytest.fail(f"{message} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


# --- site, server, browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def site_dir(demo_site) -> Path:
    return demo_site        # conftest.py: the demo editions' site, built once per test run


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def served(folder: Path, name: str = "situs-http"):
    """A plain static HTTP server on 127.0.0.1 for `folder`; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    with served(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One Chromium for this module. Module scope, not session: Playwright's sync API keeps an asyncio loop
    running in this thread until it stops, and later tests (pyHanko, Dask) need `asyncio.run`."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -r requirements-dev.txt")
    executable = _chromium_path()
    if executable is None:
        _unavailable("Chromium not found at /usr/bin/chromium: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable browser"
            _unavailable(f"Chromium at {executable} did not start under Playwright: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script; installed with `npm ci --prefix tests/browser` when it is missing or stale."""
    wanted = json.loads((BROWSER_DIR / "package.json").read_text())["dependencies"]["axe-core"]
    installed = AXE_JS.parent / "package.json"

    def current() -> bool:
        return AXE_JS.is_file() and json.loads(installed.read_text()).get("version") == wanted

    if not current():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable(f"axe-core {wanted} is not installed and npm is missing: install Node.js and npm, "
                         "then run: npm ci --prefix tests/browser")
        done = subprocess.run([npm, "ci", "--prefix", str(BROWSER_DIR), "--no-audit", "--no-fund"],
                              check=False, capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not current():
            _unavailable(f"npm ci --prefix tests/browser failed (exit {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-800:]}")
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class Tab:
    """One page in a fresh browser context, with everything that went wrong while it was open."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def open(self, path: str):
        response = self.page.goto(urljoin(self.base_url, path), wait_until="load")
        assert response is not None and response.ok, f"GET /{path}: {response and response.status}"
        return response

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors]
                + [f"request leaving 127.0.0.1 (blocked): {u}" for u in self.outside]
                + [f"failed request: {f}" for f in self.failed])


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == "127.0.0.1"


@pytest.fixture
def tab(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    result = Tab(page, base_url)

    def route(request_route):
        url = request_route.request.url
        if _local(url):
            request_route.continue_()
        else:
            result.outside.append(url)
            request_route.abort("internetdisconnected")

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and result.console_errors.append(
        f"{m.text} ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
    page.on("requestfailed", lambda r: _local(r.url) and result.failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and result.failed.append(f"{r.url}: HTTP {r.status}"))
    try:
        yield result
    finally:
        context.close()


# --- (1) pages render, offline, without errors ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["index.html", BAB_3, KECAMATAN])
def test_page_renders_offline_without_errors(tab, path):
    tab.open(path)
    tab.page.wait_for_load_state("networkidle")
    heading = tab.page.locator("article h1").first
    assert heading.is_visible(), f"/{path} shows no <h1> in its article"
    assert heading.inner_text().strip(), f"/{path} has an empty <h1>"
    assert not tab.problems(), f"/{path}:\n" + "\n".join(tab.problems())


# --- (2) search finds a desa ------------------------------------------------------------------------------------

@pytest.mark.parametrize("desa", ["Tungkap", "Pipitak Jaya"])
def test_search_finds_a_desa(tab, desa):
    tab.open("index.html")
    page = tab.page
    links = ketik_pencarian(page, desa)
    try:
        links.first.wait_for(state="attached", timeout=8_000)
    except Exception:  # noqa: BLE001 - report what the search box said instead of a bare timeout
        meta = page.locator(".md-search-result__meta").inner_text()
        raise AssertionError(f"search for {desa!r} listed no result; the search box says {meta!r}; "
                             + "; ".join(tab.problems())) from None
    hrefs = [urljoin(page.url, h) for h in links.evaluate_all("els => els.map(a => a.href)")]
    assert hrefs, f"search for {desa!r}: no result links"
    hits = []
    for href in hrefs[:10]:
        target = page.context.request.get(href.split("#")[0])
        if target.ok and desa.lower() in target.text().lower():
            hits.append(href)
    assert hits, f"search for {desa!r}: none of the first results contains it: {hrefs[:10]}"
    assert any(f"/{EDISI}/" in h or "/2024-S2/" in h for h in hits), hits
    assert not tab.problems(), "\n".join(tab.problems())


# --- (3) a download link returns its CSV -----------------------------------------------------------------------

def test_csv_link_under_a_table_downloads_the_table(tab):
    tab.open(BAB_3)
    page = tab.page
    first_table = page.locator("table.tabel-data").first
    link = page.locator("p.unduhan a", has_text="CSV").first
    assert link.is_visible(), "no visible 'CSV' link under a table on bab-3"
    href = link.get_attribute("href")
    assert href and href.endswith(".csv"), href
    url = urljoin(page.url, href)

    with page.expect_download() as download_info:
        link.click()
    served = page.evaluate("""async url => {
        const r = await fetch(url);
        return {status: r.status, type: r.headers.get("content-type") || ""};
    }""", url)
    assert served["status"] == 200, f"{url}: HTTP {served['status']}"
    content_type = served["type"].split(";")[0].strip()
    assert content_type in {"text/csv", "text/plain", "application/csv"}, f"{url}: Content-Type {served['type']!r}"
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines and lines[0].startswith(CSV_HEADER), f"{href}: header line is {lines[:1]}"

    first_code = first_table.locator("tbody tr").first.locator("th, td").first.get_attribute("data-sort")
    assert any(line.startswith((f"{first_code},", f'"{first_code}",')) for line in lines[1:]), (
        f"{href} has no row for {first_code}, the first row of the table above the link")
    assert not tab.problems(), "\n".join(tab.problems())


# --- (4) accessibility: no serious or critical axe violation -------------------------------------------------

@pytest.mark.parametrize("path", ["index.html", BAB_3, KECAMATAN])
def test_axe_finds_no_serious_violation(tab, axe_source, path):
    tab.open(path)
    page = tab.page
    page.wait_for_load_state("networkidle")
    page.evaluate(axe_source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v.get("impact") in {"serious", "critical"}]
    report = []
    for violation in serious:
        report.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            report.append(f"    {node['target']}  {node['html'][:160]}")
            if node.get("failureSummary"):
                report.append("      " + node["failureSummary"].replace("\n", "\n      ")[:400])
        if len(violation["nodes"]) > 8:
            report.append(f"    … and {len(violation['nodes']) - 8} more elements")
    assert not serious, f"axe-core {results['testEngine']['version']} on /{path}:\n" + "\n".join(report)


# --- (5) tables sort by raw value ------------------------------------------------------------------------------

def _column(table, index: int) -> list[float]:
    return [float(v) for v in table.locator(f"tbody tr > :nth-child({index + 1})").evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-sort'))")]


def test_table_sorts_by_raw_value(tab):
    tab.open(BAB_3)
    page = tab.page
    table = page.locator("table.tabel-data#tabel-3-2")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    index = headers.index("Jumlah")
    header = table.locator("thead th").nth(index)
    before = _column(table, index)
    assert len(before) > 2 and len(set(before)) > 2, f"tabel 3.2 'Jumlah' has too few distinct values: {before}"
    page.wait_for_function("document.querySelector('#tabel-3-2').hasAttribute('data-tersortir')")

    seen = set()
    for _ in range(2):
        header.click()
        order = header.get_attribute("aria-sort")
        assert order in {"ascending", "descending"}, f"after a click the header's aria-sort is {order!r}"
        values = _column(table, index)
        expected = sorted(before, reverse=order == "descending")
        first, word = (min(before), "smallest") if order == "ascending" else (max(before), "largest")
        assert values[0] == first, f"{order}: first row is {values[0]}, the {word} raw value is {first}: {values}"
        assert values == expected, f"{order}: column is {values}, expected {expected}"
        seen.add(order)
    assert seen == {"ascending", "descending"}, f"two clicks gave {seen}: the second must reverse the order"
    # The total row stays at the bottom, outside the sorted body.
    assert table.locator("tfoot tr").count() == 1
    assert not tab.problems(), "\n".join(tab.problems())


# --- (6) a chart image loads and has alt text -------------------------------------------------------------------

@pytest.mark.parametrize("path", [BAB_3, KECAMATAN])
def test_chart_images_load_with_alt_text(tab, path):
    tab.open(path)
    page = tab.page
    images = page.locator("article img")
    assert images.count() > 0, f"/{path} has no chart image"
    for image in images.all():
        image.scroll_into_view_if_needed()
    page.wait_for_function("Array.from(document.querySelectorAll('article img')).every(i => i.complete)")
    found = images.evaluate_all(
        "imgs => imgs.map(i => ({src: i.getAttribute('src'), w: i.naturalWidth, alt: i.getAttribute('alt')}))")
    broken = [f["src"] for f in found if not f["w"]]
    no_alt = [f["src"] for f in found if not (f["alt"] or "").strip()]
    assert not broken, f"/{path}: images that did not load (naturalWidth 0): {broken}"
    assert not no_alt, f"/{path}: images with no alt text: {no_alt}"
    assert not tab.problems(), "\n".join(tab.problems())


# --- (7) a phone and a desktop: tables scroll inside their wrapper, charts stay legible --------------------

# For every data table: its wrapper, whether it scrolls, the hint, and after scrolling to the far right where
# the Jumlah header, the first row's name cell and the caption are (all relative to the wrapper's box).
_TABEL_JS = """() => Array.from(document.querySelectorAll('table.tabel-data')).map(table => {
    const wrap = table.closest('.tabel-bungkus'), caption = table.querySelector('caption');
    const box = el => { const r = el.getBoundingClientRect(), w = wrap.getBoundingClientRect();
                        return {left: r.left - w.left, right: r.right - w.left, width: w.width}; };
    const heads = Array.from(table.querySelectorAll('thead th')).map(th => th.textContent.trim());
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    const hint = wrap.previousElementSibling;
    const hintShown = !!hint && hint.classList.contains('geser-petunjuk') && !hint.hidden && hint.offsetHeight > 0;
    const before = box(caption);
    wrap.scrollLeft = wrap.scrollWidth;
    const lastHead = table.querySelector('thead th:last-child');
    const name = table.querySelector('tbody tr:first-child .nama');
    const result = {id: caption.id || table.id, heads, scrolls, marked: wrap.classList.contains('bisa-geser'),
                    hintShown, focusable: wrap.tabIndex === 0, caption: [before, box(caption)],
                    captionClipped: caption.scrollWidth > caption.clientWidth + 1,
                    last: box(lastHead), lastText: lastHead.textContent.trim(),
                    name: name && box(name), scrollLeft: wrap.scrollLeft};
    wrap.scrollLeft = 0;
    return result;
})"""

# Each chart's smallest text in CSS pixels as shown: the SVG's smallest font-size (in its viewBox units) times
# the rendered width over the viewBox width; the SVG chosen by the browser (<picture>) is fetched.
_GRAFIK_JS = """async () => Promise.all(Array.from(document.querySelectorAll('figure.grafik img')).map(async img => {
    const svg = await (await fetch(img.currentSrc)).text();
    const viewBox = svg.match(/viewBox="([^"]+)"/)[1].split(/\\s+/).map(Number);
    const sizes = Array.from(svg.matchAll(/font-size: ?([0-9.]+)px/g), m => Number(m[1]));
    return {src: img.currentSrc, width: img.getBoundingClientRect().width,
            smallest: Math.min(...sizes) * img.getBoundingClientRect().width / viewBox[2]};
}))"""


@pytest.mark.parametrize("viewport", [PONSEL, DESKTOP], ids=["390x844", "1366x900"])
@pytest.mark.parametrize("path", ["index.html", BAB_3, KECAMATAN, LAMPIRAN])
def test_tables_and_charts_fit_a_phone_and_a_desktop(tab, tmp_path, viewport, path):
    page = tab.page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    tab.open(path)
    page.wait_for_load_state("networkidle")
    shot = tmp_path / f"{path.replace('/', '_')}-{viewport[0]}x{viewport[1]}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 1000, f"no screenshot of /{path}"

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"/{path} at {viewport}: the page scrolls sideways ({width[0]} > {width[1]} px)"

    problems = []
    for t in page.evaluate(_TABEL_JS):
        where = f"{t['id']} at {viewport[0]} px"
        if len(t["heads"]) - 3 > 20:
            problems.append(f"{where}: {len(t['heads'])} columns, not split as in print")
        first, last = t["caption"]
        for c in (first, last):
            if c["left"] < -1 or c["right"] > c["width"] + 1:
                problems.append(f"{where}: caption outside the visible width ({c})")
        if t["captionClipped"]:
            problems.append(f"{where}: caption text cut")
        if t["last"]["left"] < -1 or t["last"]["right"] > t["last"]["width"] + 1:
            problems.append(f"{where}: last column {t['lastText']!r} not reachable by scrolling ({t['last']})")
        if not t["scrolls"]:
            continue
        if not (t["marked"] and t["hintShown"] and t["focusable"]):
            problems.append(f"{where}: scrolls without its cue (class {t['marked']}, hint {t['hintShown']}, "
                            f"focusable {t['focusable']})")
        if t["name"] is None or t["name"]["left"] < -1:      # sticky: at most pushed to the left edge
            problems.append(f"{where}: the name column scrolls out of sight: {t['name']}")
    assert not problems, f"/{path}:\n" + "\n".join(problems[:20])
    if path == LAMPIRAN:
        heads = [h for t in page.evaluate(_TABEL_JS) for h in t["heads"]]
        assert "Jumlah" in heads and heads.count("Kode") > 12, "the appendix is not split into parts"

    charts = page.evaluate(_GRAFIK_JS)
    assert charts or path == LAMPIRAN, f"/{path} has no chart"
    small = [c for c in charts if c["smallest"] < 11]
    assert not small, f"/{path} at {viewport}: chart text under 11 px: {small}"
    if viewport == PONSEL:
        assert all(c["src"].endswith("-sempit.svg") for c in charts), charts
    assert not tab.problems(), "\n".join(tab.problems())


def test_age_table_shows_the_band_once(tab):
    tab.open(BAB_3)
    table = tab.page.locator("table.tabel-data", has_text="Menurut Kelompok Umur").first
    heads = table.locator("thead th").all_inner_texts()
    assert [h.strip() for h in heads] == ["Kategori", "LK", "PR", "Jumlah", "%"]


_KEPALA_JS = """() => [...document.querySelectorAll('table.tabel-data')].map(t =>
  [...t.querySelectorAll('thead tr:last-child th')].map(th => {
    const range = document.createRange(); range.selectNodeContents(th);
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    const box = th.getBoundingClientRect(), s = getComputedStyle(th);
    const left = box.left + parseFloat(s.paddingLeft), right = box.right - parseFloat(s.paddingRight);
    const textLeft = Math.min(...rects.map(r => r.left)), textRight = Math.max(...rects.map(r => r.right));
    return {text: th.textContent.trim(), bottom: Math.max(...rects.map(r => r.bottom)),
            off: (textLeft + textRight) / 2 - (left + right) / 2, fits: textRight - textLeft <= right - left};
  }))"""


@pytest.mark.parametrize("viewport", [PONSEL, DESKTOP], ids=["390x844", "1366x900"])
@pytest.mark.parametrize("path", [KECAMATAN, LAMPIRAN])
def test_the_headers_of_a_table_end_on_one_line_centred_in_their_columns(tab, viewport, path):
    """The headers of a table all end on its header row's bottom line (vertical-align: bottom) and stand in the
    middle of their columns. Before the fix, Material's sort icon (inline, 1.2em) wrapped below a short header
    in a narrow phone column and lifted it: "PR" stood above "LK", and "LK" left of its column's middle."""
    page = tab.page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    tab.open(path)
    page.wait_for_load_state("networkidle")
    problems = []
    for index, heads in enumerate(page.evaluate(_KEPALA_JS), start=1):
        bottoms = [h["bottom"] for h in heads]
        if max(bottoms) - min(bottoms) > 1:
            problems.append(f"table {index}: header bottoms {[(h['text'], round(h['bottom'])) for h in heads]}")
        off = [(h["text"], round(h["off"], 1)) for h in heads if h["fits"] and abs(h["off"]) > 1.5]
        if off:
            problems.append(f"table {index}: headers off their column's middle (px): {off}")
    assert not problems, f"/{path} at {viewport[0]} px:\n" + "\n".join(problems[:10])


# --- (8) opened from disk (file://): search works, the navigation stays above the footer -------------------

@pytest.fixture
def disk_tab(browser):
    """A page for the site opened from disk; any request that is not a file is blocked and recorded."""
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    result = Tab(page, "")

    def route(request_route):
        url = request_route.request.url
        if urlsplit(url).scheme in {"file", "data", "blob", "about"}:
            request_route.continue_()
        else:
            result.outside.append(url)
            request_route.abort("internetdisconnected")

    context.route("**/*", route)
    page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
    try:
        yield result
    finally:
        context.close()


def test_search_works_from_disk(disk_tab, site_dir):
    page = disk_tab.page
    page.goto((site_dir / "index.html").as_uri(), wait_until="load")
    query = page.locator("input.md-search__input")
    query.wait_for(state="visible", timeout=8_000)
    query.click()
    query.press_sequentially("Tungkap", delay=20)
    links = page.locator(".md-search-result__list a.md-search-result__link")
    links.first.wait_for(state="attached", timeout=8_000)
    hrefs = links.evaluate_all("els => els.map(a => a.href)")
    assert any(h.startswith("file://") and "/kecamatan/binuang.html" in h for h in hrefs), hrefs
    assert not disk_tab.outside and not disk_tab.page_errors, disk_tab.outside + disk_tab.page_errors


_NAV_FOOTER_JS = """() => { window.scrollTo(0, document.body.scrollHeight);
    const nav = document.querySelector('.md-sidebar--primary .md-sidebar__scrollwrap').getBoundingClientRect();
    return [nav.bottom, document.querySelector('.md-footer').getBoundingClientRect().top]; }"""


@pytest.mark.parametrize("index_loads", [True, False], ids=["search-index", "search-index-missing"])
def test_navigation_never_covers_the_footer_of_a_short_page(browser, site_dir, index_loads):
    """From disk; the second time the search index cannot be read, which stops the theme's script (it sets the
    navigation's height): the style sheet alone keeps the navigation above the footer."""
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": 700})
    try:
        if not index_loads:
            context.route("**/search/search_index.*", lambda route: route.abort())
        page = context.new_page()
        page.goto((site_dir / "arsip.html").as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        bottom, footer = page.evaluate(_NAV_FOOTER_JS)
        page.wait_for_timeout(300)
        bottom, footer = page.evaluate(_NAV_FOOTER_JS)
        assert bottom <= footer + 1, f"the navigation ends at {bottom} px, under the footer's top at {footer} px"
    finally:
        context.close()


# --- (11) the joined, trimmed stylesheet paints as the theme's own sheets (agregat.buku.aset_situs) -------------

def _theme_sheets(html: str, site_dir: Path) -> str:
    """The page as MkDocs and Material wrote it, before `aset_situs`: the theme's main and palette sheets
    and buku.css in the head in place of the joined sheet, the polyfill back in the head."""
    prefix = re.search(r'<link rel="stylesheet" href="([^"]*)assets/stylesheets/situs\.[0-9a-f]+\.min\.css">',
                       html).group(1)
    sheets = [p.relative_to(site_dir).as_posix() for p in (
        *sorted((site_dir / "assets" / "stylesheets").glob("main.*.min.css")),
        *sorted((site_dir / "assets" / "stylesheets").glob("palette.*.min.css")), site_dir / "aset" / "buku.css")]
    links = "".join(f'<link rel="stylesheet" href="{prefix}{s}">' for s in sheets)
    shim = f'<script src="{prefix}aset/iframe-worker.min.js"></script>'
    html = re.sub(r'<link rel="stylesheet" href="[^"]*situs\.[0-9a-f]+\.min\.css">', lambda _: links, html, count=1)
    return html.replace(shim, "", 1).replace("</head>", shim + "</head>", 1)


def _pixels_apart(first: bytes, second: bytes) -> float:
    """The share of pixels of two screenshots of one size whose colours differ by more than 32 levels."""
    import io

    from PIL import Image, ImageChops

    a, b = (Image.open(io.BytesIO(shot)).convert("RGB") for shot in (first, second))
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(histogram[33:]) / (a.width * a.height)


@pytest.mark.parametrize("viewport", [PONSEL, DESKTOP], ids=["390x844", "1366x900"])
@pytest.mark.parametrize("path", ["index.html", KECAMATAN, LAMPIRAN, "search"])
def test_the_joined_stylesheet_paints_the_page_as_the_themes_own(tab, site_dir, viewport, path):
    """Screenshots of the top and the end of the page (for "search": the search dialog open on its results,
    which the theme's script builds) with the joined sheet and with the theme's own sheets
    are the same picture. At most 0,2 % of the pixels may differ: Chromium draws a wide table's sticky,
    masked cells a pixel apart from one shot to the next, whatever the sheet; a rule left out changes far
    more (tests/test_aset_situs.py checks every rule that matches an element of the page as written)."""
    page = tab.page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    target = "index.html" if path == "search" else path
    theirs = _theme_sheets((site_dir / target).read_text(encoding="utf-8"), site_dir)

    def as_written(route):
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=theirs)

    shots = []
    for original in (False, True):
        if original:
            page.route(urljoin(tab.base_url, target), as_written)
        tab.open(target)
        page.wait_for_load_state("networkidle")
        assert ("iframe-worker" in page.evaluate("document.head.innerHTML")) == original
        if path == "search":
            ketik_pencarian(page, "Binuang").first.wait_for(state="visible")
            page.wait_for_timeout(400)      # the dialog's transition (Material: 250 ms)
            # the dialog alone: the overlay behind it fades in at the script's pace
            shots.append([page.locator(".md-search__inner").screenshot(animations="disabled")])
            continue
        shots.append([])
        for end in (0, 1):
            page.evaluate(f"window.scrollTo(0, {end} * document.documentElement.scrollHeight)")
            page.wait_for_timeout(100)
            shots[-1].append(page.screenshot(animations="disabled"))
    assert min(len(shot) for shot in shots[0]) > 1000
    for index, (joined, own) in enumerate(zip(*shots)):
        apart = _pixels_apart(joined, own)
        assert apart <= 0.002, f"/{path} at {viewport}, view {index}: {apart:.1%} of the pixels differ"
    assert not tab.problems(), "\n".join(tab.problems())
