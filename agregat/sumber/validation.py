"""Row checks: the facts of each row that the tables count, and its problems (kinds: `masalah.CATALOGUE`).

Checks are vectorised over a chunk; cells are resolved once per distinct value (`kode.map_distinct`).
A problem is reported by row number and column, never by value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agregat.core.config import FLAG_COLUMNS, OPTIONAL_COLUMNS, Config
from agregat.sumber.ingest import Chunk
from agregat.core.kode import CodeList, ascii_integer, map_distinct, normalize_value
from agregat.core.masalah import EXCLUSIONS, MAX_AGE
from agregat.core.wilayah import Wilayah, region_key

REASON_CODES = EXCLUSIONS           # index + 1 = value in RowFacts.reason (the catalogue's order of checks)
NIK_DUPLICATE = REASON_CODES.index("nik_ganda") + 1

# Optional document columns besides AKTA_LHR (RowFacts.akta) and PNYDNG_CCT (RowFacts.disabilitas)
DOCUMENT_COLUMNS = tuple(c for c in OPTIONAL_COLUMNS if c not in ("PNYDNG_CCT", "AKTA_LHR"))
CODED = ("agama", "pendidikan", "pekerjaan", "status_kawin", "hubungan_keluarga", "golongan_darah")
REGION_LIMITS = (100, 100, 100, 10000)   # NO_PROP, NO_KAB, NO_KEC, NO_KEL: 2, 2, 2 and 4 digits
_DATE_FORMATS = (   # re.ASCII: \d is 0-9 only (int() would read ٢٠٢٥ as 2025)
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII),
    re.compile(r"(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})", re.ASCII),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})", re.ASCII),
)


def parse_date(text: str | None) -> dt.date | None:
    """`YYYY-MM-DD` (a time part is ignored), `DD-MM-YYYY` or `DD/MM/YYYY`; None if not a real date."""
    if not text:
        return None
    text = text.strip()
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def completed_years(born: dt.date, on: dt.date) -> int:
    """Age in completed years on a date (a 29 February birthday turns over on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Context:
    """Everything the row checks need, built once per run; caches persist across chunks."""

    config: Config
    wilayah: Wilayah
    codes: dict[str, CodeList]
    tanggal: dt.date
    desa_keys: np.ndarray = field(init=False)
    caches: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.desa_keys = self.wilayah.desa_keys

    def cache(self, name: str) -> dict:
        return self.caches.setdefault(name, {})


@dataclass
class RowFacts:
    """What the tables need to know of each row of a chunk (no personal data but the NIK/KK numbers,
    which never leave the process)."""

    rows: np.ndarray
    reason: np.ndarray          # 0 kept, else 1 + index into REASON_CODES
    nik: np.ndarray             # int64, -1 when not 16 digits
    no_kk: np.ndarray           # int64, -1 when not 16 digits
    sex: np.ndarray             # 0 laki-laki, 1 perempuan, -1 other
    age: np.ndarray             # completed years on the reference date, -1 when the date is invalid
    desa: np.ndarray            # index into wilayah.desa, -1 outside the kabupaten
    codes: dict[str, np.ndarray]  # category index per coded column, -1 blank/unknown
    disabilitas: np.ndarray | None   # 0..5 kind, 6 none, -1 unknown; None when the column is absent
    akta: np.ndarray | None          # 0 has, 1 has not, -1 unknown; None when the column is absent
    nik_date_mismatch: np.ndarray
    nik_sex_mismatch: np.ndarray
    # the other document columns the extract has (DOCUMENT_COLUMNS): flags 0 has, 1 has not; STAT_KTP the
    # index in the `ktp_el` code list (0 belum rekam, 1 sudah rekam, 2 sudah cetak); -1 blank/unknown
    dokumen: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)


def _sixteen_digits(array: pa.Array) -> np.ndarray:
    """int64 of a 16-digit text cell (blanks and a leading apostrophe trimmed), -1 otherwise."""
    def digits_only(values: pa.Array) -> pa.Array:
        return pc.fill_null(pc.and_(pc.equal(pc.binary_length(values), 16), pc.ascii_is_decimal(values)), False)

    ok = digits_only(array)
    if pc.sum(ok).as_py() != len(array):   # trimming is slow: only when some cell needs it
        array = pc.utf8_trim(array, characters=" \t'")
        ok = digits_only(array)
    numbers = pc.cast(pc.if_else(ok, array, "-1"), pa.int64())
    return numbers.to_numpy(zero_copy_only=False)


