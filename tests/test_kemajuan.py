"""Long work tells what it does (issue 12, point 7): each step named when it starts, measured progress, its
own time when it ends — the printer itself, the demo's aggregations, the build's site and PDFs, setup.sh."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pytest

from agregat.cli import main as cli
from agregat.core.kemajuan import DIAM, Kemajuan, KemajuanCetak, durasi
from agregat.core.paths import Paths
from agregat.edisi import jobs
from conftest import FIXTURES, ROOT

GOLDEN = FIXTURES / "golden"
TIME = r"\d+,\d s"


class Recorder(Kemajuan):
    """What a step reporter hears, in order."""

    def __init__(self):
        self.events: list[tuple] = []

    def mulai(self, judul):
        self.events.append(("mulai", judul))

    def maju(self, jumlah, satuan):
        self.events.append(("maju", jumlah, satuan))

    def selesai(self, judul, detik, rincian=()):
        self.events.append(("selesai", judul, detik, tuple(rincian)))


def test_the_printer_names_a_step_then_its_time_and_details_one_line_each():
    out = io.StringIO()
    kemajuan = KemajuanCetak(out, selang=0)
    with kemajuan.langkah("Membangun situs", "Situs selesai") as rincian:
        count = kemajuan.penghitung("baris dibaca")
        count(1500)
        count(500)
        rincian.append("48 halaman")
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["Membangun situs…", "  1.500 baris dibaca…", "  2.000 baris dibaca…"]
    assert re.fullmatch(rf"Situs selesai \({TIME}, 48 halaman\)", lines[3]) and len(lines) == 4
    assert durasi(12.34) == "12,3 s" and durasi(-0.01) == "0,0 s"


def test_a_failed_step_never_says_selesai_and_the_default_says_nothing(capsys):
    out = io.StringIO()
    with pytest.raises(ValueError):
        with KemajuanCetak(out).langkah("Membuat PDF 2025-S1 (1/1)", "PDF 2025-S1 selesai"):
            raise ValueError
    assert out.getvalue() == "Membuat PDF 2025-S1 (1/1)…\n"
    with DIAM.langkah("Membangun situs", "Situs selesai") as rincian:
        DIAM.penghitung("baris")(10)
        rincian.append("x")
    assert capsys.readouterr() == ("", "")


def test_the_printer_spaces_progress_lines_by_its_interval():
    out = io.StringIO()
    kemajuan = KemajuanCetak(out, selang=3600)
    kemajuan.mulai("Menghitung agregat 2025-S1 (1/1)")
    kemajuan.penghitung("baris dibaca")(10)
    assert out.getvalue() == "Menghitung agregat 2025-S1 (1/1)…\n"


def test_the_demo_names_each_aggregation_i_of_n_with_its_rows_and_time(tmp_path):
    """The demo's registers exist and are newer than their generator: no register step, and each edition is
    aggregated as its own step (here the small golden register stands in for both semesters)."""
    from agregat.sumber import demo

    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for period in demo.DEMO_PERIODS:
        shutil.copy(GOLDEN / "register.csv", raw / f"demo-{period}.csv")
    recorder = Recorder()
    results = jobs.build_demo(GOLDEN / "kabupaten.yml", tmp_path / "data", kemajuan=recorder)
    first, second = demo.DEMO_PERIODS
    rows = [f"{r.aggregation.report.rows_read} baris" for r in results]
    assert [e[:2] for e in recorder.events if e[0] != "maju"] == [
        ("mulai", f"Menghitung agregat {first} (1/2)"), ("selesai", f"Agregat {first} selesai"),
        ("mulai", f"Menghitung agregat {second} (2/2)"), ("selesai", f"Agregat {second} selesai")]
    assert [e[3] for e in recorder.events if e[0] == "selesai"] == [(rows[0],), (rows[1],)]
    assert all(e[2] >= 0 for e in recorder.events if e[0] == "selesai")
    assert ("maju", results[0].aggregation.report.rows_read, "baris dibaca") in recorder.events
    again = Recorder()
    assert jobs.build_demo(GOLDEN / "kabupaten.yml", tmp_path / "data", kemajuan=again) == [None, None]
    assert again.events == []                         # nothing to do, nothing said


@pytest.mark.slow
def test_build_names_the_site_and_each_pdf_then_their_own_times(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "2025-S1", data / "2025-S1")
    argv = ["--config", str(GOLDEN / "kabupaten.yml"), "build", "--data-dir", str(data)]
    assert cli.main(argv, paths=Paths.of_project(tmp_path)) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert lines[:2] == ["Membuat PDF 2025-S1 (1/1)…", "Membangun situs…"]  # the PDF runs beside the site
    done = [line for line in lines[2:] if not line.startswith("  ")]     # progress lines come on a slow machine
    assert len(done) == 2 and any(re.fullmatch(rf"Situs selesai \({TIME}, \d+ halaman\)", line) for line in done), err
    pages = subprocess.run(["pdfinfo", str(tmp_path / "site" / "2025-S1" / "buku-data-agregat-2025-S1.pdf")],
                           check=True, capture_output=True, text=True).stdout
    count = re.search(r"Pages:\s+(\d+)", pages).group(1)
    assert any(re.fullmatch(rf"PDF 2025-S1 selesai \({TIME}, {count} halaman\)", line) for line in done), err
    assert "Situs ditulis ke" in out and " s)" not in out       # the time is the steps', not one sum

    shutil.rmtree(tmp_path / "site")                               # the PDF now comes from the cache
    assert cli.main(argv, paths=Paths.of_project(tmp_path)) == 0
    err = capsys.readouterr().err
    assert re.search(rf"^PDF 2025-S1 selesai \({TIME}, {count} halaman, dari cache\)$", err, re.M), err


@pytest.mark.slow
def test_the_site_step_counts_its_pages_as_they_are_written(tmp_path):
    from agregat.buku.build import build_book

    shutil.copytree(GOLDEN / "2025-S1", tmp_path / "data" / "2025-S1")
    recorder = Recorder()
    build_book(data_dir=tmp_path / "data", site_dir=tmp_path / "site", pdf=False, kemajuan=recorder)
    progress = [e for e in recorder.events if e[0] == "maju"]
    total = len(progress)
    assert total > 10 and progress == [("maju", n, f"dari {total} halaman") for n in range(1, total + 1)]
    assert recorder.events[0] == ("mulai", "Membangun situs") and recorder.events[-1][0] == "selesai"
    assert recorder.events[-1][1] == "Situs selesai" and recorder.events[-1][3] == (f"{total} halaman",)


def test_setup_announces_each_step_in_one_line(tmp_path):
    """setup.sh in a copy of the project whose .venv exists; its pip is a stand-in recording the call (the
    real installer would reach the network), the system-package check is the real dpkg-query."""
    shutil.copytree(ROOT / "tools", tmp_path / "tools")
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text("#!/bin/sh\n")
    (bin_dir / "pip").write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/pip-args"\n')
    for name in ("python", "pip"):
        os.chmod(bin_dir / name, 0o755)
    done = subprocess.run(["sh", "tools/setup.sh"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PATH": "/usr/bin:/bin"})
    if "Paket sistem belum ada" in done.stderr or "Memasang paket sistem" in done.stdout:
        pytest.skip("system packages missing on this machine")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Memeriksa paket sistem (Pango, fonta DejaVu, git, ssh-keygen)…",
        "Memasang paket Python dari requirements.txt ke .venv (pip; pertama kali beberapa menit)…",
        "Persiapan selesai."]
    assert "-r requirements.txt" in (bin_dir / "pip-args").read_text()
