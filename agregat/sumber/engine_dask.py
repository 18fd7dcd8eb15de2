"""The Dask engine: the pipeline's chunk function over the partitions of a register on a dask.distributed
cluster (an existing one by address, or a local one).

Pass 1, one task per partition file: read and check every chunk (`check_chunk`), keep the facts in worker
memory, and give the (NIK, row, row-if-keepable) triples as a dask.dataframe. A groupby on NIK (a shuffle
between workers) finds the NIKs that occur more than once and the row of their first keepable copy; only
those come back to the client (`Winners`). Pass 2: each partition marks its losing copies and counts them
with `partial_counts`; the partial results are added in partition order by a tree of tasks, and the NO_KK
summaries go through a second groupby. The client never holds every NIK or NO_KK.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from agregat import __version__
from agregat.core.config import Config
from agregat.core.errors import AgregatError, ClusterError
from agregat.sumber.ingest import Register, RescanNeeded, open_register, prepare_precise_scan
from agregat.core.periode import Periode
from agregat.sumber.pipeline import (Aggregation, Engine, Families, Partial, Plan, Winners, add_partials, empty_counts, finish,
                       make_plan, malformed_partial, partial_counts)
from agregat.sumber.report import Report
from agregat.sumber.validation import RowFacts, check_chunk

CONNECT_TIMEOUT = "10s"
WORKER_TIMEOUT = 30          # seconds to wait for a first worker of an existing cluster
NO_ROW = np.iinfo(np.int64).max
PAIRS_META = pd.DataFrame({"nik": pd.Series(dtype="int64"), "baris": pd.Series(dtype="int64"),
                           "baris_dipakai": pd.Series(dtype="int64")})
FAMILIES_META = pd.DataFrame({"no_kk": pd.Series(dtype="int64"), "kepala": pd.Series(dtype="int64"),
                              "baris": pd.Series(dtype="int64")})


def aggregate_on_dask(path: Path, periode: Periode, config: Config, engine: Engine) -> Aggregation:
    """`pipeline.aggregate_register` on a Dask cluster: the same Aggregation, byte for byte."""
    path = Path(path).resolve()   # the workers may run elsewhere: never a path relative to this folder
    with dask_client(engine.scheduler, engine.workers) as client:
        register = open_register(path, config, mapper=lambda function, items: _gather(
            client, client.map(on_worker, items, function=function, pure=False)))
        plan = make_plan(register, periode, config)
        total = _run(client, list(register.parts), plan)
    return Aggregation(periode, register, plan.wilayah, plan.specs(), total.counts, total.report)


# ---- on the workers -------------------------------------------------------------------------------

@dataclass
class PartitionFacts:
    """The checked rows of one partition (duplicates not yet marked) and its malformed rows."""

    facts: list[RowFacts]
    malformed: np.ndarray


def on_worker(item: Path | Register, function, **kwargs):
    """`function(item, **kwargs)` on a worker, which must see the register file where the client saw it."""
    path = item.path if isinstance(item, Register) else Path(item)
    if not path.is_file():
        raise ClusterError(f"Worker Dask di {socket.gethostname()} tidak menemukan berkas register {path}. "
                           "Semua worker harus melihat register di jalur yang sama dengan mesin yang menjalankan "
                           "build.py (mis. penyimpanan bersama); tidak ada yang ditulis.")
    return function(item, **kwargs)


def read_partition(part: Register, plan: Plan) -> PartitionFacts:
    """Read and check every row of one partition; a CSV that needs the exact row numbering is read again."""
    ctx = plan.context()
    while True:
        try:
            return PartitionFacts([check_chunk(chunk, ctx) for chunk in part.chunks()], part.malformed())
        except RescanNeeded:
            prepare_precise_scan(part)


def nik_rows(read: PartitionFacts) -> pd.DataFrame:
    """(nik, baris, baris_dipakai) of every row with a 16-digit NIK; baris_dipakai = NO_ROW unless keepable."""
    nik = np.concatenate([f.nik for f in read.facts] or [np.empty(0, np.int64)])
    rows = np.concatenate([f.rows for f in read.facts] or [np.empty(0, np.int64)]).astype(np.int64)
    keepable = np.concatenate([f.reason == 0 for f in read.facts] or [np.empty(0, bool)])
    has_nik = nik >= 0
    return pd.DataFrame({"nik": nik[has_nik], "baris": rows[has_nik],
                         "baris_dipakai": np.where(keepable[has_nik], rows[has_nik], NO_ROW)})


def count_partition(read: PartitionFacts, winners: Winners, plan: Plan) -> tuple[Tally, pd.DataFrame]:
    """The partition's partial results (duplicates marked from `winners`) and its NO_KK summary."""
    specs = plan.specs()
    total = Partial(empty_counts(plan.n_desa, specs), Report())
    for facts in read.facts:
        add_partials(total, partial_counts(winners.mark_duplicates(facts), plan, specs))
    add_partials(total, malformed_partial(read.malformed, plan, specs))
    families = Families.merge(total.families)
    summary = pd.DataFrame({"no_kk": families.no_kk, "kepala": families.heads, "baris": families.first_row})
    return Tally.of(total), summary


