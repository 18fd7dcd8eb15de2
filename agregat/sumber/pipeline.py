"""The aggregation run: open → check every chunk → count → cross-row checks. Nothing is written here.

One pure function, `partial_counts`, turns the checked facts of a chunk of rows into additive partial
results (counts per desa, the validation report, and a per-NO_KK summary); `add_partials` adds them in
row order. Three engines run it:

- `memori`: the whole register as one chunk (small registers);
- `stream`: chunk after chunk with bounded memory (the default), NIK duplicates found on the way;
- `dask`: every partition of a folder on a dask.distributed cluster (`engine_dask`, built on this module;
  `jobs.count_register` picks the engine).

Cross-row rules give the same result in every engine. A row is a NIK duplicate when a *keepable* row
(one that passes every other rule) with the same NIK comes earlier in the register; the KK checks look
at the kept rows of each NO_KK across the whole register. Cross-row state is kept as compact int64
arrays, never as per-row Python objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa

from agregat.core.config import Config
from agregat.core.errors import UsageError
from agregat.sumber.ingest import AnyRegister, Chunk, RescanNeeded, open_register, prepare_precise_scan
from agregat.core.kode import CodeList, load_code_lists
from agregat.core.periode import Periode
from agregat.sumber.report import Report
from agregat.sumber.tables import KEPALA_KELUARGA, TableSpec, add_counts, count_chunk, document_bases, table_specs
from agregat.sumber.validation import CODED, NIK_DUPLICATE, REASON_CODES, Context, RowFacts, check_chunk
from agregat.core.wilayah import Wilayah, load_wilayah

ProgressCallback = Callable[[int], None]
ENGINES = ("memori", "stream", "dask")


@dataclass(frozen=True)
class Engine:
    """Which engine runs the aggregation; `scheduler`/`workers` are for `dask` only."""

    name: str = "stream"
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise UsageError(f"Mesin '{self.name}' tidak dikenal. Pilih salah satu: {', '.join(ENGINES)}.")
        if self.name != "dask" and (self.scheduler or self.workers):
            raise UsageError("--scheduler dan --workers hanya berlaku dengan --engine dask.")
        if self.scheduler and self.workers:
            raise UsageError("Pilih salah satu: --scheduler ALAMAT (klaster yang sudah berjalan) atau "
                             "--workers N (klaster lokal baru).")
        if self.workers is not None and self.workers < 1:
            raise UsageError("--workers harus bilangan bulat ≥ 1.")


@dataclass
class Aggregation:
    """The outcome of reading one register: counts per desa, and the validation report."""

    periode: Periode
    register: AnyRegister
    wilayah: Wilayah
    specs: list[TableSpec]
    counts: dict[str, np.ndarray]
    report: Report


@dataclass(frozen=True)
class Plan:
    """What checking and counting rows needs, in a form that travels to a cluster's workers (no lambdas):
    the table rules are rebuilt from the code lists and the register's columns."""

    config: Config
    wilayah: Wilayah
    codes: dict[str, CodeList]
    tanggal: dt.date
    columns: tuple[str, ...]

    def context(self) -> Context:
        return Context(self.config, self.wilayah, self.codes, self.tanggal)

    def specs(self) -> list[TableSpec]:
        return table_specs(self.codes, self.columns)

    @property
    def n_desa(self) -> int:
        return len(self.wilayah.desa)

    @property
    def kepala(self) -> int:
        return self.codes["hubungan_keluarga"].index(KEPALA_KELUARGA)


# ---- the pure, additive part ----------------------------------------------------------------------

