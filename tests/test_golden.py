"""Golden edition of a small fixed register (three desa of Tapin).

Regenerate after an intended change of the output, then review the diff:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil

from agregat.edisi import jobs
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


def test_heads_by_status_kawin_and_akta_0_5_add_up_in_the_register_edition():
    """kepala_keluarga_status_kawin splits kartu_keluarga (STAT_KWN of the heads, STAT_HBKEL = 1);
    akta_kelahiran_0_5 covers exactly the people aged 0-5 — in every region, for each sex."""
    import yaml

    def load(name):
        return yaml.safe_load((GOLDEN / "2025-S1" / f"{name}.yml").read_text(encoding="utf-8"))["wilayah"]

    heads, kk = load("kepala_keluarga_status_kawin"), load("kartu_keluarga")
    akta, umur = load("akta_kelahiran_0_5"), load("umur_tunggal")
    assert heads.keys() == kk.keys() == akta.keys()
    for kode in kk:
        for sex in ("lk", "pr"):
            assert sum(c[sex] for c in heads[kode]["data"].values()) == kk[kode]["data"]["KEPALA KELUARGA"][sex]
            assert sum(c[sex] for c in akta[kode]["data"].values()) == \
                sum(umur[kode]["data"][str(a)][sex] for a in range(6))
    assert any(c["jml"] for k, c in heads["63.05"]["data"].items() if k != "KAWIN")