@dataclass
class Tally:
    """A Partial without its NO_KK summaries, its counts kept only for the desa that have kept rows: what
    travels between workers (a national master has ~84,000 desa; a partition holds a few hundred)."""

    desa: np.ndarray                 # ascending indices into wilayah.desa
    counts: dict[str, np.ndarray]    # table → (len(desa), 2, categories)
    report: Report

    @staticmethod
    def of(partial: Partial) -> Tally:
        # every kept row is in `penduduk`: a desa with no count there has none anywhere
        desa = np.flatnonzero(partial.counts["penduduk"].sum(axis=(1, 2)))
        return Tally(desa, {name: array[desa] for name, array in partial.counts.items()}, partial.report)

    def dense(self, n_desa: int) -> dict[str, np.ndarray]:
        return _spread(self.counts, self.desa, np.arange(n_desa))


def add_two(earlier: Tally, later: Tally) -> Tally:
    """The sum of two neighbouring tallies (a new one: Dask may hold the inputs for other tasks)."""
    desa = np.union1d(earlier.desa, later.desa)
    counts = _spread(earlier.counts, earlier.desa, desa)
    for name, array in _spread(later.counts, later.desa, desa).items():
        counts[name] += array
    return Tally(desa, counts, copy.deepcopy(earlier.report).add(later.report))


def _spread(counts: dict[str, np.ndarray], desa: np.ndarray, onto: np.ndarray) -> dict[str, np.ndarray]:
    """Counts of the desa `desa` placed in arrays over the (ascending, wider) desa list `onto`."""
    where = np.searchsorted(onto, desa)
    spread = {}
    for name, array in counts.items():
        spread[name] = np.zeros((len(onto),) + array.shape[1:], dtype=np.int64)
        spread[name][where] = array
    return spread


def agregat_version() -> str:
    return __version__


# ---- the graph, built on the client ----------------------------------------------------------------

def duplicate_winners(rows) -> object:
    """Lazy: per NIK seen more than once, the row of its first keepable copy (groupby/shuffle on NIK)."""
    grouped = rows.groupby("nik").agg({"baris": "count", "baris_dipakai": "min"}, split_out=rows.npartitions)
    return grouped[(grouped["baris"] > 1) & (grouped["baris_dipakai"] < NO_ROW)]["baris_dipakai"]


def family_anomalies(families) -> object:
    """Lazy: the NO_KK whose kept members hold no Kepala Keluarga or more than one (groupby on NO_KK)."""
    grouped = families.groupby("no_kk").agg({"kepala": "sum", "baris": "min"}, split_out=families.npartitions)
    return grouped[grouped["kepala"] != 1]


