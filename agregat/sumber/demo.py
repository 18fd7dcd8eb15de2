"""Synthetic SIAK register extracts (BIODATA_WNI columns) for demos, tests and benchmarks.

Every person here is invented: names are random pairs from short lists of common Banjar/Indonesian
names, and NIK/NO_KK are built from random dates. Nothing is derived from a real register.

- `write_demo_registers`: two consecutive semesters of a Tapin-sized population, calibrated to DKB
  Semester II 2024 (202,061 valid residents: L 101,669, P 100,392), with the mess of real exports
  (labels instead of codes, three date formats, padded region codes) and a few bad rows of each kind.
- `write_synthetic_register`: a large, clean register for benchmarks, generated and written in chunks.
- `write_region_register`: a small clean register over every desa of any region master (a whole province
  or one kabupaten/kota), for tests and province demos; not calibrated to any published figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from agregat.core.config import REFERENSI_DIR
from agregat.core.kode import CODES_FILE
from agregat.core.periode import Periode
from agregat.core.wilayah import Wilayah

DEMO_PERIODS = ("2024-S2", "2025-S1")
COLUMNS = ("NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TMPT_LHR", "TGL_LHR", "AKTA_LHR", "GOL_DRH", "AGAMA",
           "STAT_KWN", "AKTA_KWN", "AKTA_CRAI", "STAT_HBKEL", "PNYDNG_CCT", "PDDK_AKH", "JENIS_PKRJN", "STAT_KTP",
           "STAT_KIA", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")
# register column -> (code list in siak_codes.yml, column of the internal person frame)
CODED = {"JENIS_KLMIN": ("jenis_kelamin", "sex"), "GOL_DRH": ("golongan_darah", "darah"),
         "AGAMA": ("agama", "agama"), "STAT_KWN": ("status_kawin", "kwn"),
         "STAT_HBKEL": ("hubungan_keluarga", "role"), "PDDK_AKH": ("pendidikan", "pddk"),
         "JENIS_PKRJN": ("pekerjaan", "pkrjn")}
DKB_2024_S2 = (202_061, 101_669)  # valid residents, of whom laki-laki (DKB Semester II 2024)
# Jumlah penduduk 2019 per kecamatan (RKPD 2021 Kab. Tapin, Tabel 2.4): relative kecamatan sizes.
KEC_2019 = {1: 30883, 2: 20312, 3: 20157, 4: 25337, 5: 12233, 6: 16624, 7: 10374, 8: 5894, 9: 13427,
            10: 11497, 11: 12116, 12: 9408}
# (agama code, persons in a 202,061 population, villages whose code starts with one of these)
RELIGION_TARGETS = ((7, 320, ("63.05.08.2001", "63.05.08.2004", "63.05.08.2005", "63.05.08.2006")),
                    (7, 5, ("63.05.12",)), (2, 300, ("63.05.01", "63.05.04", "63.05.02", "63.05.10")),
                    (3, 196, ("63.05.01", "63.05.04", "63.05.08")), (4, 45, ("63.05.04", "63.05.01", "63.05.08")),
                    (5, 30, ("63.05.04", "63.05.01")), (6, 3, ("63.05.04",)))
# Extra invalid rows per demo register, and in-place anomalies (rows that stay valid but get a warning).
BAD_ROWS = {"nik_float": 30, "nik_15_digits": 20, "nik_duplicate": 40, "sex_X": 10, "sex_blank": 10,
            "date_blank": 10, "date_impossible": 8, "date_future": 10, "kec_99": 10, "kab_6": 10}
ANOMALIES = {"code_blank": 5, "code_unknown": 1, "kk_without_head": 2, "kk_two_heads": 1,
             "nik_date_mismatch": 4, "nik_sex_mismatch": 3,   # code_*: per coded column; nik_*: in 2024-S2
             "no_kk_invalid": 3}
MALFORMED_ROWS = 2   # extra lines with a field too few / too many, as a hand-edited CSV has
BLANKABLE = ("AGAMA", "PDDK_AKH", "JENIS_PKRJN", "STAT_KWN", "GOL_DRH")
CHUNK_ROWS = 500_000

MALE = (("MUHAMMAD", "AHMAD", "AKHMAD", "ABDUL", "RAHMAT", "SYAHRIL", "HAIRUL", "ZAINAL", "RUSLAN", "FAHRI",
         "RIZKY", "YUSUF", "IRWAN", "NORDIN", "BASRI", "GUSTI", "RAHMADI", "ANSHARI", "FIRDAUS", "JUHRI",
         "MASRANI", "SAPRUDIN", "HASAN", "ARBAIN", "ALFIAN"),
        ("RIDUAN", "FAUZI", "SYAHRANI", "ASNAWI", "RUSMADI", "ARIFIN", "HIDAYAT", "RAMADHAN", "NORHADI",
         "JAMALUDIN", "HASANUDDIN", "RAHMAN", "RIFANI", "SAPUTRA", "MAULANA", "FIRMANSYAH", "PRATAMA", ""))
FEMALE = (("SITI", "NOOR", "NOR", "FATIMAH", "AISYAH", "RAHMAH", "HALIMAH", "JUBAIDAH", "MAULIDA", "NURUL",
           "RUSMIATI", "SALASIAH", "MARDIANA", "SRI", "DEWI", "NORJANAH", "ISNAWATI", "AULIA", "ANNISA",
           "KHADIJAH", "MASITAH", "ASIAH", "ZAHRA", "NAJWA", "RAHMI"),
          ("NORHALIZA", "HAYATI", "MASLIANI", "FITRIANI", "HIKMAH", "SALSABILA", "JANNAH", "AMALIA",
           "RAHMAWATI", "LESTARI", "WAHYUNI", "HIDAYAH", "MAULIDAH", "KHAIRUNNISA", "SAFITRI", "ARIANI", ""))
NAMES = [f"{a} {b}".strip() for given, family in (MALE, FEMALE) for a in given for b in family]
N_MALE_NAMES = len(MALE[0]) * len(MALE[1])
PLACES = {"RANTAU": 30, "TAPIN": 12, "BINUANG": 10, "BANJARMASIN": 10, "KANDANGAN": 6, "MARTAPURA": 5,
          "MARGASARI": 4, "BARABAI": 4, "AMUNTAI": 3, "BANJARBARU": 3, "TANJUNG": 2, "PELAIHARI": 2,
          "NEGARA": 2, "KOTABARU": 1, "SAMARINDA": 1, "BALIKPAPAN": 1, "SURABAYA": 1, "JAKARTA": 1}

# Age (years) of the head by household type: couple, widow (female head), widower, single adult.
HH_TYPE_P = (0.725, 0.12, 0.04, 0.115)
HEAD_AGE = (((18, 0), (21, 1.2), (25, 3.3), (30, 3.4), (35, 3.0), (40, 2.6), (50, 2.0), (60, 1.45), (70, 0.7),
             (80, 0.18), (90, 0.03), (95, 0)),
            ((22, 0), (30, 0.5), (45, 0.9), (55, 1.3), (65, 1.4), (75, 1.0), (85, 0.35), (95, 0.05), (99, 0)),
            ((25, 0), (40, 0.5), (55, 1.0), (65, 1.1), (75, 0.8), (85, 0.25), (95, 0)),
            ((18, 0), (21, 0.8), (26, 1.4), (32, 1.2), (45, 0.5), (60, 0.2), (75, 0)))
EDU_AGES = (5, 7, 13, 16, 19, 25, 45, 65)
EDU = ({1: 1}, {1: 85, 2: 15}, {2: 97, 1: 3}, {3: 75, 2: 22, 1: 3}, {4: 70, 3: 25, 2: 5},
       {3: 14, 4: 24, 5: 50, 6: 2, 7: 3, 8: 7}, {1: 3, 2: 8, 3: 30, 4: 20, 5: 27, 6: 2, 7: 3, 8: 6.5, 9: .5},
       {1: 7, 2: 20, 3: 38, 4: 13, 5: 14, 6: 1, 7: 2, 8: 4.5, 9: .5}, {1: 25, 2: 35, 3: 28, 4: 5, 5: 4, 7: 1, 8: 2})
OCC_AGES = (5, 7, 19, 25, 60)
_OCC_YOUNG = ({1: 1}, {1: 60, 3: 40}, {3: 95, 1: 5})
OCC = tuple(t for table in _OCC_YOUNG for t in (table, table)) + (  # (male, female) per age band
    {3: 25, 1: 22, 9: 12, 15: 12, 19: 10, 88: 8, 20: 4, 84: 3, 81: 2, 18: 2},
    {3: 25, 2: 30, 1: 18, 15: 8, 88: 5, 84: 4, 9: 5, 18: 3, 74: 1, 73: 1},
    {9: 32, 88: 18, 15: 11, 19: 9, 84: 5, 20: 5, 5: 3, 65: 1.5, 18: 2, 1: 3, 81: 2.5, 26: 1.5, 27: 1, 85: 1,
     86: .2, 6: .5, 7: .5, 14: 1, 35: 1, 45: .3, 41: .2, 16: .5, 72: .1, 11: .3, 10: .4},
    {2: 50, 9: 14, 88: 8, 84: 7, 15: 5, 1: 4, 5: 2.5, 65: 3, 18: 2.5, 19: 1.5, 20: 2, 73: .6, 74: .6, 30: .5, 72: .1},
    {9: 42, 1: 22, 4: 8, 88: 10, 84: 6, 19: 4, 20: 4, 41: 1, 86: .2},
    {2: 50, 1: 25, 9: 12, 84: 6, 4: 3, 88: 4})
SKILLED = (5, 6, 7, 64, 65, 72, 73, 74)   # occupations that need at least SLTA
DARAH = {13: 600, 4: 135, 1: 92, 2: 105, 3: 28, 11: 15, 5: 10, 7: 10, 9: 3, 12: 1, 6: .5, 8: .5}
DISABILITY = {1: 35, 2: 15, 3: 15, 4: 15, 5: 5, 6: 15}
# Document ownership (the national release: 97,19 % of wajib KTP-el recorded; the real Madiun workbook: 72 %
# of children with KIA, 85 % of the married with akta perkawinan, 75 % of the divorced with akta perceraian)
REKAM = (0.85, 0.975)        # wajib KTP-el who recorded: newly wajib (under 18), older
CETAK = 0.99                 # of those recorded, printed
KIA = (0.60, 0.78)           # children with a KIA: 0-4, 5-16
AKTA_KWN, AKTA_CRAI = 0.85, 0.75


@dataclass(frozen=True)
class Villages:
    """Desa/kelurahan of the region master, with a share of households each."""

    kode: tuple[str, ...]
    nama: tuple[str, ...]
    kec: np.ndarray
    kel: np.ndarray
    weight: np.ndarray


@lru_cache(maxsize=1)
def load_villages() -> Villages:
    """Villages from the region master; sizes vary (kelurahan larger), kecamatan totals follow 2019."""
    df = pd.read_csv(REFERENSI_DIR / "wilayah" / "63.05.csv", dtype=str)
    df = df[df.tingkat.isin(["desa", "kelurahan"])].sort_values("kode").reset_index(drop=True)
    kec = df.kode.str[6:8].astype(int).to_numpy()
    size = np.random.default_rng(6305).lognormal(0, 0.45, len(df)) * np.where(df.tingkat == "kelurahan", 2.5, 1)
    size *= np.array([KEC_2019[k] for k in kec]) / pd.Series(size).groupby(kec).transform("sum").to_numpy()
    return Villages(tuple(df.kode), tuple(df.nama), kec, df.kode.str[9:].astype(int).to_numpy(), size / size.sum())


@lru_cache(maxsize=1)
def load_labels() -> dict[str, dict[int, str]]:
    """SIAK labels per register column, from referensi/siak_codes.yml."""
    data = yaml.safe_load((CODES_FILE).read_text("utf-8"))
    return {col: {int(k): str(v) for k, v in data[key]["kode"].items()} for col, (key, _) in CODED.items()}


class SerialAllocator:
    """Hands out the 4-digit serials of NIK and NO_KK numbers so every number stays unique across calls."""

    def __init__(self) -> None:
        self.used = {kind: np.zeros(16 * 72 * 13 * 100, np.int16) for kind in ("nik", "kk")}

    def take(self, kind: str, kec: np.ndarray, day: np.ndarray, month: np.ndarray, yy: np.ndarray) -> np.ndarray:
        """16-digit numbers 6305 + kec + DDMMYY + serial (day already +40 for women's NIK)."""
        used = self.used[kind]
        key = ((kec * 72 + day) * 13 + month) * 100 + yy
        order = np.argsort(key, kind="stable")
        ranked = key[order]
        first = np.r_[0, np.flatnonzero(ranked[1:] != ranked[:-1]) + 1] if len(key) else np.zeros(0, int)
        rank = np.arange(len(key)) - np.repeat(first, np.diff(np.r_[first, len(key)]))
        serial = np.empty(len(key), np.int64)
        serial[order] = used[ranked] + rank + 1
        used += np.bincount(key, minlength=used.size).astype(np.int16)
        assert len(key) == 0 or serial.max() <= 9999, "serial overflow"
        return ((((6305 * 100 + kec) * 100 + day) * 100 + month) * 100 + yy) * 10_000 + serial


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers since 1970-01-01."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    return (d.astype("datetime64[Y]").astype(int) + 1970, months.astype(int) % 12 + 1,
            (d - months).astype(int) + 1)


