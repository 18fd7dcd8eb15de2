"""mkdocs-macros entry point: the book's macros, bound per page to that page's edition.

Pages carry `periode` (and `bab`, `kode`) in their front matter; generated pages get them from
`agregat/buku/mkdocs_hooks.py`. The functions themselves live in `buku.py` and are plain Python, tested without MkDocs.
Every page is rendered with `aman.jinja_aman`: a `{{ … }}` that prints a value from the data is escaped.
"""

from __future__ import annotations

from pathlib import Path

MACROS = ("angka", "tersedia", "indikator", "nama_wilayah", "judul_wilayah", "daftar_wilayah", "jumlah_wilayah", "unduhan", "url", "url_edisi",
          "tabel_wilayah", "tabel_kategori", "tabel_indikator", "tabel_perbandingan", "tabel_laju", "laju", "grafik_piramida",
          "grafik_batang", "grafik_per_kecamatan", "grafik_perbandingan", "ringkasan", "analisa", "penutup_pengantar")


SIMPANAN: dict = {}   # page src_uri → its SimpananBlok (makro): tables skip Markdown, on_page_content puts them back


def pulihkan_blok(html: str, page) -> str:
    """The page's HTML with its tables back in place of their placeholders (`makro.SimpananBlok`)."""
    simpanan = SIMPANAN.pop(page.file.src_uri, None)
    return html if simpanan is None else simpanan.pulihkan(html)


def define_env(env) -> None:
    # imported here, not at the top: `agregat.core.angka` (the number formatter the CLI uses too) must not pull
    # matplotlib, Markdown and nh3 in with the package
    from agregat.buku.kop import kop_proyek
    from agregat.core.digest import edition_digest
    from agregat.buku.makro import CACHE_GRAFIK, Buku, SimpananBlok
    from agregat.edisi.muat import daftar_edisi, muat_edisi

    SIMPANAN.clear()   # a new build (serve rebuilds in the same process)
    root = Path(env.project_dir)
    kop = kop_proyek(root)
    data_dir = root / env.conf.extra.get("data_dir", "data")
    site_dir = Path(env.conf.site_dir)
    pages: dict[str, Buku] = {}
    editions: dict[str, object] = {}   # periode → Edisi, read once per build (not once per page)

    def edisi_build(periode: str):
        if periode not in editions:
            editions[periode] = muat_edisi(data_dir, periode, tembolok=True)
        return editions[periode]
    previous: dict[str, object] = {}

    def sebelumnya(edisi):
        """The edition this one's perbandingan.yml compared with, when data/ holds it unchanged (same digest)."""
        if edisi.periode not in previous:
            banding = edisi.dokumen.get("perbandingan") or {}
            lalu = banding.get("periode_sebelumnya")
            same = lalu in daftar_edisi(data_dir) and edition_digest(data_dir / lalu) == banding.get("digest_sebelumnya")
            previous[edisi.periode] = edisi_build(lalu) if same else None
        return previous[edisi.periode]

    def buku() -> Buku:
        page = env.page
        key = page.file.src_uri
        if key not in pages:
            periode = page.meta.get("periode") or daftar_edisi(data_dir)[-1]
            edisi = edisi_build(periode)
            pages[key] = Buku(edisi, ke_akar="../" * page.file.dest_uri.count("/"), bab=page.meta.get("bab"),
                              grafik_dir=site_dir / periode / "grafik", cache_dir=CACHE_GRAFIK, sempit=True, kop=kop,
                              sebelumnya=sebelumnya(edisi), simpanan=SIMPANAN.setdefault(key, SimpananBlok()))
        return pages[key]

    for name in MACROS:
        env.macro(lambda *args, _name=name, **kwargs: getattr(buku(), _name)(*args, **kwargs), name)

    @env.macro
    def edisi():
        """The page's edition (periode, semester, tanggal, dokumen …)."""
        return buku().edisi

    @env.macro
    def angka_edisi(edisi, nama: str, label: str | None = None) -> str:
        """A kabupaten total of another edition (for the archive table)."""
        return Buku(edisi).angka(nama, label)

    @env.macro
    def status_pengesahan(periode: str) -> str:
        """The approval state of an edition as the build handed it down (agregat.buku.penanda), e.g. "Draf
        (belum disahkan)"; escaped when printed, like every value."""
        from agregat.buku.penanda import status_dari

        return status_dari(env.conf.extra.get("status_edisi"), periode)["label"]

    @env.macro
    def semua_edisi():
        """Every edition in data/, newest first."""
        return [edisi_build(p) for p in reversed(daftar_edisi(data_dir))]


def on_pre_page_macros(env) -> None:
    """Before each page: its Jinja environment escapes what it prints (mkdocs-macros creates the environment
    only after `define_env`, so this is the first moment it can be set)."""
    from agregat.core.aman import jinja_aman

    jinja_aman(env.env)
