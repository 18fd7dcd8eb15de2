"""The book's tables: which category each kept row falls in, and additive counts per desa and sex.

`count_chunk` is a pure function of a chunk's facts; its results add up (`add_counts`), so one code path
serves a small file, a register streamed in chunks, and (later) a cluster. Higher levels are sums of desa.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

import numpy as np

from .kode import UNKNOWN_KODE, UNKNOWN_LABEL, CodeList
from .validation import RowFacts

Kategori = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableSpec:
    """One table of the book: its categories and the rule that puts a row in one of them (-1 = not in it)."""

    name: str
    judul: str
    populasi: str
    kategori: Kategori
    categorize: Callable[[RowFacts], np.ndarray]
    whole_population: bool = True
    requires: str | None = None


def _bands(labels: list[str]) -> Kategori:
    return tuple((label, label) for label in labels)


AGE_GROUPS = _bands([f"{a}-{a + 4}" for a in range(0, 75, 5)] + ["75+"])
SINGLE_AGES = _bands([str(a) for a in range(100)] + ["100+"])
AGE_STRUCTURE = _bands(["0-14", "15-64", "65+"])
UNKNOWN = ((UNKNOWN_KODE, UNKNOWN_LABEL),)
# SIAK codes the rules use: status kawin 1 BELUM KAWIN, 2 KAWIN, 3 CERAI HIDUP, 4 CERAI MATI; SHDK 1 KEPALA KELUARGA
BELUM_KAWIN = "1"
PERNAH_KAWIN = ("2", "3", "4")
KEPALA_KELUARGA = "1"


def _known_or(values: np.ndarray, unknown: int) -> np.ndarray:
    """The category index, or the TIDAK DIKETAHUI index for a blank or unknown cell (-1)."""
    return np.where(values >= 0, values, unknown)


def _age_structure(facts: RowFacts) -> np.ndarray:
    return np.digitize(facts.age, [15, 65])


def _wajib_ktp(pernah_kawin: tuple[int, ...]) -> Callable[[RowFacts], np.ndarray]:
    """Age 17 or more, or ever married (UU 24/2013 Pasal 63(1)); an unknown status counts by age alone."""
    def categorize(facts: RowFacts) -> np.ndarray:
        wajib = (facts.age >= 17) | np.isin(facts.codes["status_kawin"], pernah_kawin)
        return np.where(wajib, 0, 1)
    return categorize


def _kia(belum_kawin: int) -> Callable[[RowFacts], np.ndarray]:
    """Under 17 and known to be unmarried (Permendagri 2/2016), split 0-4 and 5-16."""
    def categorize(facts: RowFacts) -> np.ndarray:
        target = (facts.age < 17) & (facts.codes["status_kawin"] == belum_kawin)
        return np.where(target, np.where(facts.age < 5, 0, 1), -1)
    return categorize


def _akta(max_age: int | None) -> Callable[[RowFacts], np.ndarray]:
    def categorize(facts: RowFacts) -> np.ndarray:
        category = _known_or(facts.akta, 2)
        if max_age is not None:
            category = np.where(facts.age <= max_age, category, -1)
        return category
    return categorize


DISABILITY_NONE = (("7", "TIDAK ADA"),)


def _workbook_only(facts: RowFacts) -> np.ndarray:
    raise AssertionError("this table is read from a DKB workbook's sheet, never computed from persons")


# Tables only a DKB workbook carries (a by-name register has no column for them): name → (judul, populasi,
# kategori). The categories are not parts of a whole: each is a count of the people of the first one (the
# base), and the book shows it with its coverage (% of the base).
KTP_EL = (("1", "WAJIB KTP-EL"), ("2", "SUDAH REKAM"), ("3", "SUDAH CETAK"))
KIA_KEPEMILIKAN = (("1", "ANAK UMUR 0-16"), ("2", "MEMILIKI KIA"), ("3", "BELUM MEMILIKI KIA"))
KK_CETAK = (("1", "KARTU KELUARGA"), ("2", "SUDAH DICETAK"), ("3", "BELUM DICETAK"))
# KK ownership as the sheet counts it "dinamis" (owned at the start of the semester + issued since; the sheet's
# SEMULA and PROGRES columns are that split and are not shown)
KK_KEPEMILIKAN = (("1", "KARTU KELUARGA"), ("2", "MEMILIKI KK"), ("3", "BELUM MEMILIKI KK"))
# Akta perkawinan / perceraian ownership per wilayah and sex, base = the married (divorced) people the sheet
# counts. Only the older layout (KWN, MMLK_AKTA_KWN, BLM_MMLK_AKTA_KWN, the same for CRAI) fills them: the
# by-agama layout gives its non-owners without L and P (and its owners + non-owners differ from the status-kawin
# sheet's married people by a few in many desa), so it feeds only the by-agama owner tables below. Neither
# table pretends a breakdown its sheet does not give.
AKTA_KAWIN_KEPEMILIKAN = (("1", "PENDUDUK KAWIN"), ("2", "MEMILIKI AKTA PERKAWINAN"),
                          ("3", "BELUM MEMILIKI AKTA PERKAWINAN"))
AKTA_CERAI_KEPEMILIKAN = (("1", "PENDUDUK CERAI HIDUP"), ("2", "MEMILIKI AKTA PERCERAIAN"),
                          ("3", "BELUM MEMILIKI AKTA PERCERAIAN"))
WORKBOOK_ONLY = {
    "ktp_el": ("Perekaman dan Pencetakan KTP-el", "penduduk wajib KTP-el", KTP_EL),
    "kia_kepemilikan": ("Kepemilikan Kartu Identitas Anak (KIA)", "anak umur di bawah 17 tahun", KIA_KEPEMILIKAN),
    "kk_cetak": ("Pencetakan Kartu Keluarga", "kartu keluarga (jenis kelamin kepala keluarga)", KK_CETAK),
    "kk_kepemilikan": ("Kepemilikan Kartu Keluarga", "kartu keluarga (jenis kelamin kepala keluarga)",
                       KK_KEPEMILIKAN),
    "akta_perkawinan_kepemilikan": ("Kepemilikan Akta Perkawinan", "penduduk berstatus kawin",
                                    AKTA_KAWIN_KEPEMILIKAN),
    "akta_perceraian_kepemilikan": ("Kepemilikan Akta Perceraian", "penduduk berstatus cerai hidup",
                                    AKTA_CERAI_KEPEMILIKAN),
}


# Workbook-only tables by agama (categories: the agama code list + TIDAK DIKETAHUI): name → (judul, populasi).
WORKBOOK_BY_AGAMA = {
    "akta_perkawinan": ("Pemilik Akta Perkawinan Menurut Agama", "penduduk yang memiliki akta perkawinan"),
    "akta_perceraian": ("Pemilik Akta Perceraian Menurut Agama", "penduduk yang memiliki akta perceraian"),
}


def table_specs(codes: dict[str, CodeList], columns: tuple[str, ...], workbook: bool = False) -> list[TableSpec]:
    """The tables of the book, in book order, for a register with these columns; `workbook`: also the tables
    only a DKB workbook carries (`WORKBOOK_ONLY`), which a register edition never has."""
    def coded(name: str, judul: str) -> TableSpec:
        kategori = codes[name].kategori
        return TableSpec(name, judul, "semua penduduk", kategori + UNKNOWN,
                         lambda f: _known_or(f.codes[name], len(kategori)))

    kepala = codes["hubungan_keluarga"].index(KEPALA_KELUARGA)
    status_kawin = codes["status_kawin"]
    specs = [
        TableSpec("penduduk", "Jumlah Penduduk", "semua penduduk", (("1", "PENDUDUK"),),
                  lambda f: np.zeros(len(f), dtype=np.int64)),
        TableSpec("kartu_keluarga", "Jumlah Kepala Keluarga", "penduduk berstatus Kepala Keluarga",
                  (("1", "KEPALA KELUARGA"),),
                  lambda f: np.where(f.codes["hubungan_keluarga"] == kepala, 0, -1),
                  whole_population=False),
        TableSpec("kelompok_umur", "Jumlah Penduduk Menurut Kelompok Umur", "semua penduduk", AGE_GROUPS,
                  lambda f: np.minimum(f.age // 5, len(AGE_GROUPS) - 1)),
        TableSpec("umur_tunggal", "Jumlah Penduduk Menurut Umur Tunggal", "semua penduduk", SINGLE_AGES,
                  lambda f: np.minimum(f.age, len(SINGLE_AGES) - 1)),
        TableSpec("struktur_umur", "Jumlah Penduduk Menurut Struktur Umur", "semua penduduk", AGE_STRUCTURE,
                  _age_structure),
        coded("agama", "Jumlah Penduduk Menurut Agama"),
        coded("pendidikan", "Jumlah Penduduk Menurut Pendidikan Terakhir"),
        coded("pekerjaan", "Jumlah Penduduk Menurut Jenis Pekerjaan"),
        coded("status_kawin", "Jumlah Penduduk Menurut Status Perkawinan"),
        coded("hubungan_keluarga", "Jumlah Penduduk Menurut Hubungan dalam Keluarga"),
        TableSpec("kepala_keluarga_status_kawin", "Jumlah Kepala Keluarga Menurut Status Perkawinan",
                  "penduduk berstatus Kepala Keluarga", status_kawin.kategori + UNKNOWN,
                  lambda f: np.where(f.codes["hubungan_keluarga"] == kepala,
                                     _known_or(f.codes["status_kawin"], len(status_kawin.kategori)), -1),
                  whole_population=False),
        coded("golongan_darah", "Jumlah Penduduk Menurut Golongan Darah"),
    ]
    if "PNYDNG_CCT" in columns:
        kinds = codes["disabilitas"].kategori + DISABILITY_NONE   # validation: 6 = TIDAK ADA
        specs.append(TableSpec("disabilitas", "Jumlah Penduduk Menurut Jenis Disabilitas", "semua penduduk",
                               kinds + UNKNOWN, lambda f: _known_or(f.disabilitas, len(kinds)),
                               requires="PNYDNG_CCT"))
    specs.append(TableSpec("wajib_ktp", "Jumlah Penduduk Wajib KTP-el", "semua penduduk",
                           (("1", "WAJIB KTP-EL"), ("2", "BELUM WAJIB KTP-EL")),
                           _wajib_ktp(status_kawin.index(*PERNAH_KAWIN))))
    if workbook:
        judul, populasi, kategori = WORKBOOK_ONLY["ktp_el"]
        specs.append(TableSpec("ktp_el", judul, populasi, kategori, _workbook_only, whole_population=False))
    if "AKTA_LHR" in columns:
        akta = (("1", "MEMILIKI"), ("2", "BELUM MEMILIKI")) + UNKNOWN
        specs.append(TableSpec("akta_kelahiran", "Kepemilikan Akta Kelahiran (Semua Umur)", "semua penduduk",
                               akta, _akta(None), requires="AKTA_LHR"))
        specs.append(TableSpec("akta_kelahiran_0_17", "Kepemilikan Akta Kelahiran Penduduk Umur 0-17 Tahun",
                               "penduduk umur 0-17 tahun", akta, _akta(17), whole_population=False,
                               requires="AKTA_LHR"))
        specs.append(TableSpec("akta_kelahiran_0_5", "Kepemilikan Akta Kelahiran Penduduk Umur 0-5 Tahun",
                               "penduduk umur 0-5 tahun", akta, _akta(5), whole_population=False,
                               requires="AKTA_LHR"))
    specs.append(TableSpec("kia", "Sasaran Kartu Identitas Anak (KIA)",
                           "penduduk umur di bawah 17 tahun berstatus belum kawin",
                           (("0-4", "0-4"), ("5-16", "5-16")), _kia(status_kawin.index(BELUM_KAWIN)),
                           whole_population=False))
    if workbook:
        for name in ("kia_kepemilikan", "kk_cetak", "kk_kepemilikan", "akta_perkawinan_kepemilikan",
                     "akta_perceraian_kepemilikan"):
            judul, populasi, kategori = WORKBOOK_ONLY[name]
            specs.append(TableSpec(name, judul, populasi, kategori, _workbook_only, whole_population=False))
        for name, (judul, populasi) in WORKBOOK_BY_AGAMA.items():
            specs.append(TableSpec(name, judul, populasi, codes["agama"].kategori + UNKNOWN, _workbook_only,
                                   whole_population=False))
    return specs


def count_chunk(facts: RowFacts, specs: list[TableSpec], n_desa: int) -> dict[str, np.ndarray]:
    """Counts of kept rows per table as arrays (desa, sex, category): additive across chunks."""
    kept = facts.reason == 0
    cell = (facts.desa.astype(np.int64) * 2 + facts.sex)
    counts = {}
    for spec in specs:
        k = len(spec.kategori)
        category = spec.categorize(facts)
        mask = kept & (category >= 0)
        index = cell[mask] * k + category[mask]
        counts[spec.name] = np.bincount(index, minlength=n_desa * 2 * k).reshape(n_desa, 2, k)
    return counts


def add_counts(total: dict[str, np.ndarray] | None, part: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sum two sets of partial counts."""
    if total is None:
        return {name: array.copy() for name, array in part.items()}
    for name, array in part.items():
        total[name] += array
    return total


def roll_up(desa_counts: np.ndarray, desa_kecamatan: np.ndarray, n_kecamatan: int) -> tuple[np.ndarray, np.ndarray]:
    """Kecamatan and kabupaten counts as sums of desa counts."""
    kecamatan = np.zeros((n_kecamatan,) + desa_counts.shape[1:], dtype=desa_counts.dtype)
    np.add.at(kecamatan, desa_kecamatan, desa_counts)
    return kecamatan, desa_counts.sum(axis=0)
