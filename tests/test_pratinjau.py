"""`serve` (issue 12, point 8): its address is printed only once it listens, Ctrl-C stops it cleanly, and its
pages never link a PDF the preview does not make. Driven as a user does: a real process on a free port."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from agregat.buku.pratinjau import PDF_NOTE, tanpa_tautan_pdf
from conftest import FIXTURES, ROOT

PERIODE = "2025-S1"


def test_every_link_to_an_edition_pdf_becomes_the_note_and_nothing_else_changes():
    html = ('<p><a class="md-button md-button--primary" href="buku-data-agregat-2025-S1.pdf">Unduh PDF buku</a>\n'
            '<a class="md-button" href="unduhan/datapackage.json">Semua tabel</a></p>'
            '<td><a href="2024-S2/buku-data-agregat-2024-S2.pdf">PDF</a></td><a href="panduan.pdf">lain</a>')
    assert tanpa_tautan_pdf(html) == (f'<p>{PDF_NOTE}\n<a class="md-button" href="unduhan/datapackage.json">'
                                      f'Semua tabel</a></p><td>{PDF_NOTE}</td><a href="panduan.pdf">lain</a>')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serve(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """`python build.py serve` of the golden edition on a free port, SIGINT at its default (a Ctrl-C from the
    terminal), its temporary folders under tmp_path/tmp."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "golden" / PERIODE, data / PERIODE)
    (tmp_path / "tmp").mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--address", f"127.0.0.1:{port}", "--data-dir", str(data)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return process, port


def read_line(stream, seconds: float) -> str:
    ready, _, _ = select.select([stream], [], [], seconds)
    assert ready, f"no line within {seconds} s"
    return stream.readline()


def stopped(process: subprocess.Popen) -> tuple[str, str, float]:
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("serve did not stop within 30 s of Ctrl-C")
    return out, err, time.monotonic() - sent


@pytest.mark.slow
def test_serve_says_its_address_when_it_listens_and_ctrl_c_stops_it(tmp_path):
    process, port = start_serve(tmp_path)
    try:
        line = read_line(process.stdout, 180)
        url = f"http://127.0.0.1:{port}/"
        assert line.startswith(f"Pratinjau di {url} (Ctrl+C untuk berhenti).") and "build.py build" in line
        with urllib.request.urlopen(f"{url}{PERIODE}/index.html", timeout=10) as response:   # at once
            assert response.status == 200
            page = response.read().decode()
        with urllib.request.urlopen(url, timeout=10) as response:
            home = response.read().decode()
        for html in (page, home):
            assert PDF_NOTE in html and not re.search(r'href="[^"]*\.pdf"', html)
    finally:
        out, err, took = stopped(process)
    assert process.returncode == 0 and took < 10, err
    lines = [line for line in err.splitlines() if not line.startswith("  ")]   # progress: on a slow machine
    assert lines[0] == "Membangun situs pratinjau…"
    assert re.fullmatch(r"Situs pratinjau selesai \(\d+,\d s, \d+ halaman\)", lines[1]), err
    assert lines[-1] == "Pratinjau dihentikan." and "Traceback" not in err and out == ""
    assert list((tmp_path / "tmp").iterdir()) == []            # the preview's temporary site is gone


@pytest.mark.slow
def test_ctrl_c_during_the_first_build_stops_serve_too(tmp_path):
    process, _ = start_serve(tmp_path)
    assert read_line(process.stderr, 60) == "Membangun situs pratinjau…\n"
    out, err, took = stopped(process)
    assert process.returncode == 0 and took < 10, err
    assert err.splitlines()[-1] == "Pratinjau dihentikan." and "Traceback" not in err
    assert "Pratinjau di" not in out                               # it never listened, so it never said so
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("address, words", [
    ("localhost", "bukan HOST:PORT"), ("127.0.0.1:99999", "bukan HOST:PORT"), ("127.0.0.1:", "bukan HOST:PORT"),
    ("taken", "tidak dapat dipakai"),
])
def test_a_bad_or_taken_address_is_one_line_before_anything_is_built(address, words, tmp_path, capsys):
    from agregat.cli import main as cli
    from agregat.core.errors import EXIT_USAGE
    from agregat.core.paths import Paths

    shutil.copytree(FIXTURES / "golden" / PERIODE, tmp_path / "data" / PERIODE)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        if address == "taken":
            address = f"127.0.0.1:{holder.getsockname()[1]}"
        assert cli.main(["serve", "--address", address], paths=Paths.of_project(tmp_path)) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("Kesalahan: --address ") and words in err and err.count("\n") == 1
    assert sorted(p.name for p in (tmp_path / "data" / PERIODE).iterdir()) == sorted(
        p.name for p in (FIXTURES / "golden" / PERIODE).iterdir())        # no analisa.md written
