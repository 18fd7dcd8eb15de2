"""What the book lets into HTML: text from data, config and reference files, and the Kasi's Markdown.

The book's one escaping rule lives here; every page, table, chart, print document and letter uses it.

- `teks(value)`: a text (a region or category name, a source note, a title) made inert wherever it lands in
  the book: HTML element text and quoted attributes (`& < > " '`), SVG/XML, a Jinja template rendered again
  by mkdocs-macros (`{ }`), and Markdown (`[ ]`: no link or image can be formed). Everything is written as
  character references, which HTML, XML and Markdown all read back as the same character.
- `jinja_aman(env)`: a Jinja environment whose every `{{ … }}` goes through `teks` unless the value is already
  `Markup` (the macros' own HTML). Site (mkdocs-macros) and print (`cetak`) render the templates with it, so a
  template that prints a value straight from the data cannot inject markup either.
- `markdown_aman(text)`: the Kasi's `analisa.md` as HTML: Markdown, then raw HTML and unsafe URLs removed by
  nh3 (ammonia) with a short allow-list. Top-level headings come back as Markdown headings, so they still
  reach the page's table of contents and the PDF's daftar isi.

Downloads (CSV, XLSX, JSON) hold the data as it is: they are not HTML, and never pass through here.
"""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup

__all__ = ["jinja_aman", "markdown_aman", "teks"]

_AMAN = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"}
_KUTIP = {'"': "&#34;", "'": "&#39;"}
_TABEL = str.maketrans({**_AMAN, **_KUTIP})
_TABEL_ISI = str.maketrans(_AMAN)


def teks(value, kutip: bool = True) -> Markup:
    """`value` as text that is inert in HTML, SVG, Jinja and Markdown; `Markup` passes unchanged.

    Invariant: the result holds none of `< > { } [ ]`, no `&` but in a character reference, and (unless
    `kutip=False`, for element content only, e.g. Markdown text the Kasi reads) no quote.
    """
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(str(value).translate(_TABEL if kutip else _TABEL_ISI))


def _akhir(value):
    """Jinja `finalize`: what a `{{ … }}` prints."""
    return teks("" if value is None else value)


def jinja_aman(env):
    """Make `env` escape every printed value with `teks` (Markup passes); returns `env`."""
    env.autoescape = True
    env.finalize = _akhir
    return env


# ---- the Kasi's text -----------------------------------------------------------------------------

TAG = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code",
       "em", "strong", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "dl", "dt", "dd"}
ATRIBUT = {"a": {"href", "title"}, "ol": {"start"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
SKEMA_URL = {"http", "https", "mailto"}
_JUDUL = {f"h{n}" for n in range(1, 7)}
_KOSONG = {"br", "hr", "img", "wbr", "col", "area", "input", "source", "track", "embed", "link", "meta", "base"}


def markdown_aman(text: str, kelas: str = "analisa") -> Markup:
    """Markdown → HTML for the page, with no raw HTML, script, style, event handler or `javascript:` link.

    The Markdown is rendered, then cleaned by nh3 (only `TAG`, `ATRIBUT` and `SKEMA_URL` survive; the
    content of `<script>`/`<style>` is dropped). Top-level headings are returned as Markdown headings of
    their plain text (escaped with `teks`), everything between them as `<div class="{kelas}">` blocks.
    """
    html = markdown.markdown(str(text), extensions=["tables", "sane_lists", "fenced_code"], output_format="html")
    bersih = nh3.clean(html, tags=TAG, attributes=ATRIBUT, url_schemes=SKEMA_URL, strip_comments=True,
                       link_rel="noopener noreferrer nofollow")
    keluaran, isi = [], []

    def tutup():
        if "".join(isi).strip():
            blok = "".join(isi).strip().replace("{", "&#123;").replace("}", "&#125;")
            keluaran.append(f'<div class="{kelas}">\n{blok}\n</div>')
        isi.clear()

    for jenis, potongan, judul in _bagian_atas(bersih):
        if jenis in _JUDUL:
            tutup()
            teks_judul = " ".join(judul.split())
            if teks_judul:
                keluaran.append(f"{'#' * int(jenis[1])} {teks(teks_judul, kutip=False)}")
        else:
            isi.append(potongan)
    tutup()
    return Markup("\n\n" + "\n\n".join(keluaran) + "\n\n")


class _Atas(HTMLParser):
    """Splits clean HTML into its top-level nodes: (tag or "", source slice, plain text)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html, self.bagian, self.kedalaman, self.mulai, self.tag, self.data = html, [], 0, 0, "", []
        awal = [0]   # offset of each line as HTMLParser counts lines: by "\n" only
        for baris in html.split("\n")[:-1]:
            awal.append(awal[-1] + len(baris) + 1)
        self.awal_baris = awal

    def _posisi(self) -> int:
        baris, kolom = self.getpos()
        return self.awal_baris[baris - 1] + kolom

    def handle_starttag(self, tag, attrs):
        if self.kedalaman == 0:
            self._potong(self._posisi())
            self.tag, self.data = tag, []
        if tag not in _KOSONG:
            self.kedalaman += 1
        elif self.kedalaman == 0:
            self._potong(self._posisi() + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in _KOSONG:
            return
        self.kedalaman = max(self.kedalaman - 1, 0)
        if self.kedalaman == 0:
            ujung = self.html.find(">", self._posisi()) + 1
            self._potong(ujung)

    def handle_data(self, data):
        self.data.append(data)

    def _potong(self, ujung: int) -> None:
        if ujung > self.mulai:
            self.bagian.append((self.tag, self.html[self.mulai:ujung], "".join(self.data)))
        self.mulai, self.tag, self.data = ujung, "", []


def _bagian_atas(html: str) -> list[tuple[str, str, str]]:
    parser = _Atas(html)
    parser.feed(html)
    parser.close()
    parser._potong(len(html))
    return parser.bagian
