"""Writing the edition: the fast table writer, atomic replacement, files kept across runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import yaml

from agregat.core import atomik
from agregat.cli import main as cli
from agregat.edisi import jobs
from agregat.edisi import output
from agregat.core.digest import edition_digest
from agregat.core.errors import EditionError
from conftest import FIXTURES, ROOT, snapshot

GOLDEN = FIXTURES / "golden"


@pytest.fixture(scope="module")
def golden_tables():
    return {p.stem: yaml.safe_load(p.read_text()) for p in (GOLDEN / "2025-S1").glob("*.yml")
            if p.stem not in ("manifest", "indikator", "perbandingan")}


def test_fast_table_writer_equals_pyyaml(golden_tables):
    for name, document in golden_tables.items():
        for cells in (region["data"] for region in document["wilayah"].values()):
            for label in cells:
                cells[label] = output.LkPr(cells[label])
        assert output.dump_table(document) == output.dump_yaml(document), name


@pytest.mark.parametrize("label", ["A&B <C>", "{{ nama }}", "yes", "no", "0312", "12:30", "- x", "a: b", "#x", "'q'",
                                   "ÄÖ", "null", "~", "1e3", "DESA \"BARU\""])
def test_fast_writer_quotes_awkward_labels_like_pyyaml(label):
    document = {"indikator": "x", "wilayah": {"63.05": {"nama": label, "tingkat": "kabupaten",
                                                          "data": {label: output.LkPr(lk=1, pr=2, jml=3)}}}}
    text = output.dump_table(document)
    assert text == output.dump_yaml(document)
    assert yaml.safe_load(text)["wilayah"]["63.05"]["data"] == {label: {"lk": 1, "pr": 2, "jml": 3}}


def test_write_edition_keeps_files_it_does_not_own(tmp_path):
    edition = tmp_path / "2025-S1"
    output.write_edition(edition, {"penduduk.yml": "a\n", "pekerjaan.yml": "b\n"})
    (edition / "analisa.md").write_text("Teks Kasi\n")
    output.write_edition(edition, {"penduduk.yml": "c\n"})
    assert snapshot(edition) == {"analisa.md": b"Teks Kasi\n", "penduduk.yml": b"c\n"}
    assert sorted(os.listdir(tmp_path)) == ["2025-S1"]


@pytest.mark.parametrize("how", ["exchange fails", "no exchange, rename fails"])
def test_a_failed_write_leaves_the_previous_edition_untouched(tmp_path, monkeypatch, how):
    result = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", tmp_path)
    before = snapshot(tmp_path)

    def broken(*args):
        raise OSError(28, "No space left on device")

    if how == "exchange fails":
        monkeypatch.setattr(atomik, "exchange", broken)
    else:
        monkeypatch.setattr(atomik, "exchange", lambda first, second: False)
        monkeypatch.setattr(atomik.os, "replace", broken)
    with pytest.raises(OSError):
        output.write_edition(result.edition_dir, {"penduduk.yml": "rusak\n"})
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["2025-S1"]


def test_the_swap_is_one_atomic_exchange_on_linux(tmp_path):
    """renameat2(RENAME_EXCHANGE): both folders trade places in one step (the kernel and file system here
    offer it; elsewhere the fallback and its recovery below hold)."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "x").write_text("1")
    (second / "y").write_text("2")
    assert atomik.exchange(first, second)
    assert os.listdir(first) == ["y"] and os.listdir(second) == ["x"]


KILLED = r"""
import os, signal, sys
from pathlib import Path
from agregat.core import atomik
from agregat.edisi import output

mode = sys.argv[2]
if mode == "fallback":          # no renameat2: the old two renames; killed between them
    atomik.exchange = lambda first, second: False
    real = os.replace
    def replace(src, dst):
        real(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)
    atomik.os.replace = replace
else:                           # killed right after the exchange, before the old folder is removed
    real = atomik.exchange
    def exchange(first, second):
        real(first, second)
        os.kill(os.getpid(), signal.SIGKILL)
    atomik.exchange = exchange
output.write_edition(Path(sys.argv[1]), {"penduduk.yml": "baru\n", "manifest.yml": "m: 2\n"})
"""