def _day(date) -> int:
    return int(np.datetime64(date, "D").astype(np.int64))


def _choice(rng, table: dict, n: int) -> np.ndarray:
    p = np.array(list(table.values()), float)
    return rng.choice(np.array(list(table)), size=n, p=p / p.sum())


def _by_group(rng, group: np.ndarray, tables) -> np.ndarray:
    """Draw a code per row from the table of its group."""
    out = np.zeros(len(group), np.int16)
    for g in np.unique(group):
        m = group == g
        out[m] = _choice(rng, tables[g], int(m.sum()))
    return out


def _ages(rng, knots, n: int) -> np.ndarray:
    """Continuous ages from a piecewise-linear density given as (age, weight) knots."""
    xs, ys = zip(*knots)
    w = np.interp(np.arange(100) + 0.5, xs, ys, left=0, right=0)
    return rng.choice(100, size=n, p=w / w.sum()) + rng.random(n)


def generate_households(rng, n: int, villages: Villages, ref_day: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n households: persons (hh, role, sex, birth, kwn) ordered by household and role, and households
    (village, reg = KK registration day). Children are 16-45 years younger than their mother."""
    htype = rng.choice(4, size=n, p=HH_TYPE_P)
    head_age = np.zeros(n)
    for t, knots in enumerate(HEAD_AGE):
        head_age[htype == t] = _ages(rng, knots, int((htype == t).sum()))
    head_sex = np.where((htype == 1) | ((htype == 3) & (rng.random(n) < 0.25)), 2, 1)
    widowed = rng.random(n) < np.clip((head_age - 30) / 40, 0.25, 0.95)
    head_kwn = np.select([htype == 0, htype == 3], [2, 1], np.where(widowed, 4, 3))
    couple = np.flatnonzero(htype == 0)
    wife_age = np.maximum(head_age - np.clip(rng.normal(4, 4, n), -3, 15), 17 + rng.random(n))
    swap = couple[rng.random(len(couple)) < 0.015]          # a wife heads the KK, her husband is SUAMI
    spouse_role = np.where(np.isin(couple, swap), 2, 3)
    spouse_age = np.where(spouse_role == 2, head_age[couple], wife_age[couple])
    head_age[swap], head_sex[swap] = wife_age[swap], 2
    groups = [(np.arange(n), head_sex, head_age, np.full(n, 1), head_kwn),
              (couple, spouse_role - 1, spouse_age, spouse_role, np.full(len(couple), 2))]

    mother_age = np.select([htype == 0, htype == 1, htype == 2], [wife_age, head_age, head_age - 4], np.nan)
    mom = np.flatnonzero(~np.isnan(mother_age))
    ma, k = mother_age[mom], 8
    births = np.minimum(rng.poisson(2.35 + 0.03 * np.clip(ma - 40, 0, 40)), k)
    at_birth = np.cumsum(np.c_[17.5 + rng.gamma(2.0, 2.0, len(mom)), 1.2 + rng.gamma(2.0, 1.1, (len(mom), k - 1))], 1)
    age = ma[:, None] - at_birth
    leave = np.where(rng.random(age.shape) < 0.08, rng.uniform(28, 45, age.shape), rng.normal(22.5, 3.5, age.shape))
    rows, cols = np.nonzero((np.arange(k) < births[:, None]) & (at_birth <= 44.9) & (age > 0) & (age < leave))
    c_age = age[rows, cols]
    c_kwn = np.where((c_age >= 22) & (rng.random(len(rows)) < 0.03), 3, 1)
    groups.append((mom[rows], rng.choice([1, 2], len(rows), p=[.52, .48]), c_age, np.full(len(rows), 4), c_kwn))

    parent_age = head_age + rng.uniform(20, 36, n)
    par = np.flatnonzero(((htype == 0) | (htype == 3)) & (head_age < 60) & (rng.random(n) < 0.07) & (parent_age < 99))
    groups.append((par, np.where(rng.random(len(par)) < .75, 2, 1), parent_age[par], np.full(len(par), 7),
                   np.where(rng.random(len(par)) < .9, 4, 3)))
    cucu = np.repeat(np.arange(n), np.where((htype != 3) & (head_age >= 45) & (rng.random(n) < 0.12),
                                            1 + (rng.random(n) < 0.3), 0))
    groups.append((cucu, rng.choice([1, 2], len(cucu)), rng.random(len(cucu)) * np.minimum(14, head_age[cucu] - 38),
                   np.full(len(cucu), 6), np.ones(len(cucu), int)))
    fam = np.flatnonzero(rng.random(n) < 0.03)
    f_age = rng.uniform(5, 50, len(fam))
    groups.append((fam, rng.choice([1, 2], len(fam), p=[.6, .4]), f_age, np.full(len(fam), 9),
                   np.where(f_age < 25, 1, _choice(rng, {1: 6, 3: 2, 4: 2}, len(fam)))))

    hh, sex, age, role, kwn = (np.concatenate(parts) for parts in zip(*groups))
    order = np.lexsort((-age, role, hh))
    persons = pd.DataFrame({"hh": hh, "role": role, "sex": sex, "birth": ref_day - (age * 365.2425).astype(int),
                            "kwn": kwn}).iloc[order].reset_index(drop=True).astype(np.int64)
    reg = ref_day - (rng.random(n) * np.clip(head_age - 17, 0.1, 20) * 365.25).astype(int)
    village = rng.choice(len(villages.kode), size=n, p=villages.weight)
    return persons, pd.DataFrame({"village": village, "reg": reg})


def assign_religion(rng, hh_village: np.ndarray, hh_size: np.ndarray, villages: Villages, scale: float) -> np.ndarray:
    """Agama per household: Islam, except households drawn until each minority target is reached."""
    religion = np.ones(len(hh_village), np.int16)
    for code, target, places in RELIGION_TARGETS:
        if target * scale < 0.5:
            continue
        where = [i for i, kode in enumerate(villages.kode) if kode.startswith(places)]
        candidates = rng.permutation(np.flatnonzero(np.isin(hh_village, where) & (religion == 1)))
        taken = np.searchsorted(np.cumsum(hh_size[candidates]), target * scale) + 1
        religion[candidates[:taken]] = code
    return religion


def assign_attributes(rng, p: pd.DataFrame, village: np.ndarray, ref_day: int) -> None:
    """Education, occupation, blood group, disability, birth certificate, name and birthplace (in place)."""
    n = len(p)
    age, sex, kwn = (ref_day - p.birth.to_numpy()) / 365.2425, p.sex.to_numpy(), p.kwn.to_numpy()
    pddk = _by_group(rng, np.digitize(age, EDU_AGES), EDU)
    occ_age = np.where((kwn != 1) & (age < 19), 19, age)
    pkrjn = _by_group(rng, np.digitize(occ_age, OCC_AGES) * 2 + sex - 1, OCC)
    fix = np.isin(pkrjn, SKILLED) & (pddk < 5)
    pddk[fix] = _choice(rng, {5: 20, 7: 20, 8: 60}, int(fix.sum()))
    pddk[(pkrjn == 3) & (age >= 19)] = 5
    akta_p = np.array([.95, .90, .78, .66, .58])[np.digitize(age, (5, 18, 40, 60))]
    disabled = rng.random(n) < 0.002 + 0.00013 * age
    cacat = np.where(disabled, _choice(rng, DISABILITY, n), 0)
    nama = np.where(sex == 1, rng.integers(0, N_MALE_NAMES, n), rng.integers(N_MALE_NAMES, len(NAMES), n))
    tmpt = np.where(rng.random(n) < 0.25, len(PLACES) + village, _choice(rng, dict(enumerate(PLACES.values())), n))
    p["pddk"], p["pkrjn"], p["darah"], p["cacat"] = pddk, pkrjn, _choice(rng, DARAH, n), cacat
    p["akta"], p["nama"], p["tmpt"] = np.where(rng.random(n) < akta_p, 2, 1), nama, tmpt


def nik_numbers(rng, alloc: SerialAllocator, kec: np.ndarray, birth: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """NIKs: kecamatan of first registration (5% another Tapin kecamatan) + DDMMYY (women day+40) + serial."""
    n = len(kec)
    kec = np.where(rng.random(n) < 0.05, (kec - 1 + rng.integers(1, 12, n)) % 12 + 1, kec)
    y, m, d = _ymd(birth)
    return alloc.take("nik", kec, d + 40 * (sex == 2), m, y % 100)


def kk_numbers(alloc: SerialAllocator, h: pd.DataFrame, villages: Villages) -> np.ndarray:
    """NO_KK: kecamatan of the household + registration DDMMYY + serial."""
    y, m, d = _ymd(h.reg.to_numpy())
    return alloc.take("kk", villages.kec[h.village.to_numpy()], d, m, y % 100)


def build_population(rng, rows: int, villages: Villages, ref_day: int, alloc: SerialAllocator,
                     males: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exactly `rows` persons in whole households (the last one may be cut); with `males`, the sex of
    children and other relatives is re-drawn so that exactly that many are male."""
    p, h = generate_households(rng, rows * 10 // 25 + 50, villages, ref_day)
    assert len(p) >= rows, "not enough persons generated"
    p = p.iloc[:rows].copy()
    h = h.iloc[: p.hh.iloc[-1] + 1].copy()
    if males is not None:
        flex = np.flatnonzero(p.role.isin([4, 6, 9]).to_numpy())
        sex = p.sex.to_numpy().copy()
        need = males - int((sex == 1).sum() - (sex[flex] == 1).sum())
        sex[flex] = 2
        sex[rng.choice(flex, need, replace=False)] = 1
        p["sex"] = sex
    size = np.bincount(p.hh, minlength=len(h))
    p["agama"] = assign_religion(rng, h.village.to_numpy(), size, villages, rows / DKB_2024_S2[0])[p.hh]
    village = h.village.to_numpy()[p.hh]
    assign_attributes(rng, p, village, ref_day)
    p["nik"] = nik_numbers(rng, alloc, villages.kec[village], p.birth.to_numpy(), p.sex.to_numpy())
    h["no_kk"] = kk_numbers(alloc, h, villages)
    return p, h


def _new_members(rng, p: pd.DataFrame, h: pd.DataFrame, villages: Villages, ref_day: int,
                 alloc: SerialAllocator) -> pd.DataFrame:
    """Complete persons that join the register (agama must be set): attributes and new NIKs."""
    p = p.reset_index(drop=True)
    village = h.village.to_numpy()[p.hh]
    assign_attributes(rng, p, village, ref_day)
    p["nik"] = nik_numbers(rng, alloc, villages.kec[village], p.birth.to_numpy(), p.sex.to_numpy())
    return p


def _age(p: pd.DataFrame, day: int) -> np.ndarray:
    return (day - p.birth.to_numpy()) / 365.2425


def _new_kk(rng, alloc: SerialAllocator, villages: Villages, village: np.ndarray, day_from: int, day_to: int):
    """Households registered during the semester (day_from, day_to]."""
    h = pd.DataFrame({"village": village, "reg": rng.integers(day_from + 1, day_to + 1, len(village))})
    h["no_kk"] = kk_numbers(alloc, h, villages)
    return h


def _deaths(rng, p: pd.DataFrame, day: int, count: int) -> pd.DataFrame:
    """Remove `count` persons, mostly old; a surviving husband/wife becomes CERAI MATI (and head)."""
    age = _age(p, day)
    hazard = 0.0003 * np.exp(0.085 * np.clip(age - 20, 0, None)) + 0.01 * (age < 1)
    dead = np.zeros(len(p), bool)
    dead[rng.choice(len(p), count, replace=False, p=hazard / hazard.sum())] = True
    couple = p.role.isin([1, 2, 3]).to_numpy()
    bereaved = p.hh.isin(p.hh[dead & couple]).to_numpy() & couple & (p.kwn == 2).to_numpy()
    p = p.assign(kwn=np.where(bereaved, 4, p.kwn))[~dead].copy()
    _ensure_heads(p)
    return p


def _moves_out(rng, p: pd.DataFrame, day: int, hh_persons: float, persons: int) -> pd.DataFrame:
    """Whole households (about hh_persons people), then single young adults (children, relatives) leave."""
    sizes = p.hh.value_counts().sort_index()
    order = rng.permutation(sizes.index.to_numpy())
    p = p[~p.hh.isin(order[: np.searchsorted(np.cumsum(sizes.loc[order].to_numpy()), hh_persons) + 1])]
    age = _age(p, day)
    keep = np.ones(len(p), bool)
    keep[rng.choice(np.flatnonzero(p.role.isin([4, 9]).to_numpy() & (age >= 18) & (age <= 40)), persons,
                    replace=False)] = False
    return p[keep].copy()


def _marriages(rng, p, h, villages, day_from: int, day_to: int, alloc, pairs: int):
    """Unmarried children of two households marry: 60% found a new KK, otherwise the bride joins the
    groom's household as MENANTU. Returns persons, households and the brides' row positions."""
    age, single = _age(p, day_to), ((p.role == 4) & (p.kwn == 1)).to_numpy()
    sex, hh = p.sex.to_numpy(), p.hh.to_numpy().copy()
    men = rng.choice(np.flatnonzero(single & (sex == 1) & (age >= 21) & (age <= 35)), pairs, replace=False)
    women = rng.choice(np.flatnonzero(single & (sex == 2) & (age >= 18) & (age <= 32)), pairs, replace=False)
    men, women = men[hh[men] != hh[women]], women[hh[men] != hh[women]]
    split = rng.random(len(men)) < 0.6
    new_hh = len(h) + np.arange(split.sum())
    h = pd.concat([h, _new_kk(rng, alloc, villages, h.village.to_numpy()[hh[men[split]]], day_from, day_to)],
                  ignore_index=True)
    role, kwn, pkrjn = p.role.to_numpy().copy(), p.kwn.to_numpy().copy(), p.pkrjn.to_numpy().copy()
    kwn[men], kwn[women] = 2, 2
    hh[women[~split]], role[women[~split]] = hh[men[~split]], 5
    hh[men[split]], hh[women[split]], role[men[split]], role[women[split]] = new_hh, new_hh, 1, 3
    idle = np.isin(pkrjn, (1, 3))
    pkrjn[women[idle[women]]] = 2
    pkrjn[men[idle[men]]] = _choice(rng, {9: 3, 88: 3, 15: 2, 19: 2}, int(idle[men].sum()))
    return p.assign(hh=hh, role=role, kwn=kwn, pkrjn=pkrjn), h, women


def _births(rng, p, h, villages, day_from: int, day_to: int, alloc, count: int, brides) -> pd.DataFrame:
    """Babies born this semester to married women 17-44 (not just married, no baby under 9 months yet)."""
    age = _age(p, day_to)
    youngest = pd.Series(age).groupby(p.hh.to_numpy()).transform("min").to_numpy()
    mothers = np.flatnonzero((p.sex == 2).to_numpy() & (p.kwn == 2).to_numpy() & p.role.isin([1, 3]).to_numpy()
                             & (age >= 17) & (age <= 44) & (youngest >= 0.75) & ~np.isin(np.arange(len(p)), brides))
    fertility = np.interp(age[mothers], [17, 20, 25, 30, 35, 40, 45], [.4, .9, 1, .85, .55, .2, .02])
    mothers = rng.choice(mothers, count, replace=False, p=fertility / fertility.sum())
    babies = pd.DataFrame({"hh": p.hh.to_numpy()[mothers], "role": 4, "sex": rng.choice([1, 2], count),
                           "birth": rng.integers(day_from + 1, day_to + 1, count), "kwn": 1,
                           "agama": p.agama.to_numpy()[mothers]})
    babies = _new_members(rng, babies, h, villages, day_to, alloc)
    babies["akta"] = np.where(rng.random(count) < 0.93, 2, 1)
    return babies


def _moves_in(rng, p, h, villages, day_from: int, day_to: int, alloc, hh_persons: float, persons: int):
    """New households (about hh_persons people, new KK) and single relatives (FAMILI LAIN) move in."""
    q, qh = generate_households(rng, round(hh_persons / 2.9), villages, day_to)
    h = pd.concat([h, _new_kk(rng, alloc, villages, qh.village.to_numpy(), day_from, day_to)], ignore_index=True)
    q = q.assign(hh=q.hh + len(h) - len(qh), agama=1)
    age = rng.uniform(18, 60, persons)
    r = pd.DataFrame({"hh": rng.choice(p.hh.unique(), persons), "role": 9, "sex": rng.choice([1, 2], persons),
                      "birth": day_to - (age * 365.2425).astype(int), "agama": 1,
                      "kwn": np.where(age < 25, 1, _choice(rng, {1: 5, 2: 3, 3: 1, 4: 1}, persons))})
    return _new_members(rng, pd.concat([q, r], ignore_index=True), h, villages, day_to, alloc), h


def evolve(rng, p: pd.DataFrame, h: pd.DataFrame, villages: Villages, day_from: int, day_to: int,
           alloc: SerialAllocator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same population one semester later: ~0.3% die, ~0.3% move out and in, ~0.15% marry,
    ~0.85% are born. Everybody else keeps NIK, NO_KK, name and birth date."""
    n0 = len(p)
    p = _deaths(rng, p, day_to, round(0.0029 * n0))
    p = _moves_out(rng, p, day_to, 0.0018 * n0, round(0.0012 * n0))
    p, h, brides = _marriages(rng, p, h, villages, day_from, day_to, alloc, round(0.0015 * n0))
    babies = _births(rng, p, h, villages, day_from, day_to, alloc, round(0.0085 * n0), brides)
    movers, h = _moves_in(rng, p, h, villages, day_from, day_to, alloc, 0.0018 * n0, round(0.0013 * n0))
    return pd.concat([p, babies, movers], ignore_index=True), h


def _ensure_heads(p: pd.DataFrame) -> None:
    """Give every headless household a head: the surviving spouse, else the oldest member (in place)."""
    headless = ~p.hh.isin(p.hh[p.role == 1])
    if headless.any():
        cand = p[headless].assign(rank=~p.role.isin([2, 3])).sort_values(["hh", "rank", "birth"])
        p.loc[cand.drop_duplicates("hh").index, "role"] = 1


def _strings(values, idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(idx, mask=null))


def _uniform(keys: np.ndarray, salt: int) -> np.ndarray:
    """A uniform number in [0, 1) per key (splitmix64): the same person draws the same in every semester."""
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / 2.0 ** 53


def completed_age(birth: np.ndarray, ref_day: int) -> np.ndarray:
    """Age in completed years on the reference day (as the validation computes it)."""
    y, m, d = _ymd(birth)
    ry, rm, rd = (int(x[0]) for x in _ymd(np.array([ref_day])))
    return ry - y - ((rm < m) | ((rm == m) & (rd < d)))


def document_columns(nik: np.ndarray, birth: np.ndarray, kwn: np.ndarray, ref_day: int) -> dict[str, pa.Array]:
    """STAT_KTP (1 belum rekam, 2 sudah rekam, 3 sudah cetak) for the wajib KTP-el, STAT_KIA for children
    under 17, AKTA_KWN for the ever married, AKTA_CRAI for the divorced (flags 1 tidak ada, 2 ada); blank for
    everybody else. Drawn per NIK, so a person keeps a document from one semester to the next."""
    age = completed_age(birth, ref_day)
    wajib = (age >= 17) | (kwn != 1)
    u = _uniform(nik, 1)
    rekam = np.where(age < 18, REKAM[0], REKAM[1])
    ktp = np.where(u < rekam * CETAK, 3, np.where(u < rekam, 2, 1))
    kia = _uniform(nik, 2) < np.where(age < 5, KIA[0], KIA[1])
    kawin = _uniform(nik, 3) < AKTA_KWN
    cerai = _uniform(nik, 4) < AKTA_CRAI
    flag = ["1", "2"]
    return {"STAT_KTP": _strings(["1", "2", "3"], ktp - 1, ~wajib),
            "STAT_KIA": _strings(flag, kia.astype(int), age >= 17),
            "AKTA_KWN": _strings(flag, kawin.astype(int), kwn == 1),
            "AKTA_CRAI": _strings(flag, cerai.astype(int), kwn != 3)}


def to_table(p: pd.DataFrame, h: pd.DataFrame, villages: Villages, ref_day: int, rng=None) -> pa.Table:
    """The register rows as text on the reference day `ref_day` (the document columns depend on age). With
    rng, the mess of real exports: ~10% labels instead of codes, ~5% DD-MM-YYYY and ~5% DD/MM/YYYY dates,
    ~20% zero-padded region codes. Code 0 is written blank."""
    n = len(p)
    hh = p.hh.to_numpy()
    village = h.village.to_numpy()[hh]
    style = np.zeros(n, int) if rng is None else (rng.random(n) < 0.10) * (1 + (rng.random(n) < 0.4))
    out = {"NIK": pa.array(p.nik.to_numpy()).cast(pa.string()),
           "NO_KK": pa.array(h.no_kk.to_numpy()[hh]).cast(pa.string()),
           "NAMA_LGKP": _strings(NAMES, p.nama.to_numpy()),
           "TMPT_LHR": _strings(list(PLACES) + [v.upper() for v in villages.nama], p.tmpt.to_numpy())}
    for col, labels in load_labels().items():
        top = max(labels) + 1
        vocab = [str(i) for i in range(top)] + [labels.get(i, "").upper() for i in range(top)] \
            + [labels.get(i, "").title() for i in range(top)]
        code = p[CODED[col][1]].to_numpy()
        out[col] = _strings(vocab, code + top * style, code == 0)
    dates = pa.array(p.birth.to_numpy().astype("datetime64[D]"))
    out["TGL_LHR"] = dates.cast(pa.string())
    out["AKTA_LHR"] = _strings(["1", "2"], p.akta.to_numpy() - 1)
    cacat = p.cacat.to_numpy()
    out["PNYDNG_CCT"] = _strings([str(i) for i in range(7)], cacat, cacat == 0)
    out |= document_columns(p.nik.to_numpy(), p.birth.to_numpy(), p.kwn.to_numpy(), ref_day)
    pad = np.zeros(n, int) if rng is None else (rng.random(n) < 0.2).astype(int)
    out["NO_PROP"] = _strings(["63"], np.zeros(n, int))
    out["NO_KAB"] = _strings(["5", "05"], pad)
    out["NO_KEC"] = _strings([str(i) for i in range(16)] + [f"{i:02d}" for i in range(16)],
                             villages.kec[village] + 16 * pad)
    out["NO_KEL"] = _strings([str(k) for k in villages.kel], village)
    if rng is not None:
        form = rng.random(n)
        out["TGL_LHR"] = pc.if_else(form < 0.05, pc.strftime(dates, format="%d-%m-%Y"),
                                    pc.if_else(form < 0.10, pc.strftime(dates, format="%d/%m/%Y"), out["TGL_LHR"]))
    return pa.table([out[c] for c in COLUMNS], names=list(COLUMNS))


def _sorted(p: pd.DataFrame, h: pd.DataFrame) -> pd.DataFrame:
    """Rows in export order: by NO_KK, then role, then birth date."""
    return p.assign(_kk=h.no_kk.to_numpy()[p.hh]).sort_values(["_kk", "role", "birth"]).drop(columns="_kk") \
        .reset_index(drop=True)


def messy_register(rng, p: pd.DataFrame, h: pd.DataFrame, villages: Villages, ref_day: int,
                   alloc: SerialAllocator) -> pa.Table:
    """One demo register: in-place anomalies (ANOMALIES), then the extra bad rows (BAD_ROWS) each placed
    right after the row it was copied from."""
    p = _sorted(p, h)
    role = p.role.to_numpy().copy()
    sizes = p.hh.map(p.hh.value_counts()).to_numpy()
    heads = rng.choice(np.flatnonzero((role == 1) & (sizes >= 3)), ANOMALIES["kk_without_head"], replace=False)
    role[heads] = 9
    wives = np.flatnonzero((role == 3) & ~p.hh.isin(p.hh.to_numpy()[heads]).to_numpy())
    role[rng.choice(wives, ANOMALIES["kk_two_heads"], replace=False)] = 1
    p["role"] = role
    table = to_table(p, h, villages, ref_day, rng)
    members = rng.choice(np.flatnonzero(role == 4), ANOMALIES["no_kk_invalid"], replace=False)
    no_kk = table["NO_KK"].to_numpy(zero_copy_only=False).copy()
    no_kk[members] = [value[:-1] for value in no_kk[members]]          # a digit lost when typed in
    table = table.set_column(COLUMNS.index("NO_KK"), "NO_KK", pa.array(no_kk, pa.string()))
    cells = rng.choice(len(p), (len(BLANKABLE), ANOMALIES["code_blank"] + ANOMALIES["code_unknown"]), replace=False)
    for col, where in zip(BLANKABLE, cells):
        values = table[col].to_numpy(zero_copy_only=False).copy()
        values[where] = [None] * ANOMALIES["code_blank"] + ["ARTIS" if col == "JENIS_PKRJN" else "99"]
        table = table.set_column(COLUMNS.index(col), col, pa.array(values, pa.string()))

    total = sum(BAD_ROWS.values())
    src = rng.choice(np.flatnonzero(role != 1), total, replace=False)
    fresh = p.iloc[src].copy()
    fresh["nik"] = nik_numbers(rng, alloc, villages.kec[h.village.to_numpy()[fresh.hh]], fresh.birth.to_numpy(),
                               fresh.sex.to_numpy())
    fresh["nama"] = np.where(fresh.sex.to_numpy() == 1, rng.integers(0, N_MALE_NAMES, total),
                             rng.integers(N_MALE_NAMES, len(NAMES), total))
    rows = to_table(fresh, h, villages, ref_day, rng).to_pylist()
    originals = table.take(pa.array(src)).to_pylist()
    kinds = [k for k, count in BAD_ROWS.items() for _ in range(count)]
    for i, (kind, row) in enumerate(zip(kinds, rows)):
        year = int(fresh.birth.iloc[i] // 365.2425) + 1970
        if kind == "nik_float":
            row["NIK"] = f"{int(row['NIK']):.5E}"
        elif kind == "nik_15_digits":
            cut = int(rng.integers(4, 16))
            row["NIK"] = row["NIK"][:cut] + row["NIK"][cut + 1:]
        elif kind == "nik_duplicate":
            rows[i] = originals[i]
        elif kind.startswith("sex_"):
            row["JENIS_KLMIN"] = "X" if kind == "sex_X" else None
        elif kind == "date_blank":
            row["TGL_LHR"] = None
        elif kind == "date_impossible":
            row["TGL_LHR"] = f"{30 + i % 2}-02-{year}" if i % 3 else f"{year}-02-30"
        elif kind == "date_future":
            row["TGL_LHR"] = str(np.datetime64(ref_day + int(rng.integers(1, 180)), "D"))
        elif kind == "kec_99":
            row["NO_KEC"] = "99"
        elif kind == "kab_6":
            row["NO_KAB"], row["NO_KEC"] = "6", str(rng.integers(1, 12))
            row["NO_KEL"] = str(2000 + rng.integers(1, 15))
    bad = pa.Table.from_pylist(rows, schema=table.schema)
    key = np.r_[np.arange(len(table), dtype=float), src + 0.5]
    return pa.concat_tables([table, bad]).take(pa.array(np.argsort(key, kind="stable")))


def _write(table: pa.Table, path: Path) -> Path:
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    return path


def _add_malformed_rows(rng, path: Path) -> Path:
    """Copy MALFORMED_ROWS data lines, one with its last field cut off, one with a field too many."""
    lines = path.read_bytes().split(b"\n")
    picks = np.sort(rng.choice(np.arange(1, len(lines) - 1), MALFORMED_ROWS, replace=False))
    for i, line in sorted(zip(picks.tolist(), (b",".join(lines[picks[0]].split(b",")[:-1]),
                                                lines[picks[1]] + b",X")), reverse=True):
        lines.insert(i + 1, line)
    path.write_bytes(b"\n".join(lines))
    return path


def write_demo_registers(out_dir: Path, seed: int = 6305) -> dict[str, Path]:
    """Write demo-2024-S2.csv and demo-2025-S1.csv into out_dir (created if needed); return {period: path}.
    Deterministic: the same seed gives byte-identical files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng, villages, alloc = np.random.default_rng(seed), load_villages(), SerialAllocator()
    days = [_day(Periode.parse(period).tanggal) for period in DEMO_PERIODS]
    p, h = build_population(rng, DKB_2024_S2[0], villages, days[0], alloc, males=DKB_2024_S2[1])
    # NIKs that disagree with the (later corrected) birth date or sex; they keep them in both semesters
    adults = rng.choice(np.flatnonzero((days[0] - p.birth.to_numpy()) > 30 * 365), 7, replace=False)
    shifted, flipped = adults[:ANOMALIES["nik_date_mismatch"]], adults[ANOMALIES["nik_date_mismatch"]:]
    birth, sex = p.birth.to_numpy().copy(), p.sex.to_numpy().copy()
    birth[shifted] += rng.choice([-365, -31, -3, 10], len(shifted))
    sex[flipped] = 3 - sex[flipped]
    nik = p.nik.to_numpy().copy()
    nik[adults] = nik_numbers(rng, alloc, villages.kec[h.village.to_numpy()[p.hh.to_numpy()[adults]]],
                              birth[adults], sex[adults])
    p["nik"] = nik
    populations = [(p, h), evolve(rng, p, h, villages, days[0], days[1], alloc)]
    paths = {}
    for i, (period, day, (pp, hh)) in enumerate(zip(DEMO_PERIODS, days, populations)):
        table = messy_register(np.random.default_rng([seed, i]), pp, hh, villages, day, alloc)
        rng_period = np.random.default_rng([seed, i, 1])
        paths[period] = _add_malformed_rows(rng_period, _write(table, out_dir / f"demo-{period}.csv"))
    return paths


def write_synthetic_register(path: Path, rows: int, seed: int = 1, period: str = "2025-S1") -> Path:
    """A large clean register of exactly `rows` rows for benchmarks, generated and written in chunks of
    CHUNK_ROWS (bounded memory). Every row is valid except ~0.1% blank codes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng, villages, alloc = np.random.default_rng(seed), load_villages(), SerialAllocator()
    ref_day = _day(Periode.parse(period).tanggal)
    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    with pacsv.CSVWriter(path, schema, write_options=options) as writer:
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            p, h = build_population(rng, n, villages, ref_day, alloc)
            blank = np.flatnonzero(rng.random(n) < 0.001)
            which = rng.integers(0, len(BLANKABLE), len(blank))
            for j, col in enumerate(BLANKABLE):
                p[CODED[col][1]] = np.where(np.isin(np.arange(n), blank[which == j]), 0, p[CODED[col][1]])
            writer.write_table(to_table(p, h, villages, ref_day))
    return path


HOUSEHOLD_SIZE = 4   # write_region_register: members per KK (the last KK of a desa may be smaller)


def region_residence(wilayah: Wilayah, desa: np.ndarray) -> dict[str, pa.Array]:
    """NO_PROP, NO_KAB, NO_KEC, NO_KEL (unpadded numbers, as SIAK exports them) of each person's desa."""
    parts = np.array([[int(x) for x in d.kode.split(".")] for d in wilayah.desa], dtype=np.int64)[desa]
    return {column: pa.array(parts[:, i].astype(str), pa.string())
            for i, column in enumerate(("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"))}


def unique_niks(region6: np.ndarray, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """16-digit NIKs region(6) + DDMMYY (day + 40 for women) + a serial unique within region and date."""
    year, month, day = _ymd(birth)
    ddmmyy = (day + 40 * female) * 10_000 + month * 100 + year % 100
    group = region6 * 1_000_000 + ddmmyy
    order = np.argsort(group, kind="stable")
    ranked = group[order]
    starts = np.r_[0, np.flatnonzero(ranked[1:] != ranked[:-1]) + 1] if len(group) else np.zeros(0, int)
    serial = np.empty(len(group), np.int64)
    serial[order] = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)])) + 1
    if len(serial) and serial.max() > 9999:
        raise ValueError("lebih dari 9.999 orang dengan wilayah dan tanggal lahir yang sama")
    return group * 10_000 + serial