def _integer(value: str | None) -> tuple[int]:
    number = ascii_integer(normalize_value(value))
    return (-1,) if number is None else (number,)


def check_chunk(chunk: Chunk, ctx: Context) -> RowFacts:
    """Resolve and check every row of a chunk (all but duplicate NIKs, which need the whole register)."""
    columns = chunk.columns
    n = len(chunk)
    nik = _sixteen_digits(columns["NIK"])
    no_kk = _sixteen_digits(columns["NO_KK"])

    sex_list = ctx.codes["jenis_kelamin"]
    sex = map_distinct(columns["JENIS_KLMIN"], lambda v: (sex_list.resolve(v),),
                       ctx.cache("JENIS_KLMIN"), np.int8)[:, 0]

    tanggal = ctx.tanggal

    def resolve_date(value):
        born = parse_date(value)
        if born is None or born > tanggal:
            return (-1, -1)
        age = completed_years(born, tanggal)
        if age > MAX_AGE:
            return (-1, -1)
        return (age, born.day * 10000 + born.month * 100 + born.year % 100)

    dates = map_distinct(columns["TGL_LHR"], resolve_date, ctx.cache("TGL_LHR"), np.int32)
    age, born_ddmmyy = dates[:, 0], dates[:, 1]

    parts = [map_distinct(columns[c], _integer, ctx.cache(c), np.int64)[:, 0]
             for c in ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")]
    key = region_key(*parts)
    in_range = np.all([(part >= 0) & (part < limit) for part, limit in zip(parts, REGION_LIMITS)], axis=0)
    key[~in_range] = -1   # e.g. NO_KEL 12001 must not become kecamatan 2, desa 2001
    position = np.searchsorted(ctx.desa_keys, key).clip(0, len(ctx.desa_keys) - 1)
    desa = np.where(ctx.desa_keys[position] == key, position, -1).astype(np.int32)

    codes = {}
    for name in CODED:
        code_list = ctx.codes[name]
        codes[name] = map_distinct(columns[code_list.kolom], lambda v, cl=code_list: (cl.resolve(v),),
                                   ctx.cache(code_list.kolom), np.int16)[:, 0]

    disabilitas = None
    if "PNYDNG_CCT" in columns:
        kinds = ctx.codes["disabilitas"]
        none_index = len(kinds.kategori)

        def resolve_disability(value, kinds=kinds):
            text = normalize_value(value)
            return (none_index,) if text == "" or text in kinds.none_values else (kinds.resolve(text),)

        disabilitas = map_distinct(columns["PNYDNG_CCT"], resolve_disability, ctx.cache("PNYDNG_CCT"), np.int16)[:, 0]

    ada, tidak = ctx.config.akta_ada, ctx.config.akta_tidak_ada

    def resolve_flag(value):
        text = normalize_value(value)
        return (0,) if text in ada else (1,) if text in tidak else (-1,)

    ktp = ctx.codes["ktp_el"]
    resolvers = {column: resolve_flag for column in FLAG_COLUMNS} | {ktp.kolom: lambda v: (ktp.resolve(v),)}
    found = {column: map_distinct(columns[column], resolvers[column], ctx.cache(column), np.int16)[:, 0]
             for column in ("AKTA_LHR",) + DOCUMENT_COLUMNS if column in columns}
    akta = found.pop("AKTA_LHR", None)

    reason = np.zeros(n, dtype=np.int8)
    for code, bad in (("wilayah_tidak_valid", desa < 0), ("tgl_lahir_tidak_valid", age < 0),
                      ("jenis_kelamin_tidak_valid", sex < 0), ("nik_tidak_valid", nik < 0)):
        reason[bad] = REASON_CODES.index(code) + 1   # checked last wins: the first reason in order

    nik_ddmmyy = (nik // 10_000) % 1_000_000
    nik_day = nik_ddmmyy // 10_000
    nik_female = nik_day > 40
    nik_ddmmyy = nik_ddmmyy - np.where(nik_female, 400_000, 0)
    comparable = (reason == 0)
    nik_date_mismatch = comparable & (nik_ddmmyy != born_ddmmyy)
    nik_sex_mismatch = comparable & (nik_female != (sex == 1))
    return RowFacts(chunk.rows, reason, nik, no_kk, sex, age, desa, codes, disabilitas, akta,
                    nik_date_mismatch, nik_sex_mismatch, found)