def _run(client, parts: list[Register], plan: Plan) -> Partial:
    import dask.dataframe as dd

    plan_future = client.scatter(plan, broadcast=True)
    facts = client.map(on_worker, parts, function=read_partition, plan=plan_future, pure=False)
    pairs = client.map(nik_rows, facts, pure=False)
    found = _gather(client, client.compute(duplicate_winners(dd.from_delayed(pairs, meta=PAIRS_META,
                                                                             verify_meta=False))))
    del pairs
    found = found.sort_index()
    winners = Winners(found.index.to_numpy(np.int64), found.to_numpy(np.int64))
    counted = client.map(count_partition, facts, winners=client.scatter(winners, broadcast=True),
                         plan=plan_future, pure=False)
    del facts   # pass 2 holds them; they are freed as it finishes
    partials = [client.submit(_first, c, pure=False) for c in counted]
    summaries = [client.submit(_second, c, pure=False) for c in counted]
    anomalies = client.compute(family_anomalies(dd.from_delayed(summaries, meta=FAMILIES_META,
                                                                verify_meta=False)))
    tally = _gather(client, _tree_sum(client, partials))
    flagged = _gather(client, anomalies)
    families = Families(flagged.index.to_numpy(np.int64), flagged["kepala"].to_numpy(np.int64),
                        flagged["baris"].to_numpy(np.int64))
    total = Partial(tally.dense(plan.n_desa), tally.report, [families])
    finish(total)
    return total


def _first(pair):
    return pair[0]


def _second(pair):
    return pair[1]


def _tree_sum(client, futures: list):
    """Pairwise sums of tallies, neighbours only, so that partition order (the report's row order) is kept."""
    while len(futures) > 1:
        futures = [client.submit(add_two, *futures[i:i + 2], pure=False) if i + 1 < len(futures) else futures[i]
                   for i in range(0, len(futures), 2)]
    return futures[0]


def _gather(client, futures):
    """client.gather, with a dead or vanished cluster reported as ClusterError (AgregatError passes)."""
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    try:
        return client.gather(futures)
    except AgregatError:
        raise
    except KilledWorker:
        raise ClusterError("Worker Dask berhenti berulang kali saat menghitung (kehabisan memori?). Beri worker "
                           "lebih banyak memori atau pecah register menjadi partisi yang lebih kecil.") from None
    except (FutureCancelledError, OSError) as exc:
        raise ClusterError(f"Hubungan dengan klaster Dask terputus saat menghitung ({type(exc).__name__}). "
                           "Periksa penjadwal dan worker, lalu jalankan lagi.") from None


# ---- the cluster ----------------------------------------------------------------------------------

@contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator:
    """A Client of the cluster at `scheduler`, or of a new local cluster of `workers` processes."""
    from distributed import Client, LocalCluster

    quiet = _quiet_logs()
    try:
        if scheduler:
            client = _connect(Client, scheduler)
            try:
                _check_workers(client, scheduler)
                yield client
            finally:
                client.close()
        else:
            n = workers or os.cpu_count() or 1
            # CRITICAL: a task that raises (an InputError on a partition) is logged by its worker with a
            # traceback on this console; the client reports it in one line
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                              silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
                yield client
    finally:
        quiet()


def _connect(client_class, scheduler: str):
    try:
        return client_class(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError):
        raise ClusterError(f"Penjadwal Dask {scheduler} tidak dapat dihubungi dalam {CONNECT_TIMEOUT}. Periksa "
                           "alamatnya (mis. tcp://10.0.0.5:8786) dan bahwa `dask scheduler` berjalan. Tidak "
                           "ada yang ditulis.") from None


def _check_workers(client, scheduler: str) -> None:
    """At least one worker, and every worker runs this version of the package."""
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except (TimeoutError, OSError):
        raise ClusterError(f"Penjadwal Dask {scheduler} belum punya worker setelah {WORKER_TIMEOUT} detik. "
                           "Jalankan `dask worker` di mesin-mesin pekerja, lalu ulangi.") from None
    try:   # the scheduler unpickles the task graph, so it needs the package as much as the workers
        versions = [client.run_on_scheduler(agregat_version), *client.run(agregat_version).values()]
    except Exception:  # a process that cannot even import the package raises whatever the import raised
        versions = []
    if set(versions) != {__version__}:
        raise ClusterError(f"Penjadwal atau worker Dask di {scheduler} tidak memuat paket agregat versi "
                           f"{__version__}. Jalankan `dask scheduler` dan `dask worker` dengan folder proyek dan "
                           ".venv yang sama (PYTHONPATH=folder proyek).")


def _quiet_logs():
    """Silence distributed's own log lines on the console for the duration; returns the undo."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    return lambda: logger.setLevel(level)
