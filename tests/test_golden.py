"""Golden edition of a small fixed register (three desa of Tapin).

Regenerate after an intended change of the output, then review the diff:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil

from agregat import jobs
from conftest import FIXTURES, snapshot

GOLDEN = FIXTURES / "golden"


def test_golden_edition_is_reproduced_byte_for_byte(tmp_path):
    result = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", tmp_path / "data",
                            report_dir=tmp_path / "laporan")
    expected_dir = GOLDEN / "2025-S1"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(result.edition_dir, expected_dir)
        shutil.copy(result.report_path, GOLDEN / "validasi.csv")
    assert snapshot(result.edition_dir) == snapshot(expected_dir)
    assert result.report_path.read_bytes() == (GOLDEN / "validasi.csv").read_bytes()


def test_same_input_gives_byte_identical_files(tmp_path):
    first = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", tmp_path / "a")
    second = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", tmp_path / "b")
    assert snapshot(first.edition_dir) == snapshot(second.edition_dir)
    assert first.digest == second.digest
