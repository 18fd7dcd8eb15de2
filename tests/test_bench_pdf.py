"""bench/bench_pdf.py: the bare-cells document holds every table cell of the print document, in order."""

from __future__ import annotations

import re

from bench.bench_pdf import dokumen_polos


def test_the_bare_document_keeps_every_cell_text_in_order_as_html_text():
    html = ('<table><thead><tr><th class="x">Kode</th><th>Nama <br>desa</th></tr></thead>'
            '<tbody><tr><th>63.05</th><td class="angka">1.234</td></tr>'
            '<tr><td>A &amp; B</td><td>&lt;x&gt;</td></tr></tbody></table><p>bukan sel</p>'
            '<table><tr><td>7</td></tr></table>')
    parts = dokumen_polos(html, kolom=2, baris=1, per_dokumen=2)
    cells = [c for part in parts for c in re.findall(r"<td>(.*?)</td>", part)]
    assert cells == ["Kode", "Nama desa", "63.05", "1.234", "A &amp; B", "&lt;x&gt;", "7"]
    assert len(parts) == 2 and all(part.count("<table>") <= 2 for part in parts)
    assert "bukan sel" not in "".join(parts)