def write_region_register(path: Path, wilayah: Wilayah, persons_per_desa: int | np.ndarray, seed: int = 63,
                          period: str = "2025-S1") -> Path:
    """A clean register over every desa of `wilayah`: `persons_per_desa` people each (a number, or one per
    desa), in KK of HOUSEHOLD_SIZE (the first a Kepala Keluarga), random sex, age 0-89 and codes.
    Every row is valid and every NIK/NO_KK unique; the same arguments give the same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    counts = np.broadcast_to(np.asarray(persons_per_desa, dtype=np.int64), (len(wilayah.desa),))
    desa = np.repeat(np.arange(len(wilayah.desa)), counts)
    n = len(desa)
    member = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)   # position within the desa
    household = np.cumsum(member % HOUSEHOLD_SIZE == 0)                    # 1, 1, 1, 1, 2, …
    role = np.select([member % HOUSEHOLD_SIZE == 0, member % HOUSEHOLD_SIZE == 1], [1, 3], 4)
    age = np.where(role == 4, rng.integers(0, 30, n), rng.integers(20, 90, n))
    ref_day = _day(Periode.parse(period).tanggal)
    birth = ref_day - age * 366 - rng.integers(0, 300, n)
    sex = rng.integers(1, 3, n)
    region6 = wilayah.desa_keys[desa] // 10_000
    labels = load_labels()
    nik = unique_niks(region6, birth, sex == 2)
    kwn = np.where(role == 4, 1, 2)

    def code(column: str, values: np.ndarray | None = None) -> pa.Array:
        keys = np.array(sorted(labels[column]))
        chosen = keys[rng.integers(0, len(keys), n)] if values is None else values
        return pa.array(chosen.astype(str), pa.string())

    columns = {
        "NIK": pa.array(nik.astype(str), pa.string()),
        "NO_KK": pa.array((region6 * 10**10 + household).astype(str), pa.string()),
        "NAMA_LGKP": _strings(NAMES, np.where(sex == 1, rng.integers(0, N_MALE_NAMES, n),
                                              rng.integers(N_MALE_NAMES, len(NAMES), n))),
        "JENIS_KLMIN": code("JENIS_KLMIN", sex),
        "TMPT_LHR": _strings([d.nama.upper() for d in wilayah.desa], desa),
        "TGL_LHR": pa.array(birth.astype("datetime64[D]")).cast(pa.string()),
        "AKTA_LHR": _strings(["1", "2"], (rng.random(n) < 0.9).astype(int)),
        "GOL_DRH": code("GOL_DRH"), "AGAMA": code("AGAMA"),
        "STAT_KWN": code("STAT_KWN", kwn),
        "STAT_HBKEL": code("STAT_HBKEL", role),
        "PNYDNG_CCT": _strings(["", "1"], (rng.random(n) < 0.01).astype(int)),
        "PDDK_AKH": code("PDDK_AKH"), "JENIS_PKRJN": code("JENIS_PKRJN"),
        **region_residence(wilayah, desa), **document_columns(nik, birth, kwn, ref_day),
    }
    return _write(pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS)), path)
