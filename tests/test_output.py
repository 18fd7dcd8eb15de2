"""Writing the edition: the fast table writer, atomic replacement, files kept across runs."""

from __future__ import annotations

import os

import pytest
import yaml

from agregat import jobs, output
from conftest import FIXTURES, snapshot

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


def test_a_failed_write_leaves_the_previous_edition_untouched(tmp_path, monkeypatch):
    result = jobs.aggregate(GOLDEN / "register.csv", "2025-S1", GOLDEN / "kabupaten.yml", tmp_path)
    before = snapshot(tmp_path)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    with pytest.raises(OSError):
        output.write_edition(result.edition_dir, {"penduduk.yml": "rusak\n"})
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["2025-S1"]


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