@dataclass
class Families:
    """Per NO_KK (ascending): how many kept members are Kepala Keluarga, and the first member's row."""

    no_kk: np.ndarray
    heads: np.ndarray
    first_row: np.ndarray

    @staticmethod
    def of(no_kk: np.ndarray, heads: np.ndarray, rows: np.ndarray) -> Families:
        """Grouped by NO_KK: heads summed, the smallest row kept."""
        order = np.lexsort((rows, no_kk))
        no_kk, heads, rows = no_kk[order], heads[order], rows[order]
        if len(no_kk) == 0:
            return Families(no_kk, heads.astype(np.int64), rows)
        starts = np.flatnonzero(np.r_[True, no_kk[1:] != no_kk[:-1]])
        return Families(no_kk[starts], np.add.reduceat(heads.astype(np.int64), starts), rows[starts])

    @staticmethod
    def merge(parts: list[Families]) -> Families:
        return Families.of(*(np.concatenate([getattr(p, name) for p in parts] or [np.empty(0, np.int64)])
                             for name in ("no_kk", "heads", "first_row")))

    def warn(self, report: Report) -> None:
        """kk_tanpa_kepala and kk_kepala_ganda, each listed at the first member's row."""
        report.warn("kk_tanpa_kepala", np.sort(self.first_row[self.heads == 0]))
        report.warn("kk_kepala_ganda", np.sort(self.first_row[self.heads > 1]))


@dataclass
class Partial:
    """Additive results of some rows: counts per desa, the report, and NO_KK summaries (not yet judged)."""

    counts: dict[str, np.ndarray]
    report: Report
    families: list[Families] = field(default_factory=list)


def partial_counts(facts: RowFacts, plan: Plan, specs: list[TableSpec]) -> Partial:
    """The pure chunk function: facts of checked rows (duplicate NIKs already marked) → additive results."""
    report = Report()
    _note_problems(facts, report, plan.codes)
    kept = facts.reason == 0
    report.warn("no_kk_tidak_valid", facts.rows[kept & (facts.no_kk < 0)])
    usable = kept & (facts.no_kk >= 0)
    families = Families.of(facts.no_kk[usable], facts.codes["hubungan_keluarga"][usable] == plan.kepala,
                           facts.rows[usable])
    return Partial(count_chunk(facts, specs, plan.n_desa), report, [families])


def malformed_partial(rows: np.ndarray, plan: Plan, specs: list[TableSpec]) -> Partial:
    """Rows the reader could not split into the header's columns: read, excluded, counted nowhere."""
    report = Report()
    report.rows_read += len(rows)
    report.exclude("baris_rusak", np.asarray(rows, dtype=np.int64))
    return Partial(empty_counts(plan.n_desa, specs), report)


def empty_counts(n_desa: int, specs: list[TableSpec]) -> dict[str, np.ndarray]:
    return {spec.name: np.zeros((n_desa, 2, len(spec.kategori)), dtype=np.int64) for spec in specs}


def add_partials(earlier: Partial, later: Partial) -> Partial:
    """`earlier` plus the results of the rows after it (in place on `earlier`)."""
    add_counts(earlier.counts, later.counts)
    earlier.report.add(later.report)
    earlier.families.extend(later.families)
    return earlier


def finish(total: Partial) -> Report:
    """The report once every row is in: the KK checks need all members of each NO_KK."""
    Families.merge(total.families).warn(total.report)
    return total.report


def _note_problems(facts: RowFacts, report: Report, codes: dict[str, CodeList]) -> None:
    report.rows_read += len(facts)
    for index, code in enumerate(REASON_CODES, start=1):
        report.exclude(code, facts.rows[facts.reason == index])
    kept = facts.reason == 0
    report.kept += int(kept.sum())
    for name in CODED:
        report.warn("kode_tidak_dikenal", facts.rows[kept & (facts.codes[name] < 0)], codes[name].kolom)
    for column, values in (("PNYDNG_CCT", facts.disabilitas), ("AKTA_LHR", facts.akta)):
        if values is not None:
            report.warn("kode_tidak_dikenal", facts.rows[kept & (values < 0)], column)
    bases = document_bases(codes)
    for column, values in facts.dokumen.items():   # only where the cell must be known (a child has no KTP-el)
        report.warn("kode_tidak_dikenal", facts.rows[kept & (values < 0) & bases[column](facts)], column)
    report.warn("nik_tgl_lahir_beda", facts.rows[kept & facts.nik_date_mismatch])
    report.warn("nik_jenis_kelamin_beda", facts.rows[kept & facts.nik_sex_mismatch])


# ---- duplicate NIKs -------------------------------------------------------------------------------

