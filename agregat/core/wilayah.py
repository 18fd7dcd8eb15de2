"""The region master: a provinsi or a kabupaten/kota down to desa/kelurahan, with Kemendagri codes and luas.

The root is chosen by the config's `kode`: "63" loads Kalimantan Selatan (provinsi → kabupaten/kota →
kecamatan → desa/kelurahan), "63.05" loads Kabupaten Tapin (kabupaten → kecamatan → desa/kelurahan). A
master file may hold more than the root: a province master also serves a kabupaten config.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agregat.core.errors import ConfigError

DESA_LEVELS = ("desa", "kelurahan")
ROOT_LEVELS = ("provinsi", "kabupaten", "kota")
# number of dot-separated parts of the Kemendagri code at each level
DEPTH = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "desa": 4, "kelurahan": 4}
_CODE = {1: re.compile(r"\d{2}", re.ASCII), 2: re.compile(r"\d{2}\.\d{2}", re.ASCII),
         3: re.compile(r"\d{2}\.\d{2}\.\d{2}", re.ASCII), 4: re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", re.ASCII)}


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str
    tingkat: str
    induk: str
    luas_km2: float | None


@dataclass(frozen=True)
class Wilayah:
    """The regions under one root, each level sorted by code (Kemendagri order).

    `middle` holds the levels between the root and the desa, top down: (kecamatan,) under a kabupaten/kota,
    (kabupaten/kota, kecamatan) under a provinsi.
    """

    root: Region
    middle: tuple[tuple[Region, ...], ...]
    desa: tuple[Region, ...]

    @property
    def levels(self) -> tuple[tuple[Region, ...], ...]:
        """Every level below the root, top down; the last one is the desa/kelurahan."""
        return (*self.middle, self.desa)

    @property
    def desa_keys(self) -> np.ndarray:
        """Numeric key of each desa (see `region_key`), ascending like `desa`."""
        return np.array([region_key(*map(int, d.kode.split("."))) for d in self.desa], dtype=np.int64)

    def ancestor_index(self, level: int) -> np.ndarray:
        """Index into `middle[level]` of each desa's ancestor at that level."""
        regions = self.middle[level]
        index = {r.kode: i for i, r in enumerate(regions)}
        depth = DEPTH[regions[0].tingkat] if regions else 0
        return np.array([index[ancestor_code(d.kode, depth)] for d in self.desa], dtype=np.intp)

    def all_regions(self) -> list[Region]:
        """Every region, root included, sorted by code (a parent comes right before its children)."""
        return sorted((self.root, *(r for level in self.levels for r in level)), key=lambda r: r.kode)


def region_key(prop, kab, kec, kel):
    """One int64 per residence: PP KK CC LLLL as digits. Works on ints and numpy arrays."""
    return ((prop * 100 + kab) * 100 + kec) * 10000 + kel


def code_depth(kode: str) -> int:
    """1 for "63", 2 for "63.05", 3 for "63.05.01", 4 for "63.05.01.2003"."""
    return kode.count(".") + 1


def ancestor_code(kode: str, depth: int) -> str:
    """The code of a region's ancestor with `depth` parts ("63.05.01.2003", 2 → "63.05")."""
    return ".".join(kode.split(".")[:depth])


def load_wilayah(path: Path, kode: str) -> Wilayah:
    """Read the region master CSV and take the coherent tree under `kode`; report every problem at once."""
    regions, problems = parse_regions(_read_rows(path))
    root, middle, desa, tree_problems = build_tree(regions, kode)
    problems += tree_problems
    if problems:
        raise ConfigError(f"Daftar wilayah {path} belum benar: " + "; ".join(problems[:20])
                          + ". Perbaiki berkas wilayah lalu jalankan lagi.")
    return Wilayah(root, middle, desa)


def _read_rows(path: Path) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"Daftar wilayah {path} tidak dapat dibaca ({type(exc).__name__}).") from None


def parse_regions(rows: list[dict]) -> tuple[list[Region], list[str]]:
    """Regions of well-formed rows, and a problem per bad row (numbered as in a spreadsheet)."""
    problems: list[str] = []
    regions: list[Region] = []
    for number, row in enumerate(rows, start=2):
        tingkat = (row.get("tingkat") or "").strip().lower()
        kode = (row.get("kode") or "").strip()
        nama = (row.get("nama") or "").strip()
        induk = (row.get("kode_induk") or "").strip()
        if tingkat not in DEPTH:
            problems.append(f"baris {number}: tingkat '{tingkat}' tidak dikenal")
            continue
        if not _CODE[DEPTH[tingkat]].fullmatch(kode) or not nama:
            problems.append(f"baris {number}: kode atau nama tidak sah untuk tingkat {tingkat}")
            continue
        if DEPTH[tingkat] > 1 and induk != ancestor_code(kode, DEPTH[tingkat] - 1):
            problems.append(f"baris {number}: kode_induk '{induk}' tidak cocok dengan kode {kode}")
            continue
        luas_text = (row.get("luas_km2") or "").strip()
        try:
            luas = float(luas_text) if luas_text else None
        except ValueError:
            problems.append(f"baris {number}: luas_km2 bukan angka")
            luas = None
        regions.append(Region(kode, nama, tingkat, induk, luas))
    return regions, problems


def build_tree(regions: list[Region], kode: str) -> tuple[Region | None, tuple, tuple, list[str]]:
    """(root, middle levels, desa, problems) of the tree under `kode`.

    Every region but the root and its ancestors must have its parent in the master, so a stray row
    (another kabupaten's kecamatan in a kabupaten master) is reported rather than ignored.
    """
    problems: list[str] = []
    by_code: dict[str, Region] = {}
    for region in regions:
        if region.kode in by_code:
            problems.append(f"kode {region.kode} muncul lebih dari sekali")
        by_code[region.kode] = region
    root = by_code.get(kode)
    if root is None or root.tingkat not in ROOT_LEVELS:
        problems.append(f"baris provinsi atau kabupaten/kota dengan kode {kode} tidak ada")
    above_root = {ancestor_code(kode, depth) for depth in range(1, code_depth(kode) + 1)}
    for region in regions:
        if region.kode not in above_root and region.induk not in by_code:
            problems.append(f"{region.tingkat} {region.kode} tidak punya induk {region.induk} di daftar")
    below = sorted((r for r in regions if r.kode.startswith(kode + ".")), key=lambda r: r.kode)
    desa = tuple(r for r in below if r.tingkat in DESA_LEVELS)
    middle = tuple(tuple(r for r in below if DEPTH[r.tingkat] == depth)
                   for depth in range(code_depth(kode) + 1, DEPTH["desa"]))
    if not desa:
        problems.append("tidak ada satu pun desa/kelurahan")
    return root, middle, desa, problems
