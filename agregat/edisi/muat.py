"""Editions as the book layer sees them: the YAML of `data/<periode>/`, parsed once per build.

This is the disclosure boundary: the book reads aggregates only, never a register row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from agregat.core import yamlcepat
from agregat.core.atomik import retired_leftovers
from agregat.core.config import CACHE_DIR, cache_dipakai
from agregat.core.digest import edition_entries, edition_periods, read_entry, shown_name
from agregat.core.errors import EditionError
from agregat.core.periode import Periode


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


@dataclass(frozen=True)
class Edisi:
    """One edition: every YAML document by name, and the Kasi's analysis text when present."""

    periode: str
    dokumen: dict
    analisa: str | None
    folder: Path

    @property
    def semester(self) -> str:
        """`Semester I Tahun 2025`."""
        return Periode.parse(self.periode).judul

    @property
    def tanggal(self) -> str:
        """`30 Juni 2025`."""
        return tanggal_panjang(dt.date.fromisoformat(self.dokumen["manifest"]["tanggal_data"]))

    @property
    def tabel(self) -> list[str]:
        """The table names of the edition, in book order."""
        return list(self.dokumen["manifest"]["tabel"])

    @property
    def kabupaten(self) -> tuple[str, str]:
        """(kode, NAMA) of the edition's root region: the kabupaten/kota of a kabupaten book, the provinsi of a
        province book (the manifest names it under `kabupaten` or `provinsi`)."""
        manifest = self.dokumen["manifest"]
        info = manifest["kabupaten"] if "kabupaten" in manifest else manifest["provinsi"]
        return info["kode"], info["nama"]

    @property
    def tingkat_akar(self) -> str:
        """The root's level: `kabupaten`, `kota` or `provinsi`."""
        return self.dokumen["penduduk"]["wilayah"][self.kabupaten[0]]["tingkat"]

    @property
    def nama_akar(self) -> str:
        """`Kabupaten Tapin`, `Kota Banjarmasin`, `Provinsi Kalimantan Selatan`."""
        return judul_wilayah({"tingkat": self.tingkat_akar, "nama": self.kabupaten[1]})

    def halaman_wilayah(self) -> list[tuple[str, str, str]]:
        """(kode, NAMA, tingkat) of every region that gets its own page: each level between the root and the
        desa (kabupaten/kota and kecamatan of a province; kecamatan of a kabupaten), level by level, by code."""
        akar = self.kabupaten[0]
        regions = self.dokumen["penduduk"]["wilayah"]
        found = [(k, r["nama"], r["tingkat"]) for k, r in regions.items()
                 if k.startswith(akar + ".") and r["tingkat"] not in ("desa", "kelurahan")]
        return sorted(found, key=lambda item: (item[0].count("."), item[0]))

    def wilayah(self, tingkat: str | tuple[str, ...]) -> list[tuple[str, str]]:
        """(kode, NAMA) of every region of a level, by code."""
        levels = (tingkat,) if isinstance(tingkat, str) else tingkat
        regions = self.dokumen["penduduk"]["wilayah"]
        return [(kode, r["nama"]) for kode, r in regions.items() if r["tingkat"] in levels]

    def anak(self, induk: str) -> list[tuple[str, str]]:
        """(kode, NAMA) of the regions directly below `induk`, by code."""
        depth = induk.count(".") + 1
        regions = self.dokumen["penduduk"]["wilayah"]
        return [(k, r["nama"]) for k, r in regions.items() if k.startswith(induk + ".") and k.count(".") == depth]


def judul_wilayah(wilayah: dict) -> str:
    """A region (a dict with `tingkat` and `nama`, as in every edition document) as titles, total rows and
    captions name it: "Kabupaten Tapin", "Kecamatan Binuang" (the data's TAPIN, BINUANG in title case)."""
    return f"{wilayah['tingkat'].capitalize()} {wilayah['nama'].title()}"


def tanggal_panjang(date: dt.date) -> str:
    return f"{date.day} {BULAN[date.month - 1]} {date.year}"


def daftar_edisi(data_dir: Path) -> list[str]:
    """Periods that have an edition in `data_dir`, oldest first (agregat.core.digest.edition_periods: anything in
    data/ that is not an edition, and any edition breaking the folder rule, is an EditionError — the book is
    never built from it). A retired folder `.P.lama.*` (an edition swap a killed run left half done, or one
    that came from a commit) is an EditionError too: the book never restores it (only `aggregate` does)."""
    leftovers = retired_leftovers(data_dir)
    if leftovers:
        raise EditionError(f"Folder {data_dir} berisi sisa penggantian edisi yang terputus: "
                           f"{'; '.join(map(shown_name, leftovers[:5]))}. Buku tidak dibangun selama sisa itu ada: "
                           "jalankan lagi 'python build.py aggregate' untuk periode itu (memulihkan lalu "
                           "membersihkannya), atau hapus folder itu bila tidak dikenal (jangan di-commit).")
    return edition_periods(data_dir)


CACHE_YAML = CACHE_DIR / "yaml"   # parsed edition files, by their bytes (agregat.core.yamlcepat.load_cached)
_TERURAI: OrderedDict[tuple[Path, str, bool], Edisi] = OrderedDict()   # (folder, sha256 of entries, cache?) → parsed
_TERURAI_MAKS = 8   # a long-lived process (serve, tests) keeps the few editions it reads, not every version


def muat_edisi(data_dir: Path, periode: str, tembolok: bool = False) -> Edisi:
    """Parse every YAML document of one edition. Only the regular files of the folder are read, never
    through a symlink (agregat.core.digest.edition_entries, read_entry). Kept in this process by the folder
    and every byte of every entry (the names and contents, hashed): reading and hashing is milliseconds,
    parsing is not. Callers share the kept Edisi: its documents are never changed.

    `tembolok`: the parsed files may come from (and go to) `.cache/yaml/` (the website, which trusts
    `.cache/` as it does for charts). The PDF never asks for it: it is made from the inputs alone and may
    be signed, so an Edisi parsed with the cache is never handed to a caller without it."""
    folder = Path(data_dir) / periode
    isi = {name: read_entry(folder, name) for name in edition_entries(folder)}
    digest = hashlib.sha256()
    for name, data in isi.items():
        digest.update(b"%d:%s%d:" % (len(name), name.encode(), len(data)) + data)
    cache = CACHE_YAML if tembolok and cache_dipakai() else None
    kunci = (folder, digest.hexdigest(), cache is not None)
    if kunci in _TERURAI:
        _TERURAI.move_to_end(kunci)
        return _TERURAI[kunci]
    dokumen = {name[:-4]: yamlcepat.load_cached(data, cache) for name, data in isi.items() if name.endswith(".yml")}
    analisa = isi["analisa.md"].decode("utf-8") if "analisa.md" in isi else None
    _TERURAI[kunci] = edisi = Edisi(folder.name, dokumen, analisa, folder)
    while len(_TERURAI) > _TERURAI_MAKS:
        _TERURAI.popitem(last=False)
    return edisi
