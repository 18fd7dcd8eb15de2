"""The book's tables: which category each kept row falls in, and additive counts per desa and sex.

`count_chunk` is a pure function of a chunk's facts; its results add up (`add_counts`), so one code path
serves a small file, a register streamed in chunks, and (later) a cluster. Higher levels are sums of desa.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

import numpy as np

from agregat.core.kode import UNKNOWN_KODE, UNKNOWN_LABEL, CodeList
from agregat.sumber.validation import RowFacts

Kategori = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableSpec:
    """One table of the book: its categories and the rule that puts a row in one of them (-1 = not in it).

    A coverage table's rule returns an (n, k) array instead: a row counts in every category of its row
    that is not -1 (the base, and each later category the person reached)."""

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
KAWIN = "2"
CERAI_HIDUP = "3"
PERNAH_KAWIN = ("2", "3", "4")
KIA_UNDER = 17   # KIA: children under this age (Permendagri 2/2016)
KEPALA_KELUARGA = "1"


def _known_or(values: np.ndarray, unknown: int) -> np.ndarray:
    """The category index, or the TIDAK DIKETAHUI index for a blank or unknown cell (-1)."""
    return np.where(values >= 0, values, unknown)


def _age_structure(facts: RowFacts) -> np.ndarray:
    return np.digitize(facts.age, [15, 65])


def _is_wajib_ktp(pernah_kawin: tuple[int, ...]) -> Callable[[RowFacts], np.ndarray]:
    """Age 17 or more, or ever married (UU 24/2013 Pasal 63(1)); an unknown status counts by age alone."""
    return lambda facts: (facts.age >= 17) | np.isin(facts.codes["status_kawin"], pernah_kawin)


def _wajib_ktp(pernah_kawin: tuple[int, ...]) -> Callable[[RowFacts], np.ndarray]:
    wajib = _is_wajib_ktp(pernah_kawin)
    return lambda facts: np.where(wajib(facts), 0, 1)


def document_bases(codes: dict[str, CodeList]) -> dict[str, Callable[[RowFacts], np.ndarray]]:
    """Per optional document column of `validation.DOCUMENT_COLUMNS`: the people its table counts (whose
    cell must be known; a blank cell of anyone else is normal). STAT_KTP: wajib KTP-el; STAT_KIA: children
    under 17; AKTA_KWN: status KAWIN; AKTA_CRAI: status CERAI HIDUP (the akta perkawinan/perceraian sheets of
    the DKB workbook count owners and non-owners among exactly these)."""
    status = codes["status_kawin"]
    kawin, cerai = status.index(KAWIN), status.index(CERAI_HIDUP)
    return {
        "STAT_KTP": _is_wajib_ktp(status.index(*PERNAH_KAWIN)),
        "STAT_KIA": lambda f: f.age < KIA_UNDER,
        "AKTA_KWN": lambda f: f.codes["status_kawin"] == kawin,
        "AKTA_CRAI": lambda f: f.codes["status_kawin"] == cerai,
    }


def _coverage(base: Callable[[RowFacts], np.ndarray], column: str,
              reached: tuple[Callable[[np.ndarray], np.ndarray], ...]) -> Callable[[RowFacts], np.ndarray]:
    """A coverage table's rule: category 0 = the base; category k = the base people whose `column` value
    satisfies reached[k-1]. A blank or unknown value (-1) counts in the base only."""
    def categorize(facts: RowFacts) -> np.ndarray:
        inside, value = base(facts), facts.dokumen[column]
        return np.stack([np.where(inside, 0, -1)]
                        + [np.where(inside & test(value), k, -1) for k, test in enumerate(reached, start=1)], axis=1)
    return categorize


def _owners_by_agama(base: Callable[[RowFacts], np.ndarray], column: str, n_agama: int) -> Callable[[RowFacts], np.ndarray]:
    """The base people whose flag says `ada`, by agama (unknown agama: TIDAK DIKETAHUI)."""
    def categorize(facts: RowFacts) -> np.ndarray:
        owner = base(facts) & (facts.dokumen[column] == 0)
        return np.where(owner, _known_or(facts.codes["agama"], n_agama), -1)
    return categorize


def _kia(belum_kawin: int) -> Callable[[RowFacts], np.ndarray]:
    """Under 17 and known to be unmarried (Permendagri 2/2016), split 0-4 and 5-16."""
    def categorize(facts: RowFacts) -> np.ndarray:
        target = (facts.age < KIA_UNDER) & (facts.codes["status_kawin"] == belum_kawin)
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


# Coverage tables: name → (judul, populasi, kategori, the register column that feeds it; None: only a DKB
# workbook carries the table). The categories are not parts of a whole: each is a count of the people of
# the first one (the base), and the book shows it with its coverage (% of the base).
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
COVERAGE_TABLES = {
    "ktp_el": ("Perekaman dan Pencetakan KTP-el", "penduduk wajib KTP-el", KTP_EL, "STAT_KTP"),
    "kia_kepemilikan": ("Kepemilikan Kartu Identitas Anak (KIA)", "anak umur di bawah 17 tahun", KIA_KEPEMILIKAN,
                        "STAT_KIA"),
    "kk_cetak": ("Pencetakan Kartu Keluarga", "kartu keluarga (jenis kelamin kepala keluarga)", KK_CETAK, None),
    "kk_kepemilikan": ("Kepemilikan Kartu Keluarga", "kartu keluarga (jenis kelamin kepala keluarga)",
                       KK_KEPEMILIKAN, None),
    "akta_perkawinan_kepemilikan": ("Kepemilikan Akta Perkawinan", "penduduk berstatus kawin",
                                    AKTA_KAWIN_KEPEMILIKAN, None),
    "akta_perceraian_kepemilikan": ("Kepemilikan Akta Perceraian", "penduduk berstatus cerai hidup",
                                    AKTA_CERAI_KEPEMILIKAN, None),
}
# What a coverage table's categories after the base count, per register column: tests on its value
# (STAT_KTP: the `ktp_el` code list index, 1 sudah rekam, 2 sudah cetak; flags: 0 ada, 1 tidak ada).
REACHED = {
    "STAT_KTP": (lambda v: v >= 1, lambda v: v == 2),
    "STAT_KIA": (lambda v: v == 0, lambda v: v == 1),
}


# Owners by agama (categories: the agama code list + TIDAK DIKETAHUI): name → (judul, populasi, register column).
OWNERS_BY_AGAMA = {
    "akta_perkawinan": ("Pemilik Akta Perkawinan Menurut Agama", "penduduk yang memiliki akta perkawinan", "AKTA_KWN"),
    "akta_perceraian": ("Pemilik Akta Perceraian Menurut Agama", "penduduk yang memiliki akta perceraian", "AKTA_CRAI"),
}


def table_specs(codes: dict[str, CodeList], columns: tuple[str, ...], workbook: bool = False) -> list[TableSpec]:
    """The tables of the book, in book order, for a register with these columns; `workbook`: the tables of a
    DKB workbook, including those a register computes only from its optional columns and `kk_cetak`, which
    a register edition never has (the workbook's rules are never run: `dkb.py` reads the sheets)."""
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
    bases = document_bases(codes)

    def coverage(name: str) -> None:
        judul, populasi, kategori, column = COVERAGE_TABLES[name]
        if column in columns and not workbook:
            specs.append(TableSpec(name, judul, populasi, kategori, _coverage(bases[column], column, REACHED[column]),
                                   whole_population=False, requires=column))
        elif workbook:
            specs.append(TableSpec(name, judul, populasi, kategori, _workbook_only, whole_population=False))

    coverage("ktp_el")
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
    coverage("kia_kepemilikan")
    for name in ("kk_cetak", "kk_kepemilikan", "akta_perkawinan_kepemilikan", "akta_perceraian_kepemilikan"):
        coverage(name)
    agama = codes["agama"].kategori
    for name, (judul, populasi, column) in OWNERS_BY_AGAMA.items():
        if column in columns and not workbook:
            specs.append(TableSpec(name, judul, populasi, agama + UNKNOWN,
                                   _owners_by_agama(bases[column], column, len(agama)), whole_population=False,
                                   requires=column))
        elif workbook:
            specs.append(TableSpec(name, judul, populasi, agama + UNKNOWN, _workbook_only, whole_population=False))
    return specs


def count_chunk(facts: RowFacts, specs: list[TableSpec], n_desa: int) -> dict[str, np.ndarray]:
    """Counts of kept rows per table as arrays (desa, sex, category): additive across chunks."""
    kept = facts.reason == 0
    cell = (facts.desa.astype(np.int64) * 2 + facts.sex)
    counts = {}
    for spec in specs:
        k = len(spec.kategori)
        category = spec.categorize(facts)
        total = np.zeros(n_desa * 2 * k, dtype=np.int64)
        for one in (category[None] if category.ndim == 1 else category.T):   # a coverage table: several
            mask = kept & (one >= 0)
            total += np.bincount(cell[mask] * k + one[mask], minlength=n_desa * 2 * k)
        counts[spec.name] = total.reshape(n_desa, 2, k)
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
