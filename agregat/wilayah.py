"""The region master: kabupaten → kecamatan → desa/kelurahan, with Kemendagri codes and luas."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ConfigError

DESA_LEVELS = ("desa", "kelurahan")
_CODE = {
    "kabupaten": re.compile(r"\d{2}\.\d{2}"),
    "kecamatan": re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    "desa": re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
    "kelurahan": re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str
    tingkat: str
    induk: str
    luas_km2: float | None


@dataclass(frozen=True)
class Wilayah:
    """Regions of one kabupaten, each level sorted by code (Kemendagri order)."""

    kabupaten: Region
    kecamatan: tuple[Region, ...]
    desa: tuple[Region, ...]

    @property
    def desa_keys(self) -> np.ndarray:
        """Numeric key of each desa (see `region_key`), ascending like `desa`."""
        return np.array([region_key(*map(int, d.kode.split("."))) for d in self.desa], dtype=np.int64)

    @property
    def desa_kecamatan(self) -> np.ndarray:
        """Index into `kecamatan` of each desa's kecamatan."""
        index = {k.kode: i for i, k in enumerate(self.kecamatan)}
        return np.array([index[d.induk] for d in self.desa], dtype=np.intp)

    def all_regions(self) -> list[Region]:
        """Every region, sorted by code: kabupaten, then each kecamatan followed by nothing else (codes sort)."""
        return sorted((self.kabupaten, *self.kecamatan, *self.desa), key=lambda r: r.kode)


def region_key(prop, kab, kec, kel):
    """One int64 per residence: PP KK CC LLLL as digits. Works on ints and numpy arrays."""
    return ((prop * 100 + kab) * 100 + kec) * 10000 + kel


def load_wilayah(path: Path, kode_kabupaten: str) -> Wilayah:
    """Read the region master CSV and check it is one coherent kabupaten; report every problem at once."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"Daftar wilayah {path} tidak dapat dibaca ({type(exc).__name__}).") from None
    problems: list[str] = []
    regions: list[Region] = []
    for number, row in enumerate(rows, start=2):
        tingkat = (row.get("tingkat") or "").strip().lower()
        kode = (row.get("kode") or "").strip()
        nama = (row.get("nama") or "").strip()
        if tingkat not in _CODE:
            problems.append(f"baris {number}: tingkat '{tingkat}' tidak dikenal")
            continue
        if not _CODE[tingkat].fullmatch(kode) or not nama:
            problems.append(f"baris {number}: kode atau nama tidak sah untuk tingkat {tingkat}")
            continue
        luas_text = (row.get("luas_km2") or "").strip()
        try:
            luas = float(luas_text) if luas_text else None
        except ValueError:
            problems.append(f"baris {number}: luas_km2 bukan angka")
            luas = None
        regions.append(Region(kode, nama, tingkat, (row.get("kode_induk") or "").strip(), luas))

    by_code: dict[str, Region] = {}
    for region in regions:
        if region.kode in by_code:
            problems.append(f"kode {region.kode} muncul lebih dari sekali")
        by_code[region.kode] = region
    kabupaten = by_code.get(kode_kabupaten)
    if kabupaten is None or kabupaten.tingkat != "kabupaten":
        problems.append(f"baris kabupaten dengan kode {kode_kabupaten} tidak ada")
    kecamatan = sorted((r for r in regions if r.tingkat == "kecamatan"), key=lambda r: r.kode)
    desa = sorted((r for r in regions if r.tingkat in DESA_LEVELS), key=lambda r: r.kode)
    for region in kecamatan:
        if region.induk != kode_kabupaten or not region.kode.startswith(kode_kabupaten + "."):
            problems.append(f"kecamatan {region.kode} bukan bagian dari kabupaten {kode_kabupaten}")
    kecamatan_codes = {k.kode for k in kecamatan}
    for region in desa:
        if region.induk not in kecamatan_codes or not region.kode.startswith(region.induk + "."):
            problems.append(f"desa/kelurahan {region.kode} tidak punya kecamatan induk yang sah")
    if not desa:
        problems.append("tidak ada satu pun desa/kelurahan")
    if problems:
        raise ConfigError(f"Daftar wilayah {path} belum benar: " + "; ".join(problems[:20])
                          + ". Perbaiki berkas wilayah lalu jalankan lagi.")
    return Wilayah(kabupaten, tuple(kecamatan), tuple(desa))