def _killed_run(edition, mode):
    done = subprocess.run([sys.executable, "-c", KILLED, str(edition), mode], cwd=ROOT, capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.parametrize("next_run", ["aggregate", "build"])
def test_a_run_killed_between_the_two_renames_is_recovered_by_the_next_start(tmp_path, next_run):
    data = tmp_path / "data"
    edition = data / "2025-S1"
    output.write_edition(edition, {"penduduk.yml": "lama\n", "manifest.yml": "m: 1\n"})
    (edition / "analisa.md").write_text("Teks Kasi\n")
    before = snapshot(edition)
    _killed_run(edition, "fallback")
    assert not edition.exists()                  # the hole: no edition at all after the kill …
    retired = [p for p in data.iterdir() if p.name.startswith(".2025-S1.lama.")]
    assert len(retired) == 1 and snapshot(retired[0] / "2025-S1") == before
    if next_run == "aggregate":                  # … and the next start puts the old one back
        output.write_edition(edition, {"penduduk.yml": "baru\n", "manifest.yml": "m: 2\n"})
        assert snapshot(edition) == {"analisa.md": b"Teks Kasi\n", "manifest.yml": b"m: 2\n",
                                     "penduduk.yml": b"baru\n"}
        assert sorted(os.listdir(data)) == ["2025-S1"]
    else:                                        # … the book refuses (never restores) until aggregate runs
        from agregat.edisi.muat import daftar_edisi

        with pytest.raises(EditionError, match="aggregate"):
            daftar_edisi(data)
        assert not edition.exists() and snapshot(retired[0] / "2025-S1") == before


def test_a_run_killed_right_after_the_exchange_leaves_the_new_edition_and_the_next_start_tidies(tmp_path):
    data = tmp_path / "data"
    edition = data / "2025-S1"
    output.write_edition(edition, {"penduduk.yml": "lama\n", "manifest.yml": "m: 1\n"})
    _killed_run(edition, "exchange")
    assert snapshot(edition) == {"manifest.yml": b"m: 2\n", "penduduk.yml": b"baru\n"}   # never missing
    assert [p.name for p in data.iterdir() if p.name.startswith(".2025-S1.baru.")]
    assert atomik.recover_interrupted(data) == []
    assert sorted(os.listdir(data)) == ["2025-S1"]


def test_recovery_leaves_other_hidden_entries_alone(tmp_path):
    for name in (".git", ".2025-S1.lama", ".x.baru.y.z", ".gitkeep"):
        (tmp_path / name).mkdir()
    assert atomik.recover_interrupted(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == [".2025-S1.lama", ".git", ".gitkeep", ".x.baru.y.z"]


def test_aggregate_refuses_to_carry_on_an_edition_holding_a_symlink(tmp_path, capsys):
    config = GOLDEN / "kabupaten.yml"
    jobs.aggregate(GOLDEN / "register.csv", "2025-S1", config, tmp_path / "data")
    outside = tmp_path / "rahasia.md"
    outside.write_text("bukan untuk terbit\n")
    os.symlink(outside, tmp_path / "data" / "2025-S1" / "analisa.md")
    before = snapshot(tmp_path)
    code = cli.main(["aggregate", "--input", str(GOLDEN / "register.csv"), "--period", "2025-S1", "--config",
                     str(config), "--data-dir", str(tmp_path / "data"), "--report-dir", str(tmp_path / "laporan")])
    err = capsys.readouterr().err
    assert code == 4 and "'analisa.md' (tautan simbolik" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before and not (tmp_path / "laporan").exists()
    with pytest.raises(EditionError):            # and the writer itself, whoever calls it
        output.write_edition(tmp_path / "data" / "2025-S1", {"penduduk.yml": "x\n"})
    assert snapshot(tmp_path) == before


def test_the_previous_edition_is_digested_as_it_stands(tmp_path):
    """12: perbandingan.yml records the digest of the previous edition with every file it holds now."""
    config = GOLDEN / "kabupaten.yml"
    jobs.aggregate(GOLDEN / "register.csv", "2024-S2", config, tmp_path)
    (tmp_path / "2024-S2" / "analisa.md").write_text("Analisa\n")
    result = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", config, tmp_path)
    comparison = yaml.safe_load((result.edition_dir / "perbandingan.yml").read_text())
    assert comparison["digest_sebelumnya"] == edition_digest(tmp_path / "2024-S2")


def test_comparison_with_the_previous_semester(tmp_path):
    config = GOLDEN / "kabupaten.yml"
    jobs.aggregate(GOLDEN / "register.csv", "2024-S2", config, tmp_path)
    result = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", config, tmp_path)
    comparison = yaml.safe_load((result.edition_dir / "perbandingan.yml").read_text())
    assert comparison["periode_sebelumnya"] == "2024-S2"
    kabupaten = comparison["wilayah"]["63.05"]["data"]
    # between the two reference dates one child was born (2024-12-31 is on the S2 date, so counted in both)
    assert kabupaten["penduduk"]["selisih"] == kabupaten["penduduk"]["sekarang"] - kabupaten["penduduk"]["sebelumnya"]
    assert kabupaten["kartu_keluarga"] == {"sebelumnya": 5, "sekarang": 5, "selisih": 0, "persen": 0.0}
    assert not (tmp_path / "2024-S2" / "perbandingan.yml").exists()