class NikRegistry:
    """NIKs of keepable rows seen so far, as one sorted int64 array (merged per chunk in linear time):
    the duplicate rule for engines that see the rows in order."""

    def __init__(self) -> None:
        self.seen = np.empty(0, dtype=np.int64)

    def mark_duplicates(self, facts: RowFacts) -> None:
        """Exclude every row whose NIK belongs to an earlier keepable row (this chunk or before).

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


@dataclass(frozen=True)
class Winners:
    """For each NIK that occurs more than once: the row of its first keepable copy (sorted by NIK).
    Every later row with that NIK is a duplicate: the same rule as `NikRegistry`, from a global view."""

    nik: np.ndarray
    row: np.ndarray

    def mark_duplicates(self, facts: RowFacts) -> RowFacts:
        """The facts with every losing copy excluded as nik_ganda (a new `reason`; the input is untouched)."""
        reason = facts.reason.copy()
        if len(self.nik):
            positions = np.flatnonzero(facts.nik >= 0)
            where = np.searchsorted(self.nik, facts.nik[positions]).clip(0, len(self.nik) - 1)
            loses = (self.nik[where] == facts.nik[positions]) & (self.row[where] < facts.rows[positions])
            reason[positions[loses]] = NIK_DUPLICATE
        return _with_reason(facts, reason)


def _with_reason(facts: RowFacts, reason: np.ndarray) -> RowFacts:
    from dataclasses import replace

    return replace(facts, reason=reason)


def _member(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which `values` occur in the sorted array."""
    if len(sorted_values) == 0:
        return np.zeros(len(values), dtype=bool)
    where = np.searchsorted(sorted_values, values).clip(0, len(sorted_values) - 1)
    return sorted_values[where] == values


# ---- running an engine ----------------------------------------------------------------------------

def make_plan(register: AnyRegister, periode: Periode, config: Config) -> Plan:
    return Plan(config, load_wilayah(config.wilayah, config.kode), load_code_lists(), periode.tanggal,
                register.columns)


def aggregate_register(path: Path, periode: Periode, config: Config,
                       progress: ProgressCallback | None = None, engine: Engine = Engine()) -> Aggregation:
    """Read, check and count one register (a file or a folder of partitions) in this process, with the
    `memori` or `stream` engine (`dask` is `engine_dask.aggregate_on_dask`, which builds on this module; the
    caller chooses: `jobs.count_register`). Raises InputError for an unusable input."""
    assert engine.name != "dask", "the dask engine runs in engine_dask"
    register = open_register(path, config)
    plan = make_plan(register, periode, config)
    specs = plan.specs()
    done = [0]

    def counted(rows: int) -> None:
        done[0] += rows
        if progress:
            progress(rows)

    while True:
        try:
            total = _scan(register, plan, specs, counted, whole=engine.name == "memori")
            break
        except RescanNeeded as rescan:
            if progress:
                progress(-done[0])   # the bar starts again with the exact scan
            done[0] = 0
            prepare_precise_scan(rescan.register)
    return Aggregation(periode, register, plan.wilayah, specs, total.counts, finish(total))


def _scan(register: AnyRegister, plan: Plan, specs: list[TableSpec], progress: ProgressCallback,
          whole: bool) -> Partial:
    ctx = plan.context()
    niks = NikRegistry()
    total = Partial(empty_counts(plan.n_desa, specs), Report())
    for chunk in (_whole(register) if whole else register.chunks()):
        facts = check_chunk(chunk, ctx)
        niks.mark_duplicates(facts)
        add_partials(total, partial_counts(facts, plan, specs))
        progress(len(chunk))
    return add_partials(total, malformed_partial(register.malformed(), plan, specs))


def _whole(register: AnyRegister) -> Iterator[Chunk]:
    """Every row of the register as one chunk."""
    chunks = list(register.chunks())
    if not chunks:
        return
    columns = {name: pa.concat_arrays([c for chunk in chunks for c in _arrays(chunk.columns[name])])
               for name in chunks[0].columns}
    yield Chunk(columns, np.concatenate([chunk.rows for chunk in chunks]))


def _arrays(column: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]
