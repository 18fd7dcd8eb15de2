"""What every web page of an edition says about the edition it belongs to: its semester in the title and the
heading, its approval state (a banner) and, on an older edition, a notice linking to the newest.

The approval state is computed by the approvals layer from the verified chain and handed down as plain data,
one record per periode: `{"status": "draf" | "disahkan" | "final" | "terdaftar", "label": …, "keterangan": …}`
(mkdocs config `extra.status_edisi`). The book never judges a chain itself: an edition given no record is a
draft (`DRAF`), so a page can never look more approved than `verify` says. Pure functions over text and
plain records; everything printed is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

#: The state of an edition nobody approved (or no state was handed down for): the only wording the book owns.
DRAF = {"status": "draf", "label": "Draf (belum disahkan)",
        "keterangan": "Angka edisi ini belum disahkan dan masih dapat berubah; jangan dikutip sebagai angka resmi."}
#: Search boost of a page of the newest edition (Material `search.boost`; older editions are not searched).
BOOST_TERBARU = 2
#: Admonition kind of each state (Material colours): a draft stands out most.
_JENIS = {"draf": "danger", "disahkan": "info", "final": "success", "terdaftar": "success"}
_H1 = re.compile(r"(<h1\b[^>]*>)(.*?)(</h1>)", re.S)
_TAG = re.compile(r"<[^>]+>")


def status_dari(semua: Mapping | None, periode: str) -> dict:
    """The state record of `periode` among the records handed down (`DRAF` when there is none)."""
    return dict((semua or {}).get(periode) or DRAF)


def judul_halaman(judul: str, semester: str) -> str:
    """A page title naming its edition: `Bab III Jumlah dan Struktur Penduduk — Semester I Tahun 2025`."""
    return judul if semester in judul else f"{judul} — {semester}"


def h1_edisi(html: str, semester: str) -> str:
    """`html` with its first h1 naming the edition (appended, in a span), unless the heading already does."""
    match = _H1.search(html)
    if match is None or semester in _TAG.sub("", match.group(2)):
        return html
    tambahan = f'<span class="judul-edisi"> — {escape(semester)}</span>'
    return html[:match.end(2)] + tambahan + html[match.end(2):]


def _admonition(jenis: str, kelas: str, judul, isi) -> str:
    return (f'<div class="admonition {jenis} {kelas}"><p class="admonition-title">{escape(judul)}</p>'
            f"<p>{isi}</p></div>\n")


def spanduk(status: Mapping, semester: str, terbaru: tuple[str, str] | None = None) -> Markup:
    """The banners of a page: the approval state of its edition, and, with `terbaru` = (semester of the newest
    edition, URL of the same page there or of its landing page), the notice that this edition is an older one."""
    html = _admonition(_JENIS.get(status.get("status"), "danger"), f"status-edisi status-{escape(status.get('status', 'draf'))}",
                       f"Status edisi {semester}: {status['label']}", escape(status.get("keterangan", "")))
    if terbaru is not None:
        nama, url = terbaru
        html += _admonition("warning", "edisi-lama", "Edisi lama",
                            Markup('Halaman ini bagian dari edisi lama ({}). Angka terbaru ada di '
                                   '<a class="ke-edisi-terbaru" href="{}">edisi {}</a>.').format(semester, url, nama))
    return Markup(html)


def sisipkan_spanduk(html: str, banners: str) -> str:
    """`banners` right after the first h1 (at the top when the page has none): the heading area."""
    match = _H1.search(html)
    at = match.end() if match else 0
    return html[:at] + str(banners) + html[at:]   # str: `str + Markup` would escape the page
