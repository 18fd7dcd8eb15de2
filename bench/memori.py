"""Peak memory of this process and all its descendants together (the PDF's worker processes), for the benchmarks
and the memory test.

    with PuncakMemori() as puncak:
        work()
    puncak.mb          # the highest sum of resident set sizes seen, in MB

A thread samples the resident set size of this process and every descendant every `interval` seconds and
keeps the highest sum. Pages a forked worker still shares with its parent count in both (an upper bound).
This process's own high-water mark (VmHWM: not ru_maxrss, which Linux keeps across fork+exec) is a floor, so
a peak between two samples of this process alone is not missed.
"""

from __future__ import annotations

import threading

import psutil


class PuncakMemori:
    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PuncakMemori":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, _vm_hwm_mb())

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:      # ended between the listing and the reading
                    pass
            self.mb = max(self.mb, total / 2**20)
            self._stop.wait(self.interval)


def _vm_hwm_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
