"""Progress of long work, told to whoever waits for it: each step named when it starts, its measurable
progress while it runs, its own time when it ends.

    with kemajuan.langkah("Membangun situs", "Situs selesai") as rincian:
        ...                                   # "Membangun situs…" … "Situs selesai (12,3 s)"
        rincian.append("168 halaman")         # … "PDF 2025-S1 selesai (47,0 s, 168 halaman)"

The library receives a `Kemajuan` as a parameter and calls it; the default `DIAM` says nothing (library use,
tests). The command line makes a `KemajuanCetak`, which prints one Indonesian line per event to stderr (stdout
keeps the results: summaries, paths, Markdown). A step that fails never says "selesai": the error follows.
Times are wall-clock seconds of that step alone (time.perf_counter), written with a decimal comma.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TextIO

from agregat.core.angka import bilangan


def durasi(detik: float) -> str:
    """12.34 → "12,3 s" (one decimal, Indonesian comma)."""
    return f"{bilangan(max(detik, 0.0), 1)} s"


class Kemajuan:
    """Says nothing: the library's default (`DIAM`). Subclasses tell the user."""

    def mulai(self, judul: str) -> None:
        """A step starts: `judul` names it ("Membangun situs")."""

    def maju(self, jumlah: int, satuan: str) -> None:
        """Measurable progress of the running step: `jumlah` `satuan` so far (e.g. 100000 "baris dibaca")."""

    def selesai(self, judul: str, detik: float, rincian: Sequence[str] = ()) -> None:
        """A step ended after `detik` seconds of its own ("Situs selesai"; `rincian` e.g. "168 halaman")."""

    @contextmanager
    def langkah(self, mulai: str, selesai: str) -> Iterator[list[str]]:
        """`mulai` now, `selesai` with the step's time when the block ends without an error; the block may
        append details (counts) to the list it receives."""
        self.mulai(mulai)
        started = time.perf_counter()
        rincian: list[str] = []
        yield rincian
        self.selesai(selesai, time.perf_counter() - started, rincian)

    def penghitung(self, satuan: str) -> Callable[[int], None]:
        """A callback adding increments (agregat.sumber.pipeline's `progress`) and reporting the running total."""
        total = 0

        def tambah(n: int) -> None:
            nonlocal total
            total = max(total + n, 0)
            self.maju(total, satuan)
        return tambah


DIAM = Kemajuan()


class KemajuanCetak(Kemajuan):
    """One line per event on `stream` (bawaan: stderr), flushed at once; safe from several threads (the PDF
    worker's completion is reported from the pool's thread). Progress lines come at most every `selang`
    seconds, so a long count shows it moves without flooding the screen."""

    def __init__(self, stream: TextIO | None = None, selang: float = 10.0):
        self._stream = stream
        self._selang = selang
        self._lock = threading.Lock()
        self._terakhir = time.perf_counter()

    def _line(self, text: str) -> None:
        with self._lock:
            print(text, file=self._stream or sys.stderr, flush=True)
            self._terakhir = time.perf_counter()

    def mulai(self, judul: str) -> None:
        self._line(f"{judul}…")

    def maju(self, jumlah: int, satuan: str) -> None:
        if time.perf_counter() - self._terakhir >= self._selang:
            self._line(f"  {bilangan(jumlah)} {satuan}…")

    def selesai(self, judul: str, detik: float, rincian: Sequence[str] = ()) -> None:
        self._line(f"{judul} ({', '.join([durasi(detik), *rincian])})")
