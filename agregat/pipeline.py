"""The aggregation run: open → check every chunk → count → cross-row checks. Nothing is written here.

Cross-row state (NIKs seen, KK membership) is kept as compact int64 arrays, never as per-row Python
objects; everything else is additive counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import numpy as np

from .config import Config
from .ingest import Register, RescanNeeded, open_register, prepare_precise_scan
from .kode import load_code_lists
from .periode import Periode
from .report import Report
from .tables import KEPALA_KELUARGA, TableSpec, add_counts, count_chunk, table_specs
from .validation import CODED, NIK_DUPLICATE, REASON_CODES, Context, RowFacts, check_chunk
from .wilayah import Wilayah, load_wilayah

ProgressCallback = Callable[[int], None]


@dataclass
class Aggregation:
    """The outcome of reading one register: counts per desa, and the validation report."""

    periode: Periode
    register: Register
    wilayah: Wilayah
    specs: list[TableSpec]
    counts: dict[str, np.ndarray]
    report: Report


class _NikRegistry:
    """NIKs already seen, as one sorted int64 array (merged per chunk in linear time)."""

    def __init__(self) -> None:
        self.seen = np.empty(0, dtype=np.int64)

    def mark_duplicates(self, facts: RowFacts) -> None:
        """Exclude every row whose NIK belongs to an earlier kept row (this chunk or before).

        Only rows that pass every other rule register their NIK: a damaged first copy does not make the
        good copy after it a duplicate, so adding an excluded row never changes the tables.
        """
        positions = np.flatnonzero(facts.nik >= 0)
        niks = facts.nik[positions]
        keepable = facts.reason[positions] == 0
        first_kept, first_index = np.unique(niks[keepable], return_index=True)
        first_position = np.flatnonzero(keepable)[first_index]    # index into `niks`
        first_of = np.full(len(niks), np.iinfo(np.int64).max)   # where this NIK is first kept in the chunk
        if len(first_kept):
            where = np.searchsorted(first_kept, niks).clip(0, len(first_kept) - 1)
            match = first_kept[where] == niks
            first_of[match] = first_position[where[match]]
        duplicate = _member(self.seen, niks) | (np.arange(len(niks)) > first_of)
        facts.reason[positions[duplicate]] = NIK_DUPLICATE
        new = first_kept[~_member(self.seen, first_kept)]
        merged = np.concatenate([self.seen, new])
        merged.sort(kind="stable")   # two sorted runs: timsort merges them in linear time
        self.seen = merged


def _member(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which `values` occur in the sorted array."""
    if len(sorted_values) == 0:
        return np.zeros(len(values), dtype=bool)
    where = np.searchsorted(sorted_values, values).clip(0, len(sorted_values) - 1)
    return sorted_values[where] == values


class _FamilyCheck:
    """Kepala Keluarga per NO_KK across the whole register."""

    def __init__(self, kepala: int) -> None:
        self.kepala = kepala   # category index of KEPALA KELUARGA
        self.kk: list[np.ndarray] = []
        self.head: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []

    def add(self, facts: RowFacts, report: Report) -> None:
        kept = facts.reason == 0
        report.warn("no_kk_tidak_valid", facts.rows[kept & (facts.no_kk < 0)], "NO_KK")
        usable = kept & (facts.no_kk >= 0)
        self.kk.append(facts.no_kk[usable])
        self.head.append(facts.codes["hubungan_keluarga"][usable] == self.kepala)
        self.rows.append(facts.rows[usable])

    def finish(self, report: Report) -> None:
        if not self.kk:
            return
        kk, head, rows = (np.concatenate(parts) for parts in (self.kk, self.head, self.rows))
        order = np.argsort(kk, kind="stable")
        kk, head, rows = kk[order], head[order], rows[order]
        starts = np.flatnonzero(np.r_[True, kk[1:] != kk[:-1]]) if len(kk) else np.empty(0, dtype=np.intp)
        heads = np.add.reduceat(head.astype(np.int64), starts) if len(kk) else np.empty(0, dtype=np.int64)
        first_rows = rows[starts]
        report.warn("kk_tanpa_kepala", np.sort(first_rows[heads == 0]), "STAT_HBKEL")
        report.warn("kk_kepala_ganda", np.sort(first_rows[heads > 1]), "STAT_HBKEL")


def aggregate_register(path: Path, periode: Periode, config: Config,
                       progress: ProgressCallback | None = None) -> Aggregation:
    """Read, check and count one register extract. Raises InputError for an unusable file."""
    wilayah = load_wilayah(config.wilayah, config.kode)
    codes = load_code_lists()
    register = open_register(path, config)
    ctx = Context(config, wilayah, codes, periode.tanggal)
    specs = table_specs(codes, register.columns)
    done = [0]

    def counted(rows: int) -> None:
        done[0] += rows
        if progress:
            progress(rows)

    try:
        counts, report = _scan(register, ctx, specs, counted)
    except RescanNeeded:
        if progress:
            progress(-done[0])   # the bar starts again with the exact scan
        prepare_precise_scan(register)
        counts, report = _scan(register, ctx, specs, progress)
    return Aggregation(periode, register, wilayah, specs, counts, report)


def _scan(register: Register, ctx: Context, specs: list[TableSpec],
          progress: ProgressCallback | None) -> tuple[dict[str, np.ndarray], Report]:
    report = Report()
    niks = _NikRegistry()
    families = _FamilyCheck(ctx.codes["hubungan_keluarga"].index(KEPALA_KELUARGA))
    n_desa = len(ctx.wilayah.desa)
    counts = {spec.name: np.zeros((n_desa, 2, len(spec.kategori)), dtype=np.int64) for spec in specs}
    for chunk in register.chunks():
        facts = check_chunk(chunk, ctx)
        niks.mark_duplicates(facts)
        _note_problems(facts, report, ctx)
        families.add(facts, report)
        counts = add_counts(counts, count_chunk(facts, specs, n_desa))
        if progress:
            progress(len(chunk))
    families.finish(report)
    report.rows_read += len(register.malformed_rows)
    report.exclude("baris_rusak", np.asarray(register.malformed_rows, dtype=np.int64))
    return counts, report


def _note_problems(facts: RowFacts, report: Report, ctx: Context) -> None:
    report.rows_read += len(facts)
    for index, code in enumerate(REASON_CODES, start=1):
        report.exclude(code, facts.rows[facts.reason == index])
    kept = facts.reason == 0
    report.kept += int(kept.sum())
    for name in CODED:
        report.warn("kode_tidak_dikenal", facts.rows[kept & (facts.codes[name] < 0)], ctx.codes[name].kolom)
    for column, values in (("PNYDNG_CCT", facts.disabilitas), ("AKTA_LHR", facts.akta)):
        if values is not None:
            report.warn("kode_tidak_dikenal", facts.rows[kept & (values < 0)], column)
    report.warn("nik_tgl_lahir_beda", facts.rows[kept & facts.nik_date_mismatch], "NIK")
    report.warn("nik_jenis_kelamin_beda", facts.rows[kept & facts.nik_sex_mismatch], "NIK")
